// Command multi-echo-server is a TCP echo server served by worker processes (the libuv guide's
// multi-echo-server, the process form of examples/multi-loop-server). The master process spawns
// N workers, which are this program run again with -worker, each with an IPC pipe as its
// standard input. The master accepts the connections on 127.0.0.1 and hands each to the next
// worker in turn by sending the accepted handle over that worker's pipe (Pipe.Write2), then
// closes its own copy. A worker accepts the handle from its standard input (Pipe.AcceptPending)
// and echoes what it reads, prefixed with its name; it exits when its pipe reaches EOF.
//
//	multi-echo-server [-workers 4] [-addr 127.0.0.1:7000]   serve until killed
//	multi-echo-server -demo                                 a few clients, then exit 0
//
// With -demo the master listens on a free port, connects its clients one after the other (so
// that the turn of the workers shows), prints which worker served each, closes the workers'
// pipes and prints how they exited. The guide's worker is a separate program; here it is the
// same executable (uv.Exepath) with -worker.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/netip"
	"sort"
	"strings"
	"syscall"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	workers := flag.Int("workers", 4, "number of worker processes")
	addr := flag.String("addr", "127.0.0.1:7000", "address to listen on (loopback)")
	demo := flag.Bool("demo", false, "listen on a free port, run a few clients, print who served them, exit")
	clients := flag.Int("clients", 6, "number of clients of -demo")
	worker := flag.String("worker", "", "run as the worker of this name (the master starts them)")
	flag.Parse()
	if *worker != "" {
		runWorker(*worker)
		return
	}
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
	exits := map[string]string{}
	pipes := spawnWorkers(loop, *workers, func(name, how string) { exits[name] = how })

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
		if err := server.Accept(conn); err != nil {
			conn.Close(nil)
			return
		}
		// The worker receives its own descriptor of the connection: the master's copy is
		// closed once the write that carries it is done.
		p := pipes[next%len(pipes)]
		next++
		_, err = p.Write2([][]byte{{'c'}}, conn, func(err error) {
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

	if *demo {
		fmt.Printf("master: listening on 127.0.0.1 with %d worker processes\n", *workers)
		runClients(loop, bound, *clients, func() {
			server.Close(nil)
			for _, p := range pipes { // EOF on a worker's standard input: it exits
				p.Close(nil)
			}
		})
	} else {
		fmt.Printf("master: listening on %v with %d worker processes\n", bound, *workers)
	}
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
	names := make([]string, 0, len(exits))
	for name := range exits {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Printf("master: %s %s\n", name, exits[name])
	}
}

// spawnWorkers starts n workers, each with an IPC pipe as its standard input and the master's
// standard error, and returns the master's ends of the pipes. exited is called on the loop
// when a worker has ended.
func spawnWorkers(loop *uv.Loop, n int, exited func(name, how string)) []*uv.Pipe {
	exe, err := uv.Exepath()
	check(err)
	pipes := make([]*uv.Pipe, n)
	for i := range pipes {
		name := fmt.Sprintf("worker %d", i+1)
		pipes[i], err = uv.NewPipe(loop, true)
		check(err)
		opts := &uv.ProcessOptions{
			File: exe,
			Args: []string{exe, "-worker", name},
			Stdio: []uv.StdioContainer{
				uv.CreatePipe(pipes[i], uv.StdioReadablePipe),
				uv.Ignore(),
				uv.InheritFD(2),
			},
		}
		_, err := uv.Spawn(loop, opts, func(p *uv.Process, status int64, signal syscall.Signal) {
			exited(name, fmt.Sprintf("exited with status %d, signal %d", status, signal))
			p.Close(nil)
		})
		check(err)
	}
	return pipes
}

// runWorker is a worker process: it accepts the connections sent on its standard input and
// echoes them, until its standard input reaches EOF.
func runWorker(name string) {
	loop, err := uv.NewLoop()
	check(err)
	queue, err := uv.NewPipe(loop, true)
	check(err)
	check(queue.Open(0))
	check(queue.ReadStart(func(data []byte, err error) {
		if err != nil { // EOF: the master is done with us
			if err != uv.EOF {
				log.Printf("%s: read: %v", name, err)
			}
			loop.Walk(func(h uv.Handle) {
				if !h.IsClosing() {
					h.Close(nil)
				}
			})
			return
		}
		for queue.PendingCount() > 0 {
			h, err := queue.AcceptPending()
			if err != nil {
				log.Printf("%s: accept: %v", name, err)
				continue
			}
			echo(name, h.(*uv.TCP))
		}
	}))
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}

// echo writes back what conn reads, prefixed with the worker's name; on EOF it shuts its side
// down once the echoes are written, then closes.
func echo(name string, conn *uv.TCP) {
	check(conn.ReadStart(func(data []byte, err error) {
		switch {
		case err == uv.EOF:
			if _, err := conn.Shutdown(func(error) { conn.Close(nil) }); err != nil {
				conn.Close(nil)
			}
		case err != nil:
			log.Printf("%s: read: %v", name, err)
			conn.Close(nil)
		case len(data) > 0:
			// data is valid only during the callback; the write gets its own copy.
			out := append([]byte(name+": "), data...)
			if _, err := conn.Write([][]byte{out}, nil); err != nil {
				conn.Close(nil)
			}
		}
	}))
}

// runClients connects n clients to addr, one after the other: each says hello, shuts its side
// down and reads the echo until EOF, and the next starts once it is done. Then done is called.
func runClients(loop *uv.Loop, addr netip.AddrPort, n int, done func()) {
	var client func(i int)
	client = func(i int) {
		if i > n {
			done()
			return
		}
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
				served, said, _ := strings.Cut(string(echoed), ": ")
				fmt.Printf("client %d: %q echoed by %s\n", i, said, served)
				c.Close(func() { client(i + 1) })
			}))
		})
		check(err)
	}
	client(1)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
