package uv_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"

	"github.com/go-libuv/uv"
)

// Work runs on a thread of libuv's pool; its after function runs on the loop, where what the
// work wrote is visible.
func ExampleQueueWork() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	fib := func(n int) int {
		a, b := 0, 1
		for ; n > 0; n-- {
			a, b = b, a+b
		}
		return a
	}
	var result int
	_, err = uv.QueueWork(loop, func() {
		result = fib(50) // on a pool thread: do not touch the loop here
	}, func(err error) {
		fmt.Println("after:", err, "fib(50) =", result)
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// after: <nil> fib(50) = 12586269025
	// Close: <nil>
}

// Cancel reaches work that waits in the pool's queue: here every pool thread is busy with a
// blocking request, so the next one waits; its after function receives ECANCELED and the work
// never runs. Work that already runs answers EBUSY.
func ExampleWorkReq_Cancel() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	pool := 4 // UV_THREADPOOL_SIZE's default
	if n, err := strconv.Atoi(os.Getenv("UV_THREADPOOL_SIZE")); err == nil && n > 0 {
		pool = n
	}
	started, release := make(chan struct{}, pool), make(chan struct{})
	blockers := make([]*uv.WorkReq, pool)
	for i := range blockers {
		blockers[i], err = uv.QueueWork(loop, func() {
			started <- struct{}{}
			<-release
		}, nil)
		if err != nil {
			log.Fatal(err)
		}
	}
	for i := 0; i < pool; i++ {
		<-started // every pool thread now runs a blocker
	}
	waiting, err := uv.QueueWork(loop, func() { fmt.Println("never printed") }, func(err error) {
		fmt.Println("after:", err, errors.Is(err, uv.ECANCELED))
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Cancel of waiting work:", waiting.Cancel())
	fmt.Println("Cancel of running work:", blockers[0].Cancel())
	close(release)
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Cancel after completion:", waiting.Cancel())
	fmt.Println("Close:", loop.Close())
	// Output:
	// Cancel of waiting work: <nil>
	// Cancel of running work: resource busy or locked
	// after: operation canceled true
	// Cancel after completion: uv: use of closed handle or loop
	// Close: <nil>
}
