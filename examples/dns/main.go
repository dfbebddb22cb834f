// Command dns resolves a name asynchronously, as the libuv guide's dns program: Getaddrinfo
// hands the lookup to libuv's threadpool and the callback runs on the loop with the results.
// The guide resolves irc.libera.chat and connects to it; this program resolves localhost (or
// the name given as its argument) and prints every address, so that it needs no network.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/go-libuv/uv"
)

func main() {
	name := "localhost"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}
	hints := &uv.AddrinfoHints{SockType: uv.SOCK_STREAM}
	fmt.Printf("%s is... ", name)
	_, _, err = uv.Getaddrinfo(loop, name, "6667", hints, func(res []uv.Addrinfo, err error) {
		if err != nil {
			fmt.Printf("\ngetaddrinfo callback error %s\n", err.(uv.Errno).Name())
			return
		}
		fmt.Println()
		for _, ai := range res {
			addr, err := uv.IPName(ai.Addr)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("  %s (port %d)\n", addr, ai.Addr.Port())
		}
	})
	if err != nil {
		log.Fatalf("getaddrinfo call error %v", err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}
