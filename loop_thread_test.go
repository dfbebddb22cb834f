//go:build !uvdebug

package uv

import (
	"errors"
	"testing"
	"time"
)

func TestLoopWrongThread(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	other, err := NewIdle(l)
	must(t, err)
	async, err := NewAsync(l, nil)
	must(t, err)
	must(t, async.Unref()) // active from its creation: it would keep the run below alive
	errs := map[string]error{}
	loopFromOtherGoroutine(t, l, func() {
		errs["Timer.Start"] = tm.Start(0, 0, func() { t.Error("timer started from another goroutine fired") })
		errs["Timer.Stop"] = tm.Stop()
		errs["Loop.Stop"] = l.Stop()
		errs["Loop.UpdateTime"] = l.UpdateTime()
		errs["Loop.Configure"] = l.Configure(MetricsIdleTime)
		errs["Loop.Walk"] = l.Walk(func(Handle) { t.Error("Walk callback called from another goroutine") })
		errs["Idle.Close"] = other.Close(nil)
		errs["Idle.Unref"] = other.Unref()
		errs["Idle.Start"] = other.Start(func() { t.Error("idle started from another goroutine ran") })
		errs["Async.Close"] = async.Close(nil)
		h, err := NewTimer(l)
		if h != nil {
			t.Error("NewTimer from another goroutine returned a timer")
		}
		errs["NewTimer"] = err
	})
	for name, err := range errs {
		if !errors.Is(err, ErrWrongThread) {
			t.Errorf("%s from another goroutine while the loop runs: %v, want ErrWrongThread", name, err)
		}
	}
	// Nothing reached libuv.
	if tm.IsActive() {
		t.Error("the timer is active after the refused Start")
	}
	if other.IsClosing() || !other.HasRef() {
		t.Errorf("the idle after the refused Close and Unref: IsClosing %v HasRef %v, want false true", other.IsClosing(), other.HasRef())
	}
	if other.IsActive() {
		t.Error("the idle is active after the refused Start")
	}
	if err := async.Send(); err != nil { // the refused Close left it open
		t.Errorf("Async.Send after a refused Close: %v, want nil", err)
	}
	loopCloseAll(t, l, tm, other, async)
}

func TestLoopWrongThreadKeepsCallback(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	var startErr error
	must(t, tm.Start(time.Millisecond, time.Millisecond, func() {
		calls++
		switch calls {
		case 1:
			done := make(chan struct{})
			go func() {
				defer close(done)
				startErr = tm.Start(time.Millisecond, time.Millisecond, func() {
					t.Error("the callback of a refused Start ran")
					loopNoErr(t, tm.Close(nil))
				})
			}()
			<-done
		case 3:
			loopNoErr(t, tm.Close(nil))
		}
	}))
	run(t, l, RunDefault)
	if !errors.Is(startErr, ErrWrongThread) {
		t.Errorf("Timer.Start from another goroutine: %v, want ErrWrongThread", startErr)
	}
	if calls != 3 {
		t.Errorf("the timer's own callback ran %d times, want 3", calls)
	}
}
