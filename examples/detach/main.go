// Command detach starts a child that outlives it, as the libuv guide's detach program: Spawn
// with uv.ProcessDetached makes the child lead a new session, and Unref lets the loop end
// without waiting for it. The guide runs sleep 100; this program runs sleep for -seconds
// (default 5), prints the child's pid and exits at once, leaving the child running.
package main

import (
	"flag"
	"fmt"
	"log"
	"strconv"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	seconds := flag.Int("seconds", 5, "how long the detached child sleeps")
	flag.Parse()

	loop, err := uv.DefaultLoop()
	check(err)
	opts := &uv.ProcessOptions{
		File:  "sleep",
		Args:  []string{"sleep", strconv.Itoa(*seconds)},
		Flags: uv.ProcessDetached,
	}
	child, err := uv.Spawn(loop, opts, nil)
	if err != nil {
		if child != nil {
			child.Close(nil)
			loop.Run(uv.RunDefault)
		}
		log.Fatal(err)
	}
	fmt.Printf("Launched sleep with PID %d\n", child.PID())
	check(child.Unref())
	_, err = loop.Run(uv.RunDefault) // returns at once: the only handle is unreferenced
	check(err)
	// The handle must still be closed before the loop is; the child keeps running.
	child.Close(nil)
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
