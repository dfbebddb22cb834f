package uv

import (
	"os"
	"testing"
)

// Allocation tests of the steady-state paths (testing.AllocsPerRun): each must allocate
// nothing. The race detector allocates in some of them: they are skipped under -race.

// allocsZero fails t when fn allocates, on average over runs calls.
func allocsZero(t *testing.T, what string, runs int, fn func()) {
	t.Helper()
	if tcpRace {
		t.Skip("the race detector allocates")
	}
	if n := testing.AllocsPerRun(runs, fn); n != 0 {
		t.Errorf("%s: %v allocations per call, want 0", what, n)
	}
}

// Async.Send with a wake-up pending returns without calling into C; it allocates nothing
// either way.
func TestAsyncSendAllocs(t *testing.T) {
	l := newTestLoop(t)
	calls := 0
	a, err := NewAsync(l, func() { calls++ })
	must(t, err)
	allocsZero(t, "Send", 1000, func() { a.Send() })
	if a.sending.Load() != 0 {
		t.Errorf("sending = %d after the Sends", a.sending.Load())
	}
	// All but the first were coalesced: one callback.
	run(t, l, RunNoWait)
	if calls != 1 {
		t.Errorf("%d callbacks, want 1", calls)
	}
	allocsZero(t, "Send and its callback", 100, func() {
		a.Send()
		l.Run(RunNoWait)
	})
	loopCloseAll(t, l, a)
}

// A timer's callback (Start, the run that fires it) and a one-shot timer's (start, fire,
// close) allocate nothing.
func TestTimerFireAllocs(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	fired := 0
	cb := func() { fired++ }
	allocsZero(t, "Timer Start and fire", 100, func() {
		tm.Start(0, 0, cb)
		l.Run(RunOnce)
	})
	allocsZero(t, "TimerStartOneshot and fire", 100, func() {
		TimerStartOneshot(l, 0, cb)
		l.Run(RunOnce)
	})
	if fired != 2*101 {
		t.Errorf("%d callbacks, want %d", fired, 2*101)
	}
	loopCloseAll(t, l, tm)
}

// FSStatSync allocates nothing on success.
func TestFSStatSyncAllocs(t *testing.T) {
	l := newTestLoop(t)
	path := t.TempDir() + "/f"
	must(t, os.WriteFile(path, nil, 0o600))
	allocsZero(t, "FSStatSync", 100, func() {
		if _, err := FSStatSync(l, path); err != nil {
			t.Fatal(err)
		}
	})
	checkLeaks(t, l)
}
