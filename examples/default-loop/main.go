// Command default-loop runs libuv's default loop, the one loop of the process that
// uv.DefaultLoop returns (the libuv guide's default-loop). With nothing to do, Run returns at
// once, and the loop closes.
//
// With -demo it also shows that DefaultLoop hands out the same loop until it is closed, and a
// new one afterwards, and exits 0.
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	demo := flag.Bool("demo", false, "also show what DefaultLoop returns before and after Close")
	flag.Parse()

	loop, err := uv.DefaultLoop()
	check(err)
	fmt.Println("Default loop.")
	alive, err := loop.Run(uv.RunDefault)
	check(err)
	fmt.Println("Run returned, alive:", alive)
	if *demo {
		again, err := uv.DefaultLoop()
		check(err)
		fmt.Println("DefaultLoop again, the same loop:", again == loop)
	}
	check(loop.Close())
	fmt.Println("closed")
	if *demo {
		next, err := uv.DefaultLoop()
		check(err)
		fmt.Println("DefaultLoop after Close, a new loop:", next != loop)
		check(next.Close())
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
