package uv

import (
	"testing"
)

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
