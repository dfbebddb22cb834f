//go:build !uvdebug

package uv

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestMisuseCloseRace: a goroutine calls loop-bound methods of a timer while the loop's own
// goroutine closes it (and the close callback frees it), 20 rounds of 500 timers. Every call
// answers ErrWrongThread or ErrClosed; none reads the freed handle (it crashed before the thread
// check read the loop instead of the handle).
func TestMisuseCloseRace(t *testing.T) {
	for round := 0; round < 20; round++ {
		misuseCloseRound(t)
	}
}

func misuseCloseRound(t *testing.T) {
	l := newTestLoop(t)
	var victim atomic.Pointer[Timer]
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad atomic.Value
	var calls atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			tm := victim.Load()
			if tm == nil {
				continue
			}
			calls.Add(1)
			for i, err := range []error{tm.Start(0, 0, func() {}), tm.Stop(), tm.Ref(), tm.Close(nil)} {
				if !errors.Is(err, ErrWrongThread) && !errors.Is(err, ErrClosed) {
					bad.Store(fmt.Sprintf("call %d answered %v", i, err))
				}
			}
		}
	}()
	driver, err := NewIdle(l)
	must(t, err)
	n, seen := 0, int64(0)
	must(t, driver.Start(func() {
		if c := calls.Load(); c == seen && victim.Load() != nil {
			return // the goroutine has not called the current victim yet
		} else {
			seen = c
		}
		if old := victim.Load(); old != nil {
			loopNoErr(t, old.Close(nil))
		}
		if n++; n == 500 {
			// The goroutine stops while the loop still runs: once Run has returned, any
			// goroutine may call the loop's methods, and one still racing the loop's end
			// would race the handle's close as a program without the loop would.
			close(stop)
			wg.Wait()
			loopNoErr(t, driver.Close(nil))
			return
		}
		tm, err := NewTimer(l)
		loopNoErr(t, err)
		loopNoErr(t, tm.Start(1<<40, 0, func() {}))
		victim.Store(tm)
	}))
	run(t, l, RunDefault)
	if calls.Load() == 0 {
		t.Errorf("the goroutine made no call while the loop ran")
	}
	if msg, _ := bad.Load().(string); msg != "" {
		t.Errorf("from another goroutine while the loop runs: %s, want ErrWrongThread or ErrClosed", msg)
	}
	checkLeaks(t, l)
}
