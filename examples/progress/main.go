// Command progress is the libuv guide's progress program: a work function on libuv's thread
// pool (QueueWork) fakes a download and reports its progress to the loop through an Async
// handle (uv_async_t), whose Send is safe from any thread. libuv coalesces sends that arrive
// before the loop runs the async callback, so the loop may print fewer lines than the work
// sent; it always sees the latest figure. The after function reports the end and closes the
// async handle, which lets the loop end.
//
// The guide sleeps one second per chunk; this program sleeps 20 ms so that it ends at once.
package main

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/go-libuv/uv"
)

const size = 10240 // bytes to "download"

func main() {
	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}

	// The percentage is written on the pool thread and read on the loop: an atomic.
	var percentage atomic.Uint64
	async, err := uv.NewAsync(loop, func() {
		fmt.Printf("Downloaded %.2f%%\n", math.Float64frombits(percentage.Load()))
	})
	if err != nil {
		log.Fatal(err)
	}

	_, err = uv.QueueWork(loop, func() {
		for downloaded := 0; downloaded < size; {
			percentage.Store(math.Float64bits(float64(downloaded) * 100 / size))
			if err := async.Send(); err != nil {
				panic(err) // carried to the loop: Run re-panics with it
			}
			time.Sleep(20 * time.Millisecond)
			downloaded += 200 + rand.IntN(800) // between 200 and 1000 bytes per chunk
		}
	}, func(err error) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("Download complete")
		if err := async.Close(nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}
