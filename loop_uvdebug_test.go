//go:build uvdebug

package uv

import (
	"testing"
)

func TestLoopWrongThreadPanics(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	idle, err := NewIdle(l)
	must(t, err)
	calls := map[string]func(){
		"Timer.Start": func() { tm.Start(0, 0, func() { t.Error("timer started from another goroutine fired") }) },
		"Loop.Stop":   func() { l.Stop() },
		"Loop.Now":    func() { l.Now() },
		"Loop.Alive":  func() { l.Alive() },
		"NewTimer":    func() { NewTimer(l) },
	}
	got := map[string]any{}
	n := 0
	must(t, idle.Start(func() {
		n++
		// The same call from the loop's own goroutine does not panic.
		if v := loopRecover(func() { l.Now() }); v != nil {
			t.Errorf("Loop.Now from the loop's callback panicked: %v", v)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for name, fn := range calls {
				got[name] = loopRecover(fn)
			}
		}()
		<-done
		loopNoErr(t, idle.Close(nil))
	}))
	run(t, l, RunDefault)
	if n != 1 {
		t.Fatalf("idle called %d times, want 1", n)
	}
	for name := range calls {
		if v := got[name]; v != wrongThreadPanic {
			t.Errorf("%s from another goroutine while the loop runs panicked with %#v, want %q", name, v, wrongThreadPanic)
		}
	}
	if tm.IsActive() {
		t.Error("the timer is active after the refused Start")
	}
	loopCloseAll(t, l, tm)
}
