// Command pipe-echo-server is an echo server on a Unix domain socket (the libuv guide's
// pipe-echo-server): it binds a Pipe to a path and writes back whatever each connection sends.
// On SIGINT it closes every handle; closing the bound pipe removes the socket file (libuv
// unlinks the path it bound), where the guide's C program, which exits from its signal handler
// without closing, unlinks it itself.
//
//	pipe-echo-server [-path /tmp/echo.sock]    serve until interrupted (Ctrl-C)
//	pipe-echo-server -demo                     a server and a client in one loop, then exit 0
//
// -demo binds a socket in a temporary directory, connects a client that does one round trip per
// line, then sends itself SIGINT: the server's signal watcher shuts down as it would on Ctrl-C.
//
// Try the server with: nc -U /tmp/echo.sock
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"syscall"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	path := flag.String("path", "/tmp/echo.sock", "the socket's path")
	demo := flag.Bool("demo", false, "run a server and a client in one process, then exit")
	flag.Parse()

	if *demo {
		dir, err := os.MkdirTemp("", "pipe-echo-server")
		check(err)
		defer os.RemoveAll(dir)
		*path = filepath.Join(dir, "echo.sock")
	}
	loop, err := uv.NewLoop()
	check(err)
	serve(loop, *path)
	if *demo {
		fmt.Println("echo server on echo.sock")
		runClient(loop, *path, []string{"hello", "over a Unix domain socket", "the last line"}, func() {
			fmt.Println("client: done, sending SIGINT to this process")
			check(uv.Kill(os.Getpid(), syscall.SIGINT))
		})
	} else {
		fmt.Println("echo server on", *path)
	}
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
	if _, err := os.Stat(*path); os.IsNotExist(err) {
		fmt.Println("the socket file is gone: closing the server removed it")
	}
}

// serve binds a pipe to path and echoes each connection; SIGINT closes every handle of the
// loop, the listening pipe's close removing the socket file.
func serve(loop *uv.Loop, path string) {
	server, err := uv.NewPipe(loop, false)
	check(err)
	if err := server.Bind(path); err != nil {
		log.Fatalf("bind %s: %v", path, err)
	}
	check(server.Listen(128, func(err error) {
		if err != nil {
			log.Printf("server: %v", err)
			return
		}
		client, err := uv.NewPipe(loop, false)
		check(err)
		if err := server.Accept(client); err != nil {
			client.Close(nil)
			return
		}
		check(client.ReadStart(func(data []byte, err error) {
			if err != nil {
				if err != uv.EOF {
					log.Printf("server: read: %v", err)
				}
				client.Close(nil)
				return
			}
			// data is the loop's read buffer, valid during this callback only: write a copy.
			if _, err := client.Write([][]byte{bytes.Clone(data)}, nil); err != nil {
				log.Printf("server: write: %v", err)
			}
		}))
	}))

	sigint, err := uv.NewSignal(loop)
	check(err)
	check(sigint.Start(syscall.SIGINT, func(syscall.Signal) {
		fmt.Println("server: SIGINT, closing every handle")
		check(loop.Walk(func(h uv.Handle) {
			if !h.IsClosing() {
				h.Close(nil)
			}
		}))
	}))
}

// runClient connects to path and does one round trip per line, then closes and calls done.
func runClient(loop *uv.Loop, path string, lines []string, done func()) {
	c, err := uv.NewPipe(loop, false)
	check(err)
	next := 0
	send := func() {
		_, err := c.Write([][]byte{[]byte(lines[next] + "\n")}, nil)
		check(err)
	}
	var got []byte
	_, err = c.Connect(path, func(err error) {
		check(err)
		check(c.ReadStart(func(data []byte, err error) {
			check(err)
			got = append(got, data...)
			i := bytes.IndexByte(got, '\n')
			if i < 0 {
				return // the rest of the line is on its way
			}
			fmt.Printf("round trip %d: sent %q, echoed %q\n", next+1, lines[next], got[:i])
			got = got[i+1:]
			if next++; next < len(lines) {
				send()
				return
			}
			c.Close(done)
		}))
		send()
	})
	check(err)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
