package uv

// #include "shim_thread.h"
// #include <netinet/in.h>
import "C"

import (
	"net"
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

// ---- addresses and interfaces ----

// AddrFamily is an address family: the sa_family of a socket address, the ai_family of an
// Addrinfo.
type AddrFamily int

// The address families of the binding's address functions.
const (
	AF_UNSPEC AddrFamily = C.AF_UNSPEC
	AF_INET   AddrFamily = C.AF_INET
	AF_INET6  AddrFamily = C.AF_INET6
	AF_UNIX   AddrFamily = C.AF_UNIX
)

// IP4Addr wraps uv_ip4_addr: the IPv4 socket address of ip (dotted decimal, as inet_pton(3)
// reads it) and port. An unparsable ip is libuv's EINVAL; a port outside 0..65535, which a
// socket address cannot hold, is EINVAL; a NUL byte is ErrNUL. Safe for concurrent use.
func IP4Addr(ip string, port int) (netip.AddrPort, error) {
	var sa sockaddr
	err := sa.parse(ip, port, func(s *C.char, sa *sockaddr) C.int {
		return C.uv_ip4_addr(s, C.int(port), (*C.struct_sockaddr_in)(unsafe.Pointer(sa)))
	})
	return addrPort(sa.ptr()), err
}

// IP6Addr wraps uv_ip6_addr: the IPv6 socket address of ip and port. A zone ("fe80::1%eth0")
// names an interface: libuv sets the scope id to its index, and an unknown name is silently
// ignored (scope id 0), as libuv does. The result's zone is the interface's name
// (uv_if_indextoname of the scope id). Errors as IP4Addr's. Safe for concurrent use.
func IP6Addr(ip string, port int) (netip.AddrPort, error) {
	var sa sockaddr
	err := sa.parse(ip, port, func(s *C.char, sa *sockaddr) C.int {
		return C.uv_ip6_addr(s, C.int(port), (*C.struct_sockaddr_in6)(unsafe.Pointer(sa)))
	})
	return addrPort(sa.ptr()), err
}

// parse fills sa with conv (uv_ip4_addr or uv_ip6_addr) of ip and port; on failure sa is left
// zero.
func (sa *sockaddr) parse(ip string, port int, conv func(*C.char, *sockaddr) C.int) error {
	if port < 0 || port > 0xffff {
		return EINVAL
	}
	s, err := cString(ip)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(s))
	if err := status(conv(s, sa)); err != nil {
		*sa = sockaddr{}
		return err
	}
	return nil
}

// IP4Name wraps uv_ip4_name: the dotted decimal form of addr's address (the port is not
// part of it). An address that is not IPv4 is EINVAL. Safe for concurrent use.
func IP4Name(addr netip.AddrPort) (string, error) {
	if !addr.Addr().Is4() {
		return "", EINVAL
	}
	return ipName(addr, func(sa *sockaddr, dst *C.char, n C.size_t) C.int {
		return C.uv_ip4_name((*C.struct_sockaddr_in)(unsafe.Pointer(sa)), dst, n)
	})
}

// IP6Name wraps uv_ip6_name: the text form of addr's IPv6 address; libuv writes neither the
// zone nor the port. An address that is not IPv6 (IPv4-mapped ones are) is EINVAL. Safe for
// concurrent use.
func IP6Name(addr netip.AddrPort) (string, error) {
	if !addr.Addr().Is6() {
		return "", EINVAL
	}
	return ipName(addr, func(sa *sockaddr, dst *C.char, n C.size_t) C.int {
		return C.uv_ip6_name((*C.struct_sockaddr_in6)(unsafe.Pointer(sa)), dst, n)
	})
}

// IPName wraps uv_ip_name: IP4Name or IP6Name by the address's family. The zero AddrPort has
// no family: libuv answers EAFNOSUPPORT. Safe for concurrent use.
func IPName(addr netip.AddrPort) (string, error) {
	return ipName(addr, func(sa *sockaddr, dst *C.char, n C.size_t) C.int {
		return C.uv_ip_name(sa.ptr(), dst, n)
	})
}

// ipName converts addr to a C socket address (AF_UNSPEC when addr is not valid) and returns
// what name writes of it.
func ipName(addr netip.AddrPort, name func(*sockaddr, *C.char, C.size_t) C.int) (string, error) {
	var sa sockaddr
	if addr.Addr().IsValid() {
		if err := sa.setAddrPort(addr); err != nil {
			return "", err
		}
	}
	var buf [C.INET6_ADDRSTRLEN]C.char
	if err := status(name(&sa, &buf[0], C.size_t(len(buf)))); err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}

// InetNtop wraps uv_inet_ntop: the text form of addr, of family AF_INET for an IPv4 address
// and AF_INET6 otherwise (IPv4-mapped addresses included). libuv writes no zone. The zero Addr
// has no family: libuv answers EAFNOSUPPORT. Safe for concurrent use.
func InetNtop(addr netip.Addr) (string, error) {
	switch {
	case addr.Is4():
		b := addr.As4()
		return inetNtop(AF_INET, b[:], C.INET6_ADDRSTRLEN)
	case addr.Is6():
		b := addr.As16()
		return inetNtop(AF_INET6, b[:], C.INET6_ADDRSTRLEN)
	}
	return inetNtop(AF_UNSPEC, make([]byte, 16), C.INET6_ADDRSTRLEN)
}

// inetNtop is uv_inet_ntop of the address src into a buffer of size bytes.
func inetNtop(af AddrFamily, src []byte, size int) (string, error) {
	buf := make([]C.char, size)
	if err := status(C.uv_inet_ntop(C.int(af), unsafe.Pointer(&src[0]), &buf[0], C.size_t(size))); err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}

// InetPton wraps uv_inet_pton: the address of family af (AF_INET or AF_INET6) that s writes.
// For AF_INET6 libuv accepts and ignores a zone ("fe80::1%eth0"): the result has none. An
// unparsable s is libuv's EINVAL, another family its EAFNOSUPPORT, a NUL byte ErrNUL. Safe for
// concurrent use.
func InetPton(af AddrFamily, s string) (netip.Addr, error) {
	cs, err := cString(s)
	if err != nil {
		return netip.Addr{}, err
	}
	defer C.free(unsafe.Pointer(cs))
	var dst [16]byte
	if err := status(C.uv_inet_pton(C.int(af), cs, unsafe.Pointer(&dst[0]))); err != nil {
		return netip.Addr{}, err
	}
	switch af {
	case AF_INET:
		return netip.AddrFrom4([4]byte(dst[:4])), nil
	case AF_INET6:
		return netip.AddrFrom16(dst), nil
	}
	return netip.Addr{}, nil
}

// InterfaceAddress is one entry of InterfaceAddresses: an uv_interface_address_t in Go.
type InterfaceAddress struct {
	Name     string
	PhysAddr net.HardwareAddr // 6 bytes, all zero for interfaces without one
	Internal bool             // a loopback interface
	Address  netip.Addr       // a link-local IPv6 address's zone is the interface (its scope id)
	Netmask  netip.Addr
}

// InterfaceAddresses wraps uv_interface_addresses: one entry per address of each interface
// that is up, the C list converted to Go and freed (uv_free_interface_addresses). Safe for
// concurrent use.
func InterfaceAddresses() ([]InterfaceAddress, error) {
	var p *C.uv_interface_address_t
	var n C.int
	if err := status(C.uv_interface_addresses(&p, &n)); err != nil {
		return nil, err
	}
	defer C.uv_free_interface_addresses(p, n)
	res := make([]InterfaceAddress, n)
	for i, a := range unsafe.Slice(p, int(n)) {
		res[i] = InterfaceAddress{
			Name:     C.GoString(a.name),
			PhysAddr: net.HardwareAddr(C.GoBytes(unsafe.Pointer(&a.phys_addr[0]), C.int(len(a.phys_addr)))),
			Internal: a.is_internal != 0,
			Address:  addrPort((*C.struct_sockaddr)(unsafe.Pointer(&a.address))).Addr(),
			Netmask:  addrPort((*C.struct_sockaddr)(unsafe.Pointer(&a.netmask))).Addr(),
		}
	}
	return res, nil
}

// IfIndexToName wraps uv_if_indextoname: the name of the network interface of index, libuv's
// ENXIO (from if_indextoname(3)) when there is none. Safe for concurrent use.
func IfIndexToName(index uint32) (string, error) {
	return ifIndex(func(b *C.char, n *C.size_t) C.int { return C.uv_if_indextoname(C.uint(index), b, n) })
}

// IfIndexToIID wraps uv_if_indextoiid: the interface identifier of index for an IPv6 scope, on
// Unix its name (as IfIndexToName). Safe for concurrent use.
func IfIndexToIID(index uint32) (string, error) {
	return ifIndex(func(b *C.char, n *C.size_t) C.int { return C.uv_if_indextoiid(C.uint(index), b, n) })
}

func ifIndex(fn func(*C.char, *C.size_t) C.int) (string, error) {
	var buf [C.UV_IF_NAMESIZE]C.char
	n := C.size_t(len(buf))
	if err := status(fn(&buf[0], &n)); err != nil {
		return "", err
	}
	return C.GoStringN(&buf[0], C.int(n)), nil
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
