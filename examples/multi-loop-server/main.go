// Command multi-loop-server is a TCP echo server on several loops: the main loop accepts the
// connections on 127.0.0.1 and hands each to one of N worker loops, each run by its own
// goroutine, by sending the accepted handle over an IPC pipe (Pipe.Write2). A worker accepts the
// handle from its end of the channel (Pipe.AcceptPending) and echoes what it reads, prefixed
// with its name. This is the shape of libuv's multi-accept benchmark and of Node's cluster
// module, inside one process.
//
// With -demo it listens on a free port, connects a few clients itself, prints which worker
// served each, shuts everything down and exits 0. Without it, it serves -addr until killed:
//
//	go run ./examples/multi-loop-server -workers 4 -addr 127.0.0.1:7000
//	nc 127.0.0.1 7000
package main

import (
	"flag"
	"fmt"
	"log"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	workers := flag.Int("workers", 4, "number of worker loops")
	addr := flag.String("addr", "127.0.0.1:7000", "address to listen on (loopback)")
	demo := flag.Bool("demo", false, "listen on a free port, run a few clients, print who served them, exit")
	clients := flag.Int("clients", 8, "number of clients of -demo")
	flag.Parse()
	if *workers < 1 {
		log.Fatal("-workers must be at least 1")
	}
	listen := netip.MustParseAddrPort("127.0.0.1:0")
	if !*demo {
		var err error
		if listen, err = netip.ParseAddrPort(*addr); err != nil {
			log.Fatal(err)
		}
	}

	loop, err := uv.NewLoop()
	check(err)

	// One IPC channel per worker: a socketpair, this end on the main loop, the other on the
	// worker's loop.
	var wg sync.WaitGroup
	channels := make([]*uv.Pipe, *workers)
	for i := range channels {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		check(err)
		channels[i], err = uv.NewPipe(loop, true)
		check(err)
		check(channels[i].Open(fds[0]))
		ready := make(chan struct{})
		wg.Add(1)
		go func(name string, fd int) {
			defer wg.Done()
			worker(name, fd, ready)
		}(fmt.Sprintf("worker %d", i+1), fds[1])
		<-ready
	}

	server, err := uv.NewTCP(loop)
	check(err)
	check(server.Bind(listen, 0))
	next := 0
	check(server.Listen(128, func(err error) {
		if err != nil {
			log.Printf("listen: %v", err)
			return
		}
		conn, err := uv.NewTCP(loop)
		check(err)
		check(server.Accept(conn))
		// Hand the connection to the next worker; the worker gets its own descriptor, so
		// this loop's copy is closed once the write is done.
		ch := channels[next%len(channels)]
		next++
		_, err = ch.Write2([][]byte{[]byte{'c'}}, conn, func(err error) {
			if err != nil {
				log.Printf("hand-off: %v", err)
			}
			conn.Close(nil)
		})
		if err != nil {
			log.Printf("hand-off: %v", err)
			conn.Close(nil)
		}
	}))
	bound, err := server.SockName()
	check(err)

	stop := func() {
		server.Close(nil)
		// A worker ends when its channel reaches EOF.
		for _, ch := range channels {
			ch.Close(nil)
		}
	}
	if *demo {
		fmt.Printf("main loop: listening on 127.0.0.1 with %d workers\n", *workers)
		runClients(loop, bound, *clients, stop)
	} else {
		fmt.Printf("main loop: listening on %v with %d workers\n", bound, *workers)
	}
	_, err = loop.Run(uv.RunDefault)
	check(err)
	wg.Wait()
	check(loop.Close())
	fmt.Println("main loop: done")
}

// worker runs a loop that accepts the connections sent on its channel (descriptor fd) and
// echoes them; it ends when the channel is closed at the other end.
func worker(name string, fd int, ready chan<- struct{}) {
	loop, err := uv.NewLoop()
	check(err)
	ch, err := uv.NewPipe(loop, true)
	check(err)
	check(ch.Open(fd))
	check(ch.ReadStart(func(data []byte, err error) {
		if err != nil { // EOF: the main loop is done with us
			loop.Walk(func(h uv.Handle) {
				if !h.IsClosing() {
					h.Close(nil)
				}
			})
			return
		}
		for ch.PendingCount() > 0 {
			h, err := ch.AcceptPending()
			if err != nil {
				log.Printf("%s: accept: %v", name, err)
				continue
			}
			echo(name, h.(*uv.TCP))
		}
	}))
	close(ready)
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}

// echo writes back what conn reads, prefixed with the worker's name, and closes it on EOF.
func echo(name string, conn *uv.TCP) {
	check(conn.ReadStart(func(data []byte, err error) {
		if err != nil {
			conn.Close(nil)
			return
		}
		if len(data) == 0 {
			return
		}
		// data is valid only during the callback; the write keeps its own copy.
		out := append([]byte(name+": "), data...)
		if _, err := conn.Write([][]byte{out}, nil); err != nil {
			conn.Close(nil)
		}
	}))
}

// runClients connects n clients to addr on loop; each says hello, shuts its side down and
// reads the echo until EOF. When all are done they are printed in order and stop is called.
func runClients(loop *uv.Loop, addr netip.AddrPort, n int, stop func()) {
	results := map[int]string{}
	for i := 1; i <= n; i++ {
		c, err := uv.NewTCP(loop)
		check(err)
		_, err = c.Connect(addr, func(err error) {
			check(err)
			_, err = c.Write([][]byte{[]byte(fmt.Sprintf("hello from client %d", i))}, nil)
			check(err)
			_, err = c.Shutdown(nil)
			check(err)
			var echoed []byte
			check(c.ReadStart(func(data []byte, err error) {
				if err == nil {
					echoed = append(echoed, data...)
					return
				}
				c.Close(nil)
				results[i] = string(echoed)
				if len(results) == n {
					keys := make([]int, 0, n)
					for k := range results {
						keys = append(keys, k)
					}
					sort.Ints(keys)
					for _, k := range keys {
						served, said, _ := strings.Cut(results[k], ": ")
						fmt.Printf("client %d: %q echoed by %s\n", k, said, served)
					}
					stop()
				}
			}))
		})
		check(err)
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
