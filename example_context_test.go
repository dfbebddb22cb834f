package uv_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-libuv/uv"
)

// RunContext stops a loop that a repeating timer keeps alive once its context is cancelled.
func ExampleLoop_RunContext() {
	l, _ := uv.NewLoop()
	ctx, cancel := context.WithCancel(context.Background())
	tm, _ := uv.NewTimer(l)
	ticks := 0
	tm.Start(time.Millisecond, time.Millisecond, func() {
		if ticks < 3 { // the timer may tick again before the stop arrives
			if ticks++; ticks == 3 {
				cancel() // from the loop here; any goroutine may cancel
			}
		}
	})
	alive, err := l.RunContext(ctx, uv.RunDefault)
	fmt.Println(ticks, alive, errors.Is(err, context.Canceled))
	tm.Close(nil)
	l.CloseAll()
	// Output: 3 true true
}

// CancelOnDone cancels a work request still waiting for a thread of the pool when its context
// ends: its after callback receives ECANCELED and the work never runs.
func ExampleCancelOnDone() {
	l, _ := uv.NewLoop()
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	started := make(chan struct{}, 64)
	for i := 0; i < 64; i++ { // more than the pool's threads: the last ones wait
		uv.QueueWork(l, func() { started <- struct{}{}; <-release }, func(error) {})
	}
	<-started
	w, _ := uv.QueueWork(l, func() { fmt.Println("ran") }, func(err error) {
		fmt.Println("after:", err)
		close(release)
	})
	uv.CancelOnDone(ctx, w)
	cancel()
	l.Run(uv.RunDefault)
	l.Close()
	// Output: after: operation canceled
}
