package uv

import (
	"errors"
	"math"
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

// newSignalTest guards the dispositions of sigs (sigGuard), and returns a test loop with a new
// watcher.
func newSignalTest(t *testing.T, sigs ...syscall.Signal) (*Loop, *Signal) {
	t.Helper()
	sigGuard(t, sigs...)
	l := newTestLoop(t)
	sig, err := NewSignal(l)
	must(t, err)
	return l, sig
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
		must(t, h.StartOneshot(signum, ctx.oneShotCb))
	} else {
		must(t, h.Start(signum, ctx.cb))
	}
}

func (c *signalCtx) cb(signum syscall.Signal) {
	if signum != c.signum {
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

func (c *signalCtx) oneShotCb(signum syscall.Signal) {
	if signum != c.signum {
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
	must(t, tm.Start(5*time.Millisecond, 5*time.Millisecond, func() {
		raise(t, signum)
		ctx.ncalls++
		if ctx.ncalls == nSignals {
			must(t, tm.Close(nil))
		}
	}))
}

// sigRunDone runs l and fails t unless Run returned 0, as test-signal.c asserts of each run.
func sigRunDone(t *testing.T, l *Loop) {
	t.Helper()
	if run(t, l, RunDefault) {
		t.Fatal("Run: loop still alive, want 0")
	}
}

// checkCalls fails t when the timer or the watcher of a step of test-signal.c did not run as
// many times as wanted.
func checkCalls(t *testing.T, step string, timer, wantTimer, signal, wantSignal int) {
	t.Helper()
	if timer != wantTimer || signal != wantSignal {
		t.Fatalf("%s: timer %d, signal %d calls, want %d and %d", step, timer, signal, wantTimer, wantSignal)
	}
}

// libuv: kill_invalid_signum
func TestKillInvalidSignum(t *testing.T) {
	for _, n := range []syscall.Signal{-1, 4096} {
		if err := Kill(os.Getpid(), n); !errors.Is(err, EINVAL) {
			t.Errorf("Kill(getpid, %d): %v, want EINVAL", n, err)
		}
	}
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
	sigRunDone(t, l)
	checkCalls(t, "first run", tc.ncalls, nSignals, sc.ncalls, nSignals)

	startTimer(t, l, syscall.SIGCHLD, &tc)
	sigRunDone(t, l)
	checkCalls(t, "stopped watcher", tc.ncalls, nSignals, sc.ncalls, nSignals)

	sc.ncalls = 0
	sc.action = sigClose
	must(t, sc.h.Start(syscall.SIGCHLD, sc.cb))
	startTimer(t, l, syscall.SIGCHLD, &tc)
	sigRunDone(t, l)
	checkCalls(t, "restarted watcher", tc.ncalls, nSignals, sc.ncalls, nSignals)
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
	sigRunDone(t, l)
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
	sigRunDone(t, l)
	checkCalls(t, "first run", tc.ncalls, nSignals, sc.ncalls, 1)

	startTimer(t, l, syscall.SIGCHLD, &tc)
	sigRunDone(t, l)
	if sc.ncalls != 1 {
		t.Fatalf("stopped one-shot watcher: %d calls, want 1", sc.ncalls)
	}

	sc.ncalls = 0
	sc.action = sigClose
	must(t, sc.h.StartOneshot(syscall.SIGCHLD, sc.oneShotCb))
	startTimer(t, l, syscall.SIGCHLD, &tc)
	sigRunDone(t, l)
	checkCalls(t, "restarted", tc.ncalls, nSignals, sc.ncalls, 1)
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
	sigRunDone(t, l)
	want("2 one-shot", 1, 1)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], true)
	startWatcher(t, l, chld, &sc[1], true)
	startWatcher(t, l, chld, &sc[2], false)
	must(t, sc[2].h.Close(nil))
	checkOnstack(t, chld) // libuv re-installed its handler, with SA_RESETHAND
	sigRunDone(t, l)
	want("2 one-shot, 1 normal then remove normal", 1, 1, 0)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], false)
	startWatcher(t, l, chld, &sc[1], false)
	startWatcher(t, l, chld, &sc[2], true)
	must(t, sc[2].h.Close(nil))
	sigRunDone(t, l)
	want("2 normal, 1 one-shot then remove one-shot", nSignals, nSignals, 0)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], false)
	startWatcher(t, l, chld, &sc[1], false)
	startWatcher(t, l, chld, &sc[2], true)
	startWatcher(t, l, chld, &sc[3], true)
	must(t, sc[0].h.Close(nil))
	must(t, sc[1].h.Close(nil))
	sigRunDone(t, l)
	want("2 normal, 2 one-shot then remove 2 normal", 0, 0, 1, 1)

	startTimer(t, l, chld, &tc)
	startWatcher(t, l, chld, &sc[0], false)
	startWatcher(t, l, chld, &sc[1], true)
	startWatcher(t, l, chld, &sc[2], false)
	startWatcher(t, l, chld, &sc[3], false)
	must(t, sc[0].h.Close(nil))
	must(t, sc[2].h.Close(nil))
	sigRunDone(t, l)
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
					err = s.Start(syscall.SIGTERM, func(syscall.Signal) { t.Error("SIGTERM callback") })
				}
				if err == nil {
					err = s.Close(nil)
				}
				if err == nil {
					var alive bool
					if alive, err = l.Run(RunDefault); alive {
						t.Error("Run of a loop whose only watcher was closed: alive, want 0")
					}
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
				if err := w.s.Start(w.signum, func(n syscall.Signal) {
					if n != w.signum {
						t.Errorf("callback with %d, want %d", n, w.signum)
					}
					w.calls.Add(1)
					if err := w.s.Stop(); err != nil {
						t.Error(err)
					}
				}); err != nil {
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
				if alive, err := l.Run(RunDefault); err != nil || alive {
					t.Errorf("round %d: Run = %v, %v; want 0 (the callbacks stopped every watcher)", round, alive, err)
				}
			}
			for _, w := range ws {
				if err := w.s.Close(nil); err != nil {
					t.Error(err)
				}
			}
			if alive, err := l.Run(RunDefault); err != nil || alive {
				t.Errorf("Run after the closes = %v, %v; want 0", alive, err)
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

// libuv: signal_pending_on_close
func TestSignalPendingOnClose(t *testing.T) {
	l, sig := newSignalTest(t, syscall.SIGPIPE)
	must(t, sig.Start(syscall.SIGPIPE, func(syscall.Signal) { t.Error("SIGPIPE callback") }))
	fds, err := Pipe2(0, 0)
	must(t, err)
	p, err := NewPipe(l, false)
	must(t, err)
	must(t, p.Open(fds[1]))
	buf := make([]byte, 1<<24) // large enough to need an iteration of the loop
	for i := range buf {
		buf[i] = '.'
	}
	closed, wrote := 0, 0
	_, err = p.Write([][]byte{buf}, func(err error) {
		wrote++
		if !errors.Is(err, EPIPE) {
			t.Errorf("write callback: %v, want EPIPE", err)
		}
		must(t, p.Close(func() { closed++ }))
		must(t, sig.Close(func() { closed++ }))
	})
	must(t, err)
	must(t, syscall.Close(fds[0])) // a SIGPIPE on the write of the next iteration
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want 0")
	}
	if wrote != 1 || closed != 2 {
		t.Fatalf("write callbacks %d, close callbacks %d, want 1 and 2", wrote, closed)
	}
}

// libuv: signal_close_loop_alive
func TestSignalCloseLoopAlive(t *testing.T) {
	l, sig := newSignalTest(t, syscall.SIGPIPE)
	must(t, sig.Start(syscall.SIGPIPE, func(signum syscall.Signal) {
		if signum != syscall.SIGPIPE {
			t.Errorf("callback with %d", signum)
		}
		must(t, l.Stop())
	}))
	must(t, sig.Unref())
	must(t, Kill(os.Getpid(), syscall.SIGPIPE))
	if run(t, l, RunDefault) {
		t.Fatal("Run: alive with only an unreferenced watcher")
	}
	closed := 0
	must(t, sig.Close(func() { closed++ }))
	if !l.Alive() {
		t.Fatal("loop not alive with a closing handle")
	}
	if run(t, l, RunDefault) {
		t.Error("Run after the Close: alive, want 0")
	}
	if closed != 1 {
		t.Fatalf("close callbacks %d, want 1", closed)
	}
}

// libuv: eintr_handling
//
// A synchronous FSRead of a pipe blocks in read(2) on the calling goroutine's thread while a
// thread of NewThread sends SIGUSR1 to the process and then writes what the read waits for.
func TestEintrHandling(t *testing.T) {
	l, sig := newSignalTest(t, syscall.SIGUSR1)
	must(t, sig.Start(syscall.SIGUSR1, func(syscall.Signal) { must(t, sig.Stop()) }))
	var fds [2]int
	must(t, syscall.Pipe(fds[:]))
	defer syscall.Close(fds[0])
	defer syscall.Close(fds[1])
	msg := []byte("test-buffer\n\x00")
	var werr error
	th, err := NewThread(func() {
		if werr = syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); werr != nil {
			return
		}
		for {
			var n int
			n, werr = syscall.Write(fds[1], msg)
			if werr != syscall.EINTR {
				if werr == nil && n != len(msg) {
					werr = errors.New("short write")
				}
				return
			}
		}
	})
	must(t, err)
	buf := make([]byte, 32)
	r, err := FSRead(l, fds[0], [][]byte{buf}, -1, nil)
	must(t, err)
	if r.Result() != int64(len(msg)) || string(buf[:len(msg)]) != string(msg) {
		t.Fatalf("read %d bytes %q, want %q", r.Result(), buf[:r.Result()], msg)
	}
	must(t, th.Join())
	must(t, werr)
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want 0 (the callback stopped the watcher)")
	}
	if sig.IsActive() {
		t.Fatal("the SIGUSR1 callback did not run")
	}
	must(t, sig.Close(nil))
	run(t, l, RunDefault)
}

// TestSignalEPIPE: with no watcher of SIGPIPE, a write to a pipe whose reader is gone fails
// with EPIPE and the process lives: on the loop's thread (a stream, a Go thread), on the
// threadpool (an asynchronous FSWrite: threads Go did not create, started with SIGPIPE
// blocked) and on a thread of NewThread (which C created).
func TestSignalEPIPE(t *testing.T) {
	l := newTestLoop(t)
	fds, err := Pipe2(0, 0)
	must(t, err)
	must(t, syscall.Close(fds[0]))
	p, err := NewPipe(l, false)
	must(t, err)
	must(t, p.Open(fds[1]))
	data := []byte("to nobody")
	calls := 0
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(0, 0, func() { // on the loop's thread, in uv_run
		if _, err := p.TryWrite([][]byte{data}); !errors.Is(err, EPIPE) {
			t.Errorf("TryWrite: %v, want EPIPE", err)
		}
		_, err = p.Write([][]byte{data}, func(err error) {
			calls++
			if !errors.Is(err, EPIPE) {
				t.Errorf("Write: %v, want EPIPE", err)
			}
		})
		must(t, err)
		must(t, tm.Close(nil))
	}))
	run(t, l, RunDefault)
	if calls != 1 {
		t.Fatalf("write callbacks %d, want 1", calls)
	}

	var fds2 [2]int
	must(t, syscall.Pipe(fds2[:]))
	must(t, syscall.Close(fds2[0]))
	defer syscall.Close(fds2[1])
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSWrite(l, fds2[1], [][]byte{data}, -1, cb) })
	if !errors.Is(r.Err(), EPIPE) {
		t.Errorf("FSWrite on the threadpool: %v, want EPIPE", r.Err())
	}
	var werr error
	th, err := NewThread(func() { _, werr = syscall.Write(fds2[1], data) })
	must(t, err)
	must(t, th.Join())
	if werr != syscall.EPIPE {
		t.Errorf("write on a thread of NewThread: %v, want EPIPE", werr)
	}
	must(t, p.Close(nil))
	run(t, l, RunDefault)
}

// deepStack recurses n frames deep, each with some stack of its own: run on a new goroutine it
// makes the stack grow (and be copied) several times.
//
//go:noinline
func deepStack(n int) int {
	var pad [16]int
	pad[n%16] = n
	if n == 0 {
		return pad[0]
	}
	return deepStack(n-1) + pad[(n+1)%16]
}

// waitQuiet waits until none of counts has changed for a millisecond: the signals sent so far
// have been caught and dispatched. It gives up after 5 s.
func waitQuiet(counts ...*atomic.Int64) {
	sum := func() (n int64) {
		for _, c := range counts {
			n += c.Load()
		}
		return n
	}
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); {
		n := sum()
		time.Sleep(time.Millisecond)
		if sum() == n {
			return
		}
	}
}

// runLoop runs l until it has no active handle, on a new goroutine; the channel gets Run's
// error.
func runLoop(l *Loop) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := l.Run(RunDefault)
		done <- err
	}()
	return done
}

// TestSignalStormWhileStacksGrow: 10,000 SIGUSR1 sent to the process while goroutines recurse
// deeply, so that the signal often arrives on a thread whose goroutine stack is growing: libuv's
// handler runs on the signal stack (SA_ONSTACK) and nothing crashes. The watcher gets at least
// one callback and never more than the signals sent (the kernel merges a signal sent while it is
// pending), and the last signal is delivered: a callback follows it.
func TestSignalStormWhileStacksGrow(t *testing.T) {
	l, sig := newSignalTest(t, syscall.SIGUSR1)
	var got atomic.Int64
	must(t, sig.Start(syscall.SIGUSR1, func(signum syscall.Signal) {
		if signum != syscall.SIGUSR1 {
			t.Errorf("callback with %d", signum)
		}
		got.Add(1)
	}))
	checkOnstack(t, syscall.SIGUSR1)
	done := runLoop(l)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				grown := make(chan int)
				go func() { grown <- deepStack(2000) }()
				<-grown
			}
		}()
	}

	const sent = 10000
	for i := 1; i < sent; i++ {
		kill(t, syscall.SIGUSR1)
		if i%500 == 0 { // keep the loop's signal pipe (4096 deliveries) from filling up
			waitQuiet(&got)
		}
	}
	waitQuiet(&got)
	before := got.Load()
	kill(t, syscall.SIGUSR1)
	for end := time.Now().Add(5 * time.Second); got.Load() == before && time.Now().Before(end); {
		time.Sleep(100 * time.Microsecond)
	}
	close(stop)
	wg.Wait()
	last := got.Load() > before
	waitQuiet(&got)
	must(t, l.Post(func() { must(t, sig.Close(nil)) }))
	must(t, <-done)
	if n := got.Load(); n < 1 || n > sent || !last {
		t.Fatalf("%d callbacks for %d signals (the last one delivered: %v)", n, sent, last)
	}
}

// TestSignalNotifyAfterLastStop: once the last watcher of SIGUSR1 has stopped, closed, or
// fired as a one-shot watcher, its disposition is Go's again and os/signal.Notify receives the
// next SIGUSR1.
func TestSignalNotifyAfterLastStop(t *testing.T) {
	sigGuard(t, syscall.SIGUSR1)
	usr1 := syscall.SIGUSR1
	orig := disposition(t, usr1)
	l := newTestLoop(t)
	for _, how := range []string{"Stop", "Close", "StartOneshot"} {
		sig, err := NewSignal(l)
		must(t, err)
		calls := 0
		cb := func(syscall.Signal) {
			calls++
			switch how {
			case "Stop":
				must(t, sig.Stop())
			case "Close":
				must(t, sig.Close(nil))
			}
		}
		if how == "StartOneshot" {
			must(t, sig.StartOneshot(usr1, cb))
		} else {
			must(t, sig.Start(usr1, cb))
		}
		if disposition(t, usr1) == orig {
			t.Fatalf("%s: libuv's handler not installed", how)
		}
		kill(t, usr1)
		run(t, l, RunDefault)
		if calls != 1 {
			t.Fatalf("%s: %d callbacks, want 1", how, calls)
		}
		if got := disposition(t, usr1); got != orig {
			t.Fatalf("%s: disposition %+v after the last watcher, want Go's %+v", how, got, orig)
		}
		c := make(chan os.Signal, 1)
		signal.Notify(c, usr1)
		kill(t, usr1)
		select {
		case <-c:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: signal.Notify got no SIGUSR1", how)
		}
		signal.Stop(c)
		if !sig.IsClosing() {
			must(t, sig.Close(nil))
		}
		run(t, l, RunDefault)
		if calls != 1 {
			t.Fatalf("%s: %d callbacks after the watcher stopped, want 1", how, calls)
		}
	}
}

// TestSignalRestoreCounting: the disposition from before comes back after the last watcher of
// a signal in any loop, not before; a watcher moved to another signal, or stopped by a failed
// Start (libuv stops it first), counts as stopped; one-shot watchers alone get libuv's handler
// with SA_RESETHAND and SA_ONSTACK.
func TestSignalRestoreCounting(t *testing.T) {
	usr1, usr2 := syscall.SIGUSR1, syscall.SIGUSR2
	sigGuard(t, usr1, usr2, syscall.SIGCHLD)
	orig1, orig2 := disposition(t, usr1), disposition(t, usr2)
	l1, l2 := newTestLoop(t), newTestLoop(t)
	a, err := NewSignal(l1)
	must(t, err)
	b, err := NewSignal(l2)
	must(t, err)
	nop := func(syscall.Signal) {}
	must(t, a.Start(usr1, nop))
	must(t, b.Start(usr1, nop))
	libuv := disposition(t, usr1)
	if libuv == orig1 || libuv.flags&saOnstack == 0 {
		t.Fatalf("SIGUSR1 watched: %+v, want libuv's handler with SA_ONSTACK", libuv)
	}
	must(t, a.Stop())
	if disposition(t, usr1) != libuv {
		t.Fatal("SIGUSR1 not libuv's while the watcher of another loop is active")
	}
	must(t, a.Start(usr1, nop)) // the same signal again: libuv only replaces the callback
	must(t, b.Start(usr2, nop)) // b moves to SIGUSR2
	if a.Signum() != usr1 || b.Signum() != usr2 {
		t.Fatalf("Signum %d and %d, want %d and %d", a.Signum(), b.Signum(), usr1, usr2)
	}
	if disposition(t, usr1) != libuv {
		t.Fatal("SIGUSR1 not libuv's while a watches it")
	}
	checkOnstack(t, usr2)
	if err := b.Start(0, nop); !errors.Is(err, EINVAL) {
		t.Fatalf("Start(0): %v, want EINVAL", err)
	}
	if err := a.Start(-1, nop); !errors.Is(err, EINVAL) {
		t.Fatalf("Start(-1): %v, want EINVAL", err)
	}
	if a.IsActive() || a.Signum() != 0 {
		t.Fatal("a watcher whose Start failed in libuv is still active")
	}
	if disposition(t, usr1) != orig1 {
		t.Fatal("SIGUSR1 not restored after libuv stopped its last watcher in a failed Start")
	}
	if disposition(t, usr2) == orig2 {
		t.Fatal("SIGUSR2 restored, but b watches it (Start(0) fails before libuv stops anything)")
	}

	// One-shot watchers alone: libuv would install its handler again with SA_RESETHAND when
	// the last regular watcher leaves them; the binding's own watcher of SIGUSR2 keeps it from
	// doing so. SIGCHLD is left to libuv: it does, and the binding adds SA_ONSTACK.
	must(t, a.StartOneshot(usr2, nop))
	must(t, b.Stop())
	if sa := disposition(t, usr2); sa.flags&saResethand != 0 || sa.flags&saOnstack == 0 {
		t.Fatalf("SIGUSR2, one-shot watchers only: flags %#x, want SA_ONSTACK without SA_RESETHAND", sa.flags)
	}
	// libuv keeps its handler of SIGCHLD for good once a process has been spawned (the process
	// section's own watcher): then no SA_RESETHAND either.
	spawned := disposition(t, syscall.SIGCHLD).handler == libuv.handler
	must(t, b.Start(syscall.SIGCHLD, nop))
	must(t, a.StartOneshot(syscall.SIGCHLD, nop))
	if disposition(t, usr2) != orig2 {
		t.Fatal("SIGUSR2 not restored after its last watcher moved to SIGCHLD")
	}
	must(t, b.Stop())
	if sa := disposition(t, syscall.SIGCHLD); sa.flags&saResethand == 0 && !spawned || sa.flags&saOnstack == 0 {
		t.Fatalf("SIGCHLD, one-shot watchers only: %+v, want SA_RESETHAND and SA_ONSTACK", sa)
	}
	must(t, a.Close(nil))
	must(t, b.Close(nil))
	if disposition(t, usr1) != orig1 || disposition(t, usr2) != orig2 {
		t.Fatal("dispositions not restored after Close")
	}
	run(t, l1, RunDefault)
	run(t, l2, RunDefault)
}

// TestSignalOneshotSticky: libuv 1.44 keeps a watcher one-shot once StartOneshot has started
// it: restarted with Start, it stops after one callback, and the binding counts that stop.
func TestSignalOneshotSticky(t *testing.T) {
	l, sig := newSignalTest(t, syscall.SIGUSR1)
	orig := disposition(t, syscall.SIGUSR1)
	calls := 0
	cb := func(syscall.Signal) { calls++ }
	must(t, sig.StartOneshot(syscall.SIGUSR1, cb))
	must(t, sig.Stop())
	must(t, sig.Start(syscall.SIGUSR1, cb))
	kill(t, syscall.SIGUSR1)
	run(t, l, RunDefault) // returns once the watcher has stopped itself
	if calls != 1 || sig.IsActive() || sig.Signum() != 0 {
		t.Fatalf("calls %d, active %v, Signum %d: want 1, false, 0", calls, sig.IsActive(), sig.Signum())
	}
	if disposition(t, syscall.SIGUSR1) != orig {
		t.Fatal("disposition not restored after the one-shot stop")
	}
	must(t, sig.Close(nil))
	run(t, l, RunDefault)
}

// TestSignalRefused: the signals the Go runtime owns are EINVAL before libuv sees them (their
// dispositions stay Go's); an invalid number is libuv's EINVAL; so is a nil callback. After
// Close, every method is ErrClosed.
func TestSignalRefused(t *testing.T) {
	l := newTestLoop(t)
	sig, err := NewSignal(l)
	must(t, err)
	nop := func(syscall.Signal) {}
	for _, s := range []syscall.Signal{syscall.SIGURG, syscall.SIGPROF, syscall.SIGSEGV, syscall.SIGBUS,
		syscall.SIGFPE, syscall.SIGILL, 32, 33} {
		before := disposition(t, s)
		if err := sig.Start(s, nop); !errors.Is(err, EINVAL) {
			t.Errorf("Start(%d): %v, want EINVAL", s, err)
		}
		if err := sig.StartOneshot(s, nop); !errors.Is(err, EINVAL) {
			t.Errorf("StartOneshot(%d): %v, want EINVAL", s, err)
		}
		if disposition(t, s) != before {
			t.Errorf("%d: disposition changed", s)
		}
	}
	for _, n := range []syscall.Signal{0, -1, 65, 1024, syscall.SIGKILL, syscall.SIGSTOP, math.MaxInt64, math.MinInt64} {
		if err := sig.Start(n, nop); !errors.Is(err, EINVAL) {
			t.Errorf("Start(%d): %v, want EINVAL", n, err)
		}
	}
	if err := sig.Start(syscall.SIGUSR1, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Start with a nil callback: %v, want EINVAL", err)
	}
	if sig.IsActive() || sig.Signum() != 0 {
		t.Fatal("watcher active after refused starts")
	}
	must(t, sig.Close(nil))
	for name, err := range map[string]error{
		"Start": sig.Start(syscall.SIGUSR1, nop), "StartOneshot": sig.StartOneshot(syscall.SIGUSR1, nop),
		"Stop": sig.Stop(), "Close": sig.Close(nil),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
	run(t, l, RunDefault)
	if sig.Signum() != 0 || sig.Type() != HandleSignal {
		t.Errorf("closed: Signum %d, Type %v", sig.Signum(), sig.Type())
	}
}

// TestSignalEightLoopsAtOnce: 8 loops in 8 goroutines start and stop watchers of SIGUSR1 and
// SIGUSR2 at the same time (the binding's count of watchers per signal is shared by all loops),
// then all watch SIGUSR1 and all send it at once: every loop gets at least one callback and no
// more than the signals sent, and after the last watcher closes the disposition is Go's again.
func TestSignalEightLoopsAtOnce(t *testing.T) {
	usr1, usr2 := syscall.SIGUSR1, syscall.SIGUSR2
	sigGuard(t, usr1, usr2)
	orig1, orig2 := disposition(t, usr1), disposition(t, usr2)
	const n, each = 8, 50
	loops := make([]*Loop, n)
	sigs := make([]*Signal, n)
	for i := range loops {
		loops[i] = newTestLoop(t)
		s, err := NewSignal(loops[i])
		must(t, err)
		sigs[i] = s
	}
	var got [n]atomic.Int64
	var churned, started, sent sync.WaitGroup
	churned.Add(n)
	started.Add(n)
	sent.Add(n)
	gate := make(chan struct{})
	runErr := make(chan error, n)
	for i := range loops {
		go func() {
			s := sigs[i]
			nop := func(syscall.Signal) {}
			for j := 0; j < 200; j++ { // no signal is sent meanwhile: it may be SIG_DFL between
				if s.Start(usr1, nop) != nil || s.Start(usr2, nop) != nil || s.Stop() != nil {
					t.Error("Start or Stop failed")
					break
				}
			}
			churned.Done()
			churned.Wait()
			if err := s.Start(usr1, func(signum syscall.Signal) {
				if signum != usr1 {
					t.Errorf("callback with %d", signum)
				}
				got[i].Add(1)
			}); err != nil {
				t.Error(err)
			}
			started.Done()
			<-gate
			go func() {
				defer sent.Done()
				for j := 0; j < each; j++ {
					syscall.Kill(syscall.Getpid(), usr1)
				}
			}()
			_, err := loops[i].Run(RunDefault)
			runErr <- err
		}()
	}
	started.Wait()
	if sa := disposition(t, usr1); sa == orig1 || sa.flags&saOnstack == 0 {
		t.Errorf("SIGUSR1 watched by 8 loops: %+v, want libuv's handler with SA_ONSTACK", sa)
	}
	if disposition(t, usr2) != orig2 {
		t.Error("SIGUSR2 not restored after the last of the 8 loops stopped watching it")
	}
	close(gate)
	sent.Wait()
	counts := make([]*atomic.Int64, n)
	for i := range got {
		counts[i] = &got[i]
	}
	waitQuiet(counts...)
	for i := range loops {
		if c := got[i].Load(); c < 1 || c > n*each {
			t.Errorf("loop %d: %d callbacks for %d signals", i, c, n*each)
		}
		s := sigs[i]
		must(t, loops[i].Post(func() { must(t, s.Close(nil)) }))
	}
	for range loops {
		must(t, <-runErr)
	}
	if disposition(t, usr1) != orig1 || disposition(t, usr2) != orig2 {
		t.Error("dispositions not restored after the last watcher closed")
	}
}
