package uvnet

import (
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/go-libuv/uv"
)

// Conns and listeners on a loop the test runs itself: an Async keeps it alive until the test
// closes it, once the conns are closed.
func TestOnUserLoop(t *testing.T) {
	checkLeaks(t)
	ready := make(chan *uv.Async)
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		l, err := uv.NewLoop()
		if err != nil {
			done <- err
			return
		}
		keep, err := uv.NewAsync(l, func() {})
		if err != nil {
			done <- err
			return
		}
		ready <- keep
		for {
			if _, err := l.Run(uv.RunDefault); err != nil {
				done <- err
				return
			}
			if l.Close() == nil {
				done <- nil
				return
			}
		}
	}()
	keep := <-ready
	n := On(keep.Loop())
	for _, network := range []string{"tcp", "unix"} {
		address := "127.0.0.1:0"
		if network == "unix" {
			address = filepath.Join(t.TempDir(), "s")
		}
		ln, err := n.Listen(network, address)
		if err != nil {
			t.Fatal(err)
		}
		wait := echoServer(t, ln)
		c, err := n.Dial(network, ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte("on the user's loop")
		c.Write(msg)
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != string(msg) {
			t.Errorf("%s: echo %q, %v", network, buf, err)
		}
		c.Close()
		ln.Close()
		wait()
	}
	pc, err := n.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc.WriteTo([]byte("x"), pc.LocalAddr())
	buf := make([]byte, 4)
	if k, _, err := pc.ReadFrom(buf); k != 1 || err != nil {
		t.Errorf("udp to itself: %d, %v", k, err)
	}
	pc.Close()
	keep.Loop().Post(func() { keep.Close(nil) })
	if err := <-done; err != nil {
		t.Fatalf("the user's loop: %v", err)
	}
}
