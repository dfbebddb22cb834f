package uv

// #include "shim_thread.h"
// #include <netinet/in.h>
import "C"

import (
	"net/netip"
	"runtime"
	"strconv"
	"unsafe"
)

// Hrtime wraps uv_hrtime: the current high-resolution time in nanoseconds, relative to an
// arbitrary point in the past; not related to the time of day. Safe for concurrent use.
func Hrtime() uint64 { return uint64(C.uv_hrtime()) }

// sockaddr is a socket address in C layout, large enough for IPv4 and IPv6.
type sockaddr C.struct_sockaddr_storage

func (sa *sockaddr) ptr() *C.struct_sockaddr { return (*C.struct_sockaddr)(unsafe.Pointer(sa)) }

// setAddrPort fills sa with ap. An IPv6 zone is a scope id or an interface name, resolved as
// uv_ip6_addr resolves it. An invalid address is EINVAL.
func (sa *sockaddr) setAddrPort(ap netip.AddrPort) error {
	*sa = sockaddr{}
	a, port := ap.Addr(), ap.Port()
	switch {
	case a.Is4():
		in := (*C.struct_sockaddr_in)(unsafe.Pointer(sa))
		in.sin_family = C.AF_INET
		*(*[2]byte)(unsafe.Pointer(&in.sin_port)) = [2]byte{byte(port >> 8), byte(port)}
		*(*[4]byte)(unsafe.Pointer(&in.sin_addr)) = a.As4()
	case a.Is6() && a.Zone() == "":
		in := (*C.struct_sockaddr_in6)(unsafe.Pointer(sa))
		in.sin6_family = C.AF_INET6
		*(*[2]byte)(unsafe.Pointer(&in.sin6_port)) = [2]byte{byte(port >> 8), byte(port)}
		*(*[16]byte)(unsafe.Pointer(&in.sin6_addr)) = a.As16()
	case a.Is6():
		if id, err := strconv.ParseUint(a.Zone(), 10, 32); err == nil {
			if err := sa.setAddrPort(netip.AddrPortFrom(a.WithZone(""), port)); err != nil {
				return err
			}
			(*C.struct_sockaddr_in6)(unsafe.Pointer(sa)).sin6_scope_id = C.uint32_t(id)
			return nil
		}
		s, err := cString(a.String())
		if err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(s))
		return status(C.uv_ip6_addr(s, C.int(port), (*C.struct_sockaddr_in6)(unsafe.Pointer(sa))))
	default:
		return EINVAL
	}
	return nil
}

// addrPort converts a C socket address to Go; the zero AddrPort for families other than IPv4
// and IPv6. A scope id becomes the zone: the interface's name (uv_if_indextoname), or the
// number when no interface has it.
func addrPort(p *C.struct_sockaddr) netip.AddrPort {
	switch p.sa_family {
	case C.AF_INET:
		in := (*C.struct_sockaddr_in)(unsafe.Pointer(p))
		pb := *(*[2]byte)(unsafe.Pointer(&in.sin_port))
		return netip.AddrPortFrom(netip.AddrFrom4(*(*[4]byte)(unsafe.Pointer(&in.sin_addr))), uint16(pb[0])<<8|uint16(pb[1]))
	case C.AF_INET6:
		in := (*C.struct_sockaddr_in6)(unsafe.Pointer(p))
		pb := *(*[2]byte)(unsafe.Pointer(&in.sin6_port))
		a := netip.AddrFrom16(*(*[16]byte)(unsafe.Pointer(&in.sin6_addr)))
		if id := uint32(in.sin6_scope_id); id != 0 {
			a = a.WithZone(zoneName(id))
		}
		return netip.AddrPortFrom(a, uint16(pb[0])<<8|uint16(pb[1]))
	}
	return netip.AddrPort{}
}

// zoneName is the interface name of a scope id (uv_if_indextoname), or the number.
func zoneName(id uint32) string {
	var buf [C.UV_IF_NAMESIZE]C.char
	n := C.size_t(len(buf))
	if C.uv_if_indextoname(C.uint(id), &buf[0], &n) != 0 {
		return strconv.FormatUint(uint64(id), 10)
	}
	return C.GoStringN(&buf[0], C.int(n))
}

// ---- random ----

// RandomReq wraps uv_random_t: an asynchronous Random in flight, from Random until its callback.
// Its methods (Cancel, Type) are loop-bound.
type RandomReq struct {
	req
	pin runtime.Pinner
	cb  func(error)
}

// complete unpins the buffer, frees the request and calls the callback.
func (r *RandomReq) complete(st C.int) {
	r.pin.Unpin()
	reqDone(&r.req, r.cb, st)
}

// Random wraps uv_random: it fills buf with cryptographically strong random bytes from the
// system's source (getrandom(2), /dev/urandom). libuv defines no flag yet: flags must be 0
// (libuv's EINVAL otherwise).
//
// With cb nil, Random is synchronous: it returns when buf is filled (it may block while the
// system's entropy pool initializes), l may be nil, the request returned is nil, and it is safe
// for concurrent use. With cb not nil, it is asynchronous: the work runs on libuv's threadpool,
// buf is pinned and must not be touched until cb runs on l's loop with the outcome (ECANCELED
// after a successful Cancel of the request returned); it is loop-bound.
func Random(l *Loop, buf []byte, flags uint, cb func(error)) (*RandomReq, error) {
	if uint64(flags) > 1<<32-1 { // libuv's flags are an unsigned int: no truncation to 0
		return nil, EINVAL
	}
	var p unsafe.Pointer
	if len(buf) > 0 {
		p = unsafe.Pointer(&buf[0])
	}
	if cb == nil {
		return nil, status(C.uv_random(nil, nil, p, C.size_t(len(buf)), C.uint(flags), nil))
	}
	if l == nil {
		return nil, EINVAL
	}
	r := &RandomReq{cb: cb}
	if err := r.open(l, r, ReqRandom); err != nil {
		return nil, err
	}
	if p != nil {
		r.pin.Pin(p)
	}
	if err := status(C.uvg_random(l.ptr, r.ptr, p, C.size_t(len(buf)), C.uint(flags))); err != nil {
		r.pin.Unpin()
		r.done()
		return nil, err
	}
	return r, nil
}
