package uv_test

import (
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

// ReadStartAlloc reads into the caller's memory: here one small buffer, handed out again for
// each read once the previous read callback has returned (the caller owns it again then).
// data is a sub-slice of it; the EOF callback hands it back as buf[:0]. An allocator with
// nothing to give returns nil: libuv then answers ENOBUFS without reading.
func ExampleStream_ReadStartAlloc() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	fds, err := uv.Socketpair(uv.SOCK_STREAM, 0, uv.NonblockPipe, uv.NonblockPipe)
	if err != nil {
		log.Fatal(err)
	}
	a, _ := uv.NewPipe(loop, false)
	b, _ := uv.NewPipe(loop, false)
	if err := a.Open(fds[0]); err != nil {
		log.Fatal(err)
	}
	if err := b.Open(fds[1]); err != nil {
		log.Fatal(err)
	}

	buf := make([]byte, 5)
	var got []byte
	b.ReadStartAlloc(func(suggested int) []byte { return buf }, func(data []byte, err error) {
		if err != nil {
			fmt.Printf("%v; buffer handed back: %v\n", err, &data[:1][0] == &buf[0])
			a.Close(nil)
			b.Close(nil)
			return
		}
		fmt.Printf("read %q\n", data)
		got = append(got, data...) // copy what you keep: the next read reuses buf
	})
	a.Write([][]byte{[]byte("hello, world")}, nil)
	a.Shutdown(nil)

	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", got)
	fmt.Println("Close:", loop.Close())
	// Output:
	// read "hello"
	// read ", wor"
	// read "ld"
	// end of file; buffer handed back: true
	// "hello, world"
	// Close: <nil>
}
