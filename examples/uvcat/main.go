// Command uvcat prints a file, as the libuv guide's uvcat program: the file is opened, read in
// chunks and each chunk written to standard output, all with asynchronous fs requests chained
// through their callbacks (open, then read, write, read, ... until a read returns 0, then
// close). The buffer is pinned by each request until its callback, so one buffer serves every
// read and write.
//
//	go run ./examples/uvcat FILE
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/go-libuv/uv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: uvcat FILE")
		os.Exit(2)
	}
	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}
	buf := make([]byte, 1024)
	var fd int
	var onRead func(*uv.FSReq)
	check := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	read := func() {
		_, err := uv.FSRead(loop, fd, [][]byte{buf}, -1, onRead)
		check(err)
	}
	onWrite := func(r *uv.FSReq) {
		check(r.Err())
		read()
	}
	onRead = func(r *uv.FSReq) {
		switch {
		case r.Err() != nil:
			log.Fatal("read: ", r.Err())
		case r.Result() == 0: // the end of the file
			_, err := uv.FSClose(loop, fd, func(r *uv.FSReq) { check(r.Err()) })
			check(err)
		default:
			_, err := uv.FSWrite(loop, 1, [][]byte{buf[:r.Result()]}, -1, onWrite)
			check(err)
		}
	}
	_, err = uv.FSOpen(loop, os.Args[1], uv.O_RDONLY, 0, func(r *uv.FSReq) {
		if err := r.Err(); err != nil {
			log.Fatal(err)
		}
		fd = int(r.Result())
		read()
	})
	check(err)
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}
