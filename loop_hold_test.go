package uv

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// holdRunning runs l in a goroutine of its own; the channel receives Run's answer when it
// returns.
func holdRunning(t *testing.T, l *Loop) <-chan bool {
	done := make(chan bool, 1)
	go func() {
		alive, err := l.Run(RunDefault)
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		done <- alive
	}()
	return done
}

// holdStillRunning posts a function and waits until it ran: Post does not keep the loop alive,
// so it runs only when Run has not returned; it fails t when Run returns instead.
func holdStillRunning(t *testing.T, l *Loop, done <-chan bool, left int) bool {
	t.Helper()
	ran := make(chan struct{})
	must(t, l.Post(func() { close(ran) }))
	select {
	case <-ran:
		return true
	case <-done:
		t.Errorf("Run returned with %d holds outstanding", left)
		return false
	}
}

// Holds taken before Run keep a loop with nothing referenced running; goroutines release them
// one by one in any order, and Run returns after the last one, not before. The functions
// handed over with Hold.Post all run in that Run.
func TestLoopHoldRunReturnsAfterLastRelease(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second) // unreferenced: it does not keep the loop alive
	const n = 6
	holds := make([]*Hold, n)
	for i := range holds {
		var err error
		holds[i], err = l.Hold()
		must(t, err)
	}
	t.Cleanup(func() { // before the leak check, when the test fails early
		for _, h := range holds {
			h.Release()
		}
	})
	posted := 0 // on the loop
	done := holdRunning(t, l)
	for k, i := range rand.Perm(n) {
		if !holdStillRunning(t, l, done, n-k) {
			return
		}
		released := make(chan error)
		go func() { // each hold released by a goroutine of its own
			if i%2 == 0 {
				released <- holds[i].Post(func() { posted++ })
			} else {
				released <- holds[i].Release()
			}
		}()
		must(t, <-released)
	}
	if alive := <-done; alive {
		t.Error("Run: alive, want false")
	}
	if posted != n/2 {
		t.Errorf("%d functions handed over with Hold.Post ran, want %d", posted, n/2)
	}
}

// Holds taken on the loop, in a callback, by many goroutines that release them concurrently:
// Run returns once all are released, and every function posted with a release ran before.
func TestLoopHoldConcurrent(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 20*time.Second)
	const n = 64
	posted := 0 // on the loop
	var released atomic.Int64
	var wg sync.WaitGroup
	must(t, l.Post(func() {
		for i := range n {
			h, err := l.Hold()
			if err != nil {
				t.Error(err)
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if i%2 == 0 {
					err = h.Post(func() { posted++ })
				} else {
					err = h.Release()
					released.Add(1)
				}
				if err != nil {
					t.Errorf("release %d: %v", i, err)
				}
			}()
		}
	}))
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	wg.Wait()
	if posted != n/2 || released.Load() != n/2 {
		t.Errorf("%d posted, %d released, want %d each", posted, released.Load(), n/2)
	}
}

// Close answers EBUSY while a hold is outstanding, as while a posted function waits; a
// released hold answers ErrClosed to a second Post or Release, and a closed loop to Hold.
func TestLoopHoldClose(t *testing.T) {
	l := newTestLoop(t)
	h, err := l.Hold()
	must(t, err)
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with a hold outstanding: %v, want EBUSY", err)
	}
	released := make(chan error)
	go func() { released <- h.Release() }()
	must(t, <-released)
	if err := h.Release(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Release: %v, want ErrClosed", err)
	}
	ran := 0
	if err := h.Post(func() { ran++ }); !errors.Is(err, ErrClosed) {
		t.Errorf("Post after Release: %v, want ErrClosed", err)
	}

	// A hold released with a function: Close waits for the function, which runs in Run.
	h2, err := l.Hold()
	must(t, err)
	go func() { released <- h2.Post(func() { ran++ }) }()
	must(t, <-released)
	if err := h2.Post(func() { ran++ }); !errors.Is(err, ErrClosed) {
		t.Errorf("second Post: %v, want ErrClosed", err)
	}
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Fatalf("Close with a function posted by a hold: %v, want EBUSY", err)
	}
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if ran != 1 {
		t.Errorf("functions ran %d times, want 1", ran)
	}
	must(t, l.Close())
	if _, err := l.Hold(); !errors.Is(err, ErrClosed) {
		t.Errorf("Hold on a closed loop: %v, want ErrClosed", err)
	}
	if err := h.Release(); !errors.Is(err, ErrClosed) {
		t.Errorf("Release after Close: %v, want ErrClosed", err)
	}
}
