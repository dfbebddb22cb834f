// Command helloworld runs an empty loop, as the first program of the libuv guide: with nothing
// to do, Run returns at once.
package main

import (
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

func main() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Now quitting.")
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}
