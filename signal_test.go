package uv

import (
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// Flags of the kernel's struct sigaction.
const (
	saOnstack   = 0x08000000
	saResethand = 0x80000000
)

// kernelSigaction is the kernel's struct sigaction on Linux (amd64, arm64): handler and flags
// first; the rest (restorer, mask) is compared whole.
type kernelSigaction struct {
	handler uintptr
	flags   uint64
	rest    [2]uint64
}

// disposition reads the action of sig with rt_sigaction, beside libc and the binding.
func disposition(t testing.TB, sig syscall.Signal) kernelSigaction {
	t.Helper()
	var sa kernelSigaction
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&sa)), 8, 0, 0)
	if e != 0 {
		t.Fatalf("rt_sigaction(%d): %v", sig, e)
	}
	return sa
}

// checkOnstack fails t when sig has a handler (not SIG_DFL, not SIG_IGN) without SA_ONSTACK.
func checkOnstack(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if sa := disposition(t, sig); sa.handler > 1 && sa.flags&saOnstack == 0 {
		t.Errorf("%v: handler %#x installed without SA_ONSTACK (flags %#x)", sig, sa.handler, sa.flags)
	}
}

// sigGuard records the dispositions of sigs; at the end of the test (after the loops' leak
// checks, which close what is left) it fails the test when one of them was not restored, and
// puts Go's handler back (signal.Ignore, then Notify, installs it anew), so that a failure does
// not leave a signal at SIG_DFL for the tests after. Call it before newTestLoop.
func sigGuard(t *testing.T, sigs ...syscall.Signal) {
	t.Helper()
	before := make([]kernelSigaction, len(sigs))
	for i, s := range sigs {
		before[i] = disposition(t, s)
	}
	t.Cleanup(func() {
		for i, s := range sigs {
			if got := disposition(t, s); got != before[i] {
				t.Errorf("%v: disposition %+v after the test, want %+v as before", s, got, before[i])
				signal.Ignore(s)
				c := make(chan os.Signal, 1)
				signal.Notify(c, s)
				signal.Stop(c)
			}
		}
	})
}

// raise sends sig to the calling thread, as C's raise does; call it on a locked thread (a
// callback of the loop runs on one).
func raise(t testing.TB, sig syscall.Signal) {
	t.Helper()
	checkOnstack(t, sig)
	must(t, syscall.Tgkill(syscall.Getpid(), syscall.Gettid(), sig))
}

// kill sends sig to the process.
func kill(t testing.TB, sig syscall.Signal) {
	t.Helper()
	must(t, syscall.Kill(syscall.Getpid(), sig))
}

// The watchers and timers of test-signal.c.

const nSignals = 10

const (
	sigClose = iota
	sigStop
	sigNoop
)

type signalCtx struct {
	t       *testing.T
	h       *Signal
	signum  syscall.Signal
	action  int
	ncalls  int
	oneShot bool
}

func startWatcher(t *testing.T, l *Loop, signum syscall.Signal, ctx *signalCtx, oneShot bool) {
	t.Helper()
	*ctx = signalCtx{t: t, signum: signum, action: sigClose, oneShot: oneShot}
	h, err := NewSignal(l)
	must(t, err)
	ctx.h = h
	if oneShot {
		must(t, h.StartOneshot(ctx.oneShotCb, int(signum)))
	} else {
		must(t, h.Start(ctx.cb, int(signum)))
	}
}

func (c *signalCtx) cb(signum int) {
	if signum != int(c.signum) {
		c.t.Errorf("signal callback with %d, want %d", signum, c.signum)
	}
	c.ncalls++
	if c.ncalls == nSignals {
		switch c.action {
		case sigStop:
			must(c.t, c.h.Stop())
		case sigClose:
			must(c.t, c.h.Close(nil))
		default:
			c.t.Errorf("signal callback number %d of a NOOP watcher", c.ncalls)
		}
	}
}

func (c *signalCtx) oneShotCb(signum int) {
	if signum != int(c.signum) {
		c.t.Errorf("one-shot callback with %d, want %d", signum, c.signum)
	}
	c.ncalls++
	if c.ncalls != 1 {
		c.t.Errorf("one-shot callback called %d times", c.ncalls)
	}
	if c.action == sigClose {
		must(c.t, c.h.Close(nil))
	}
}

type timerCtx struct {
	ncalls int
}

// startTimer raises signum on the loop's thread every 5 ms, nSignals times, then closes.
func startTimer(t *testing.T, l *Loop, signum syscall.Signal, ctx *timerCtx) {
	t.Helper()
	ctx.ncalls = 0
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(func() {
		raise(t, signum)
		ctx.ncalls++
		if ctx.ncalls == nSignals {
			must(t, tm.Close(nil))
		}
	}, 5*time.Millisecond, 5*time.Millisecond))
}

// libuv: we_get_signal
func TestWeGetSignal(t *testing.T) {
	sigGuard(t, syscall.SIGCHLD)
	l := newTestLoop(t)
	var sc signalCtx
	var tc timerCtx
	startTimer(t, l, syscall.SIGCHLD, &tc)
	startWatcher(t, l, syscall.SIGCHLD, &sc, false)
	sc.action = sigStop
	if run(t, l, RunDefault) {
		t.Fatal("Run: loop still alive")
	}
	if tc.ncalls != nSignals || sc.ncalls != nSignals {
		t.Fatalf("timer %d, signal %d calls, want %d", tc.ncalls, sc.ncalls, nSignals)
	}

	startTimer(t, l, syscall.SIGCHLD, &tc)
	run(t, l, RunDefault)
	if tc.ncalls != nSignals || sc.ncalls != nSignals {
		t.Fatalf("stopped watcher: timer %d, signal %d calls, want %d", tc.ncalls, sc.ncalls, nSignals)
	}

	sc.ncalls = 0
	sc.action = sigClose
	must(t, sc.h.Start(sc.cb, int(syscall.SIGCHLD)))
	startTimer(t, l, syscall.SIGCHLD, &tc)
	run(t, l, RunDefault)
	if tc.ncalls != nSignals || sc.ncalls != nSignals {
		t.Fatalf("restarted watcher: timer %d, signal %d calls, want %d", tc.ncalls, sc.ncalls, nSignals)
	}
}

// libuv: we_get_signals
func TestWeGetSignals(t *testing.T) {
	sigGuard(t, syscall.SIGUSR1, syscall.SIGUSR2)
	l := newTestLoop(t)
	var sc [4]signalCtx
	var tc [2]timerCtx
	startWatcher(t, l, syscall.SIGUSR1, &sc[0], false)
	startWatcher(t, l, syscall.SIGUSR1, &sc[1], false)
	startWatcher(t, l, syscall.SIGUSR2, &sc[2], false)
	startWatcher(t, l, syscall.SIGUSR2, &sc[3], false)
	startTimer(t, l, syscall.SIGUSR1, &tc[0])
	startTimer(t, l, syscall.SIGUSR2, &tc[1])
	run(t, l, RunDefault)
	for i := range sc {
		if sc[i].ncalls != nSignals {
			t.Errorf("watcher %d: %d calls, want %d", i, sc[i].ncalls, nSignals)
		}
	}
	for i := range tc {
		if tc[i].ncalls != nSignals {
			t.Errorf("timer %d: %d calls, want %d", i, tc[i].ncalls, nSignals)
		}
	}
}

// libuv: we_get_signal_one_shot
func TestWeGetSignalOneShot(t *testing.T) {
	sigGuard(t, syscall.SIGCHLD)
	l := newTestLoop(t)
	var sc signalCtx
	var tc timerCtx
	startTimer(t, l, syscall.SIGCHLD, &tc)
	startWatcher(t, l, syscall.SIGCHLD, &sc, true)
	sc.action = sigNoop
	run(t, l, RunDefault)
	if tc.ncalls != nSignals || sc.ncalls != 1 {
		t.Fatalf("timer %d, signal %d calls, want %d and 1", tc.ncalls, sc.ncalls, nSignals)
	}

	startTimer(t, l, syscall.SIGCHLD, &tc)
	run(t, l, RunDefault)
	if sc.ncalls != 1 {
		t.Fatalf("stopped one-shot watcher: %d calls, want 1", sc.ncalls)
	}

	sc.ncalls = 0
	sc.action = sigClose
	must(t, sc.h.StartOneshot(sc.oneShotCb, int(syscall.SIGCHLD)))
	startTimer(t, l, syscall.SIGCHLD, &tc)
	run(t, l, RunDefault)
	if tc.ncalls != nSignals || sc.ncalls != 1 {
		t.Fatalf("restarted: timer %d, signal %d calls, want %d and 1", tc.ncalls, sc.ncalls, nSignals)
	}
}

// libuv: we_get_signals_mixed
func TestWeGetSignalsMixed(t *testing.T) {
	sigGuard(t, syscall.SIGCHLD)
	l := newTestLoop(t)
	var sc [4]signalCtx
	var tc timerCtx
	chld := syscall.SIGCHLD
	want := func(step string, calls ...int) {
		t.Helper()
		if tc.ncalls != nSignals {
			t.Errorf("%s: timer %d calls, want %d", step, tc.ncalls, nSignals)
		}
		for i, n := range calls {
			if sc[i].ncalls != n {
				t.Errorf("%s: watcher %d: %d calls, want %d", step, i, sc[i].ncalls, n)
			}
		}
	}

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], true)
	startWatcher(t, l, chld, &sc[1], true)
	run(t, l, RunDefault)
	want("2 one-shot", 1, 1)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], true)
	startWatcher(t, l, chld, &sc[1], true)
	startWatcher(t, l, chld, &sc[2], false)
	must(t, sc[2].h.Close(nil))
	checkOnstack(t, chld) // libuv re-installed its handler, with SA_RESETHAND
	run(t, l, RunDefault)
	want("2 one-shot, 1 normal then remove normal", 1, 1, 0)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], false)
	startWatcher(t, l, chld, &sc[1], false)
	startWatcher(t, l, chld, &sc[2], true)
	must(t, sc[2].h.Close(nil))
	run(t, l, RunDefault)
	want("2 normal, 1 one-shot then remove one-shot", nSignals, nSignals, 0)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], false)
	startWatcher(t, l, chld, &sc[1], false)
	startWatcher(t, l, chld, &sc[2], true)
	startWatcher(t, l, chld, &sc[3], true)
	must(t, sc[0].h.Close(nil))
	must(t, sc[1].h.Close(nil))
	run(t, l, RunDefault)
	want("2 normal, 2 one-shot then remove 2 normal", 0, 0, 1, 1)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], false)
	startWatcher(t, l, chld, &sc[1], true)
	startWatcher(t, l, chld, &sc[2], false)
	startWatcher(t, l, chld, &sc[3], false)
	must(t, sc[0].h.Close(nil))
	must(t, sc[2].h.Close(nil))
	run(t, l, RunDefault)
	want("1 normal, 1 one-shot, 2 normal then remove 1st normal, 2nd normal", 0, 1, 0, nSignals)
}

// libuv: signal_multiple_loops
//
// Goroutines instead of threads: 24 run a loop each with watchers of SIGUSR1, SIGUSR2 or
// both (their callbacks stop them), twice; 10 more create and destroy loops with a SIGTERM
// watcher meanwhile. libuv's test also blocks every signal in its main thread before the second
// round; a goroutine has no thread of its own to block them in, so the signals are sent to the
// process as in the first round.
func TestSignalMultipleLoops(t *testing.T) {
	sigGuard(t, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGTERM)
	const handlers, creators = 24, 10
	var sig1, sig2, created atomic.Int64
	var stop atomic.Bool
	ready := make(chan struct{}, handlers)
	next := make(chan struct{})
	var creatorsWG, handlersWG sync.WaitGroup

	for i := 0; i < creators; i++ {
		creatorsWG.Add(1)
		go func() {
			defer creatorsWG.Done()
			for {
				l, err := NewLoop()
				if err != nil {
					t.Error(err)
					return
				}
				s, err := NewSignal(l)
				if err == nil {
					err = s.Start(func(int) { t.Error("SIGTERM callback") }, int(syscall.SIGTERM))
				}
				if err == nil {
					err = s.Close(nil)
				}
				if err == nil {
					_, err = l.Run(RunDefault)
				}
				if err == nil {
					err = l.Close()
				}
				if err != nil {
					t.Error(err)
					return
				}
				created.Add(1)
				if stop.Load() {
					return
				}
			}
		}()
	}

	loops := make([]*Loop, handlers)
	for i := range loops {
		loops[i] = newTestLoop(t)
	}
	for i, l := range loops {
		handlersWG.Add(1)
		go func() {
			defer handlersWG.Done()
			type watch struct {
				s      *Signal
				signum syscall.Signal
				calls  *atomic.Int64
			}
			start := func(w watch) {
				if err := w.s.Start(func(n int) {
					if n != int(w.signum) {
						t.Errorf("callback with %d, want %d", n, w.signum)
					}
					w.calls.Add(1)
					w.s.Stop()
				}, int(w.signum)); err != nil {
					t.Error(err)
				}
			}
			var ws []watch
			add := func(signum syscall.Signal, calls *atomic.Int64) {
				s, err := NewSignal(l)
				if err != nil {
					t.Error(err)
					return
				}
				ws = append(ws, watch{s, signum, calls})
			}
			if i%3 != 1 { // SIGUSR1 only, or both
				add(syscall.SIGUSR1, &sig1)
				add(syscall.SIGUSR1, &sig1)
			}
			if i%3 != 0 { // SIGUSR2 only, or both
				add(syscall.SIGUSR2, &sig2)
			}
			for round := 0; round < 2; round++ {
				for _, w := range ws {
					start(w)
				}
				ready <- struct{}{}
				if round == 1 {
					<-next
				}
				if _, err := l.Run(RunDefault); err != nil {
					t.Error(err)
				}
			}
			for _, w := range ws {
				w.s.Close(nil)
			}
			if _, err := l.Run(RunDefault); err != nil {
				t.Error(err)
			}
		}()
	}

	for i := 0; i < handlers; i++ {
		<-ready
	}
	kill(t, syscall.SIGUSR1)
	kill(t, syscall.SIGUSR2)
	for i := 0; i < handlers; i++ {
		<-ready
	}
	close(next)
	// The watchers of the second round are started; their loops may not run yet: the signals
	// wait in the loops' signal pipes.
	kill(t, syscall.SIGUSR1)
	kill(t, syscall.SIGUSR2)
	handlersWG.Wait()
	stop.Store(true)
	creatorsWG.Wait()

	if got, want := sig1.Load(), int64(8*(handlers/3)); got != want {
		t.Errorf("SIGUSR1 callbacks: %d, want %d", got, want)
	}
	if got, want := sig2.Load(), int64(4*(handlers/3)); got != want {
		t.Errorf("SIGUSR2 callbacks: %d, want %d", got, want)
	}
	if n := created.Load(); n < creators {
		t.Errorf("loops created and destroyed: %d, want at least %d", n, creators)
	}
}
