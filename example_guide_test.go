package uv_test

// Examples of the patterns of libuv's guide that have no program of their own under examples/:
// handing goroutine work to the loop, a chain of asynchronous file operations, and the loop's
// cached time.

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-libuv/uv"
)

// Worker goroutines hand their results to the loop. A Hold, taken before Run for each piece of
// work, keeps Run going until its goroutine posts the result: Hold.Post queues the function and
// releases the hold in one step, so Run returns once the last result has been applied, and no
// lock is needed around the results.
func ExampleLoop_Hold_worker() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	texts := []string{"the quick brown fox", "jumps over", "the lazy dog"}
	words := make([]int, len(texts))
	for i, text := range texts {
		hold, err := loop.Hold()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			n := len(strings.Fields(text))                             // the work, off the loop
			if err := hold.Post(func() { words[i] = n }); err != nil { // on the loop
				log.Fatal(err)
			}
		}()
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	for i, text := range texts {
		fmt.Printf("%q: %d words\n", text, words[i])
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// "the quick brown fox": 4 words
	// "jumps over": 2 words
	// "the lazy dog": 3 words
	// Close: <nil>
}

// An asynchronous chain, as in the guide's uvcat: each step starts the next from its callback.
// The file is opened, read, its upper-case copy written after the text, and closed; every
// callback runs on the loop, and the buffers are pinned until their request's callback.
func ExampleFSOpen_chain() {
	dir, err := os.MkdirTemp("", "uv-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "chain.txt")
	if err := os.WriteFile(path, []byte("hello, libuv\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}

	must := func(r *uv.FSReq) {
		if err := r.Err(); err != nil {
			log.Fatal(err)
		}
	}
	buf := make([]byte, 64)
	_, err = uv.FSOpen(loop, path, uv.O_RDWR, 0, func(r *uv.FSReq) {
		must(r)
		fd := int(r.Result())
		fmt.Println("open: a descriptor")
		_, err := uv.FSRead(loop, fd, [][]byte{buf}, 0, func(r *uv.FSReq) {
			must(r)
			n := r.Result()
			fmt.Printf("read: %d bytes\n", n)
			upper := bytes.ToUpper(buf[:n])
			_, err := uv.FSWrite(loop, fd, [][]byte{upper}, n, func(r *uv.FSReq) {
				must(r)
				fmt.Printf("write: %d bytes at offset %d\n", r.Result(), n)
				_, err := uv.FSClose(loop, fd, func(r *uv.FSReq) {
					must(r)
					fmt.Println("close: done")
				})
				if err != nil {
					log.Fatal(err)
				}
			})
			if err != nil {
				log.Fatal(err)
			}
		})
		if err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("the file: %q\n", data)
	// Output:
	// open: a descriptor
	// read: 13 bytes
	// write: 13 bytes at offset 13
	// close: done
	// the file: "hello, libuv\nHELLO, LIBUV\n"
}

// A timer counts from the loop's cached time (uv_now), which libuv updates once per iteration,
// not from the wall clock. After 100ms of work in a callback, a 30ms timer started at once is
// already overdue: it fires in the next iteration. UpdateTime brings the cached time to the
// present first, and a timer started after it waits its full timeout. DueIn reads the cached
// time too, so what it reports here does not depend on the machine's speed.
func ExampleLoop_UpdateTime() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	stale, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	fresh, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	var fired []string
	err = loop.Post(func() {
		time.Sleep(100 * time.Millisecond) // stands for 100ms of work in a callback

		// Counted from the cached time, taken before the work.
		if err := stale.Start(30*time.Millisecond, 0, func() { fired = append(fired, "stale") }); err != nil {
			log.Fatal(err)
		}
		fmt.Println("started without UpdateTime, due in", stale.DueIn())

		if err := loop.UpdateTime(); err != nil {
			log.Fatal(err)
		}
		fmt.Println("after UpdateTime, that timer is due in", stale.DueIn())
		if err := fresh.Start(30*time.Millisecond, 0, func() { fired = append(fired, "fresh") }); err != nil {
			log.Fatal(err)
		}
		fmt.Println("started after UpdateTime, due in", fresh.DueIn())
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("fired in order:", fired)
	fmt.Println("CloseAll:", loop.CloseAll())
	// Output:
	// started without UpdateTime, due in 30ms
	// after UpdateTime, that timer is due in 0s
	// started after UpdateTime, due in 30ms
	// fired in order: [stale fresh]
	// CloseAll: <nil>
}
