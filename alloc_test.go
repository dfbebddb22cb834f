package uv

import (
	"bytes"
	"errors"
	"net/netip"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// The tests of the caller's read buffers (Stream.ReadStartAlloc, UDP.RecvStartAlloc): libuv's
// two tests of an alloc callback that returns no buffer, then the rules of the binding: each
// read lands in the caller's buffer (a sub-slice of it), the buffer comes back with every read
// callback (EOF and errors included), ENOBUFS is back-pressure, a panicking allocator follows
// the loop's panic policy, nothing stays pinned, and a recycled buffer costs no allocation.

// allocSame reports whether data starts in buf and extends to its end: data is buf[off:][:n]
// with cap(data) == len(buf)-off.
func allocSame(data, buf []byte) bool {
	if cap(data) == 0 || len(buf) == 0 {
		return false
	}
	d, b := uintptr(unsafe.Pointer(unsafe.SliceData(data))), uintptr(unsafe.Pointer(&buf[0]))
	return d >= b && d < b+uintptr(len(buf)) && d+uintptr(cap(data)) == b+uintptr(len(buf))
}

// allocPinned reports whether a handle's read side holds no buffer and its pinGroup pins
// nothing: what every read callback leaves behind once the writes in flight have completed.
func allocPinned(rd *readBuf, pins *pinGroup) bool {
	if rd.buf != nil || rd.gen != nil {
		return true
	}
	return pins.cur != nil && pins.cur.live != 0
}

// libuv: tcp_alloc_cb_fail
func TestTCPAllocCbFail(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	var server, client, incoming *TCP
	connects, connections, closes, reads := 0, 0, 0, 0
	closeCb := func() { closes++ }
	server = tcpNew(t, l)
	must(t, server.Bind(tcpLo4, 0))
	must(t, server.Listen(128, func(err error) {
		hndCheck(t, err)
		incoming = tcpNew(t, l)
		hndCheck(t, server.Accept(incoming))
		// The alloc callback returns no buffer: the read callback gets ENOBUFS.
		hndCheck(t, incoming.ReadStartAlloc(func(int) []byte { return nil }, func(data []byte, err error) {
			reads++
			tcpIs(t, "read callback", err, ENOBUFS)
			if data != nil {
				t.Errorf("read callback: data %q with ENOBUFS, want nil (libuv's NULL buffer)", data)
			}
			hndCheck(t, incoming.Close(closeCb))
			hndCheck(t, client.Close(closeCb))
			hndCheck(t, server.Close(closeCb))
		}))
		connections++
	}))
	addr, err := server.SockName()
	must(t, err)
	hello := []byte("HELLO!\x00") // sizeof(hello): the NUL goes too
	client = tcpConnect(t, l, addr, func(c *TCP, err error) {
		hndCheck(t, err)
		connects++
		_, err = c.Write([][]byte{hello}, func(err error) { hndCheck(t, err) })
		hndCheck(t, err)
	})
	if run(t, l, RunDefault) {
		t.Error("Run = true, want false (libuv's 0)")
	}
	if connects != 1 || connections != 1 || closes != 3 {
		t.Errorf("connect callbacks %d, connection callbacks %d, close callbacks %d; want 1 1 3", connects, connections, closes)
	}
	if reads != 1 {
		t.Errorf("%d read callbacks, want 1", reads)
	}
}

// libuv: udp_alloc_cb_fail
func TestUDPAllocCbFail(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	clSends, clRecvs, svSends, svRecvs, closes := 0, 0, 0, 0, 0
	closeCb := func(h Handle) func() {
		return func() {
			if !h.IsClosing() { // libuv asserts uv_is_closing in the close callback
				t.Errorf("%s: IsClosing false in its close callback", h.TypeName())
			}
			closes++
		}
	}
	server, addr := udpBind(t, l, udpLo4, 0) // libuv: 0.0.0.0:TEST_PORT
	slab := make([]byte, 65536)
	must(t, server.RecvStartAlloc(func(int) []byte { return slab }, func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		if err != nil {
			t.Errorf("server: unexpected error %v", err)
			return
		}
		if len(data) == 0 && !from.IsValid() {
			return // the unused buffer handed back: not counted
		}
		if flags != 0 || !from.IsValid() || string(data) != "PING" {
			t.Errorf("server: %q from %v, flags %d; want PING from an address, flags 0", data, from, flags)
		}
		hndCheck(t, server.RecvStop())
		_, err = server.Send(from, [][]byte{[]byte("PONG")}, func(err error) {
			hndCheck(t, err)
			hndCheck(t, server.Close(closeCb(server)))
			svSends++
		})
		hndCheck(t, err)
		svRecvs++
	}))
	client := udpNew(t, l)
	_, err := client.Send(addr, [][]byte{[]byte("PING")}, func(err error) {
		hndCheck(t, err)
		// The alloc callback returns no buffer: the receive callback gets ENOBUFS.
		hndCheck(t, client.RecvStartAlloc(func(int) []byte { return nil }, func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
			if flags != 0 {
				t.Errorf("client: flags %d, want 0", flags)
			}
			udpErrIs(t, "client receive", err, ENOBUFS)
			if data != nil || from.IsValid() {
				t.Errorf("client: data %q from %v with ENOBUFS, want nil and no address", data, from)
			}
			clRecvs++
			hndCheck(t, client.Close(closeCb(client)))
		}))
		clSends++
	})
	must(t, err)
	if closes != 0 || clSends != 0 || clRecvs != 0 || svSends != 0 || svRecvs != 0 {
		t.Fatalf("callbacks ran before Run: %d %d %d %d %d", closes, clSends, clRecvs, svSends, svRecvs)
	}
	if run(t, l, RunDefault) {
		t.Error("Run = true, want false")
	}
	if clSends != 1 || clRecvs != 1 || svSends != 1 || svRecvs != 1 || closes != 2 {
		t.Errorf("client sends %d, receives %d; server sends %d, receives %d; closes %d; want 1 1 1 1 2",
			clSends, clRecvs, svSends, svRecvs, closes)
	}
}

// allocRecycle streams n bytes from w to r, which reads them with ReadStartAlloc into one
// recycled buffer of size bytes; a GC runs now and then. It checks that every read lands in
// that buffer, that the bytes arrive whole and in order, that alloc and the read callback
// alternate (but for libuv's EOF on a hang-up, which comes without a buffer), and that nothing
// stays pinned once r is closed.
func allocRecycle(t *testing.T, l *Loop, w, r Stream, n, size int) {
	t.Helper()
	hndGuard(t, l, 10*time.Second)
	buf := make([]byte, size)
	want := tcpPattern(n, 7)
	var got []byte
	allocs, reads, eofs, out := 0, 0, 0, false
	must(t, r.ReadStartAlloc(func(suggested int) []byte {
		if suggested != 64*1024 {
			t.Errorf("suggested size %d, want libuv's 65536", suggested)
		}
		if out {
			t.Error("alloc called again before the read callback handed the buffer back")
		}
		allocs, out = allocs+1, true
		return buf
	}, func(data []byte, err error) {
		reads++
		switch {
		case data == nil && errors.Is(err, EOF) && !out:
			// libuv's EOF on a hang-up (POLLHUP) after a partial read: no alloc, no buffer
			eofs++
		case !out || !allocSame(data, buf) || unsafe.SliceData(data) != &buf[0]:
			t.Errorf("read %d: data is not a prefix of the caller's buffer", reads)
		}
		out = false
		if reads%16 == 0 {
			runtime.GC()
		}
		if err != nil {
			tcpIs(t, "read", err, EOF)
			hndCheck(t, r.Close(nil))
			return
		}
		got = append(got, data...)
	}))
	_, err := w.Write([][]byte{want}, func(err error) { hndCheck(t, err) })
	must(t, err)
	_, err = w.Shutdown(func(err error) { hndCheck(t, err); hndCheck(t, w.Close(nil)) })
	must(t, err)
	if run(t, l, RunDefault) {
		t.Error("Run = true after both streams closed")
	}
	if !bytes.Equal(got, want) {
		t.Errorf("read %d bytes, want %d, equal %v", len(got), len(want), bytes.Equal(got, want))
	}
	if allocs != reads-eofs || reads < n/size {
		t.Errorf("%d alloc calls, %d read callbacks for %d bytes in %d-byte buffers", allocs, reads, n, size)
	}
	if s := r.streamBase(); allocPinned(&s.rd, &s.pins) {
		t.Error("a read buffer is still pinned after the reader closed")
	}
}

// TestTCPReadStartAllocRecycled: 1 MiB over TCP read into one 4 KiB buffer handed out again
// and again arrives whole; each read is a prefix of that buffer.
func TestTCPReadStartAllocRecycled(t *testing.T) {
	l := newTestLoop(t)
	client, peer := tcpPair(t, l)
	allocRecycle(t, l, client, peer, 1<<20, 4096)
}

// TestPipeReadStartAllocRecycled: the same over a pipe (a socketpair's two ends), with a
// buffer of an odd size.
func TestPipeReadStartAllocRecycled(t *testing.T) {
	l := newTestLoop(t)
	fds, err := Socketpair(SOCK_STREAM, 0, NonblockPipe, NonblockPipe)
	must(t, err)
	w, r := pipeNew(t, l, false), pipeNew(t, l, false)
	must(t, w.Open(fds[0]))
	must(t, r.Open(fds[1]))
	allocRecycle(t, l, w, r, 256<<10, 1000)
}

// TestStreamReadStartAllocENOBUFS: an allocator with no memory is back-pressure. libuv answers
// ENOBUFS without reading and keeps reading: the callback stops, a timer resumes once memory
// is back, and the data arrives whole, read only into the caller's buffers. A second round
// keeps reading through ENOBUFS: libuv asks again on the next iteration.
func TestStreamReadStartAllocENOBUFS(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	client, peer := tcpPair(t, l)
	resume, err := NewTimer(l)
	must(t, err)
	buf := make([]byte, 64)
	want := tcpPattern(1000, 3)
	var got []byte
	empty, enobufs, resumes, round2 := true, 0, 0, false
	alloc := func(int) []byte {
		if empty {
			return nil
		}
		return buf
	}
	var read func(data []byte, err error)
	read = func(data []byte, err error) {
		switch {
		case errors.Is(err, ENOBUFS):
			enobufs++
			if data != nil {
				t.Errorf("ENOBUFS with data %q", data)
			}
			if enobufs == 1 { // stop, and resume later with memory
				hndCheck(t, peer.ReadStop())
				hndCheck(t, resume.Start(time.Millisecond, 0, func() {
					resumes++
					empty = false
					hndCheck(t, peer.ReadStartAlloc(alloc, read))
				}))
			} else if enobufs == 5 { // kept reading: memory is back now
				empty = false
			}
		case err != nil:
			tcpIs(t, "read", err, EOF)
			hndCheck(t, peer.Close(nil))
			hndCheck(t, resume.Close(nil))
		default:
			if !allocSame(data, buf) {
				t.Error("data is not in the caller's buffer")
			}
			got = append(got, data...)
			if len(got) >= len(want)/2 && !round2 { // the second round: empty again, keep reading
				empty, round2 = true, true
			}
		}
	}
	must(t, peer.ReadStartAlloc(alloc, read))
	_, err = client.Write([][]byte{want[:500]}, func(err error) { hndCheck(t, err) })
	must(t, err)
	_, err = client.Write([][]byte{want[500:]}, func(err error) { hndCheck(t, err) })
	must(t, err)
	_, err = client.Shutdown(func(err error) { hndCheck(t, err); hndCheck(t, client.Close(nil)) })
	must(t, err)
	run(t, l, RunDefault)
	if !bytes.Equal(got, want) {
		t.Errorf("read %d of %d bytes, equal %v", len(got), len(want), bytes.Equal(got, want))
	}
	if enobufs != 5 || resumes != 1 {
		t.Errorf("%d ENOBUFS callbacks, %d resumes; want 5 and 1", enobufs, resumes)
	}
}

// TestStreamReadStartAllocEOF: the buffer comes back with every read callback, EOF included:
// data is then buf[:0], whose capacity reaches the buffer's end; a buffer with spare capacity
// is seen by libuv (and in data) only up to its length. The buffer is unpinned once the
// callback has returned.
func TestStreamReadStartAllocEOF(t *testing.T) {
	l := newTestLoop(t)
	p, fd := pipeOnSocketpair(t, l, false)
	backing := make([]byte, 16, 32)
	var calls []string
	allocs := 0
	must(t, p.ReadStartAlloc(func(int) []byte { allocs++; return backing }, func(data []byte, err error) {
		if !allocSame(data, backing) || unsafe.SliceData(data) != &backing[0] || cap(data) != 16 {
			t.Errorf("data (len %d, cap %d) is not backing[:n:16]", len(data), cap(data))
		}
		if s := p.streamBase(); s.rd.gen == nil {
			t.Error("the buffer is not pinned during its read callback")
		}
		if err != nil {
			calls = append(calls, err.(Errno).Name())
			hndCheck(t, p.Close(nil))
			return
		}
		calls = append(calls, string(data))
	}))
	if _, err := syscall.Write(fd, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	must(t, syscall.Shutdown(fd, syscall.SHUT_WR))
	run(t, l, RunDefault)
	if len(calls) != 2 || calls[0] != "abc" || calls[1] != "EOF" || allocs != 2 {
		t.Errorf("read callbacks %q after %d alloc calls; want [abc EOF] after 2", calls, allocs)
	}
	if s := p.streamBase(); allocPinned(&s.rd, &s.pins) {
		t.Error("the buffer is still pinned after EOF")
	}
}

// TestStreamReadStartAllocPanic: an allocator that panics, with no panic handler: Run
// re-panics with its value and no read callback runs meanwhile (libuv's ENOBUFS is not
// delivered); the loop runs again afterwards, and nothing stays pinned.
func TestStreamReadStartAllocPanic(t *testing.T) {
	l := newTestLoop(t)
	p, fd := pipeOnSocketpair(t, l, false)
	reads := 0
	buf := make([]byte, 64)
	panics := true
	must(t, p.ReadStartAlloc(func(int) []byte {
		if panics {
			panic("no buffer")
		}
		return buf
	}, func(data []byte, err error) {
		reads++
		hndCheck(t, err)
		if string(data) != "x" {
			t.Errorf("read %q, want x", data)
		}
		hndCheck(t, p.Close(nil))
	}))
	if _, err := syscall.Write(fd, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if v := loopRecover(func() { l.Run(RunDefault) }); v != "no buffer" {
		t.Fatalf("Run re-panicked with %#v, want the allocator's value", v)
	}
	if reads != 0 {
		t.Errorf("%d read callbacks after the allocator panicked, want 0", reads)
	}
	panics = false
	run(t, l, RunDefault) // the byte is still unread: libuv read nothing without a buffer
	if reads != 1 {
		t.Errorf("%d read callbacks once the allocator returns a buffer, want 1", reads)
	}
	if s := p.streamBase(); allocPinned(&s.rd, &s.pins) {
		t.Error("a buffer is still pinned")
	}
}

// TestStreamReadStartAllocPanicHandler: with a panic handler, a panicking allocator is one
// that returned no buffer: the handler gets the value, the read callback ENOBUFS, and reading
// goes on.
func TestStreamReadStartAllocPanicHandler(t *testing.T) {
	l := newTestLoop(t)
	p, fd := pipeOnSocketpair(t, l, false)
	var handled []any
	l.SetPanicHandler(func(v any, _ []byte) { handled = append(handled, v) })
	var calls []string
	buf := make([]byte, 64)
	allocs := 0
	must(t, p.ReadStartAlloc(func(int) []byte {
		if allocs++; allocs == 1 {
			panic("no buffer")
		}
		return buf
	}, func(data []byte, err error) {
		if err != nil {
			calls = append(calls, err.(Errno).Name())
			if data != nil {
				t.Errorf("data %q with %v", data, err)
			}
			return
		}
		calls = append(calls, string(data))
		hndCheck(t, p.Close(nil))
	}))
	if _, err := syscall.Write(fd, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if v := loopRecover(func() { l.Run(RunDefault) }); v != nil {
		t.Fatalf("Run re-panicked with %#v despite the handler", v)
	}
	l.SetPanicHandler(nil)
	if len(handled) != 1 || handled[0] != "no buffer" || len(calls) != 2 || calls[0] != "ENOBUFS" || calls[1] != "x" {
		t.Errorf("handled %v, read callbacks %q; want [no buffer] and [ENOBUFS x]", handled, calls)
	}
	if s := p.streamBase(); allocPinned(&s.rd, &s.pins) {
		t.Error("a buffer is still pinned")
	}
}

// TestStreamReadStartAllocMisuse: a nil allocator or callback is libuv's EINVAL, a second
// start libuv's EALREADY (the first allocator stays), a closed stream ErrClosed; ReadStart
// after ReadStop goes back to the loop's buffer.
func TestStreamReadStartAllocMisuse(t *testing.T) {
	l := newTestLoop(t)
	p, fd := pipeOnSocketpair(t, l, false)
	mine := make([]byte, 8)
	alloc := func(int) []byte { return mine }
	if err := p.ReadStartAlloc(nil, func([]byte, error) {}); !errors.Is(err, EINVAL) {
		t.Errorf("nil alloc: %v, want EINVAL", err)
	}
	if err := p.ReadStartAlloc(alloc, nil); !errors.Is(err, EINVAL) {
		t.Errorf("nil callback: %v, want EINVAL", err)
	}
	var where []bool // per read: in the caller's buffer
	read := func(data []byte, err error) {
		hndCheck(t, err)
		where = append(where, allocSame(data, mine))
		hndCheck(t, p.ReadStop())
	}
	must(t, p.ReadStartAlloc(alloc, read))
	if err := p.ReadStartAlloc(func(int) []byte { return nil }, read); !errors.Is(err, EALREADY) {
		t.Errorf("second start: %v, want EALREADY", err)
	}
	for i, start := range []func() error{nil, func() error { return p.ReadStart(read) }} {
		if start != nil {
			must(t, start())
		}
		if _, err := syscall.Write(fd, []byte("ab")); err != nil {
			t.Fatal(err)
		}
		for n := 0; len(where) == i && n < 1000; n++ {
			run(t, l, RunOnce)
		}
	}
	if len(where) != 2 || !where[0] || where[1] {
		t.Errorf("reads in the caller's buffer: %v, want [true false]", where)
	}
	loopCloseAll(t, l, p)
	if err := p.ReadStartAlloc(alloc, read); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

// TestUDPRecvStartAlloc: datagrams land in the caller's recycled buffer; the nothing-to-read
// callbacks hand it back as buf[:0]; a zero-length datagram is an empty data with an address.
func TestUDPRecvStartAlloc(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	client := udpNew(t, l)
	buf := make([]byte, 2048)
	msgs := []string{"one", "", "three"}
	var got []string
	must(t, server.RecvStartAlloc(func(int) []byte { return buf }, func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		hndCheck(t, err)
		if !allocSame(data, buf) || unsafe.SliceData(data) != &buf[0] {
			t.Error("data is not a prefix of the caller's buffer")
		}
		if !from.IsValid() {
			if len(data) != 0 {
				t.Errorf("%q without an address", data)
			}
			return
		}
		got = append(got, string(data))
		if len(got) == len(msgs) {
			udpClose(t, server, client)
		}
	}))
	for _, m := range msgs {
		_, err := client.Send(addr, [][]byte{[]byte(m)}, func(err error) { hndCheck(t, err) })
		must(t, err)
	}
	run(t, l, RunDefault)
	if len(got) != 3 || got[0] != "one" || got[1] != "" || got[2] != "three" {
		t.Errorf("received %q, want %q", got, msgs)
	}
	if allocPinned(&server.rd, &server.pins) {
		t.Error("a buffer is still pinned")
	}
}

// TestUDPRecvStartAllocRecvmmsg: on a UDPRecvmmsg handle, one buffer of three 64 KiB slots
// takes several datagrams, each a sub-slice at its slot; the buffer stays pinned until the
// UDPMmsgFree callback hands it back, or until a datagram's callback stops receiving (libuv
// then calls no more).
func TestUDPRecvStartAllocRecvmmsg(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, err := NewUDPEx(l, AF_INET, UDPRecvmmsg)
	must(t, err)
	must(t, server.Bind(udpLo4, 0))
	addr, err := server.SockName()
	must(t, err)
	if !server.UsingRecvmmsg() {
		loopCloseAll(t, l, server)
		t.Skip("recvmmsg not available")
	}
	client := udpNew(t, l)
	const slot = 64 * 1024
	buf := make([]byte, 3*slot)
	var got []string
	frees, stop := 0, false
	must(t, server.RecvStartAlloc(func(int) []byte { return buf }, func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		hndCheck(t, err)
		if !allocSame(data, buf) {
			t.Error("data is not in the caller's buffer")
		}
		if server.rd.gen == nil {
			t.Error("the buffer is not pinned during the callback")
		}
		switch {
		case flags&UDPMmsgFree != 0:
			frees++
		case flags&UDPMmsgChunk != 0:
			off := int(uintptr(unsafe.Pointer(unsafe.SliceData(data))) - uintptr(unsafe.Pointer(&buf[0])))
			if off%slot != 0 {
				t.Errorf("datagram at offset %d, not at a slot", off)
			}
			got = append(got, string(data))
			if stop {
				hndCheck(t, server.RecvStop())
			}
		}
	}))
	send := func(msgs ...string) {
		for _, m := range msgs {
			if _, err := client.TrySend(addr, [][]byte{[]byte(m)}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(10 * time.Millisecond) // all queued on the socket, read by one recvmmsg
		for i := 0; i < 100 && len(got) < len(msgs); i++ {
			run(t, l, RunNoWait)
		}
	}
	send("a", "bb", "ccc")
	if len(got) != 3 || got[0] != "a" || got[1] != "bb" || got[2] != "ccc" || frees == 0 {
		t.Errorf("received %q with %d UDPMmsgFree calls; want [a bb ccc] and at least 1", got, frees)
	}
	if allocPinned(&server.rd, &server.pins) {
		t.Error("the buffer is still pinned after UDPMmsgFree")
	}
	got, frees, stop = nil, 0, true
	send("d", "e")
	if len(got) != 1 || got[0] != "d" || frees != 0 {
		t.Errorf("with RecvStop in the first callback: received %q, %d UDPMmsgFree; want [d] and 0", got, frees)
	}
	if allocPinned(&server.rd, &server.pins) {
		t.Error("the buffer is still pinned after the callback stopped receiving")
	}
	loopCloseAll(t, l, server, client)
}

// TestUDPRecvStartAllocENOBUFS: a UDP allocator with no memory: ENOBUFS without an address,
// then the datagram, unread meanwhile, once memory is back.
func TestUDPRecvStartAllocENOBUFS(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	client := udpNew(t, l)
	buf := make([]byte, 512)
	empty, enobufs := true, 0
	var got []string
	must(t, server.RecvStartAlloc(func(int) []byte {
		if empty {
			return nil
		}
		return buf
	}, func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		if errors.Is(err, ENOBUFS) {
			if data != nil || from.IsValid() || flags != 0 {
				t.Errorf("ENOBUFS with %q from %v, flags %d", data, from, flags)
			}
			if enobufs++; enobufs == 3 {
				empty = false
			}
			return
		}
		hndCheck(t, err)
		if from.IsValid() {
			got = append(got, string(data))
			udpClose(t, server, client)
		}
	}))
	_, err := client.Send(addr, [][]byte{[]byte("late")}, func(err error) { hndCheck(t, err) })
	must(t, err)
	run(t, l, RunDefault)
	if enobufs != 3 || len(got) != 1 || got[0] != "late" {
		t.Errorf("%d ENOBUFS, received %q; want 3 and [late]", enobufs, got)
	}
}

// TestStreamReadStartAllocNoAllocs: with an allocator that recycles one buffer, the read path
// (alloc trampoline, pin, read trampoline, unpin) allocates nothing.
func TestStreamReadStartAllocNoAllocs(t *testing.T) {
	buf := make([]byte, 4096)
	tcpReadAllocs(t, "TryWrite and a read into the caller's buffer", func(peer *TCP, cb func([]byte, error)) error {
		return peer.ReadStartAlloc(func(int) []byte { return buf }, cb)
	})
}

// TestReadStartAllocWrongThread: ReadStartAlloc and RecvStartAlloc from another goroutine while
// the loop runs are ErrWrongThread (a panic with the uvdebug tag) and start nothing; after
// Close both are ErrClosed. A nil allocator on UDP is libuv's EINVAL.
func TestReadStartAllocWrongThread(t *testing.T) {
	l := newTestLoop(t)
	p, _ := pipeOnSocketpair(t, l, false)
	u, _ := udpBind(t, l, udpLo4, 0)
	alloc := func(int) []byte { return make([]byte, 8) }
	calls := map[string]func() error{
		"ReadStartAlloc": func() error { return p.ReadStartAlloc(alloc, func([]byte, error) {}) },
		"RecvStartAlloc": func() error {
			return u.RecvStartAlloc(alloc, func([]byte, netip.AddrPort, UDPFlags, error) {})
		},
	}
	var bad []string
	loopFromOtherGoroutine(t, l, func() {
		for name, f := range calls {
			var err error
			if v := loopRecover(func() { err = f() }); v == nil && !errors.Is(err, ErrWrongThread) {
				bad = append(bad, name+": "+errString(err))
			}
		}
	})
	if len(bad) > 0 {
		t.Errorf("calls from another goroutine not refused: %v", bad)
	}
	if p.IsActive() || u.IsActive() || p.rd.alloc != nil || u.rd.alloc != nil {
		t.Error("a refused call started reading")
	}
	if err := u.RecvStartAlloc(nil, func([]byte, netip.AddrPort, UDPFlags, error) {}); !errors.Is(err, EINVAL) {
		t.Errorf("RecvStartAlloc(nil, cb): %v, want EINVAL", err)
	}
	loopCloseAll(t, l, p, u)
	for name, f := range calls {
		if err := f(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

// TestUDPRecvStartAllocRecvmmsgSmall: on a UDPRecvmmsg handle, a buffer under 64 KiB holds no
// datagram (libuv reads ⌊len/64 KiB⌋ at once): libuv calls alloc and the callback with nothing
// to read again and again within one iteration, until the callback stops receiving. The binding
// passes that on (documented on RecvStartAlloc); the datagram is then still unread.
func TestUDPRecvStartAllocRecvmmsgSmall(t *testing.T) {
	l := newTestLoop(t)
	server, err := NewUDPEx(l, AF_INET, UDPRecvmmsg)
	must(t, err)
	must(t, server.Bind(udpLo4, 0))
	addr, err := server.SockName()
	must(t, err)
	if !server.UsingRecvmmsg() {
		loopCloseAll(t, l, server)
		t.Skip("recvmmsg not available")
	}
	client := udpNew(t, l)
	buf := make([]byte, 1000)
	allocs, nothing, other := 0, 0, 0
	must(t, server.RecvStartAlloc(func(int) []byte { allocs++; return buf }, func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		if err != nil || from.IsValid() || len(data) != 0 {
			other++
		}
		if nothing++; nothing == 100 {
			hndCheck(t, server.RecvStop())
		}
	}))
	if _, err := client.TrySend(addr, [][]byte{[]byte("x")}); err != nil {
		t.Fatal(err)
	}
	run(t, l, RunNoWait)
	if allocs != 100 || nothing != 100 || other != 0 {
		t.Errorf("%d alloc calls, %d callbacks with nothing, %d others; want 100 100 0", allocs, nothing, other)
	}
	if allocPinned(&server.rd, &server.pins) {
		t.Error("the buffer is still pinned")
	}
	loopCloseAll(t, l, server, client)
}
