// Command udp-echo runs a UDP echo server on 127.0.0.1 and, in the same loop, a client that
// sends a few datagrams to it, checks that each one comes back unchanged, and exits 0 once all
// have (1 on a mismatch, or when the echoes do not come back within 5 seconds).
//
// The server echoes from its receive callback. The received data is the loop's read buffer,
// valid only during the callback, while Send reads its buffers until its own callback: the
// server sends a copy, released by the garbage collector once libuv is done with it.
package main

import (
	"bytes"
	"fmt"
	"log"
	"net/netip"
	"os"
	"time"

	"github.com/go-libuv/uv"
)

func main() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	lo := netip.MustParseAddrPort("127.0.0.1:0")

	// The server: port 0 lets the system choose; SockName tells which.
	server, err := uv.NewUDP(loop)
	check(err)
	check(server.Bind(lo, 0))
	addr, err := server.SockName()
	check(err)
	fmt.Println("echo server on", addr)
	check(server.RecvStart(func(data []byte, from netip.AddrPort, flags uv.UDPFlags, err error) {
		switch {
		case err != nil:
			log.Printf("server: %v", err)
		case data == nil: // libuv's "nothing to read"
		default:
			if _, err := server.Send(from, [][]byte{bytes.Clone(data)}, nil); err != nil {
				log.Printf("server: Send: %v", err)
			}
		}
	}))

	// The client sends every message at once and checks the echoes as they come.
	messages := []string{"hello", "from", "libuv", "over UDP", ""}
	client, err := uv.NewUDP(loop)
	check(err)
	check(client.Bind(lo, 0))
	timeout, err := uv.NewTimer(loop)
	check(err)
	pending := map[string]int{}
	for _, m := range messages {
		pending[m]++
	}
	failed := false
	finish := func() {
		for _, h := range []uv.Handle{client, server, timeout} {
			h.Close(nil)
		}
	}
	check(client.RecvStart(func(data []byte, from netip.AddrPort, flags uv.UDPFlags, err error) {
		switch {
		case err != nil:
			log.Printf("client: %v", err)
			return
		case data == nil:
			return
		case from != addr || pending[string(data)] == 0:
			fmt.Printf("unexpected datagram %q from %v\n", data, from)
			failed = true
			finish()
			return
		}
		fmt.Printf("echo: %q\n", data)
		if pending[string(data)]--; pending[string(data)] == 0 {
			delete(pending, string(data))
		}
		if len(pending) == 0 {
			finish()
		}
	}))
	for _, m := range messages {
		if _, err := client.Send(addr, [][]byte{[]byte(m)}, nil); err != nil {
			log.Fatal(err)
		}
	}
	check(timeout.Start(5*time.Second, 0, func() {
		fmt.Printf("no echo for %d message(s) after 5 s\n", len(pending))
		failed = true
		finish()
	}))

	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
	if failed {
		os.Exit(1)
	}
	fmt.Printf("%d echoes checked\n", len(messages))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
