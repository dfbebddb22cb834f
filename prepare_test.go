package uv

import (
	"testing"
)

// A prepare callback runs once per iteration, after the idle callbacks and before the poll:
// before the check callbacks of the same iteration.
func TestPreparePhase(t *testing.T) {
	l := newTestLoop(t)
	idle, err := NewIdle(l)
	must(t, err)
	p, err := NewPrepare(l)
	must(t, err)
	c, err := NewCheck(l)
	must(t, err)
	var got []string
	must(t, idle.Start(func() { got = append(got, "idle") }))
	must(t, p.Start(func() { got = append(got, "prepare") }))
	must(t, c.Start(func() { got = append(got, "check") }))
	for i := 0; i < 3; i++ {
		run(t, l, RunNoWait)
	}
	want := []string{"idle", "prepare", "check", "idle", "prepare", "check", "idle", "prepare", "check"}
	if len(got) != len(want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("calls %v, want %v", got, want)
		}
	}
	closes := 0
	for _, h := range []Handle{idle, p, c} {
		must(t, h.Close(func() { closes++ }))
	}
	if run(t, l, RunNoWait) {
		t.Errorf("RunNoWait reported the loop alive after the closes")
	}
	if closes != 3 {
		t.Errorf("%d close callbacks, want 3", closes)
	}
}
