// Command idle-basic shows an idle handle, as the libuv guide's idle-basic program: its callback
// runs once per loop iteration, and while it is active the loop never blocks in its poll for
// I/O. The callback counts the iterations and stops the handle after a fixed number of them;
// with no active handle left, Run returns.
//
// The guide counts to ten million; this program counts to 100,000 so that it ends at once.
package main

import (
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

const iterations = 100_000

func main() {
	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}

	idler, err := uv.NewIdle(loop)
	if err != nil {
		log.Fatal(err)
	}
	counter := 0
	err = idler.Start(func() {
		counter++
		if counter >= iterations {
			if err := idler.Stop(); err != nil {
				log.Fatal(err)
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("Idling...")
	alive, err := loop.Run(uv.RunDefault)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Run returned after %d idle callbacks (alive=%v): a stopped handle does not keep the loop running\n",
		counter, alive)

	// The stopped handle is still open: close it, and run the loop once more for its close
	// callback before the loop itself can be closed.
	if err := idler.Close(func() { fmt.Println("idle handle closed") }); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("loop closed")
}
