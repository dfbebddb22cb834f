package uv

import (
	"testing"
	"time"
)

// libuv: idle_starvation
func TestIdleStarvation(t *testing.T) {
	l := newTestLoop(t)
	idle, err := NewIdle(l)
	must(t, err)
	check, err := NewCheck(l)
	must(t, err)
	tm, err := NewTimer(l)
	must(t, err)
	idleCalls, checkCalls, timerCalls, closes := 0, 0, 0, 0
	closeCb := func() { closes++ }
	must(t, idle.Start(func() { idleCalls++ }))
	must(t, check.Start(func() { checkCalls++ }))
	// An active idle handle makes the loop poll without blocking: the timer must still fire.
	must(t, tm.Start(20*time.Millisecond, 0, func() {
		hndCheck(t, idle.Close(closeCb))
		hndCheck(t, check.Close(closeCb))
		hndCheck(t, tm.Close(closeCb))
		timerCalls++
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if idleCalls == 0 {
		t.Errorf("idle callback never ran")
	}
	if checkCalls == 0 {
		t.Errorf("check callback never ran")
	}
	if timerCalls != 1 || closes != 3 {
		t.Errorf("%d timer calls, %d closes; want 1, 3", timerCalls, closes)
	}
}

// libuv: idle_check
func TestIdleCheck(t *testing.T) {
	l := newTestLoop(t)
	idle, err := NewIdle(l)
	must(t, err)
	check, err := NewCheck(l)
	must(t, err)
	idleCalls, checkCalls, closes := 0, 0, 0
	must(t, idle.Start(func() { idleCalls++; hndCheck(t, idle.Stop()) }))
	must(t, check.Start(func() { checkCalls++ }))
	// The idle handle stops itself before the poll; the check handle still runs once in the
	// same iteration, and keeps the loop alive.
	if !run(t, l, RunOnce) {
		t.Errorf("RunOnce reported the loop not alive with an active check handle")
	}
	if idleCalls != 1 || checkCalls != 1 {
		t.Errorf("%d idle calls, %d check calls; want 1, 1", idleCalls, checkCalls)
	}
	if closes != 0 {
		t.Fatalf("close callbacks ran before any Close")
	}
	must(t, idle.Close(func() { closes++ }))
	must(t, check.Close(func() { closes++ }))
	if run(t, l, RunOnce) {
		t.Errorf("RunOnce reported the loop alive after the closes")
	}
	if closes != 2 {
		t.Errorf("%d close callbacks, want 2", closes)
	}
}
