package uv

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"syscall"
	"testing"
	"time"
)

// streamCalls calls every error-returning method of a TCP handle (its Stream, Handle and TCP
// methods) and returns their errors by name.
func streamCalls(t *testing.T, h, other *TCP) map[string]error {
	errs := map[string]error{}
	ok := func(error) {}
	errs["Listen"] = h.Listen(1, ok)
	errs["Accept"] = h.Accept(other)
	errs["ReadStart"] = h.ReadStart(func([]byte, error) {})
	errs["ReadStop"] = h.ReadStop()
	_, errs["Write"] = h.Write([][]byte{[]byte("x")}, ok)
	_, errs["Write2"] = h.Write2([][]byte{[]byte("x")}, other, ok)
	_, errs["TryWrite"] = h.TryWrite([][]byte{[]byte("x")})
	_, errs["TryWrite2"] = h.TryWrite2([][]byte{[]byte("x")}, other)
	_, errs["Shutdown"] = h.Shutdown(ok)
	errs["SetBlocking"] = h.SetBlocking(true)
	errs["Open"] = h.Open(0)
	errs["SetNoDelay"] = h.SetNoDelay(true)
	errs["SetKeepAlive"] = h.SetKeepAlive(true, time.Second)
	errs["SetSimultaneousAccepts"] = h.SetSimultaneousAccepts(true)
	errs["Bind"] = h.Bind(tcpLo4, 0)
	_, errs["Connect"] = h.Connect(tcpLo4, ok)
	_, errs["SockName"] = h.SockName()
	_, errs["PeerName"] = h.PeerName()
	errs["Ref"] = h.Ref()
	errs["Unref"] = h.Unref()
	_, errs["Fileno"] = h.Fileno()
	errs["CloseReset"] = h.CloseReset(nil)
	errs["Close"] = h.Close(nil)
	return errs
}

// TestStreamClosed: from Close on, before and after the close callback, every method returns
// ErrClosed (a second Close and CloseReset too), the getters answer false or 0, and nothing
// reaches C or leaks a token.
func TestStreamClosed(t *testing.T) {
	l := newTestLoop(t)
	h := tcpNew(t, l)
	other, err := NewTCP(l)
	must(t, err)
	must(t, h.Close(nil))
	for _, phase := range []string{"closing", "closed"} {
		before := liveTokens.Load()
		for name, err := range streamCalls(t, h, other) {
			if err != ErrClosed {
				t.Errorf("%s: %s: %v, want ErrClosed", phase, name, err)
			}
		}
		if n := liveTokens.Load(); n != before {
			t.Errorf("%s: the refused calls left %d tokens", phase, n-before)
		}
		if h.IsReadable() || h.IsWritable() || h.WriteQueueSize() != 0 || h.IsActive() {
			t.Errorf("%s: IsReadable %v, IsWritable %v, WriteQueueSize %d, IsActive %v; want false, false, 0, false",
				phase, h.IsReadable(), h.IsWritable(), h.WriteQueueSize(), h.IsActive())
		}
		// libuv keeps the reference flag of a closing handle; HasRef is false once closed.
		if want := phase == "closing"; h.HasRef() != want {
			t.Errorf("%s: HasRef %v, want %v", phase, h.HasRef(), want)
		}
		run(t, l, RunDefault)
	}
	// A closed client cannot be accepted into.
	if err := other.Accept(h); err != ErrClosed {
		t.Errorf("Accept into a closed handle: %v, want ErrClosed", err)
	}
	tcpClosed(t, l, other)
}

// TestStreamCloseResetTwice: CloseReset closes the handle as Close does.
func TestStreamCloseResetTwice(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewTCPEx(l, AF_INET)
	must(t, err)
	closes := 0
	must(t, h.CloseReset(func() { closes++ }))
	if !h.IsClosing() {
		t.Errorf("IsClosing after CloseReset = false")
	}
	if err := h.CloseReset(nil); err != ErrClosed {
		t.Errorf("second CloseReset: %v, want ErrClosed", err)
	}
	if err := h.Close(nil); err != ErrClosed {
		t.Errorf("Close after CloseReset: %v, want ErrClosed", err)
	}
	run(t, l, RunDefault)
	if closes != 1 {
		t.Errorf("%d close callbacks, want 1", closes)
	}
}

// TestStreamBadArguments: what libuv would assert on or call back through NULL is refused.
func TestStreamBadArguments(t *testing.T) {
	l := newTestLoop(t)
	client, peer := tcpPair(t, l)
	before := liveTokens.Load()
	if err := client.Listen(1, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Listen(nil): %v, want EINVAL", err)
	}
	if err := client.Accept(nil); !errors.Is(err, EINVAL) {
		t.Errorf("Accept(nil): %v, want EINVAL", err)
	}
	if err := client.ReadStart(nil); !errors.Is(err, EINVAL) {
		t.Errorf("ReadStart(nil): %v, want EINVAL", err)
	}
	must(t, client.ReadStart(func([]byte, error) {}))
	if err := client.ReadStart(func([]byte, error) {}); !errors.Is(err, EALREADY) {
		t.Errorf("second ReadStart: %v, want EALREADY", err)
	}
	must(t, client.ReadStop())
	must(t, client.ReadStop()) // as in libuv, stopping a stopped stream is fine
	if _, err := client.Write(nil, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Write with no buffer: %v, want EINVAL", err)
	}
	if _, err := client.TryWrite(nil); !errors.Is(err, EINVAL) {
		t.Errorf("TryWrite with no buffer: %v, want EINVAL", err)
	}
	if _, err := client.Write2([][]byte{[]byte("x")}, nil, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Write2(nil): %v, want EINVAL", err)
	}
	if _, err := client.TryWrite2([][]byte{[]byte("x")}, nil); !errors.Is(err, EINVAL) {
		t.Errorf("TryWrite2(nil): %v, want EINVAL", err)
	}
	// Sending a handle needs an IPC pipe: libuv refuses it on TCP.
	if _, err := client.Write2([][]byte{[]byte("x")}, peer, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Write2 on TCP: %v, want EINVAL", err)
	}
	// uv_try_write2 does not check for an IPC pipe (libuv 1.44): on TCP it writes the bytes.
	if n, err := client.TryWrite2([][]byte{[]byte("x")}, peer); err == nil && n != 1 {
		t.Errorf("TryWrite2 on TCP = %d, nil; want 1 byte or an error", n)
	}
	if n := liveTokens.Load(); n != before {
		t.Errorf("refused calls left %d tokens", n-before)
	}
	tcpClosed(t, l, client, peer)
}

// TestStreamStates: IsReadable, IsWritable, SetBlocking and the request types on a connection;
// a Write after Shutdown is EPIPE; a second Connect is EALREADY; Connect takes a nil callback.
func TestStreamStates(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	h := tcpNew(t, l)
	cr, err := h.Connect(echo, nil) // allowed: the binding's callback frees the request
	must(t, err)
	if cr.Type() != ReqConnect || cr.TypeName() != "connect" {
		t.Errorf("ConnectReq type %v %q", cr.Type(), cr.TypeName())
	}
	if err := cr.Cancel(); !errors.Is(err, EINVAL) {
		t.Errorf("Cancel of a connect: %v, want libuv's EINVAL", err)
	}
	if _, err := h.Connect(echo, nil); !errors.Is(err, EALREADY) {
		t.Errorf("second Connect: %v, want EALREADY", err)
	}
	run(t, l, RunDefault)
	if cr.ptr != nil || cr.token != nil { // the echo server's loop makes tokens meanwhile
		t.Errorf("a Connect with a nil callback was not released")
	}
	if err := cr.Cancel(); err != ErrClosed {
		t.Errorf("Cancel of a completed request: %v, want ErrClosed", err)
	}
	if !h.IsReadable() || !h.IsWritable() {
		t.Errorf("connected: IsReadable %v, IsWritable %v; want true, true", h.IsReadable(), h.IsWritable())
	}
	must(t, h.SetBlocking(true))
	must(t, h.SetBlocking(false))
	if h.TypeName() != "tcp" || h.Type() != HandleTCP {
		t.Errorf("Type %v %q", h.Type(), h.TypeName())
	}
	wr, err := h.Write([][]byte{[]byte("x")}, nil)
	must(t, err)
	if wr.Type() != ReqWrite {
		t.Errorf("WriteReq type %v", wr.Type())
	}
	sr, err := h.Shutdown(nil)
	must(t, err)
	if sr.Type() != ReqShutdown {
		t.Errorf("ShutdownReq type %v", sr.Type())
	}
	if h.IsWritable() {
		t.Errorf("IsWritable after Shutdown = true")
	}
	if _, err := h.Write([][]byte{[]byte("x")}, func(error) { t.Error("refused write called back") }); !errors.Is(err, EPIPE) {
		t.Errorf("Write after Shutdown: %v, want EPIPE", err)
	}
	if _, err := h.Shutdown(nil); err == nil {
		t.Errorf("second Shutdown succeeded")
	}
	run(t, l, RunDefault)
	tcpClosed(t, l, h)
}

// TestStreamResetMidRead: the peer resets the connection while the reader reads: the reader
// gets the data sent before, then ECONNRESET.
func TestStreamResetMidRead(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	client, peer := tcpPair(t, l)
	got := 0
	var last error
	must(t, client.ReadStart(func(data []byte, err error) {
		got += len(data)
		if err != nil {
			last = err
			hndCheck(t, client.Close(nil))
			return
		}
		if got == 5 {
			// The data is consumed: the reset comes next. (With the reset sent while the
			// data was still unread, Linux reported EOF after the data here, not a reset.)
			hndCheck(t, peer.CloseReset(nil))
		}
	}))
	_, err := peer.Write([][]byte{[]byte("hello")}, func(err error) { hndCheck(t, err) })
	must(t, err)
	run(t, l, RunDefault)
	if got != 5 || !errors.Is(last, ECONNRESET) {
		t.Errorf("read %d bytes then %v; want 5, ECONNRESET", got, last)
	}
}

// TestStreamWrongThread: a loop-bound call from another goroutine while the loop runs is
// refused by the C side before libuv sees it (ErrWrongThread; a panic with the uvdebug tag),
// and the refused request leaks nothing.
func TestStreamWrongThread(t *testing.T) {
	l := newTestLoop(t)
	client, peer := tcpPair(t, l)
	refused := func(f func() error) bool {
		var err error
		if v := loopRecover(func() { err = f() }); v != nil {
			return true // uvdebug
		}
		return errors.Is(err, ErrWrongThread)
	}
	calls := map[string]func() error{
		"Write":      func() error { _, err := client.Write([][]byte{[]byte("x")}, nil); return err },
		"Write2":     func() error { _, err := client.Write([][]byte{[]byte("x"), []byte("y")}, nil); return err },
		"ReadStart":  func() error { return client.ReadStart(func([]byte, error) {}) },
		"Shutdown":   func() error { _, err := client.Shutdown(nil); return err },
		"Connect":    func() error { _, err := client.Connect(tcpLo4, nil); return err },
		"SetNoDelay": func() error { return client.SetNoDelay(true) },
		"Accept":     func() error { return peer.Accept(client) },
		"CloseReset": func() error { return client.CloseReset(nil) },
	}
	before := liveTokens.Load()
	var bad []string
	loopFromOtherGoroutine(t, l, func() {
		for name, f := range calls {
			if !refused(f) {
				bad = append(bad, name)
			}
		}
	})
	if len(bad) > 0 {
		t.Errorf("calls from another goroutine not refused: %v", bad)
	}
	if n := liveTokens.Load(); n != before {
		t.Errorf("refused calls left %d tokens", n-before)
	}
	tcpClosed(t, l, client, peer)
}

// TestStreamReadPanic: a panic in a read callback stops the loop and comes out of Run; the
// handles are still closable.
func TestStreamReadPanic(t *testing.T) {
	l := newTestLoop(t)
	client, peer := tcpPair(t, l)
	must(t, peer.ReadStart(func([]byte, error) { panic("boom") }))
	_, err := client.TryWrite([][]byte{[]byte("x")})
	must(t, err)
	if v := loopRecover(func() { l.Run(RunDefault) }); v != "boom" {
		t.Errorf("Run re-panicked with %v, want boom", v)
	}
	tcpClosed(t, l, client, peer)
}

// TestSocketpair: two connected sockets, non-blocking as asked, usable by a stream handle.
func TestSocketpair(t *testing.T) {
	nonblock := func(fd int) bool {
		fl, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
		if e != 0 {
			t.Fatalf("fcntl: %v", e)
		}
		return fl&syscall.O_NONBLOCK != 0
	}
	fds, err := Socketpair(SOCK_STREAM, 0, NonblockPipe, 0)
	must(t, err)
	if !nonblock(fds[0]) || nonblock(fds[1]) {
		t.Errorf("non-blocking: %v, %v; want true, false", nonblock(fds[0]), nonblock(fds[1]))
	}
	if _, err := syscall.Write(fds[1], []byte("hi")); err != nil {
		t.Fatal(err)
	}
	// A stream handle reads the other end.
	l := newTestLoop(t)
	h := tcpNew(t, l)
	must(t, h.Open(fds[0]))
	var got string
	must(t, h.ReadStart(func(data []byte, err error) {
		hndCheck(t, err)
		got += string(data)
		hndCheck(t, h.ReadStop())
	}))
	run(t, l, RunDefault)
	if got != "hi" {
		t.Errorf("read %q, want hi", got)
	}
	tcpClosed(t, l, h)
	must(t, syscall.Close(fds[1]))

	fds, err = Socketpair(SOCK_DGRAM, 0, NonblockPipe, NonblockPipe)
	must(t, err)
	if !nonblock(fds[0]) || !nonblock(fds[1]) {
		t.Errorf("datagram pair not non-blocking")
	}
	syscall.Close(fds[0])
	syscall.Close(fds[1])
	if _, err := Socketpair(12345, 0, 0, 0); err == nil {
		t.Errorf("Socketpair of an unknown type succeeded")
	}
}

// The stream-level tests of libuv (test-ping-pong, test-shutdown-*, test-connection-fail, ...).
// libuv runs them against its echo server (test/echo-server.c) in another process, on a fixed
// port; here strEchoServer is that server's Go twin on a loop of its own, run by another
// goroutine, listening on port 0 of a loopback address. libuv's timeouts (100-1000 ms) are
// scaled down to 10-50 ms; no test depends on a duration.

// strEcho holds the state of one echo server; it is only touched on the server's loop (or by
// the test goroutine once that loop has stopped).
type strEcho struct {
	t         *testing.T
	l         *Loop
	srv       Stream
	srvClosed bool
	conns     map[Stream]bool
	newConn   func(l *Loop) (Stream, error)
}

// strEchoServer starts the Go twin of libuv's echo server on 127.0.0.1 (or addr's address) and
// returns its address. It writes back what it reads, and obeys libuv's commands in the data:
// "Q" closes the listener (the server stops taking connections); "QS" closes the connection;
// "QSS" echoes the data, then shuts the connection down; "QSH" resets it (CloseReset). EOF is
// answered with a shutdown, then a close. Whatever is left is closed when the test ends, and
// the server's loop goes through the leak check.
func strEchoServer(t *testing.T, addr netip.AddrPort) netip.AddrPort {
	t.Helper()
	l := newTestLoop(t)
	srv, err := NewTCP(l)
	must(t, err)
	must(t, srv.Bind(addr, 0))
	a, err := srv.SockName()
	must(t, err)
	e := &strEcho{t: t, l: l, srv: srv, conns: map[Stream]bool{},
		newConn: func(l *Loop) (Stream, error) { return NewTCP(l) }}
	e.start()
	return a
}

// start listens and runs the server's loop in a new goroutine until the test ends.
func (e *strEcho) start() {
	t := e.t
	must(t, e.srv.Listen(128, e.onConnection))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := e.l.Run(RunDefault); err != nil {
			t.Errorf("echo server: Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		must(t, e.l.Post(e.closeAll))
		<-done
		// The loop may have stopped by itself (everything closed) before the posted function
		// ran: it runs now, on this goroutine, which owns the stopped loop.
		run(t, e.l, RunDefault)
	})
}

func (e *strEcho) closeAll() {
	if !e.srvClosed {
		e.srvClosed = true
		e.srv.Close(nil)
	}
	for c := range e.conns {
		if !c.IsClosing() {
			c.Close(e.forget(c))
		}
	}
}

func (e *strEcho) forget(c Stream) func() { return func() { delete(e.conns, c) } }

func (e *strEcho) onConnection(err error) {
	t := e.t
	if err != nil {
		t.Errorf("echo server: connection: %v", err)
		return
	}
	c, err := e.newConn(e.l)
	if err != nil {
		t.Errorf("echo server: new handle: %v", err)
		return
	}
	e.conns[c] = true
	if err := e.srv.Accept(c); err != nil {
		t.Errorf("echo server: Accept: %v", err)
		c.Close(e.forget(c))
		return
	}
	hndCheck(t, c.ReadStart(func(data []byte, err error) { e.onRead(c, data, err) }))
}

func (e *strEcho) onRead(c Stream, data []byte, err error) {
	t := e.t
	switch {
	case err != nil:
		// EOF, or the peer is gone: shut down when still writable, then close.
		if c.IsWritable() {
			if _, err := c.Shutdown(func(error) { c.Close(e.forget(c)) }); err == nil {
				return
			}
		}
		c.Close(e.forget(c))
		return
	case len(data) == 0:
		return
	}
	shutdown := false
	for i := 0; i < len(data); i++ {
		if data[i] != 'Q' {
			continue
		}
		if i+1 < len(data) && data[i+1] == 'S' {
			switch {
			case i+2 < len(data) && data[i+2] == 'H':
				if tc, ok := c.(*TCP); ok {
					hndCheck(t, tc.CloseReset(e.forget(c)))
					return
				}
				c.Close(e.forget(c))
				return
			case i+2 < len(data) && data[i+2] == 'S':
				shutdown = true
			default:
				c.Close(e.forget(c))
				return
			}
			break
		}
		if !e.srvClosed {
			e.srvClosed = true
			hndCheck(t, e.srv.Close(nil))
		}
	}
	// The write fails only when the peer is already gone.
	c.Write([][]byte{bytes.Clone(data)}, nil)
	if shutdown {
		c.Shutdown(nil)
	}
}

// strCount counts callbacks by name, for the final assertions of a test.
type strCount map[string]int

func (c strCount) inc(name string) func() { return func() { c[name]++ } }

// want fails t unless every named count is as given.
func (c strCount) want(t *testing.T, want map[string]int) {
	t.Helper()
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s: %d calls, want %d (all: %v)", k, c[k], v, map[string]int(c))
		}
	}
}

// ---- test-ping-pong ----

var (
	strPing = []byte("PING\n")
	strPong = "PONG\n"
)

// strPinger does libuv's ping-pong over s: it writes "PING\n" (one buffer, or five one-byte
// buffers when vec is set), counts the answers (pong is what comes back: the echo server
// returns "PING\n", the ponger of the socketpair variant "PONG\n") and writes the next ping,
// until n answers have come back; then it closes s. done runs in the close callback.
func strPinger(t *testing.T, s Stream, vec bool, pong string, n int, done func(pongs int)) {
	strPinger2(t, s, s, vec, pong, n, done)
}

// strPinger2 is strPinger writing to w and reading from r (the two ends of an anonymous
// pipe); it closes r, then w, and done runs in w's close callback.
func strPinger2(t *testing.T, w, r Stream, vec bool, pong string, n int, done func(pongs int)) {
	pongs, state := 0, 0
	write := func() {
		bufs := [][]byte{strPing}
		if vec {
			bufs = nil
			for i := range strPing {
				bufs = append(bufs, strPing[i:i+1])
			}
		}
		_, err := w.Write(bufs, func(err error) { hndCheck(t, err) })
		hndCheck(t, err)
	}
	write()
	hndCheck(t, r.ReadStart(func(data []byte, err error) {
		if err != nil {
			tcpIs(t, "pinger read", err, EOF)
			strClosePinger(t, w, r, func() { done(pongs) })
			return
		}
		for _, b := range data {
			if b != pong[state] {
				t.Errorf("pinger: read %q at offset %d of %q", b, state, pong)
			}
			if state = (state + 1) % len(pong); state != 0 {
				continue
			}
			if pongs++; pongs < n {
				write()
			} else {
				strClosePinger(t, w, r, func() { done(pongs) })
				return
			}
		}
	}))
}

// strClosePinger closes r and, when it is another handle, w; done runs in w's close callback.
func strClosePinger(t *testing.T, w, r Stream, done func()) {
	if r != w {
		hndCheck(t, r.Close(nil))
	}
	hndCheck(t, w.Close(done))
}

const strNumPings = 1000

// testPingPong: the pinger connects to the echo server at ip; then, when pair is set, the same
// over a socketpair whose other end is a ponger that writes back what it reads with each 'I'
// turned into 'O'.
func testPingPong(t *testing.T, ip netip.Addr, vec, pair bool) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	echo := strEchoServer(t, netip.AddrPortFrom(ip, 0))
	completed := 0
	connects := 0
	c := tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		connects++
		if !c.IsReadable() || !c.IsWritable() || c.IsClosing() {
			t.Errorf("connected: readable %v, writable %v, closing %v; want true, true, false",
				c.IsReadable(), c.IsWritable(), c.IsClosing())
		}
		strPinger(t, c, vec, string(strPing), strNumPings, func(pongs int) {
			if pongs != strNumPings {
				t.Errorf("%d pongs, want %d", pongs, strNumPings)
			}
			completed++
		})
	})
	if connects != 0 {
		t.Errorf("connect callback ran inside Connect")
	}
	_ = c
	run(t, l, RunDefault)
	if completed != 1 {
		t.Fatalf("%d pingers completed, want 1", completed)
	}
	if !pair {
		return
	}

	fds, err := Socketpair(SOCK_STREAM, 0, NonblockPipe, NonblockPipe)
	must(t, err)
	pinger, err := NewTCP(l)
	must(t, err)
	must(t, pinger.Open(fds[1]))
	ponger, err := NewTCP(l)
	must(t, err)
	must(t, ponger.Open(fds[0]))
	completed = 0
	strPinger(t, pinger, vec, strPong, strNumPings, func(pongs int) {
		if pongs != strNumPings {
			t.Errorf("socketpair: %d pongs, want %d", pongs, strNumPings)
		}
		completed++
		hndCheck(t, ponger.Close(nil))
	})
	must(t, ponger.ReadStart(func(data []byte, err error) {
		if err != nil {
			tcpIs(t, "ponger read", err, EOF)
			hndCheck(t, ponger.Close(nil))
			return
		}
		out := bytes.ReplaceAll(data, []byte("I"), []byte("O"))
		_, err = ponger.Write([][]byte{out}, func(err error) { hndCheck(t, err) })
		hndCheck(t, err)
	}))
	run(t, l, RunDefault)
	if completed != 1 {
		t.Errorf("socketpair: %d pingers completed, want 1", completed)
	}
}

// libuv: tcp_ping_pong
func TestTCPPingPong(t *testing.T) { testPingPong(t, tcpLo4.Addr(), false, true) }

// libuv: tcp_ping_pong_vec
func TestTCPPingPongVec(t *testing.T) { testPingPong(t, tcpLo4.Addr(), true, true) }

// libuv: tcp6_ping_pong
func TestTCP6PingPong(t *testing.T) {
	tcpNeedIPv6(t)
	testPingPong(t, tcpLo6.Addr(), false, false)
}

// libuv: tcp6_ping_pong_vec
func TestTCP6PingPongVec(t *testing.T) {
	tcpNeedIPv6(t)
	testPingPong(t, tcpLo6.Addr(), true, false)
}

// ---- test-shutdown-* ----

// libuv: shutdown_close_tcp
func TestShutdownCloseTCP(t *testing.T) {
	// Close right after Shutdown: the shutdown callback still runs (with ECANCELED when the
	// shutdown had not completed), before the close callback. (shutdown_close_pipe is in
	// pipe_test.go.)
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	n := strCount{}
	tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		n["connect"]++
		_, err = c.Shutdown(func(err error) {
			if err != nil && !errors.Is(err, ECANCELED) {
				t.Errorf("shutdown: %v, want nil or ECANCELED", err)
			}
			if n["close"] != 0 {
				t.Errorf("shutdown callback after the close callback")
			}
			n["shutdown"]++
		})
		hndCheck(t, err)
		if c.IsClosing() {
			t.Errorf("IsClosing before Close")
		}
		hndCheck(t, c.Close(n.inc("close")))
		if !c.IsClosing() {
			t.Errorf("not IsClosing after Close")
		}
	})
	tcpRunDone(t, l)
	n.want(t, map[string]int{"connect": 1, "shutdown": 1, "close": 1})
}

// libuv: shutdown_eof
func TestShutdownEOF(t *testing.T) {
	// The client writes "Q" (the echo server closes its listener, not this connection) and
	// shuts down; the server answers EOF with its own shutdown. The client reads "Q", then EOF,
	// and libuv does not close the handle by itself: the timer that closes it later finds it
	// open.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	n := strCount{}
	gotQ, gotEOF := false, false
	tm, err := NewTimer(l)
	must(t, err)
	tcp := tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		onRead := func(data []byte, err error) {
			switch {
			case err == nil && len(data) == 0:
			case !gotQ:
				if err != nil || string(data) != "Q" || gotEOF {
					t.Errorf("first read: %q, %v; want Q", data, err)
				}
				gotQ = true
			default:
				tcpIs(t, "second read", err, EOF)
				gotEOF = true
			}
		}
		hndCheck(t, c.ReadStart(onRead))
		// libuv's error handling checks (a NULL stream or alloc callback has no Go form).
		if err := c.ReadStart(onRead); !errors.Is(err, EALREADY) {
			t.Errorf("second ReadStart: %v, want EALREADY", err)
		}
		if err := c.ReadStart(nil); !errors.Is(err, EINVAL) {
			t.Errorf("ReadStart(nil): %v, want EINVAL", err)
		}
		_, err = c.Write([][]byte{[]byte("Q")}, nil)
		hndCheck(t, err)
		_, err = c.Shutdown(func(err error) {
			hndCheck(t, err)
			if n["connect"] != 1 || gotEOF || n["tcp close"] != 0 || n["timer"] != 0 {
				t.Errorf("shutdown callback out of order: %v, EOF %v", n, gotEOF)
			}
			n["shutdown"]++
		})
		hndCheck(t, err)
		n["connect"]++
		if n["shutdown"] != 0 {
			t.Errorf("shutdown callback ran inside Shutdown")
		}
	})
	must(t, tm.Start(50*time.Millisecond, 0, func() {
		hndCheck(t, tm.Close(n.inc("timer close")))
		if n["tcp close"] != 0 {
			t.Errorf("the handle was closed before the timer (libuv closed it on EOF)")
		}
		hndCheck(t, tcp.Close(func() {
			if n["connect"] != 1 || !gotQ || !gotEOF || n["timer"] != 1 {
				t.Errorf("close callback: %v, Q %v, EOF %v", n, gotQ, gotEOF)
			}
			n["tcp close"]++
		}))
		n["timer"]++
	}))
	run(t, l, RunDefault)
	n.want(t, map[string]int{"connect": 1, "shutdown": 1, "tcp close": 1, "timer close": 1, "timer": 1})
	if !gotQ || !gotEOF {
		t.Errorf("Q %v, EOF %v; want both", gotQ, gotEOF)
	}
}

// libuv: shutdown_simultaneous
func TestShutdownSimultaneous(t *testing.T) {
	// The client sends "QQSS": the echo server writes it back and shuts down; the client shuts
	// down on reading it, while the server's shutdown is under way. Neither side hangs.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	n := strCount{}
	var got []byte
	gotEOF := false
	var c *TCP
	onRead := func(data []byte, err error) {
		switch {
		case err == nil && len(data) == 0:
		case err == nil:
			if gotEOF || len(got) != 0 {
				t.Errorf("read %q after EOF or after QQSS", data)
			}
			got = append(got, data...)
			if len(got) != 4 {
				t.Errorf("read %q, want QQSS in one read", data)
			} else {
				if string(got) != "QQSS" {
					t.Errorf("read %q, want QQSS", got)
				}
				_, err := c.Shutdown(func(error) {
					if n["connect"] != 1 || n["close"] != 0 {
						t.Errorf("shutdown callback out of order: %v", n)
					}
				})
				hndCheck(t, err)
				n["shutdown"]++
			}
		default:
			tcpIs(t, "read", err, EOF)
			gotEOF = true
			hndCheck(t, c.Close(n.inc("close")))
		}
	}
	c = tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		hndCheck(t, c.ReadStart(onRead))
		if err := c.ReadStart(onRead); !errors.Is(err, EALREADY) {
			t.Errorf("second ReadStart: %v, want EALREADY", err)
		}
		if err := c.ReadStart(nil); !errors.Is(err, EINVAL) {
			t.Errorf("ReadStart(nil): %v, want EINVAL", err)
		}
		if n, err := c.TryWrite([][]byte{[]byte("QQSS")}); n != 4 || err != nil {
			t.Errorf("TryWrite = %d, %v; want 4, nil", n, err)
		}
		n["connect"]++
		if n["shutdown"] != 0 {
			t.Errorf("shutdown before the connect callback returned")
		}
	})
	run(t, l, RunDefault)
	n.want(t, map[string]int{"connect": 1, "shutdown": 1, "close": 1})
	if len(got) != 4 || !gotEOF {
		t.Errorf("read %q, EOF %v; want QQSS and EOF", got, gotEOF)
	}
}

// libuv: shutdown_twice
func TestShutdownTwice(t *testing.T) {
	// A second Shutdown while the first is pending fails (ENOTCONN) and leaves no request
	// behind (the leak check counts the tokens); only the first callback runs.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	n := strCount{}
	tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		var r1 *ShutdownReq
		r1, err = c.Shutdown(func(err error) {
			hndCheck(t, err)
			n["shutdown"]++
			if _, err := c.Shutdown(n.incErr("third")); !errors.Is(err, ENOTCONN) {
				t.Errorf("Shutdown after the first completed: %v, want ENOTCONN", err)
			}
			hndCheck(t, c.Close(n.inc("close")))
		})
		hndCheck(t, err)
		if r1 == nil || r1.Type() != ReqShutdown {
			t.Errorf("Shutdown returned %v, want a shutdown request", r1)
		}
		if r2, err := c.Shutdown(n.incErr("second")); !errors.Is(err, ENOTCONN) || r2 != nil {
			t.Errorf("second Shutdown = %v, %v; want nil, ENOTCONN", r2, err)
		}
	})
	tcpRunDone(t, l)
	n.want(t, map[string]int{"shutdown": 1, "second": 0, "third": 0, "close": 1})
}

// ---- test-connection-fail, test-connect-unspecified ----

// testConnectionFail binds to 0.0.0.0:0 and connects to a local port where nothing listens:
// ECONNREFUSED. With autoClose the connect callback closes the handle; without, a timer
// closes it later and finds that libuv has not closed it.
func testConnectionFail(t *testing.T, closeInCb bool) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	n := strCount{}
	tm, err := NewTimer(l)
	must(t, err)
	h, err := NewTCP(l)
	must(t, err)
	must(t, h.Bind(netip.MustParseAddrPort("0.0.0.0:0"), 0))
	_, err = h.Connect(tcpFreePort(t, tcpLo4.Addr()), func(err error) {
		tcpIs(t, "connect", err, ECONNREFUSED)
		n["connect"]++
		if n["close"] != 0 {
			t.Errorf("close callback before the connect callback")
		}
		if closeInCb {
			hndCheck(t, h.Close(n.inc("close")))
			return
		}
		hndCheck(t, tm.Start(20*time.Millisecond, 0, func() {
			n["timer"]++
			if n["close"] != 0 || n["connect"] != 1 || h.IsClosing() {
				t.Errorf("timer: %v, closing %v; libuv must not close the handle by itself", n, h.IsClosing())
			}
			hndCheck(t, h.Close(n.inc("close")))
			hndCheck(t, tm.Close(n.inc("timer close")))
		}))
	})
	must(t, err)
	run(t, l, RunDefault)
	want := map[string]int{"connect": 1, "close": 1, "timer": 1, "timer close": 1}
	if closeInCb {
		want["timer"], want["timer close"] = 0, 0
		hndDoClose(t, l, tm)
	}
	n.want(t, want)
}

// libuv: connection_fail
func TestConnectionFail(t *testing.T) { testConnectionFail(t, true) }

// libuv: connection_fail_doesnt_auto_close
func TestConnectionFailDoesntAutoClose(t *testing.T) { testConnectionFail(t, false) }

// libuv: connect_unspecified
func TestConnectUnspecified(t *testing.T) {
	// Connecting to the unspecified address (0.0.0.0, ::) means the local host on Linux: the
	// connection is refused (no listener on the port), not EADDRNOTAVAIL.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	port := tcpFreePort(t, tcpLo4.Addr()).Port()
	addrs := []netip.Addr{netip.IPv4Unspecified()}
	if strCanIPv6() { // libuv's can_ipv6
		addrs = append(addrs, netip.IPv6Unspecified())
	}
	calls := 0
	for _, a := range addrs {
		tcpConnect(t, l, netip.AddrPortFrom(a, port), func(c *TCP, err error) {
			calls++
			if errors.Is(err, EADDRNOTAVAIL) {
				t.Errorf("connect to %v: %v", a, err)
			}
			hndCheck(t, c.Close(nil))
		})
	}
	tcpRunDone(t, l)
	if calls != len(addrs) {
		t.Errorf("%d connect callbacks, want %d", calls, len(addrs))
	}
}

// strCanIPv6 reports whether ::1 can be bound.
func strCanIPv6() bool {
	fd, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer syscall.Close(fd)
	return syscall.Bind(fd, &syscall.SockaddrInet6{Addr: tcpLo6.Addr().As16()}) == nil
}

// ---- test-delayed-accept, test-multiple-listen ----

// libuv: delayed_accept
func TestDelayedAccept(t *testing.T) {
	// Each connection is accepted by a timer some time after the connection callback, then
	// closed at once; the clients read EOF. The server closes after the second accept.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	n := strCount{}
	srv, err := NewTCP(l)
	must(t, err)
	must(t, srv.Bind(netip.MustParseAddrPort("0.0.0.0:0"), 0))
	a, err := srv.SockName()
	must(t, err)
	must(t, srv.Listen(128, func(err error) {
		hndCheck(t, err)
		n["connection"]++
		tm, err := NewTimer(l)
		hndCheck(t, err)
		hndCheck(t, tm.Start(20*time.Millisecond, 0, func() {
			c, err := NewTCP(l)
			hndCheck(t, err)
			hndCheck(t, srv.Accept(c))
			n["accept"]++
			hndCheck(t, c.Close(n.inc("close")))
			if n["accept"] == 2 {
				hndCheck(t, srv.Close(n.inc("close")))
			}
			hndCheck(t, tm.Close(n.inc("close")))
		}))
	}))
	for i := 0; i < 2; i++ {
		tcpConnect(t, l, netip.AddrPortFrom(tcpLo4.Addr(), a.Port()), func(c *TCP, err error) {
			hndCheck(t, err)
			n["connect"]++
			hndCheck(t, c.ReadStart(func(data []byte, err error) {
				if err == nil {
					if len(data) != 0 {
						t.Errorf("client read %q", data)
					}
					return
				}
				tcpIs(t, "client read", err, EOF)
				hndCheck(t, c.Close(n.inc("close")))
			}))
		})
	}
	run(t, l, RunDefault)
	n.want(t, map[string]int{"connection": 2, "accept": 2, "connect": 2, "close": 7})
}

// libuv: multiple_listen
func TestMultipleListen(t *testing.T) {
	// Listen twice on the same handle is fine; the second callback replaces the first.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	n := strCount{}
	srv, err := NewTCP(l)
	must(t, err)
	must(t, srv.Bind(netip.MustParseAddrPort("0.0.0.0:0"), 0))
	a, err := srv.SockName()
	must(t, err)
	must(t, srv.Listen(128, n.incErr("first listen callback")))
	must(t, srv.Listen(128, func(err error) {
		hndCheck(t, err)
		hndCheck(t, srv.Close(n.inc("close")))
		n["connection"]++
	}))
	tcpConnect(t, l, netip.AddrPortFrom(tcpLo4.Addr(), a.Port()), func(c *TCP, err error) {
		hndCheck(t, err)
		hndCheck(t, c.Close(n.inc("close")))
		n["connect"]++
	})
	run(t, l, RunDefault)
	n.want(t, map[string]int{"connection": 1, "connect": 1, "close": 2, "first listen callback": 0})
}

func (c strCount) incErr(name string) func(error) { return func(error) { c[name]++ } }

// ---- test-callback-stack ----

// libuv: callback_stack
func TestCallbackStack(t *testing.T) {
	// No callback runs from inside the call that requested it: each one finds nested == 0.
	// Connect, write a message to the echo server, wait, read it back, shut down on the last
	// byte, close on EOF.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	msg := []byte("Failure is for the weak. Everyone dies alone.\x00")
	nested := 0
	n := strCount{}
	received := 0
	fresh := func(what string) {
		if nested != 0 {
			t.Errorf("%s callback called from inside a call (nested %d)", what, nested)
		}
	}
	client, err := NewTCP(l)
	must(t, err)
	tm, err := NewTimer(l)
	must(t, err)
	onRead := func(data []byte, err error) {
		fresh("read")
		switch {
		case err == EOF:
			nested++
			hndCheck(t, client.Close(func() { fresh("close"); n["close"]++ }))
			nested--
		case err != nil:
			t.Errorf("read: %v", err)
		default:
			received += len(data)
			if received == len(msg) {
				nested++
				_, err := client.Shutdown(func(err error) {
					hndCheck(t, err)
					fresh("shutdown")
					n["shutdown"]++
				})
				hndCheck(t, err)
				nested--
			}
		}
	}
	nested++
	_, err = client.Connect(echo, func(err error) {
		hndCheck(t, err)
		fresh("connect")
		n["connect"]++
		nested++
		_, err = client.Write([][]byte{msg}, func(err error) {
			hndCheck(t, err)
			fresh("write")
			n["write"]++
			// Read only once the echo is surely waiting in the socket's buffer: the most
			// tempting case for a binding that would call back from ReadStart.
			nested++
			hndCheck(t, tm.Start(20*time.Millisecond, 0, func() {
				fresh("timer")
				n["timer"]++
				nested++
				hndCheck(t, client.ReadStart(onRead))
				nested--
				hndCheck(t, tm.Close(func() { fresh("close"); n["close"]++ }))
			}))
			nested--
		})
		hndCheck(t, err)
		nested--
	})
	must(t, err)
	nested--
	run(t, l, RunDefault)
	n.want(t, map[string]int{"connect": 1, "write": 1, "timer": 1, "shutdown": 1, "close": 2})
	if received != len(msg) || nested != 0 {
		t.Errorf("received %d bytes, nested %d; want %d, 0", received, nested, len(msg))
	}
}

// ---- test-close-fd ----

// libuv writes its byte with uv_fs_write; here a plain write(2) does.
//
// libuv: close_fd
func TestCloseFd(t *testing.T) {
	// The read end of a pipe in a Pipe handle; the writer writes one byte and closes its end.
	// The first read gets the byte and stops reading: the loop ends with the handle inactive.
	// Reading again gets EOF, though the write end was closed while nobody read.
	l := newTestLoop(t)
	fds, err := Pipe2(0, 0)
	must(t, err)
	h, err := NewPipe(l, false)
	must(t, err)
	must(t, h.Open(fds[0])) // the handle's from now on
	if _, err := syscall.Write(fds[1], []byte{0}); err != nil {
		t.Fatal(err)
	}
	must(t, syscall.Close(fds[1]))
	reads := 0
	onRead := func(data []byte, err error) {
		switch reads++; reads {
		case 1:
			if len(data) != 1 || err != nil {
				t.Errorf("first read: %d bytes, %v; want 1 byte", len(data), err)
			}
			hndCheck(t, h.ReadStop())
		case 2:
			tcpIs(t, "second read", err, EOF)
			hndCheck(t, h.Close(nil))
		default:
			t.Errorf("read callback %d: %q, %v", reads, data, err)
		}
	}
	must(t, h.ReadStart(onRead))
	tcpRunDone(t, l)
	if reads != 1 || h.IsActive() {
		t.Fatalf("%d reads, active %v; want 1, false", reads, h.IsActive())
	}
	must(t, h.ReadStart(onRead))
	tcpRunDone(t, l)
	if reads != 2 || !h.IsClosing() {
		t.Errorf("%d reads, closing %v; want 2, true", reads, h.IsClosing())
	}
}

// ---- test-handle-fileno, test-socket-buffer-size ----

// libuv answers EBADF for the descriptor of a closed handle; the binding refuses every call on
// it with ErrClosed before it reaches C. libuv's TTY part opens /dev/tty read-only, which a test
// run rarely has: the slave of a new pseudo-terminal, opened read-only, stands in.
//
// libuv: handle_fileno
func TestHandleFileno(t *testing.T) {
	l := newTestLoop(t)
	idle, err := NewIdle(l)
	must(t, err)
	if _, err := idle.Fileno(); !errors.Is(err, EINVAL) {
		t.Errorf("idle: Fileno: %v, want EINVAL", err)
	}
	must(t, idle.Close(nil))

	tcp, err := NewTCP(l)
	must(t, err)
	strFilenoCase(t, "tcp", tcp, func() error { return tcp.Bind(tcpLo4, 0) })
	udp, err := NewUDP(l)
	must(t, err)
	strFilenoCase(t, "udp", udp, func() error { return udp.Bind(tcpLo4, 0) })
	pipe, err := NewPipe(l, false)
	must(t, err)
	strFilenoCase(t, "pipe", pipe, func() error { return pipe.Bind(pipeName(t)) })
	if _, err := os.Stat("/dev/ptmx"); err == nil {
		master, slave := ttyOpenPTY(t)
		defer syscall.Close(master)
		fd := ttyOpen(t, slave, syscall.O_RDONLY)
		tty := ttyNew(t, l, fd, false) // libuv's readable 0: the access mode decides
		must(t, syscall.Close(fd))     // libuv reopened the terminal: fd is the caller's
		ttyDirection(t, "tty", tty, true, false)
		if fd, err := tty.Fileno(); err != nil || fd < 0 {
			t.Errorf("tty: Fileno = %d, %v; want a descriptor", fd, err)
		}
		must(t, tty.Close(nil))
		if _, err := tty.Fileno(); err != ErrClosed {
			t.Errorf("tty: Fileno after Close: %v, want ErrClosed", err)
		}
		ttyDirection(t, "closed tty", tty, false, false)
	}
	run(t, l, RunDefault)
}

// strFilenoCase: a new handle has no descriptor (EBADF), a bound one has, a closed one is
// ErrClosed; h is closed (the caller runs the loop).
func strFilenoCase(t *testing.T, name string, h Handle, bind func() error) {
	t.Helper()
	if _, err := h.Fileno(); !errors.Is(err, EBADF) {
		t.Errorf("%s: Fileno before bind: %v, want EBADF", name, err)
	}
	must(t, bind())
	if fd, err := h.Fileno(); err != nil || fd < 0 {
		t.Errorf("%s: Fileno after bind = %d, %v; want a descriptor", name, fd, err)
	}
	must(t, h.Close(nil))
	if fd, err := h.Fileno(); err != ErrClosed || fd != -1 {
		t.Errorf("%s: Fileno after Close = %d, %v; want -1, ErrClosed", name, fd, err)
	}
}

// libuv: socket_buffer_size
func TestSocketBufferSize(t *testing.T) {
	l := newTestLoop(t)
	tcp, err := NewTCP(l)
	must(t, err)
	must(t, tcp.Bind(tcpLo4, 0))
	strCheckBufferSize(t, tcp)
	udp, err := NewUDP(l)
	must(t, err)
	must(t, udp.Bind(tcpLo4, 0))
	strCheckBufferSize(t, udp)
	tcpClosed(t, l, tcp, udp) // two close callbacks, uv_run's 0
}

// strCheckBufferSize: the receive buffer size reads positive, and reads back what was set
// (Linux doubles it).
func strCheckBufferSize(t *testing.T, h Handle) {
	t.Helper()
	v, err := h.RecvBufferSize()
	must(t, err)
	if v <= 0 {
		t.Errorf("RecvBufferSize = %d, want > 0", v)
	}
	must(t, h.SetRecvBufferSize(10000))
	if v, err = h.RecvBufferSize(); err != nil || (v != 10000 && v != 20000) {
		t.Errorf("RecvBufferSize after setting 10000 = %d, %v; want 10000 or 20000", v, err)
	}
	if v, err = h.SendBufferSize(); err != nil || v <= 0 {
		t.Errorf("SendBufferSize = %d, %v; want > 0", v, err)
	}
}

// ---- test-emfile ----

// libuv lowers the limit to 32 descriptors; a Go test process has more open, so the limit
// here is set just above the descriptors in use, then the rest is used up with dup(2) but one.
//
// libuv: emfile
func TestEmfile(t *testing.T) {
	// The client's socket takes the last descriptor: the server's accept fails with EMFILE,
	// which libuv handles by closing its reserve descriptor, accepting and closing the
	// connection. The client connects; the server's connection callback never runs.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	srv, err := NewTCP(l)
	must(t, err)
	client, err := NewTCP(l)
	must(t, err)
	must(t, srv.Bind(tcpLo4, 0))
	addr, err := srv.SockName()
	must(t, err)
	must(t, srv.Listen(8, func(err error) { t.Errorf("connection callback ran (%v)", err) }))

	var old syscall.Rlimit
	must(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old))
	first, err := syscall.Dup(0)
	must(t, err)
	must(t, syscall.Close(first))
	lim := old
	lim.Cur = uint64(first) + 16
	must(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim))
	var dups []int
	restore := func() {
		for _, fd := range dups {
			syscall.Close(fd)
		}
		dups = nil
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
			t.Errorf("restoring RLIMIT_NOFILE: %v", err)
		}
	}
	defer restore()
	for {
		fd, err := syscall.Dup(0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			if err != syscall.EMFILE {
				t.Fatalf("dup: %v, want EMFILE at the end", err)
			}
			break
		}
		dups = append(dups, fd)
	}
	if len(dups) == 0 {
		t.Fatal("no descriptor to use up")
	}
	must(t, syscall.Close(dups[len(dups)-1])) // the one the client's socket takes
	dups = dups[:len(dups)-1]

	connects := 0
	_, err = client.Connect(addr, func(err error) {
		// The connection was accepted, then closed by the server's EMFILE handling.
		hndCheck(t, err)
		connects++
		hndCheck(t, srv.Close(nil))
		hndCheck(t, client.Close(nil))
	})
	must(t, err)
	tcpRunDone(t, l)
	restore()
	if connects != 1 {
		t.Errorf("%d connect callbacks, want 1", connects)
	}
}

// ---- test-readable-on-eof, test-not-readable-nor-writable-on-read-error,
// test-not-writable-after-shutdown ----

// libuv: readable_on_eof
func TestReadableOnEOF(t *testing.T) {
	// EOF leaves the stream readable and writable: reading again gets EOF again. libuv's
	// test calls its read callback once by hand before writing "QS" (the echo server closes
	// the connection); so does this one.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	n := strCount{}
	var client *TCP
	var onRead func([]byte, error)
	onRead = func(data []byte, err error) {
		tcpIs(t, "read", err, EOF)
		if !client.IsReadable() || !client.IsWritable() {
			t.Errorf("on EOF: readable %v, writable %v; want true, true", client.IsReadable(), client.IsWritable())
		}
		if n["read"]++; n["read"] == 3 {
			hndCheck(t, client.Close(n.inc("close")))
			if client.IsReadable() || client.IsWritable() {
				t.Errorf("after Close: readable %v, writable %v; want false, false", client.IsReadable(), client.IsWritable())
			}
			return
		}
		hndCheck(t, client.ReadStart(onRead))
	}
	client = tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		n["connect"]++
		onRead(nil, EOF)
		_, err = c.Write([][]byte{[]byte("QS")}, func(err error) { hndCheck(t, err); n["write"]++ })
		hndCheck(t, err)
	})
	tcpRunDone(t, l)
	n.want(t, map[string]int{"connect": 1, "read": 3, "write": 1, "close": 1})
}

// libuv: not_readable_nor_writable_on_read_error
func TestNotReadableNorWritableOnReadError(t *testing.T) {
	// "QSH" makes the echo server reset the connection: the read error (not EOF) leaves the
	// stream neither readable nor writable.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	n := strCount{}
	tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		n["connect"]++
		hndCheck(t, c.ReadStart(func(data []byte, err error) {
			n["read"]++
			if err == nil || err == EOF {
				t.Errorf("read: %q, %v; want an error other than EOF", data, err)
			}
			if c.IsReadable() || c.IsWritable() {
				t.Errorf("on %v: readable %v, writable %v; want false, false", err, c.IsReadable(), c.IsWritable())
			}
			hndCheck(t, c.Close(n.inc("close")))
		}))
		_, err = c.Write([][]byte{[]byte("QSH")}, func(err error) { hndCheck(t, err); n["write"]++ })
		hndCheck(t, err)
	})
	tcpRunDone(t, l)
	n.want(t, map[string]int{"connect": 1, "read": 1, "write": 1, "close": 1})
}

// libuv: not_writable_after_shutdown
func TestNotWritableAfterShutdown(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	echo := strEchoServer(t, tcpLo4)
	n := strCount{}
	tcpConnect(t, l, echo, func(c *TCP, err error) {
		hndCheck(t, err)
		_, err = c.Shutdown(func(err error) {
			hndCheck(t, err)
			hndCheck(t, c.Close(n.inc("close")))
		})
		hndCheck(t, err)
		if c.IsWritable() {
			t.Errorf("IsWritable right after Shutdown = true, want false")
		}
	})
	tcpRunDone(t, l)
	n.want(t, map[string]int{"close": 1})
}

// getsockname_tcp is mirrored in tcp_test.go (TestGetsocknameTCP).

// libuv: getsockname_udp
func TestGetsocknameUDP(t *testing.T) {
	// A listener bound to 0.0.0.0 reports that address and its port; the sender, bound by its
	// first Send, reports 0.0.0.0 and a port of its own once the datagram has arrived.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	socknames := 0
	srv, err := NewUDP(l)
	must(t, err)
	must(t, srv.Bind(netip.MustParseAddrPort("0.0.0.0:0"), 0))
	sa, err := srv.SockName()
	must(t, err)
	if sa.Addr() != netip.IPv4Unspecified() || sa.Port() == 0 {
		t.Errorf("listener's SockName = %v, want 0.0.0.0 and a port", sa)
	}
	socknames++
	sender, err := NewUDP(l)
	must(t, err)
	must(t, srv.RecvStart(func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		hndCheck(t, err)
		if data == nil {
			return // nothing to read
		}
		a, err := sender.SockName()
		hndCheck(t, err)
		if a.Addr() != netip.IPv4Unspecified() || a.Port() == 0 || from.Port() != a.Port() {
			t.Errorf("sender's SockName = %v (datagram from %v), want 0.0.0.0 and its port", a, from)
		}
		socknames++
		hndCheck(t, sender.Close(nil))
		hndCheck(t, srv.Close(nil))
	}))
	_, err = sender.Send(netip.AddrPortFrom(tcpLo4.Addr(), sa.Port()), [][]byte{[]byte("PING")}, func(err error) { hndCheck(t, err) })
	must(t, err)
	run(t, l, RunDefault)
	if socknames != 2 {
		t.Errorf("%d socknames, want 2", socknames)
	}
	if sender.SendQueueSize() != 0 || srv.SendQueueSize() != 0 {
		t.Errorf("send queue sizes %d, %d; want 0, 0", sender.SendQueueSize(), srv.SendQueueSize())
	}
}

// ---- test-watcher-cross-stop ----

// libuv: watcher_cross_stop
func TestWatcherCrossStop(t *testing.T) {
	// 2500 UDP sockets share one address (SO_REUSEADDR); each sends 1 KiB to it. Once one
	// datagram has been received, all are closed, in the same iteration as the receptions
	// still pending for the others: stopping watchers libuv is about to call must not break
	// its loop. Every send completes.
	const n = 2500
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	addr := netip.AddrPortFrom(tcpLo4.Addr(), strFreeUDPPort(t))
	big := bytes.Repeat([]byte("A"), 1024)
	recvs, sends, closes := 0, 0, 0
	socks := make([]*UDP, n)
	for i := range socks {
		u, err := NewUDP(l)
		must(t, err)
		socks[i] = u
		must(t, u.Bind(addr, UDPReuseAddr))
		must(t, u.RecvStart(func([]byte, netip.AddrPort, UDPFlags, error) { recvs++ }))
		_, err = u.Send(addr, [][]byte{big}, func(error) { sends++ })
		must(t, err)
	}
	for recvs == 0 {
		run(t, l, RunOnce)
	}
	for _, u := range socks {
		must(t, u.Close(func() { closes++ }))
	}
	run(t, l, RunDefault)
	if sends != n || closes != n {
		t.Errorf("%d send callbacks, %d close callbacks; want %d each", sends, closes, n)
	}
}

// strFreeUDPPort returns a UDP port of 127.0.0.1 that was free a moment ago.
func strFreeUDPPort(t *testing.T) uint16 {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	must(t, err)
	defer syscall.Close(fd)
	must(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	sa, err := syscall.Getsockname(fd)
	must(t, err)
	return uint16(sa.(*syscall.SockaddrInet4).Port)
}

// ---- data integrity ----

// testStreamReset: the server writes data and resets the connection when the client asks
// ("R"). Every byte delivered to the client is the one sent at its offset, and the client's
// reads end with one error, after which its read callback never runs.
//
// With unread set, the client stops reading before it asks, and resumes once the reset has
// arrived: the server's unsent data is dropped (its write completes with ECANCELED) and the
// client reads what had reached its socket, then the error. libuv reports it as EOF when the
// reset comes with unread data (after a short read on a hung-up socket, uv__stream_io reports
// EOF without reading further), else as ECONNRESET. Without unread, the client reads all the
// data first: the reset then reaches an idle reader, which gets ECONNRESET.
func testStreamReset(t *testing.T, unread bool) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	// With unread, the client's receive buffer is capped (SO_RCVBUF, which also stops the
	// kernel's autotuning) far below the data, which cannot all be in flight then.
	size := 1 << 20
	if unread {
		size = 8 << 20
	}
	pattern := make([]byte, 251) // a prime length: a shifted copy does not match
	for i := range pattern {
		pattern[i] = byte(i)
	}
	data := bytes.Repeat(pattern, size/len(pattern)+1)[:size]
	n := strCount{}
	var got int
	var readErr error
	var srv *TCP
	tm, err := NewTimer(l)
	must(t, err)
	srv, addr := tcpServer(t, l, tcpLo4, func(c *TCP) {
		_, err := c.Write([][]byte{data}, func(err error) {
			n["server write"]++
			if unread {
				tcpIs(t, "server write", err, ECANCELED)
			} else {
				hndCheck(t, err)
			}
		})
		hndCheck(t, err)
		hndCheck(t, c.ReadStart(func(b []byte, err error) {
			if err == nil && bytes.Equal(b, []byte("R")) {
				hndCheck(t, c.CloseReset(n.inc("server close")))
				hndCheck(t, srv.Close(nil))
				return
			}
			t.Errorf("server read %q, %v; want R", b, err)
		}))
	})
	var onRead func([]byte, error)
	client, err := NewTCPEx(l, AF_INET)
	must(t, err)
	if unread {
		must(t, client.SetRecvBufferSize(64<<10))
	}
	_, err = client.Connect(addr, func(err error) {
		hndCheck(t, err)
		hndCheck(t, client.ReadStart(onRead))
	})
	must(t, err)
	askReset := func() {
		_, err := client.Write([][]byte{[]byte("R")}, nil)
		hndCheck(t, err)
	}
	onRead = func(b []byte, err error) {
		if readErr != nil {
			t.Errorf("read callback after the error: %d bytes, %v", len(b), err)
			return
		}
		if err != nil {
			readErr = err
			hndCheck(t, client.Close(n.inc("client close")))
			return
		}
		if got+len(b) > len(data) || !bytes.Equal(b, data[got:got+len(b)]) {
			t.Errorf("bytes %d-%d differ from the ones sent", got, got+len(b))
		}
		got += len(b)
		switch {
		case !unread && got == len(data):
			askReset()
		case unread && n["stopped"] == 0:
			// Stop reading, ask for the reset, and resume once it has surely arrived.
			n["stopped"]++
			hndCheck(t, client.ReadStop())
			askReset()
			hndCheck(t, tm.Start(50*time.Millisecond, 0, func() {
				hndCheck(t, client.ReadStart(onRead))
			}))
		}
	}
	run(t, l, RunDefault)
	if unread {
		if readErr != EOF && !errors.Is(readErr, ECONNRESET) {
			t.Errorf("reader's error: %v, want EOF or ECONNRESET", readErr)
		}
		if got == 0 || got >= len(data) {
			t.Errorf("read %d bytes of %d; want some, not all", got, len(data))
		}
	} else {
		tcpIs(t, "reader's error", readErr, ECONNRESET)
		if got != len(data) {
			t.Errorf("read %d bytes, want %d", got, len(data))
		}
	}
	n.want(t, map[string]int{"server write": 1, "server close": 1, "client close": 1})
	hndDoClose(t, l, tm)
}

// TestStreamResetAfterBulkData: the peer resets the connection after 1 MiB of data, once the
// reader has read it all and waits for more: ECONNRESET.
func TestStreamResetAfterBulkData(t *testing.T) { testStreamReset(t, false) }

// TestStreamResetUnread: the peer resets the connection while data it sent is still unread.
func TestStreamResetUnread(t *testing.T) { testStreamReset(t, true) }

// TestStreamWriteAfterShutdown: Write after Shutdown is libuv's EPIPE, at once (the callback
// does not run and no request is left), both while the shutdown is pending and after it has
// completed; the writes queued before the Shutdown all arrive, in order, before the EOF.
func TestStreamWriteAfterShutdown(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	n := strCount{}
	var got []byte
	var want []byte
	var srv *TCP
	srv, addr := tcpServer(t, l, tcpLo4, func(c *TCP) {
		hndCheck(t, c.ReadStart(func(b []byte, err error) {
			if err != nil {
				tcpIs(t, "server read", err, EOF)
				hndCheck(t, c.Close(n.inc("close")))
				hndCheck(t, srv.Close(n.inc("close")))
				return
			}
			got = append(got, b...)
		}))
	})
	tcpConnect(t, l, addr, func(c *TCP, err error) {
		hndCheck(t, err)
		for i := 0; i < 100; i++ {
			chunk := bytes.Repeat([]byte{byte(i)}, 1000+i)
			want = append(want, chunk...)
			_, err := c.Write([][]byte{chunk}, func(err error) { hndCheck(t, err); n["write"]++ })
			hndCheck(t, err)
		}
		_, err = c.Shutdown(func(err error) {
			hndCheck(t, err)
			n["shutdown"]++
			if n["write"] != 100 {
				t.Errorf("shutdown callback after %d of 100 write callbacks", n["write"])
			}
			if r, err := c.Write([][]byte{[]byte("late")}, n.incErr("late write")); !errors.Is(err, EPIPE) || r != nil {
				t.Errorf("Write after the shutdown completed = %v, %v; want nil, EPIPE", r, err)
			}
			hndCheck(t, c.Close(n.inc("close")))
		})
		hndCheck(t, err)
		if r, err := c.Write([][]byte{[]byte("late")}, n.incErr("late write")); !errors.Is(err, EPIPE) || r != nil {
			t.Errorf("Write after Shutdown = %v, %v; want nil, EPIPE", r, err)
		}
		if _, err := c.TryWrite([][]byte{[]byte("late")}); !errors.Is(err, EPIPE) {
			t.Errorf("TryWrite after Shutdown: %v, want EPIPE", err)
		}
	})
	run(t, l, RunDefault)
	n.want(t, map[string]int{"write": 100, "shutdown": 1, "late write": 0, "close": 3})
	if !bytes.Equal(got, want) {
		t.Errorf("the server read %d bytes, want the %d written, in order", len(got), len(want))
	}
}
