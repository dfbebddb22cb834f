package uv

// Benchmarks of the thread pool (QueueWork), each with its C twin in
// testdata/cbench/queue_work.c; `BENCH_SUITES=threadpool make bench` runs both.

import (
	"runtime"
	"testing"
)

// queueWorkInFlight is how many requests the batch benchmark keeps queued at once.
const queueWorkInFlight = 64

// BenchmarkQueueWork: work functions that do nothing, queued on libuv's pool; one op is one
// request's whole life: QueueWork, the work trampoline on a pool thread (a C thread calling Go),
// the after trampoline on the loop.
//
//   - serial: one request in flight, queued again from its after callback (libuv's
//     queue_work benchmark, ping-pong part): the latency of a round trip to the pool.
//   - batch: queueWorkInFlight requests in flight, each after queuing the next one: the
//     throughput of the pool and of the two trampolines.
//   - serial_procs, batch_procs: the same with GOMAXPROCS raised to the pool's size + 2 for
//     the benchmark. A pool thread that has run Go keeps a P while it sleeps in C (see
//     QueueWork); with every P so held the next pool thread waits for the runtime's monitor
//     to take one back, and more Ps than threads calling Go leave some idle.
func BenchmarkQueueWork(b *testing.B) {
	b.Run("serial", func(b *testing.B) { benchQueueWork(b, 1) })
	b.Run("batch", func(b *testing.B) { benchQueueWork(b, queueWorkInFlight) })
	wide := func(b *testing.B, inFlight int) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tpSize() + 2))
		benchQueueWork(b, inFlight)
	}
	b.Run("serial_procs", func(b *testing.B) { wide(b, 1) })
	b.Run("batch_procs", func(b *testing.B) { wide(b, queueWorkInFlight) })
}

func benchQueueWork(b *testing.B, inFlight int) {
	b.ReportAllocs()
	l := newTestLoop(b)
	queued, done := 0, 0
	work := func() {}
	var after func(error)
	queue := func() {
		queued++
		if _, err := QueueWork(l, work, after); err != nil {
			b.Error(err)
		}
	}
	after = func(err error) {
		if err != nil {
			b.Error(err)
		}
		done++
		if queued < b.N {
			queue()
		}
	}
	b.ResetTimer()
	for i := 0; i < inFlight && queued < b.N; i++ {
		queue()
	}
	run(b, l, RunDefault)
	b.StopTimer()
	if done != b.N {
		b.Fatalf("%d requests completed, want %d", done, b.N)
	}
}
