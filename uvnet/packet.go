package uvnet

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/go-libuv/uv"
)

// packetQueue is how many received datagrams a PacketConn holds for ReadFrom; above it, libuv's
// receiving stops (RecvStop) until ReadFrom has taken half of them.
const packetQueue = 64

// PacketConn is a net.PacketConn over a libuv UDP handle. Its methods are safe for concurrent
// use, from any goroutine but its loop's.
type PacketConn struct {
	e       *evloop
	u       *uv.UDP
	network string
	laddr   *net.UDPAddr

	mu sync.Mutex
	// Received datagrams: slots[(head+i)%packetQueue] for i < n; their buffers are reused.
	slots   [packetQueue]packet
	head, n int
	rerr    error
	rpaused bool
	rwake   chan struct{}
	closed  bool
	closeCh chan struct{}
	rdl     deadline
	wdl     deadline

	// One WriteTo at a time hands its datagram to the loop.
	wmu    sync.Mutex
	sendTo netip.AddrPort
	vec    [][]byte
	sent   chan error

	sendFn, resumeFn, closeFn, releaseF func()
	recvFn                              func([]byte, netip.AddrPort, uv.UDPFlags, error)
	sendCb                              func(error)
}

type packet struct {
	b    []byte
	from netip.AddrPort
}

// ListenPacket wraps uv_udp_bind on a new UDP handle (networks "udp", "udp4", "udp6") and starts
// receiving (uv_udp_recv_start). Safe for concurrent use.
func (n *Network) ListenPacket(network, address string) (net.PacketConn, error) {
	opErr := func(err error) error { return &net.OpError{Op: "listen", Net: network, Err: err} }
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, opErr(errUnknownNetwork(network))
	}
	ap, err := resolve(context.Background(), network, address)
	if err != nil {
		return nil, opErr(err)
	}
	e, err := n.acquire()
	if err != nil {
		return nil, opErr(err)
	}
	c := &PacketConn{e: e, network: network, rwake: make(chan struct{}, 1),
		closeCh: make(chan struct{}), rdl: makeDeadline(), wdl: makeDeadline(),
		vec: make([][]byte, 1), sent: make(chan error, 1)}
	c.sendFn, c.resumeFn, c.closeFn, c.releaseF = c.send, c.resume, c.closeOnLoop, e.release
	c.recvFn, c.sendCb = c.onRecv, c.onSent
	done := make(chan error, 1)
	if err = e.post(func() { done <- c.start(ap) }); err == nil {
		err = <-done
	}
	if err != nil {
		if c.u == nil {
			e.release()
		}
		return nil, opErr(err)
	}
	return c, nil
}

// start creates, binds and starts receiving. On the loop; on failure the handle is closed.
func (c *PacketConn) start(ap netip.AddrPort) error {
	u, err := uv.NewUDP(c.e.l)
	if err != nil {
		return err
	}
	c.u = u
	var flags uv.UDPFlags
	if c.network == "udp6" {
		flags = uv.UDPIPv6Only
	}
	if err = u.Bind(ap, flags); err == nil {
		if ap, err = u.SockName(); err == nil {
			c.laddr = net.UDPAddrFromAddrPort(ap)
			err = u.RecvStart(c.recvFn)
		}
	}
	if err != nil {
		u.Close(c.releaseF)
	}
	return err
}

// onRecv is the receive callback: it queues a copy of the datagram. On the loop.
func (c *PacketConn) onRecv(data []byte, from netip.AddrPort, _ uv.UDPFlags, err error) {
	if err == nil && !from.IsValid() {
		return // nothing to read, or the end of a recvmmsg batch
	}
	stop := false
	c.mu.Lock()
	if err != nil {
		c.rerr = err
	} else {
		p := &c.slots[(c.head+c.n)%packetQueue]
		p.b = append(p.b[:0], data...)
		p.from = from
		c.n++
		if c.n == packetQueue {
			c.rpaused, stop = true, true
		}
	}
	c.mu.Unlock()
	if stop {
		c.u.RecvStop()
	}
	wake(c.rwake)
}

// resume restarts receiving once ReadFrom has drained the queue. On the loop.
func (c *PacketConn) resume() {
	c.mu.Lock()
	again := c.rpaused && !c.closed
	c.rpaused = false
	c.mu.Unlock()
	if again {
		c.u.RecvStart(c.recvFn)
	}
}

// ReadFrom reads the next datagram into p (a longer one is cut to len(p), as net's UDP conns
// do), blocking until one comes, the read deadline or Close. Safe for concurrent use.
func (c *PacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	c.mu.Lock()
	for {
		switch {
		case c.closed:
			c.mu.Unlock()
			return 0, nil, c.opErr("read", nil, net.ErrClosed)
		case c.rdl.passed():
			c.mu.Unlock()
			return 0, nil, c.opErr("read", nil, os.ErrDeadlineExceeded)
		case c.n > 0:
			pk := &c.slots[c.head]
			n := copy(p, pk.b)
			from := pk.from
			c.head, c.n = (c.head+1)%packetQueue, c.n-1
			resume := c.rpaused && c.n == packetQueue/2
			more := c.n > 0
			c.mu.Unlock()
			if resume {
				c.e.post(c.resumeFn)
			}
			if more {
				wake(c.rwake)
			}
			return n, net.UDPAddrFromAddrPort(from), nil
		case c.rerr != nil:
			err := c.rerr
			c.rerr = nil
			c.mu.Unlock()
			return 0, nil, c.opErr("read", nil, err)
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

// WriteTo sends p to addr, a *net.UDPAddr, with uv_udp_try_send, or uv_udp_send when the
// socket cannot take it at once; it returns once libuv has sent it. Safe for concurrent use.
func (c *PacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok || ua == nil {
		return 0, c.opErr("write", addr, net.InvalidAddrError("not a *net.UDPAddr"))
	}
	to := ua.AddrPort()
	to = netip.AddrPortFrom(to.Addr().Unmap(), to.Port())
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	switch {
	case closed:
		return 0, c.opErr("write", addr, net.ErrClosed)
	case c.wdl.passed():
		return 0, c.opErr("write", addr, os.ErrDeadlineExceeded)
	}
	c.sendTo, c.vec[0] = to, p
	if err := c.e.post(c.sendFn); err != nil {
		return 0, c.opErr("write", addr, err)
	}
	err := <-c.sent // libuv answers, ECANCELED when Close came first
	c.vec[0] = nil
	if err != nil {
		if isCanceled(err) {
			err = net.ErrClosed
		}
		return 0, c.opErr("write", addr, err)
	}
	return len(p), nil
}

// send hands WriteTo's datagram to libuv. On the loop.
func (c *PacketConn) send() {
	_, err := trySend(c.u, c.sendTo, c.vec)
	if errors.Is(err, uv.EAGAIN) {
		if err = send(c.u, c.sendTo, c.vec, c.sendCb); err == nil {
			return
		}
	}
	c.sent <- err
}

func (c *PacketConn) onSent(err error) { c.sent <- err }

// Close closes the handle: pending and later calls return net.ErrClosed. Safe for concurrent use.
func (c *PacketConn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return c.opErr("close", nil, net.ErrClosed)
	}
	c.closed = true
	close(c.closeCh)
	c.mu.Unlock()
	c.rdl.stop()
	c.wdl.stop()
	c.e.post(c.closeFn)
	return nil
}

func (c *PacketConn) closeOnLoop() { c.u.Close(c.releaseF) }

// LocalAddr returns the bound address, a *net.UDPAddr. Safe for concurrent use.
func (c *PacketConn) LocalAddr() net.Addr { return c.laddr }

// SetDeadline sets the read and write deadlines. Safe for concurrent use.
func (c *PacketConn) SetDeadline(t time.Time) error {
	c.rdl.set(t)
	c.wdl.set(t)
	return nil
}

// SetReadDeadline sets the time after which ReadFrom fails with os.ErrDeadlineExceeded. Safe
// for concurrent use.
func (c *PacketConn) SetReadDeadline(t time.Time) error { c.rdl.set(t); return nil }

// SetWriteDeadline sets the time after which WriteTo fails with os.ErrDeadlineExceeded (a
// datagram handed to libuv is sent whole). Safe for concurrent use.
func (c *PacketConn) SetWriteDeadline(t time.Time) error { c.wdl.set(t); return nil }

func (c *PacketConn) opErr(op string, addr net.Addr, err error) error {
	if errno, ok := err.(uv.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	return &net.OpError{Op: op, Net: c.network, Source: c.laddr, Addr: addr, Err: err}
}
