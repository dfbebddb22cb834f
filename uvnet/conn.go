package uvnet

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/go-libuv/uv"
)

// Conn is a net.Conn over a libuv stream (a TCP handle, or a pipe for "unix"). Its methods are
// safe for concurrent use, from any goroutine but its loop's.
type Conn struct {
	e            *evloop
	s            uv.Stream
	network      string
	laddr, raddr net.Addr

	mu sync.Mutex
	// Read side: what libuv read and Read has not taken is rbuf[roff:].
	rbuf    []byte
	roff    int
	rerr    error         // EOF or libuv's error, after the buffered bytes
	rpaused bool          // libuv's reads are stopped: the buffer is full
	rresume bool          // resume is posted
	rwake   chan struct{} // a reader may go on
	// Write side: writers fill wbuf; the loop hands it to libuv as wfly.
	wmu     sync.Mutex // one Write at a time, so that each is written whole
	wbuf    []byte
	wfly    []byte
	wposted bool // flush is posted or a libuv write is in flight: its callback flushes
	wbusy   bool // wfly is in libuv's hands
	werr    error
	wshut   bool // CloseWrite was called
	wwake   chan struct{}
	closed  bool
	closeCh chan struct{}
	rdl     deadline
	wdl     deadline

	// Loop-only state and the functions handed to the loop, made once (no allocation per call).
	closing  bool // Close waits for the flush to close the handle
	shutDone bool
	vec      [][]byte
	flushFn  func()
	resumeFn func()
	closeFn  func()
	readFn   func([]byte, error)
	writeCb  func(error)
	releaseF func()
}

// newConn makes the Conn of a connected stream and starts reading. On the loop.
func newConn(e *evloop, s uv.Stream, network string) (*Conn, error) {
	c := &Conn{e: e, s: s, network: network,
		rwake: make(chan struct{}, 1), wwake: make(chan struct{}, 1),
		closeCh: make(chan struct{}), rdl: makeDeadline(), wdl: makeDeadline(),
		vec: make([][]byte, 1)}
	c.flushFn, c.resumeFn, c.closeFn = c.flush, c.resume, c.closeOnLoop
	c.readFn, c.writeCb, c.releaseF = c.onRead, c.onWritten, e.release
	c.laddr, c.raddr = streamAddrs(s, network)
	if t, ok := s.(*uv.TCP); ok {
		t.SetNoDelay(true) // as net's TCP conns: no Nagle delay
	}
	if err := s.ReadStart(c.readFn); err != nil {
		return nil, err
	}
	return c, nil
}

// streamAddrs returns the local and remote addresses of a TCP handle or a pipe.
func streamAddrs(s uv.Stream, network string) (net.Addr, net.Addr) {
	switch h := s.(type) {
	case *uv.TCP:
		l, _ := h.SockName()
		r, _ := h.PeerName()
		return net.TCPAddrFromAddrPort(l), net.TCPAddrFromAddrPort(r)
	case *uv.Pipe:
		l, _ := h.SockName()
		r, _ := h.PeerName()
		return &net.UnixAddr{Name: l, Net: network}, &net.UnixAddr{Name: r, Net: network}
	}
	return nil, nil
}

// onRead is libuv's read callback: it appends to the buffer and stops libuv's reads when the
// buffer is full. On the loop.
func (c *Conn) onRead(data []byte, err error) {
	if c.closing {
		return // Close drains the peer's bytes while it flushes
	}
	stop := false
	c.mu.Lock()
	switch {
	case err != nil:
		if c.rerr == nil {
			c.rerr = err
		}
		stop = !errors.Is(err, io.EOF) // libuv stops itself on EOF
	case len(data) > 0:
		if c.roff > 0 && len(c.rbuf)+len(data) > cap(c.rbuf) {
			c.rbuf = c.rbuf[:copy(c.rbuf, c.rbuf[c.roff:])]
			c.roff = 0
		}
		c.rbuf = append(c.rbuf, data...)
		if len(c.rbuf)-c.roff >= BufferSize {
			c.rpaused, stop = true, true
		}
	}
	c.mu.Unlock()
	if stop {
		c.s.ReadStop()
	}
	wake(c.rwake)
}

// resume restarts libuv's reads once a reader has drained the buffer. On the loop.
func (c *Conn) resume() {
	c.mu.Lock()
	again := c.rpaused && c.rerr == nil
	c.rpaused, c.rresume = false, false
	c.mu.Unlock()
	if again {
		c.s.ReadStart(c.readFn) // ErrClosed once Close has closed the handle
	}
}

// Read reads what the peer sent, blocking until some bytes, EOF, an error, the read deadline
// or Close. Safe for concurrent use.
func (c *Conn) Read(p []byte) (int, error) {
	c.mu.Lock()
	for {
		switch {
		case c.closed:
			c.mu.Unlock()
			return 0, c.opErr("read", net.ErrClosed)
		case c.rdl.passed():
			c.mu.Unlock()
			return 0, c.opErr("read", os.ErrDeadlineExceeded)
		case c.roff < len(c.rbuf):
			n := copy(p, c.rbuf[c.roff:])
			c.roff += n
			if c.roff == len(c.rbuf) {
				c.rbuf, c.roff = c.rbuf[:0], 0
			}
			more := c.roff < len(c.rbuf) || c.rerr != nil
			resume := c.rpaused && !c.rresume && len(c.rbuf)-c.roff <= BufferSize/2
			c.rresume = c.rresume || resume
			c.mu.Unlock()
			if resume {
				c.e.post(c.resumeFn)
			}
			if more {
				wake(c.rwake) // another reader may take the rest
			}
			return n, nil
		case c.rerr != nil:
			err := c.rerr
			c.mu.Unlock()
			wake(c.rwake)
			if errors.Is(err, io.EOF) {
				return 0, io.EOF
			}
			return 0, c.opErr("read", err)
		case len(p) == 0:
			c.mu.Unlock()
			return 0, nil
		}
		dl := c.rdl.wait()
		c.mu.Unlock()
		select {
		case <-c.rwake:
		case <-dl:
		case <-c.closeCh:
		}
		c.mu.Lock()
	}
}

// Write queues p for libuv and returns once all of it is queued, blocking while the queue
// holds BufferSize bytes. A write error of libuv is returned by the next Write. Safe for
// concurrent use; each Write is written whole, not interleaved with another.
func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	n := 0
	c.mu.Lock()
	for {
		switch {
		case c.closed:
			c.mu.Unlock()
			return n, c.opErr("write", net.ErrClosed)
		case c.werr != nil:
			err := c.werr
			c.mu.Unlock()
			return n, c.opErr("write", err)
		case c.wshut:
			c.mu.Unlock()
			return n, c.opErr("write", syscall.EPIPE)
		case c.wdl.passed():
			c.mu.Unlock()
			return n, c.opErr("write", os.ErrDeadlineExceeded)
		case n == len(p):
			c.mu.Unlock()
			return n, nil
		}
		if room := BufferSize - len(c.wbuf); room > 0 {
			k := min(room, len(p)-n)
			c.wbuf = append(c.wbuf, p[n:n+k]...)
			n += k
			if !c.wposted {
				c.wposted = true
				c.e.post(c.flushFn)
			}
			continue
		}
		dl := c.wdl.wait()
		c.mu.Unlock()
		select {
		case <-c.wwake:
		case <-dl:
		case <-c.closeCh:
		}
		c.mu.Lock()
	}
}

// flush hands what the writers queued to libuv: TryWrite first, then Write for what the socket
// did not take at once. When nothing is left, it completes a CloseWrite or Close that waited.
// On the loop.
func (c *Conn) flush() {
	for {
		c.mu.Lock()
		if c.wbusy {
			c.mu.Unlock()
			return
		}
		if c.werr != nil {
			c.wbuf = c.wbuf[:0]
		}
		if len(c.wbuf) == 0 {
			c.wposted = false
			shut := c.wshut && !c.shutDone && c.werr == nil
			c.mu.Unlock()
			if shut {
				c.shutDone = true
				c.s.Shutdown(nil)
			}
			if c.closing {
				c.closeHandle()
			}
			return
		}
		c.wbuf, c.wfly = c.wfly[:0], c.wbuf
		c.wbusy = true
		c.mu.Unlock()
		wake(c.wwake)
		c.vec[0] = c.wfly
		n, err := tryWrite(c.s, c.vec)
		if errors.Is(err, uv.EAGAIN) {
			n, err = 0, nil
		}
		if err == nil && n < len(c.wfly) {
			c.vec[0] = c.wfly[n:]
			if err = write(c.s, c.vec, c.writeCb); err == nil {
				c.vec[0] = nil
				return // onWritten goes on
			}
		}
		c.vec[0] = nil
		c.wrote(err)
	}
}

// onWritten is the callback of libuv's write. On the loop.
func (c *Conn) onWritten(err error) {
	c.wrote(err)
	c.flush()
}

// wrote records the end of a libuv write. On the loop.
func (c *Conn) wrote(err error) {
	c.mu.Lock()
	c.wbusy = false
	if err != nil && c.werr == nil && !isCanceled(err) {
		c.werr = err
	}
	c.mu.Unlock()
	wake(c.wwake)
}

// CloseWrite shuts the write side down (libuv's Shutdown) once the queued bytes are written;
// the peer reads EOF. Writes after it fail. Safe for concurrent use.
func (c *Conn) CloseWrite() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	if !c.wshut {
		c.wshut = true
		if !c.wposted {
			c.wposted = true
			c.e.post(c.flushFn)
		}
	}
	return nil
}

// Close closes the conn: pending and later calls return net.ErrClosed. The bytes queued by
// Write are flushed before libuv's handle is closed (uv_close would cancel them), while what
// the peer sends meanwhile is read and dropped; a peer that neither reads nor closes keeps the
// handle, and the package's loop, open until it does. Safe for concurrent use.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return c.opErr("close", net.ErrClosed)
	}
	c.closed = true
	close(c.closeCh)
	c.mu.Unlock()
	c.rdl.stop()
	c.wdl.stop()
	c.e.post(c.closeFn)
	return nil
}

// closeOnLoop closes the handle once the write queue is flushed. While it flushes, it reads and
// drops what the peer sends, so that two conns closing with full queues toward each other both
// finish. On the loop.
func (c *Conn) closeOnLoop() {
	c.closing = true
	c.mu.Lock()
	flushing := c.wposted
	c.rbuf, c.roff = nil, 0
	c.mu.Unlock()
	if !flushing {
		c.closeHandle()
		return
	}
	c.s.ReadStart(c.readFn) // EALREADY when reading
}

func (c *Conn) closeHandle() {
	if !c.s.IsClosing() {
		c.s.Close(c.releaseF)
	}
}

// LocalAddr returns the local address: a *net.TCPAddr or *net.UnixAddr. Safe for concurrent use.
func (c *Conn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the peer's address: a *net.TCPAddr or *net.UnixAddr. Safe for concurrent use.
func (c *Conn) RemoteAddr() net.Addr { return c.raddr }

// SetDeadline sets the read and write deadlines. Safe for concurrent use.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the time after which Read fails with os.ErrDeadlineExceeded; the zero
// time clears it. Safe for concurrent use.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.setDeadline(&c.rdl, t) }

// SetWriteDeadline sets the time after which Write fails with os.ErrDeadlineExceeded, having
// queued part of its bytes or none; the zero time clears it. Safe for concurrent use.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.setDeadline(&c.wdl, t) }

func (c *Conn) setDeadline(d *deadline, t time.Time) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return c.opErr("set", net.ErrClosed)
	}
	d.set(t)
	return nil
}

// opErr wraps err as net's conns do.
func (c *Conn) opErr(op string, err error) error {
	if errno, ok := err.(uv.Errno); ok {
		err = os.NewSyscallError(op, errno)
	} else if errno, ok := err.(syscall.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	return &net.OpError{Op: op, Net: c.network, Source: c.laddr, Addr: c.raddr, Err: err}
}
