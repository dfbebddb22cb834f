// Command idle-compute is the libuv guide's idle-compute program: an idle handle (uv_idle_t)
// does background computation whenever the loop has nothing else to do, while the loop waits
// for the user to type a line on standard input (an asynchronous FSRead, uv_fs_read, on libuv's
// thread pool). Each line read is printed and restarts the computation, as in the guide; at
// end of input nothing is pending and the loop ends.
//
// The idle callback computes pi with the Leibniz series, a batch of terms per call; the guide's
// callback prints a line and stops itself after each call to keep the terminal readable, and
// so does this one. With -demo the program reads a pipe that a goroutine fills with a few
// lines, then closes, so that it ends by itself.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/go-libuv/uv"
)

// pi accumulates the Leibniz series 4 * (1 - 1/3 + 1/5 - ...).
type pi struct {
	terms int
	sum   float64
}

func (p *pi) crunch(n int) {
	for i := 0; i < n; i++ {
		d := float64(2*p.terms + 1)
		if p.terms%2 == 0 {
			p.sum += 4 / d
		} else {
			p.sum -= 4 / d
		}
		p.terms++
	}
}

func main() {
	demo := flag.Bool("demo", false, "read lines from a pipe fed by the program itself, then exit")
	flag.Parse()

	fd := 0 // standard input, as the guide
	if *demo {
		r, w, err := os.Pipe()
		if err != nil {
			log.Fatal(err)
		}
		fd = int(r.Fd())
		go func() { // the "user", typing a line every 30 ms
			for _, line := range []string{"hello", "idle", "compute"} {
				time.Sleep(30 * time.Millisecond)
				fmt.Fprintln(w, line)
			}
			w.Close()
		}()
		defer r.Close()
	}

	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}
	idler, err := uv.NewIdle(loop)
	if err != nil {
		log.Fatal(err)
	}
	var p pi
	crunchAway := func() {
		p.crunch(1_000_000)
		fmt.Printf("Computing PI... %.10f after %d terms\n", p.sum, p.terms)
		// Just to avoid overwhelming the terminal: stop until the next line.
		if err := idler.Stop(); err != nil {
			log.Fatal(err)
		}
	}

	buf := make([]byte, 1024)
	var onType func(r *uv.FSReq)
	read := func() {
		// buf is pinned and written on the pool until onType runs: it is not touched before.
		if _, err := uv.FSRead(loop, fd, [][]byte{buf}, -1, onType); err != nil {
			log.Fatal(err)
		}
	}
	onType = func(r *uv.FSReq) {
		switch n := r.Result(); {
		case n > 0:
			fmt.Printf("Typed %s\n", strings.TrimRight(string(buf[:n]), "\n"))
			read()
			if err := idler.Start(crunchAway); err != nil {
				log.Fatal(err)
			}
		case n < 0:
			log.Printf("error reading standard input: %v", r.Err())
		default:
			fmt.Println("end of input")
		}
	}

	read()
	if err := idler.Start(crunchAway); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := idler.Close(nil); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}
