package uv

import (
	"errors"
	"math"
	"testing"
	"time"
)

// The timeouts of libuv's timer tests are scaled down by 10 (50 ms steps become 5 ms) to keep
// the suite fast; the orderings and lower bounds they check do not depend on the scale.

// libuv: timer
func TestTimer(t *testing.T) {
	l := newTestLoop(t)
	start := l.Now()
	if start == 0 {
		t.Fatalf("Now() = 0, want the loop's time")
	}

	onceCalls, onceCloses := 0, 0
	for i := 0; i < 10; i++ {
		once, err := NewTimer(l)
		must(t, err)
		must(t, once.Start(time.Duration(i)*5*time.Millisecond, 0, func() {
			if once.IsActive() {
				t.Errorf("once timer active in its callback")
			}
			onceCalls++
			hndCheck(t, once.Close(func() {
				if once.IsActive() {
					t.Errorf("once timer active in its close callback")
				}
				onceCloses++
			}))
			hndCheck(t, l.UpdateTime()) // as libuv's test, for coverage
		}))
	}

	repeatCalls, repeatCloses := 0, 0
	repeat, err := NewTimer(l)
	must(t, err)
	must(t, repeat.Start(10*time.Millisecond, 10*time.Millisecond, func() {
		if !repeat.IsActive() {
			t.Errorf("repeating timer not active in its callback")
		}
		repeatCalls++
		if repeatCalls == 5 {
			hndCheck(t, repeat.Close(func() { repeatCloses++ }))
		}
	}))

	never, err := NewTimer(l)
	must(t, err)
	must(t, never.Start(10*time.Millisecond, 10*time.Millisecond, func() { t.Errorf("stopped timer fired") }))
	must(t, never.Stop())
	must(t, never.Unref())

	run(t, l, RunDefault)

	if onceCalls != 10 || onceCloses != 10 {
		t.Errorf("once timers: %d calls, %d closes; want 10, 10", onceCalls, onceCloses)
	}
	if repeatCalls != 5 || repeatCloses != 1 {
		t.Errorf("repeating timer: %d calls, %d closes; want 5, 1", repeatCalls, repeatCloses)
	}
	// libuv asserts 500 <= uv_now() - start_time; scaled by 10.
	if d := l.Now() - start; d < 50*time.Millisecond {
		t.Errorf("loop time advanced %v, want >= 50ms", d)
	}
	hndDoClose(t, l, never)
}

// libuv: timer_start_twice
func TestTimerStartTwice(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(86400*time.Second, 0, func() { t.Errorf("first callback ran after the restart") }))
	calls, closes := 0, 0
	must(t, tm.Start(10*time.Millisecond, 0, func() {
		if tm.IsActive() {
			t.Errorf("timer active in its callback")
		}
		calls++
		hndCheck(t, tm.Close(func() { closes++ }))
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if calls != 1 || closes != 1 {
		t.Errorf("%d calls, %d closes; want 1, 1", calls, closes)
	}
}

// libuv: timer_init
func TestTimerInit(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	if r := tm.Repeat(); r != 0 {
		t.Errorf("Repeat = %v, want 0", r)
	}
	if d := tm.DueIn(); d != 0 {
		t.Errorf("DueIn = %v, want 0", d)
	}
	if tm.IsActive() {
		t.Errorf("new timer is active")
	}
	hndDoClose(t, l, tm)
}

// libuv: timer_order
func TestTimerOrder(t *testing.T) {
	l := newTestLoop(t)
	a, err := NewTimer(l)
	must(t, err)
	b, err := NewTimer(l)
	must(t, err)
	var got []string
	cbA := func() { got = append(got, "a") }
	cbB := func() { got = append(got, "b") }

	// Equal timeouts fire in the order the timers were started.
	must(t, a.Start(0, 0, cbA))
	must(t, b.Start(0, 0, cbB))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("started a then b: order %v, want [a b]", got)
	}
	must(t, a.Stop())
	must(t, b.Stop())

	got = nil
	must(t, b.Start(0, 0, cbB))
	must(t, a.Start(0, 0, cbA))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if len(got) != 2 || got[0] != "b" || got[1] != "a" {
		t.Errorf("started b then a: order %v, want [b a]", got)
	}
	hndDoClose(t, l, a)
	hndDoClose(t, l, b)
}

// The largest durations Go expresses: libuv's tests use 0xffffffffffff ms and UINT64_MAX ms,
// which a time.Duration cannot hold (its maximum is about 9.2e12 ms, 292 years). hndMaxWhole
// is the largest whole number of milliseconds; math.MaxInt64 is rounded up to one millisecond
// more, which DueIn and Repeat report saturated at math.MaxInt64.
const hndMaxWhole = time.Duration(math.MaxInt64/int64(time.Millisecond)) * time.Millisecond

// Differs from libuv's test: libuv starts the huge timers with 0xffffffffffff ms and UINT64_MAX
// ms (which it clamps at UINT64_MAX); the binding's largest timeouts are hndMaxWhole and
// math.MaxInt64 (rounded up to 9223372036855 ms), which do not overflow libuv's clock and so are
// kept exactly. As in libuv, the huge timers are accepted, report their due time, do not fire,
// and do not delay the tiny one.
// libuv: timer_huge_timeout
func TestTimerHugeTimeout(t *testing.T) {
	l := newTestLoop(t)
	tiny, err := NewTimer(l)
	must(t, err)
	huge1, err := NewTimer(l)
	must(t, err)
	huge2, err := NewTimer(l)
	must(t, err)
	tinyCalls := 0
	closeAll := func() {
		tinyCalls++
		hndCheck(t, tiny.Close(nil))
		hndCheck(t, huge1.Close(nil))
		hndCheck(t, huge2.Close(nil))
	}
	must(t, tiny.Start(time.Millisecond, 0, closeAll))
	must(t, huge1.Start(hndMaxWhole, 0, func() { t.Errorf("huge timer 1 fired") }))
	must(t, huge2.Start(math.MaxInt64, 0, func() { t.Errorf("huge timer 2 fired") }))
	if d := tiny.DueIn(); d != time.Millisecond {
		t.Errorf("tiny DueIn = %v, want 1ms", d)
	}
	if d := huge1.DueIn(); d != hndMaxWhole {
		t.Errorf("huge1 DueIn = %v (%d), want %d", d, int64(d), int64(hndMaxWhole))
	}
	if d := huge2.DueIn(); d != math.MaxInt64 {
		t.Errorf("huge2 DueIn = %d, want math.MaxInt64 (saturated)", int64(d))
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if tinyCalls != 1 {
		t.Errorf("tiny timer ran %d times, want 1", tinyCalls)
	}
}

// Differs from libuv's test: the huge repeat is math.MaxInt64 (rounded up to 9223372036855 ms)
// instead of UINT64_MAX ms. As in libuv, the huge timer fires once, first, and its repeat
// pushes it out of reach while the tiny timer repeats.
// libuv: timer_huge_repeat
func TestTimerHugeRepeat(t *testing.T) {
	l := newTestLoop(t)
	tiny, err := NewTimer(l)
	must(t, err)
	huge, err := NewTimer(l)
	must(t, err)
	var got []string
	step := func(name string) {
		got = append(got, name)
		if len(got) == 10 {
			hndCheck(t, tiny.Close(nil))
			hndCheck(t, huge.Close(nil))
		}
	}
	must(t, tiny.Start(2*time.Millisecond, 2*time.Millisecond, func() { step("tiny") }))
	must(t, huge.Start(time.Millisecond, math.MaxInt64, func() {
		if r := huge.Repeat(); r != math.MaxInt64 {
			t.Errorf("huge Repeat = %d, want math.MaxInt64 (saturated)", int64(r))
		}
		// libuv rescheduled it at the loop's time plus the repeat before calling back.
		if d := huge.DueIn(); d != math.MaxInt64 {
			t.Errorf("huge DueIn in its callback = %d, want math.MaxInt64 (saturated)", int64(d))
		}
		step("huge")
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if len(got) != 10 || got[0] != "huge" {
		t.Fatalf("calls %v, want huge then tiny 9 times", got)
	}
	for i, name := range got[1:] {
		if name != "tiny" {
			t.Errorf("call %d: %s, want tiny", i+1, name)
		}
	}
}

// libuv: timer_run_once
func TestTimerRunOnce(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	cb := func() { calls++ }
	must(t, tm.Start(0, 0, cb))
	if run(t, l, RunOnce) {
		t.Errorf("RunOnce reported the loop alive after the timer fired")
	}
	if calls != 1 {
		t.Errorf("after the first RunOnce: %d calls, want 1", calls)
	}
	must(t, tm.Start(time.Millisecond, 0, cb))
	if run(t, l, RunOnce) {
		t.Errorf("RunOnce reported the loop alive after the timer fired")
	}
	if calls != 2 {
		t.Errorf("after the second RunOnce: %d calls, want 2", calls)
	}
	must(t, tm.Close(nil))
	if run(t, l, RunOnce) {
		t.Errorf("RunOnce reported the loop alive after the close")
	}
}

// libuv answers UV_EINVAL to uv_timer_start on a closing timer; the binding refuses earlier,
// with ErrClosed, as for every method of a closed handle. uv_timer_start is never called, so
// libuv's timer_is_closing is listed in testdata/conformance-skips.tsv, not mirrored here.
func TestTimerIsClosing(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Close(nil))
	if err := tm.Start(100*time.Millisecond, 100*time.Millisecond, func() { t.Errorf("closed timer fired") }); !errors.Is(err, ErrClosed) {
		t.Errorf("Start on a closing timer = %v, want ErrClosed", err)
	}
	run(t, l, RunDefault)
}

// libuv: timer_null_callback
func TestTimerNullCallback(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	if err := tm.Start(100*time.Millisecond, 100*time.Millisecond, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Start(nil) = %v, want EINVAL", err)
	}
	if tm.IsActive() {
		t.Errorf("timer active after a refused Start")
	}
	hndDoClose(t, l, tm)
}

// libuv: timer_early_check
func TestTimerEarlyCheck(t *testing.T) {
	l := newTestLoop(t)
	const timeoutMs = 10
	expected := l.Now() + timeoutMs*time.Millisecond
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	must(t, tm.Start(timeoutMs*time.Millisecond, 0, func() {
		calls++
		if now := time.Duration(Hrtime()/1e6) * time.Millisecond; now < expected {
			t.Errorf("timer fired early: hrtime %v < %v", now, expected)
		}
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if calls != 1 {
		t.Errorf("%d calls, want 1", calls)
	}
	must(t, tm.Close(nil))
	run(t, l, RunDefault)
}

// libuv: timer_again
func TestTimerAgain(t *testing.T) {
	l := newTestLoop(t)
	start := l.Now()
	if start <= 0 {
		t.Fatalf("Now() = %v, want the loop's time (> 0)", start)
	}

	// Again on a timer that was never started is libuv's EINVAL.
	dummy, err := NewTimer(l)
	must(t, err)
	if err := dummy.Again(); !errors.Is(err, EINVAL) {
		t.Errorf("Again on a never-started timer = %v, want EINVAL", err)
	}
	must(t, dummy.Unref())

	const r1, r2 = 5 * time.Millisecond, 10 * time.Millisecond
	closes := 0
	repeat1Calls, repeat2Calls := 0, 0
	repeat2Allowed := false
	repeat1, err := NewTimer(l)
	must(t, err)
	repeat2, err := NewTimer(l)
	must(t, err)

	must(t, repeat1.Start(r1, 0, func() {
		if r := repeat1.Repeat(); r != r1 {
			t.Errorf("repeat1 Repeat = %v, want %v", r, r1)
		}
		repeat1Calls++
		hndCheck(t, repeat2.Again()) // keeps pushing repeat2 out
		if repeat1Calls == 10 {
			hndCheck(t, repeat1.Close(func() { closes++ }))
			repeat2Allowed = true
		}
	}))
	if r := repeat1.Repeat(); r != 0 {
		t.Errorf("repeat1 Repeat after Start = %v, want 0", r)
	}
	must(t, repeat1.SetRepeat(r1))
	if r := repeat1.Repeat(); r != r1 {
		t.Errorf("repeat1 Repeat after SetRepeat = %v, want %v", r, r1)
	}

	must(t, repeat2.Start(r2, r2, func() {
		if !repeat2Allowed {
			t.Errorf("repeat2 fired while repeat1 still calls Again")
		}
		repeat2Calls++
		if repeat2.Repeat() == 0 {
			if repeat2.IsActive() {
				t.Errorf("repeat2 active after its last expiry")
			}
			hndCheck(t, repeat2.Close(func() { closes++ }))
			return
		}
		if r := repeat2.Repeat(); r != r2 {
			t.Errorf("repeat2 Repeat = %v, want %v", r, r2)
		}
		hndCheck(t, repeat2.SetRepeat(0)) // takes effect at the next expiry, not now
	}))
	if r := repeat2.Repeat(); r != r2 {
		t.Errorf("repeat2 Repeat after Start = %v, want %v", r, r2)
	}

	run(t, l, RunDefault)

	if repeat1Calls != 10 || repeat2Calls != 2 || closes != 2 {
		t.Errorf("repeat1 %d calls, repeat2 %d calls, %d closes; want 10, 2, 2", repeat1Calls, repeat2Calls, closes)
	}
	// 10 expiries of repeat1 every 5 ms, then two of repeat2 every 10 ms (libuv: 700 ms).
	if d := l.Now() - start; d < 70*time.Millisecond {
		t.Errorf("loop time advanced %v, want >= 70ms", d)
	}
	hndDoClose(t, l, dummy)
}

// Keeps libuv's 50 ms: the orderings it checks need the timer not to expire before the first
// check callback, nor before the prepare callback of the next iteration.
// libuv: timer_from_check
func TestTimerFromCheck(t *testing.T) {
	l := newTestLoop(t)
	p, err := NewPrepare(l)
	must(t, err)
	c, err := NewCheck(l)
	must(t, err)
	tm, err := NewTimer(l)
	must(t, err)
	prepareCalls, checkCalls, timerCalls := 0, 0, 0
	counts := func() [3]int { return [3]int{prepareCalls, checkCalls, timerCalls} }

	timerCb := func() {
		hndCheck(t, tm.Stop())
		if got := counts(); got != [3]int{1, 1, 0} {
			t.Errorf("in timer callback: prepare, check, timer calls %v, want [1 1 0]", got)
		}
		timerCalls++
	}
	prepareCb := func() {
		hndCheck(t, p.Stop())
		if got := counts(); got != [3]int{0, 1, 0} {
			t.Errorf("in prepare callback: prepare, check, timer calls %v, want [0 1 0]", got)
		}
		prepareCalls++
	}
	must(t, c.Start(func() {
		hndCheck(t, c.Stop())
		hndCheck(t, tm.Stop()) // the check runs before the timer's expiry
		hndCheck(t, tm.Start(50*time.Millisecond, 0, timerCb))
		hndCheck(t, p.Start(prepareCb))
		if got := counts(); got != [3]int{0, 0, 0} {
			t.Errorf("in check callback: prepare, check, timer calls %v, want [0 0 0]", got)
		}
		checkCalls++
	}))
	must(t, tm.Start(50*time.Millisecond, 0, timerCb))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if got := counts(); got != [3]int{1, 1, 1} {
		t.Errorf("prepare, check, timer calls %v, want [1 1 1]", got)
	}
	must(t, p.Close(nil))
	must(t, c.Close(nil))
	must(t, tm.Close(nil))
	if run(t, l, RunOnce) {
		t.Errorf("RunOnce reported the loop alive after the closes")
	}
}

// Timer.Start rounds both durations up to whole milliseconds and refuses negative ones.
func TestTimerDurations(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	cb := func() {}
	for _, c := range []struct{ in, want time.Duration }{
		{time.Nanosecond, time.Millisecond},
		{time.Millisecond, time.Millisecond},
		{time.Millisecond + time.Nanosecond, 2 * time.Millisecond},
		{1500 * time.Microsecond, 2 * time.Millisecond},
	} {
		must(t, tm.Start(c.in, c.in, cb))
		if d := tm.DueIn(); d != c.want {
			t.Errorf("Start(%v): DueIn = %v, want %v", c.in, d, c.want)
		}
		if r := tm.Repeat(); r != c.want {
			t.Errorf("Start(%v): Repeat = %v, want %v", c.in, r, c.want)
		}
		must(t, tm.SetRepeat(c.in))
		if r := tm.Repeat(); r != c.want {
			t.Errorf("SetRepeat(%v): Repeat = %v, want %v", c.in, r, c.want)
		}
	}
	must(t, tm.Stop())

	if err := tm.Start(-time.Nanosecond, 0, cb); !errors.Is(err, ErrNegative) {
		t.Errorf("Start with a negative timeout = %v, want ErrNegative", err)
	}
	if err := tm.Start(0, -time.Millisecond, cb); !errors.Is(err, ErrNegative) {
		t.Errorf("Start with a negative repeat = %v, want ErrNegative", err)
	}
	if err := tm.SetRepeat(-1); !errors.Is(err, ErrNegative) {
		t.Errorf("SetRepeat(-1) = %v, want ErrNegative", err)
	}
	if tm.IsActive() || tm.Repeat() != 2*time.Millisecond {
		t.Errorf("refused calls changed the timer: active %v, repeat %v", tm.IsActive(), tm.Repeat())
	}
	hndDoClose(t, l, tm)
}

// A stopped timer's DueIn is libuv's: uv_timer_get_due_in measures the old expiry against the
// loop's time and does not look at whether the timer is active.
func TestTimerDueInStopped(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(50*time.Millisecond, 0, func() {}))
	must(t, tm.Stop())
	if d := tm.DueIn(); d != 50*time.Millisecond {
		t.Errorf("DueIn of a stopped timer = %v, want libuv's 50ms", d)
	}
	hndDoClose(t, l, tm)
}

// libuv refuses a nil callback before looking at the timer: a started timer keeps running with
// its callback. The binding must keep calling the old Go callback.
func TestTimerNilCallbackOnStartedTimer(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	must(t, tm.Start(time.Millisecond, 0, func() { calls++; hndCheck(t, tm.Close(nil)) }))
	if err := tm.Start(time.Millisecond, 0, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Start(nil) on a started timer = %v, want EINVAL", err)
	}
	if !tm.IsActive() {
		t.Errorf("libuv stopped the timer on a refused Start")
	}
	func() {
		defer func() {
			if v := recover(); v != nil {
				t.Errorf("Run panicked: %v", v)
				tm.Close(nil)
			}
		}()
		run(t, l, RunDefault)
	}()
	run(t, l, RunDefault)
	if calls != 1 {
		t.Errorf("old callback ran %d times, want 1", calls)
	}
}

// libuv: timer_zero_timeout
//
// libuv 1.44 runs a timer restarted with timeout 0 from its callback again in the same pass,
// for ever: the test needs the timer queue of 1.45.
func TestTimerZeroTimeout(t *testing.T) {
	skipBeforeLibuv(t, 0x012d00, "running a timer restarted from its callback on the next pass")
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	var cb func()
	cb = func() {
		hndCheck(t, tm.Start(0, 0, cb))
		hndCheck(t, l.Stop())
		calls++
	}
	must(t, tm.Start(0, 0, cb))
	if !run(t, l, RunDefault) {
		t.Errorf("Run returned 0 after Stop with the timer restarted, want non-zero")
	}
	if calls != 1 {
		t.Errorf("callback ran %d times, want 1", calls)
	}
	must(t, tm.Close(nil))
	if run(t, l, RunDefault) {
		t.Errorf("Run after Close reported the loop alive")
	}
	if calls != 1 {
		t.Errorf("callback ran %d times after Close, want 1", calls)
	}
}

// timerNoDoubleCall mirrors libuv's timer_no_double_call tests: a 10 ms timer repeating every
// 10 ms, overdue by 10 ms when mode runs the loop once, fires once (libuv 1.44 ran the due
// timers again after the poll).
func timerNoDoubleCall(t *testing.T, mode RunMode) {
	skipBeforeLibuv(t, 0x012d00, "running due timers once per iteration")
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	must(t, tm.Start(10*time.Millisecond, 10*time.Millisecond, func() { calls++ }))
	must(t, Sleep(20*time.Millisecond))
	if !run(t, l, mode) {
		t.Errorf("Run returned 0 with a repeating timer, want non-zero")
	}
	if calls != 1 {
		t.Errorf("callback ran %d times, want 1", calls)
	}
	hndDoClose(t, l, tm)
}

// libuv: timer_no_double_call_once
func TestTimerNoDoubleCallOnce(t *testing.T) { timerNoDoubleCall(t, RunOnce) }

// libuv: timer_no_double_call_nowait
func TestTimerNoDoubleCallNowait(t *testing.T) { timerNoDoubleCall(t, RunNoWait) }

// libuv: timer_no_run_on_unref
func TestTimerNoRunOnUnref(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(0, 0, func() { t.Errorf("the callback of an unreferenced timer ran") }))
	must(t, tm.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive with only an unreferenced timer")
	}
	hndDoClose(t, l, tm)
}

// Timer.Start counts from the loop's cached time (uv_now), not the wall clock: after long work
// in a callback, a timer started at once counts from before the work and fires in the next
// iteration; one started after Loop.UpdateTime gets its whole timeout.
func TestTimerStartCountsFromCachedTime(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	const timeout = 10 * time.Millisecond
	// busy works for three timeouts, by the monotonic clock, without letting the loop run.
	busy := func() {
		for start := Hrtime(); Hrtime()-start < uint64(3*timeout); {
		}
	}
	var timers [3]*Timer
	for i := range timers {
		var err error
		timers[i], err = NewTimer(l)
		must(t, err)
	}
	work, stale, fresh := timers[0], timers[1], timers[2]
	iteration, staleAt, freshAt := 0, 0, 0
	must(t, work.Start(0, 0, func() {
		busy()
		before := l.Now()
		loopNoErr(t, stale.Start(timeout, 0, func() {
			staleAt = iteration
			loopNoErr(t, stale.Close(nil))
			// The same work, then UpdateTime before Start: the timer waits its timeout.
			busy()
			cached := l.Now()
			loopNoErr(t, l.UpdateTime())
			if now := l.Now(); now <= cached {
				t.Errorf("Now after the work and UpdateTime = %v, want later than %v", now, cached)
			}
			loopNoErr(t, fresh.Start(timeout, 0, func() {
				freshAt = iteration
				loopNoErr(t, fresh.Close(nil))
			}))
			if d := fresh.DueIn(); d != timeout {
				t.Errorf("DueIn of the timer started after UpdateTime = %v, want %v", d, timeout)
			}
		}))
		if d := stale.DueIn(); d != timeout {
			t.Errorf("DueIn after Start = %v, want the whole %v (from the cached time)", d, timeout)
		}
		if now := l.Now(); now != before {
			t.Errorf("Now changed within a callback without UpdateTime: %v, then %v", before, now)
		}
		loopNoErr(t, work.Close(nil))
	}))
	for staleAt == 0 || freshAt == 0 {
		if iteration++; iteration > 100000 {
			t.Fatal("the timers did not fire")
		}
		run(t, l, RunNoWait)
	}
	if staleAt != 2 {
		t.Errorf("the timer started after the work fired in iteration %d, want 2 (the next one)", staleAt)
	}
	if freshAt <= staleAt {
		t.Errorf("the timer started after UpdateTime fired in iteration %d, want after %d", freshAt, staleAt)
	}
	run(t, l, RunDefault)
}
