// Command thread-create is the libuv guide's race of the hare and the tortoise: two OS threads
// made with uv_thread_create run the same track at different speeds, and the main thread joins
// both. The guide sleeps 1 s and 3 s per step; this one 10 ms and 30 ms.
package main

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/go-libuv/uv"
)

func runner(name string, tracklen int, step time.Duration) func() {
	return func() {
		for ; tracklen > 0; tracklen-- {
			time.Sleep(step)
			fmt.Fprintf(os.Stderr, "%s ran another step\n", name)
		}
		fmt.Fprintf(os.Stderr, "%s done running!\n", name)
	}
}

func main() {
	const tracklen = 10
	hare, err := uv.NewThread(runner("Hare", tracklen, 10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	tortoise, err := uv.NewThread(runner("Tortoise", tracklen, 30*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	if err := hare.Join(); err != nil {
		log.Fatal(err)
	}
	if err := tortoise.Join(); err != nil {
		log.Fatal(err)
	}
}
