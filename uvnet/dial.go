package uvnet

import (
	"context"
	"net"
	"net/netip"

	"github.com/go-libuv/uv"
)

// Dial is DialContext without a context. Safe for concurrent use.
func (n *Network) Dial(network, address string) (net.Conn, error) {
	return n.DialContext(context.Background(), network, address)
}

// DialContext wraps uv_tcp_connect on a new TCP handle (networks "tcp", "tcp4", "tcp6") or
// uv_pipe_connect on a new pipe ("unix"). When ctx ends before the connection is made, the
// handle is closed, which cancels the connect (libuv answers ECANCELED), and DialContext
// returns ctx's error in a *net.OpError. Safe for concurrent use.
func (n *Network) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d := &dialer{network: network, address: address, done: make(chan error, 1)}
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: network, Addr: d.raddr(), Err: err}
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
		var err error
		if d.ap, err = resolve(ctx, network, address); err != nil {
			return nil, opErr(err)
		}
	case "unix":
	default:
		return nil, opErr(errUnknownNetwork(network))
	}
	if err := ctx.Err(); err != nil {
		return nil, opErr(err)
	}
	e, err := n.acquire()
	if err != nil {
		return nil, opErr(err)
	}
	d.e = e
	if err := e.post(d.start); err != nil {
		return nil, opErr(err)
	}
	select {
	case err = <-d.done:
	case <-ctx.Done():
		e.post(d.cancel)
		if err = <-d.done; err == nil {
			d.c.Close()
		}
		return nil, opErr(ctx.Err())
	}
	if err != nil {
		return nil, opErr(err)
	}
	return d.c, nil
}

// dialer is one DialContext; its fields past done are the loop's.
type dialer struct {
	network, address string
	ap               netip.AddrPort
	e                *evloop
	done             chan error

	s        uv.Stream
	finished bool
	c        *Conn
}

func (d *dialer) raddr() net.Addr {
	if d.network == "unix" {
		return &net.UnixAddr{Name: d.address, Net: d.network}
	}
	if d.ap.IsValid() {
		return net.TCPAddrFromAddrPort(d.ap)
	}
	return nil
}

// start creates the handle and connects. On the loop.
func (d *dialer) start() {
	s, err := newStream(d.e.l, d.network)
	if err != nil {
		d.finished = true
		d.e.release()
		d.done <- err
		return
	}
	d.s = s
	switch h := s.(type) {
	case *uv.TCP:
		_, err = h.Connect(d.ap, d.connected)
	case *uv.Pipe:
		_, err = h.Connect(d.address, d.connected)
	}
	if err != nil {
		d.connected(err)
	}
}

// connected is the connect callback. On the loop.
func (d *dialer) connected(err error) {
	if d.finished {
		return
	}
	d.finished = true
	if err == nil {
		d.c, err = newConn(d.e, d.s, d.network)
	}
	if err != nil && !d.s.IsClosing() { // else cancel closed it
		d.s.Close(d.e.release)
	}
	d.done <- err
}

// cancel closes the handle of a connect in flight: libuv calls connected with ECANCELED.
// On the loop.
func (d *dialer) cancel() {
	if !d.finished && d.s != nil {
		d.s.Close(d.e.release)
	}
}
