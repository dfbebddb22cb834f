package uvnet

import (
	"net"
	"path/filepath"
	"testing"

	"golang.org/x/net/nettest"
)

// pipe returns a connected pair of uvnet conns, dialled and accepted on network.
func pipe(t testing.TB, network, address string) (c1, c2 net.Conn, stop func(), err error) {
	ln, err := Listen(network, address)
	if err != nil {
		return nil, nil, nil, err
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			t.Errorf("Accept: %v", err)
		}
		accepted <- c
	}()
	c1, err = Dial(network, ln.Addr().String())
	c2 = <-accepted
	if err != nil || c2 == nil {
		if c2 != nil {
			c2.Close()
		}
		if err == nil {
			c1.Close()
			err = net.ErrClosed
		}
		return nil, nil, nil, err
	}
	return c1, c2, func() { c1.Close(); c2.Close() }, nil
}

func TestNettestTCP(t *testing.T) {
	checkLeaks(t)
	nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
		return pipe(t, "tcp", "127.0.0.1:0")
	})
}

func TestNettestUnix(t *testing.T) {
	checkLeaks(t)
	dir := t.TempDir()
	n := 0
	nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
		n++
		return pipe(t, "unix", filepath.Join(dir, "s"+string(rune('a'+n))))
	})
}
