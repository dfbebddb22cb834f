package uv

// #include "shim_tcp.h"
import "C"

import (
	"math"
	"net/netip"
	"time"
	"unsafe"
)

// TCP wraps uv_tcp_t: a TCP stream, listener or connection. It implements Stream. Its methods
// are loop-bound: call them on the goroutine running the loop, or while it is not running.
type TCP struct {
	stream
}

// TCPFlags are the flags of (*TCP).Bind.
type TCPFlags uint

// The flags of (*TCP).Bind.
const (
	// TCPIPv6Only (UV_TCP_IPV6ONLY) binds an IPv6 address only: no dual-stack IPv4 support.
	TCPIPv6Only TCPFlags = C.UV_TCP_IPV6ONLY
	// TCPReusePort (UV_TCP_REUSEPORT, libuv 1.49) sets SO_REUSEPORT: several sockets, of this
	// process or others, that all set it bind the same address, and the system spreads the
	// incoming connections over them. libuv answers ENOTSUP where the system lacks it; Bind
	// answers ENOSYS when the loaded libuv is older than 1.49 (which would ignore the flag).
	TCPReusePort TCPFlags = C.UVG_TCP_REUSEPORT
)

// NonblockPipe (UV_NONBLOCK_PIPE) opens a descriptor of Socketpair (or of a pipe) in
// non-blocking mode, as the streams of libuv want it.
const NonblockPipe = C.UV_NONBLOCK_PIPE

// NewTCP wraps uv_tcp_init: a TCP handle with no socket yet (libuv creates one at Bind,
// Connect or Listen; Open gives it an existing one). Loop-bound.
func NewTCP(l *Loop) (*TCP, error) { return newTCP(l, 0, 0) }

// NewTCPEx wraps uv_tcp_init_ex: with AF_INET or AF_INET6 libuv creates the socket now, with
// AF_UNSPEC it is NewTCP. Another value is libuv's EINVAL (libuv reads the family from the
// lower 8 bits of its flags). Loop-bound.
func NewTCPEx(l *Loop, family AddrFamily) (*TCP, error) {
	f, err := cint(family)
	if err != nil {
		return nil, err
	}
	return newTCP(l, 1, C.uint(f)) // a negative family reaches libuv as C would pass it: EINVAL

}

func newTCP(l *Loop, ex C.int, flags C.uint) (*TCP, error) {
	t := &TCP{}
	if err := t.open(l, t, HandleTCP); err != nil {
		return nil, err
	}
	if err := t.opened(C.uvg_tcp_new(l.ptr, t.token, ex, flags)); err != nil {
		return nil, err
	}
	return t, nil
}

// Open wraps uv_tcp_open: the handle takes an existing socket, which libuv puts into
// non-blocking mode. The socket is the handle's from then on: Close closes it. Loop-bound.
func (t *TCP) Open(fd int) error {
	cfd, err := cint(fd)
	if err != nil {
		return err
	}
	p, err := t.live()
	if err != nil {
		return err
	}
	if fd < 0 || fd > math.MaxInt32 {
		return EBADF
	}
	return status(C.uvg_tcp_open(t.loop.ptr, p, cfd))
}

// SetNoDelay wraps uv_tcp_nodelay: enable disables Nagle's algorithm (TCP_NODELAY).
// Loop-bound.
func (t *TCP) SetNoDelay(enable bool) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	return status(C.uvg_tcp_nodelay(t.loop.ptr, p, boolInt(enable)))
}

// SetKeepAlive wraps uv_tcp_keepalive: enable turns TCP keep-alive on, delay is the idle time
// before the first probe. libuv counts whole seconds: delay is rounded up to the next second
// and ignored when enable is false. A negative delay is ErrNegative. Loop-bound.
func (t *TCP) SetKeepAlive(enable bool, delay time.Duration) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	if delay < 0 {
		return ErrNegative
	}
	s := seconds(delay)
	if s > math.MaxUint32 {
		return EINVAL
	}
	return status(C.uvg_tcp_keepalive(t.loop.ptr, p, boolInt(enable), C.uint(s)))
}

// SetKeepAliveEx wraps uv_tcp_keepalive_ex: SetKeepAlive with every keep-alive option: idle
// is the idle time before the first probe (TCP_KEEPIDLE), interval the time between probes
// (TCP_KEEPINTVL), count the probes without answer after which the connection is dropped
// (TCP_KEEPCNT; a read or write then fails with ETIMEDOUT). libuv counts whole seconds: the
// durations are rounded up to the next second. libuv's EINVAL when one of the three is less
// than 1 (a zero duration included); negative durations are ErrNegative, values beyond C's
// unsigned int EINVAL. ENOSYS before libuv 1.52. Loop-bound.
func (t *TCP) SetKeepAliveEx(enable bool, idle, interval time.Duration, count int) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	if idle < 0 || interval < 0 {
		return ErrNegative
	}
	is, err := cuint(seconds(idle))
	if err != nil {
		return err
	}
	vs, err := cuint(seconds(interval))
	if err != nil {
		return err
	}
	cnt, err := cuint(count)
	if err != nil {
		return err
	}
	return status(C.uvg_tcp_keepalive_ex(t.loop.ptr, C.uintptr_t(uintptr(p)), boolInt(enable), is, vs, cnt))
}

// seconds is d in whole seconds, rounded up, as libuv's keep-alive functions count.
func seconds(d time.Duration) time.Duration {
	s := d / time.Second
	if d%time.Second != 0 {
		s++
	}
	return s
}

// SetSimultaneousAccepts wraps uv_tcp_simultaneous_accepts; libuv only acts on it on Windows
// and returns 0 elsewhere. Loop-bound.
func (t *TCP) SetSimultaneousAccepts(enable bool) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	return status(C.uvg_tcp_simultaneous_accepts(t.loop.ptr, p, boolInt(enable)))
}

// Bind wraps uv_tcp_bind: binds the socket to addr (port 0 picks a free one; read it with
// SockName). flags may hold TCPIPv6Only and TCPReusePort. libuv may report a used address
// (EADDRINUSE) here or only at Listen or Connect, as the system does. An invalid addr is
// EINVAL. Loop-bound.
func (t *TCP) Bind(addr netip.AddrPort, flags TCPFlags) error {
	cflags, err := cuint(flags)
	if err != nil {
		return err
	}
	p, err := t.live()
	if err != nil {
		return err
	}
	if flags&TCPReusePort != 0 && Version() < 0x013100 {
		return ENOSYS
	}
	var sa sockaddr
	if err := sa.setAddrPort(addr); err != nil {
		return err
	}
	return status(C.uvg_tcp_bind(t.loop.ptr, p, sa.ptr(), cflags))
}

// SockName wraps uv_tcp_getsockname: the address the socket is bound to; the zero AddrPort
// for a socket of another family (a Unix socket given to Open). Loop-bound.
func (t *TCP) SockName() (netip.AddrPort, error) { return t.name(0) }

// PeerName wraps uv_tcp_getpeername: the address of the connected peer; ENOTCONN when there is
// none. Loop-bound.
func (t *TCP) PeerName() (netip.AddrPort, error) { return t.name(1) }

func (t *TCP) name(peer C.int) (netip.AddrPort, error) {
	p, err := t.live()
	if err != nil {
		return netip.AddrPort{}, err
	}
	var sa sockaddr
	if err := status(C.uvg_tcp_name(t.loop.ptr, p, peer, (*C.struct_sockaddr_storage)(unsafe.Pointer(&sa)))); err != nil {
		return netip.AddrPort{}, err
	}
	return addrPort(sa.ptr()), nil
}

// Connect wraps uv_tcp_connect: starts connecting to addr; cb runs on the loop with the result
// (nil once connected, ECONNREFUSED, ETIMEDOUT, ECANCELED when the handle is closed first, ...).
// cb may be nil: the binding always gives libuv a callback, which then only frees the request.
// Errors found at once (EINVAL for an invalid addr, EALREADY, ...) are returned and cb does not
// run. Loop-bound.
func (t *TCP) Connect(addr netip.AddrPort, cb func(err error)) (*ConnectReq, error) {
	p, err := t.live()
	if err != nil {
		return nil, err
	}
	var sa sockaddr
	if err := sa.setAddrPort(addr); err != nil {
		return nil, err
	}
	r := &ConnectReq{cb: cb}
	if err := r.open(t.loop, r, ReqConnect); err != nil {
		return nil, err
	}
	if st := C.uvg_tcp_connect(t.loop.ptr, r.ptr, p, sa.ptr()); st != 0 {
		r.done() // before status, which panics on a wrong thread with the uvdebug tag
		return nil, status(st)
	}
	return r, nil
}

// CloseReset wraps uv_tcp_close_reset: closes the handle as Close does, after setting SO_LINGER
// to 0 so that the peer receives a reset (RST) instead of an orderly shutdown. cb (may be nil)
// runs on the loop once the handle is closed. libuv refuses it (EINVAL) on a handle that is
// shutting down; from CloseReset or Close on, every method returns ErrClosed. Loop-bound.
func (t *TCP) CloseReset(cb func()) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	return t.closeWith(C.uvg_tcp_close_reset(t.loop.ptr, p, t.freeInC()), cb)
}

// Socketpair wraps uv_socketpair: a pair of connected Unix domain sockets of type typ
// (SOCK_STREAM, SOCK_DGRAM) and protocol (0 for the default), for example to give to Open of
// a pipe. flags0 and flags1 may hold NonblockPipe, for each descriptor. The descriptors are
// the caller's to close. Safe for concurrent use.
func Socketpair(typ SockType, protocol, flags0, flags1 int) ([2]int, error) {
	ctyp, cproto, err := cint2(typ, protocol)
	if err != nil {
		return [2]int{-1, -1}, err
	}
	cf0, cf1, err := cint2(flags0, flags1)
	if err != nil {
		return [2]int{-1, -1}, err
	}
	var fds [2]C.int
	if err := status(C.uvg_socketpair(ctyp, cproto, &fds[0], cf0, cf1)); err != nil {
		return [2]int{-1, -1}, err
	}
	return [2]int{int(fds[0]), int(fds[1])}, nil
}
