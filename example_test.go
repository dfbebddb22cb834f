package uv_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"sync"
	"syscall"
	"time"

	"github.com/go-libuv/uv"
)

// A loop with nothing to do returns from Run at once; Close releases it.
func ExampleNewLoop() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	alive, err := loop.Run(uv.RunDefault)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("alive:", alive)
	fmt.Println("Close:", loop.Close())
	// Output:
	// alive: false
	// Close: <nil>
}

// The run modes: RunOnce and RunNoWait return after one iteration, RunDefault once no active
// and referenced handle is left. An active idle handle keeps every iteration from blocking.
func ExampleLoop_Run() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	idle, err := uv.NewIdle(loop)
	if err != nil {
		log.Fatal(err)
	}
	calls := 0
	err = idle.Start(func() {
		calls++
		if calls == 5 {
			if err := idle.Close(nil); err != nil {
				log.Fatal(err)
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, run := range []struct {
		name string
		mode uv.RunMode
	}{{"RunOnce", uv.RunOnce}, {"RunNoWait", uv.RunNoWait}, {"RunDefault", uv.RunDefault}} {
		alive, err := loop.Run(run.mode)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-10s -> %d idle calls, alive=%v\n", run.name, calls, alive)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// RunOnce    -> 1 idle calls, alive=true
	// RunNoWait  -> 2 idle calls, alive=true
	// RunDefault -> 5 idle calls, alive=false
}

// A panic in a callback stops the loop and is re-panicked from Run, where the program may
// recover it; the loop and its handles remain usable.
func ExampleLoop_Run_panic() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	timer, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := timer.Start(0, 0, func() { panic("boom") }); err != nil {
		log.Fatal(err)
	}
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		loop.Run(uv.RunDefault)
	}()

	if err := timer.Start(0, 0, func() { fmt.Println("the timer fires again") }); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.CloseAll(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// recovered: boom
	// the timer fires again
}

// Stop makes Run return at the end of the current iteration, although handles are still
// active: the prepare callback of that iteration still runs.
func ExampleLoop_Stop() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	idle, err := uv.NewIdle(loop)
	if err != nil {
		log.Fatal(err)
	}
	prep, err := uv.NewPrepare(loop)
	if err != nil {
		log.Fatal(err)
	}
	calls := 0
	err = idle.Start(func() {
		calls++
		fmt.Println("idle", calls)
		if calls == 2 {
			if err := loop.Stop(); err != nil {
				log.Fatal(err)
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := prep.Start(func() { fmt.Println("prepare") }); err != nil {
		log.Fatal(err)
	}
	alive, err := loop.Run(uv.RunDefault)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("alive:", alive)
	if err := loop.CloseAll(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// idle 1
	// prepare
	// idle 2
	// prepare
	// alive: true
}

// A repeating timer, closed from its own callback after three ticks. The close callback runs
// once libuv has finished with the handle.
func ExampleTimer_Start() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	timer, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	start := loop.Now()
	ticks := 0
	err = timer.Start(time.Millisecond, time.Millisecond, func() {
		ticks++
		fmt.Println("tick", ticks)
		if ticks == 3 {
			err := timer.Close(func() {
				// A timer never fires before the loop's clock reaches its due time.
				fmt.Println("closed; at least 3ms elapsed:", loop.Now()-start >= 3)
			})
			if err != nil {
				log.Fatal(err)
			}
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
	// Output:
	// tick 1
	// tick 2
	// tick 3
	// closed; at least 3ms elapsed: true
}

// Again restarts a repeating timer with its repeat interval: here a watchdog that each
// heartbeat pushes back, so that it fires only once the heartbeats stop.
func ExampleTimer_Again() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	watchdog, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	heartbeat, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Again before Start:", watchdog.Again())

	err = watchdog.Start(30*time.Millisecond, 30*time.Millisecond, func() {
		fmt.Println("watchdog fired")
		if err := watchdog.Close(nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	beats := 0
	err = heartbeat.Start(10*time.Millisecond, 10*time.Millisecond, func() {
		beats++
		if err := watchdog.Again(); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("heartbeat %d: watchdog due in %v\n", beats, watchdog.DueIn())
		if beats == 3 {
			if err := heartbeat.Close(nil); err != nil {
				log.Fatal(err)
			}
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
	// Output:
	// Again before Start: invalid argument
	// heartbeat 1: watchdog due in 30ms
	// heartbeat 2: watchdog due in 30ms
	// heartbeat 3: watchdog due in 30ms
	// watchdog fired
}

// An unreferenced handle does not keep the loop alive: Run returns when the job is done,
// although the repeating "collector" timer is still active.
func ExampleHandle_Unref() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	collector, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := collector.Start(0, 5*time.Millisecond, func() {}); err != nil {
		log.Fatal(err)
	}
	if err := collector.Unref(); err != nil {
		log.Fatal(err)
	}
	job, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := job.Start(20*time.Millisecond, 0, func() { fmt.Println("job done") }); err != nil {
		log.Fatal(err)
	}
	alive, err := loop.Run(uv.RunDefault)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("alive=%v; collector: active=%v referenced=%v\n", alive, collector.IsActive(), collector.HasRef())
	if err := loop.CloseAll(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// job done
	// alive=false; collector: active=true referenced=false
}

// An idle callback runs once per loop iteration; a stopped idle handle no longer keeps the
// loop alive, but stays open until Close.
func ExampleIdle() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	idle, err := uv.NewIdle(loop)
	if err != nil {
		log.Fatal(err)
	}
	iterations := 0
	err = idle.Start(func() {
		iterations++
		if iterations == 1000 {
			if err := idle.Stop(); err != nil {
				log.Fatal(err)
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("iterations:", iterations)
	fmt.Println("Close before the handle is closed:", loop.Close())
	if err := idle.Close(nil); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil { // runs the close callback
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// iterations: 1000
	// Close before the handle is closed: resource busy or locked
	// Close: <nil>
}

// Each iteration runs idle callbacks, then prepare callbacks, then polls for I/O, then runs
// check callbacks.
func ExamplePrepare() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	prep, err := uv.NewPrepare(loop)
	if err != nil {
		log.Fatal(err)
	}
	check, err := uv.NewCheck(loop)
	if err != nil {
		log.Fatal(err)
	}
	idle, err := uv.NewIdle(loop) // keeps the poll from blocking
	if err != nil {
		log.Fatal(err)
	}
	iteration := 0
	if err := check.Start(func() {
		fmt.Println("check")
		if iteration == 2 {
			for _, h := range []uv.Handle{prep, check, idle} {
				if err := h.Close(nil); err != nil {
					log.Fatal(err)
				}
			}
		}
	}); err != nil {
		log.Fatal(err)
	}
	if err := prep.Start(func() { fmt.Println("prepare") }); err != nil {
		log.Fatal(err)
	}
	if err := idle.Start(func() { iteration++; fmt.Println("idle", iteration) }); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// idle 1
	// prepare
	// check
	// idle 2
	// prepare
	// check
}

// Check callbacks run right after the poll for I/O, in which the callbacks of I/O handles (here
// an Async sent before Run) run; prepare callbacks run right before it.
func ExampleCheck() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	prep, err := uv.NewPrepare(loop)
	if err != nil {
		log.Fatal(err)
	}
	check, err := uv.NewCheck(loop)
	if err != nil {
		log.Fatal(err)
	}
	async, err := uv.NewAsync(loop, func() { fmt.Println("async, during the poll") })
	if err != nil {
		log.Fatal(err)
	}
	if err := prep.Start(func() { fmt.Println("prepare") }); err != nil {
		log.Fatal(err)
	}
	if err := check.Start(func() {
		fmt.Println("check")
		for _, h := range []uv.Handle{prep, check, async} {
			if err := h.Close(nil); err != nil {
				log.Fatal(err)
			}
		}
	}); err != nil {
		log.Fatal(err)
	}
	if err := async.Send(); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// prepare
	// async, during the poll
	// check
}

// Send may be called from any goroutine. libuv coalesces: Sends made before the callback runs
// give one call.
func ExampleAsync_Send() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	calls := 0
	var async *uv.Async
	async, err = uv.NewAsync(loop, func() {
		calls++
		if err := async.Close(nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 3 {
			if err := async.Send(); err != nil {
				log.Fatal(err)
			}
		}
	}()
	wg.Wait()

	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("callbacks for 3 Sends:", calls)
	fmt.Println("Send after Close:", async.Send())
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// callbacks for 3 Sends: 1
	// Send after Close: uv: use of closed handle or loop
}

// Goroutines hand results to the loop with Post; the functions run on the loop, where no lock
// is needed. Post's own wake-up handle does not keep the loop alive, so an Async without
// callback does until the last result has arrived.
func ExampleLoop_Post() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	pending, err := uv.NewAsync(loop, nil)
	if err != nil {
		log.Fatal(err)
	}

	sum, results := 0, 0
	var wg sync.WaitGroup
	for g := 1; g <= 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			square := g * g // the goroutine's work
			err := loop.Post(func() {
				sum += square
				results++
			})
			if err != nil {
				log.Fatal(err)
			}
		}()
	}
	go func() {
		wg.Wait()
		// Posted once every other Post has returned, so it runs last.
		err := loop.Post(func() {
			if err := pending.Close(nil); err != nil {
				log.Fatal(err)
			}
		})
		if err != nil {
			log.Fatal(err)
		}
	}()

	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d results, sum of squares %d\n", results, sum)
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 4 results, sum of squares 30
}

// Walk visits every open handle in the order of creation, closing ones included.
func ExampleLoop_Walk() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	timer, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := timer.Start(time.Hour, 0, func() {}); err != nil {
		log.Fatal(err)
	}
	if err := timer.Unref(); err != nil {
		log.Fatal(err)
	}
	if _, err := uv.NewIdle(loop); err != nil {
		log.Fatal(err)
	}
	check, err := uv.NewCheck(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := check.Close(nil); err != nil {
		log.Fatal(err)
	}

	err = loop.Walk(func(h uv.Handle) {
		fmt.Printf("%-5s active=%-5v referenced=%-5v closing=%v\n",
			h.TypeName(), h.IsActive(), h.HasRef(), h.IsClosing())
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := loop.CloseAll(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// timer active=true  referenced=false closing=false
	// idle  active=false referenced=true  closing=false
	// check active=false referenced=true  closing=true
}

// CloseAll closes every handle, active or not, runs the loop until their close callbacks have
// run, and closes the loop. A closed loop refuses Post.
func ExampleLoop_CloseAll() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	timer, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := timer.Start(time.Hour, time.Hour, func() {}); err != nil {
		log.Fatal(err)
	}
	idle, err := uv.NewIdle(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := idle.Start(func() {}); err != nil {
		log.Fatal(err)
	}
	if _, err := uv.NewAsync(loop, func() {}); err != nil {
		log.Fatal(err)
	}

	fmt.Println("Close:", loop.Close())
	fmt.Println("CloseAll:", loop.CloseAll())
	fmt.Println("timer:", timer.Stop())
	fmt.Println("Post:", loop.Post(func() {}))
	// Output:
	// Close: resource busy or locked
	// CloseAll: <nil>
	// timer: uv: use of closed handle or loop
	// Post: uv: use of closed handle or loop
}

// An Errno is libuv's error code. It matches the syscall.Errno of the same meaning, io.EOF, and
// the io/fs errors with errors.Is.
func ExampleErrno() {
	fmt.Println(uv.ECONNREFUSED.Name()+":", uv.ECONNREFUSED)
	fmt.Println(errors.Is(uv.ECONNREFUSED, syscall.ECONNREFUSED))
	fmt.Println(errors.Is(uv.EOF, io.EOF))
	fmt.Println(errors.Is(uv.ENOENT, fs.ErrNotExist))

	// An error from libuv: Again on a timer that was never started.
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	timer, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	err = timer.Again()
	var errno uv.Errno
	if errors.As(err, &errno) {
		fmt.Println(errno.Name(), errors.Is(err, syscall.EINVAL))
	}
	if err := loop.CloseAll(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ECONNREFUSED: connection refused
	// true
	// true
	// true
	// EINVAL true
}

// VersionString and Version report the libuv linked at run time.
func ExampleVersion() {
	fmt.Println(uv.Version() >= 0x012c00) // 1.44.0, the oldest libuv supported
	fmt.Println(uv.VersionString() != "")
	// Output:
	// true
	// true
}
