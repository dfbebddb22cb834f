package uv

/*
#include "shim_udp.h"
#cgo noescape uvg_udp_send
#cgo nocallback uvg_udp_send
#cgo noescape uvg_udp_try_send
#cgo nocallback uvg_udp_try_send
// uv_ip6_addr (sockaddr.setAddrPort, misc.go) neither keeps its output nor calls Go: the
// directives hold for the whole package, and keep Send's address on its stack.
#cgo noescape uv_ip6_addr
#cgo nocallback uv_ip6_addr
*/
import "C"

import (
	"net/netip"
	"unsafe"
)

// UDPFlags wraps uv_udp_flags: UDPRecvmmsg for NewUDPEx, the flags of Bind
// (UDPIPv6Only, UDPReuseAddr, UDPLinuxRecvErr), and the flags libuv passes to the receive
// callback (UDPPartial, UDPMmsgChunk, UDPMmsgFree).
type UDPFlags uint

// The flags of libuv's UDP functions.
const (
	// UDPIPv6Only (Bind) disables dual-stack mode: an IPv6 socket does not receive IPv4.
	UDPIPv6Only UDPFlags = C.UV_UDP_IPV6ONLY
	// UDPPartial (receive callback): the datagram was larger than the read buffer and was
	// truncated.
	UDPPartial UDPFlags = C.UV_UDP_PARTIAL
	// UDPReuseAddr (Bind) sets SO_REUSEADDR (SO_REUSEPORT on BSDs and macOS).
	UDPReuseAddr UDPFlags = C.UV_UDP_REUSEADDR
	// UDPMmsgChunk (receive callback): the datagram is one of several read by one recvmmsg.
	UDPMmsgChunk UDPFlags = C.UV_UDP_MMSG_CHUNK
	// UDPMmsgFree (receive callback): the last call after a recvmmsg, with no data, where a C
	// program frees its buffer; the binding's buffer needs nothing.
	UDPMmsgFree UDPFlags = C.UV_UDP_MMSG_FREE
	// UDPLinuxRecvErr (Bind) sets IP_RECVERR/IPV6_RECVERR: Linux reports ICMP errors (for
	// example ECONNREFUSED) on the socket.
	UDPLinuxRecvErr UDPFlags = C.UV_UDP_LINUX_RECVERR
	// UDPRecvmmsg (NewUDPEx) makes libuv read with recvmmsg where the system has it.
	UDPRecvmmsg UDPFlags = C.UV_UDP_RECVMMSG
	// UDPReusePort (Bind, OpenEx; UV_UDP_REUSEPORT, libuv 1.49) sets SO_REUSEPORT: several
	// sockets that all set it bind the same address, and the system spreads the incoming
	// datagrams over them. libuv answers ENOTSUP where the system lacks it; a libuv older than
	// 1.49 refuses the flag with EINVAL (OpenEx needs 1.52).
	UDPReusePort UDPFlags = C.UVG_UDP_REUSEPORT
)

// Membership wraps uv_membership.
type Membership int

// The arguments of SetMembership and SetSourceMembership.
const (
	LeaveGroup Membership = C.UV_LEAVE_GROUP
	JoinGroup  Membership = C.UV_JOIN_GROUP
)

// UDP wraps uv_udp_t: a UDP socket. Its methods are loop-bound: call them on the goroutine
// running the loop, or while it is not running.
type UDP struct {
	handle
	recvCb func([]byte, netip.AddrPort, UDPFlags, error)
	rd     readBuf    // the caller's allocator and the buffer libuv holds (RecvStartAlloc)
	pins   pinGroup   // the buffers of the sends in flight
	sent   UDPSendReq // what Send returns for a copied datagram with a nil cb: completed
	// skipEmpty: RecvStart leaves out libuv's "nothing to read" calls (SetRecvSkipEmpty).
	skipEmpty bool
}

// NewUDP wraps uv_udp_init. The socket is created when it is first bound: by Bind, or by the
// implicit bind to the wildcard address of Send, TrySend, RecvStart, Connect or
// SetMembership; Open gives it an existing one. Loop-bound.
func NewUDP(l *Loop) (*UDP, error) { return newUDP(l, 0, false) }

// NewUDPEx wraps uv_udp_init_ex, whose flags are family (AF_INET, AF_INET6: the socket is
// created at once; AF_UNSPEC: as NewUDP; another family is libuv's EINVAL) or'ed with flags
// (UDPRecvmmsg, or 0). Loop-bound.
func NewUDPEx(l *Loop, family AddrFamily, flags UDPFlags) (*UDP, error) {
	if family < 0 || family > 0xff || flags&0xff != 0 {
		return nil, EINVAL // the family would spill into the flags, or a flag into the family
	}
	return newUDP(l, UDPFlags(family)|flags, true)
}

func newUDP(l *Loop, flags UDPFlags, ex bool) (*UDP, error) {
	cflags, err := cuint(flags)
	if err != nil {
		return nil, err
	}
	u := &UDP{}
	if err := u.open(l, u, HandleUDP); err != nil {
		return nil, err
	}
	if err := u.opened(C.uvg_udp_new(l.ptr, u.token, cflags, boolInt(ex))); err != nil {
		return nil, err
	}
	return u, nil
}

// Open wraps uv_udp_open: the handle takes the existing socket fd, which it closes on Close.
// libuv's EEXIST when another handle of the loop already holds fd, EBUSY when this one
// already has a socket. Loop-bound.
func (u *UDP) Open(fd int) error {
	cfd, err := cint(fd)
	if err != nil {
		return err
	}
	p, err := u.live()
	if err != nil {
		return err
	}
	return status(C.uvg_udp_open(u.loop.ptr, p, cfd))
}

// OpenEx wraps uv_udp_open_ex: Open, with flags UDPReuseAddr and UDPReusePort set on the
// socket; another flag is libuv's EINVAL. A descriptor outside C's int range is EINVAL. ENOSYS
// before libuv 1.52. Loop-bound.
func (u *UDP) OpenEx(fd int, flags UDPFlags) error {
	p, err := u.live()
	if err != nil {
		return err
	}
	sock, err := cint(fd)
	if err != nil {
		return err
	}
	f, err := cuint(flags)
	if err != nil {
		return err
	}
	return status(C.uvg_udp_open_ex(u.loop.ptr, C.uintptr_t(uintptr(p)), sock, f))
}

// Bind wraps uv_udp_bind: binds the socket to addr (port 0: any free port; read it back with
// SockName), with flags UDPIPv6Only, UDPReuseAddr, UDPReusePort or UDPLinuxRecvErr. An
// invalid addr is EINVAL. Loop-bound.
func (u *UDP) Bind(addr netip.AddrPort, flags UDPFlags) error {
	cflags, err := cuint(flags)
	if err != nil {
		return err
	}
	var sa sockaddr
	p, err := u.liveAddr(addr, &sa)
	if err != nil {
		return err
	}
	return status(C.uvg_udp_bind(u.loop.ptr, p, sa.ptr(), cflags))
}

// liveAddr returns the C handle (or ErrClosed) and fills sa with addr (or EINVAL).
func (u *UDP) liveAddr(addr netip.AddrPort, sa *sockaddr) (unsafe.Pointer, error) {
	p, err := u.live()
	if err != nil {
		return nil, err
	}
	return p, sa.setAddrPort(addr)
}

// Connect wraps uv_udp_connect: associates the socket with the peer addr (binding it to the
// wildcard address first when it is not bound); Send and TrySend then take the zero AddrPort.
// libuv's EISCONN when already connected. An invalid addr (the zero AddrPort included) is
// EINVAL: use Disconnect. Loop-bound.
func (u *UDP) Connect(addr netip.AddrPort) error {
	var sa sockaddr
	p, err := u.liveAddr(addr, &sa)
	if err != nil {
		return err
	}
	return status(C.uvg_udp_connect(u.loop.ptr, p, sa.ptr()))
}

// Disconnect wraps uv_udp_connect with a NULL address: dissolves the association made by
// Connect. libuv's ENOTCONN when the socket is not connected. Loop-bound.
func (u *UDP) Disconnect() error {
	p, err := u.live()
	if err != nil {
		return err
	}
	return status(C.uvg_udp_connect(u.loop.ptr, p, nil))
}

// PeerName wraps uv_udp_getpeername: the address the socket is connected to; libuv's
// ENOTCONN when it is not. Loop-bound.
func (u *UDP) PeerName() (netip.AddrPort, error) { return u.name(1) }

// SockName wraps uv_udp_getsockname: the address the socket is bound to. Loop-bound.
func (u *UDP) SockName() (netip.AddrPort, error) { return u.name(0) }

func (u *UDP) name(peer C.int) (netip.AddrPort, error) {
	p, err := u.live()
	if err != nil {
		return netip.AddrPort{}, err
	}
	var sa sockaddr
	if err := status(C.uvg_udp_name(u.loop.ptr, p, peer, (*C.struct_sockaddr_storage)(&sa))); err != nil {
		return netip.AddrPort{}, err
	}
	return addrPort(sa.ptr()), nil
}

// SetMembership wraps uv_udp_set_membership: joins or leaves the multicast group on the
// interface whose address is iface (the zero Addr is libuv's NULL: the system chooses; an IPv6
// zone names the interface). libuv binds an unbound socket to the wildcard address first. A
// zero group is EINVAL. Loop-bound.
func (u *UDP) SetMembership(group, iface netip.Addr, membership Membership) error {
	return u.membership(group, iface, netip.Addr{}, membership)
}

// SetSourceMembership wraps uv_udp_set_source_membership: SetMembership for the datagrams
// that source sends (source-specific multicast). A zero group or source is EINVAL. Loop-bound.
func (u *UDP) SetSourceMembership(group, iface, source netip.Addr, membership Membership) error {
	if !source.IsValid() {
		if _, err := u.live(); err != nil {
			return err
		}
		return EINVAL
	}
	return u.membership(group, iface, source, membership)
}

// membership joins or leaves group; a zero source is uv_udp_set_membership, another one
// uv_udp_set_source_membership.
func (u *UDP) membership(group, iface, source netip.Addr, m Membership) error {
	p, err := u.live()
	if err != nil {
		return err
	}
	if !group.IsValid() {
		return EINVAL
	}
	cs := [3]*C.char{addrCString(group), addrCString(iface), addrCString(source)}
	defer func() {
		for _, s := range cs {
			C.free(unsafe.Pointer(s))
		}
	}()
	return status(C.uvg_udp_membership(u.loop.ptr, p, cs[0], cs[1], cs[2], C.uv_membership(m)))
}

// addrCString copies a's text form (with its zone) to C memory, to be freed with C.free; nil
// for the zero Addr.
func addrCString(a netip.Addr) *C.char {
	if !a.IsValid() {
		return nil
	}
	return C.CString(a.String())
}

// SetMulticastLoop wraps uv_udp_set_multicast_loop: whether the host receives the multicast
// datagrams it sends. libuv's EBADF before the socket exists. Loop-bound.
func (u *UDP) SetMulticastLoop(on bool) error { return u.set(C.UVG_UDP_MCAST_LOOP, boolInt(on)) }

// SetMulticastTTL wraps uv_udp_set_multicast_ttl: 0 to 255, else libuv's EINVAL. Loop-bound.
func (u *UDP) SetMulticastTTL(ttl int) error { return u.setInt(C.UVG_UDP_MCAST_TTL, ttl) }

// SetBroadcast wraps uv_udp_set_broadcast (SO_BROADCAST). Loop-bound.
func (u *UDP) SetBroadcast(on bool) error { return u.set(C.UVG_UDP_BROADCAST, boolInt(on)) }

// SetTTL wraps uv_udp_set_ttl: 1 to 255, else libuv's EINVAL. Loop-bound.
func (u *UDP) SetTTL(ttl int) error { return u.setInt(C.UVG_UDP_TTL, ttl) }

// setInt passes ttl to libuv, which checks its range; one beyond C's int is EINVAL.
func (u *UDP) setInt(opt C.int, v int) error {
	cv, err := cint(v)
	if err != nil {
		if _, err := u.live(); err != nil {
			return err
		}
		return err
	}
	return u.set(opt, cv)
}

func (u *UDP) set(opt C.int, v C.int) error {
	p, err := u.live()
	if err != nil {
		return err
	}
	return status(C.uvg_udp_set(u.loop.ptr, p, opt, v))
}

// SetMulticastInterface wraps uv_udp_set_multicast_interface: the interface, by its address,
// that multicast datagrams are sent from (the zero Addr is libuv's NULL: the system's choice;
// an IPv6 zone names the interface). Loop-bound.
func (u *UDP) SetMulticastInterface(iface netip.Addr) error {
	p, err := u.live()
	if err != nil {
		return err
	}
	cs := addrCString(iface)
	defer C.free(unsafe.Pointer(cs))
	return status(C.uvg_udp_set_multicast_interface(u.loop.ptr, p, cs))
}

// Send wraps uv_udp_send: sends one datagram made of bufs, in order, to addr; the zero
// AddrPort sends to the peer of a connected socket (libuv's EDESTADDRREQ when it is not
// connected, EISCONN for an address on a connected socket). An unbound socket is bound to the
// wildcard address first. cb (may be nil) runs on the loop with the result, also when the
// handle is closed first (ECANCELED). A datagram of up to 256 bytes is copied into the
// request's own C memory, and the slices may be reused at once; with a nil cb nothing of it
// stays on the Go side (the returned UDPSendReq is the handle's shared, completed one) and no
// callback crosses into Go. A larger one is zero copy: the slices are pinned and read by libuv
// until its completion; do not modify them before (a read callback's data is copied). No
// buffer at all is EINVAL (libuv asserts). With a cb, the UDPSendReq is reused for a later
// send once cb has returned: hold none past cb. Loop-bound.
func (u *UDP) Send(addr netip.AddrPort, bufs [][]byte, cb func(err error)) (*UDPSendReq, error) {
	p, err := u.live()
	if err != nil {
		return nil, err
	}
	if len(bufs) == 0 {
		return nil, EINVAL
	}
	var s sockaddr // libuv copies the address during the call (uvg_udp_send is noescape)
	sa, err := s.orNil(addr)
	if err != nil {
		return nil, err
	}
	if n := bufsLen(bufs); n <= C.UVG_SMALL_WRITE {
		return u.sendCopy(p, sa, bufs, n, cb)
	}
	if err := pinOwner(u.loop); err != nil {
		return nil, err
	}
	bufs = ownBufs(u.loop, bufs)
	// The C request is allocated by the C call that sends. The buffers are pinned with the
	// handle's pinGroup; their uv_buf_t array is on this stack for up to stackBufs (libuv
	// copies it into the request).
	r := newSendReq(u.loop, cb)
	r.pins, r.gen = &u.pins, u.pins.take()
	var arr [stackBufs]C.uv_buf_t
	b := pinBufs(r.gen, bufs, arr[:])
	res := C.uvg_udp_send(u.loop.ptr, r.token, p, b, C.uint(len(bufs)), sa)
	if res.err != 0 {
		r.complete() // before status, which panics on the wrong thread under uvdebug
		return nil, status(res.err)
	}
	r.ptr = res.ptr
	return r, nil
}

// sendCopy is Send of a datagram of n bytes (at most UVG_SMALL_WRITE): gathered on this stack,
// then copied by the C call that checks the thread, allocates the request and sends: one
// crossing, nothing pinned, and with a nil cb no token.
func (u *UDP) sendCopy(p unsafe.Pointer, sa *C.struct_sockaddr, bufs [][]byte, n int, cb func(error)) (*UDPSendReq, error) {
	var data [C.UVG_SMALL_WRITE]byte
	gather(data[:], bufs)
	var r *UDPSendReq
	var token unsafe.Pointer
	if cb != nil || u.loop.trace != nil { // a traced loop records every send's callback
		r = newSendReq(u.loop, cb)
		token = r.token
	}
	res := C.uvg_udp_send_copy(cptr(unsafe.Pointer(u.loop.ptr)), cptr(token), cptr(p),
		C.uintptr_t(uintptr(unsafe.Pointer(&data[0]))), C.size_t(n), C.uintptr_t(uintptr(unsafe.Pointer(sa))))
	if res.err != 0 {
		if r != nil {
			r.complete()
		}
		return nil, status(res.err)
	}
	if r == nil {
		u.sent.loop, u.sent.typ = u.loop, ReqUDPSend
		return &u.sent, nil
	}
	r.ptr = res.ptr
	return r, nil
}

// TrySend wraps uv_udp_try_send: sends the datagram now, without queuing, and returns its
// size; libuv's EAGAIN when it cannot be sent at once (or sends are queued). addr as in Send.
// No buffer at all is EINVAL. Loop-bound.
func (u *UDP) TrySend(addr netip.AddrPort, bs [][]byte) (int, error) {
	p, err := u.live()
	if err != nil {
		return 0, err
	}
	if len(bs) == 0 {
		return 0, EINVAL
	}
	var s sockaddr
	sa, err := s.orNil(addr)
	if err != nil {
		return 0, err
	}
	if err := pinOwner(u.loop); err != nil {
		return 0, err
	}
	gen := u.pins.take() // as in tryWrite (stream.go)
	var arr [stackBufs]C.uv_buf_t
	r := C.uvg_udp_try_send(u.loop.ptr, p, pinBufs(gen, bs, arr[:]), C.uint(len(bs)), sa)
	u.pins.put(gen)
	if r < 0 {
		return 0, status(r)
	}
	return int(r), nil
}

// Datagram is one datagram of TrySend2: its destination (the zero AddrPort on a connected
// socket) and the buffers it is made of.
type Datagram struct {
	Addr netip.AddrPort // the destination; the zero AddrPort: the connected peer
	Bufs [][]byte       // the datagram's bytes, in order
}

// TrySend2 wraps uv_udp_try_send2: sends the datagrams now, in order, with one sendmmsg(2)
// where the system has it, without queuing, and returns how many were sent. libuv stops at
// the first datagram that fails and answers its error only when that is the first one: EAGAIN
// when it cannot be sent at once, or when sends are queued (fall back to Send). No datagram, or
// an invalid Addr, is EINVAL; libuv's EINVAL before the socket is bound. ENOSYS before libuv
// 1.50. Loop-bound.
func (u *UDP) TrySend2(msgs []Datagram) (int, error) {
	p, err := u.live()
	if err != nil {
		return 0, err
	}
	count, err := cuint(len(msgs))
	if err != nil || count == 0 {
		return 0, EINVAL
	}
	addrs := make([]sockaddr, len(msgs))
	nbufs := make([]C.uint, len(msgs))
	var bufs [][]byte
	for i, m := range msgs {
		if m.Addr != (netip.AddrPort{}) {
			if err := addrs[i].setAddrPort(m.Addr); err != nil {
				return 0, err
			}
		}
		if nbufs[i], err = cuint(len(m.Bufs)); err != nil {
			return 0, err
		}
		bufs = append(bufs, m.Bufs...)
	}
	if err := pinOwner(u.loop); err != nil {
		return 0, err
	}
	gen := u.pins.take() // as in TrySend
	var arr [stackBufs]C.uv_buf_t
	r := C.uvg_udp_try_send2(u.loop.ptr, C.uintptr_t(uintptr(p)), count, pinBufs(gen, bufs, arr[:]), &nbufs[0],
		(*C.struct_sockaddr_storage)(unsafe.Pointer(&addrs[0])))
	u.pins.put(gen)
	if r < 0 {
		return 0, status(r)
	}
	return int(r), nil
}

// orNil fills sa with addr and returns it for C, or nil for the zero AddrPort.
func (sa *sockaddr) orNil(addr netip.AddrPort) (*C.struct_sockaddr, error) {
	if addr == (netip.AddrPort{}) {
		return nil, nil
	}
	if err := sa.setAddrPort(addr); err != nil {
		return nil, err
	}
	return sa.ptr(), nil
}

// RecvStart wraps uv_udp_recv_start (binding an unbound socket to the wildcard address
// first). cb runs on the loop with what libuv passes:
//   - a datagram: data (possibly empty), the sender's addr, flags (UDPPartial when it was
//     truncated, UDPMmsgChunk when it came from a recvmmsg) and err nil;
//   - nothing to read (libuv's nread 0 with no address): data nil, the zero AddrPort, flags 0
//     and err nil;
//   - after the datagrams of one recvmmsg: data nil, the zero AddrPort, UDPMmsgFree, err nil;
//   - an error: data nil, the zero AddrPort, err libuv's code.
//
// data is the loop's read buffer (64 KiB, or 20 times that for a UDPRecvmmsg handle): valid
// only during the callback. A nil cb is libuv's EINVAL; libuv's EALREADY when receiving
// already. Loop-bound.
func (u *UDP) RecvStart(cb func(data []byte, addr netip.AddrPort, flags UDPFlags, err error)) error {
	return u.recvStart(nil, C.UVG_ALLOC_LOOP, cb)
}

// RecvStartAlloc wraps uv_udp_recv_start with the caller's allocator: before each receive,
// alloc runs on the loop with libuv's suggested size (64 KiB) and returns the buffer libuv
// receives into (Go memory, which the binding pins, or C memory); cb then runs as for
// RecvStart, with data a sub-slice of that buffer: the datagram, or buf[:0] when libuv reports
// nothing to read, an error or UDPMmsgFree (the buffer handed back: data[:cap(data)] is the
// whole buffer; a datagram of a recvmmsg is buf[k*64Ki:][:n], its capacity to the buffer's
// end). When alloc returns an empty slice (no memory now: back-pressure), libuv receives
// nothing and cb gets nil, the zero AddrPort and ENOBUFS; receiving goes on, so cb stops it or
// alloc returns a buffer the next time. The buffer is pinned from alloc until the callback
// that hands it back has returned: the callback of the datagram, of nothing to read or of the
// error, or, on a UDPRecvmmsg handle, the last one with UDPMmsgFree (or the datagram's whose
// callback stopped receiving); the caller owns it again from then on. A UDPRecvmmsg handle
// receives ⌊len/64 KiB⌋ datagrams at once (at most 20): give it 64 KiB at least, since with
// less libuv reads nothing and calls alloc and cb (nothing to read) again at once, without
// returning to the loop, until cb stops receiving. A panic in alloc is a callback's panic
// (SetPanicHandler): by default Run re-panics and no receive callback runs meanwhile; with a
// panic handler the receive counts as one without a buffer (ENOBUFS). A nil alloc or cb is
// libuv's EINVAL; libuv's EALREADY when receiving already. Loop-bound.
func (u *UDP) RecvStartAlloc(alloc func(suggested int) []byte,
	cb func(data []byte, addr netip.AddrPort, flags UDPFlags, err error)) error {
	return u.recvStart(alloc, goAlloc(alloc), cb)
}

// recvStart starts receiving with the allocator which (UVG_ALLOC_*, shim.h); alloc is the Go one.
func (u *UDP) recvStart(alloc func(int) []byte, which C.int,
	cb func([]byte, netip.AddrPort, UDPFlags, error)) error {
	p, err := u.live()
	if err != nil {
		return err
	}
	has := boolInt(cb != nil)
	if has != 0 && u.skipEmpty && which == C.UVG_ALLOC_LOOP {
		has = 2 // the loop's buffer needs no hand-back: the calls may stay in C
	}
	if err := status(C.uvg_udp_recv_start(u.loop.ptr, p, which, has)); err != nil {
		return err
	}
	u.recvCb, u.rd.alloc = cb, alloc
	return nil
}

// SetRecvSkipEmpty is a binding addition: with skip true, the receive callback of the next
// RecvStart is not called for libuv's "nothing to read" (nread 0 with no address, which libuv
// reports after each drained read of the socket, as EAGAIN): the C side drops those calls, so
// each datagram costs one callback instead of up to two. Off by default: libuv's documented
// callbacks reach the Go side unchanged. Datagrams, empty ones included (they have an
// address), errors and UDPMmsgFree still arrive. It takes effect at the next RecvStart.
// Loop-bound; ErrClosed after Close.
func (u *UDP) SetRecvSkipEmpty(skip bool) error {
	if _, err := u.live(); err != nil {
		return err
	}
	if err := pinOwner(u.loop); err != nil {
		return err
	}
	u.skipEmpty = skip
	return nil
}

// allocRead is libuv's alloc callback of a handle started with RecvStartAlloc.
func (u *UDP) allocRead(suggested C.size_t, buf *C.uv_buf_t) {
	u.rd.get(u.loop, &u.pins, suggested, buf)
}

// recv is the receive callback's Go side. A buffer of the caller's allocator is unpinned after
// the callback that hands it back (recvDone); no user callback runs once the loop is halted.
func (u *UDP) recv(nread C.ssize_t, buf *C.uv_buf_t, addr *C.struct_sockaddr, flags C.uint) {
	if u.rd.buf != nil {
		defer u.recvDone(flags)
	}
	if u.loop.halted() {
		return
	}
	var from netip.AddrPort
	if addr != nil {
		from = addrPort(addr)
	}
	var data []byte
	var err error
	if nread < 0 {
		nread, err = 0, Errno(nread)
	}
	switch {
	case u.rd.buf != nil:
		data = u.rd.data(buf.base, int(nread))
	case err == nil && (nread > 0 || addr != nil):
		data = unsafe.Slice((*byte)(unsafe.Pointer(buf.base)), int(nread))
	}
	u.recvCb(data, from, UDPFlags(flags), err)
}

// recvDone unpins the caller's buffer after a receive callback, unless it was a datagram of a
// recvmmsg after which libuv goes on with the same buffer: it does while the handle receives
// (its recv_cb is set), up to the last callback, UDPMmsgFree.
func (u *UDP) recvDone(flags C.uint) {
	if flags&C.UV_UDP_MMSG_CHUNK == 0 || (*C.uv_udp_t)(u.ptr).recv_cb == nil {
		u.rd.put(&u.pins)
	}
}

// RecvStop wraps uv_udp_recv_stop. Loop-bound.
func (u *UDP) RecvStop() error {
	p, err := u.live()
	if err != nil {
		return err
	}
	return status(C.uvg_udp_recv_stop(u.loop.ptr, p))
}

// UsingRecvmmsg wraps uv_udp_using_recvmmsg: whether the handle reads with recvmmsg (asked
// with UDPRecvmmsg and available); false once closed. Loop-bound.
func (u *UDP) UsingRecvmmsg() bool {
	u.loop.assertOwner()
	return u.ptr != nil && C.uv_udp_using_recvmmsg((*C.uv_udp_t)(u.ptr)) != 0
}

// SendQueueSize wraps uv_udp_get_send_queue_size: the bytes queued and not yet sent; 0 once
// closed. Loop-bound.
func (u *UDP) SendQueueSize() int {
	u.loop.assertOwner()
	if u.ptr == nil {
		return 0
	}
	return int(C.uv_udp_get_send_queue_size((*C.uv_udp_t)(u.ptr)))
}

// SendQueueCount wraps uv_udp_get_send_queue_count: the sends queued and not yet completed;
// 0 once closed. Loop-bound.
func (u *UDP) SendQueueCount() int {
	u.loop.assertOwner()
	if u.ptr == nil {
		return 0
	}
	return int(C.uv_udp_get_send_queue_count((*C.uv_udp_t)(u.ptr)))
}

// UDPSendReq wraps uv_udp_send_t: a datagram in flight, from Send until its callback. The
// binding reuses a UDPSendReq for a later send once its callback has returned (recycle):
// hold none past that.
type UDPSendReq struct {
	req
	pins *pinGroup // the handle's, where gen comes from
	gen  *pinGen   // what pins the buffers
	cb   func(error)
}

// complete unpins the buffers and releases the token: in the callback (the C side has freed
// the request's memory before), or when libuv refused the send (the C side freed it too).
func (r *UDPSendReq) complete() {
	if r.gen != nil {
		r.pins.put(r.gen)
		r.pins, r.gen = nil, nil
	}
	releaseToken(r.token)
	r.token = nil
	r.clear()
}
