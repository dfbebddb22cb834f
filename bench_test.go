package uv

// Benchmarks of the binding's hot paths, each with a C twin in testdata/cbench/ built against
// the same libuv; `make bench` runs both and prints the comparison (BENCHMARKS.md). No
// benchmark asserts a duration. Each one closes its handles and its loop: newTestLoop's leak
// check runs when the benchmark function returns.

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// BenchmarkLoopCount: an idle handle counts loop iterations until b.N, then stops; one op is
// one loop iteration with one idle callback. The idea of libuv's loop_count benchmark; C twin:
// testdata/cbench/loop_count.c. The timed part is uv_run alone, so allocs/op is the steady
// state of the idle trampoline (target: 0).
func BenchmarkLoopCount(b *testing.B) {
	b.ReportAllocs()
	l := newTestLoop(b)
	idle, err := NewIdle(l)
	must(b, err)
	n, ticks := b.N, 0
	must(b, idle.Start(func() {
		ticks++
		if ticks == n {
			idle.Stop()
		}
	}))
	b.ResetTimer()
	run(b, l, RunDefault)
	b.StopTimer()
	if ticks != n {
		b.Fatalf("%d ticks, want %d", ticks, n)
	}
	must(b, idle.Close(nil))
	run(b, l, RunDefault)
}

// BenchmarkTimers: timers are created and started with staggered timeouts (1 ms more every
// 1000 timers, as in libuv's million_timers benchmark), fired, then closed.
//
//   - Timers/N: one round of b.N timers; one op is one timer's whole life.
//   - Timers/1M: b.N rounds of exactly 1,000,000 timers, for the C twin
//     (testdata/cbench/million_timers.c); read its ns/timer, not its ns/op.
//   - Timers/OneshotN and Timers/Oneshot1M: the same with TimerStartOneshot (no Go object per timer, closed in C
//     when it fires), against the twin's oneshot mode (a calloc per timer, closed and freed
//     in its callback). There is no close phase: the closes run in the fire phase.
//
// The 1M forms run one untimed round first, as the twin does, so that both measure a process
// whose memory has been used once.
//
// Both report the phases per timer: init-ns/timer (NewTimer + Start), fire-ns/timer (the run
// that fires them all) and close-ns/timer (Close + the run of the close callbacks), and
// fire-allocs/timer, the allocations of the timer trampoline's steady state (target: 0).
//
// Unlike libuv's benchmark, the wait for the last timeout (about n/1000 ms) is not timed: after
// the init phase the benchmark sleeps until every timer is due, with the timer stopped, so the
// fire phase runs all callbacks in heap order without waiting. The C twin does the same.
func BenchmarkTimers(b *testing.B) {
	b.Run("N", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		ts := make([]*Timer, b.N)
		var ph timerPhases
		b.ResetTimer()
		benchTimerRound(b, l, ts, &ph)
		b.StopTimer()
		ph.report(b, b.N)
	})
	b.Run("OneshotN", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		var ph timerPhases
		b.ResetTimer()
		benchOneshotRound(b, l, b.N, &ph)
		b.StopTimer()
		ph.report(b, b.N)
	})
	b.Run("1M", func(b *testing.B) {
		ts := make([]*Timer, 1_000_000)
		benchTimers1M(b, len(ts), func(l *Loop, ph *timerPhases) { benchTimerRound(b, l, ts, ph) })
	})
	b.Run("Oneshot1M", func(b *testing.B) {
		benchTimers1M(b, 1_000_000, func(l *Loop, ph *timerPhases) { benchOneshotRound(b, l, 1_000_000, ph) })
	})
}

// benchTimers1M runs b.N rounds of n timers on one loop, after an untimed round, and reports
// the phases per timer.
func benchTimers1M(b *testing.B, n int, round func(*Loop, *timerPhases)) {
	b.ReportAllocs()
	l := newTestLoop(b)
	var warm, ph timerPhases
	round(l, &warm)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		round(l, &ph)
	}
	b.StopTimer()
	ph.report(b, b.N*n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/timer")
	b.ReportMetric(float64(ph.allocs)/float64(b.N*n), "allocs/timer")
}

// timerPhases accumulates the phases of benchTimerRound.
type timerPhases struct {
	init, fire, close time.Duration
	fireAllocs        uint64 // mallocs during the fire phase
	allocs            uint64 // mallocs during the timed phases
}

func (ph *timerPhases) report(b *testing.B, timers int) {
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(timers) }
	b.ReportMetric(per(ph.init), "init-ns/timer")
	b.ReportMetric(per(ph.fire), "fire-ns/timer")
	b.ReportMetric(per(ph.close), "close-ns/timer")
	b.ReportMetric(float64(ph.fireAllocs)/float64(timers), "fire-allocs/timer")
}

// benchTimerRound creates, starts, fires and closes len(ts) timers on l, with the benchmark's
// timer running except for the sleep until the last timeout and the reading of the allocation
// counters.
func benchTimerRound(b *testing.B, l *Loop, ts []*Timer, ph *timerPhases) {
	closed := 0
	onClose := func() { closed++ }
	benchTimerPhases(b, l, len(ts), ph, func(i int, timeout time.Duration, cb func()) (err error) {
		ts[i], err = StartTimer(l, timeout, 0, cb) // uv_timer_init and uv_timer_start, as the twin
		return err
	}, func() {
		for i, t := range ts {
			if err := t.Close(onClose); err != nil {
				b.Fatal(err)
			}
			ts[i] = nil
		}
		if _, err := l.Run(RunDefault); err != nil {
			b.Fatal(err)
		}
		if closed != len(ts) {
			b.Fatalf("%d timers closed, want %d", closed, len(ts))
		}
	})
}

// benchOneshotRound is benchTimerRound with n one-shot timers (TimerStartOneshot): they close
// themselves in the fire phase, and the close phase is empty.
func benchOneshotRound(b *testing.B, l *Loop, n int, ph *timerPhases) {
	benchTimerPhases(b, l, n, ph, func(_ int, timeout time.Duration, cb func()) error {
		return TimerStartOneshot(l, timeout, cb)
	}, func() {})
}

// benchTimerPhases times the phases of a round of n timers on l: start(i, timeout, cb) creates
// and starts the i-th, whose callback is cb, the run fires them all, and closeAll closes them.
// The phases are timed with Hrtime at the C twin's points: they are also the marks between
// which testdata/cbench/callgrind.sh counts instructions.
func benchTimerPhases(b *testing.B, l *Loop, n int, ph *timerPhases, start func(i int, timeout time.Duration, cb func()) error, closeAll func()) {
	fired := 0
	onTimer := func() { fired++ }
	m0 := benchMallocs(b)

	t0 := Hrtime()
	var timeout time.Duration
	for i := 0; i < n; i++ {
		if i%1000 == 0 {
			timeout += time.Millisecond
		}
		if err := start(i, timeout, onTimer); err != nil {
			b.Fatal(err)
		}
	}
	t1 := Hrtime()
	ph.init += time.Duration(t1 - t0)

	// Every due time is at most the loop's cached time, older than t0, plus timeout; 10 ms more
	// covers the coarse clock libuv reads.
	b.StopTimer()
	time.Sleep(timeout + 10*time.Millisecond - time.Duration(t1-t0))
	b.StartTimer()
	m1 := benchMallocs(b)

	t2 := Hrtime()
	if _, err := l.Run(RunDefault); err != nil {
		b.Fatal(err)
	}
	t3 := Hrtime()
	ph.fire += time.Duration(t3 - t2)
	m2 := benchMallocs(b)
	if fired != n {
		b.Fatalf("%d timers fired, want %d", fired, n)
	}

	t4 := Hrtime()
	closeAll()
	t5 := Hrtime()
	ph.close += time.Duration(t5 - t4)
	m3 := benchMallocs(b)
	ph.fireAllocs += m2 - m1
	ph.allocs += m3 - m0
}

// benchMallocs returns the count of heap allocations, with b's timer stopped while it reads.
func benchMallocs(b *testing.B) uint64 {
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.StartTimer()
	return ms.Mallocs
}

// BenchmarkAsyncSend: one goroutine calls Send b.N times while the loop runs; the loop counts
// the deliveries (libuv coalesces the sends that arrive before the callback runs). One op is
// one Send. The idea of libuv's async_pummel benchmark with one sender; C twin:
// testdata/cbench/async_send.c. Reports sends/s and sends/delivery.
func BenchmarkAsyncSend(b *testing.B) {
	b.ReportAllocs()
	l := newTestLoop(b)
	var done atomic.Bool
	var a *Async
	delivered := 0
	a, err := NewAsync(l, func() {
		delivered++
		if done.Load() {
			a.Close(nil) // waits for a Send in progress; later ones answer ErrClosed
		}
	})
	must(b, err)
	n := b.N
	b.ResetTimer()
	go func() {
		for i := 0; i < n; i++ {
			if err := a.Send(); err != nil {
				b.Error(err)
				break
			}
		}
		// done is stored (sequentially consistent) before the last Send reads libuv's pending
		// flag, so the callback that consumes that flag sees it.
		done.Store(true)
		a.Send()
	}()
	run(b, l, RunDefault)
	b.StopTimer()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sends/s")
	b.ReportMetric(float64(n)/float64(delivered), "sends/delivery")
}

// BenchmarkPost: one goroutine calls Loop.Post b.N times while the loop runs; the functions run
// on the loop. One op is one Post and the run of its function. No C twin: Post is the binding's
// own (a mutex-guarded queue drained by an async handle). Reports posts/s.
func BenchmarkPost(b *testing.B) {
	b.ReportAllocs()
	l := newTestLoop(b)
	keep, err := NewAsync(l, nil) // referenced: keeps Run going until the last function
	must(b, err)
	n, ran := b.N, 0
	fn := func() {
		ran++
		if ran == n {
			keep.Close(nil)
		}
	}
	b.ResetTimer()
	go func() {
		for i := 0; i < n; i++ {
			if err := l.Post(fn); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	run(b, l, RunDefault)
	b.StopTimer()
	if ran != n {
		b.Fatalf("%d functions ran, want %d", ran, n)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkCallbackParts measures, alone, the pieces a trampoline and a constructor are made of,
// for "Where the time goes" in BENCHMARKS.md. Go only, no C twin.
//
//   - CgoCall: one Go-to-C call of a function that does nothing (uv_version).
//   - WalkCallback: one C-to-Go callback, measured through Loop.Walk over 1000 handles (one
//     op is one uvgWalkCb: the cgo callback, restoreToken, the recover defer, a closure call;
//     the cgo call of uv_walk is shared by 1000 ops).
//   - RecoverDefer: a closure called under `defer l.recoverCallback()`, as the trampolines do,
//     minus the same call without it (the reported figure is the call with the defer).
//   - Token*: the binding's token table (cgo_callbacks.go: slots in fixed pages, lock-free
//     reads, a mutex and a free list for writes).
//   - TokenRestore1M: restores from a table of 1,000,000 tokens, in the order they were saved
//     (the order in which Timers fires them).
//   - AsyncSendAlone: Async.Send with no loop running and no other goroutine, so libuv's
//     pending flag stays set: the cgo call, libuv's coalesced fast path and the binding's guard
//     against a concurrent Close, without the cache traffic of BenchmarkAsyncSend. C twin:
//     async_send.c's "alone" mode.
func BenchmarkCallbackParts(b *testing.B) {
	b.Run("CgoCall", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			Version()
		}
	})
	b.Run("WalkCallback", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		const k = 1000
		for i := 0; i < k; i++ {
			_, err := NewIdle(l)
			must(b, err)
		}
		seen := 0
		fn := func(Handle) { seen++ }
		b.ResetTimer()
		for i := 0; i < b.N; i += k {
			must(b, l.Walk(fn))
		}
		b.StopTimer()
		if seen < b.N {
			b.Fatalf("%d callbacks, want %d or more", seen, b.N)
		}
		must(b, l.CloseAll())
	})
	b.Run("RecoverDefer", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b) // recoverCallback may look at the loop (a zero Loop has no C loop)
		n := 0
		fn := func() { n++ }
		for i := 0; i < b.N; i++ {
			benchCallDeferred(l, fn)
		}
	})
	b.Run("PlainCall", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		fn := func() { n++ }
		for i := 0; i < b.N; i++ {
			benchCallPlain(fn)
		}
	})
	b.Run("TokenSaveRelease", func(b *testing.B) {
		b.ReportAllocs()
		v := &Timer{}
		for i := 0; i < b.N; i++ {
			releaseToken(saveToken(v))
		}
	})
	b.Run("TokenRestore", func(b *testing.B) {
		b.ReportAllocs()
		tok := saveToken(&Timer{})
		defer releaseToken(tok)
		for i := 0; i < b.N; i++ {
			if restoreToken(tok).(*Timer) == nil {
				b.Fatal("nil")
			}
		}
	})
	const big = 1_000_000
	b.Run("TokenRestore1M", func(b *testing.B) {
		b.ReportAllocs()
		toks := make([]unsafe.Pointer, big)
		for i := range toks {
			toks[i] = saveToken(&Timer{})
		}
		b.ResetTimer()
		for i, j := 0, 0; i < b.N; i++ {
			if restoreToken(toks[j]).(*Timer) == nil {
				b.Fatal("nil")
			}
			if j++; j == big {
				j = 0
			}
		}
		b.StopTimer()
		for _, t := range toks {
			releaseToken(t)
		}
	})
	b.Run("AsyncSendAlone", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		a, err := NewAsync(l, func() {})
		must(b, err)
		b.ResetTimer()
		Hrtime() // the marks of testdata/cbench/callgrind.sh, as in async_send.c's "alone" mode
		for i := 0; i < b.N; i++ {
			if err := a.Send(); err != nil {
				b.Fatal(err)
			}
		}
		Hrtime()
		b.StopTimer()
		must(b, a.Close(nil))
		run(b, l, RunDefault)
	})
}

//go:noinline
func benchCallDeferred(l *Loop, fn func()) {
	defer l.recoverCallback()
	fn()
}

//go:noinline
func benchCallPlain(fn func()) { fn() }
