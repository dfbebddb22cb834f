// Command queue-cancel is the libuv guide's queue-cancel program: it queues Fibonacci
// computations on libuv's thread pool, then cancels the requests that have not started yet
// with Cancel (uv_cancel). The guide cancels on SIGINT; this program cancels from a timer, so
// that it ends by itself. A cancelled request's after function runs on the loop with
// ECANCELED; a request already running answers Cancel with EBUSY and completes normally.
package main

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/go-libuv/uv"
)

const (
	fibUntil    = 25
	cancelAfter = 30 * time.Millisecond
)

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}

	reqs := make([]*uv.WorkReq, fibUntil)
	var computed, cancelled []int
	for i := range reqs {
		n := i
		var result int
		reqs[i], err = uv.QueueWork(loop, func() {
			time.Sleep(10 * time.Millisecond) // a slow computation: the pool stays busy
			result = fib(n)
		}, func(err error) {
			switch {
			case errors.Is(err, uv.ECANCELED):
				fmt.Printf("Calculation of %d cancelled.\n", n)
				cancelled = append(cancelled, n)
			case err != nil:
				log.Fatal(err)
			default:
				fmt.Printf("%dth fibonacci is %d\n", n, result)
				computed = append(computed, n)
			}
		})
		if err != nil {
			log.Fatal(err)
		}
	}

	// The guide's SIGINT handler, as a timer: cancel every request that has not completed.
	timer, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	err = timer.Start(cancelAfter, 0, func() {
		fmt.Println("Cancelling the pending requests")
		busy := 0
		for _, r := range reqs {
			switch err := r.Cancel(); {
			case err == nil:
			case errors.Is(err, uv.EBUSY):
				busy++ // running now: it will complete
			case errors.Is(err, uv.ErrClosed):
				// completed already
			default:
				log.Fatal(err)
			}
		}
		fmt.Printf("%d requests were running and could not be cancelled\n", busy)
		if err := timer.Close(nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("computed %v\ncancelled %v\n", computed, cancelled)
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}
