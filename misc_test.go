package uv

import (
	"testing"
	"time"
)

// libuv: hrtime
func TestHrtime(t *testing.T) {
	newTestLoop(t) // the leak check
	const sleep = 20 * time.Millisecond
	for i := 0; i < 5; i++ {
		a := Hrtime()
		time.Sleep(sleep)
		b := Hrtime()
		// Hrtime and time.Sleep read the same monotonic clock: the sleep is a lower bound.
		if b < a || time.Duration(b-a) < sleep {
			t.Errorf("Hrtime advanced by %v over a sleep of %v", time.Duration(b-a), sleep)
		}
	}
	for prev, i := Hrtime(), 0; i < 1000; i++ {
		now := Hrtime()
		if now < prev {
			t.Fatalf("Hrtime went back from %d to %d", prev, now)
		}
		prev = now
	}
}
