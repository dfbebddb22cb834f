package uv

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

const netTestPort = 9123

// libuv: ip4_addr
func TestIP4Addr(t *testing.T) {
	if s, err := inetNtop(AF_INET, []byte{0xff, 0xff, 0xff, 0xff}, 16); err != nil || s != "255.255.255.255" {
		t.Errorf("inet_ntop(255.255.255.255) into 16 bytes = %q, %v", s, err)
	}
	if _, err := inetNtop(AF_INET, []byte{0xff, 0xff, 0xff, 0xff}, 15); !errors.Is(err, ENOSPC) {
		t.Errorf("inet_ntop(255.255.255.255) into 15 bytes: %v, want ENOSPC", err)
	}
	for _, ip := range []string{"127.0.0.1", "255.255.255.255"} {
		ap, err := IP4Addr(ip, netTestPort)
		if err != nil || ap != netip.AddrPortFrom(netip.MustParseAddr(ip), netTestPort) {
			t.Errorf("IP4Addr(%q) = %v, %v", ip, ap, err)
		}
	}
	for _, ip := range []string{"255.255.255*000", "255.255.255.256", "2555.0.0.0", "255"} {
		if ap, err := IP4Addr(ip, netTestPort); !errors.Is(err, EINVAL) || ap.IsValid() {
			t.Errorf("IP4Addr(%q) = %v, %v; want EINVAL", ip, ap, err)
		}
	}
	// A broken address family.
	if _, err := InetPton(42, "127.0.0.1"); !errors.Is(err, EAFNOSUPPORT) {
		t.Errorf("InetPton(42, ...): %v, want EAFNOSUPPORT", err)
	}
}

// libuv: ip6_addr_link_local
func TestIP6AddrLinkLocal(t *testing.T) {
	ifs, err := InterfaceAddresses()
	must(t, err)
	tested := 0
	for _, a := range ifs {
		if !a.Address.Is6() {
			continue
		}
		s, err := InetNtop(a.Address)
		must(t, err)
		if !strings.HasPrefix(s, "fe80::") {
			continue
		}
		// The scope id came back as the interface's name; the standard library gives its index.
		if a.Address.Zone() != a.Name {
			t.Errorf("link-local %v of %s: zone %q, want the interface", a.Address, a.Name, a.Address.Zone())
		}
		ni, err := net.InterfaceByName(a.Name)
		must(t, err)
		index := uint32(ni.Index)
		if name, err := IfIndexToName(index); err != nil || name != a.Name {
			t.Errorf("IfIndexToName(%d) = %q, %v; want %q", index, name, err, a.Name)
		}
		iid, err := IfIndexToIID(index)
		if err != nil || iid != a.Name {
			t.Errorf("IfIndexToIID(%d) = %q, %v; want %q", index, iid, err, a.Name)
		}
		scoped := s + "%" + iid
		t.Logf("testing link-local address %s (index %d, device %s)", scoped, index, a.Name)
		ap, err := IP6Addr(scoped, netTestPort)
		if err != nil || ap != netip.AddrPortFrom(a.Address, netTestPort) {
			t.Errorf("IP6Addr(%q) = %v, %v; want %v", scoped, ap, err, netip.AddrPortFrom(a.Address, netTestPort))
		}
		tested++
	}
	if tested == 0 {
		t.Log("no link-local IPv6 address on this machine")
	}
	if name, err := IfIndexToName(^uint32(0)); err == nil {
		t.Errorf("IfIndexToName(-1) = %q, want an error", name)
	}
	if iid, err := IfIndexToIID(^uint32(0)); err == nil {
		t.Errorf("IfIndexToIID(-1) = %q, want an error", iid)
	}
}

// libuv: ip6_pton
func TestIP6Pton(t *testing.T) {
	good := []string{
		"::",
		"::1",
		"fe80::1",
		"fe80::",
		"fe80::2acf:daff:fedd:342a",
		"fe80:0:0:0:2acf:daff:fedd:342a",
		"fe80:0:0:0:2acf:daff:1.2.3.4",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
	}
	bad := []string{
		":::1",
		"abcde::1",
		"fe80:0:0:0:2acf:daff:fedd:342a:5678",
		"fe80:0:0:0:2acf:daff:abcd:1.2.3.4",
		"fe80:0:0:2acf:daff:1.2.3.4.5",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255.255",
	}
	// libuv ignores what follows a '%': the result has no zone.
	suffixes := []string{"", "%en1", "%%%%", "%en1:1.2.3.4"}
	for _, s := range good {
		want := netip.MustParseAddr(s)
		for _, suf := range suffixes {
			if a, err := InetPton(AF_INET6, s+suf); err != nil || a != want {
				t.Errorf("InetPton(AF_INET6, %q) = %v, %v; want %v", s+suf, a, err, want)
			}
		}
	}
	for _, s := range bad {
		for _, suf := range suffixes {
			if a, err := InetPton(AF_INET6, s+suf); err == nil {
				t.Errorf("InetPton(AF_INET6, %q) = %v, want an error", s+suf, a)
			}
		}
	}
}

// libuv: ip6_sin6_len
func TestIP6Sin6Len(t *testing.T) {
	// Linux has no sin6_len: libuv's test checks that uv_ip6_addr succeeds.
	if ap, err := IP6Addr("::", 0); err != nil || ap != netip.MustParseAddrPort("[::]:0") {
		t.Errorf("IP6Addr(\"::\", 0) = %v, %v", ap, err)
	}
}

// libuv: ip_name
func TestIPName(t *testing.T) {
	ap4, err := IP4Addr("192.168.0.1", netTestPort)
	must(t, err)
	if s, err := IP4Name(ap4); err != nil || s != "192.168.0.1" {
		t.Errorf("IP4Name = %q, %v", s, err)
	}
	if s, err := IPName(ap4); err != nil || s != "192.168.0.1" {
		t.Errorf("IPName = %q, %v", s, err)
	}
	ap6, err := IP6Addr("fe80::2acf:daff:fedd:342a", netTestPort)
	must(t, err)
	if s, err := IP6Name(ap6); err != nil || s != "fe80::2acf:daff:fedd:342a" {
		t.Errorf("IP6Name = %q, %v", s, err)
	}
	if s, err := IPName(ap6); err != nil || s != "fe80::2acf:daff:fedd:342a" {
		t.Errorf("IPName = %q, %v", s, err)
	}
	// Another family: the zero AddrPort has none.
	if s, err := IPName(netip.AddrPort{}); !errors.Is(err, EAFNOSUPPORT) {
		t.Errorf("IPName of the zero AddrPort = %q, %v; want EAFNOSUPPORT", s, err)
	}
}

func TestIP6AddrZone(t *testing.T) {
	lo := dnsLoopbackName(t)
	ap, err := IP6Addr("fe80::1%"+lo, netTestPort)
	want := netip.AddrPortFrom(netip.MustParseAddr("fe80::1").WithZone(lo), netTestPort)
	if err != nil || ap != want {
		t.Errorf("IP6Addr(fe80::1%%%s) = %v, %v; want %v", lo, ap, err, want)
	}
	// libuv writes no zone; IPName and IP6Name accept the zoned address.
	if s, err := IP6Name(ap); err != nil || s != "fe80::1" {
		t.Errorf("IP6Name(%v) = %q, %v", ap, s, err)
	}
	// An unknown interface is silently ignored, as libuv does.
	if ap, err := IP6Addr("fe80::1%nosuchif0", 1); err != nil || ap != netip.MustParseAddrPort("[fe80::1]:1") {
		t.Errorf("IP6Addr with an unknown interface = %v, %v", ap, err)
	}
	if ap, err := IP6Addr("::ffff:1.2.3.4", 2); err != nil || ap != netip.MustParseAddrPort("[::ffff:1.2.3.4]:2") {
		t.Errorf("IP6Addr(::ffff:1.2.3.4) = %v, %v", ap, err)
	}
	if ap, err := IP6Addr("1.2.3.4", 2); !errors.Is(err, EINVAL) {
		t.Errorf("IP6Addr(1.2.3.4) = %v, %v; want EINVAL", ap, err)
	}
}

func TestInetNtopPton(t *testing.T) {
	for _, s := range []string{"0.0.0.0", "10.1.2.3", "::", "::1", "2001:db8::8:800:200c:417a", "::ffff:1.2.3.4"} {
		a := netip.MustParseAddr(s)
		if got, err := InetNtop(a); err != nil || got != s {
			t.Errorf("InetNtop(%v) = %q, %v; want %q", a, got, err, s)
		}
		af := AF_INET6
		if a.Is4() {
			af = AF_INET
		}
		if got, err := InetPton(af, s); err != nil || got != a {
			t.Errorf("InetPton(%v, %q) = %v, %v; want %v", af, s, got, err, a)
		}
	}
	if s, err := InetNtop(netip.MustParseAddr("fe80::1%eth0")); err != nil || s != "fe80::1" {
		t.Errorf("InetNtop of a zoned address = %q, %v; want fe80::1", s, err)
	}
	if s, err := InetNtop(netip.Addr{}); !errors.Is(err, EAFNOSUPPORT) {
		t.Errorf("InetNtop of the zero Addr = %q, %v; want EAFNOSUPPORT", s, err)
	}
	if _, err := inetNtop(AF_INET6, make([]byte, 16), 2); !errors.Is(err, ENOSPC) {
		t.Errorf("inet_ntop(::) into 2 bytes: %v, want ENOSPC", err)
	}
	for _, c := range []struct {
		af AddrFamily
		s  string
	}{{AF_INET, "::1"}, {AF_INET6, "1.2.3.4"}, {AF_INET, ""}, {AF_INET6, ""}, {AF_INET, "1.2.3.4 "}} {
		if a, err := InetPton(c.af, c.s); !errors.Is(err, EINVAL) {
			t.Errorf("InetPton(%v, %q) = %v, %v; want EINVAL", c.af, c.s, a, err)
		}
	}
	if _, err := InetPton(AF_UNIX, "1.2.3.4"); !errors.Is(err, EAFNOSUPPORT) {
		t.Errorf("InetPton(AF_UNIX): %v, want EAFNOSUPPORT", err)
	}
}

func TestAddressMisuse(t *testing.T) {
	for _, port := range []int{-1, 65536, 1 << 40} {
		if ap, err := IP4Addr("127.0.0.1", port); !errors.Is(err, EINVAL) {
			t.Errorf("IP4Addr with port %d = %v, %v; want EINVAL", port, ap, err)
		}
		if ap, err := IP6Addr("::1", port); !errors.Is(err, EINVAL) {
			t.Errorf("IP6Addr with port %d = %v, %v; want EINVAL", port, ap, err)
		}
	}
	if ap, err := IP4Addr("127.0.0.1", 65535); err != nil || ap.Port() != 65535 {
		t.Errorf("IP4Addr with port 65535 = %v, %v", ap, err)
	}
	if _, err := IP4Addr("127.0.0.1\x00", 1); !errors.Is(err, ErrNUL) {
		t.Errorf("IP4Addr with a NUL: %v, want ErrNUL", err)
	}
	if _, err := IP6Addr("::1\x00%lo", 1); !errors.Is(err, ErrNUL) {
		t.Errorf("IP6Addr with a NUL: %v, want ErrNUL", err)
	}
	if _, err := InetPton(AF_INET, "1.2.3.4\x00"); !errors.Is(err, ErrNUL) {
		t.Errorf("InetPton with a NUL: %v, want ErrNUL", err)
	}
	nulZone := netip.AddrPortFrom(netip.MustParseAddr("fe80::1").WithZone("lo\x00x"), 5)
	if _, err := IP6Name(nulZone); !errors.Is(err, ErrNUL) {
		t.Errorf("IP6Name of a zone with a NUL: %v, want ErrNUL", err)
	}
	v4, v6 := netip.MustParseAddrPort("1.2.3.4:5"), netip.MustParseAddrPort("[::1]:5")
	if s, err := IP4Name(v6); !errors.Is(err, EINVAL) {
		t.Errorf("IP4Name of an IPv6 address = %q, %v; want EINVAL", s, err)
	}
	if s, err := IP6Name(v4); !errors.Is(err, EINVAL) {
		t.Errorf("IP6Name of an IPv4 address = %q, %v; want EINVAL", s, err)
	}
	if s, err := IP4Name(netip.AddrPort{}); !errors.Is(err, EINVAL) {
		t.Errorf("IP4Name of the zero AddrPort = %q, %v; want EINVAL", s, err)
	}
}

func TestInterfaceAddresses(t *testing.T) {
	ifs, err := InterfaceAddresses()
	must(t, err)
	if len(ifs) == 0 {
		t.Fatal("no interface address")
	}
	loopback := false
	for _, a := range ifs {
		if len(a.PhysAddr) != 6 {
			t.Errorf("%s: physical address %v, want 6 bytes", a.Name, a.PhysAddr)
		}
		if !a.Address.IsValid() || !a.Netmask.IsValid() || a.Address.Is4() != a.Netmask.Is4() {
			t.Errorf("%s: address %v, netmask %v", a.Name, a.Address, a.Netmask)
		}
		if a.Internal && a.Address == netip.MustParseAddr("127.0.0.1") {
			loopback = true
			if a.Netmask != netip.MustParseAddr("255.0.0.0") {
				t.Errorf("%s: netmask %v of 127.0.0.1, want 255.0.0.0", a.Name, a.Netmask)
			}
		}
		// The standard library, which asks the kernel its own way, knows the same address.
		ni, err := net.InterfaceByName(a.Name)
		if err != nil {
			t.Errorf("%s: %v", a.Name, err)
			continue
		}
		if a.Internal != (ni.Flags&net.FlagLoopback != 0) {
			t.Errorf("%s: Internal %v, flags %v", a.Name, a.Internal, ni.Flags)
		}
		addrs, err := ni.Addrs()
		must(t, err)
		found := false
		for _, na := range addrs {
			if n, ok := na.(*net.IPNet); ok {
				ip, _ := netip.AddrFromSlice(n.IP)
				mask, _ := netip.AddrFromSlice(net.IP(n.Mask))
				if ip.Unmap() == a.Address.WithZone("") && mask.Unmap() == a.Netmask.WithZone("") {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("%s: %v/%v is not among the interface's addresses %v", a.Name, a.Address, a.Netmask, addrs)
		}
	}
	if !loopback {
		t.Errorf("no internal interface with 127.0.0.1 in %+v", ifs)
	}
}
