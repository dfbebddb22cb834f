package uv_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"net/netip"
	"syscall"

	"github.com/go-libuv/uv"
)

// An echo server and a client on one loop: the client writes, shuts its side down, and prints
// what comes back until EOF; the server writes back what it reads and closes on EOF.
func ExampleTCP() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	server, err := uv.NewTCP(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0); err != nil {
		log.Fatal(err)
	}
	err = server.Listen(128, func(err error) {
		conn, _ := uv.NewTCP(loop)
		if err := server.Accept(conn); err != nil {
			log.Fatal(err)
		}
		server.Close(nil) // one connection is enough for the example
		conn.ReadStart(func(data []byte, err error) {
			if err != nil { // EOF: the client is done
				conn.Close(nil)
				return
			}
			// data is only valid during the callback; Write keeps its buffer until its
			// callback, so write a copy.
			conn.Write([][]byte{bytes.Clone(data)}, nil)
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	addr, _ := server.SockName()

	client, _ := uv.NewTCP(loop)
	_, err = client.Connect(addr, func(err error) {
		if err != nil {
			log.Fatal(err)
		}
		client.Write([][]byte{[]byte("hello, "), []byte("libuv")}, nil)
		client.Shutdown(nil)
		var echo []byte
		client.ReadStart(func(data []byte, err error) {
			if err != nil {
				fmt.Printf("echo: %s (then %v)\n", echo, err)
				client.Close(nil)
				return
			}
			echo = append(echo, data...)
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// echo: hello, libuv (then end of file)
	// Close: <nil>
}

// A refused connection reaches the connect callback as ECONNREFUSED, which also matches
// syscall.ECONNREFUSED.
func ExampleTCP_Connect() {
	loop, _ := uv.NewLoop()
	// A port nobody listens on: bind one, then close it.
	probe, _ := uv.NewTCP(loop)
	probe.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0)
	addr, _ := probe.SockName()
	probe.Close(nil)
	loop.Run(uv.RunDefault)

	conn, _ := uv.NewTCP(loop)
	_, err := conn.Connect(addr, func(err error) {
		fmt.Println(err, errors.Is(err, uv.ECONNREFUSED), errors.Is(err, syscall.ECONNREFUSED))
		conn.Close(nil)
	})
	if err != nil {
		log.Fatal(err)
	}
	loop.Run(uv.RunDefault)
	fmt.Println("Close:", loop.Close())
	// Output:
	// connection refused true true
	// Close: <nil>
}
