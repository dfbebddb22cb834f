// Command tcp-echo-server is a TCP echo server on 127.0.0.1 (the libuv guide's first network
// example): it writes back whatever each connection sends, and answers a client's shutdown
// with its own.
//
//	tcp-echo-server [-addr 127.0.0.1:7000]        serve until interrupted
//	tcp-echo-server -client ADDR [line ...]       send lines to ADDR, check each echo, exit 0
//	tcp-echo-server -demo                         both in one loop: a few round trips, exit 0
//
// The client sends one line at a time and waits for its echo before the next (a round trip),
// then shuts its side down and waits for the server's EOF. It exits 1 when an echo differs, or
// when nothing comes back within 5 seconds.
//
// The read callback's data is the loop's read buffer, valid only during the callback, while
// Write reads its buffers until its own callback: the server writes a copy, which the garbage
// collector releases once libuv is done with it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"time"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	addr := flag.String("addr", "127.0.0.1:7000", "the server's address (loopback)")
	client := flag.String("client", "", "run a client of the server at this address")
	demo := flag.Bool("demo", false, "run a server and a client in one process, then exit")
	flag.Parse()
	lines := flag.Args()
	if len(lines) == 0 {
		lines = []string{"hello", "from libuv", "over TCP", "the last line"}
	}

	loop, err := uv.NewLoop()
	check(err)
	ok := new(bool)
	*ok = true // the server alone always succeeds
	switch {
	case *demo:
		a, srv := serve(loop, netip.MustParseAddrPort("127.0.0.1:0"))
		fmt.Println("echo server on", a)
		ok = runClient(loop, a, lines, func() { srv.Close(nil) })
	case *client != "":
		a, err := netip.ParseAddrPort(*client)
		check(err)
		ok = runClient(loop, a, lines, nil)
	default:
		a, _ := serve(loop, netip.MustParseAddrPort(*addr))
		fmt.Println("echo server on", a)
	}
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
	if !*ok {
		os.Exit(1)
	}
}

// serve listens on addr and echoes every connection; it returns the address it got and the
// listener.
func serve(loop *uv.Loop, addr netip.AddrPort) (netip.AddrPort, *uv.TCP) {
	srv, err := uv.NewTCP(loop)
	check(err)
	check(srv.Bind(addr, 0))
	check(srv.Listen(128, func(err error) {
		if err != nil {
			log.Printf("server: %v", err)
			return
		}
		c, err := uv.NewTCP(loop)
		check(err)
		check(srv.Accept(c))
		check(c.ReadStart(func(data []byte, err error) {
			switch {
			case err == uv.EOF: // the client is done: shut down our side too, then close
				if _, err := c.Shutdown(func(error) { c.Close(nil) }); err != nil {
					c.Close(nil)
				}
			case err != nil:
				log.Printf("server: read: %v", err)
				c.Close(nil)
			case len(data) > 0:
				if _, err := c.Write([][]byte{bytes.Clone(data)}, nil); err != nil {
					log.Printf("server: write: %v", err)
				}
			}
		}))
	}))
	a, err := srv.SockName()
	check(err)
	return a, srv
}

// runClient connects to addr and does one round trip per line. The result is known once the
// loop has run: *ok is false when an echo differed or the client timed out. done (may be nil)
// runs when the client has finished.
func runClient(loop *uv.Loop, addr netip.AddrPort, lines []string, done func()) *bool {
	ok := new(bool)
	c, err := uv.NewTCP(loop)
	check(err)
	timeout, err := uv.NewTimer(loop)
	check(err)
	finish := func(success bool) {
		*ok = success
		timeout.Close(nil)
		c.Close(nil)
		if done != nil {
			done()
		}
	}
	check(timeout.Start(5*time.Second, 0, func() {
		log.Printf("client: no answer within 5s")
		finish(false)
	}))

	var got []byte
	next := 0
	send := func() {
		msg := []byte(lines[next] + "\n")
		if _, err := c.Write([][]byte{msg}, nil); err != nil {
			log.Printf("client: write: %v", err)
			finish(false)
		}
	}
	_, err = c.Connect(addr, func(err error) {
		if err != nil {
			log.Printf("client: connect to %v: %v", addr, err)
			finish(false)
			return
		}
		check(c.ReadStart(func(data []byte, err error) {
			switch {
			case err == uv.EOF && next == len(lines):
				fmt.Println("client: the server closed its side after the last echo")
				finish(true)
				return
			case err != nil:
				log.Printf("client: read: %v", err)
				finish(false)
				return
			}
			got = append(got, data...)
			i := bytes.IndexByte(got, '\n')
			if i < 0 {
				return // the rest of the line is on its way
			}
			echo := string(got[:i])
			got = got[i+1:]
			fmt.Printf("round trip %d: sent %q, echoed %q\n", next+1, lines[next], echo)
			if echo != lines[next] || len(got) > 0 {
				log.Printf("client: the echo differs")
				finish(false)
				return
			}
			if next++; next < len(lines) {
				send()
				return
			}
			if _, err := c.Shutdown(nil); err != nil {
				log.Printf("client: shutdown: %v", err)
				finish(false)
			}
		}))
		send()
	})
	check(err)
	return ok
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
