package uv

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// libuv: async
func TestAsync(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	var mu sync.Mutex
	asyncCalls := 0 // under mu
	prepareCalls, closes := 0, 0
	var wg sync.WaitGroup
	var a *Async
	var p *Prepare

	sender := func() {
		defer wg.Done()
		for {
			mu.Lock()
			n := asyncCalls
			mu.Unlock()
			if n == 3 {
				return
			}
			if err := a.Send(); err != nil {
				// The loop may close the handle between the read above and this Send: libuv
				// would accept the send on its closing handle, the binding answers ErrClosed.
				mu.Lock()
				n = asyncCalls
				mu.Unlock()
				if !errors.Is(err, ErrClosed) || n != 3 {
					t.Errorf("Send after %d callbacks = %v, want nil (or ErrClosed after the 3rd)", n, err)
					return
				}
			}
			runtime.Gosched()
		}
	}

	var err error
	a, err = NewAsync(l, func() {
		mu.Lock()
		asyncCalls++
		n := asyncCalls
		mu.Unlock()
		if n == 3 {
			hndCheck(t, a.Close(func() { closes++ }))
			hndCheck(t, p.Close(func() { closes++ }))
		}
	})
	must(t, err)
	p, err = NewPrepare(l)
	must(t, err)
	mu.Lock() // as libuv's test: held until the sender starts
	must(t, p.Start(func() {
		prepareCalls++
		if prepareCalls > 1 {
			return
		}
		wg.Add(1)
		go sender()
		mu.Unlock()
	}))
	alive := run(t, l, RunDefault)
	wg.Wait()
	if alive {
		t.Errorf("Run reported the loop alive")
	}
	if prepareCalls == 0 {
		t.Errorf("prepare callback never ran")
	}
	mu.Lock()
	n := asyncCalls
	mu.Unlock()
	if n != 3 || closes != 2 {
		t.Errorf("%d async calls, %d closes; want 3, 2", n, closes)
	}
}

// libuv: async_null_cb
func TestAsyncNullCb(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	a, err := NewAsync(l, nil)
	must(t, err)
	c, err := NewCheck(l)
	must(t, err)
	checkCalls := 0
	must(t, c.Start(func() {
		if checkCalls != 0 {
			t.Errorf("check callback ran again after the closes")
		}
		hndCheck(t, a.Close(nil))
		hndCheck(t, c.Close(nil))
		checkCalls++
	}))
	done := make(chan error, 1)
	go func() { done <- a.Send() }()
	// The referenced async handle keeps the loop polling until the Send wakes it; the check
	// callback then runs and closes both handles. A nil callback must not be called.
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if err := <-done; err != nil {
		t.Errorf("Send = %v, want nil", err)
	}
	if checkCalls != 1 {
		t.Errorf("%d check calls, want 1", checkCalls)
	}
}

// Send is safe from many goroutines at once while the loop runs: every Send succeeds, the
// callback runs at least once and at most once per Send (libuv coalesces), and a Send made
// after the senders finished is delivered.
func TestAsyncSendConcurrent(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	const senders, sends = 8, 500
	var finished atomic.Bool
	calls := 0
	var a *Async
	var err error
	a, err = NewAsync(l, func() {
		calls++
		if finished.Load() {
			hndCheck(t, a.Close(nil))
		}
	})
	must(t, err)
	var failed atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < sends; j++ {
				if err := a.Send(); err != nil {
					failed.Add(1)
					t.Errorf("Send = %v", err)
					return
				}
				if j%50 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	closer := make(chan error, 1)
	go func() {
		wg.Wait()
		finished.Store(true)
		closer <- a.Send() // the callback that sees finished closes the handle
	}()
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if err := <-closer; err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("last Send = %v, want nil or ErrClosed", err)
	}
	if failed.Load() != 0 {
		t.Errorf("%d senders failed", failed.Load())
	}
	if calls < 1 || calls > senders*sends+1 {
		t.Errorf("%d callbacks for %d Sends", calls, senders*sends+1)
	}
	t.Logf("%d Sends gave %d callbacks", senders*sends+1, calls)
}

// Send on a closed Async answers ErrClosed, between Close and its callback and after it.
func TestAsyncSendAfterClose(t *testing.T) {
	l := newTestLoop(t)
	a, err := NewAsync(l, func() { t.Errorf("callback of a closed async handle ran") })
	must(t, err)
	closes := 0
	must(t, a.Close(func() {
		closes++
		if err := a.Send(); !errors.Is(err, ErrClosed) {
			t.Errorf("Send in the close callback = %v, want ErrClosed", err)
		}
	}))
	if err := a.Send(); !errors.Is(err, ErrClosed) {
		t.Errorf("Send between Close and its callback = %v, want ErrClosed", err)
	}
	run(t, l, RunDefault)
	if closes != 1 {
		t.Errorf("%d close callbacks, want 1", closes)
	}
	done := make(chan error)
	go func() { done <- a.Send() }()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("Send from a goroutine after the close callback = %v, want ErrClosed", err)
	}
}

// Sends racing with a Close made on the loop: each answers nil or ErrClosed, and once a
// goroutine got ErrClosed every later Send does too. Nothing reaches freed memory (run this
// under -race and GOEXPERIMENT=cgocheck2).
func TestAsyncSendRacesClose(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	const senders = 8
	calls, closes := 0, 0
	var a *Async
	var err error
	a, err = NewAsync(l, func() {
		calls++
		if calls == 5 {
			hndCheck(t, a.Close(func() { closes++ }))
		}
	})
	must(t, err)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			closed := false
			for {
				err := a.Send()
				switch {
				case err == nil && closed:
					t.Errorf("Send succeeded after an earlier Send answered ErrClosed")
					return
				case err == nil:
				case errors.Is(err, ErrClosed):
					if closed {
						return // answered ErrClosed twice in a row
					}
					closed = true
				default:
					t.Errorf("Send = %v, want nil or ErrClosed", err)
					return
				}
				runtime.Gosched()
			}
		}()
	}
	close(start)
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	wg.Wait()
	if calls != 5 || closes != 1 {
		t.Errorf("%d callbacks, %d closes; want 5, 1 (no callback after Close)", calls, closes)
	}
}
