package uv

// The peers: what a Go user would pick instead of the binding, measured in the same run as the
// binding's benchmarks (testdata/cbench/peers.rounds) and shown beside them in BENCHMARKS.md
// ("The peers beside C"). Each benchmark does the work of the binding's benchmark it is set
// beside: the same timers, the same file, the same messages over loopback, the same child.

import (
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkPeerTimers: b.N timers with BenchmarkTimers's staggered timeouts (1 ms more every
// 1000), each fired once and then released, three ways:
//
//   - uv: the binding's Timer (NewTimer, Start, the loop's run that fires them, Close).
//   - AfterFunc: time.AfterFunc; the runtime fires each timer on its own goroutine when due,
//     whatever the benchmark is doing; the last callback closes a channel.
//   - NewTimer: time.NewTimer, then a receive from each timer's channel once all are due, then
//     Stop. Since Go 1.23 a channel timer that no goroutine waits on is not put in the
//     runtime's timer heap: the receive runs it.
//
// The runtime's timers fire while the benchmark sleeps until the last timeout, so wall-clock
// phases do not compare. The figures are per timer: cpu-ns/timer, the process's CPU time
// (user + system, every thread: the loop, the runtime's timer goroutines, GC) over the whole
// round, the sleep included (the binding's loop sleeps in epoll_wait meanwhile); and
// init-ns/timer, the wall time of the creating loop.
func BenchmarkPeerTimers(b *testing.B) {
	b.Run("uv", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		ts := make([]*Timer, b.N)
		var ph timerPhases
		c0 := benchCPU()
		b.ResetTimer()
		benchTimerRound(b, l, ts, &ph)
		b.StopTimer()
		benchReportCPU(b, c0, ph.init)
	})
	b.Run("AfterFunc", func(b *testing.B) {
		b.ReportAllocs()
		n := int64(b.N)
		var fired atomic.Int64
		done := make(chan struct{})
		fn := func() {
			if fired.Add(1) == n {
				close(done)
			}
		}
		c0 := benchCPU()
		b.ResetTimer()
		t0 := time.Now()
		var timeout time.Duration
		for i := 0; i < b.N; i++ {
			if i%1000 == 0 {
				timeout += time.Millisecond
			}
			time.AfterFunc(timeout, fn)
		}
		created := time.Since(t0)
		<-done
		b.StopTimer()
		benchReportCPU(b, c0, created)
	})
	b.Run("NewTimer", func(b *testing.B) {
		b.ReportAllocs()
		ts := make([]*time.Timer, b.N)
		c0 := benchCPU()
		b.ResetTimer()
		t0 := time.Now()
		var timeout time.Duration
		for i := range ts {
			if i%1000 == 0 {
				timeout += time.Millisecond
			}
			ts[i] = time.NewTimer(timeout)
		}
		created := time.Since(t0)
		b.StopTimer()
		time.Sleep(timeout + 10*time.Millisecond - created)
		b.StartTimer()
		for _, t := range ts {
			<-t.C
		}
		for i, t := range ts {
			t.Stop()
			ts[i] = nil
		}
		b.StopTimer()
		benchReportCPU(b, c0, created)
	})
}

// benchCPU is the process's CPU time so far (user + system, all threads).
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchReportCPU reports cpu-ns/timer since c0 and init-ns/timer.
func benchReportCPU(b *testing.B, c0, created time.Duration) {
	b.ReportMetric(float64(benchCPU()-c0)/float64(b.N), "cpu-ns/timer")
	b.ReportMetric(float64(created)/float64(b.N), "init-ns/timer")
}

// BenchmarkPeerStat: a stat of BenchmarkFSStat's file (in $TMPDIR) with os.Stat, which returns
// an os.FileInfo (one allocation for it, one for the name), and with syscall.Stat, the system
// call alone into a caller's struct: the floor under both os.Stat and FSStat/sync.
func BenchmarkPeerStat(b *testing.B) {
	b.Run("os.Stat", func(b *testing.B) {
		b.ReportAllocs()
		path := fsBenchFile(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := os.Stat(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("syscall.Stat", func(b *testing.B) {
		b.ReportAllocs()
		path := fsBenchFile(b)
		var st syscall.Stat_t
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := syscall.Stat(path, &st); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchNetServer listens on 127.0.0.1 with Go's net, accepts one connection and serves it on a
// goroutine of its own (net's model: a goroutine per connection); done is closed when serve
// has returned and the connection is closed.
func benchNetServer(b *testing.B, serve func(c net.Conn)) (addr string, done chan struct{}) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(b, err)
	done = make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		ln.Close()
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		serve(c)
	}()
	return ln.Addr().String(), done
}

// BenchmarkPeerPingPong: BenchmarkPingPongs on Go's net: one loopback connection (TCP_NODELAY,
// net's default), the echo server on a goroutine of its own that writes back what it reads, the
// client in the benchmark's goroutine writing "PING" and reading until the 4 bytes are back.
// One op is one round trip.
func BenchmarkPeerPingPong(b *testing.B) {
	b.ReportAllocs()
	addr, done := benchNetServer(b, func(c net.Conn) {
		buf := make([]byte, benchReadBuf)
		for {
			n, err := c.Read(buf)
			if err != nil {
				if err != io.EOF {
					b.Errorf("echo: read: %v", err)
				}
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				b.Errorf("echo: write: %v", err)
				return
			}
		}
	})
	c, err := net.Dial("tcp4", addr)
	must(b, err)
	msg, buf := []byte("PING"), make([]byte, benchReadBuf)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		for got := 0; got < len(msg); {
			n, err := c.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			got += n
		}
	}
	b.StopTimer()
	must(b, c.Close())
	<-done
}

// BenchmarkPeerPump: BenchmarkTCPPump1 on Go's net: the client writes 64 KiB chunks from the
// benchmark's goroutine (each Write returns when the kernel has taken all of it), the server's
// goroutine reads into a 64 KiB buffer and counts. One op is one MiB received by the server;
// the op ends when it has read the last byte. Reports gbit/s and reads/MiB.
func BenchmarkPeerPump(b *testing.B) {
	const chunk = 64 << 10
	b.ReportAllocs()
	b.SetBytes(1 << 20)
	total := int64(b.N) << 20
	var received int64
	reads := 0
	addr, done := benchNetServer(b, func(c net.Conn) {
		buf := make([]byte, benchReadBuf)
		for {
			n, err := c.Read(buf)
			received += int64(n)
			if n > 0 {
				reads++
			}
			if err != nil {
				if err != io.EOF {
					b.Errorf("server: read: %v", err)
				}
				return
			}
		}
	})
	c, err := net.Dial("tcp4", addr)
	must(b, err)
	buf := make([]byte, chunk)
	b.ResetTimer()
	for sent := int64(0); sent < total; {
		n := min(int64(chunk), total-sent)
		if _, err := c.Write(buf[:n]); err != nil {
			b.Fatal(err)
		}
		sent += n
	}
	must(b, c.(*net.TCPConn).CloseWrite())
	<-done
	b.StopTimer()
	must(b, c.Close())
	if received != total {
		b.Fatalf("the server received %d bytes, want %d", received, total)
	}
	b.ReportMetric(float64(total)*8/1e9/b.Elapsed().Seconds(), "gbit/s")
	b.ReportMetric(float64(reads)/float64(b.N), "reads/MiB")
}

// BenchmarkPeerSpawn: BenchmarkSpawn's child (/bin/true, one at a time) started by Go's
// os/exec and os.StartProcess, which clone the process with CLONE_VFORK|CLONE_VM
// (syscall/exec_linux.go): the child shares the parent's memory until it execs, no page table
// is copied. libuv 1.44 forks (src/unix/process.c).
//
//   - exec: exec.Command(...).Run(), what a Go program writes: it opens /dev/null for the
//     child's stdin, stdout and stderr.
//   - StartProcess: os.StartProcess with no files for the child, then Wait: BenchmarkSpawn's
//     ProcessOptions (no stdio).
//   - exec_heap1GiB: exec with 1 GiB of live Go heap, as Spawn/heap1GiB.
func BenchmarkPeerSpawn(b *testing.B) {
	b.Run("exec", benchPeerExec)
	b.Run("StartProcess", func(b *testing.B) {
		b.ReportAllocs()
		attr := &os.ProcAttr{}
		argv := []string{"/bin/true"}
		for i := 0; i < b.N; i++ {
			p, err := os.StartProcess("/bin/true", argv, attr)
			if err != nil {
				b.Fatal(err)
			}
			st, err := p.Wait()
			if err != nil {
				b.Fatal(err)
			}
			if !st.Success() {
				b.Fatalf("exit: %v", st)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "spawns/s")
	})
	b.Run("exec_heap1GiB", func(b *testing.B) {
		heap := benchHeap(1 << 30)
		benchPeerExec(b)
		runtime.KeepAlive(heap)
	})
}

func benchPeerExec(b *testing.B) {
	b.ReportAllocs()
	b.ResetTimer() // not the heap's allocation
	for i := 0; i < b.N; i++ {
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "spawns/s")
}
