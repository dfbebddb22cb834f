// Command queue-work is the libuv guide's queue-work program: it computes Fibonacci numbers
// on libuv's thread pool with QueueWork (uv_queue_work). Each work function runs on a pool
// thread and computes its number the slow (recursive) way, after a short random sleep as the
// guide's, so the results arrive out of order; each after function runs on the loop and
// prints its result.
//
// The pool has UV_THREADPOOL_SIZE threads (4 by default): try UV_THREADPOOL_SIZE=1 to see the
// requests complete one by one, in order.
package main

import (
	"fmt"
	"log"
	"math/rand/v2"
	"time"

	"github.com/go-libuv/uv"
)

const fibUntil = 25

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

	done := 0
	for i := 0; i < fibUntil; i++ {
		n := i
		var result int
		_, err := uv.QueueWork(loop, func() {
			// On a pool thread: only this request's own variables are touched here.
			time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
			result = fib(n)
		}, func(err error) {
			// On the loop, after the work: its writes are visible here.
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%dth fibonacci is %d\n", n, result)
			done++
		})
		if err != nil {
			log.Fatal(err)
		}
	}

	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d results\n", done)
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}
