// Command ref-timer shows reference counting, as the libuv guide's ref-timer program. A
// "garbage collector" timer repeats forever, but it is unreferenced (Unref, uv_unref) right after
// its creation, so it does not keep the loop alive: when the one referenced handle, a "fake job"
// timer, is done, Run returns although the collector is still active.
//
// The guide collects every 2 s and finishes its job after 9 s; this program scales both down to
// 50 ms and 230 ms. How many times the collector runs before the job is done depends on how
// promptly the process is scheduled: about five times.
package main

import (
	"fmt"
	"log"
	"time"

	"github.com/go-libuv/uv"
)

func main() {
	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}

	gc, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := gc.Unref(); err != nil {
		log.Fatal(err)
	}
	err = gc.Start(0, 50*time.Millisecond, func() { fmt.Println("Freeing unused objects") })
	if err != nil {
		log.Fatal(err)
	}

	// This could be a TCP download or anything else that keeps the program busy.
	job, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := job.Start(230*time.Millisecond, 0, func() { fmt.Println("Fake job done") }); err != nil {
		log.Fatal(err)
	}

	alive, err := loop.Run(uv.RunDefault)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Run returned: alive=%v, collector active=%v referenced=%v\n",
		alive, gc.IsActive(), gc.HasRef())

	// The guide's program exits here. Close both timers (the job's is stopped but still open);
	// closing handles keep the loop alive, unreferenced or not, until their close callbacks.
	for _, t := range []*uv.Timer{gc, job} {
		if err := t.Close(nil); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("timers and loop closed")
}
