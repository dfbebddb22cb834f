package uvnet_test

import (
	"bufio"
	"fmt"
	"io"

	"github.com/go-libuv/uv/uvnet"
)

// An echo server and its client, both on the package's own libuv loop.
func Example() {
	ln, err := uvnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	c, err := uvnet.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Fprintln(c, "hello, libuv")
	line, err := bufio.NewReader(c).ReadString('\n')
	fmt.Print(line, err)
	// Output: hello, libuv
	// <nil>
}
