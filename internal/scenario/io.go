package scenario

import (
	"net/netip"
	"strconv"

	"github.com/go-libuv/uv"
)

// The scenarios of file and network I/O. The network ones print "-" for the iteration, and
// log each end of a connection on its own side (printed after the run): libuv orders the events
// of one end; when a packet arrives, and so how the two ends interleave, is the kernel's.

func init() {
	register("fs_errors", true, fsErrors)
	register("tcp_refused", true, tcpRefused)
	register("tcp_queued_writes", true, tcpQueuedWrites)
	register("tcp_connect_close", true, tcpConnectClose)
	register("tcp_shutdown_eof", true, tcpShutdownEOF)
	register("udp_zero", true, udpZero)
}

// missing is a path that does not exist.
const missing = "/nonexistent-uv-cdiff/x"

// fsOp is one failing file system operation: cb nil runs it synchronously.
type fsOp struct {
	name string
	do   func(l *uv.Loop, cb func(*uv.FSReq)) error
}

var fsOps = []fsOp{
	{"open", func(l *uv.Loop, cb func(*uv.FSReq)) error {
		_, err := uv.FSOpen(l, missing, uv.O_RDONLY, 0, cb)
		return err
	}},
	{"mkdir", func(l *uv.Loop, cb func(*uv.FSReq)) error { _, err := uv.FSMkdir(l, "/", 0o755, cb); return err }},
	{"open_dir_w", func(l *uv.Loop, cb func(*uv.FSReq)) error {
		_, err := uv.FSOpen(l, "/", uv.O_WRONLY, 0, cb)
		return err
	}},
	{"rmdir", func(l *uv.Loop, cb func(*uv.FSReq)) error { _, err := uv.FSRmdir(l, missing, cb); return err }},
	{"readlink", func(l *uv.Loop, cb func(*uv.FSReq)) error { _, err := uv.FSReadlink(l, "/", cb); return err }},
	{"close", func(l *uv.Loop, cb func(*uv.FSReq)) error { _, err := uv.FSClose(l, -1, cb); return err }},
	{"scandir", func(l *uv.Loop, cb func(*uv.FSReq)) error { _, err := uv.FSScandir(l, missing, cb); return err }},
	{"stat", func(l *uv.Loop, cb func(*uv.FSReq)) error { _, err := uv.FSStat(l, "", cb); return err }},
}

// fs_errors: failing operations, synchronous (the call's result), then asynchronous (each
// callback's result; each one starts the next, so that their order is libuv's and not the
// thread pool's).
func fsErrors(e *Env) {
	for _, op := range fsOps {
		e.Ev(op.name, "sync", op.do(e.L, nil))
	}
	var next func(i int)
	next = func(i int) {
		if i == len(fsOps) {
			return
		}
		op := fsOps[i]
		e.Ev(op.name, "async", op.do(e.L, func(r *uv.FSReq) {
			e.Ev("fs", op.name, r.Err())
			next(i + 1)
		}))
	}
	next(0)
	e.Run(uv.RunDefault)
}

// bound returns a TCP handle bound to 127.0.0.1 on a port the OS chose, not listening (a
// connect to it is refused), and its address.
func bound(l *uv.Loop) (*uv.TCP, netip.AddrPort) {
	b := must1(uv.NewTCP(l))
	check(b.Bind(loopback, 0))
	return b, must1(b.SockName())
}

// tcp_refused: a connect to a port where nothing listens.
func tcpRefused(e *Env) {
	e.Net()
	b, addr := bound(e.L)
	c := must1(uv.NewTCP(e.L))
	_, err := c.Connect(addr, func(err error) {
		e.Ev("connect", "c", err)
		check(c.Close(e.closer("c")))
		check(b.Close(e.closer("b")))
	})
	e.Ev("tcp_connect", "c", err)
	e.Run(uv.RunDefault)
}

// tcp_queued_writes: writes queued behind a connect, then the stream closed before the loop
// runs: the connect and every write are cancelled, in order, before the close callback.
func tcpQueuedWrites(e *Env) {
	b, addr := bound(e.L)
	c := must1(uv.NewTCP(e.L))
	_, err := c.Connect(addr, func(err error) { e.Ev("connect", "c", err) })
	e.Ev("tcp_connect", "c", err)
	for _, w := range []string{"w1", "w2", "w3"} {
		_, err := c.Write([][]byte{[]byte(w)}, func(err error) { e.Ev("write", w, err) })
		e.Ev("write_call", w, err)
	}
	e.Ev("write_queue_size", "c", nil, "size="+strconv.Itoa(c.WriteQueueSize()))
	check(c.Close(func() {
		e.Ev("close", "c", nil)
		check(b.Close(e.closer("b")))
	}))
	e.Run(uv.RunDefault)
}

// readEv logs a read callback on side i: "n=<bytes>" or the error.
func (e *Env) readEv(i int, name string, data []byte, err error) {
	if err != nil {
		e.SEv(i, "read", name, err)
		return
	}
	e.SEv(i, "read", name, nil, "n="+strconv.Itoa(len(data)))
}

// listener returns a TCP handle listening on 127.0.0.1 (the OS chooses the port) whose first
// connection is accepted into a new handle "a" and handed to accepted; and its address.
func (e *Env) listener(side int, accepted func(a *uv.TCP)) (*uv.TCP, netip.AddrPort) {
	s := must1(uv.NewTCP(e.L))
	check(s.Bind(loopback, 0))
	check(s.Listen(16, func(err error) {
		e.SEv(side, "connection", "s", err)
		a := must1(uv.NewTCP(e.L))
		e.SEv(side, "accept", "a", s.Accept(a))
		accepted(a)
	}))
	return s, must1(s.SockName())
}

// eofServer listens on side ss ("s") and reads the connection it accepts ("a") until EOF or
// an error, then closes it and the listener: the server of the connect and shutdown scenarios.
func (e *Env) eofServer(ss int) netip.AddrPort {
	var s *uv.TCP
	s, addr := e.listener(ss, func(a *uv.TCP) {
		check(a.ReadStart(func(data []byte, err error) {
			e.readEv(ss, "a", data, err)
			if err != nil {
				check(a.Close(e.sideCloser(ss, "a")))
				check(s.Close(e.sideCloser(ss, "s")))
			}
		}))
	})
	return addr
}

// tcp_connect_close: a client connects and closes at once; the server reads EOF.
func tcpConnectClose(e *Env) {
	cs, ss := e.Side("client"), e.Side("server")
	addr := e.eofServer(ss)
	c := must1(uv.NewTCP(e.L))
	must1(c.Connect(addr, func(err error) {
		e.SEv(cs, "connect", "c", err)
		check(c.Close(e.sideCloser(cs, "c")))
	}))
	e.Run(uv.RunDefault)
}

// tcp_shutdown_eof: a client writes, shuts down its side and reads until the server, which
// has read the bytes then EOF, closes.
func tcpShutdownEOF(e *Env) {
	cs, ss := e.Side("client"), e.Side("server")
	addr := e.eofServer(ss)
	c := must1(uv.NewTCP(e.L))
	must1(c.Connect(addr, func(err error) {
		e.SEv(cs, "connect", "c", err)
		must1(c.Write([][]byte{[]byte("hello")}, func(err error) { e.SEv(cs, "write", "c", err) }))
		must1(c.Shutdown(func(err error) {
			e.SEv(cs, "shutdown", "c", err)
			check(c.ReadStart(func(data []byte, err error) {
				e.readEv(cs, "c", data, err)
				if err != nil {
					check(c.Close(e.sideCloser(cs, "c")))
				}
			}))
		}))
	}))
	e.Run(uv.RunDefault)
}

// udp_zero: a zero-length datagram, then a one-byte one. The receiver stops receiving in each
// receive callback (so that libuv's "nothing more to read" callback never comes), and the
// sender sends the second datagram from the first one's receive callback; the receiver starts
// again from that send's callback.
func udpZero(e *Env) {
	ss, rs := e.Side("sender"), e.Side("receiver")
	r := must1(uv.NewUDP(e.L))
	check(r.Bind(loopback, 0))
	addr := must1(r.SockName())
	s := must1(uv.NewUDP(e.L))
	var recv func(data []byte, from netip.AddrPort, flags uv.UDPFlags, err error)
	recv = func(data []byte, from netip.AddrPort, flags uv.UDPFlags, err error) {
		e.SEv(rs, "recv", "r", err, "n="+strconv.Itoa(len(data)), "addr="+strconv.Itoa(b2i(from.IsValid())))
		check(r.RecvStop())
		if len(data) > 0 || err != nil || !from.IsValid() {
			check(r.Close(e.sideCloser(rs, "r")))
			check(s.Close(e.sideCloser(ss, "s")))
			return
		}
		must1(s.Send(addr, [][]byte{[]byte("x")}, func(err error) {
			e.SEv(ss, "send", "s", err, "n=1")
			check(r.RecvStart(recv))
		}))
	}
	check(r.RecvStart(recv))
	must1(s.Send(addr, [][]byte{{}}, func(err error) { e.SEv(ss, "send", "s", err, "n=0") }))
	e.Run(uv.RunDefault)
}
