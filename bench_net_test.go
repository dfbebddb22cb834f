package uv

// Network benchmarks, each with a C twin in testdata/cbench/ (ping_pongs.c, tcp_pump.c,
// tcp_write_batch.c) that does the same with libuv alone; testdata/cbench/net.rounds runs them
// side by side. Every connection is TCP on 127.0.0.1. As in libuv's benchmarks, whose servers
// run in another process, the peer runs on a loop of its own, here run by another goroutine
// (so on another thread: uv_run holds its thread for the whole run); both ends go through the
// binding. No benchmark asserts a duration; each one closes what it opened and its loops go
// through the leak check.

import (
	"flag"
	"net/netip"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// benchPeer is the server end of a benchmark: a listener on its own loop, run by another
// goroutine, that accepts one connection and hands it to onConn (on the server's loop). The
// listener closes after that accept; the server's loop ends when onConn's handles are closed.
type benchPeer struct {
	addr netip.AddrPort
	done chan struct{}
}

func benchServer(b *testing.B, onConn func(c *TCP)) *benchPeer {
	b.Helper()
	l := newTestLoop(b)
	srv, err := NewTCP(l)
	must(b, err)
	must(b, srv.Bind(tcpLo4, 0))
	must(b, srv.Listen(1, func(err error) {
		hndCheck(b, err)
		c, err := NewTCP(l)
		hndCheck(b, err)
		hndCheck(b, srv.Accept(c))
		hndCheck(b, c.SetNoDelay(true))
		hndCheck(b, srv.Close(nil))
		onConn(c)
	}))
	p := &benchPeer{done: make(chan struct{})}
	p.addr, err = srv.SockName()
	must(b, err)
	go func() {
		defer close(p.done)
		if _, err := l.Run(RunDefault); err != nil {
			b.Errorf("server: Run: %v", err)
		}
	}()
	return p
}

// benchConnect connects a new handle of l to addr and runs l until connected.
func benchConnect(b *testing.B, l *Loop, addr netip.AddrPort) *TCP {
	b.Helper()
	c, err := NewTCP(l)
	must(b, err)
	must(b, c.SetNoDelay(true))
	connected := false
	_, err = c.Connect(addr, func(err error) { hndCheck(b, err); connected = true })
	must(b, err)
	run(b, l, RunDefault)
	if !connected {
		b.Fatal("not connected")
	}
	return c
}

// benchEcho is the server of BenchmarkPingPongs: it writes back what it reads, from buffers
// it reuses (a write's buffer goes back to the free list in its callback, and libuv completes
// a stream's writes in order), and closes on EOF.
func benchEcho(b *testing.B, c *TCP) {
	var free, inflight [][]byte // inflight[head:] are being written, in order
	head := 0
	one := make([][]byte, 1) // the Write's buffer list, reused (Write does not keep it)
	done := func(err error) {
		if err != nil {
			b.Errorf("echo: write: %v", err)
		}
		free = append(free, inflight[head])
		inflight[head] = nil
		if head++; head == len(inflight) {
			inflight, head = inflight[:0], 0
		}
	}
	hndCheck(b, c.ReadStart(func(data []byte, err error) {
		if err != nil {
			if err != EOF {
				b.Errorf("echo: read: %v", err)
			}
			c.Close(nil)
			return
		}
		var buf []byte
		if n := len(free); n > 0 {
			buf, free = free[n-1], free[:n-1]
		} else {
			buf = make([]byte, benchReadBuf)
		}
		buf = buf[:copy(buf[:cap(buf)], data)]
		inflight = append(inflight, buf)
		one[0] = buf
		if _, err := c.Write(one, done); err != nil {
			b.Errorf("echo: write: %v", err)
		}
	}))
}

// benchBatch is the number of writes of a BenchmarkTCPWriteBatch batch.
var benchBatch = flag.Int("uv.batch", 1_000_000, "writes per batch of BenchmarkTCPWriteBatch")

// benchReadBuf is the size of the loop's read buffer (UVG_READBUF): the most one read
// callback receives.
const benchReadBuf = 64 << 10

// BenchmarkPingPongs: one connection, a 4-byte message bounced between the client (on the
// benchmark's loop) and an echo server (on its own loop and thread). One op is one round trip:
// two writes, two reads and their callbacks, two cross-thread wake-ups. The idea of libuv's
// ping_pongs benchmark; C twin: testdata/cbench/ping_pongs.c. Reports roundtrips/s; allocs/op
// counts both ends (each Write allocates its request; the callbacks allocate nothing).
func BenchmarkPingPongs(b *testing.B) {
	b.ReportAllocs()
	l := newTestLoop(b)
	peer := benchServer(b, func(c *TCP) { benchEcho(b, c) })
	c := benchConnect(b, l, peer.addr)
	msg := []byte("PING")
	bufs := [][]byte{msg}
	n, rts, got := b.N, 0, 0
	wrote := func(err error) {
		if err != nil {
			b.Errorf("write: %v", err)
		}
	}
	must(b, c.ReadStart(func(data []byte, err error) {
		if err != nil {
			b.Errorf("read: %v", err)
			c.Close(nil)
			return
		}
		if got += len(data); got < len(msg) {
			return
		}
		got -= len(msg)
		if rts++; rts == n {
			c.Close(nil)
			return
		}
		if _, err := c.Write(bufs, wrote); err != nil {
			b.Errorf("write: %v", err)
		}
	}))
	b.ResetTimer()
	t0 := Hrtime() // the C twin's t0 (a mark for testdata/cbench/callgrind.sh)
	if _, err := c.Write(bufs, wrote); err != nil {
		b.Fatal(err)
	}
	if _, err := l.Run(RunDefault); err != nil {
		b.Fatal(err)
	}
	t1 := Hrtime()
	b.StopTimer()
	<-peer.done
	if rts != n {
		b.Fatalf("%d round trips, want %d", rts, n)
	}
	b.ReportMetric(float64(n)/(float64(t1-t0)/1e9), "roundtrips/s")
}

// BenchmarkTCPPump1: one connection; the client writes 64 KiB chunks as fast as the
// connection takes them (8 writes in flight, the next one issued from each write callback),
// the server (on its own loop and thread) reads and counts. One op is one MiB received by the
// server (so ns/op is ns per MiB, and MB/s is reported); the op ends when the server has read
// the last byte. The idea of libuv's tcp_pump1_client benchmark; C twin:
// testdata/cbench/tcp_pump.c. Reports gbit/s and the reads per MiB (libuv's reads are at most
// the 64 KiB of the loop's read buffer).
func BenchmarkTCPPump1(b *testing.B) {
	const chunk, window = 64 << 10, 8
	b.ReportAllocs()
	b.SetBytes(1 << 20)
	total := int64(b.N) << 20
	var received int64
	reads := 0
	l := newTestLoop(b)
	peer := benchServer(b, func(c *TCP) {
		hndCheck(b, c.ReadStart(func(data []byte, err error) {
			if err != nil {
				if err != EOF {
					b.Errorf("server: read: %v", err)
				}
				c.Close(nil)
				return
			}
			received += int64(len(data))
			reads++
		}))
	})
	c := benchConnect(b, l, peer.addr)
	buf := make([]byte, chunk)
	one := make([][]byte, 1) // the Write's buffer list, reused (Write does not keep it)
	var sent int64
	var write func(err error)
	write = func(err error) {
		if err != nil {
			b.Errorf("write: %v", err)
		}
		if sent >= total {
			return
		}
		n := int64(chunk)
		if total-sent < n {
			n = total - sent
		}
		sent += n
		one[0] = buf[:n]
		if _, err := c.Write(one, write); err != nil {
			b.Errorf("write: %v", err)
			return
		}
		if sent == total {
			if _, err := c.Shutdown(func(err error) { hndCheck(b, err); c.Close(nil) }); err != nil {
				b.Errorf("shutdown: %v", err)
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < window; i++ {
		write(nil)
	}
	run(b, l, RunDefault)
	<-peer.done
	b.StopTimer()
	if received != total {
		b.Fatalf("the server received %d bytes, want %d", received, total)
	}
	b.ReportMetric(float64(total)*8/1e9/b.Elapsed().Seconds(), "gbit/s")
	b.ReportMetric(float64(reads)/float64(b.N), "reads/MiB")
}

// BenchmarkTCPWriteBatch: 1,000,000 writes of 13 bytes ("Hello, world.") queued at once on
// one connection, then flushed: the loop runs until the last write callback. libuv writes
// straight to the socket while its queue is empty, queues the rest once the socket's buffer
// is full, and flushes the queue with writev as the reader (a sink on its own loop and thread)
// drains it; the callbacks run in the loop iteration after their write. One op is one batch of
// 1,000,000 writes; the figures are per write: ns/write, queue-ns/write (the Write calls),
// flush-ns/write (the run until the last callback), allocs/write, and cb-allocs/write (the
// allocations of the flush phase, where the write callbacks run: target 0). The idea of
// libuv's tcp_write_batch benchmark; C twin: testdata/cbench/tcp_write_batch.c. The batch's
// size is the flag -uv.batch (testdata/cbench/callgrind.sh counts smaller ones); the phases are
// timed with Hrtime, at the C twin's points.
func BenchmarkTCPWriteBatch(b *testing.B) {
	called := 0
	benchWriteBatch(b, &called, func(err error) {
		if err != nil {
			b.Errorf("write: %v", err)
		}
		called++
	})
}

// BenchmarkTCPWriteBatchNoCallback is BenchmarkTCPWriteBatch with a nil write callback: a
// small write is copied into its request and completes in C, with no Go side (stream.Write). The
// flush ends when the last write has completed (Run returns: the writes were what kept the
// loop alive) and the write queue is empty. C twin: tcp_write_batch.c's nocb mode.
func BenchmarkTCPWriteBatchNoCallback(b *testing.B) {
	benchWriteBatch(b, nil, nil)
}

// benchWriteBatch is BenchmarkTCPWriteBatch with the write callback wrote, which counts its
// calls in *called; both nil for writes without a callback.
func benchWriteBatch(b *testing.B, called *int, wrote func(error)) {
	writes := *benchBatch
	b.ReportAllocs()
	l := newTestLoop(b)
	peer := benchServer(b, func(c *TCP) {
		hndCheck(b, c.ReadStart(func(data []byte, err error) {
			if err != nil {
				c.Close(nil)
			}
		}))
	})
	c := benchConnect(b, l, peer.addr)
	bufs := [][]byte{[]byte("Hello, world.")}
	var queue, flush time.Duration
	var allocs, cbAllocs uint64
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if called != nil {
			*called = 0
		}
		m0 := benchMallocs(b)
		t0 := Hrtime()
		for j := 0; j < writes; j++ {
			if _, err := c.Write(bufs, wrote); err != nil {
				b.Fatal(err)
			}
		}
		t1 := Hrtime()
		m1 := benchMallocs(b)
		if _, err := l.Run(RunDefault); err != nil {
			b.Fatal(err)
		}
		t2 := Hrtime()
		m2 := benchMallocs(b)
		if called != nil && *called != writes {
			b.Fatalf("%d write callbacks, want %d", *called, writes)
		}
		if q := c.WriteQueueSize(); q != 0 {
			b.Fatalf("write queue: %d bytes after the flush, want 0", q)
		}
		queue += time.Duration(t1 - t0)
		flush += time.Duration(t2 - t1)
		allocs += m2 - m0
		cbAllocs += m2 - m1
		// The batch's garbage (1,000,000 requests) is collected between batches, untimed.
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
	}
	b.StopTimer()
	total := float64(b.N * writes)
	b.ReportMetric(float64((queue+flush).Nanoseconds())/total, "ns/write")
	b.ReportMetric(float64(queue.Nanoseconds())/total, "queue-ns/write")
	b.ReportMetric(float64(flush.Nanoseconds())/total, "flush-ns/write")
	b.ReportMetric(float64(allocs)/total, "allocs/write")
	b.ReportMetric(float64(cbAllocs)/total, "cb-allocs/write")
	_, err := c.Shutdown(func(err error) { hndCheck(b, err); c.Close(nil) })
	must(b, err)
	run(b, l, RunDefault)
	<-peer.done
}

// BenchmarkStreamReadCallback: the read callback alone. The benchmark's goroutine fills one
// end of a socketpair with plain write(2) calls (which allocate nothing) while the loop reads
// the other end through a TCP handle; one op is one read callback, so allocs/op is the read
// path's own (target 0). Go only: the figure is the binding's overhead, no C twin.
func BenchmarkStreamReadCallback(b *testing.B) {
	b.ReportAllocs()
	l := newTestLoop(b)
	fds, err := Socketpair(SOCK_STREAM, 0, NonblockPipe, 0)
	must(b, err)
	h, err := NewTCP(l)
	must(b, err)
	must(b, h.Open(fds[0]))
	n, calls := b.N, 0
	must(b, h.ReadStart(func(data []byte, err error) {
		if err != nil {
			h.Close(nil)
			return
		}
		if calls++; calls == n {
			h.Close(nil)
		}
	}))
	stop := make(chan struct{})
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		p := []byte("x")
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := syscall.Write(fds[1], p); err != nil {
				return // the handle is closed: EPIPE
			}
		}
	}()
	b.ResetTimer()
	run(b, l, RunDefault)
	b.StopTimer()
	close(stop)
	<-wrote // the handle's Close closed fds[0]: the writer's last write failed
	syscall.Close(fds[1])
}

// BenchmarkStreamParts measures, alone, the pieces of a write and its completion, for the
// "where the time goes" of the network benchmarks. Go only, no C twin.
//
//   - WriteReq: the request's bookkeeping without the write: the Go object (from its pool),
//     its token, its C memory (calloc, with the data field set: done by uvg_write in the
//     write's C call), its share of the stream's pinGroup; then the release (the free
//     uvg_write_cb does, the token, the pool).
//   - Pin: pinning the buffer of a one-buffer write and unpinning it (a pinGroup of one).
//   - WriteAndCallback: a whole 4-byte Write on one end of a socketpair and its write
//     callback, run by RunNoWait (one op: the Write call, the write(2) inside uv_write, one
//     loop iteration, the callback). The other end is drained every 64 writes, untimed, before
//     the socket's buffer fills (a write that has to wait for room would not complete in
//     the same iteration).
func BenchmarkStreamParts(b *testing.B) {
	b.Run("WriteReq", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		var s stream
		for i := 0; i < b.N; i++ {
			// The Go object from its pool (newWriteReq), the token and the C memory with its
			// data set (uvg_write's allocation), then their release (uvg_write_cb's free,
			// complete's releaseToken) and the object's return to the pool (recycle).
			w := writeReqs.Get().(*WriteReq)
			if err := w.open(l, w, ReqWrite); err != nil {
				b.Fatal(err)
			}
			w.pins, w.gen = &s.pins, s.pins.take()
			w.pins.put(w.gen)
			w.done()
			w.recycle()
		}
	})
	b.Run("Pin", func(b *testing.B) {
		b.ReportAllocs()
		p := []byte("PING")
		var g pinGroup
		for i := 0; i < b.N; i++ {
			c := g.take()
			c.pinOne(p)
			g.put(c)
		}
	})
	b.Run("WriteAndCallback", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		fds, err := Socketpair(SOCK_STREAM, 0, NonblockPipe, NonblockPipe)
		must(b, err)
		h, err := NewTCP(l)
		must(b, err)
		must(b, h.Open(fds[0]))
		msg, sink := []byte("PING"), make([]byte, 64<<10)
		calls := 0
		bufs := [][]byte{msg}
		wrote := func(err error) {
			if err != nil {
				b.Errorf("write: %v", err)
			}
			calls++
		}
		for i := 0; i < b.N; i++ {
			if _, err := h.Write(bufs, wrote); err != nil {
				b.Fatal(err)
			}
			if _, err := l.Run(RunNoWait); err != nil {
				b.Fatal(err)
			}
			if i%64 == 63 {
				b.StopTimer()
				for {
					if n, _ := syscall.Read(fds[1], sink); n <= 0 {
						break
					}
				}
				b.StartTimer()
			}
		}
		b.StopTimer()
		if calls != b.N {
			b.Fatalf("%d write callbacks, want %d", calls, b.N)
		}
		hndDoClose(b, l, h)
		syscall.Close(fds[1])
	})
}
