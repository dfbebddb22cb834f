package uv

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// loopNoErr reports err without stopping the test: for use inside loop callbacks, where
// t.Fatal (runtime.Goexit) must not unwind through libuv's C frames.
func loopNoErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Error(err)
	}
}

// loopRecover calls fn and returns the value it panicked with, nil when it returned.
func loopRecover(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// loopCloseAll closes the handles given (those not closing yet) and runs l until their close
// callbacks have run.
func loopCloseAll(t testing.TB, l *Loop, hs ...Handle) {
	t.Helper()
	for _, h := range hs {
		if !h.IsClosing() {
			must(t, h.Close(nil))
		}
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run after closing every handle: still alive")
	}
}

// loopNewLoops returns n new loops, each checked for leaks when the test ends.
func loopNewLoops(t *testing.T, n int) []*Loop {
	t.Helper()
	loops := make([]*Loop, n)
	for i := range loops {
		loops[i] = newTestLoop(t)
	}
	return loops
}

// loopStarter is what Idle, Prepare and Check share.
type loopStarter interface {
	Handle
	Start(cb func()) error
	Stop() error
}

// libuv: active
func TestActive(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	state := func(when string, active, closing bool) {
		t.Helper()
		if tm.IsActive() != active || tm.IsClosing() != closing {
			t.Errorf("%s: IsActive %v IsClosing %v, want %v %v", when, tm.IsActive(), tm.IsClosing(), active, closing)
		}
	}
	never := func() { t.Error("timer callback called") }

	state("after NewTimer", false, false)
	must(t, tm.Start(time.Second, 0, never))
	state("after Start", true, false)
	must(t, tm.Stop())
	state("after Stop", false, false)
	must(t, tm.Start(time.Second, 0, never))
	state("after the second Start", true, false)
	closed := 0
	must(t, tm.Close(func() { closed++ }))
	state("after Close", false, true)

	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if closed != 1 {
		t.Errorf("close callback called %d times, want 1", closed)
	}
	state("after the close callback", false, true)
}

// libuv: close_order
func TestCloseOrder(t *testing.T) {
	l := newTestLoop(t)
	var checkCalls, timerCalls, closeCalls int
	onClose := func() { closeCalls++ }
	chk, err := NewCheck(l)
	must(t, err)
	t1, err := NewTimer(l)
	must(t, err)
	t2, err := NewTimer(l)
	must(t, err)

	// The check callback runs before any close callback of its iteration, and after the
	// timers of the iteration.
	must(t, chk.Start(func() {
		if checkCalls != 0 || timerCalls != 1 || closeCalls != 0 {
			t.Errorf("check callback: check %d timer %d close %d, want 0 1 0", checkCalls, timerCalls, closeCalls)
		}
		loopNoErr(t, chk.Close(onClose))
		loopNoErr(t, t2.Close(onClose))
		checkCalls++
	}))
	must(t, t1.Start(0, 0, func() {
		loopNoErr(t, t1.Close(onClose))
		timerCalls++
	}))
	must(t, t2.Start(100*time.Second, 0, func() { timerCalls++ }))

	if checkCalls != 0 || closeCalls != 0 || timerCalls != 0 {
		t.Fatal("callbacks called before Run")
	}
	run(t, l, RunDefault)
	if checkCalls != 1 || closeCalls != 3 || timerCalls != 1 {
		t.Errorf("check %d close %d timer %d, want 1 3 1", checkCalls, closeCalls, timerCalls)
	}
}

// libuv: default_loop_close
func TestDefaultLoopClose(t *testing.T) {
	timerCalls := 0
	var first *Loop
	for i := 1; i <= 2; i++ {
		l, err := DefaultLoop()
		must(t, err)
		t.Cleanup(func() { checkLeaks(t, l) })
		if again, _ := DefaultLoop(); again != l {
			t.Errorf("round %d: DefaultLoop returned another loop while the default loop is open", i)
		}
		if i == 1 {
			first = l
		} else if l == first {
			t.Error("DefaultLoop after Close returned the closed loop")
		}
		tm, err := NewTimer(l)
		must(t, err)
		must(t, tm.Start(time.Millisecond, 0, func() {
			timerCalls++
			loopNoErr(t, tm.Close(nil))
		}))
		if run(t, l, RunDefault) {
			t.Errorf("round %d: Run: alive, want false", i)
		}
		if timerCalls != i {
			t.Errorf("round %d: timer called %d times, want %d", i, timerCalls, i)
		}
		must(t, l.Close())
	}
	if _, err := first.Run(RunDefault); !errors.Is(err, ErrClosed) {
		t.Errorf("Run on the closed first default loop: %v, want ErrClosed", err)
	}
}

// loopPoll is a poll handed to TestEmbed's poller goroutine: the backend descriptor and the
// timeout in milliseconds (-1: no end).
type loopPoll struct{ fd, timeout int }

// As libuv's test: the only handle is a referenced async handle, which a goroutine wakes after
// a while; the embedder waits on the backend descriptor for BackendTimeout (-1: no end) and runs
// the loop without waiting while it is alive. The async callback closes the handle.
// libuv: embed
func TestEmbed(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	asyncCalls := 0
	var async *Async
	async, err := NewAsync(l, func() {
		asyncCalls++
		loopNoErr(t, async.Close(nil))
	})
	must(t, err)
	barrier := make(chan struct{})
	sent := make(chan error, 1)
	go func() {
		<-barrier
		time.Sleep(50 * time.Millisecond) // libuv: 250 ms
		sent <- async.Send()
	}()
	close(barrier)
	rounds := 0
	for l.Alive() {
		if rounds++; rounds > 10000 {
			t.Fatal("the embedded loop did not finish")
		}
		fd, timeout := l.BackendFd(), -1
		if fd < 0 {
			t.Fatalf("BackendFd: %d", fd)
		}
		if bt := l.BackendTimeout(); bt >= 0 {
			timeout = int(bt / time.Millisecond)
		}
		var ev [1]syscall.EpollEvent
		for {
			if _, err := syscall.EpollWait(fd, ev[:], timeout); err != syscall.EINTR {
				if err != nil {
					t.Fatalf("epoll_wait on the backend fd: %v", err)
				}
				break
			}
		}
		run(t, l, RunNoWait) // libuv asserts >= 0: Run's error is checked
	}
	if err := <-sent; err != nil {
		t.Errorf("Send = %v, want nil", err)
	}
	if asyncCalls != 1 {
		t.Errorf("async callback called %d times, want 1", asyncCalls)
	}
}

// The embedding of TestEmbed with a timer: BackendTimeout reports the timer's due time, which
// the embedder waits, and the timer fires no earlier than its timeout (loop time).
func TestEmbedTimer(t *testing.T) {
	const timeout = 50 * time.Millisecond
	l := newTestLoop(t)

	// The embedder: a goroutine that waits on the loop's backend descriptor, as another event
	// loop would, and hands each wake-up back over a channel.
	polls := make(chan loopPoll)
	wake := make(chan error)
	go func() {
		defer close(wake)
		var ev [1]syscall.EpollEvent
		for p := range polls {
			var err error
			for {
				_, err = syscall.EpollWait(p.fd, ev[:], p.timeout)
				if err != syscall.EINTR {
					break
				}
			}
			wake <- err
		}
	}()

	// A referenced async handle, as in libuv's test, and the timer that ends the test.
	async, err := NewAsync(l, func() { t.Error("async callback called") })
	must(t, err)
	tm, err := NewTimer(l)
	must(t, err)
	timerCalls := 0
	var firedAt time.Duration
	startedAt := l.Now() // libuv's timeouts count from the loop's cached time
	must(t, tm.Start(timeout, 0, func() {
		timerCalls++
		firedAt = l.Now()
		loopNoErr(t, async.Close(nil))
		loopNoErr(t, tm.Close(nil))
	}))

	waited, rounds := false, 0
	for run(t, l, RunNoWait) {
		if rounds++; rounds > 10000 {
			t.Fatal("the embedded loop did not finish")
		}
		bt := l.BackendTimeout()
		p := loopPoll{fd: l.BackendFd(), timeout: -1}
		if bt >= 0 {
			p.timeout = int(bt / time.Millisecond)
		}
		if p.fd < 0 {
			t.Fatalf("BackendFd: %d", p.fd)
		}
		if bt > 0 {
			waited = true
		}
		polls <- p
		if err := <-wake; err != nil {
			t.Fatalf("epoll_wait on the backend fd: %v", err)
		}
	}
	close(polls)
	<-wake

	if timerCalls != 1 {
		t.Errorf("timer called %d times, want 1", timerCalls)
	}
	if !waited {
		t.Error("BackendTimeout was never positive: the embedder never waited for the timer")
	}
	if el := firedAt - startedAt; el < timeout {
		t.Errorf("the timer fired %v after its start (loop time), before its timeout %v", el, timeout)
	}
}

// libuv: loop_alive
func TestLoopAlive(t *testing.T) {
	l := newTestLoop(t)
	if l.Alive() {
		t.Error("a new loop is alive")
	}

	// A loop with an active handle is alive.
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(10*time.Millisecond, 0, func() {}))
	if !l.Alive() {
		t.Error("a loop with an active timer is not alive")
	}
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if l.Alive() {
		t.Error("alive after Run returned")
	}

	// A closing handle keeps it alive until its close callback.
	must(t, tm.Close(nil))
	if !l.Alive() {
		t.Error("a loop with a closing handle is not alive")
	}
	run(t, l, RunDefault)
	if l.Alive() {
		t.Error("alive after the close callback")
	}

	// A loop with a queued work request is alive until its after callback.
	afters := 0
	_, err = QueueWork(l, func() {}, func(err error) {
		afters++
		loopNoErr(t, err)
	})
	must(t, err)
	if !l.Alive() {
		t.Error("a loop with a queued work request is not alive")
	}
	if run(t, l, RunDefault) {
		t.Error("Run with a work request: alive, want false")
	}
	if afters != 1 {
		t.Errorf("after-work callback called %d times, want 1", afters)
	}
	if l.Alive() {
		t.Error("alive after the work request completed")
	}
}

// libuv: loop_close
func TestLoopClose(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(time.Millisecond, time.Millisecond, func() { loopNoErr(t, l.Stop()) }))

	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with an active timer: %v, want EBUSY", err)
	}
	if !run(t, l, RunDefault) {
		t.Error("Run stopped by the timer: not alive, want alive")
	}
	must(t, tm.Close(nil))
	if run(t, l, RunDefault) {
		t.Error("Run after closing the timer: alive, want false")
	}
	must(t, l.Close())
}

// As libuv's test: a work request queued on a new loop, which is left at once (libuv never
// closes it). The binding's leak check closes every loop, so the loop is closed here after the
// work ran: Close answers EBUSY while the request is in flight, as uv_loop_close does.
// libuv: loop_instant_close
func TestLoopInstantClose(t *testing.T) {
	l0 := newTestLoop(t)
	must(t, l0.Close()) // a new loop closes at once

	l := newTestLoop(t)
	afters := 0
	_, err := QueueWork(l, func() {}, func(err error) { afters++; loopNoErr(t, err) })
	must(t, err)
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with a work request in flight: %v, want EBUSY", err)
	}
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if afters != 1 {
		t.Errorf("after-work callback called %d times, want 1", afters)
	}
	must(t, l.Close())
}

// libuv: loop_configure
func TestLoopConfigure(t *testing.T) {
	l := newTestLoop(t)
	must(t, l.Configure(LoopBlockSignal, int(syscall.SIGPROF)))
	if err := l.Configure(LoopBlockSignal, int(syscall.SIGUSR1)); !errors.Is(err, EINVAL) {
		t.Errorf("Configure(LoopBlockSignal, SIGUSR1): %v, want EINVAL (libuv blocks only SIGPROF)", err)
	}
	if err := l.Configure(LoopOption(1000)); !errors.Is(err, ENOSYS) {
		t.Errorf("Configure(unknown option): %v, want ENOSYS", err)
	}
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	must(t, tm.Start(10*time.Millisecond, 0, func() {
		calls++
		loopNoErr(t, tm.Close(nil))
	}))
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if calls != 1 {
		t.Errorf("timer called %d times, want 1", calls)
	}
}

// libuv: loop_handles
func TestLoopHandles(t *testing.T) {
	const (
		idleCount  = 7
		iterations = 21
	)
	l := newTestLoop(t)
	var (
		iteration                             int
		prepare1Calls, prepare1Closes         int
		prepare2Calls, prepare2Closes         int
		checkCalls, checkCloses               int
		idle1Calls, idle1Closes, idles1Active int
		idle2Calls, idle2Closes, idle2Started int
		idle2Active                           bool
		prepare1, prepare2                    *Prepare
		chk                                   *Check
		idle2                                 *Idle
		idles1                                [idleCount]*Idle
		idle1Cbs                              [idleCount]func()
		err                                   error
	)

	prepare1, err = NewPrepare(l)
	must(t, err)
	if err := prepare1.Start(nil); !errors.Is(err, EINVAL) {
		t.Errorf("Prepare.Start(nil): %v, want EINVAL", err)
	}
	chk, err = NewCheck(l)
	must(t, err)
	prepare2, err = NewPrepare(l) // started by prepare1's callback
	must(t, err)
	for i := range idles1 {
		idles1[i], err = NewIdle(l) // started by the check callback
		must(t, err)
	}

	idle2Closed := func() {
		if !idle2Active {
			t.Error("idle2 close callback: idle2 not active")
		}
		idle2Closes++
		idle2Active = false
	}
	for i := range idles1 {
		self := idles1[i]
		idle1Cbs[i] = func() {
			if idles1Active <= 0 {
				t.Error("idle1 callback with no idle1 active")
			}
			// Create idle2 and start it, unless it exists (its IsClosing stays true once
			// closed, as uv_is_closing does on a closed handle).
			if !idle2Active && (idle2 == nil || !idle2.IsClosing()) {
				h, err := NewIdle(l)
				if err != nil {
					t.Error(err)
					return
				}
				idle2 = h
				loopNoErr(t, h.Start(func() {
					idle2Calls++
					loopNoErr(t, h.Close(idle2Closed))
				}))
				idle2Active = true
				idle2Started++
			}
			idle1Calls++
			if idle1Calls%5 == 0 {
				loopNoErr(t, self.Stop())
				idles1Active--
			}
		}
	}

	prepare2Cb := func() {
		// prepare1 starts prepare2 when iteration is even, and a handle started by another of
		// its type is not called in the same iteration.
		if iteration%2 == 0 {
			t.Errorf("prepare2 called in iteration %d, the one that started it", iteration)
		}
		loopNoErr(t, prepare2.Stop())
		prepare2Calls++
	}
	must(t, prepare1.Start(func() {
		if iteration%2 == 0 {
			loopNoErr(t, prepare2.Start(prepare2Cb))
		}
		prepare1Calls++
		iteration++
	}))

	must(t, chk.Start(func() {
		if iteration < iterations {
			for i := 0; i < 1+iteration%idleCount; i++ {
				loopNoErr(t, idles1[i].Start(idle1Cbs[i]))
				idles1Active++
			}
		} else {
			loopNoErr(t, prepare1.Close(func() { prepare1Closes++ }))
			loopNoErr(t, chk.Close(func() { checkCloses++ }))
			loopNoErr(t, prepare2.Close(func() { prepare2Closes++ }))
			for _, h := range idles1 {
				loopNoErr(t, h.Close(func() { idle1Closes++ }))
			}
			if idle2Active {
				loopNoErr(t, idle2.Close(idle2Closed))
			}
		}
		checkCalls++
	}))

	// The timer keeps the loop polling without keeping it alive. Whether it fires before the
	// last iteration, and how often the idle callbacks run, depends on the machine and on the
	// libuv version (from 1.45 io_uring completions end a poll early): libuv asserts neither.
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(10*time.Millisecond, 10*time.Millisecond, func() {}))
	must(t, tm.Unref())

	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}

	check := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	check("iterations", iteration, iterations)
	check("prepare1 calls", prepare1Calls, iterations)
	check("prepare1 close callbacks", prepare1Closes, 1)
	check("prepare2 calls", prepare2Calls, iterations/2)
	check("prepare2 close callbacks", prepare2Closes, 1)
	check("check calls", checkCalls, iterations)
	check("check close callbacks", checkCloses, 1)
	check("idle1 close callbacks", idle1Closes, idleCount)
	check("idle2 close callbacks", idle2Closes, idle2Started)
	if idle2Active {
		t.Error("idle2 still active")
	}
	loopCloseAll(t, l, tm)
}

// libuv: loop_stop
func TestLoopStop(t *testing.T) {
	const ticks = 10
	l := newTestLoop(t)
	prep, err := NewPrepare(l)
	must(t, err)
	tm, err := NewTimer(l)
	must(t, err)
	prepareCalls, timerCalls := 0, 0
	must(t, prep.Start(func() {
		prepareCalls++
		if prepareCalls == ticks {
			loopNoErr(t, prep.Stop())
		}
	}))
	must(t, tm.Start(5*time.Millisecond, 5*time.Millisecond, func() {
		timerCalls++
		switch timerCalls {
		case 1:
			loopNoErr(t, l.Stop())
		case ticks:
			loopNoErr(t, tm.Stop())
		}
	}))

	if !run(t, l, RunDefault) {
		t.Error("Run stopped by Stop: not alive, want alive")
	}
	if timerCalls != 1 {
		t.Errorf("after Stop: timer called %d times, want 1", timerCalls)
	}
	if !run(t, l, RunNoWait) {
		t.Error("RunNoWait: not alive, want alive")
	}
	if prepareCalls <= 1 {
		t.Errorf("prepare called %d times, want > 1", prepareCalls)
	}
	if run(t, l, RunDefault) {
		t.Error("last Run: alive, want false")
	}
	if timerCalls != ticks || prepareCalls != ticks {
		t.Errorf("timer %d prepare %d, want %d %d", timerCalls, prepareCalls, ticks, ticks)
	}
	loopCloseAll(t, l, prep, tm)
}

// libuv: loop_update_time
func TestLoopUpdateTime(t *testing.T) {
	l := newTestLoop(t)
	// Each run updates the loop's time, even with nothing to do.
	start := l.Now()
	for l.Now()-start < 50*time.Millisecond { // libuv: 1000 ms
		if run(t, l, RunNoWait) {
			t.Fatal("RunNoWait on an empty loop: alive")
		}
	}

	// Now is cached until UpdateTime.
	before := l.Now()
	time.Sleep(10 * time.Millisecond)
	if now := l.Now(); now != before {
		t.Errorf("Now changed from %d to %d without UpdateTime or Run", before, now)
	}
	must(t, l.UpdateTime())
	if now := l.Now(); now <= before {
		t.Errorf("Now after 10ms and UpdateTime: %d, want > %d", now, before)
	}
}

// As libuv's test: a first run with an active handle registers the loop's internal watchers
// (libuv bumps active_handles by hand; here a referenced async handle, closed at once), then a
// timer: not alive while inactive, BackendTimeout 0, then exactly its timeout once started
// (computed from the loop's cached time, not measured), and 0 after the run.
// libuv: loop_backend_timeout
func TestLoopBackendTimeout(t *testing.T) {
	l := newTestLoop(t)
	a, err := NewAsync(l, nil)
	must(t, err)
	if !run(t, l, RunNoWait) {
		t.Error("RunNoWait with an active async: not alive, want alive")
	}
	must(t, a.Close(nil))
	if run(t, l, RunNoWait) {
		t.Error("RunNoWait after the async's Close: alive, want false")
	}
	if l.Alive() {
		t.Error("alive with nothing open")
	}

	tm, err := NewTimer(l)
	must(t, err)
	if l.Alive() {
		t.Error("alive with an inactive timer")
	}
	if bt := l.BackendTimeout(); bt != 0 {
		t.Errorf("BackendTimeout with nothing active: %v, want 0", bt)
	}
	must(t, tm.Start(time.Second, 0, func() { loopNoErr(t, tm.Close(nil)) }))
	if bt := l.BackendTimeout(); bt != time.Second {
		t.Errorf("BackendTimeout with a 1s timer: %v, want 1s", bt)
	}
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if bt := l.BackendTimeout(); bt != 0 {
		t.Errorf("BackendTimeout after Run: %v, want 0", bt)
	}

	// Beyond libuv's test: an active referenced handle and no timer, the poll may block
	// without end.
	a, err = NewAsync(l, nil)
	must(t, err)
	if bt := l.BackendTimeout(); bt >= 0 {
		t.Errorf("BackendTimeout with only an async: %v, want negative", bt)
	}
	loopCloseAll(t, l, a)
}

// libuv: run_nowait
func TestRunNowait(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	called := false
	must(t, tm.Start(100*time.Millisecond, 100*time.Millisecond, func() { called = true }))
	if !run(t, l, RunNoWait) {
		t.Error("RunNoWait with an active timer: not alive, want alive")
	}
	if called {
		t.Error("RunNoWait waited for a 100ms timer")
	}
	loopCloseAll(t, l, tm)
}

// libuv: run_once
func TestRunOnce(t *testing.T) {
	const ticks = 64
	l := newTestLoop(t)
	idle, err := NewIdle(l)
	must(t, err)
	calls := 0
	must(t, idle.Start(func() {
		calls++
		if calls == ticks {
			loopNoErr(t, idle.Stop())
		}
	}))
	for runs := 1; run(t, l, RunOnce); runs++ {
		if runs > 10*ticks {
			t.Fatal("RunOnce never returned false")
		}
	}
	if calls != ticks {
		t.Errorf("idle called %d times, want %d", calls, ticks)
	}
	loopCloseAll(t, l, idle)
}

// libuv: walk_handles
func TestWalkHandles(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	seen := 0
	walk := func(h Handle) {
		if h == Handle(tm) {
			seen++
		} else {
			t.Errorf("Walk: unexpected %s handle", h.TypeName())
		}
	}
	must(t, tm.Start(time.Millisecond, 0, func() {
		loopNoErr(t, l.Walk(walk))
		loopNoErr(t, tm.Close(nil))
	}))

	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if seen != 1 {
		t.Errorf("Walk in the timer callback saw the timer %d times, want 1", seen)
	}
	seen = 0
	must(t, l.Walk(walk))
	if seen != 0 {
		t.Error("Walk after the close callback saw the timer")
	}
}

// libuv: queue_foreach_delete
func TestQueueForeachDelete(t *testing.T) {
	l := newTestLoop(t)
	kinds := []struct {
		name string
		new  func() (loopStarter, error)
	}{
		{"idle", func() (loopStarter, error) { h, err := NewIdle(l); return h, err }},
		{"prepare", func() (loopStarter, error) { h, err := NewPrepare(l); return h, err }},
		{"check", func() (loopStarter, error) { h, err := NewCheck(l); return h, err }},
	}
	type kindState struct {
		hs    [3]loopStarter
		calls [3]int
	}
	states := make([]*kindState, len(kinds))
	for k, kind := range kinds {
		s := &kindState{}
		states[k] = s
		for i := range s.hs {
			h, err := kind.new()
			must(t, err)
			s.hs[i] = h
		}
		// These handles run in the reverse order of their starts: #2 runs first and closes
		// itself and #1, whose callback must then not run in the same pass.
		cbs := [3]func(){
			func() { s.calls[0]++ },
			func() {
				s.calls[1]++
				t.Errorf("%s #1 called after #2 closed it", kind.name)
			},
			func() {
				loopNoErr(t, s.hs[2].Close(nil))
				loopNoErr(t, s.hs[1].Close(nil))
				s.calls[2]++
			},
		}
		for i, h := range s.hs {
			must(t, h.Start(cbs[i]))
		}
	}

	// As libuv's test on Linux: three fs_event handles on one directory, which run in the order
	// of their starts: #0 closes itself and #1, whose callback must then not run. A timer due at
	// once touches the directory (a synchronous utime) to fire them.
	dir := t.TempDir()
	var events [3]*FSEvent
	var eventCalls [3]int
	for i := range events {
		h, err := NewFSEvent(l)
		must(t, err)
		events[i] = h
	}
	eventCbs := [3]func(string, FSEventKind, error){
		func(string, FSEventKind, error) {
			loopNoErr(t, events[0].Close(nil))
			loopNoErr(t, events[1].Close(nil))
			eventCalls[0]++
		},
		func(string, FSEventKind, error) {
			eventCalls[1]++
			t.Errorf("fs_event #1 called after #0 closed it")
		},
		func(string, FSEventKind, error) { eventCalls[2]++ },
	}
	for i, h := range events {
		must(t, h.Start(dir, 0, eventCbs[i]))
	}
	helper, err := NewTimer(l)
	must(t, err)
	helperCalls := 0
	now := time.Now()
	must(t, helper.Start(0, 0, func() {
		req, err := FSUtime(l, dir, now, now, nil)
		loopNoErr(t, err)
		if err == nil && (req.Result() != 0 || req.FSType() != FSTypeUtime || req.Path() != dir) {
			t.Errorf("utime: Result %d, FSType %v, Path %q; want 0, %v, %q", req.Result(), req.FSType(), req.Path(), FSTypeUtime, dir)
		}
		helperCalls++
	}))

	if !run(t, l, RunNoWait) {
		t.Error("RunNoWait: not alive, want alive")
	}
	var left []Handle
	for k, s := range states {
		if s.calls != [3]int{1, 0, 1} {
			t.Errorf("%s calls %v, want [1 0 1]", kinds[k].name, s.calls)
		}
		left = append(left, s.hs[0])
	}
	// libuv asserts no count of the fs_event callbacks (from libuv 1.45, NoWait runs the timers
	// after the poll, so the events come in a later iteration): only that #1's never runs.
	if eventCalls[1] != 0 {
		t.Errorf("fs_event calls %v, want none for #1", eventCalls)
	}
	if helperCalls != 1 {
		t.Errorf("helper timer called %d times, want 1", helperCalls)
	}
	loopCloseAll(t, l, append(left, events[0], events[1], events[2], helper)...)
}

// TestIterationOrder records the phases of one iteration: timers, idle, prepare, poll (an
// async sent before the run), check, close callbacks.
func TestIterationOrder(t *testing.T) {
	l := newTestLoop(t)
	var order []string
	rec := func(name string) func() { return func() { order = append(order, name) } }

	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(0, 0, rec("timer")))
	idle, err := NewIdle(l)
	must(t, err)
	must(t, idle.Start(rec("idle")))
	prep, err := NewPrepare(l)
	must(t, err)
	must(t, prep.Start(rec("prepare")))
	chk, err := NewCheck(l)
	must(t, err)
	must(t, chk.Start(rec("check")))
	a, err := NewAsync(l, rec("poll"))
	must(t, err)
	must(t, a.Send())
	closing, err := NewTimer(l)
	must(t, err)
	must(t, closing.Close(rec("close")))

	run(t, l, RunOnce)
	want := []string{"timer", "idle", "prepare", "poll", "check", "close"}
	if Version() >= 0x012d00 {
		// From libuv 1.45 on, RunOnce runs the due timers at the end of the iteration.
		want = []string{"idle", "prepare", "poll", "check", "close", "timer"}
	}
	if !slices.Equal(order, want) {
		t.Errorf("one RunOnce iteration (libuv %s): %v, want %v", VersionString(), order, want)
	}
	loopCloseAll(t, l, tm, idle, prep, chk, a)
}

func TestLoopRunAfterClose(t *testing.T) {
	l := newTestLoop(t)
	must(t, l.Close())
	if _, err := l.Run(RunDefault); !errors.Is(err, ErrClosed) {
		t.Errorf("Run on a closed loop: %v, want ErrClosed", err)
	}
	if _, err := NewTimer(l); !errors.Is(err, ErrClosed) {
		t.Errorf("NewTimer on a closed loop: %v, want ErrClosed", err)
	}
	for name, err := range map[string]error{
		"Stop":       l.Stop(),
		"UpdateTime": l.UpdateTime(),
		"Configure":  l.Configure(MetricsIdleTime),
		"Walk":       l.Walk(func(Handle) { t.Error("Walk callback on a closed loop") }),
		"CloseAll":   l.CloseAll(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s on a closed loop: %v, want ErrClosed", name, err)
		}
	}
	if l.Alive() || l.BackendFd() != -1 {
		t.Errorf("closed loop: Alive %v BackendFd %d, want false -1", l.Alive(), l.BackendFd())
	}
}

func TestLoopCloseTwice(t *testing.T) {
	l := newTestLoop(t)
	must(t, l.Close())
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
}

func TestLoopPostAfterClose(t *testing.T) {
	l := newTestLoop(t)
	must(t, l.Close())
	if err := l.Post(func() { t.Error("function posted to a closed loop ran") }); !errors.Is(err, ErrClosed) {
		t.Errorf("Post on a closed loop: %v, want ErrClosed", err)
	}
}

func TestLoopRunInsideCallback(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	var runErr, closeErr, closeAllErr error
	must(t, tm.Start(0, 0, func() {
		_, runErr = l.Run(RunNoWait)
		closeErr = l.Close()
		closeAllErr = l.CloseAll()
		loopNoErr(t, tm.Close(nil))
	}))
	run(t, l, RunDefault)
	for name, err := range map[string]error{"Run": runErr, "Close": closeErr, "CloseAll": closeAllErr} {
		if !errors.Is(err, ErrRunning) {
			t.Errorf("%s from a callback: %v, want ErrRunning", name, err)
		}
	}
}

func TestLoopRunFromOtherGoroutine(t *testing.T) {
	l := newTestLoop(t)
	var runErr, closeErr error
	loopFromOtherGoroutine(t, l, func() {
		_, runErr = l.Run(RunNoWait)
		closeErr = l.Close()
	})
	if !errors.Is(runErr, ErrRunning) {
		t.Errorf("Run from another goroutine while the loop runs: %v, want ErrRunning", runErr)
	}
	if !errors.Is(closeErr, ErrRunning) {
		t.Errorf("Close from another goroutine while the loop runs: %v, want ErrRunning", closeErr)
	}
}

// loopFromOtherGoroutine runs fn on a new goroutine, from inside a callback of l (so while l
// runs), and waits for it.
func loopFromOtherGoroutine(t *testing.T, l *Loop, fn func()) {
	t.Helper()
	idle, err := NewIdle(l)
	must(t, err)
	calls := 0
	must(t, idle.Start(func() {
		calls++
		done := make(chan struct{})
		go func() {
			defer close(done)
			fn()
		}()
		<-done
		loopNoErr(t, idle.Close(nil))
	}))
	run(t, l, RunDefault)
	if calls != 1 {
		t.Fatalf("idle called %d times, want 1", calls)
	}
}

func TestLoopCloseBusy(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	fired := 0
	must(t, tm.Start(time.Millisecond, 0, func() { fired++ }))
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with an active timer: %v, want EBUSY", err)
	}

	// The loop stays usable.
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if fired != 1 {
		t.Errorf("timer fired %d times after the refused Close, want 1", fired)
	}
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with an inactive open timer: %v, want EBUSY", err)
	}
	// A closing handle still counts until its close callback.
	must(t, tm.Close(nil))
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with a closing timer: %v, want EBUSY", err)
	}
	if run(t, l, RunDefault) {
		t.Error("Run after closing the timer: alive, want false")
	}
	must(t, l.Close())
}

func TestLoopCloseAll(t *testing.T) {
	l := newTestLoop(t)
	active, err := NewTimer(l)
	must(t, err)
	must(t, active.Start(time.Hour, 0, func() { t.Error("timer fired") }))
	inactive, err := NewTimer(l)
	must(t, err)
	idle, err := NewIdle(l)
	must(t, err)
	must(t, idle.Start(func() {}))
	a1, err := NewAsync(l, func() {})
	must(t, err)
	a2, err := NewAsync(l, nil)
	must(t, err)
	closing, err := NewPrepare(l)
	must(t, err)
	closed := 0
	must(t, closing.Close(func() { closed++ }))
	posted := 0
	must(t, l.Post(func() { posted++ }))

	must(t, l.CloseAll())
	if closed != 1 {
		t.Errorf("close callback of the handle closing before CloseAll: %d calls, want 1", closed)
	}
	if posted != 1 {
		t.Errorf("function posted before CloseAll ran %d times, want 1", posted)
	}
	for _, h := range []Handle{active, inactive, idle, a1, a2, closing} {
		if !h.IsClosing() || h.IsActive() {
			t.Errorf("%s after CloseAll: IsClosing %v IsActive %v", h.TypeName(), h.IsClosing(), h.IsActive())
		}
	}
	if err := active.Start(0, 0, func() {}); !errors.Is(err, ErrClosed) {
		t.Errorf("Timer.Start after CloseAll: %v, want ErrClosed", err)
	}
	if _, err := l.Run(RunDefault); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after CloseAll: %v, want ErrClosed", err)
	}
}

func TestLoopPanicInTimer(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	var order []string
	t1, err := NewTimer(l)
	must(t, err)
	must(t, t1.Start(0, 0, func() {
		order = append(order, "timer1")
		panic(boom)
	}))
	t2, err := NewTimer(l)
	must(t, err)
	must(t, t2.Start(0, 0, func() {
		order = append(order, "timer2")
		panic("second panic") // Run re-panics with the first
	}))
	chk, err := NewCheck(l)
	must(t, err)
	must(t, chk.Start(func() { order = append(order, "check") }))
	closing, err := NewIdle(l)
	must(t, err)
	must(t, closing.Close(func() { order = append(order, "close") }))

	v := loopRecover(func() { l.Run(RunOnce) })
	if v != any(boom) {
		t.Fatalf("Run re-panicked with %#v, want the callback's value %v", v, boom)
	}
	// libuv finished its pass, but no other user callback ran after the panic: not the other
	// due timer, the check or the close callback.
	want := []string{"timer1"}
	if Version() >= 0x012d00 {
		want = []string{"check", "close", "timer1"} // RunOnce runs timers last
	}
	if !slices.Equal(order, want) {
		t.Errorf("callbacks of the iteration with a panic: %v, want %v", order, want)
	}

	// The loop runs again and closes cleanly.
	order = nil
	must(t, t1.Start(0, 0, func() {
		order = append(order, "again")
		loopNoErr(t, t1.Close(nil))
	}))
	must(t, chk.Stop())
	run(t, l, RunDefault)
	if !slices.Equal(order, []string{"again"}) {
		t.Errorf("run after the panic: %v, want [again]", order)
	}
	loopCloseAll(t, l, t2, chk)
}

func TestLoopPanicInPost(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	var ran []int
	must(t, l.Post(func() { ran = append(ran, 1) }))
	must(t, l.Post(func() { panic(boom) }))
	must(t, l.Post(func() { ran = append(ran, 3) }))
	must(t, l.Post(func() { ran = append(ran, 4) }))
	if v := loopRecover(func() { l.Run(RunDefault) }); v != any(boom) {
		t.Fatalf("Run re-panicked with %#v, want %v", v, boom)
	}
	if !slices.Equal(ran, []int{1}) {
		t.Errorf("posted functions that ran before the re-panic: %v, want [1]", ran)
	}
	// The others stayed queued: the next Run runs them, then nothing waits any more.
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if !slices.Equal(ran, []int{1, 3, 4}) {
		t.Errorf("posted functions that ran: %v, want [1 3 4]", ran)
	}
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
}

func TestLoopWalkPanic(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	boom := errors.New("boom")
	if v := loopRecover(func() { l.Walk(func(Handle) { panic(boom) }) }); v != any(boom) {
		t.Fatalf("Walk re-panicked with %#v, want %v", v, boom)
	}
	// The panic outside Run does not stop the next Run.
	fired := 0
	must(t, tm.Start(0, 0, func() {
		fired++
		loopNoErr(t, tm.Close(nil))
	}))
	if run(t, l, RunDefault) {
		t.Error("Run after the Walk panic: alive, want false")
	}
	if fired != 1 {
		t.Errorf("timer fired %d times after the Walk panic, want 1", fired)
	}
}

func TestLoopPostConcurrent(t *testing.T) {
	const workers, perWorker = 8, 10000
	l := newTestLoop(t)
	keep, err := NewAsync(l, nil) // referenced: keeps the loop alive until every function ran
	must(t, err)
	watchdog, err := NewTimer(l)
	must(t, err)
	must(t, watchdog.Start(20*time.Second, 0, func() {
		t.Error("not every posted function ran within 20s")
		loopNoErr(t, keep.Close(nil))
		loopNoErr(t, watchdog.Close(nil))
	}))
	must(t, watchdog.Unref())

	next := make([]int, workers)
	outOfOrder, total := 0, 0
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				err := l.Post(func() {
					if next[w] != i {
						outOfOrder++
					}
					next[w] = i + 1
					if total++; total == workers*perWorker {
						loopNoErr(t, keep.Close(nil))
						loopNoErr(t, watchdog.Close(nil))
					}
				})
				if err != nil {
					t.Errorf("Post: %v", err)
					return
				}
			}
		}()
	}
	run(t, l, RunDefault)
	wg.Wait()
	if total != workers*perWorker {
		t.Errorf("%d posted functions ran, want %d", total, workers*perWorker)
	}
	if outOfOrder != 0 {
		t.Errorf("%d posted functions ran out of their goroutine's order", outOfOrder)
	}
	for w, n := range next {
		if n != perWorker {
			t.Errorf("goroutine %d: last function run %d, want %d", w, n, perWorker)
		}
	}
}

func TestLoopPostBeforeRun(t *testing.T) {
	l := newTestLoop(t)
	ran := 0
	must(t, l.Post(func() { ran++ }))
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if ran != 1 {
		t.Errorf("function posted before Run ran %d times, want 1", ran)
	}
}

func TestLoopCloseWhilePosted(t *testing.T) {
	l := newTestLoop(t)
	ran := 0
	must(t, l.Post(func() { ran++ }))
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with a posted function waiting: %v, want EBUSY", err)
	}
	// The refused Close left the loop open: Post still queues.
	must(t, l.Post(func() { ran++ }))
	run(t, l, RunDefault)
	if ran != 2 {
		t.Errorf("posted functions ran %d times, want 2", ran)
	}
	must(t, l.Close())
}

func TestLoopPostFromPosted(t *testing.T) {
	l := newTestLoop(t)
	var order []string
	must(t, l.Post(func() {
		order = append(order, "a")
		loopNoErr(t, l.Post(func() { order = append(order, "b") }))
	}))
	alive := run(t, l, RunDefault)
	if !slices.Equal(order, []string{"a", "b"}) {
		t.Errorf("RunDefault returned (alive %v) before the function posted by a posted function ran: %v, want [a b]", alive, order)
	}

	// CloseAll runs the loop until nothing is alive, then closes it.
	must(t, l.Post(func() {
		order = append(order, "c")
		loopNoErr(t, l.Post(func() { order = append(order, "d") }))
	}))
	if err := l.CloseAll(); err != nil {
		t.Errorf("CloseAll with a function posting another: %v", err)
	}
}

// libuv: loop_stop_before_run
func TestLoopStopBeforeRun(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(0, 0, func() { t.Errorf("the timer ran although the loop was stopped before Run") }))
	must(t, l.Stop())
	if !run(t, l, RunDefault) {
		t.Errorf("Run returned 0 with a pending timer, want non-zero")
	}
	hndDoClose(t, l, tm)
}

// TestLoopPanicHandler: with a panic handler, each panic goes to it and the pass goes on as
// libuv's: the other due timer, the check and the close callback run; Run does not re-panic. A
// panic in the handler falls back to the default.
func TestLoopPanicHandler(t *testing.T) {
	l := newTestLoop(t)
	var order []string
	var got []any
	l.SetPanicHandler(func(v any, stack []byte) {
		got = append(got, v)
		if len(stack) == 0 {
			t.Error("panic handler: empty stack")
		}
	})
	t1, err := NewTimer(l)
	must(t, err)
	must(t, t1.Start(0, 0, func() { order = append(order, "timer1"); panic("one") }))
	t2, err := NewTimer(l)
	must(t, err)
	must(t, t2.Start(0, 0, func() { order = append(order, "timer2"); panic("two") }))
	chk, err := NewCheck(l)
	must(t, err)
	must(t, chk.Start(func() { order = append(order, "check") }))
	closing, err := NewIdle(l)
	must(t, err)
	must(t, closing.Close(func() { order = append(order, "close") }))
	if v := loopRecover(func() { l.Run(RunOnce) }); v != nil {
		t.Fatalf("Run re-panicked with %#v despite the handler", v)
	}
	want := []string{"timer1", "timer2", "check", "close"}
	if Version() >= 0x012d00 {
		want = []string{"check", "close", "timer1", "timer2"}
	}
	if !slices.Equal(order, want) || !slices.Equal(got, []any{"one", "two"}) {
		t.Errorf("with a handler: callbacks %v, handled %v; want %v, [one two]", order, got, want)
	}

	// A panicking handler: the default mode, with the handler's value.
	l.SetPanicHandler(func(v any, _ []byte) { panic(fmt.Sprint("handler: ", v)) })
	order = nil
	must(t, t1.Start(0, 0, func() { order = append(order, "timer1"); panic("three") }))
	must(t, t2.Start(0, 0, func() { order = append(order, "timer2") }))
	if v := loopRecover(func() { l.Run(RunOnce) }); v != "handler: three" {
		t.Fatalf("Run re-panicked with %#v, want the handler's panic", v)
	}
	want = []string{"timer1"} // and nothing after it, timer2 included
	if Version() >= 0x012d00 {
		want = []string{"check", "timer1"} // from 1.45, RunOnce runs the due timers last
	}
	if !slices.Equal(order, want) {
		t.Errorf("after the handler panicked: callbacks %v, want %v", order, want)
	}
	l.SetPanicHandler(nil)
	loopCloseAll(t, l, t1, t2, chk)
}
