package uv

// #include "shim_dns.h"
import "C"

import (
	"net/netip"
	"unsafe"
)

// SockType is a socket type: the ai_socktype of an Addrinfo.
type SockType int

// The socket types of Addrinfo and AddrinfoHints (0 in hints: any).
const (
	SOCK_STREAM SockType = C.SOCK_STREAM
	SOCK_DGRAM  SockType = C.SOCK_DGRAM
	SOCK_RAW    SockType = C.SOCK_RAW
)

// AddrinfoFlags is the ai_flags bit set of getaddrinfo(3).
type AddrinfoFlags int

// The flags of AddrinfoHints; see getaddrinfo(3).
const (
	// AI_PASSIVE: with an empty node, the wildcard address (for bind) instead of loopback.
	AI_PASSIVE AddrinfoFlags = C.AI_PASSIVE
	// AI_CANONNAME: the first result carries the host's canonical name.
	AI_CANONNAME AddrinfoFlags = C.AI_CANONNAME
	// AI_NUMERICHOST: node must be a numeric address; no name is looked up.
	AI_NUMERICHOST AddrinfoFlags = C.AI_NUMERICHOST
	// AI_NUMERICSERV: service must be a port number.
	AI_NUMERICSERV AddrinfoFlags = C.AI_NUMERICSERV
	// AI_V4MAPPED: with family AF_INET6, IPv4-mapped addresses when there is no IPv6 one.
	AI_V4MAPPED AddrinfoFlags = C.AI_V4MAPPED
	// AI_ALL: with AI_V4MAPPED, both IPv6 and IPv4-mapped addresses.
	AI_ALL AddrinfoFlags = C.AI_ALL
	// AI_ADDRCONFIG: only families for which the host has an address configured.
	AI_ADDRCONFIG AddrinfoFlags = C.AI_ADDRCONFIG
)

// AddrinfoHints is the hints argument of Getaddrinfo: zero fields mean any family, any socket
// type, any protocol, no flags.
type AddrinfoHints struct {
	Family   AddrFamily    // ai_family: AF_INET, AF_INET6; AF_UNSPEC (0) for any
	SockType SockType      // ai_socktype: SOCK_STREAM, SOCK_DGRAM, ...; 0 for any
	Protocol int           // IPPROTO_TCP, IPPROTO_UDP, ... of the syscall package; 0 for any
	Flags    AddrinfoFlags // ai_flags: AI_PASSIVE, AI_CANONNAME, ...
}

// Addrinfo is one entry of the list Getaddrinfo resolves: a struct addrinfo converted to Go.
type Addrinfo struct {
	Family    AddrFamily     // ai_family
	SockType  SockType       // ai_socktype
	Protocol  int            // ai_protocol
	Addr      netip.AddrPort // the zero AddrPort for a family other than AF_INET and AF_INET6
	CanonName string         // set on the first entry with AI_CANONNAME
	Flags     AddrinfoFlags  // ai_flags
}

// GetaddrinfoReq wraps uv_getaddrinfo_t: an asynchronous Getaddrinfo, from the call until its
// callback. Its Cancel (uv_cancel) succeeds while the request waits for a threadpool thread; the
// callback then receives EAI_CANCELED. Loop-bound, as every request.
type GetaddrinfoReq struct {
	req
	cb func([]Addrinfo, error)
}

// Getaddrinfo wraps uv_getaddrinfo: resolves node and service (an empty string is passed as
// NULL; both empty is libuv's EINVAL) with hints (may be nil), through the system's
// getaddrinfo(3), IDNA names converted by libuv first.
//
// With a callback, the lookup runs on libuv's threadpool and cb runs on the loop with the
// results (nil and an EAI_* Errno on failure); Getaddrinfo returns the request, whose Cancel
// cancels it. With a nil cb, Getaddrinfo is libuv's synchronous mode: it resolves on the
// calling goroutine, blocking it (and the loop, when called from a callback), and returns the
// results. Either way the C list is converted to Go and freed (uv_freeaddrinfo) before the
// results are handed over. A NUL byte in node or service is ErrNUL.
//
// Loop-bound: call it on the goroutine running the loop, or while it is not running.
func Getaddrinfo(l *Loop, node, service string, hints *AddrinfoHints, cb func(res []Addrinfo, err error)) (*GetaddrinfoReq, []Addrinfo, error) {
	if l.ptr == nil {
		return nil, nil, ErrClosed
	}
	cnode, err := cStringOrNull(node)
	if err != nil {
		return nil, nil, err
	}
	defer C.free(unsafe.Pointer(cnode))
	cservice, err := cStringOrNull(service)
	if err != nil {
		return nil, nil, err
	}
	defer C.free(unsafe.Pointer(cservice))
	var h C.struct_addrinfo
	ch := (*C.struct_addrinfo)(nil)
	if hints != nil {
		f, e1 := cint(hints.Family)
		st, e2 := cint(hints.SockType)
		pr, e3 := cint(hints.Protocol)
		fl, e4 := cint(hints.Flags)
		if e1 != nil || e2 != nil || e3 != nil || e4 != nil {
			return nil, nil, EINVAL
		}
		h.ai_family, h.ai_socktype, h.ai_protocol, h.ai_flags = f, st, pr, fl
		ch = &h
	}
	r := &GetaddrinfoReq{cb: cb}
	if err := r.open(l, r, ReqGetaddrinfo); err != nil {
		return nil, nil, err
	}
	st := C.uvg_getaddrinfo(l.ptr, r.ptr, boolInt(cb != nil), cnode, cservice, ch)
	if cb == nil {
		res := r.results(st, C.uvg_getaddrinfo_res(r.ptr))
		if err := status(st); err != nil {
			return nil, nil, err
		}
		return nil, res, nil
	}
	if st != 0 {
		r.done() // before status, which panics on a wrong thread with the uvdebug tag
		return nil, nil, status(st)
	}
	return r, nil, nil
}

// results converts the list of a completed request (nil when st is an error), frees it and
// the request.
func (r *GetaddrinfoReq) results(st C.int, ai *C.struct_addrinfo) []Addrinfo {
	var res []Addrinfo
	for p := ai; p != nil && st == 0; p = p.ai_next {
		a := Addrinfo{
			Family:   AddrFamily(p.ai_family),
			SockType: SockType(p.ai_socktype),
			Protocol: int(p.ai_protocol),
			Flags:    AddrinfoFlags(p.ai_flags),
		}
		if p.ai_addr != nil {
			a.Addr = addrPort(p.ai_addr)
		}
		if p.ai_canonname != nil {
			a.CanonName = C.GoString(p.ai_canonname)
		}
		res = append(res, a)
	}
	C.uv_freeaddrinfo(ai)
	r.done()
	return res
}

// complete is the callback's Go side.
func (r *GetaddrinfoReq) complete(st C.int, ai *C.struct_addrinfo) {
	res := r.results(st, ai)
	r.cb(res, status(st))
}

// NameinfoFlags is the flags bit set of getnameinfo(3).
type NameinfoFlags int

// The flags of Getnameinfo; see getnameinfo(3).
const (
	// NI_NUMERICHOST: the numeric form of the address, no lookup.
	NI_NUMERICHOST NameinfoFlags = C.NI_NUMERICHOST
	// NI_NUMERICSERV: the numeric form of the port.
	NI_NUMERICSERV NameinfoFlags = C.NI_NUMERICSERV
	// NI_NOFQDN: only the host part of a local host's name.
	NI_NOFQDN NameinfoFlags = C.NI_NOFQDN
	// NI_NAMEREQD: an error (EAI_NONAME) when the host has no name, instead of the numeric form.
	NI_NAMEREQD NameinfoFlags = C.NI_NAMEREQD
	// NI_DGRAM: the service of a datagram port (differs for a few ports).
	NI_DGRAM NameinfoFlags = C.NI_DGRAM
)

// GetnameinfoReq wraps uv_getnameinfo_t: an asynchronous Getnameinfo, from the call until its
// callback. Its Cancel (uv_cancel) succeeds while the request waits for a threadpool thread; the
// callback then receives EAI_CANCELED. Loop-bound, as every request.
type GetnameinfoReq struct {
	req
	cb func(host, service string, err error)
}

// Getnameinfo wraps uv_getnameinfo: the host and service names of addr, through the system's
// getnameinfo(3) with flags. An IPv6 zone is the scope id (a number or an interface name). An
// invalid addr (no family) is libuv's EINVAL.
//
// With a callback, the lookup runs on libuv's threadpool and cb runs on the loop with the names
// ("" and an EAI_* Errno on failure); Getnameinfo returns the request, whose Cancel cancels it.
// With a nil cb, Getnameinfo is libuv's synchronous mode: it looks up on the calling goroutine,
// blocking it, and returns the names.
//
// Loop-bound: call it on the goroutine running the loop, or while it is not running.
func Getnameinfo(l *Loop, addr netip.AddrPort, flags NameinfoFlags, cb func(host, service string, err error)) (*GetnameinfoReq, string, string, error) {
	cflags, err := cint(flags)
	if err != nil {
		return nil, "", "", err
	}
	if l.ptr == nil {
		return nil, "", "", ErrClosed
	}
	var sa sockaddr
	if addr.Addr().IsValid() {
		if err := sa.setAddrPort(addr); err != nil {
			return nil, "", "", err
		}
	}
	r := &GetnameinfoReq{cb: cb}
	if err := r.open(l, r, ReqGetnameinfo); err != nil {
		return nil, "", "", err
	}
	st := C.uvg_getnameinfo(l.ptr, r.ptr, boolInt(cb != nil), sa.ptr(), cflags)
	if cb == nil {
		var host, service string
		if st == 0 {
			p := (*C.uv_getnameinfo_t)(r.ptr)
			host, service = C.GoString(&p.host[0]), C.GoString(&p.service[0])
		}
		r.done()
		return nil, host, service, status(st)
	}
	if st != 0 {
		r.done()
		return nil, "", "", status(st)
	}
	return r, "", "", nil
}

// complete is the callback's Go side; host and service are NULL on failure.
func (r *GetnameinfoReq) complete(st C.int, host, service *C.char) {
	var h, s string
	if host != nil {
		h = C.GoString(host)
	}
	if service != nil {
		s = C.GoString(service)
	}
	r.done()
	r.cb(h, s, status(st))
}

// cStringOrNull is cString, with NULL for the empty string.
func cStringOrNull(s string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cString(s)
}
