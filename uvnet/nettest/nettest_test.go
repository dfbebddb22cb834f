// Package nettest runs golang.org/x/net/nettest's conformance suite on uvnet's conns. It is a
// module of its own so that the binding's module keeps no dependency (x/net) and its go 1.24
// directive (x/net v0.63.0 needs go 1.26).
package nettest

import (
	"net"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/go-libuv/uv/uvnet"
	"golang.org/x/net/nettest"
)

// checkLeaks fails the test when goroutines started during it outlive it (uvnet's loop
// goroutine ends after its last conn closes); it waits a bounded while for closes to complete.
func checkLeaks(t testing.TB) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Errorf("leak: %d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// pipe returns a connected pair of uvnet conns, dialled and accepted on network.
func pipe(t testing.TB, network, address string) (c1, c2 net.Conn, stop func(), err error) {
	ln, err := uvnet.Listen(network, address)
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
	c1, err = uvnet.Dial(network, ln.Addr().String())
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
