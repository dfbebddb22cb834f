package uv

// Benchmarks of the process section (Spawn), with their C twin in testdata/cbench/spawn.c;
// `BENCH_SUITES=process make bench` runs both.

import (
	"runtime"
	"syscall"
	"testing"
)

// BenchmarkSpawn: one child at a time, /bin/true with no stdio, the next spawned from the
// previous one's exit callback. One op is one child's whole life: Spawn (fork, exec, libuv's
// wait for the exec), the child's run, SIGCHLD, the exit callback, Close and its callback.
//
//   - true: with the test binary's small heap.
//   - heap1GiB: with 1 GiB of live Go heap, every page touched. libuv forks: the kernel copies
//     the page tables of everything mapped, so the cost grows with the heap (the C twin maps
//     and touches the same amount with malloc).
func BenchmarkSpawn(b *testing.B) {
	b.Run("true", func(b *testing.B) { benchSpawn(b) })
	b.Run("heap1GiB", func(b *testing.B) {
		heap := benchHeap(1 << 30)
		benchSpawn(b)
		runtime.KeepAlive(heap)
	})
}

// benchHeap allocates n bytes of Go heap in 1 MiB chunks and writes to every page.
func benchHeap(n int) [][]byte {
	chunks := make([][]byte, 0, n>>20)
	for len(chunks) < n>>20 {
		c := make([]byte, 1<<20)
		for i := 0; i < len(c); i += 4096 {
			c[i] = 1
		}
		chunks = append(chunks, c)
	}
	return chunks
}

func benchSpawn(b *testing.B) {
	b.ReportAllocs()
	l := newTestLoop(b)
	opts := &ProcessOptions{File: "/bin/true", Args: []string{"/bin/true"}}
	started, exited := 0, 0
	var exit func(p *Process, status int64, sig syscall.Signal)
	spawn := func() {
		started++
		if _, err := Spawn(l, opts, exit); err != nil {
			b.Fatal(err)
		}
	}
	exit = func(p *Process, status int64, sig syscall.Signal) {
		if status != 0 || sig != 0 {
			b.Errorf("exit status %d, signal %d", status, sig)
		}
		exited++
		p.Close(nil)
		if started < b.N {
			spawn()
		}
	}
	b.ResetTimer()
	spawn()
	run(b, l, RunDefault)
	b.StopTimer()
	if exited != b.N {
		b.Fatalf("%d exits, want %d", exited, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "spawns/s")
}
