package uv

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The tests of this file use loopback addresses only (127.0.0.1, ::1, the loopback interface,
// multicast groups sent through it) and ports chosen by the system (port 0, read back with
// SockName), where libuv's tests use fixed ports and often the wildcard address.

var (
	udpLo4 = netip.MustParseAddrPort("127.0.0.1:0")
	udpLo6 = netip.MustParseAddrPort("[::1]:0")
)

// udpNew returns a new UDP handle of l.
func udpNew(t testing.TB, l *Loop) *UDP {
	t.Helper()
	u, err := NewUDP(l)
	must(t, err)
	return u
}

// udpBind returns a new UDP handle bound to addr with flags, and the address it is bound to.
func udpBind(t testing.TB, l *Loop, addr netip.AddrPort, flags UDPFlags) (*UDP, netip.AddrPort) {
	t.Helper()
	u := udpNew(t, l)
	must(t, u.Bind(addr, flags))
	got, err := u.SockName()
	must(t, err)
	return u, got
}

// udpFreePort returns a loopback address with a port no socket is bound to (it was bound an
// instant before): sends to it get nowhere.
func udpFreePort(t testing.TB, l *Loop, lo netip.AddrPort) netip.AddrPort {
	t.Helper()
	u, addr := udpBind(t, l, lo, 0)
	loopCloseAll(t, l, u)
	return addr
}

// udpClose closes the handles not closing yet, from a callback (the loop's run ends once their
// close callbacks have run).
func udpClose(t testing.TB, hs ...Handle) {
	t.Helper()
	for _, h := range hs {
		if !h.IsClosing() {
			hndCheck(t, h.Close(nil))
		}
	}
}

// udpCounts fails t unless the callbacks ran as many times as wanted: send callbacks,
// datagrams received, close callbacks.
func udpCounts(t testing.TB, sends, recvs, closes, wantSends, wantRecvs, wantCloses int) {
	t.Helper()
	if sends != wantSends || recvs != wantRecvs || closes != wantCloses {
		t.Errorf("send callbacks %d, datagrams %d, close callbacks %d; want %d %d %d",
			sends, recvs, closes, wantSends, wantRecvs, wantCloses)
	}
}

// udpOnClose returns a close callback for h that checks uv_is_closing, as libuv's tests do,
// and counts the call in *n.
func udpOnClose(t testing.TB, h Handle, n *int) func() {
	return func() {
		if !h.IsClosing() {
			t.Errorf("%s: IsClosing false in its close callback", h.TypeName())
		}
		*n++
	}
}

// udpErrIs reports err unless it is want (nil for no error).
func udpErrIs(t testing.TB, what string, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Errorf("%s: %v, want %v", what, err, want)
	}
}

// udpOnDatagram returns a receive callback that reports errors, skips libuv's "nothing to
// read" and calls fn with each datagram.
func udpOnDatagram(t testing.TB, fn func(data []byte, from netip.AddrPort, flags UDPFlags)) func([]byte, netip.AddrPort, UDPFlags, error) {
	return func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		hndCheck(t, err)
		if !udpNothing(t, data, from, err) && err == nil {
			fn(data, from, flags)
		}
	}
}

// udpNothing reports whether a receive callback's arguments are libuv's "nothing to read"
// (nread 0, no address); it fails t when data comes without an address.
func udpNothing(t testing.TB, data []byte, addr netip.AddrPort, err error) bool {
	t.Helper()
	if err == nil && data == nil {
		if addr.IsValid() {
			t.Errorf("nil data with address %v", addr)
		}
		return true
	}
	if err == nil && !addr.IsValid() {
		t.Errorf("datagram %q without an address", data)
	}
	return false
}

// udpSocket returns a blocking socket(AF_INET, SOCK_DGRAM) with SO_REUSEADDR, made without
// libuv, as libuv's tests of uv_udp_open make it.
func udpSocket(t testing.TB) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	must(t, err)
	must(t, syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1))
	return fd
}

// udpSockaddr4 converts an IPv4 address for the syscall package.
func udpSockaddr4(a netip.AddrPort) *syscall.SockaddrInet4 {
	return &syscall.SockaddrInet4{Port: int(a.Port()), Addr: a.Addr().As4()}
}

// udpLoopbackName returns the name of the loopback interface (lo on Linux).
func udpLoopbackName(t testing.TB) string {
	t.Helper()
	ifs, err := net.Interfaces()
	must(t, err)
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 {
			return i.Name
		}
	}
	t.Skip("no loopback interface")
	return ""
}

// libuv: udp_open
func TestUDPOpen(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	sock := udpSocket(t)
	client := udpNew(t, l)
	must(t, client.Open(sock))
	must(t, client.Bind(udpLo4, 0))
	addr, err := client.SockName()
	must(t, err)
	if fd, err := client.Fileno(); err != nil || fd != sock {
		t.Errorf("Fileno after Open = %d, %v; want %d", fd, err, sock)
	}
	sends, recvs, closes := 0, 0, 0
	must(t, client.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, flags UDPFlags) {
		recvs++
		if flags != 0 || string(data) != "PING" || from != addr {
			t.Errorf("received %q from %v flags %d, want PING from %v flags 0", data, from, flags, addr)
		}
		hndCheck(t, client.RecvStop())
		hndCheck(t, client.Close(func() { closes++ }))
	})))
	_, err = client.Send(addr, [][]byte{[]byte("PING")}, func(err error) {
		hndCheck(t, err)
		sends++
		if q := client.SendQueueSize(); q != 0 {
			t.Errorf("send queue in the send callback: %d bytes, want 0", q)
		}
	})
	must(t, err)

	// A second handle cannot take the socket the first one holds.
	client2 := udpNew(t, l)
	udpErrIs(t, "Open of a socket another handle holds", client2.Open(sock), EEXIST)
	must(t, client2.Close(nil))

	run(t, l, RunDefault)
	udpCounts(t, sends, recvs, closes, 1, 1, 1)
}

// libuv: udp_open_twice
func TestUDPOpenTwice(t *testing.T) {
	l := newTestLoop(t)
	sock1, sock2 := udpSocket(t), udpSocket(t)
	client := udpNew(t, l)
	must(t, client.Open(sock1))
	udpErrIs(t, "second Open", client.Open(sock2), EBUSY)
	must(t, syscall.Close(sock2))
	loopCloseAll(t, l, client)
}

// libuv: udp_open_bound
func TestUDPOpenBound(t *testing.T) {
	l := newTestLoop(t)
	sock := udpSocket(t)
	must(t, syscall.Bind(sock, udpSockaddr4(udpLo4)))
	client := udpNew(t, l)
	must(t, client.Open(sock))
	if addr, err := client.SockName(); err != nil || addr.Addr() != udpLo4.Addr() || addr.Port() == 0 {
		t.Errorf("SockName of the opened bound socket = %v, %v", addr, err)
	}
	must(t, client.RecvStart(func(data []byte, from netip.AddrPort, _ UDPFlags, err error) {
		if !udpNothing(t, data, from, err) || err != nil {
			t.Errorf("unexpected receive: %q %v %v", data, from, err)
		}
	}))
	loopCloseAll(t, l, client)
}

// libuv: udp_open_connect
func TestUDPOpenConnect(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	sock := udpSocket(t)
	must(t, syscall.Connect(sock, udpSockaddr4(addr)))
	client := udpNew(t, l)
	must(t, client.Open(sock))
	if peer, err := client.PeerName(); err != nil || peer != addr {
		t.Errorf("PeerName of the opened connected socket = %v, %v; want %v", peer, err, addr)
	}
	sends, recvs, closes := 0, 0, 0
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, flags UDPFlags) {
		recvs++
		if flags != 0 || string(data) != "PING" {
			t.Errorf("received %q flags %d, want PING flags 0", data, flags)
		}
		hndCheck(t, server.RecvStop())
		hndCheck(t, server.Close(func() { closes++ }))
		hndCheck(t, client.Close(func() { closes++ }))
	})))
	// The zero AddrPort sends to the connected peer.
	_, err := client.Send(netip.AddrPort{}, [][]byte{[]byte("PING")}, func(err error) {
		hndCheck(t, err)
		sends++
		if q := client.SendQueueSize(); q != 0 {
			t.Errorf("send queue in the send callback: %d bytes, want 0", q)
		}
	})
	must(t, err)
	run(t, l, RunDefault)
	udpCounts(t, sends, recvs, closes, 1, 1, 2)
}

// libuv: udp_bind
func TestUDPBind(t *testing.T) {
	l := newTestLoop(t)
	h1, addr := udpBind(t, l, udpLo4, 0)
	h2 := udpNew(t, l)
	udpErrIs(t, "Bind to an address in use", h2.Bind(addr, 0), EADDRINUSE)
	loopCloseAll(t, l, h1, h2)
}

// libuv: udp_bind_reuseaddr
func TestUDPBindReuseaddr(t *testing.T) {
	l := newTestLoop(t)
	h1, addr := udpBind(t, l, udpLo4, UDPReuseAddr)
	h2 := udpNew(t, l)
	udpErrIs(t, "Bind with UDPReuseAddr to an address bound with it", h2.Bind(addr, UDPReuseAddr), nil)
	loopCloseAll(t, l, h1, h2)
}

// udpConnectTest is libuv's udp_connect and udp_connect6 on the loopback address lo: connect
// (an unbound client, which Connect binds), disconnect, and which sends each state allows. any
// is the wildcard address, which the client first connects to and disconnects from (Linux
// takes it for the loopback address).
func udpConnectTest(t *testing.T, lo, any, other netip.AddrPort) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, lo, 0)
	client := udpNew(t, l)
	buf := []byte("EXIT")
	recvs, closes := 0, 0
	closeCb := func(h Handle) func() {
		return func() {
			if !h.IsClosing() {
				t.Errorf("%s: IsClosing false in its close callback", h.TypeName())
			}
			closes++
		}
	}
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, _ UDPFlags) {
		if string(data) != "EXIT" {
			t.Errorf("received %q, want EXIT", data)
		}
		if recvs++; recvs == 4 {
			hndCheck(t, server.Close(closeCb(server)))
			hndCheck(t, client.Close(closeCb(client)))
		}
	})))

	must(t, client.Connect(netip.AddrPortFrom(any.Addr(), addr.Port())))
	must(t, client.Disconnect())
	must(t, client.Connect(addr))
	udpErrIs(t, "Connect when connected", client.Connect(other), EISCONN)
	if peer, err := client.PeerName(); err != nil || peer != addr {
		t.Errorf("PeerName = %v, %v; want %v", peer, err, addr)
	}
	// A connected socket sends to its peer only, with the zero AddrPort.
	_, err := client.TrySend(addr, [][]byte{buf})
	udpErrIs(t, "TrySend with an address when connected", err, EISCONN)
	n, err := client.TrySend(netip.AddrPort{}, [][]byte{buf})
	if n != 4 || err != nil {
		t.Errorf("TrySend to the peer = %d, %v; want 4", n, err)
	}
	_, err = client.TrySend(other, [][]byte{buf})
	udpErrIs(t, "TrySend with another address when connected", err, EISCONN)

	must(t, client.Disconnect())
	udpErrIs(t, "Disconnect when not connected", client.Disconnect(), ENOTCONN)
	_, err = client.PeerName()
	udpErrIs(t, "PeerName when not connected", err, ENOTCONN)
	// A disconnected socket needs an address.
	n, err = client.TrySend(addr, [][]byte{buf})
	if n != 4 || err != nil {
		t.Errorf("TrySend with an address when disconnected = %d, %v; want 4", n, err)
	}
	_, err = client.TrySend(netip.AddrPort{}, [][]byte{buf})
	udpErrIs(t, "TrySend without an address when disconnected", err, EDESTADDRREQ)

	must(t, client.Connect(addr))
	_, err = client.Send(addr, [][]byte{buf}, func(error) { t.Error("refused Send's callback ran") })
	udpErrIs(t, "Send with an address when connected", err, EISCONN)
	sends := 0
	var onSend func(error)
	onSend = func(err error) {
		hndCheck(t, err)
		if sends++; sends == 1 {
			hndCheck(t, client.Disconnect())
			_, err := client.Send(netip.AddrPort{}, [][]byte{buf}, onSend)
			udpErrIs(t, "Send without an address when disconnected", err, EDESTADDRREQ)
			_, err = client.Send(addr, [][]byte{buf}, onSend)
			hndCheck(t, err)
		} else if q, c := client.SendQueueSize(), client.SendQueueCount(); q != 0 || c != 0 {
			t.Errorf("send queue in the last send callback: %d bytes, %d sends; want 0 0", q, c)
		}
	}
	_, err = client.Send(netip.AddrPort{}, [][]byte{buf}, onSend)
	must(t, err)

	run(t, l, RunDefault)
	if closes != 2 || recvs != 4 || sends != 2 {
		t.Errorf("close callbacks %d, datagrams %d, send callbacks %d; want 2 4 2", closes, recvs, sends)
	}
}

// libuv: udp_connect
func TestUDPConnect(t *testing.T) {
	udpConnectTest(t, udpLo4, netip.MustParseAddrPort("0.0.0.0:0"), netip.MustParseAddrPort("127.0.0.1:1"))
}

// libuv: udp_connect6
func TestUDPConnect6(t *testing.T) {
	udpConnectTest(t, udpLo6, netip.MustParseAddrPort("[::]:0"), netip.MustParseAddrPort("[::1]:1"))
}

// libuv: udp_create_early
func TestUDPCreateEarly(t *testing.T) {
	l := newTestLoop(t)
	u, err := NewUDPEx(l, AF_INET, 0)
	must(t, err)
	if fd, err := u.Fileno(); err != nil || fd < 0 {
		t.Errorf("Fileno of an early socket = %d, %v", fd, err)
	}
	if addr, err := u.SockName(); err != nil || !addr.Addr().Is4() {
		t.Errorf("SockName of an unbound early IPv4 socket = %v, %v; want an IPv4 address", addr, err)
	}
	must(t, u.Bind(udpLo4, 0))
	if addr, err := u.SockName(); err != nil || addr.Addr() != udpLo4.Addr() {
		t.Errorf("SockName after Bind = %v, %v; want 127.0.0.1", addr, err)
	}
	loopCloseAll(t, l, u)
}

// libuv: udp_create_early_bad_bind
func TestUDPCreateEarlyBadBind(t *testing.T) {
	l := newTestLoop(t)
	u, err := NewUDPEx(l, AF_INET6, 0)
	must(t, err)
	if fd, err := u.Fileno(); err != nil || fd < 0 {
		t.Errorf("Fileno of an early socket = %d, %v", fd, err)
	}
	if addr, err := u.SockName(); err != nil || !addr.Addr().Is6() {
		t.Errorf("SockName of an unbound early IPv6 socket = %v, %v; want an IPv6 address", addr, err)
	}
	udpErrIs(t, "Bind of an IPv6 socket to an IPv4 address", u.Bind(udpLo4, 0), EINVAL)
	loopCloseAll(t, l, u)
}

// libuv: udp_create_early_bad_domain
func TestUDPCreateEarlyBadDomain(t *testing.T) {
	l := newTestLoop(t)
	for _, c := range []struct {
		family AddrFamily
		flags  UDPFlags
	}{{47, 0}, {AF_UNSPEC, 1024}, {AF_INET, 1024}} {
		u, err := NewUDPEx(l, c.family, c.flags)
		udpErrIs(t, "NewUDPEx with a bad domain or flag", err, EINVAL)
		if u != nil {
			t.Errorf("NewUDPEx(%d, %d) returned a handle", c.family, c.flags)
		}
	}
	run(t, l, RunDefault)
}

// libuv: udp_dgram_too_big
//
// As libuv's test, the handle is not bound: Send binds it implicitly.
func TestUDPDgramTooBig(t *testing.T) {
	l := newTestLoop(t)
	u := udpNew(t, l)
	dgram := bytes.Repeat([]byte{42}, 65536) // 64 KiB is more than a datagram can carry
	dst := udpFreePort(t, l, udpLo4)
	sends, closes := 0, 0
	_, err := u.Send(dst, [][]byte{dgram}, func(err error) {
		sends++
		udpErrIs(t, "send callback of a datagram too big", err, EMSGSIZE)
		hndCheck(t, u.Close(func() { closes++ }))
	})
	must(t, err)
	if sends != 0 || closes != 0 {
		t.Errorf("callbacks ran inside Send")
	}
	run(t, l, RunDefault)
	if sends != 1 || closes != 1 {
		t.Errorf("send callbacks %d, close callbacks %d; want 1 1", sends, closes)
	}
}

// udpDualStack binds an IPv6 socket to [::ffff:127.0.0.1]:0, the IPv4 loopback address seen
// from IPv6 (libuv's test binds [::], a wildcard), with flags, and sends it a datagram from an
// unbound IPv4 handle (Send binds it implicitly, as in libuv's test). It returns the datagrams
// received within 100 ms and Bind's error. The three handles are closed by the timer.
func udpDualStack(t *testing.T, flags UDPFlags) (int, error) {
	l := newTestLoop(t)
	server, err := NewUDPEx(l, AF_INET6, 0)
	must(t, err)
	client := udpNew(t, l)
	bindErr := server.Bind(netip.MustParseAddrPort("[::ffff:127.0.0.1]:0"), flags)
	recvs, sends, closes := 0, 0, 0
	var clientAddr netip.AddrPort
	if bindErr == nil {
		addr, err := server.SockName()
		must(t, err)
		must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, _ UDPFlags) {
			recvs++
			if string(data) != "PING" || from.Addr() != netip.MustParseAddr("::ffff:127.0.0.1") || from.Port() != clientAddr.Port() {
				t.Errorf("received %q from %v, want PING from [::ffff:127.0.0.1]:%d", data, from, clientAddr.Port())
			}
		})))
		_, err = client.Send(netip.AddrPortFrom(udpLo4.Addr(), addr.Port()), [][]byte{[]byte("PING")}, func(err error) {
			hndCheck(t, err)
			sends++
		})
		must(t, err)
		// Send bound the client.
		clientAddr, err = client.SockName()
		if err != nil || !clientAddr.Addr().Is4() || clientAddr.Port() == 0 {
			t.Errorf("client SockName after Send = %v, %v; want an IPv4 address with a port", clientAddr, err)
		}
	}
	timer, err := NewTimer(l)
	must(t, err)
	must(t, timer.Start(100*time.Millisecond, 0, func() {
		for _, h := range []Handle{server, client, timer} {
			hndCheck(t, h.Close(func() { closes++ }))
		}
	}))
	if sends != 0 || recvs != 0 || closes != 0 {
		t.Errorf("callbacks before Run: %d sends, %d datagrams, %d closes", sends, recvs, closes)
	}
	run(t, l, RunDefault)
	if bindErr == nil && sends != 1 {
		t.Errorf("send callbacks %d, want 1", sends)
	}
	if closes != 3 {
		t.Errorf("close callbacks %d, want 3", closes)
	}
	return recvs, bindErr
}

// libuv: udp_dual_stack
func TestUDPDualStack(t *testing.T) {
	recvs, err := udpDualStack(t, 0)
	if err != nil || recvs != 1 {
		t.Errorf("dual stack: Bind %v, datagrams %d; want nil 1", err, recvs)
	}
}

// libuv: udp_ipv6_only
func TestUDPIPv6Only(t *testing.T) {
	// An IPv6-only socket takes no IPv4: Linux refuses to bind it to the IPv4 loopback address.
	recvs, err := udpDualStack(t, UDPIPv6Only)
	if !errors.Is(err, EINVAL) || recvs != 0 {
		t.Errorf("IPv6 only: Bind %v, datagrams %d; want EINVAL 0", err, recvs)
	}
}

// libuv: udp_mmsg
func TestUDPMmsg(t *testing.T) {
	const sends, width = 40, 20 // libuv reads at most 20 datagrams per recvmmsg
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	recver, err := NewUDPEx(l, AF_UNSPEC, UDPRecvmmsg)
	must(t, err)
	must(t, recver.Bind(udpLo4, 0))
	addr, err := recver.SockName()
	must(t, err)
	sender := udpNew(t, l) // as libuv's test: TrySend binds it implicitly
	mmsg := recver.UsingRecvmmsg()
	// calls counts the receive callbacks but the UDPMmsgFree ones (libuv's recv_cb_called),
	// nothings those without a datagram (a read that found none), frees the UDPMmsgFree ones.
	recvs, calls, nothings, frees, chunk, closes := 0, 0, 0, 0, 0, 0
	onClose := func(h *UDP) func() {
		return func() {
			if !h.IsClosing() {
				t.Errorf("IsClosing false in the close callback")
			}
			closes++
		}
	}
	must(t, recver.RecvStart(func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		hndCheck(t, err)
		if flags&UDPMmsgFree != 0 {
			// The end of a recvmmsg: no data, nothing to free for the binding's buffer.
			if data != nil || from.IsValid() || flags != UDPMmsgFree {
				t.Errorf("UDPMmsgFree call with data %q, address %v, flags %d", data, from, flags)
			}
			frees++
			chunk = 0
			return
		}
		calls++
		if udpNothing(t, data, from, err) {
			nothings++
			return
		}
		if string(data) != "PING" {
			t.Errorf("received %q, want PING", data)
		}
		if mmsg != (flags&UDPMmsgChunk != 0) {
			t.Errorf("flags %d with UsingRecvmmsg %v", flags, mmsg)
		}
		if chunk++; chunk > width {
			t.Errorf("%d datagrams from one recvmmsg, libuv reads at most %d", chunk, width)
		}
		if recvs++; recvs == sends {
			hndCheck(t, recver.Close(onClose(recver)))
			hndCheck(t, sender.Close(onClose(sender)))
		}
	}))
	for i := 0; i < sends; i++ {
		if n, err := sender.TrySend(addr, [][]byte{[]byte("PING")}); n != 4 || err != nil {
			t.Fatalf("TrySend %d = %d, %v", i, n, err)
		}
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if closes != 2 || recvs != sends {
		t.Errorf("close callbacks %d, datagrams %d; want 2 %d", closes, recvs, sends)
	}
	// libuv counts its alloc callbacks, which the binding serves: one per read, that is one per
	// recvmmsg, each ending with a UDPMmsgFree call when it read datagrams and with a call
	// without one when it found none. libuv's test wants 2 for 40 datagrams with recvmmsg, and
	// one per receive callback without.
	allocs := frees + nothings
	if !mmsg {
		allocs = calls
		if frees != 0 {
			t.Errorf("%d UDPMmsgFree calls without recvmmsg", frees)
		}
	}
	if want := sends / width; mmsg && allocs != want {
		t.Errorf("%d reads (%d UDPMmsgFree calls, %d empty reads) for %d datagrams with recvmmsg, want %d", allocs, frees, nothings, sends, want)
	}
	t.Logf("UsingRecvmmsg %v, %d reads for %d receive callbacks", mmsg, allocs, calls)
}

// udpMulticastSendTest is libuv's udp_multicast_interface and udp_multicast_ttl: a datagram
// sent to a multicast group through the loopback interface. As libuv's tests, it takes
// ENETUNREACH and EPERM in the send callback for a pass: the machine has no multicast route.
func udpMulticastSendTest(t *testing.T, set func(u *UDP) error) {
	l := newTestLoop(t)
	server, _ := udpBind(t, l, udpLo4, 0)
	must(t, set(server))
	dst := netip.MustParseAddrPort("239.255.0.1:9")
	sends, closes := 0, 0
	_, err := server.Send(dst, [][]byte{[]byte("PING")}, func(err error) {
		sends++
		if err != nil && !errors.Is(err, ENETUNREACH) && !errors.Is(err, EPERM) {
			t.Errorf("multicast send: %v", err)
		} else if err != nil {
			t.Logf("multicast send: %v (no multicast route, a pass as in libuv's test)", err)
		}
		hndCheck(t, server.Close(func() { closes++ }))
		if q := server.SendQueueSize(); q != 0 {
			t.Errorf("send queue in the send callback: %d bytes, want 0", q)
		}
	})
	must(t, err)
	if sends != 0 || closes != 0 {
		t.Errorf("callbacks ran inside Send")
	}
	run(t, l, RunDefault)
	if sends != 1 || closes != 1 {
		t.Errorf("send callbacks %d, close callbacks %d; want 1 1", sends, closes)
	}
}

// libuv: udp_multicast_interface
func TestUDPMulticastInterface(t *testing.T) {
	// libuv's test sets 0.0.0.0, the default interface: here, the loopback's address.
	udpMulticastSendTest(t, func(u *UDP) error { return u.SetMulticastInterface(udpLo4.Addr()) })
}

// libuv: udp_multicast_ttl
func TestUDPMulticastTTL(t *testing.T) {
	udpMulticastSendTest(t, func(u *UDP) error {
		if err := u.SetMulticastInterface(udpLo4.Addr()); err != nil { // keep it on the loopback
			return err
		}
		return u.SetMulticastTTL(32)
	})
}

// libuv: udp_multicast_interface6
func TestUDPMulticastInterface6(t *testing.T) {
	l := newTestLoop(t)
	server, _ := udpBind(t, l, udpLo6, 0)
	// As libuv on Linux: NULL (the zero Addr), the system's choice.
	must(t, server.SetMulticastInterface(netip.Addr{}))
	dst := udpFreePort(t, l, udpLo6)
	sends, closes := 0, 0
	_, err := server.Send(dst, [][]byte{[]byte("PING")}, func(err error) {
		sends++
		hndCheck(t, err)
		hndCheck(t, server.Close(func() { closes++ }))
	})
	must(t, err)
	if sends != 0 || closes != 0 {
		t.Errorf("callbacks ran inside Send")
	}
	run(t, l, RunDefault)
	if sends != 1 || closes != 1 {
		t.Errorf("send callbacks %d, close callbacks %d; want 1 1", sends, closes)
	}
}

// udpMulticastJoinTest is libuv's udp_multicast_join and udp_multicast_join6: the server joins
// group on the loopback interface iface and receives a datagram the client sends to it; it
// then leaves the group, joins it again for the client's address alone (source-specific), and
// receives a second one. The server is bound to the group's address (libuv binds the
// wildcard address). The client is not bound, as in libuv's test (Send binds it implicitly);
// its socket is created early so that it can be told to send through the loopback interface.
// It returns the error of the first send's callback, when there was one.
func udpMulticastJoinTest(t *testing.T, group netip.AddrPort, lo netip.AddrPort, iface netip.Addr) error {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, group, 0)
	family := AddrFamily(AF_INET)
	if lo.Addr().Is6() {
		family = AF_INET6
	}
	client, err := NewUDPEx(l, family, 0)
	must(t, err)
	must(t, client.SetMulticastInterface(iface))
	switch err := server.SetMembership(group.Addr().WithZone(""), iface, JoinGroup); {
	case errors.Is(err, ENODEV), errors.Is(err, syscall.ENOEXEC), errors.Is(err, ENOSYS):
		loopCloseAll(t, l, server, client)
		t.Skipf("no multicast support: %v (libuv's test skips on it too)", err)
	case err != nil:
		t.Fatalf("SetMembership join: %v", err)
	}
	dst := netip.AddrPortFrom(group.Addr(), addr.Port())
	sends, recvs, closes := 0, 0, 0
	var sendErr error
	var onSend func(error)
	closeAll := func() {
		for _, h := range []*UDP{server, client} {
			if !h.IsClosing() {
				hndCheck(t, h.Close(func() { closes++ }))
			}
		}
	}
	rejoin := func(source netip.Addr) {
		g := group.Addr().WithZone("")
		hndCheck(t, server.SetMembership(g, iface, LeaveGroup))
		hndCheck(t, server.SetSourceMembership(g, iface, source.WithZone(""), JoinGroup))
	}
	onSend = func(err error) {
		sends++
		if err != nil {
			sendErr = err
			rejoin(lo.Addr()) // still answered by the system
			closeAll()
		} else if sends == 2 {
			hndCheck(t, client.Close(func() { closes++ }))
		}
	}
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, flags UDPFlags) {
		if string(data) != "PING" || flags != 0 {
			t.Errorf("received %q flags %d, want PING flags 0", data, flags)
		}
		if recvs++; recvs == 2 {
			hndCheck(t, server.Close(func() { closes++ }))
			return
		}
		rejoin(from.Addr())
		_, err := client.Send(dst, [][]byte{[]byte("PING")}, onSend)
		hndCheck(t, err)
	})))
	_, err = client.Send(dst, [][]byte{[]byte("PING")}, onSend)
	must(t, err)
	if sends != 0 || recvs != 0 || closes != 0 {
		t.Errorf("callbacks ran inside Send")
	}
	run(t, l, RunDefault)
	if sendErr != nil {
		return sendErr
	}
	udpCounts(t, sends, recvs, closes, 2, 2, 2)
	return nil
}

// libuv: udp_multicast_join
func TestUDPMulticastJoin(t *testing.T) {
	switch err := udpMulticastJoinTest(t, netip.MustParseAddrPort("239.255.0.1:0"), udpLo4, udpLo4.Addr()); {
	case errors.Is(err, ENETUNREACH):
		// As for udp_multicast_join6 below: no multicast route through the loopback interface.
		t.Skipf("no IPv4 multicast route on the loopback interface: %v", err)
	case err != nil:
		t.Errorf("multicast send: %v", err)
	}
}

// libuv: udp_multicast_join6
func TestUDPMulticastJoin6(t *testing.T) {
	lo := udpLoopbackName(t)
	group := netip.AddrPortFrom(netip.MustParseAddr("ff02::1").WithZone(lo), 0)
	err := udpMulticastJoinTest(t, group, udpLo6, udpLo6.Addr().WithZone(lo))
	switch {
	case errors.Is(err, ENETUNREACH):
		// libuv's test needs an external IPv6 interface and skips when there is no IPv6
		// multicast route (ENODEV at the join); Linux has no such route on the loopback
		// interface and refuses the send instead.
		t.Skipf("no IPv6 multicast route on %s: %v", lo, err)
	case err != nil:
		t.Errorf("multicast send: %v", err)
	}
}

// udpOptionsTest is libuv's udp_options and udp_options6 on a socket bound to lo.
func udpOptionsTest(t *testing.T, lo netip.AddrPort) {
	l := newTestLoop(t)
	u := udpNew(t, l)
	must(t, u.Unref()) // does not keep the loop alive
	must(t, u.Bind(lo, 0))
	for _, on := range []bool{true, true, false, false} {
		udpErrIs(t, "SetBroadcast", u.SetBroadcast(on), nil)
		udpErrIs(t, "SetMulticastLoop", u.SetMulticastLoop(on), nil)
	}
	for ttl := 1; ttl <= 255; ttl++ {
		udpErrIs(t, "SetTTL", u.SetTTL(ttl), nil)
	}
	for _, ttl := range []int{-1, 0, 256, 1 << 40} {
		udpErrIs(t, "SetTTL out of range", u.SetTTL(ttl), EINVAL)
	}
	for ttl := 0; ttl <= 255; ttl++ {
		udpErrIs(t, "SetMulticastTTL", u.SetMulticastTTL(ttl), nil)
	}
	// libuv does not test -1, valid on some platforms.
	for _, ttl := range []int{256, 1 << 40} {
		udpErrIs(t, "SetMulticastTTL out of range", u.SetMulticastTTL(ttl), EINVAL)
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run with an unreferenced UDP handle: alive")
	}
	hndDoClose(t, l, u)
}

// libuv: udp_options
func TestUDPOptions(t *testing.T) { udpOptionsTest(t, udpLo4) }

// libuv: udp_options6
func TestUDPOptions6(t *testing.T) { udpOptionsTest(t, udpLo6) }

// libuv: udp_no_autobind
func TestUDPNoAutobind(t *testing.T) {
	l := newTestLoop(t)
	u := udpNew(t, l)
	for name, err := range map[string]error{
		"SetMulticastTTL":       u.SetMulticastTTL(32),
		"SetBroadcast":          u.SetBroadcast(true),
		"SetTTL":                u.SetTTL(1),
		"SetMulticastLoop":      u.SetMulticastLoop(true),
		"SetMulticastInterface": u.SetMulticastInterface(netip.IPv4Unspecified()),
	} {
		udpErrIs(t, name+" before the socket exists", err, EBADF)
	}
	must(t, u.Close(nil))
	// A socket created at once takes them all.
	u2, err := NewUDPEx(l, AF_INET, UDPRecvmmsg)
	must(t, err)
	for name, err := range map[string]error{
		"SetMulticastTTL":       u2.SetMulticastTTL(32),
		"SetBroadcast":          u2.SetBroadcast(true),
		"SetTTL":                u2.SetTTL(1),
		"SetMulticastLoop":      u2.SetMulticastLoop(true),
		"SetMulticastInterface": u2.SetMulticastInterface(netip.IPv4Unspecified()),
	} {
		udpErrIs(t, name+" on a socket created early", err, nil)
	}
	loopCloseAll(t, l, u2)
}

// libuv: udp_send_and_recv
//
// As libuv's test, the client is not bound: its first Send binds it implicitly (to the wildcard
// address and a port of the system's choice).
func TestUDPSendAndRecv(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	client := udpNew(t, l)
	var caddr netip.AddrPort
	var clSends, clRecvs, svSends, svRecvs, closes int
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, flags UDPFlags) {
		if string(data) != "PING" || flags != 0 || from != netip.AddrPortFrom(udpLo4.Addr(), caddr.Port()) {
			t.Errorf("server received %q from %v flags %d, want PING from 127.0.0.1:%d", data, from, flags, caddr.Port())
		}
		hndCheck(t, server.RecvStop())
		_, err := server.Send(from, [][]byte{[]byte("PONG")}, func(err error) {
			hndCheck(t, err)
			hndCheck(t, server.Close(udpOnClose(t, server, &closes)))
			svSends++
		})
		hndCheck(t, err)
		svRecvs++
	})))
	// The client sends PING and expects PONG.
	_, err := client.Send(addr, [][]byte{[]byte("PING")}, func(err error) {
		hndCheck(t, err)
		hndCheck(t, client.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, flags UDPFlags) {
			if string(data) != "PONG" || flags != 0 || from != addr {
				t.Errorf("client received %q from %v flags %d, want PONG from %v", data, from, flags, addr)
			}
			clRecvs++
			hndCheck(t, client.Close(udpOnClose(t, client, &closes)))
		})))
		clSends++
		if q := client.SendQueueSize(); q != 0 {
			t.Errorf("client send queue in its send callback: %d bytes, want 0", q)
		}
	})
	must(t, err)
	caddr, err = client.SockName()
	if err != nil || caddr.Addr() != netip.IPv4Unspecified() || caddr.Port() == 0 {
		t.Errorf("client SockName after Send = %v, %v; want 0.0.0.0 and a port (the implicit bind)", caddr, err)
	}
	if closes+clSends+clRecvs+svSends+svRecvs != 0 {
		t.Errorf("callbacks ran before the loop")
	}
	run(t, l, RunDefault)
	if clSends != 1 || clRecvs != 1 || svSends != 1 || svRecvs != 1 || closes != 2 {
		t.Errorf("client sends %d recvs %d, server sends %d recvs %d, closes %d; want 1 1 1 1 2",
			clSends, clRecvs, svSends, svRecvs, closes)
	}
}

// libuv: udp_send_immediate
//
// As libuv's test, the client is not bound: the first Send binds it implicitly.
func TestUDPSendImmediate(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	client := udpNew(t, l)
	sends, recvs, closes := 0, 0, 0
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, flags UDPFlags) {
		if s := string(data); s != "PING" && s != "PANG" || flags != 0 {
			t.Errorf("received %q flags %d, want PING or PANG", data, flags)
		}
		if recvs++; recvs == 2 {
			hndCheck(t, server.Close(udpOnClose(t, server, &closes)))
			hndCheck(t, client.Close(udpOnClose(t, client, &closes)))
		}
	})))
	// Both sends right away, before the loop runs.
	for _, s := range []string{"PING", "PANG"} {
		_, err := client.Send(addr, [][]byte{[]byte(s)}, func(err error) { hndCheck(t, err); sends++ })
		must(t, err)
	}
	run(t, l, RunDefault)
	udpCounts(t, sends, recvs, closes, 2, 2, 2)
}

// libuv: udp_send_unreachable
func TestUDPSendUnreachable(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	dst := udpFreePort(t, l, udpLo4)
	client, _ := udpBind(t, l, udpLo4, 0)
	// Linux reports ICMP errors of an unconnected socket with UDPLinuxRecvErr only.
	client2, _ := udpBind(t, l, udpLo4, UDPLinuxRecvErr)
	sends, recvs, closes := 0, 0, 0
	onRecv := func(data []byte, from netip.AddrPort, _ UDPFlags, err error) {
		recvs++
		hndCheck(t, err)
		udpNothing(t, data, from, err)
	}
	must(t, client.RecvStart(onRecv))
	must(t, client2.RecvStart(onRecv))
	for _, s := range []string{"PING", "PANG"} {
		_, err := client.Send(dst, [][]byte{[]byte(s)}, func(err error) { hndCheck(t, err); sends++ })
		must(t, err)
	}
	for _, s := range []string{"PING", "PANG"} {
		_, err := client2.Send(dst, [][]byte{[]byte(s)}, func(err error) {
			if err != nil && !errors.Is(err, ECONNREFUSED) {
				t.Errorf("send with UDPLinuxRecvErr: %v, want nil or ECONNREFUSED", err)
			}
			sends++
		})
		must(t, err)
	}
	timer, err := NewTimer(l)
	must(t, err)
	timerCalls := 0
	must(t, timer.Start(100*time.Millisecond, 0, func() {
		timerCalls++
		for _, h := range []Handle{client, client2, timer} {
			hndCheck(t, h.Close(udpOnClose(t, h, &closes)))
		}
	}))
	run(t, l, RunDefault)
	if sends != 4 || closes != 3 || timerCalls != 1 {
		t.Errorf("send callbacks %d, close callbacks %d, timer callbacks %d; want 4 3 1", sends, closes, timerCalls)
	}
	// With UDPLinuxRecvErr, libuv 1.44.2 does not read the socket's error queue: the pending
	// ICMP error keeps the socket polled (EPOLLERR) and the receive callback runs with
	// "nothing to read" on every loop iteration until the handle closes.
	t.Logf("%d receive callbacks", recvs)
}

// libuv: udp_send_hang_loop
func TestUDPSendHangLoop(t *testing.T) {
	// libuv sends to 192.0.2.3 (TEST-NET), unreachable; here, a loopback port nobody has.
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	dst := udpFreePort(t, l, udpLo4)
	client := udpNew(t, l) // as libuv's test: the first Send binds it implicitly
	idle, err := NewIdle(l)
	must(t, err)
	data := make([]byte, 1024)
	loops := 0
	var onIdle func()
	onSend := func(err error) {
		if err != nil && !errors.Is(err, ENETUNREACH) {
			t.Errorf("send: %v", err)
		}
		hndCheck(t, idle.Start(onIdle))
	}
	onIdle = func() {
		hndCheck(t, idle.Stop())
		// It would have stalled by now if it were going to stall at all.
		if loops++; loops > 1000 {
			hndCheck(t, client.Close(nil))
			hndCheck(t, idle.Close(nil))
			return
		}
		_, err := client.Send(dst, [][]byte{data}, onSend)
		hndCheck(t, err)
	}
	must(t, idle.Start(onIdle))
	run(t, l, RunDefault)
	if loops <= 1000 {
		t.Errorf("%d idle callbacks, want more than 1000", loops)
	}
}

// libuv: udp_sendmmsg_error
func TestUDPSendmmsgError(t *testing.T) {
	const datagrams = 6
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	dst := udpFreePort(t, l, udpLo4)
	client := udpNew(t, l) // as libuv's test: Connect binds it implicitly
	must(t, client.Connect(dst))
	sends, closes := 0, 0
	for i := 0; i < datagrams; i++ {
		_, err := client.Send(netip.AddrPort{}, [][]byte{[]byte("TEST")}, func(err error) {
			if err != nil && !errors.Is(err, ECONNREFUSED) {
				t.Errorf("send: %v, want nil or ECONNREFUSED", err)
			}
			if sends++; sends == datagrams {
				if c, q := client.SendQueueCount(), client.SendQueueSize(); c != 0 || q != 0 {
					t.Errorf("send queue in the last callback: %d sends, %d bytes; want 0 0", c, q)
				}
				hndCheck(t, client.Close(udpOnClose(t, client, &closes)))
			}
		})
		must(t, err)
	}
	run(t, l, RunDefault)
	if sends != datagrams || closes != 1 {
		t.Errorf("send callbacks %d, close callbacks %d; want %d 1", sends, closes, datagrams)
	}
}

// libuv: udp_try_send
//
// As libuv's test, the client is not bound: TrySend binds it implicitly.
func TestUDPTrySend(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	client := udpNew(t, l)
	recvs, closes := 0, 0
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, _ UDPFlags) {
		if string(data) != "EXIT" {
			t.Errorf("received %q, want EXIT", data)
		}
		recvs++
		hndCheck(t, server.Close(udpOnClose(t, server, &closes)))
		hndCheck(t, client.Close(udpOnClose(t, client, &closes)))
	})))
	_, err := client.TrySend(addr, [][]byte{make([]byte, 64*1024)})
	udpErrIs(t, "TrySend of 64 KiB", err, EMSGSIZE)
	if n, err := client.TrySend(addr, [][]byte{[]byte("EX"), []byte("IT")}); n != 4 || err != nil {
		t.Errorf("TrySend = %d, %v; want 4", n, err)
	}
	run(t, l, RunDefault)
	if recvs != 1 || closes != 2 {
		t.Errorf("datagrams %d, close callbacks %d; want 1 2", recvs, closes)
	}
}

// libuv: udp_ref
func TestUDPRef(t *testing.T) {
	l := newTestLoop(t)
	udpUnrefRun(t, l, udpNew(t, l))
}

// udpUnrefRun unreferences u, runs l, which must not stay alive for u, then closes u as
// libuv's test-ref.c does (do_close).
func udpUnrefRun(t *testing.T, l *Loop, u *UDP) {
	t.Helper()
	must(t, u.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, u)
}

// libuv: udp_ref2
func TestUDPRef2(t *testing.T) {
	l := newTestLoop(t)
	u, _ := udpBind(t, l, udpLo4, 0)
	must(t, u.RecvStart(func([]byte, netip.AddrPort, UDPFlags, error) {
		t.Errorf("receive callback of an unreferenced handle ran")
	}))
	udpUnrefRun(t, l, u)
}

// libuv: udp_ref3
func TestUDPRef3(t *testing.T) {
	l := newTestLoop(t)
	dst := udpFreePort(t, l, udpLo4)
	u := udpNew(t, l) // as libuv's test: Send binds it implicitly
	sends := 0
	_, err := u.Send(dst, [][]byte{[]byte("PING")}, func(error) { sends++ })
	must(t, err)
	must(t, u.Unref())
	if run(t, l, RunDefault) { // the send request keeps the loop alive until its callback
		t.Errorf("Run reported the loop alive")
	}
	if sends != 1 {
		t.Errorf("send callbacks %d, want 1", sends)
	}
	hndDoClose(t, l, u)
}

// An empty datagram is delivered with an empty, non-nil data and the sender's address, unlike
// libuv's "nothing to read" (nil data, no address).
func TestUDPEmptyDatagram(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	client, caddr := udpBind(t, l, udpLo4, 0)
	var got [][]byte
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, _ UDPFlags) {
		if from != caddr {
			t.Errorf("datagram from %v, want %v", from, caddr)
		}
		got = append(got, bytes.Clone(data))
		if len(got) == 2 {
			udpClose(t, server, client)
		}
	})))
	_, err := client.Send(addr, [][]byte{[]byte{}}, nil) // a nil callback is allowed
	must(t, err)
	_, err = client.Send(addr, [][]byte{[]byte("x"), nil, []byte("yz")}, nil)
	must(t, err)
	run(t, l, RunDefault)
	if len(got) != 2 || got[0] == nil || len(got[0]) != 0 || string(got[1]) != "xyz" {
		t.Errorf("received %q, want an empty datagram then xyz", got)
	}
}

// A datagram larger than the read buffer is truncated and flagged UDPPartial; the buffer, the
// loop's, holds 64 KiB, more than a datagram carries, so a partial read cannot happen over
// the loopback: this checks that whole datagrams up to the largest size come in unflagged.
func TestUDPLargeDatagram(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	server, addr := udpBind(t, l, udpLo4, 0)
	client, _ := udpBind(t, l, udpLo4, 0)
	big := bytes.Repeat([]byte("0123456789abcdef"), 65507/16+1)[:65507] // the largest over IPv4
	done := false
	must(t, server.RecvStart(udpOnDatagram(t, func(data []byte, from netip.AddrPort, flags UDPFlags) {
		if flags != 0 || !bytes.Equal(data, big) {
			t.Errorf("received %d bytes flags %d, want %d bytes flags 0", len(data), flags, len(big))
		}
		done = true
		udpClose(t, server, client)
	})))
	_, err := client.Send(addr, [][]byte{big}, func(err error) { hndCheck(t, err) })
	must(t, err)
	run(t, l, RunDefault)
	if !done {
		t.Errorf("no datagram received")
	}
}

// Bad input and misuse: invalid addresses, no buffer, a second RecvStart, NUL bytes, and every
// method of a closed handle.
func TestUDPBadInput(t *testing.T) {
	l := newTestLoop(t)
	u, addr := udpBind(t, l, udpLo4, 0)
	noAddr := netip.AddrPortFrom(netip.Addr{}, 53) // invalid, but not the zero AddrPort
	cb := func(error) { t.Error("callback of a refused Send ran") }
	unbound := udpNew(t, l)
	udpErrIs(t, "Bind(zero AddrPort)", unbound.Bind(netip.AddrPort{}, 0), EINVAL)
	udpErrIs(t, "Bind(invalid)", unbound.Bind(noAddr, 0), EINVAL)
	udpErrIs(t, "Connect(zero AddrPort)", u.Connect(netip.AddrPort{}), EINVAL)
	udpErrIs(t, "Connect(invalid)", u.Connect(noAddr), EINVAL)
	_, err := u.Send(noAddr, [][]byte{[]byte("x")}, cb)
	udpErrIs(t, "Send to an invalid address", err, EINVAL)
	_, err = u.TrySend(noAddr, [][]byte{[]byte("x")})
	udpErrIs(t, "TrySend to an invalid address", err, EINVAL)
	_, err = u.Send(addr, nil, cb)
	udpErrIs(t, "Send with no buffer", err, EINVAL)
	_, err = u.TrySend(addr, nil)
	udpErrIs(t, "TrySend with no buffer", err, EINVAL)
	udpErrIs(t, "RecvStart(nil)", u.RecvStart(nil), EINVAL)
	recv := func([]byte, netip.AddrPort, UDPFlags, error) {}
	must(t, u.RecvStart(recv))
	udpErrIs(t, "second RecvStart", u.RecvStart(recv), EALREADY)
	must(t, u.RecvStop())
	must(t, u.RecvStop()) // libuv: stopping a stopped handle is fine

	ssmGroup := netip.MustParseAddr("232.1.1.1")
	for name, err := range map[string]error{
		"SetMembership(group)":              u.SetMembership(netip.Addr{}, netip.Addr{}, JoinGroup),
		"SetSourceMembership(group)":        u.SetSourceMembership(netip.Addr{}, udpLo4.Addr(), udpLo4.Addr(), JoinGroup),
		"SetSourceMembership(source)":       u.SetSourceMembership(ssmGroup, udpLo4.Addr(), netip.Addr{}, JoinGroup),
		"SetMembership(not multicast)":      u.SetMembership(udpLo4.Addr(), netip.Addr{}, JoinGroup),
		"SetSourceMembership(mixed family)": u.SetSourceMembership(ssmGroup, netip.Addr{}, udpLo6.Addr(), JoinGroup),
	} {
		udpErrIs(t, name+" zero or invalid", err, EINVAL)
	}

	// Every method of a closed handle.
	h := udpNew(t, l)
	must(t, h.Bind(udpLo4, 0))
	must(t, h.Close(nil))
	_, sendErr := h.Send(addr, [][]byte{[]byte("x")}, cb)
	_, trySendErr := h.TrySend(addr, [][]byte{[]byte("x")})
	_, peerErr := h.PeerName()
	_, sockErr := h.SockName()
	for name, err := range map[string]error{
		"Open":                  h.Open(0),
		"Bind":                  h.Bind(udpLo4, 0),
		"Connect":               h.Connect(addr),
		"Disconnect":            h.Disconnect(),
		"PeerName":              peerErr,
		"SockName":              sockErr,
		"SetMembership":         h.SetMembership(netip.MustParseAddr("239.255.0.1"), netip.Addr{}, JoinGroup),
		"SetSourceMembership":   h.SetSourceMembership(netip.MustParseAddr("232.1.1.1"), netip.Addr{}, udpLo4.Addr(), JoinGroup),
		"SetMulticastLoop":      h.SetMulticastLoop(true),
		"SetMulticastTTL":       h.SetMulticastTTL(1),
		"SetMulticastTTL(big)":  h.SetMulticastTTL(1 << 40),
		"SetMulticastInterface": h.SetMulticastInterface(netip.Addr{}),
		"SetBroadcast":          h.SetBroadcast(true),
		"SetTTL":                h.SetTTL(1),
		"Send":                  sendErr,
		"TrySend":               trySendErr,
		"RecvStart":             h.RecvStart(recv),
		"RecvStop":              h.RecvStop(),
		"Close":                 h.Close(nil),
	} {
		udpErrIs(t, name+" on a closed handle", err, ErrClosed)
	}
	run(t, l, RunDefault)
	if h.UsingRecvmmsg() || h.SendQueueSize() != 0 || h.SendQueueCount() != 0 || h.IsActive() {
		t.Errorf("getters of a closed handle: %v %d %d %v", h.UsingRecvmmsg(), h.SendQueueSize(), h.SendQueueCount(), h.IsActive())
	}
	loopCloseAll(t, l, u, unbound)
	if _, err := NewUDP(&Loop{}); !errors.Is(err, ErrClosed) {
		t.Errorf("NewUDP on a closed loop: %v, want ErrClosed", err)
	}
}

// The handle's type, its Fileno and its buffer sizes (uv_handle_t's functions on a UDP handle).
func TestUDPHandle(t *testing.T) {
	l := newTestLoop(t)
	u := udpNew(t, l)
	if u.Type() != HandleUDP || u.TypeName() != "udp" {
		t.Errorf("Type %v TypeName %q", u.Type(), u.TypeName())
	}
	_, err := u.Fileno()
	udpErrIs(t, "Fileno before the socket exists", err, EBADF)
	must(t, u.Bind(udpLo6, UDPIPv6Only))
	if fd, err := u.Fileno(); err != nil || fd < 0 {
		t.Errorf("Fileno = %d, %v", fd, err)
	}
	must(t, u.SetRecvBufferSize(1<<16))
	if n, err := u.RecvBufferSize(); err != nil || n < 1<<16 {
		t.Errorf("RecvBufferSize = %d, %v; want at least 64 KiB", n, err)
	}
	if addr, err := u.SockName(); err != nil || addr.Addr() != udpLo6.Addr() || !strings.Contains(addr.String(), "[::1]:") {
		t.Errorf("SockName = %v, %v", addr, err)
	}
	loopCloseAll(t, l, u)
}

// A call from a goroutine other than the one running the loop is refused in the C call:
// ErrWrongThread, or a panic with the uvdebug tag; nothing reaches libuv and nothing leaks.
func TestUDPWrongThread(t *testing.T) {
	l := newTestLoop(t)
	u, addr := udpBind(t, l, udpLo4, 0)
	calls := map[string]func() error{
		"Send": func() error {
			_, err := u.Send(addr, [][]byte{[]byte("x")}, func(error) { t.Error("refused Send's callback ran") })
			return err
		},
		"TrySend":       func() error { _, err := u.TrySend(addr, [][]byte{[]byte("x")}); return err },
		"RecvStart":     func() error { return u.RecvStart(func([]byte, netip.AddrPort, UDPFlags, error) {}) },
		"Connect":       func() error { return u.Connect(addr) },
		"SetMembership": func() error { return u.SetMembership(netip.MustParseAddr("239.255.0.1"), udpLo4.Addr(), JoinGroup) },
		"SetTTL":        func() error { return u.SetTTL(3) },
		"Close":         func() error { return u.Close(nil) },
	}
	loopFromOtherGoroutine(t, l, func() {
		for name, call := range calls {
			var err error
			if v := loopRecover(func() { err = call() }); v == nil && !errors.Is(err, ErrWrongThread) {
				t.Errorf("%s from another goroutine: %v, want ErrWrongThread", name, err)
			}
		}
	})
	if u.IsActive() || u.IsClosing() || u.SendQueueCount() != 0 {
		t.Errorf("the handle after the refused calls: active %v, closing %v", u.IsActive(), u.IsClosing())
	}
	if _, err := u.PeerName(); !errors.Is(err, ENOTCONN) {
		t.Errorf("PeerName after the refused Connect: %v, want ENOTCONN", err)
	}
	loopCloseAll(t, l, u)
}

// libuv: udp_reuseport
func TestUDPReuseport(t *testing.T) {
	skipBeforeLibuv(t, 0x013100, "UV_UDP_REUSEPORT")
	const datagrams = 10
	var received atomic.Int32
	addr, counts, wait := reuseportLoops(t, udpLo4, datagrams, &received, func(l *Loop, addr netip.AddrPort, count *int) (Handle, netip.AddrPort) {
		u, a := udpBind(t, l, addr, UDPReuseAddr|UDPReusePort)
		must(t, u.RecvStart(func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
			hndCheck(t, err)
			if flags != 0 {
				t.Errorf("receive flags %v, want 0", flags)
			}
			if udpNothing(t, data, from, err) {
				return
			}
			if string(data) != "Hello" {
				t.Errorf("received %q, want Hello", data)
			}
			*count++
			received.Add(1)
		}))
		return u, a
	})
	l := newTestLoop(t)
	sent := 0
	for i := 0; i < datagrams; i++ {
		u := udpNew(t, l)
		_, err := u.Send(addr, [][]byte{[]byte("Hello")}, func(err error) {
			hndCheck(t, err)
			sent++
			hndCheck(t, u.Close(nil))
		})
		must(t, err)
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run of the sending loop reported it alive")
	}
	wait()
	if received.Load() != datagrams || sent != datagrams || counts[0] == 0 || counts[1] == 0 || counts[0]+counts[1] != sent {
		t.Errorf("received %d (%d and %d), sent %d; want %d, each socket some", received.Load(), counts[0], counts[1], sent, datagrams)
	}
}

// Before libuv 1.49, libuv refuses UDPReusePort with EINVAL; from 1.49 it binds.
func TestUDPReusePortVersions(t *testing.T) {
	l := newTestLoop(t)
	u := udpNew(t, l)
	err := u.Bind(udpLo4, UDPReusePort)
	if Version() < 0x013100 && !errors.Is(err, EINVAL) {
		t.Errorf("Bind(UDPReusePort) on libuv %s: %v, want EINVAL", VersionString(), err)
	} else if Version() >= 0x013100 && err != nil {
		t.Errorf("Bind(UDPReusePort) on libuv %s: %v", VersionString(), err)
	}
	loopCloseAll(t, l, u)
}

// libuv: udp_recv_in_a_row
func TestUDPRecvInARow(t *testing.T) {
	const n = 5
	l := newTestLoop(t)
	server, addr := udpBind(t, l, udpLo4, 0)
	recvs, checks := 0, 0
	must(t, server.RecvStart(func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		recvs++ // the "nothing to read" call counts too, as in libuv's test
		hndCheck(t, err)
		if len(data) > 0 && len(data) != 10 {
			t.Errorf("datagram of %d bytes, want 10", len(data))
		}
	}))
	client := udpNew(t, l)
	ch, err := NewCheck(l)
	must(t, err)
	must(t, ch.Start(func() {
		checks++
		// The datagrams sent before the loop ran are all read before the first check
		// (UDP may drop some): between 1 and n+1 calls.
		if recvs < 1 || recvs > n+1 {
			t.Errorf("%d receive callbacks before the check, want 1 to %d", recvs, n+1)
		}
		hndCheck(t, ch.Stop())
		udpClose(t, client, ch, server)
	}))
	for i := 0; i < n-1; i++ {
		if k, err := client.TrySend(addr, [][]byte{make([]byte, 10)}); err != nil || k != 10 {
			t.Fatalf("TrySend: %d, %v; want 10", k, err)
		}
	}
	if k, err := client.TrySend(addr, [][]byte{nil}); err != nil || k != 0 {
		t.Fatalf("TrySend of an empty datagram: %d, %v; want 0", k, err)
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if checks != 1 {
		t.Errorf("check callback ran %d times, want 1", checks)
	}
}

// udpRecvmsgUnreachable mirrors libuv's udp_recvmsg_unreachable_error tests: a socket bound
// with UDPLinuxRecvErr sends to a port nobody listens on; until a timer closes it, its receive
// callback runs 3 times (the ECONNREFUSED of the ICMP error, "nothing to read", the error
// queue's message). libuv 1.44 to 1.51 never read the error queue and called it in a loop.
func udpRecvmsgUnreachable(t *testing.T, lo netip.AddrPort) {
	skipBeforeLibuv(t, 0x013400, "reading the error queue of a UDPLinuxRecvErr socket")
	l := newTestLoop(t)
	server := udpFreePort(t, l, lo)
	client, _ := udpBind(t, l, lo, UDPLinuxRecvErr)
	recvs := 0
	must(t, client.RecvStart(func(data []byte, from netip.AddrPort, flags UDPFlags, err error) {
		if flags != 0 && flags&UDPLinuxRecvErr == 0 {
			t.Errorf("receive flags %v, want 0 or UDPLinuxRecvErr", flags)
		}
		recvs++
	}))
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(300*time.Millisecond, 0, func() { udpClose(t, client, tm) })) // libuv's: 3 s
	_, err = client.Send(server, [][]byte{[]byte("PING")}, func(err error) { hndCheck(t, err) })
	must(t, err)
	run(t, l, RunDefault)
	if recvs != 3 {
		t.Errorf("receive callback ran %d times, want 3", recvs)
	}
}

// libuv: udp_recvmsg_unreachable_error
func TestUDPRecvmsgUnreachableError(t *testing.T) { udpRecvmsgUnreachable(t, udpLo4) }

// libuv: udp_recvmsg_unreachable_error6
func TestUDPRecvmsgUnreachableError6(t *testing.T) { udpRecvmsgUnreachable(t, udpLo6) }

// udpPollerrClient returns a UDP handle bound to loopback with UDPLinuxRecvErr and connected to
// a port nobody listens on: its first datagram brings back an ICMP error (POLLERR).
func udpPollerrClient(t *testing.T, l *Loop) *UDP {
	t.Helper()
	skipBeforeLibuv(t, 0x013401, "not crashing on a POLLERR after the receive callback closed the handle")
	peer := udpFreePort(t, l, udpLo4)
	u, _ := udpBind(t, l, udpLo4, UDPLinuxRecvErr) // libuv's test binds 0.0.0.0
	must(t, u.Connect(peer))
	return u
}

// libuv: udp_recv_cb_close_pollerr
//
// libuv's test also counts its alloc callback (1); the binding serves that callback itself.
func TestUDPRecvCbClosePollerr(t *testing.T) {
	l := newTestLoop(t)
	u := udpPollerrClient(t, l)
	recvs := 0
	must(t, u.RecvStart(func([]byte, netip.AddrPort, UDPFlags, error) {
		recvs++
		hndCheck(t, u.Close(nil))
	}))
	if k, err := u.TrySend(netip.AddrPort{}, [][]byte{[]byte("PING")}); err != nil || k <= 0 {
		t.Fatalf("TrySend: %d, %v", k, err)
	}
	run(t, l, RunDefault)
	if recvs != 1 {
		t.Errorf("receive callback ran %d times, want 1", recvs)
	}
}

// libuv: udp_send_pollerr_no_recv
func TestUDPSendPollerrNoRecv(t *testing.T) {
	l := newTestLoop(t)
	u := udpPollerrClient(t, l)
	sends := 0
	_, err := u.Send(netip.AddrPort{}, [][]byte{[]byte("PING")}, func(error) {
		sends++
		hndCheck(t, u.Close(nil))
	})
	must(t, err)
	run(t, l, RunDefault)
	if sends != 1 {
		t.Errorf("send callback ran %d times, want 1", sends)
	}
}

func TestUDPTrySend2(t *testing.T) {
	l := newTestLoop(t)
	recv, err := NewUDP(l)
	must(t, err)
	send, err := NewUDP(l)
	must(t, err)
	_, err = send.TrySend2([]Datagram{{Bufs: [][]byte{{1}}}})
	if !hasAPI(50) {
		recv.Close(nil)
		send.Close(nil)
		run(t, l, RunDefault)
		skipBefore(t, 50, err)
	}
	if !errors.Is(err, EINVAL) {
		t.Errorf("TrySend2 before Bind: %v, want libuv's EINVAL", err)
	}
	if _, err := send.TrySend2(nil); !errors.Is(err, EINVAL) {
		t.Errorf("TrySend2 of no datagram: %v, want EINVAL", err)
	}
	lo := netip.MustParseAddrPort("127.0.0.1:0")
	must(t, recv.Bind(lo, 0))
	must(t, send.Bind(lo, 0))
	to, err := recv.SockName()
	must(t, err)
	want := []string{"one", "two+three", ""}
	var got []string
	must(t, recv.RecvStart(func(data []byte, addr netip.AddrPort, flags UDPFlags, err error) {
		check(t, "receive", err)
		if !addr.IsValid() { // nothing to read
			return
		}
		got = append(got, string(data))
		if len(got) == len(want) {
			recv.Close(nil)
			send.Close(nil)
		}
	}))
	n, err := send.TrySend2([]Datagram{
		{Addr: to, Bufs: [][]byte{[]byte("one")}},
		{Addr: to, Bufs: [][]byte{[]byte("two"), []byte("+three")}},
		{Addr: to},
	})
	if err != nil || n != 3 {
		t.Fatalf("TrySend2 = %d, %v; want 3", n, err)
	}
	run(t, l, RunDefault)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("received %q, want %q", got, want)
	}
}

func TestUDPOpenEx(t *testing.T) {
	l := newTestLoop(t)
	u, err := NewUDP(l)
	must(t, err)
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	must(t, err)
	err = u.OpenEx(fd, UDPIPv6Only) // not a flag of uv_udp_open_ex
	if !hasAPI(52) {
		syscall.Close(fd)
		u.Close(nil)
		run(t, l, RunDefault)
		skipBefore(t, 52, err)
	}
	if !errors.Is(err, EINVAL) {
		t.Errorf("OpenEx with UDPIPv6Only: %v, want EINVAL", err)
	}
	if err := u.OpenEx(fd, UDPReuseAddr|UDPReusePort); err != nil {
		syscall.Close(fd)
		t.Errorf("OpenEx: %v", err)
	}
	v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, 0xf) // SO_REUSEPORT on Linux
	if err != nil || v == 0 {
		t.Errorf("SO_REUSEPORT after OpenEx(UDPReusePort) = %d, %v", v, err)
	}
	if err := u.OpenEx(fd, 0); !errors.Is(err, EBUSY) {
		t.Errorf("second OpenEx: %v, want EBUSY", err)
	}
	u.Close(nil)
	run(t, l, RunDefault)
}
