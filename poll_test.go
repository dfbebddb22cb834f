package uv

import (
	"errors"
	"math/rand"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The poll tests watch sockets made with the syscall package; the test reads and writes them
// itself, with the raw system calls (retried on EINTR, which the Go runtime's signals cause).

// pollSocket returns a new TCP socket, closed when the test ends (after the test has closed
// its poll handles).
func pollSocket(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	return fd
}

// pollListener returns a TCP socket bound to 127.0.0.1 on an ephemeral port, listening when
// listen is set, and its address.
func pollListener(t *testing.T, listen bool) (int, *syscall.SockaddrInet4) {
	t.Helper()
	fd := pollSocket(t)
	must(t, syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1))
	must(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	if listen {
		must(t, syscall.Listen(fd, 100))
	}
	sa, err := syscall.Getsockname(fd)
	must(t, err)
	return fd, sa.(*syscall.SockaddrInet4)
}

func retryIntr(fn func() (int, error)) (int, error) {
	for {
		n, err := fn()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

func pollRecv(fd int, b []byte, flags int) (int, error) {
	return retryIntr(func() (int, error) {
		n, _, err := syscall.Recvfrom(fd, b, flags)
		return n, err
	})
}

func pollSend(fd int, b []byte, flags int) (int, error) {
	return retryIntr(func() (int, error) {
		if err := syscall.Sendto(fd, b, flags, nil); err != nil {
			return -1, err
		}
		return len(b), nil // a stream socket's sendto may write less: use pollWrite for that
	})
}

// pollWrite is write(2): the number of bytes written, which may be less than len(b).
func pollWrite(fd int, b []byte) (int, error) {
	return retryIntr(func() (int, error) { return syscall.Write(fd, b) })
}

func pollAccept(fd int) (int, error) {
	return retryIntr(func() (int, error) {
		nfd, _, err := syscall.Accept4(fd, syscall.SOCK_CLOEXEC)
		return nfd, err
	})
}

// isEAGAIN reports a non-blocking socket's "try again".
func isEAGAIN(err error) bool {
	return err == syscall.EAGAIN || err == syscall.EWOULDBLOCK || err == syscall.EINPROGRESS
}

// pollTransfer is the state of poll_duplex and poll_unidirectional: clients and server
// connections transfer pollTransferBytes with random read and write patterns, each side ends
// with a FIN, and each connection closes once it has sent and received its FIN and seen
// PollDisconnect.
type pollTransfer struct {
	t           *testing.T
	l           *Loop
	duplex      bool
	rng         *rand.Rand
	closed      int
	disconnects int
	valid       int // writable wakeups that could write
	spurious    int // writable wakeups that got EAGAIN
}

const (
	pollClients       = 5
	pollTransferBytes = 1 << 16
)

type pollConn struct {
	pt              *pollTransfer
	fd              int
	poll            *Poll
	timer           *Timer
	server          bool
	read, sent      int
	open            int
	gotFIN, sentFIN bool
	gotDisconnect   bool
	events, delayed PollEvent
}

func (pt *pollTransfer) newConn(fd int, server bool) *pollConn {
	t := pt.t
	c := &pollConn{pt: pt, fd: fd, server: server, open: 2}
	var err error
	c.poll, err = NewPoll(pt.l, fd)
	must(t, err)
	c.timer, err = NewTimer(pt.l)
	must(t, err)
	c.events = PollReadable | PollWritable | PollDisconnect
	must(t, c.poll.Start(c.events, c.onPoll))
	return c
}

func (c *pollConn) closeCb() {
	t := c.pt.t
	if c.open--; c.open > 0 {
		return
	}
	wantRead, wantSent := pollTransferBytes, pollTransferBytes
	if !c.pt.duplex {
		if c.server {
			wantSent = 0
		} else {
			wantRead = 0
		}
	}
	if c.read != wantRead || c.sent != wantSent {
		t.Errorf("connection (server %v) read %d, sent %d; want %d, %d", c.server, c.read, c.sent, wantRead, wantSent)
	}
	c.pt.closed++
}

// delay stops watching ev and watches it again after d.
func (c *pollConn) delay(newEvents *PollEvent, ev PollEvent, d time.Duration) {
	*newEvents &^= ev
	if c.timer.IsActive() {
		c.delayed |= ev
		return
	}
	c.delayed = ev
	hndCheck(c.pt.t, c.timer.Start(d, 0, c.onTimer))
}

func (c *pollConn) onTimer() {
	t := c.pt.t
	if c.timer.IsActive() {
		t.Errorf("one-shot timer active in its callback")
	}
	if c.delayed == 0 {
		t.Errorf("delay timer with no delayed events")
	}
	c.events |= c.delayed
	c.delayed = 0
	hndCheck(t, c.poll.Start(c.events, c.onPoll))
}

// send writes up to size bytes of what is left to send and reports whether it could; the
// first write of a writable wakeup counts the wakeup as valid or, on EAGAIN, spurious.
func (c *pollConn) send(size int, first bool) bool {
	var buf [1234]byte
	n, err := pollWrite(c.fd, buf[:min(pollTransferBytes-c.sent, size)])
	if err != nil {
		if !isEAGAIN(err) {
			c.pt.t.Errorf("send: %v", err)
		}
		if first {
			c.pt.spurious++
		}
		return false
	}
	if first {
		c.pt.valid++
	}
	c.sent += n
	return true
}

func (c *pollConn) onPoll(events PollEvent, err error) {
	t, pt := c.pt.t, c.pt
	hndCheck(t, err)
	if events&c.events == 0 || events&^c.events != 0 {
		t.Errorf("poll events %#x, watching %#x", events, c.events)
	}
	newEvents := c.events

	if events&PollReadable != 0 {
		switch pt.rng.Intn(7) {
		case 0, 1: // read a few bytes
			var buf [74]byte
			n, err := pollRecv(c.fd, buf[:], 0)
			switch {
			case err != nil:
				t.Errorf("recv on a readable socket: %v", err)
			case n > 0:
				c.read += n
			default:
				c.gotFIN = true
				newEvents &^= PollReadable
			}
		case 2, 3: // read until EAGAIN
			var buf [931]byte
			for {
				n, err := pollRecv(c.fd, buf[:], 0)
				if err != nil {
					if !isEAGAIN(err) {
						t.Errorf("recv: %v", err)
					}
					break
				}
				if n == 0 {
					c.gotFIN = true
					newEvents &^= PollReadable
					break
				}
				c.read += n
			}
		case 4: // ignore
		case 5: // stop reading for a while
			c.delay(&newEvents, PollReadable, time.Millisecond)
		case 6: // fudge with the event mask
			hndCheck(t, c.poll.Start(PollWritable, c.onPoll))
			hndCheck(t, c.poll.Start(PollReadable, c.onPoll))
			c.events = PollReadable
		}
	}

	if events&PollWritable != 0 {
		if c.sent < pollTransferBytes && (pt.duplex || !c.server) {
			switch pt.rng.Intn(7) {
			case 0, 1: // send a few bytes
				c.send(103, true)
			case 2, 3: // send until EAGAIN
				for ok := c.send(1234, true); ok && c.sent < pollTransferBytes; {
					ok = c.send(1234, false)
				}
			case 4: // ignore
			case 5: // stop sending for a while
				c.delay(&newEvents, PollWritable, 10*time.Millisecond)
			case 6: // fudge with the event mask
				hndCheck(t, c.poll.Start(PollReadable, c.onPoll))
				hndCheck(t, c.poll.Start(PollWritable, c.onPoll))
				c.events = PollWritable
			}
		} else {
			// Nothing more to write: send FIN.
			hndCheck(t, syscall.Shutdown(c.fd, syscall.SHUT_WR))
			c.sentFIN = true
			newEvents &^= PollWritable
		}
	}

	if events&PollDisconnect != 0 {
		c.gotDisconnect = true
		pt.disconnects++
		newEvents &^= PollDisconnect
	}

	if c.gotFIN && c.sentFIN && c.gotDisconnect {
		hndCheck(t, syscall.Close(c.fd))
		hndCheck(t, c.poll.Close(c.closeCb))
		hndCheck(t, c.timer.Close(c.closeCb))
		c.events = 0
	} else if newEvents != c.events {
		c.events = newEvents
		hndCheck(t, c.poll.Start(newEvents, c.onPoll))
	}

	if active := c.poll.IsActive(); active != (c.events != 0) {
		t.Errorf("IsActive = %v with events %#x", active, c.events)
	}
}

func testPollTransfer(t *testing.T, duplex bool) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	pt := &pollTransfer{t: t, l: l, duplex: duplex, rng: rand.New(rand.NewSource(seed))}

	// The server: accepts pollClients connections, then closes its socket and handle.
	lfd, addr := pollListener(t, true)
	server, err := NewPollSocket(l, lfd)
	must(t, err)
	accepted := 0
	must(t, server.Start(PollReadable, func(events PollEvent, err error) {
		hndCheck(t, err)
		fd, err := pollAccept(lfd)
		if err != nil {
			t.Errorf("accept: %v", err)
			hndCheck(t, l.Stop())
			return
		}
		pt.newConn(fd, true)
		if accepted++; accepted == pollClients {
			hndCheck(t, server.Close(nil))
		}
	}))

	for i := 0; i < pollClients; i++ {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		must(t, err)
		must(t, syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1))
		must(t, syscall.Bind(fd, &syscall.SockaddrInet4{}))
		pt.newConn(fd, false) // uv_poll_init makes the socket non-blocking
		if err := syscall.Connect(fd, addr); err != nil && !isEAGAIN(err) {
			t.Fatalf("connect: %v", err)
		}
	}

	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	// At most five percent of the writable wakeups may be spurious.
	if pt.spurious != 0 && (pt.valid+pt.spurious)/pt.spurious <= 20 {
		t.Errorf("%d spurious writable wakeups of %d", pt.spurious, pt.valid+pt.spurious)
	}
	if pt.closed != 2*pollClients {
		t.Errorf("%d connections closed, want %d", pt.closed, 2*pollClients)
	}
	if pt.disconnects != 2*pollClients {
		t.Errorf("%d disconnects, want %d", pt.disconnects, 2*pollClients)
	}
}

// libuv: poll_duplex
func TestPollDuplex(t *testing.T) { testPollTransfer(t, true) }

// libuv: poll_unidirectional
func TestPollUnidirectional(t *testing.T) { testPollTransfer(t, false) }

// libuv: poll_close
func TestPollClose(t *testing.T) {
	l := newTestLoop(t)
	const n = 64
	polls := make([]*Poll, n)
	for i := range polls {
		p, err := NewPollSocket(l, pollSocket(t))
		must(t, err)
		must(t, p.Start(PollReadable|PollWritable, func(PollEvent, error) {
			t.Errorf("callback of a poll handle closed before the loop ran")
		}))
		polls[i] = p
	}
	closes := 0
	for _, p := range polls {
		must(t, p.Close(func() { closes++ }))
	}
	run(t, l, RunDefault)
	if closes != n {
		t.Errorf("%d close callbacks, want %d", closes, n)
	}
}

// libuv: poll_bad_fdtype
func TestPollBadFdtype(t *testing.T) {
	l := newTestLoop(t)
	f, err := os.Open(".")
	must(t, err)
	defer f.Close()
	p, err := NewPoll(l, int(f.Fd()))
	if err == nil {
		p.Close(nil)
		run(t, l, RunDefault)
		t.Fatal("NewPoll of a directory succeeded")
	}
	if !errors.Is(err, EPERM) {
		t.Logf("NewPoll of a directory: %v", err)
	}
}

// libuv: poll_nested_epoll
func TestPollNestedEpoll(t *testing.T) {
	l := newTestLoop(t)
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	must(t, err)
	defer syscall.Close(fd)
	p, err := NewPoll(l, fd)
	must(t, err)
	must(t, p.Start(PollReadable, func(PollEvent, error) {
		t.Errorf("callback of an empty epoll descriptor's poll handle")
	}))
	if !run(t, l, RunNoWait) {
		t.Errorf("Run(RunNoWait) with an active poll handle: not alive")
	}
	must(t, p.Close(nil))
	if run(t, l, RunDefault) {
		t.Errorf("Run after Close: alive")
	}
}

// libuv: poll_multiple_handles
func TestPollMultipleHandles(t *testing.T) {
	l := newTestLoop(t)
	fd := pollSocket(t)
	first, err := NewPollSocket(l, fd)
	must(t, err)
	second, err := NewPollSocket(l, fd)
	must(t, err)
	cb := func(events PollEvent, err error) {
		// An unconnected socket: Linux reports it readable (hung up) at once.
		hndCheck(t, err)
		if events != PollReadable {
			t.Errorf("events %#x, want PollReadable", events)
		}
	}
	must(t, first.Start(PollReadable, cb))
	// Another handle may not poll the descriptor while one does.
	if err := second.Start(PollReadable, cb); !errors.Is(err, EEXIST) {
		t.Errorf("second Start on the same descriptor: %v, want EEXIST", err)
	}
	must(t, first.Stop())
	must(t, second.Start(PollReadable, cb))

	// Closing a stopped poll handle is safe.
	closes := 0
	must(t, first.Close(func() { closes++ }))
	must(t, second.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run with only an unreferenced handle: alive")
	}
	if closes != 1 {
		t.Errorf("%d close callbacks, want 1", closes)
	}
	must(t, second.Ref())
	if !second.IsActive() {
		t.Errorf("second handle not active")
	}
	must(t, second.Close(func() { closes++ }))
	if run(t, l, RunDefault) {
		t.Errorf("Run after Close: alive")
	}
	if closes != 2 {
		t.Errorf("%d close callbacks, want 2", closes)
	}
}

// libuv: poll_oob
func TestPollOob(t *testing.T) {
	// As libuv's: a TCP handle listens and accepts the connection of a raw client socket into
	// another TCP handle (the peer), which does not read; poll handles watch the client's
	// socket and the peer's descriptor. The peer sends "hello" out of band and "world".
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	srv, peer, clientTCP := tcpNew(t, l), tcpNew(t, l), tcpNew(t, l)
	must(t, srv.Bind(tcpLo4, 0))
	addr, err := srv.SockName()
	must(t, err)
	must(t, clientTCP.SetNoDelay(true)) // libuv's test sets it on its unused client handle
	clientFd := pollSocket(t)
	var client, server *Poll
	serverFd := -1

	var oob, inline, served []byte
	done := func() bool {
		return len(oob) == 1 && string(inline) == "hellworld" && string(served) == "foo"
	}
	finish := func() {
		if done() {
			for _, h := range []Handle{client, server, srv, peer, clientTCP} {
				hndCheck(t, h.Close(nil))
			}
		}
	}
	clientEvents := PollPrioritized | PollReadable | PollWritable
	var clientCb func(PollEvent, error)
	clientCb = func(events PollEvent, err error) {
		hndCheck(t, err)
		var buf [5]byte
		if events&PollPrioritized != 0 {
			n, err := pollRecv(clientFd, buf[:], syscall.MSG_OOB)
			if err != nil {
				t.Errorf("recv(MSG_OOB): %v", err)
			}
			oob = append(oob, buf[:max(n, 0)]...)
			clientEvents &^= PollPrioritized
			hndCheck(t, client.Stop())
			hndCheck(t, client.Start(clientEvents, clientCb))
		}
		if events&PollReadable != 0 {
			n, err := pollRecv(clientFd, buf[:], 0)
			if err != nil && !isEAGAIN(err) {
				t.Errorf("recv: %v", err)
			}
			if len(inline) == 0 && n != 4 {
				// The urgent byte ends the first read: "hell", then "world".
				t.Errorf("first read of %d bytes %q, want 4", n, buf[:max(n, 0)])
			}
			inline = append(inline, buf[:max(n, 0)]...)
		}
		if events&PollWritable != 0 {
			if _, err := pollSend(clientFd, []byte("foo"), 0); err != nil {
				t.Errorf("send: %v", err)
			}
			clientEvents &^= PollWritable
			hndCheck(t, client.Start(clientEvents, clientCb))
		}
		finish()
	}
	serverCb := func(events PollEvent, err error) {
		hndCheck(t, err)
		var buf [3]byte
		n, err := pollRecv(serverFd, buf[:], 0)
		if err != nil {
			t.Errorf("server recv: %v", err)
		}
		served = append(served, buf[:max(n, 0)]...)
		hndCheck(t, server.Stop())
		finish()
	}
	connections := 0
	must(t, srv.Listen(1, func(err error) {
		hndCheck(t, err)
		connections++
		hndCheck(t, srv.Accept(peer))
		hndCheck(t, peer.SetNoDelay(true)) // two separate packets
		serverFd, err = peer.Fileno()
		hndCheck(t, err)
		client, err = NewPollSocket(l, clientFd)
		hndCheck(t, err)
		server, err = NewPollSocket(l, serverFd)
		hndCheck(t, err)
		hndCheck(t, client.Start(clientEvents, clientCb))
		hndCheck(t, server.Start(PollReadable, serverCb))
		if _, err := pollSend(serverFd, []byte("hello"), syscall.MSG_OOB); err != nil {
			t.Errorf("send(MSG_OOB): %v", err)
		}
		if _, err := pollSend(serverFd, []byte("world"), 0); err != nil {
			t.Errorf("send: %v", err)
		}
	}))
	sa := &syscall.SockaddrInet4{Addr: addr.Addr().As4(), Port: int(addr.Port())}
	if _, err := retryIntr(func() (int, error) { return 0, syscall.Connect(clientFd, sa) }); err != nil {
		t.Fatalf("connect: %v", err)
	}

	tcpRunDone(t, l)
	if connections != 1 || !done() {
		t.Errorf("%d connections; out-of-band %q, inline %q, server read %q; want 1, \"o\", \"hellworld\", \"foo\"", connections, oob, inline, served)
	}
	if string(oob) != "o" {
		t.Errorf("out-of-band byte %q, want \"o\"", oob)
	}
}

// A descriptor in an error state (a refused connection) gives the callback libuv's EBADF with
// no events, and stops the handle.
func TestPollError(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	_, addr := pollListener(t, false) // bound, not listening: connections are refused
	fd := pollSocket(t)
	p, err := NewPollSocket(l, fd)
	must(t, err)
	calls := 0
	must(t, p.Start(PollWritable, func(events PollEvent, err error) {
		calls++
		if !errors.Is(err, EBADF) || events != 0 {
			t.Errorf("callback (%#x, %v), want (0, EBADF)", events, err)
		}
		if p.IsActive() {
			t.Errorf("poll handle active after an error")
		}
	}))
	if err := syscall.Connect(fd, addr); err != nil && !isEAGAIN(err) && err != syscall.ECONNREFUSED {
		t.Fatalf("connect: %v", err)
	}
	run(t, l, RunDefault)
	if calls != 1 {
		t.Errorf("%d callbacks, want 1", calls)
	}
	hndDoClose(t, l, p)
}

func TestPollMisuse(t *testing.T) {
	l := newTestLoop(t)
	fd := pollSocket(t)
	p, err := NewPollSocket(l, fd)
	must(t, err)
	cb := func(PollEvent, error) {}
	if err := p.Start(PollReadable|1<<10, cb); !errors.Is(err, EINVAL) {
		t.Errorf("Start with an unknown event bit: %v, want EINVAL", err)
	}
	if err := p.Start(PollReadable, nil); !errors.Is(err, EINVAL) {
		t.Errorf("Start with a nil callback: %v, want EINVAL", err)
	}
	if p.IsActive() {
		t.Errorf("active after refused Starts")
	}
	must(t, p.Start(PollReadable|PollWritable, cb))
	if !p.IsActive() {
		t.Errorf("not active after Start")
	}
	// libuv polls a descriptor with one handle at a time.
	if q, err := NewPoll(l, fd); !errors.Is(err, EEXIST) {
		t.Errorf("NewPoll of a polled descriptor: %v, want EEXIST", err)
		if q != nil {
			q.Close(nil)
		}
	}
	// Events 0 stops, with or without a callback.
	must(t, p.Start(0, nil))
	if p.IsActive() {
		t.Errorf("active after Start(0)")
	}
	if got, err := p.Fileno(); err != nil || got != fd {
		t.Errorf("Fileno = %d, %v; want %d", got, err, fd)
	}
	hndDoClose(t, l, p)
	if err := p.Start(PollReadable, cb); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close: %v, want ErrClosed", err)
	}
	if err := p.Stop(); !errors.Is(err, ErrClosed) {
		t.Errorf("Stop after Close: %v, want ErrClosed", err)
	}
	if err := p.Close(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}

	// A descriptor that is not open: libuv's EBADF.
	if q, err := NewPoll(l, -1); !errors.Is(err, EBADF) || q != nil {
		t.Errorf("NewPoll(-1) = %v, %v; want EBADF", q, err)
	}

	l2, err := NewLoop()
	must(t, err)
	must(t, l2.Close())
	if _, err := NewPoll(l2, fd); !errors.Is(err, ErrClosed) {
		t.Errorf("NewPoll on a closed loop: %v, want ErrClosed", err)
	}
}

func TestPollWrongThread(t *testing.T) {
	l := newTestLoop(t)
	p, err := NewPollSocket(l, pollSocket(t))
	must(t, err)
	errs := map[string]error{}
	loopFromOtherGoroutine(t, l, func() {
		errs["Start"] = wrongThreadErr(func() error { return p.Start(PollReadable, func(PollEvent, error) {}) })
		errs["Stop"] = wrongThreadErr(p.Stop)
		errs["NewPoll"] = wrongThreadErr(func() error { _, err := NewPoll(l, 0); return err })
	})
	for name, err := range errs {
		if !errors.Is(err, ErrWrongThread) {
			t.Errorf("%s from another goroutine: %v, want ErrWrongThread", name, err)
		}
	}
	if p.IsActive() {
		t.Errorf("active after the refused Start")
	}
	hndDoClose(t, l, p)
}

// wrongThreadErr calls fn, a loop-bound call from the wrong goroutine, and returns its error;
// with the uvdebug tag, where the call panics instead, the panic is ErrWrongThread.
func wrongThreadErr(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if s, ok := v.(string); ok && strings.HasPrefix(s, "uv: loop used from a goroutine") {
				err = ErrWrongThread
				return
			}
			panic(v)
		}
	}()
	return fn()
}
