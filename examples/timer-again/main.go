// Command timer-again shows Timer.Again (uv_timer_again), which the libuv guide describes as
// stopping a repeating timer and starting it again with its repeat interval as both timeout and
// repeat. Here it resets an inactivity watchdog: every heartbeat calls Again and pushes the
// watchdog's expiry back by its full interval, so the watchdog fires only once the heartbeats
// stop. The program also shows that Again fails with EINVAL on a timer never started, and that
// SetRepeat changes the interval Again restarts with.
package main

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/go-libuv/uv"
)

const (
	beat    = 20 * time.Millisecond
	timeout = 60 * time.Millisecond
	beats   = 5
)

func main() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}

	watchdog, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	// Again applies only to a timer that has been started: libuv answers EINVAL.
	err = watchdog.Again()
	var errno uv.Errno
	if !errors.As(err, &errno) || errno != uv.EINVAL {
		log.Fatalf("Again before Start: got %v, want EINVAL", err)
	}
	fmt.Printf("Again before Start: %s (%v)\n", errno.Name(), err)

	heartbeat, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}

	start := loop.Now()
	fired := false
	err = watchdog.Start(timeout, timeout, func() {
		fired = true
		// libuv fires a timer once the loop's clock has reached its due time, never earlier.
		least := beats*beat + watchdog.Repeat()
		if elapsed := time.Duration(loop.Now()-start) * time.Millisecond; elapsed < least {
			log.Fatalf("watchdog fired after %v, before %v", elapsed, least)
		}
		fmt.Printf("watchdog fired: no heartbeat for %v, at least %v after the start\n",
			watchdog.Repeat(), least)
		// The watchdog has done its job; a closed handle is also a stopped one.
		if err := watchdog.Close(nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("watchdog started: fires when nothing happens for %v\n", timeout)

	n := 0
	err = heartbeat.Start(beat, beat, func() {
		n++
		if n == 3 {
			// Takes effect at the next Again (or expiry).
			if err := watchdog.SetRepeat(timeout + beat); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("SetRepeat(%v)\n", timeout+beat)
		}
		if err := watchdog.Again(); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("heartbeat %d: Again, watchdog due in %v (fired: %v)\n", n, watchdog.DueIn(), fired)
		if n == beats {
			fmt.Println("heartbeats stop")
			if err := heartbeat.Close(nil); err != nil {
				log.Fatal(err)
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	// Run returns once both timers are closed.
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("loop closed")
}
