// Command uvtee copies its standard input to its standard output and to a file, as the libuv
// guide's uvtee program. The guide reads and writes through uv_pipe_t streams; this version
// uses the file system requests on the descriptors 0 and 1 and on the file: each chunk read
// from standard input is written to both outputs at once, and the next read starts when both
// writes have completed (the one buffer is pinned by each request until its callback). It ends
// at the end of its input.
//
//	echo hello | go run ./examples/uvtee out.txt
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/go-libuv/uv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: uvtee FILE")
		os.Exit(2)
	}
	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}
	check := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	// The file is opened synchronously (a nil callback), as the guide does.
	r, err := uv.FSOpen(loop, os.Args[1], uv.O_CREAT|uv.O_WRONLY|uv.O_TRUNC, 0o644, nil)
	check(err)
	file := int(r.Result())

	buf := make([]byte, 64*1024)
	var read func()
	pending := 0
	onWrite := func(r *uv.FSReq) {
		check(r.Err())
		if pending--; pending == 0 {
			read()
		}
	}
	read = func() {
		_, err := uv.FSRead(loop, 0, [][]byte{buf}, -1, func(r *uv.FSReq) {
			check(r.Err())
			if r.Result() == 0 { // end of input
				_, err := uv.FSClose(loop, file, func(r *uv.FSReq) { check(r.Err()) })
				check(err)
				return
			}
			data := buf[:r.Result()]
			for _, fd := range []int{1, file} {
				_, err := uv.FSWrite(loop, fd, [][]byte{data}, -1, onWrite)
				check(err)
				pending++
			}
		})
		check(err)
	}
	read()
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}
