package uv

import (
	"errors"
	"testing"
	"time"
)

// Tests of the binding's additions for performance: TimerStartOneshot, the batch of handles
// closed with a nil callback.

// The timers of TimerStartOneshot fire in libuv's order among Timers (timeout, then start
// order), once each, close themselves, and leave no token.
func TestTimerStartOneshot(t *testing.T) {
	l := newTestLoop(t)
	var order []int
	add := func(i int) func() { return func() { order = append(order, i) } }
	must(t, TimerStartOneshot(l, 2*time.Millisecond, add(3)))
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(time.Millisecond, 0, add(1)))
	must(t, TimerStartOneshot(l, time.Millisecond, add(2)))
	must(t, TimerStartOneshot(l, 0, add(0)))
	if n := handleNames(l); len(n) != 1 {
		t.Errorf("Walk shows %v, want the Timer alone", n)
	}
	if !l.Alive() {
		t.Errorf("Alive = false with one-shot timers pending")
	}
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Errorf("Close with one-shot timers pending: %v, want EBUSY", err)
	}
	must(t, tm.Close(nil))
	if run(t, l, RunDefault) {
		t.Errorf("Run: alive after the one-shot timers fired")
	}
	if want := []int{0, 2, 3}; len(order) != len(want) || order[0] != 0 || order[1] != 2 || order[2] != 3 {
		t.Errorf("fired %v, want %v (the Timer was closed first)", order, want)
	}

	// A Timer started with the same timeout between two one-shots fires between them.
	order = order[:0]
	tm, err = NewTimer(l)
	must(t, err)
	must(t, TimerStartOneshot(l, time.Millisecond, add(0)))
	must(t, tm.Start(time.Millisecond, 0, func() { add(1)(); tm.Close(nil) }))
	must(t, TimerStartOneshot(l, time.Millisecond, add(2)))
	run(t, l, RunDefault)
	if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Errorf("fired %v, want [0 1 2]", order)
	}
	checkLeaks(t, l)
}

// Arguments, a closed loop, and a one-shot timer started from the callback of another.
func TestTimerStartOneshotErrors(t *testing.T) {
	l := newTestLoop(t)
	if err := TimerStartOneshot(l, 0, nil); !errors.Is(err, EINVAL) {
		t.Errorf("nil cb: %v, want EINVAL", err)
	}
	if err := TimerStartOneshot(l, -time.Millisecond, func() {}); !errors.Is(err, ErrNegative) {
		t.Errorf("negative timeout: %v, want ErrNegative", err)
	}
	n := 0
	var again func()
	again = func() {
		if n++; n < 3 {
			hndCheck(t, TimerStartOneshot(l, 0, again))
		}
	}
	must(t, TimerStartOneshot(l, 0, again))
	run(t, l, RunDefault)
	if n != 3 {
		t.Errorf("%d callbacks, want 3", n)
	}
	checkLeaks(t, l)
	if err := TimerStartOneshot(l, 0, func() {}); !errors.Is(err, ErrClosed) {
		t.Errorf("closed loop: %v, want ErrClosed", err)
	}
}

// CloseAll closes the pending one-shot timers without calling them back.
func TestTimerStartOneshotCloseAll(t *testing.T) {
	l := newTestLoop(t)
	for i := 0; i < 300; i++ { // more than one batch of closed handles
		must(t, TimerStartOneshot(l, time.Hour, func() { t.Error("one-shot timer fired") }))
	}
	must(t, l.CloseAll())
	checkTokens(t)
}

// A panic in a one-shot timer's callback is re-panicked by Run; the timer is closed anyway.
func TestTimerStartOneshotPanic(t *testing.T) {
	l := newTestLoop(t)
	must(t, TimerStartOneshot(l, 0, func() { panic("boom") }))
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("Run re-panicked with %v, want boom", v)
			}
		}()
		l.Run(RunDefault)
	}()
	checkLeaks(t, l)
}

// Handles closed with a nil callback hand their tokens back without a callback each: by the
// time Run returns (several full batches here), and at the next callback within the same Run.
func TestCloseBatch(t *testing.T) {
	l := newTestLoop(t)
	before := liveTokens.Load()
	const n = 700
	var idles []*Idle
	for i := 0; i < n; i++ {
		h, err := NewIdle(l)
		must(t, err)
		idles = append(idles, h)
	}
	closedCb := 0
	for i, h := range idles {
		if i%100 == 0 {
			must(t, h.Close(func() { closedCb++ }))
			continue
		}
		must(t, h.Close(nil))
		if !h.IsClosing() || h.IsActive() {
			t.Fatalf("closing handle: IsClosing %v IsActive %v", h.IsClosing(), h.IsActive())
		}
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run: alive")
	}
	if closedCb != n/100 {
		t.Errorf("%d close callbacks, want %d", closedCb, n/100)
	}
	if got := liveTokens.Load(); got != before {
		t.Errorf("%d tokens after Run, want %d", got, before)
	}
	for _, h := range idles {
		if h.ptr != nil || h.token != nil || !h.IsClosing() || h.HasRef() {
			t.Fatalf("closed handle keeps ptr %v token %v, IsClosing %v HasRef %v", h.ptr, h.token, h.IsClosing(), h.HasRef())
		}
	}

	// Within one Run: a handle closed in a timer's callback (a) is drained after the next
	// callback (b), before the one after (c).
	a, err := NewTimer(l)
	must(t, err)
	b, err := NewTimer(l)
	must(t, err)
	c, err := NewTimer(l)
	must(t, err)
	idle, err := NewIdle(l)
	must(t, err)
	var inC int64
	must(t, a.Start(0, 0, func() { hndCheck(t, idle.Close(nil)) }))
	must(t, b.Start(2*time.Millisecond, 0, func() {}))
	must(t, c.Start(4*time.Millisecond, 0, func() { inC = liveTokens.Load() }))
	run(t, l, RunDefault)
	if inC != before+3 {
		t.Errorf("%d tokens in a later callback, want %d (the three timers)", inC, before+3)
	}
	loopCloseAll(t, l, a, b, c)
}
