// Command tour is a guided tour of the uv package, the program `make demo` runs. Step by step,
// on one loop, it prints what happens: the libuv version in use; a repeating timer; an idle
// handle counting loop iterations; the order of one loop iteration (timers, idle, prepare, the
// poll for I/O, check, close callbacks); an Async sent from other goroutines, several Sends
// coalesced into one callback; Loop.Post from several goroutines; Loop.Walk listing the open
// handles; a panic in a callback re-panicked from Run, recovered, and the loop reused; and
// CloseAll, which closes what is left and the loop. It ends by itself in a fraction of a second.
package main

import (
	"errors"
	"fmt"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	loop, err := uv.NewLoop()
	check(err)

	step("1. libuv version")
	fmt.Printf("libuv %s in use (Version() = %#06x)\n", uv.VersionString(), uv.Version())

	step("2. a timer: fires every 10ms, closed after three ticks")
	timerTicks(loop)

	step("3. an idle handle: runs once per loop iteration")
	idleCount(loop)

	step("4. one loop iteration, in order")
	iterationOrder(loop)

	step("5. Async: woken from other goroutines")
	asyncSend(loop)

	step("6. Loop.Post: functions handed to the loop by several goroutines")
	post(loop)

	step("7. Loop.Walk: the open handles")
	walk(loop)

	step("8. a panic in a callback")
	panicking(loop)

	step("9. CloseAll")
	closeAll(loop)
}

func timerTicks(loop *uv.Loop) {
	const every = 10 * time.Millisecond
	t, err := uv.NewTimer(loop)
	check(err)
	start := loop.Now()
	n := 0
	check(t.Start(every, every, func() {
		n++
		// The loop's clock has reached the due time when a timer fires, never earlier.
		least := time.Duration(n) * every
		if elapsed := time.Duration(loop.Now()-start) * time.Millisecond; elapsed < least {
			log.Fatalf("tick %d after %v, before %v", n, elapsed, least)
		}
		fmt.Printf("tick %d: at least %v after Start\n", n, least)
		if n == 3 {
			check(t.Close(func() { fmt.Println("timer closed: its close callback ran") }))
		}
	}))
	alive := run(loop)
	fmt.Printf("Run returned (alive=%v): no active handle left\n", alive)
}

func idleCount(loop *uv.Loop) {
	const iterations = 1000
	idle, err := uv.NewIdle(loop)
	check(err)
	n := 0
	check(idle.Start(func() {
		n++
		if n == iterations {
			check(idle.Stop())
			check(idle.Close(nil))
		}
	}))
	run(loop)
	fmt.Printf("%d iterations, one idle callback each; the loop never blocked in its poll meanwhile\n", n)
}

func iterationOrder(loop *uv.Loop) {
	timer, err := uv.NewTimer(loop)
	check(err)
	idle, err := uv.NewIdle(loop)
	check(err)
	prep, err := uv.NewPrepare(loop)
	check(err)
	chk, err := uv.NewCheck(loop)
	check(err)

	// Started in the reverse order of the iteration, to show the order is libuv's.
	check(chk.Start(func() {
		fmt.Println("check:   right after the poll; it closes the four handles")
		for _, h := range []uv.Handle{timer, idle, prep, chk} {
			name := h.TypeName()
			check(h.Close(func() { fmt.Printf("close:   %s\n", name) }))
		}
	}))
	check(prep.Start(func() {
		fmt.Println("prepare: right before the poll for I/O")
		fmt.Println("         ... poll for I/O (zero timeout: an idle handle is active) ...")
	}))
	check(idle.Start(func() { fmt.Println("idle:    once per iteration, before prepare") }))
	check(timer.Start(0, 0, func() { fmt.Println("timer:   due timers run first") }))
	run(loop)
	fmt.Println("close callbacks run last in the iteration, the handle closed last first")
}

func asyncSend(loop *uv.Loop) {
	var sends atomic.Int64 // counted before each Send
	seen, calls := int64(0), 0
	var a *uv.Async
	a, err := uv.NewAsync(loop, func() {
		calls++
		total := sends.Load()
		fmt.Printf("async callback %d: for %d Send call(s)\n", calls, total-seen)
		seen = total
		if calls == 1 {
			// A second round, sent while the loop runs.
			go func() {
				sends.Add(1)
				check(a.Send())
			}()
			return
		}
		check(a.Close(nil))
	})
	check(err)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 5 {
			sends.Add(1)
			check(a.Send())
		}
	}()
	wg.Wait()
	fmt.Println("a goroutine called Send 5 times before Run: libuv coalesces them")
	run(loop)
}

func post(loop *uv.Loop) {
	const goroutines, each = 4, 3

	// An Async without callback keeps Run going until the posted functions have run: Post's
	// own wake-up handle is unreferenced.
	keepalive, err := uv.NewAsync(loop, nil)
	check(err)

	ran, next, inOrder := 0, make([]int, goroutines), true
	posted := func(g, i int) func() {
		return func() {
			ran++
			inOrder = inOrder && next[g] == i
			next[g]++
			if ran == goroutines*each {
				fmt.Printf("%d functions from %d goroutines ran on the loop; each goroutine's in order: %v\n",
					ran, goroutines, inOrder)
				check(keepalive.Close(nil))
			}
		}
	}

	// The goroutines start from a callback, so that they run while the loop runs.
	start, err := uv.NewTimer(loop)
	check(err)
	check(start.Start(0, 0, func() {
		check(start.Close(nil))
		for g := range goroutines {
			go func() {
				if g == 0 {
					// A loop-bound call from another goroutine while the loop runs is refused
					// (built with the tag uvdebug, it panics instead).
					err := keepalive.Close(nil)
					fmt.Printf("goroutine 0: keepalive.Close directly: ErrWrongThread=%v; Post hands work over instead\n",
						errors.Is(err, uv.ErrWrongThread))
				}
				for i := range each {
					check(loop.Post(posted(g, i)))
				}
			}()
		}
	}))
	run(loop)
}

func walk(loop *uv.Loop) {
	// Handles that stay open until CloseAll, none of them keeping the loop alive.
	gc, err := uv.NewTimer(loop)
	check(err)
	check(gc.Start(time.Hour, time.Hour, func() {}))
	check(gc.Unref())
	_, err = uv.NewIdle(loop) // never started
	check(err)
	chk, err := uv.NewCheck(loop)
	check(err)
	check(chk.Start(func() {}))
	check(chk.Unref())
	wake, err := uv.NewAsync(loop, func() {})
	check(err)
	check(wake.Unref())

	check(loop.Walk(func(h uv.Handle) {
		fmt.Printf("%-6s active=%-5v referenced=%v\n", h.TypeName(), h.IsActive(), h.HasRef())
	}))
	fmt.Printf("Loop.Alive: %v (the binding's own handle for Post is not listed)\n", loop.Alive())
}

func panicking(loop *uv.Loop) {
	boom, err := uv.NewTimer(loop)
	check(err)
	check(boom.Start(0, 0, func() { panic("boom") }))
	fmt.Printf("Run re-panicked with %q; the program recovered it\n", runRecovering(loop))

	check(boom.Start(0, 0, func() { fmt.Println("the same timer fires again on the same loop") }))
	run(loop)
}

// runRecovering runs the loop and returns the value of a panic re-panicked by Run.
func runRecovering(loop *uv.Loop) (v any) {
	defer func() { v = recover() }()
	run(loop)
	return nil
}

func closeAll(loop *uv.Loop) {
	n := 0
	check(loop.Walk(func(uv.Handle) { n++ }))
	check(loop.CloseAll())
	fmt.Printf("CloseAll closed %d handles, ran their close callbacks and closed the loop\n", n)
	err := loop.Post(func() {})
	fmt.Printf("Post after CloseAll: ErrClosed=%v\n", errors.Is(err, uv.ErrClosed))
}

func step(title string) { fmt.Printf("\n== %s\n", title) }

func run(loop *uv.Loop) bool {
	alive, err := loop.Run(uv.RunDefault)
	check(err)
	return alive
}

func check(err error) {
	if err != nil {
		log.Panic(err)
	}
}
