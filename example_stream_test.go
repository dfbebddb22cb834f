package uv_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

// Shutdown ends the write side once the queued writes are done: the peer reads them, then
// EOF, and a Write after the Shutdown is EPIPE at once. The two ends here are the sockets of
// a socketpair, each opened in a Pipe; any Stream (TCP, Pipe) behaves the same.
func ExampleStream_shutdown() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	fds, err := uv.Socketpair(uv.SOCK_STREAM, 0, uv.NonblockPipe, uv.NonblockPipe)
	if err != nil {
		log.Fatal(err)
	}
	var a, b uv.Stream
	for i, s := range []*uv.Stream{&a, &b} {
		p, err := uv.NewPipe(loop, false)
		if err != nil {
			log.Fatal(err)
		}
		if err := p.Open(fds[i]); err != nil {
			log.Fatal(err)
		}
		*s = p
	}

	a.Write([][]byte{[]byte("first "), []byte("and last")}, nil)
	a.Shutdown(func(err error) { fmt.Println("shutdown:", err) })
	_, err = a.Write([][]byte{[]byte("too late")}, nil)
	fmt.Println("write after Shutdown is EPIPE:", errors.Is(err, uv.EPIPE))

	var got []byte
	b.ReadStart(func(data []byte, err error) {
		if err != nil {
			fmt.Printf("read %q, then %v\n", got, err)
			a.Close(nil)
			b.Close(nil)
			return
		}
		got = append(got, data...)
	})
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// write after Shutdown is EPIPE: true
	// shutdown: <nil>
	// read "first and last", then end of file
	// Close: <nil>
}
