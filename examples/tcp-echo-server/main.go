// Command tcp-echo-server is the libuv guide's tcp-echo-server: a TCP server that writes back
// what each client sends and closes the connection at the client's EOF.
//
// The guide's server listens on 0.0.0.0:7000 forever. This demo listens on a free port of
// 127.0.0.1 (or on -addr), and, unless -serve is given, connects three clients of its own on
// the same loop, prints what comes back to them, and closes the server once they are done, so
// that it ends by itself.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net/netip"

	"uv"
)

func main() {
	addrFlag := flag.String("addr", "127.0.0.1:0", "address to listen on")
	serve := flag.Bool("serve", false, "serve until killed, without the demo clients")
	flag.Parse()
	addr, err := netip.ParseAddrPort(*addrFlag)
	if err != nil {
		log.Fatal(err)
	}

	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}
	server, err := uv.NewTCP(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Bind(addr, 0); err != nil {
		log.Fatal(err)
	}
	err = server.Listen(128, func(err error) {
		if err != nil {
			log.Printf("new connection error: %v", err)
			return
		}
		client, err := uv.NewTCP(loop)
		if err != nil {
			log.Fatal(err)
		}
		if err := server.Accept(client); err != nil {
			client.Close(nil)
			return
		}
		client.ReadStart(func(data []byte, err error) {
			if err != nil {
				if err != uv.EOF {
					log.Printf("read error: %v", err)
				}
				client.Close(nil)
				return
			}
			// data is the loop's read buffer: Write keeps its buffer until the write
			// callback, so it gets a copy.
			if _, err := client.Write(nil, bytes.Clone(data)); err != nil {
				log.Printf("write error: %v", err)
			}
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	bound, err := server.SockName()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", bound)

	if !*serve {
		demo(loop, server, bound)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}

// demo connects three clients to addr; each sends a line, shuts down its write side and prints
// the echo at EOF. The last one done closes the server.
func demo(loop *uv.Loop, server *uv.TCP, addr netip.AddrPort) {
	left := 3
	for i := 1; i <= 3; i++ {
		msg := []byte(fmt.Sprintf("hello from client %d", i))
		c, err := uv.NewTCP(loop)
		if err != nil {
			log.Fatal(err)
		}
		_, err = c.Connect(addr, func(err error) {
			if err != nil {
				log.Fatal(err)
			}
			if _, err := c.Write(nil, msg); err != nil {
				log.Fatal(err)
			}
			c.Shutdown(nil)
			var echo []byte
			c.ReadStart(func(data []byte, err error) {
				if err == nil {
					echo = append(echo, data...)
					return
				}
				fmt.Printf("echo: %s\n", echo)
				c.Close(nil)
				if left--; left == 0 {
					server.Close(nil)
				}
			})
		})
		if err != nil {
			log.Fatal(err)
		}
	}
}
