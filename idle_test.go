package uv

import (
	"errors"
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
	must(t, tm.Start(func() {
		hndCheck(t, idle.Close(closeCb))
		hndCheck(t, check.Close(closeCb))
		hndCheck(t, tm.Close(closeCb))
		timerCalls++
	}, 20*time.Millisecond, 0))
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

// Starting a started idle handle does nothing (libuv returns 0 before looking at the
// callback): the first callback keeps running, even when the second Start passes nil.
func TestIdleStartTwice(t *testing.T) {
	l := newTestLoop(t)
	idle, err := NewIdle(l)
	must(t, err)
	if err := idle.Start(nil); !errors.Is(err, EINVAL) {
		t.Errorf("Start(nil) on a stopped idle handle = %v, want EINVAL", err)
	}
	if idle.IsActive() {
		t.Errorf("idle handle active after a refused Start")
	}
	first, second := 0, 0
	must(t, idle.Start(func() { first++; hndCheck(t, idle.Stop()) }))
	must(t, idle.Start(func() { second++ }))
	must(t, idle.Start(nil))
	run(t, l, RunDefault)
	if first != 1 || second != 0 {
		t.Errorf("first callback %d calls, second %d; want 1, 0", first, second)
	}
	// Once stopped, a new Start takes the new callback.
	must(t, idle.Start(func() { second++; hndCheck(t, idle.Stop()) }))
	run(t, l, RunDefault)
	if first != 1 || second != 1 {
		t.Errorf("after a restart: first %d calls, second %d; want 1, 1", first, second)
	}
	hndDoClose(t, l, idle)
}
