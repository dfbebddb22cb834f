package uvnet

import (
	"io"
	"testing"
)

// The steady-state Read and Write of a conn allocate nothing: a 64-byte echo round trip (two
// Writes and two Reads of uvnet conns, and the loop's work between them) once warmed up.
func TestReadWriteAllocs(t *testing.T) {
	checkLeaks(t)
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wait := echoServer(t, ln)
	defer wait()
	defer ln.Close()
	c, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg, buf := make([]byte, 64), make([]byte, 64)
	round := func() {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 100; i++ {
		round()
	}
	if n := testing.AllocsPerRun(200, round); n != 0 {
		t.Errorf("%v allocations per round trip, want 0", n)
	}
}
