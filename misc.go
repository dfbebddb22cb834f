package uv

// #include "shim_thread.h"
// #include "shim_misc.h"
// #include <netinet/in.h>
import "C"

import (
	"bytes"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
	caf, err := cint(af)
	if err != nil {
		return netip.Addr{}, err
	}
	cs, err := cString(s)
	if err != nil {
		return netip.Addr{}, err
	}
	defer C.free(unsafe.Pointer(cs))
	var dst [16]byte
	if err := status(C.uv_inet_pton(caf, cs, unsafe.Pointer(&dst[0]))); err != nil {
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
	Name     string           // the interface's name, such as "lo" or "eth0"
	PhysAddr net.HardwareAddr // 6 bytes, all zero for interfaces without one
	Internal bool             // a loopback interface
	Address  netip.Addr       // a link-local IPv6 address's zone is the interface (its scope id)
	Netmask  netip.Addr       // of the same family as Address
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
	cflags, err := cuint(flags)
	if err != nil {
		return nil, err
	}
	var p unsafe.Pointer
	if len(buf) > 0 {
		p = unsafe.Pointer(&buf[0])
	}
	if cb == nil {
		return nil, status(C.uv_random(nil, nil, p, C.size_t(len(buf)), cflags, nil))
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
	if err := status(C.uvg_random(l.ptr, r.ptr, p, C.size_t(len(buf)), cflags)); err != nil {
		r.pin.Unpin()
		r.done()
		return nil, err
	}
	return r, nil
}

// ---- OS utilities ----

// Uptime wraps uv_uptime: the time since the system booted, converted from libuv's float
// seconds (on Linux read from /proc/uptime, to the hundredth of a second). Safe for concurrent
// use.
func Uptime() (time.Duration, error) {
	var s C.double
	if err := status(C.uv_uptime(&s)); err != nil {
		return 0, err
	}
	return time.Duration(float64(s) * float64(time.Second)), nil
}

// ResidentSetMemory wraps uv_resident_set_memory: the resident set size of the process, in
// bytes. Safe for concurrent use.
func ResidentSetMemory() (uint64, error) {
	var n C.size_t
	if err := status(C.uv_resident_set_memory(&n)); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// Rusage is the resource usage of the process: every field of uv_rusage_t, the CPU times
// converted from timevals. The other fields are getrusage(2)'s, unconverted (MaxRSS in
// kilobytes on Linux); fields the system does not maintain are 0.
type Rusage struct {
	Utime    time.Duration // user CPU time
	Stime    time.Duration // system CPU time
	MaxRSS   uint64        // maximum resident set size
	IxRSS    uint64        // integral shared memory size
	IdRSS    uint64        // integral unshared data size
	IsRSS    uint64        // integral unshared stack size
	Minflt   uint64        // page reclaims (soft page faults)
	Majflt   uint64        // page faults (hard page faults)
	Nswap    uint64        // swaps
	Inblock  uint64        // block input operations
	Oublock  uint64        // block output operations
	Msgsnd   uint64        // IPC messages sent
	Msgrcv   uint64        // IPC messages received
	Nsignals uint64        // signals received
	Nvcsw    uint64        // voluntary context switches
	Nivcsw   uint64        // involuntary context switches
}

// Getrusage wraps uv_getrusage: the resource usage of the whole process (RUSAGE_SELF: every
// thread, the Go runtime's included). Safe for concurrent use.
func Getrusage() (Rusage, error) {
	var r C.uv_rusage_t
	return rusage(&r, C.uv_getrusage(&r))
}

// GetrusageThread wraps uv_getrusage_thread: the resource usage of the calling OS thread
// (RUSAGE_THREAD on Linux). A goroutine moves between threads: lock it to its thread
// (runtime.LockOSThread) for the answer to mean one thread's work. ENOSYS before libuv 1.50.
// Safe for concurrent use.
func GetrusageThread() (Rusage, error) {
	var r C.uv_rusage_t
	return rusage(&r, C.uvg_getrusage_thread(&r))
}

// rusage converts what a getrusage function filled, or its error.
func rusage(r *C.uv_rusage_t, st C.int) (Rusage, error) {
	if err := status(st); err != nil {
		return Rusage{}, err
	}
	tv := func(t C.uv_timeval_t) time.Duration {
		return time.Duration(t.tv_sec)*time.Second + time.Duration(t.tv_usec)*time.Microsecond
	}
	return Rusage{
		Utime: tv(r.ru_utime), Stime: tv(r.ru_stime),
		MaxRSS: uint64(r.ru_maxrss), IxRSS: uint64(r.ru_ixrss), IdRSS: uint64(r.ru_idrss),
		IsRSS: uint64(r.ru_isrss), Minflt: uint64(r.ru_minflt), Majflt: uint64(r.ru_majflt),
		Nswap: uint64(r.ru_nswap), Inblock: uint64(r.ru_inblock), Oublock: uint64(r.ru_oublock),
		Msgsnd: uint64(r.ru_msgsnd), Msgrcv: uint64(r.ru_msgrcv), Nsignals: uint64(r.ru_nsignals),
		Nvcsw: uint64(r.ru_nvcsw), Nivcsw: uint64(r.ru_nivcsw),
	}, nil
}

// CPUTimes is the time a CPU spent in each mode since boot: uv_cpu_times_s, converted from
// libuv's milliseconds.
type CPUTimes struct {
	User, Nice, Sys, Idle, IRQ time.Duration // the time in user, nice, system, idle and IRQ mode
}

// CPU is one CPU of CPUInfo: uv_cpu_info_t in Go.
type CPU struct {
	Model string   // the model name the system reports
	Speed int      // MHz; 0 when the system does not tell
	Times CPUTimes // since boot
}

// CPUInfo wraps uv_cpu_info: one entry per CPU, the C array converted to Go and freed
// (uv_free_cpu_info). Safe for concurrent use.
func CPUInfo() ([]CPU, error) {
	var p *C.uv_cpu_info_t
	var n C.int
	if err := status(C.uv_cpu_info(&p, &n)); err != nil {
		return nil, err
	}
	defer C.uv_free_cpu_info(p, n)
	ms := fromMillis
	res := make([]CPU, n)
	for i, c := range unsafe.Slice(p, int(n)) {
		t := c.cpu_times
		res[i] = CPU{Model: C.GoString(c.model), Speed: int(c.speed), Times: CPUTimes{
			User: ms(t.user), Nice: ms(t.nice), Sys: ms(t.sys), Idle: ms(t.idle), IRQ: ms(t.irq),
		}}
	}
	return res, nil
}

// Loadavg wraps uv_loadavg: the 1, 5 and 15 minute load averages. Safe for concurrent use.
func Loadavg() [3]float64 {
	var avg [3]C.double
	C.uv_loadavg(&avg[0])
	return [3]float64{float64(avg[0]), float64(avg[1]), float64(avg[2])}
}

// FreeMemory wraps uv_get_free_memory: the memory available to new allocations, in bytes (on
// Linux MemAvailable of /proc/meminfo). Safe for concurrent use.
func FreeMemory() uint64 { return uint64(C.uv_get_free_memory()) }

// TotalMemory wraps uv_get_total_memory: the system's memory, in bytes. Safe for concurrent
// use.
func TotalMemory() uint64 { return uint64(C.uv_get_total_memory()) }

// ConstrainedMemory wraps uv_get_constrained_memory: the memory limit imposed on the process
// (a cgroup's), in bytes; 0 when there is none or it is unknown. Safe for concurrent use.
func ConstrainedMemory() uint64 { return uint64(C.uv_get_constrained_memory()) }

// AvailableMemory wraps uv_get_available_memory: the memory still available to the process,
// in bytes: the constrained limit (cgroups) less what the process uses, or FreeMemory where no
// limit applies. ENOSYS before libuv 1.45. Safe for concurrent use.
func AvailableMemory() (uint64, error) {
	var n C.uint64_t
	if err := status(C.uvg_get_available_memory(&n)); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// AvailableParallelism wraps uv_available_parallelism: an estimate of the parallelism the
// process may use (the CPUs of its affinity mask on Linux), always at least 1. Safe for
// concurrent use.
func AvailableParallelism() int { return int(C.uv_available_parallelism()) }

// sizedString calls fn with a buffer of n bytes and its size, growing the buffer to the size
// libuv asks for while it answers UV_ENOBUFS; it returns the *size bytes written.
func sizedString(n int, fn func(*C.char, *C.size_t) C.int) (string, error) {
	for {
		buf := make([]byte, n)
		size := C.size_t(n)
		r := fn((*C.char)(unsafe.Pointer(&buf[0])), &size)
		if r == C.UV_ENOBUFS && int(size) > n {
			n = int(size)
			continue
		}
		if err := status(r); err != nil {
			return "", err
		}
		return string(buf[:size]), nil
	}
}

// pathBuf is the first buffer size of the path functions: PATH_MAX and the NUL.
const pathBuf = 4096 + 1

// Homedir wraps uv_os_homedir: the current user's home directory: $HOME of the C environment
// when it is set (libuv 1.44 answers "" for an empty one), otherwise the user's passwd entry.
// Safe for concurrent use.
func Homedir() (string, error) {
	return sizedString(pathBuf, func(b *C.char, n *C.size_t) C.int { return C.uv_os_homedir(b, n) })
}

// Tmpdir wraps uv_os_tmpdir: the temporary directory: the first of $TMPDIR, $TMP, $TEMP and
// $TEMPDIR set in the C environment (libuv 1.44 answers "" for an empty one), or "/tmp";
// without a trailing slash. Safe for concurrent use.
func Tmpdir() (string, error) {
	return sizedString(pathBuf, func(b *C.char, n *C.size_t) C.int { return C.uv_os_tmpdir(b, n) })
}

// Passwd is a passwd entry: uv_passwd_t in Go.
type Passwd struct {
	Username string // the login name
	UID      int    // the effective user id; -1 on Windows
	GID      int    // -1 on Windows
	Shell    string // the login shell; "" on Windows
	Homedir  string // the home directory of the entry (not $HOME)
}

// GetPasswd wraps uv_os_get_passwd: the passwd entry of the effective user id, read with
// getpwuid_r(3), not from the environment; the C strings are converted and freed
// (uv_os_free_passwd). A user without an entry is libuv's ENOENT. Safe for concurrent use.
func GetPasswd() (Passwd, error) {
	var p C.uv_passwd_t
	if err := status(C.uv_os_get_passwd(&p)); err != nil {
		return Passwd{}, err
	}
	defer C.uv_os_free_passwd(&p)
	return goPasswd(&p), nil
}

func goPasswd(p *C.uv_passwd_t) Passwd {
	pw := Passwd{Username: C.GoString(p.username), UID: int(p.uid), GID: int(p.gid), Homedir: C.GoString(p.homedir)}
	if p.shell != nil {
		pw.Shell = C.GoString(p.shell)
	}
	return pw
}

// GetPasswd2 wraps uv_os_get_passwd2: the passwd entry of uid, read with getpwuid_r(3). A uid
// without an entry is libuv's ENOENT, one outside uid_t's range EINVAL. ENOSYS before libuv
// 1.45. Safe for concurrent use.
func GetPasswd2(uid int) (Passwd, error) {
	u, err := cuint(uid)
	if err != nil {
		return Passwd{}, err
	}
	var p C.uv_passwd_t
	if err := status(C.uvg_os_get_passwd2(&p, u)); err != nil {
		return Passwd{}, err
	}
	defer C.uv_os_free_passwd(&p)
	return goPasswd(&p), nil
}

// Group is a group entry: uv_group_t in Go.
type Group struct {
	Groupname string   // the group's name
	GID       int      // the group id
	Members   []string // the user names of the group's members, as the group database lists them
}

// GetGroup wraps uv_os_get_group: the group entry of gid, read with getgrgid_r(3); the C
// strings are converted and freed (uv_os_free_group). A gid without an entry is libuv's
// ENOENT, one outside gid_t's range EINVAL. ENOSYS before libuv 1.45. Safe for concurrent use.
func GetGroup(gid int) (Group, error) {
	g, err := cuint(gid)
	if err != nil {
		return Group{}, err
	}
	var grp C.uvg_group_t
	if err := status(C.uvg_os_get_group(&grp, g)); err != nil {
		return Group{}, err
	}
	defer C.uvg_os_free_group(&grp)
	out := Group{Groupname: C.GoString(grp.groupname), GID: int(grp.gid), Members: []string{}}
	for m := grp.members; m != nil && *m != nil; m = (**C.char)(unsafe.Add(unsafe.Pointer(m), unsafe.Sizeof(*m))) {
		out.Members = append(out.Members, C.GoString(*m))
	}
	return out, nil
}

// The environment functions below read and change the C library's environment (environ,
// getenv(3), setenv(3)). Go's os package keeps its own copy, taken from the C environment once,
// at its first use: changes made here are not seen by os.Getenv and os.Environ, nor by
// os/exec's children (which inherit os.Environ()), while os.Setenv, in a cgo program, also calls
// setenv(3), so libuv sees Go's changes. They are safe for concurrent use with each other (the
// binding orders them with a lock), but not with os.Setenv, os.Unsetenv or C code changing the
// environment at the same time (they call setenv(3) without that lock, and glibc's getenv does
// not lock).
var envMu sync.RWMutex

// Getenv wraps uv_os_getenv: the value of the environment variable name, the buffer grown to
// the size libuv asks for (UV_ENOBUFS). A variable that is not set is libuv's ENOENT (one set
// to "" is ""); a NUL byte in name is ErrNUL. Safe for concurrent use.
func Getenv(name string) (string, error) {
	cn, err := cString(name)
	if err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(cn))
	envMu.RLock()
	defer envMu.RUnlock()
	return sizedString(256, func(b *C.char, n *C.size_t) C.int { return C.uv_os_getenv(cn, b, n) })
}

// Setenv wraps uv_os_setenv: sets the environment variable name to value, replacing it. An
// empty name or one holding '=' is setenv(3)'s EINVAL; a NUL byte is ErrNUL.
//
// It changes the C environment (environ, through setenv(3)): what Getenv, Environ, C code and
// the children of Spawn (with a nil Env) see. os.Getenv does not see it: the Go runtime reads
// a copy of the environment taken at start (os.Setenv, in a cgo program, changes both). Safe
// for concurrent use.
func Setenv(name, value string) error {
	cn, err := cString(name)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cn))
	cv, err := cString(value)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cv))
	envMu.Lock()
	defer envMu.Unlock()
	return status(C.uv_os_setenv(cn, cv))
}

// Unsetenv wraps uv_os_unsetenv: removes the environment variable name; removing one that is
// not set succeeds. A NUL byte is ErrNUL. Safe for concurrent use.
func Unsetenv(name string) error {
	return withCString(name, func(cn *C.char) C.int {
		envMu.Lock()
		defer envMu.Unlock()
		return C.uv_os_unsetenv(cn)
	})
}

// withCString returns the status fn answers for s in C memory, or refuses s with ErrNUL.
func withCString(s string, fn func(*C.char) C.int) error {
	cs, err := cString(s)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	return status(fn(cs))
}

// EnvItem is one variable of Environ: uv_env_item_t in Go.
type EnvItem struct {
	Name, Value string // the part before the first '=' and the part after it
}

// Environ wraps uv_os_environ: every variable of the C environment, in its order (libuv skips
// entries without '='), the C copy converted and freed (uv_os_free_environ). Safe for
// concurrent use.
func Environ() ([]EnvItem, error) {
	var p *C.uv_env_item_t
	var n C.int
	envMu.RLock()
	err := status(C.uv_os_environ(&p, &n))
	envMu.RUnlock()
	if err != nil {
		return nil, err
	}
	defer C.uv_os_free_environ(p, n)
	res := make([]EnvItem, n)
	for i, e := range unsafe.Slice(p, int(n)) {
		res[i] = EnvItem{Name: C.GoString(e.name), Value: C.GoString(e.value)}
	}
	return res, nil
}

// Gethostname wraps uv_os_gethostname: the host's name. Safe for concurrent use.
func Gethostname() (string, error) {
	return sizedString(C.UV_MAXHOSTNAMESIZE, func(b *C.char, n *C.size_t) C.int { return C.uv_os_gethostname(b, n) })
}

// Getpid wraps uv_os_getpid: the process id. Safe for concurrent use.
func Getpid() int { return int(C.uv_os_getpid()) }

// Getppid wraps uv_os_getppid: the parent's process id. Safe for concurrent use.
func Getppid() int { return int(C.uv_os_getppid()) }

// The scheduling priorities libuv names, for Setpriority: from PriorityHighest (-20) to
// PriorityLow (19), the range of Unix nice values; any value between them is valid.
const (
	PriorityLow         = C.UV_PRIORITY_LOW
	PriorityBelowNormal = C.UV_PRIORITY_BELOW_NORMAL
	PriorityNormal      = C.UV_PRIORITY_NORMAL
	PriorityAboveNormal = C.UV_PRIORITY_ABOVE_NORMAL
	PriorityHigh        = C.UV_PRIORITY_HIGH
	PriorityHighest     = C.UV_PRIORITY_HIGHEST
)

// Getpriority wraps uv_os_getpriority: the scheduling priority (nice value) of pid, 0 meaning
// the caller. On Linux a nice value belongs to a thread: pid 0 is the calling thread, which for
// a goroutine is whichever thread it runs on (lock it with runtime.LockOSThread), and
// Getpid() is the main thread only. A pid outside the range of C's pid_t is EINVAL. Safe for
// concurrent use.
func Getpriority(pid int) (int, error) {
	if int(C.uv_pid_t(pid)) != pid {
		return 0, EINVAL
	}
	var prio C.int
	if err := status(C.uv_os_getpriority(C.uv_pid_t(pid), &prio)); err != nil {
		return 0, err
	}
	return int(prio), nil
}

// Setpriority wraps uv_os_setpriority: sets the scheduling priority of pid (0 the caller; on
// Linux a thread, as for Getpriority). A priority outside PriorityHighest..PriorityLow is
// libuv's EINVAL, a pid outside pid_t's range EINVAL; raising a priority (lowering the nice
// value) needs privilege: EACCES otherwise. Safe for concurrent use.
func Setpriority(pid, prio int) error {
	cpid, err := cint(pid) // pid_t is an int
	if err != nil {
		return err
	}
	cprio, err := cint(prio)
	if err != nil {
		return err
	}
	return status(C.uv_os_setpriority(C.uv_pid_t(cpid), cprio))
}

// Utsname is the system's identification: uv_utsname_t in Go.
type Utsname struct {
	Sysname, Release, Version, Machine string // as uname(2): "Linux", "6.1.0-...", "#1 SMP ...", "x86_64"
}

// Uname wraps uv_os_uname: the system's name, release, version and hardware. Safe for
// concurrent use.
func Uname() (Utsname, error) {
	var u C.uv_utsname_t
	if err := status(C.uv_os_uname(&u)); err != nil {
		return Utsname{}, err
	}
	return Utsname{
		Sysname: C.GoString(&u.sysname[0]), Release: C.GoString(&u.release[0]),
		Version: C.GoString(&u.version[0]), Machine: C.GoString(&u.machine[0]),
	}, nil
}

// Exepath wraps uv_exepath: the absolute path of the program's executable (on Linux the link
// /proc/self/exe, symbolic links resolved); not changed by SetProcessTitle. libuv truncates to
// the buffer it is given: the binding grows the buffer until the path fits. Safe for concurrent
// use.
func Exepath() (string, error) {
	for n := pathBuf; ; n *= 2 {
		s, err := sizedString(n, func(b *C.char, size *C.size_t) C.int { return C.uv_exepath(b, size) })
		if err != nil || len(s) < n-1 {
			return s, err
		}
	}
}

// Cwd wraps uv_cwd: the current working directory of the process, without a trailing slash.
// Safe for concurrent use.
func Cwd() (string, error) {
	return sizedString(pathBuf, func(b *C.char, n *C.size_t) C.int { return C.uv_cwd(b, n) })
}

// Chdir wraps uv_chdir: changes the working directory of the whole process (every goroutine,
// the os package's relative paths included). An error is an *fs.PathError wrapping libuv's
// code, or ErrNUL for a NUL byte in dir. Safe for concurrent use.
func Chdir(dir string) error {
	if err := withCString(dir, func(cs *C.char) C.int { return C.uv_chdir(cs) }); err != nil {
		return &fs.PathError{Op: "chdir", Path: dir, Err: err}
	}
	return nil
}

// Gettimeofday wraps uv_gettimeofday: the time of day, to the microsecond, as a time.Time (in
// the local zone; it has no monotonic reading). Safe for concurrent use.
func Gettimeofday() (time.Time, error) {
	var tv C.uv_timeval64_t
	if err := status(C.uv_gettimeofday(&tv)); err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(tv.tv_sec), int64(tv.tv_usec)*int64(time.Microsecond)), nil
}

// Clock is a clock of ClockGettime (uv_clock_id).
type Clock int

// The clocks of ClockGettime (UV_CLOCK_MONOTONIC, UV_CLOCK_REALTIME).
const (
	ClockMonotonic Clock = C.UVG_CLOCK_MONOTONIC // since an unspecified start, never set back
	ClockRealtime  Clock = C.UVG_CLOCK_REALTIME  // since the Unix epoch: time.Unix(0, int64(d))
)

// ClockGettime wraps uv_clock_gettime: the time of clock, to the nanosecond, as the duration
// since its start. Another clock is libuv's EINVAL (one outside C's int range, EINVAL too).
// ENOSYS before libuv 1.45. Safe for concurrent use.
func ClockGettime(clock Clock) (time.Duration, error) {
	id, err := cint(clock)
	if err != nil {
		return 0, err
	}
	var ns C.int64_t
	if err := status(C.uvg_clock_gettime(id, &ns)); err != nil {
		return 0, err
	}
	return time.Duration(ns), nil
}

// Sleep wraps uv_sleep: it blocks the calling thread for d, rounded up to the millisecond (the
// Go scheduler runs other goroutines meanwhile, as in any call into C). A negative d is
// ErrNegative; more than libuv's unsigned int of milliseconds (about 49 days) EINVAL. Safe for
// concurrent use.
func Sleep(d time.Duration) error {
	if d < 0 {
		return ErrNegative
	}
	ms, err := cuint(uint64(millis(d)))
	if err != nil {
		return err
	}
	C.uv_sleep(ms)
	return nil
}

// GuessHandle wraps uv_guess_handle: the kind of handle fd suits: HandleFile (a regular file or
// a device other than a terminal), HandleTTY, HandleNamedPipe (a pipe, FIFO or Unix socket),
// HandleTCP, HandleUDP, or HandleUnknown (a closed or negative descriptor, another socket).
// Safe for concurrent use.
func GuessHandle(fd int) HandleType {
	cfd, err := cint(fd) // uv_file is an int
	if err != nil {
		return HandleUnknown
	}
	return HandleType(C.uv_guess_handle(C.uv_file(cfd)))
}

// Process titles. libuv writes a title over the memory of the process's original argv
// strings, which is what ps(1) shows (/proc/self/cmdline); uv_setup_args must have received
// that argv first. The binding takes it from the C runtime before Go starts (a constructor
// function: glibc and macOS pass argc and argv to it; external linking, the default for a cgo
// package, is needed). The Go runtime builds os.Args on the same memory without copying it: this
// package's init replaces os.Args's elements with copies, so that os.Args and what is taken from
// it afterwards (flag.Parse's values) do not change under a title; a string taken from os.Args
// before this package's init still does.
var (
	argsMu  sync.RWMutex // SetupArgs and LibraryShutdown (writers) against the title functions
	argsSet bool         // uv_setup_args has succeeded, and LibraryShutdown has not run
)

func init() {
	for i, a := range os.Args {
		os.Args[i] = strings.Clone(a)
	}
}

// SetupArgs wraps uv_setup_args, with the process's argv as the C runtime passed it to the
// program (see above): call it once, at the start of the program, before GetProcessTitle and
// SetProcessTitle, which answer libuv's ENOBUFS until then. Later calls return nil without
// calling libuv again. It is ENOSYS when the argv could not be captured (a C library other than
// glibc, internal linking), EINVAL for an empty argv, ENOMEM when libuv's copy failed. Safe for
// concurrent use.
func SetupArgs() error {
	argsMu.Lock()
	defer argsMu.Unlock()
	if argsSet {
		return nil
	}
	libuvHolds.Store(true)
	if err := status(C.uvg_setup_args()); err != nil {
		return err
	}
	argsSet = true
	return nil
}

// GetProcessTitle wraps uv_get_process_title: the title set last, or the program's argv[0]
// (on Linux, a title is at most as long as the original command line: libuv truncates it). Before
// SetupArgs it is libuv's ENOBUFS. Safe for concurrent use (libuv locks).
func GetProcessTitle() (string, error) {
	argsMu.RLock()
	defer argsMu.RUnlock()
	n := 512
	for {
		buf := make([]byte, n)
		err := status(C.uv_get_process_title((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(n)))
		if err == ENOBUFS && argsSet && n < 1<<26 { // too small: there is no size to ask for
			n *= 2
			continue
		}
		if err != nil {
			return "", err
		}
		return C.GoString((*C.char)(unsafe.Pointer(&buf[0]))), nil
	}
}

// SetProcessTitle wraps uv_set_process_title: sets the title ps(1) shows, over the original
// argv's memory (see above), truncated to its size on Linux; libuv also names the calling
// thread (prctl PR_SET_NAME: for a goroutine, whichever thread it runs on). Before SetupArgs it
// is libuv's ENOBUFS; a NUL byte is ErrNUL. Safe for concurrent use (libuv locks).
func SetProcessTitle(title string) error {
	return withCString(title, func(cs *C.char) C.int {
		argsMu.RLock()
		defer argsMu.RUnlock()
		return C.uv_set_process_title(cs)
	})
}

// PrintAllHandles wraps uv_print_all_handles: it writes one line per handle of l to f, the
// binding's own handle (Loop.Post's) and libuv's internal ones included: "[RAI] type address",
// each flag '-' when the handle is not referenced, active, internal. libuv writes to a C stream
// on a duplicate of f's descriptor, flushed and closed before the call returns; f nil is libuv's
// default, stderr. Loop-bound.
func PrintAllHandles(l *Loop, f *os.File) error { return printHandles(l, f, 0) }

// PrintActiveHandles wraps uv_print_active_handles: as PrintAllHandles, for the active
// handles only. Loop-bound.
func PrintActiveHandles(l *Loop, f *os.File) error { return printHandles(l, f, 1) }

func printHandles(l *Loop, f *os.File, onlyActive C.int) error {
	if l == nil || l.ptr == nil {
		return ErrClosed
	}
	if f == nil {
		return status(C.uvg_print_handles(l.ptr, -1, onlyActive))
	}
	rc, err := f.SyscallConn() // not f.Fd(), which would make f blocking
	if err != nil {
		return err
	}
	var st C.int
	if err := rc.Control(func(fd uintptr) { st = C.uvg_print_handles(l.ptr, C.int(fd), onlyActive) }); err != nil {
		return err
	}
	return status(st)
}

// LibraryShutdown wraps uv_library_shutdown: it releases what libuv holds globally (its
// threadpool's threads, the signal machinery, the process title's copy of argv). It must be the
// program's last call into libuv, after every loop is closed; no function of this package may be
// called afterwards. Calls after the first do nothing (libuv's rule). Safe for concurrent use
// only in that nothing else may run.
func LibraryShutdown() {
	argsMu.Lock()
	defer argsMu.Unlock()
	C.uv_library_shutdown()
	argsSet = false
}

// UTF16ToWTF8 wraps uv_utf16_length_as_wtf8 and uv_utf16_to_wtf8: s, UTF-16 that may hold
// unpaired surrogates (a Windows file name, a JavaScript string), as WTF-8: UTF-8 that encodes
// such surrogates as three bytes. NUL code units are converted like any other. ENOSYS before
// libuv 1.47. Safe for concurrent use.
func UTF16ToWTF8(s []uint16) ([]byte, error) {
	if len(s) == 0 {
		return []byte{}, nil
	}
	src := (*C.uint16_t)(unsafe.Pointer(&s[0]))
	var n C.size_t
	if err := status(C.uvg_utf16_to_wtf8(src, C.size_t(len(s)), nil, &n)); err != nil {
		return nil, err
	}
	buf := make([]byte, n+1) // and libuv's NUL
	if err := status(C.uvg_utf16_to_wtf8(src, C.size_t(len(s)), (*C.char)(unsafe.Pointer(&buf[0])), &n)); err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// WTF8ToUTF16 wraps uv_wtf8_length_as_utf16 and uv_wtf8_to_utf16: s, WTF-8 (or UTF-8), as
// UTF-16. libuv reads s up to a NUL byte: one inside s is ErrNUL; bytes that are not WTF-8 are
// EINVAL. ENOSYS before libuv 1.47. Safe for concurrent use.
func WTF8ToUTF16(s []byte) ([]uint16, error) {
	if bytes.IndexByte(s, 0) >= 0 {
		return nil, ErrNUL
	}
	z := append(s[:len(s):len(s)], 0) // a copy with the NUL
	cs := (*C.char)(unsafe.Pointer(&z[0]))
	var n C.size_t
	if err := status(C.uvg_wtf8_to_utf16(cs, nil, &n)); err != nil {
		return nil, err
	}
	buf := make([]uint16, n) // with the NUL
	if err := status(C.uvg_wtf8_to_utf16(cs, (*C.uint16_t)(unsafe.Pointer(&buf[0])), &n)); err != nil {
		return nil, err
	}
	return buf[:n-1], nil
}

// libuvHolds is set once libuv may hold memory it allocated past a call: a loop has been made
// (NewLoop, DefaultLoop) or SetupArgs has run. ReplaceAllocator refuses from then on.
var libuvHolds atomic.Bool

// ReplaceAllocator wraps uv_replace_allocator: libuv allocates with the given C functions
// instead of the C library's malloc, realloc, calloc and free (for example jemalloc's, or a C
// wrapper that counts libuv's memory). Each argument is the address of a C function with the
// C library's signature, such as a Lib.Sym result; Go functions cannot be used. A nil one is
// libuv's EINVAL. Memory libuv allocated with one allocator would be freed with the other, so
// call it first, before any other function of this package and before other goroutines use
// it: once a loop exists or SetupArgs has run, it answers EBUSY (the binding's check; libuv
// cannot tell). The binding's own C memory (handles, requests) does not go through it. Not safe
// for concurrent use with any other function of this package.
func ReplaceAllocator(malloc, realloc, calloc, free unsafe.Pointer) error {
	if libuvHolds.Load() {
		return EBUSY
	}
	return status(C.uv_replace_allocator((C.uv_malloc_func)(malloc), (C.uv_realloc_func)(realloc),
		(C.uv_calloc_func)(calloc), (C.uv_free_func)(free)))
}
