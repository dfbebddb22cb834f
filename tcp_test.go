package uv

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

var (
	tcpAny4 = netip.MustParseAddrPort("127.0.0.1:0")
	tcpAny6 = netip.MustParseAddrPort("[::1]:0")
)

// tcpServer binds a new TCP handle to addr, listens, and returns it with its address. Each
// incoming connection is accepted into a new handle, which onConn receives.
func tcpServer(t *testing.T, l *Loop, addr netip.AddrPort, onConn func(c *TCP)) (*TCP, netip.AddrPort) {
	t.Helper()
	s, err := NewTCP(l)
	must(t, err)
	must(t, s.Bind(addr, 0))
	must(t, s.Listen(128, func(err error) {
		hndCheck(t, err)
		c, err := NewTCP(l)
		hndCheck(t, err)
		hndCheck(t, s.Accept(c))
		onConn(c)
	}))
	a, err := s.SockName()
	must(t, err)
	return s, a
}

// TestTCPSmoke: listen on 127.0.0.1:0, connect, write, read back through an echo, close.
func TestTCPSmoke(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	var srv *TCP
	var got []byte
	closes := 0
	srv, addr := tcpServer(t, l, tcpAny4, func(c *TCP) {
		hndCheck(t, c.ReadStart(func(data []byte, err error) {
			if err != nil {
				if err != EOF {
					t.Errorf("server read: %v", err)
				}
				hndCheck(t, c.Close(func() { closes++ }))
				hndCheck(t, srv.Close(func() { closes++ }))
				return
			}
			buf := append([]byte(nil), data...)
			_, err = c.Write(func(err error) { hndCheck(t, err) }, buf)
			hndCheck(t, err)
		}))
	})
	if addr.Port() == 0 || addr.Addr() != tcpAny4.Addr() {
		t.Fatalf("SockName = %v", addr)
	}
	cl, err := NewTCP(l)
	must(t, err)
	msg := []byte("PING")
	_, err = cl.Connect(addr, func(err error) {
		hndCheck(t, err)
		peer, err := cl.PeerName()
		hndCheck(t, err)
		if peer != addr {
			t.Errorf("PeerName = %v, want %v", peer, addr)
		}
		hndCheck(t, cl.ReadStart(func(data []byte, err error) {
			if err != nil {
				t.Errorf("client read: %v", err)
				return
			}
			got = append(got, data...)
			if len(got) >= len(msg) {
				hndCheck(t, cl.Close(func() { closes++ }))
			}
		}))
		_, err = cl.Write(func(err error) { hndCheck(t, err) }, msg)
		hndCheck(t, err)
	})
	must(t, err)
	run(t, l, RunDefault)
	if !bytes.Equal(got, msg) {
		t.Errorf("echo = %q, want %q", got, msg)
	}
	if closes != 3 {
		t.Errorf("%d close callbacks, want 3", closes)
	}
}
