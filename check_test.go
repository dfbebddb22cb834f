package uv

import (
	"errors"
	"testing"
)

// Starting a started check handle does nothing (libuv returns 0 before looking at the
// callback): the first callback keeps running, even when the second Start passes nil.
func TestCheckStartTwice(t *testing.T) {
	l := newTestLoop(t)
	c, err := NewCheck(l)
	must(t, err)
	if err := c.Start(nil); !errors.Is(err, EINVAL) {
		t.Errorf("Start(nil) on a stopped check handle = %v, want EINVAL", err)
	}
	if c.IsActive() {
		t.Errorf("check handle active after a refused Start")
	}
	first, second := 0, 0
	must(t, c.Start(func() { first++; hndCheck(t, c.Stop()) }))
	must(t, c.Start(func() { second++ }))
	must(t, c.Start(nil))
	// A check handle alone does not keep the poll from blocking: run one non-blocking iteration.
	run(t, l, RunNoWait)
	if first != 1 || second != 0 {
		t.Errorf("first callback %d calls, second %d; want 1, 0", first, second)
	}
	must(t, c.Start(func() { second++; hndCheck(t, c.Stop()) }))
	run(t, l, RunNoWait)
	if first != 1 || second != 1 {
		t.Errorf("after a restart: first %d calls, second %d; want 1, 1", first, second)
	}
	hndDoClose(t, l, c)
}

// A check callback runs after the poll and before the close callbacks of the same iteration.
func TestCheckBeforeCloseCallbacks(t *testing.T) {
	l := newTestLoop(t)
	p, err := NewPrepare(l)
	must(t, err)
	c, err := NewCheck(l)
	must(t, err)
	var got []string
	must(t, p.Start(func() {
		got = append(got, "prepare")
		hndCheck(t, p.Close(func() { got = append(got, "prepare closed") }))
	}))
	must(t, c.Start(func() { got = append(got, "check"); hndCheck(t, c.Stop()) }))
	run(t, l, RunNoWait)
	want := []string{"prepare", "check", "prepare closed"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("calls %v, want %v", got, want)
	}
	hndDoClose(t, l, c)
}
