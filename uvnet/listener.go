package uvnet

import (
	"context"
	"net"
	"net/netip"
	"sync"

	"github.com/go-libuv/uv"
)

// Listener is a net.Listener over a listening libuv stream. Its methods are safe for
// concurrent use, from any goroutine but its loop's.
type Listener struct {
	e       *evloop
	s       uv.Stream
	network string
	addr    net.Addr

	mu      sync.Mutex
	queue   []*Conn // accepted by libuv, not yet by Accept
	err     error   // libuv's error of the listen callback
	wake    chan struct{}
	closed  bool
	closeCh chan struct{}
}

// Listen wraps uv_listen on a new TCP handle (networks "tcp", "tcp4", "tcp6") bound with
// uv_tcp_bind, or a new pipe ("unix") bound with uv_pipe_bind. Connections are accepted on the
// loop as they come and wait for Accept (each reads up to BufferSize meanwhile); the queue has
// no bound of its own. Safe for concurrent use.
func (n *Network) Listen(network, address string) (net.Listener, error) {
	opErr := func(err error) error {
		return &net.OpError{Op: "listen", Net: network, Err: err}
	}
	var ap netip.AddrPort
	switch network {
	case "tcp", "tcp4", "tcp6":
		var err error
		if ap, err = resolve(context.Background(), network, address); err != nil {
			return nil, opErr(err)
		}
	case "unix":
	default:
		return nil, opErr(errUnknownNetwork(network))
	}
	e, err := n.acquire()
	if err != nil {
		return nil, opErr(err)
	}
	ln := &Listener{e: e, network: network, wake: make(chan struct{}, 1), closeCh: make(chan struct{})}
	done := make(chan error, 1)
	err = e.post(func() { done <- ln.start(ap, address) })
	if err == nil {
		err = <-done
	}
	if err != nil {
		if ln.s == nil {
			e.release()
		}
		return nil, &net.OpError{Op: "listen", Net: network, Addr: ln.addr, Err: err}
	}
	return ln, nil
}

// start creates, binds and listens. On the loop; on failure the handle is closed.
func (ln *Listener) start(ap netip.AddrPort, name string) error {
	s, err := newStream(ln.e.l, ln.network)
	if err != nil {
		return err
	}
	ln.s = s
	switch h := s.(type) {
	case *uv.TCP:
		var flags uv.TCPFlags
		if ln.network == "tcp6" {
			flags = uv.TCPIPv6Only
		}
		err = h.Bind(ap, flags)
		if err == nil {
			ap, _ = h.SockName()
			ln.addr = net.TCPAddrFromAddrPort(ap)
		}
	case *uv.Pipe:
		ln.addr = &net.UnixAddr{Name: name, Net: ln.network}
		err = h.Bind(name)
	}
	if err == nil {
		err = s.Listen(511, ln.onConn)
	}
	if err != nil {
		s.Close(ln.e.release)
	}
	return err
}

// newStream creates the handle of a stream network. On the loop.
func newStream(l *uv.Loop, network string) (uv.Stream, error) {
	if network == "unix" {
		return uv.NewPipe(l, false)
	}
	return uv.NewTCP(l)
}

// onConn is the listen callback: it accepts the connection into a Conn that waits for Accept.
// On the loop.
func (ln *Listener) onConn(err error) {
	var c *Conn
	if err == nil {
		c, err = ln.accept()
	}
	ln.mu.Lock()
	switch {
	case ln.closed && c != nil:
		c.Close()
	case c != nil:
		ln.queue = append(ln.queue, c)
	default:
		ln.err = err
	}
	ln.mu.Unlock()
	wake(ln.wake)
}

func (ln *Listener) accept() (*Conn, error) {
	s, err := newStream(ln.e.l, ln.network)
	if err != nil {
		return nil, err
	}
	e := ln.e.addUser()
	if err := ln.s.Accept(s); err != nil {
		s.Close(e.release)
		return nil, err
	}
	c, err := newConn(e, s, ln.network)
	if err != nil {
		s.Close(e.release)
		return nil, err
	}
	return c, nil
}

// Accept waits for the next connection. After Close it returns net.ErrClosed. Safe for
// concurrent use.
func (ln *Listener) Accept() (net.Conn, error) {
	ln.mu.Lock()
	for {
		switch {
		case ln.closed:
			ln.mu.Unlock()
			return nil, ln.opErr(net.ErrClosed)
		case len(ln.queue) > 0:
			c := ln.queue[0]
			ln.queue[0] = nil
			ln.queue = ln.queue[1:]
			more := len(ln.queue) > 0
			ln.mu.Unlock()
			if more {
				wake(ln.wake)
			}
			return c, nil
		case ln.err != nil:
			err := ln.err
			ln.err = nil
			ln.mu.Unlock()
			return nil, ln.opErr(err)
		}
		ln.mu.Unlock()
		select {
		case <-ln.wake:
		case <-ln.closeCh:
		}
		ln.mu.Lock()
	}
}

// Close closes the listener and the connections Accept has not taken; it unblocks Accept.
// Safe for concurrent use.
func (ln *Listener) Close() error {
	ln.mu.Lock()
	if ln.closed {
		ln.mu.Unlock()
		return ln.opErr(net.ErrClosed)
	}
	ln.closed = true
	close(ln.closeCh)
	queue := ln.queue
	ln.queue = nil
	ln.mu.Unlock()
	ln.e.post(func() {
		for _, c := range queue {
			c.Close()
		}
		ln.s.Close(ln.e.release)
	})
	return nil
}

// Addr returns the listener's address: a *net.TCPAddr or *net.UnixAddr. Safe for concurrent use.
func (ln *Listener) Addr() net.Addr { return ln.addr }

func (ln *Listener) opErr(err error) error {
	return &net.OpError{Op: "accept", Net: ln.network, Addr: ln.addr, Err: err}
}
