// Command uvstop shows Loop.Stop (uv_stop), as the libuv guide's uvstop program. An idle and a
// prepare handle run once per iteration, the idle callback first; on its fifth call the idle
// callback stops the loop. uv_stop does not cut the iteration short: the prepare callback still
// runs once more, the poll for I/O does not block, and Run returns at the end of the iteration,
// although both handles are still active.
package main

import (
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

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
		fmt.Println("Idle callback")
		counter++
		if counter >= 5 {
			if err := loop.Stop(); err != nil {
				log.Fatal(err)
			}
			fmt.Println("Loop.Stop() called")
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	prep, err := uv.NewPrepare(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := prep.Start(func() { fmt.Println("Prep callback") }); err != nil {
		log.Fatal(err)
	}

	alive, err := loop.Run(uv.RunDefault)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Run returned; alive=%v: both handles are still active\n", alive)

	// The guide's program ends here. Closing stops the handles; one more run calls the close
	// callbacks, which libuv runs in the reverse order of the Close calls.
	for _, h := range []uv.Handle{idler, prep} {
		name := h.TypeName()
		if err := h.Close(func() { fmt.Println(name, "handle closed") }); err != nil {
			log.Fatal(err)
		}
	}
	if alive, err = loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Run returned; alive=%v\n", alive)
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("loop closed")
}
