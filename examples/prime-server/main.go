// Command prime-server is the libuv guide's point about blocking the loop, as a TCP server on
// 127.0.0.1 that tests primes: each client sends a decimal number and a newline, and the
// server answers "prime" or "not prime" and a newline. The test is deliberately slow (trial
// division by every odd number up to the square root).
//
//	prime-server [-addr 127.0.0.1:7000]    serve until interrupted (try: echo 7 | nc 127.0.0.1 7000)
//	prime-server -demo                      one slow client and 5 quick ones, print the order, exit 0
//
// MODE=pool (the default) tests each number on libuv's thread pool with QueueWork
// (uv_queue_work) and writes the answer in the after function, back on the loop, so the loop
// keeps serving the other clients meanwhile. MODE=block tests it in the read callback, on the
// loop itself, so every other client waits until the test is done.
//
// With -demo the clients are goroutines using package net, independent of the server's loop:
// one sends a large prime, and 100 ms later 5 others send small numbers. Each client's wait is
// measured from its own send. In pool mode the small numbers are answered first; in block mode
// after the big one. When every client has its answer, a goroutine wakes the loop with an Async
// (the only handle call that is safe from another goroutine), which closes every handle, so the
// loop's Run returns.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-libuv/uv"
)

// bigPrime takes about a second to test by trial division on a current CPU.
const bigPrime = 1000000000000000003

// isPrime tests n by trial division by 2 and by every odd number up to its square root.
func isPrime(n uint64) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	for d := uint64(3); d <= n/d; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// answer is the server's reply to one line.
func answer(line string) string {
	n, err := strconv.ParseUint(strings.TrimSpace(line), 10, 64)
	switch {
	case err != nil:
		return "error: not a decimal number"
	case isPrime(n):
		return "prime"
	default:
		return "not prime"
	}
}

func main() {
	log.SetFlags(0)
	addr := flag.String("addr", "127.0.0.1:7000", "the server's address (loopback)")
	demo := flag.Bool("demo", false, "run the server and a few clients, print the order of answers, exit")
	flag.Parse()
	mode := os.Getenv("MODE")
	if mode == "" {
		mode = "pool"
	}
	if mode != "pool" && mode != "block" {
		log.Fatalf("MODE must be pool or block, not %q", mode)
	}

	loop, err := uv.NewLoop()
	check(err)
	listen := netip.MustParseAddrPort(*addr)
	if *demo {
		listen = netip.MustParseAddrPort("127.0.0.1:0")
	}
	a, stop := serve(loop, listen, mode == "pool")
	fmt.Printf("prime server on %v, MODE=%s\n", a, mode)
	if *demo {
		var shutdown *uv.Async
		shutdown, err = uv.NewAsync(loop, func() {
			stop()
			shutdown.Close(nil)
		})
		check(err)
		go func() {
			runDemo(a)
			check(shutdown.Send())
		}()
	}
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}

// serve listens on addr and answers every connection, testing on the thread pool when pool
// is true. It returns the address it got, and a function (to call on the loop) that closes
// the listener and every connection still open.
func serve(loop *uv.Loop, addr netip.AddrPort, pool bool) (netip.AddrPort, func()) {
	srv, err := uv.NewTCP(loop)
	check(err)
	check(srv.Bind(addr, 0))
	conns := map[*uv.TCP]bool{}
	closeConn := func(c *uv.TCP) {
		if conns[c] {
			delete(conns, c)
			c.Close(nil)
		}
	}
	reply := func(c *uv.TCP, text string) {
		if !conns[c] {
			return // closed while its number was tested
		}
		if _, err := c.Write([][]byte{[]byte(text + "\n")}, nil); err != nil {
			log.Printf("server: write: %v", err)
		}
	}
	check(srv.Listen(128, func(err error) {
		if err != nil {
			log.Printf("server: %v", err)
			return
		}
		c, err := uv.NewTCP(loop)
		check(err)
		check(srv.Accept(c))
		conns[c] = true
		var pending []byte
		check(c.ReadStart(func(data []byte, err error) {
			if err != nil {
				if err != uv.EOF {
					log.Printf("server: read: %v", err)
				}
				closeConn(c)
				return
			}
			pending = append(pending, data...)
			for {
				i := bytes.IndexByte(pending, '\n')
				if i < 0 {
					return
				}
				line := string(pending[:i])
				pending = pending[i+1:]
				if !pool {
					reply(c, answer(line)) // the loop does nothing else meanwhile
					continue
				}
				var text string
				_, err := uv.QueueWork(loop, func() {
					text = answer(line) // on a pool thread
				}, func(err error) {
					if err != nil {
						log.Printf("server: work: %v", err)
						return
					}
					reply(c, text) // back on the loop
				})
				if err != nil {
					log.Printf("server: queue work: %v", err)
				}
			}
		}))
	}))
	a, err := srv.SockName()
	check(err)
	return a, func() {
		srv.Close(nil)
		for c := range conns {
			closeConn(c)
		}
	}
}

// result is one demo client's answer.
type result struct {
	name, answer string
	wait         time.Duration
}

// runDemo runs the demo's clients against the server at a and prints their answers in the
// order they came.
func runDemo(a netip.AddrPort) {
	var wg sync.WaitGroup
	results := make(chan result, 6)
	ask := func(name string, n uint64) {
		defer wg.Done()
		conn, err := net.DialTimeout("tcp", a.String(), 5*time.Second)
		check(err)
		defer conn.Close()
		check(conn.SetDeadline(time.Now().Add(30 * time.Second)))
		start := time.Now()
		_, err = fmt.Fprintf(conn, "%d\n", n)
		check(err)
		line, err := bufio.NewReader(conn).ReadString('\n')
		check(err)
		results <- result{fmt.Sprintf("%s %d", name, n), strings.TrimSpace(line), time.Since(start)}
	}
	wg.Add(1)
	go ask("big", bigPrime)
	time.Sleep(100 * time.Millisecond) // the big one first
	for _, n := range []uint64{7, 10, 13, 91, 97} {
		wg.Add(1)
		go ask("small", n)
	}
	wg.Wait()
	close(results)
	order := []string{}
	for r := range results {
		fmt.Printf("%s: %s after %.1fs\n", r.name, r.answer, r.wait.Round(100*time.Millisecond).Seconds())
		order = append(order, strings.Fields(r.name)[0])
	}
	fmt.Println("order of answers:", strings.Join(order, ", "))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
