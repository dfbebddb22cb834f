package uv_test

import (
	"fmt"
	"log"
	"syscall"

	"github.com/go-libuv/uv"
)

// A Poll watches a descriptor that the program reads itself: here one end of a socket pair,
// readable once the other end has written.
func ExamplePoll() {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer syscall.Close(fds[0])
	defer syscall.Close(fds[1])

	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	defer loop.Close()
	p, err := uv.NewPoll(loop, fds[0])
	if err != nil {
		log.Fatal(err)
	}
	err = p.Start(uv.PollReadable, func(events uv.PollEvent, err error) {
		if err != nil {
			log.Fatal(err)
		}
		buf := make([]byte, 16)
		n, err := syscall.Read(fds[0], buf)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("readable: %q\n", buf[:n])
		p.Close(nil)
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := syscall.Write(fds[1], []byte("ping")); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	// Output:
	// readable: "ping"
}
