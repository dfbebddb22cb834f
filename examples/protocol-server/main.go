// Command protocol-server serves the seeds' protocol over TCP on 127.0.0.1, the protocol of
// Eli Bendersky's "concurrent servers" series: on connect the server sends '*'; then every byte
// between a '^' and the next '$' is answered with that byte + 1, and bytes outside such a frame
// are ignored. Frames may span reads: the state (waiting for '^', or in a frame) lives with the
// connection.
//
//	protocol-server [-addr 127.0.0.1:7001]    serve until interrupted
//	protocol-server -client ADDR              send a few messages to ADDR, check the answers
//	protocol-server -demo                     both in one loop, print the exchange, exit 0
//
// The client expects the '*', sends its messages (frames split across writes, bytes outside
// the frames), shuts its side down and checks, once the server has closed, that the answers
// are exactly the expected ones. It exits 1 otherwise, or after 5 seconds without an end.
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
	addr := flag.String("addr", "127.0.0.1:7001", "the server's address (loopback)")
	client := flag.String("client", "", "run a client of the server at this address")
	demo := flag.Bool("demo", false, "run a server and a client in one process, then exit")
	flag.Parse()

	loop, err := uv.NewLoop()
	check(err)
	ok := new(bool)
	*ok = true
	switch {
	case *demo:
		a, srv := serve(loop, netip.MustParseAddrPort("127.0.0.1:0"))
		fmt.Println("protocol server on", a)
		ok = runClient(loop, a, func() { srv.Close(nil) })
	case *client != "":
		a, err := netip.ParseAddrPort(*client)
		check(err)
		ok = runClient(loop, a, nil)
	default:
		a, _ := serve(loop, netip.MustParseAddrPort(*addr))
		fmt.Println("protocol server on", a)
	}
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
	if !*ok {
		os.Exit(1)
	}
}

// answer runs the protocol over data: it returns the answers to the bytes of data and whether
// the connection is in a frame after them (inFrame: before them).
func answer(data []byte, inFrame bool) ([]byte, bool) {
	var out []byte
	for _, b := range data {
		switch {
		case !inFrame:
			inFrame = b == '^'
		case b == '$':
			inFrame = false
		default:
			out = append(out, b+1)
		}
	}
	return out, inFrame
}

// serve listens on addr; it returns the address it got and the listener.
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
		if _, err := c.Write([][]byte{[]byte("*")}, nil); err != nil {
			log.Printf("server: write: %v", err)
			c.Close(nil)
			return
		}
		inFrame := false
		check(c.ReadStart(func(data []byte, err error) {
			switch {
			case err == uv.EOF:
				if _, err := c.Shutdown(func(error) { c.Close(nil) }); err != nil {
					c.Close(nil)
				}
			case err != nil:
				log.Printf("server: read: %v", err)
				c.Close(nil)
			default:
				var out []byte
				// out is a new slice: Write may read it until its callback.
				if out, inFrame = answer(data, inFrame); len(out) > 0 {
					if _, err := c.Write([][]byte{out}, nil); err != nil {
						log.Printf("server: write: %v", err)
					}
				}
			}
		}))
	}))
	a, err := srv.SockName()
	check(err)
	return a, srv
}

// messages are what the client sends, one write each: a frame split across writes, bytes
// outside any frame, '^' inside a frame (which is data there), an empty frame; want is the
// answer, written out by hand: the '*', then each framed byte + 1.
var (
	messages = []string{"^abc$", "ignored^12", "3$not this", "^^z$", "^$", "tail"}
	want     = []byte("*bcd234_{")
)

// runClient connects to addr and checks the exchange. The result is known once the loop has
// run: *ok is false when the answers differ or the client timed out. done (may be nil) runs when
// the client has finished.
func runClient(loop *uv.Loop, addr netip.AddrPort, done func()) *bool {
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
		log.Printf("client: no end within 5s")
		finish(false)
	}))

	var got []byte
	_, err = c.Connect(addr, func(err error) {
		if err != nil {
			log.Printf("client: connect to %v: %v", addr, err)
			finish(false)
			return
		}
		check(c.ReadStart(func(data []byte, err error) {
			switch {
			case err == uv.EOF:
				fmt.Printf("client: received %q, want %q\n", got, want)
				finish(bytes.Equal(got, want))
			case err != nil:
				log.Printf("client: read: %v", err)
				finish(false)
			default:
				got = append(got, data...)
			}
		}))
		for _, m := range messages {
			fmt.Printf("client: send %q\n", m)
			if _, err := c.Write([][]byte{[]byte(m)}, nil); err != nil {
				log.Printf("client: write: %v", err)
				finish(false)
				return
			}
		}
		if _, err := c.Shutdown(nil); err != nil {
			log.Printf("client: shutdown: %v", err)
			finish(false)
		}
	})
	check(err)
	return ok
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
