package uv

import (
	"net/netip"
	"os"
	"testing"
)

// Allocation tests of the steady-state paths (testing.AllocsPerRun): each must allocate
// nothing. The race detector allocates in some of them: they are skipped under -race.

// allocsRace skips t under the race detector: call it first, before t creates anything.
func allocsRace(t *testing.T) {
	if instrumented {
		t.Skip("the race detector or ASan allocates")
	}
}

// allocsZero fails t when fn allocates, on average over runs calls.
func allocsZero(t *testing.T, what string, runs int, fn func()) {
	t.Helper()
	if n := testing.AllocsPerRun(runs, fn); n != 0 {
		t.Errorf("%s: %v allocations per call, want 0", what, n)
	}
}

// Async.Send with a wake-up pending returns without calling into C; it allocates nothing
// either way.
func TestAsyncSendAllocs(t *testing.T) {
	allocsRace(t)
	l := newTestLoop(t)
	calls := 0
	a, err := NewAsync(l, func() { calls++ })
	must(t, err)
	allocsZero(t, "Send", 1000, func() { a.Send() })
	if a.sending.Load() != 0 {
		t.Errorf("sending = %d after the Sends", a.sending.Load())
	}
	// All but the first were coalesced: one callback.
	run(t, l, RunNoWait)
	if calls != 1 {
		t.Errorf("%d callbacks, want 1", calls)
	}
	allocsZero(t, "Send and its callback", 100, func() {
		a.Send()
		l.Run(RunNoWait)
	})
	loopCloseAll(t, l, a)
}

// A timer's callback (Start, the run that fires it) and a one-shot timer's (start, fire,
// close) allocate nothing.
func TestTimerFireAllocs(t *testing.T) {
	allocsRace(t)
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	fired := 0
	cb := func() { fired++ }
	allocsZero(t, "Timer Start and fire", 100, func() {
		tm.Start(0, 0, cb)
		l.Run(RunOnce)
	})
	allocsZero(t, "TimerStartOneshot and fire", 100, func() {
		TimerStartOneshot(l, 0, cb)
		l.Run(RunOnce)
	})
	if fired != 2*101 {
		t.Errorf("%d callbacks, want %d", fired, 2*101)
	}
	loopCloseAll(t, l, tm)
}

// FSStatSync allocates nothing on success.
func TestFSStatSyncAllocs(t *testing.T) {
	allocsRace(t)
	l := newTestLoop(t)
	path := t.TempDir() + "/f"
	must(t, os.WriteFile(path, nil, 0o600))
	allocsZero(t, "FSStatSync", 100, func() {
		if _, err := FSStatSync(l, path); err != nil {
			t.Fatal(err)
		}
	})
	checkLeaks(t, l)
}

// tcpReadAllocs fails t when a TryWrite of 16 bytes and the peer's read of them allocate:
// start starts the peer's reading with the callback it is given.
func tcpReadAllocs(t *testing.T, what string, start func(peer *TCP, cb func([]byte, error)) error) {
	allocsRace(t)
	l := newTestLoop(t)
	client, peer := tcpPair(t, l)
	got, want := 0, 0
	must(t, start(peer, func(data []byte, err error) { got += len(data) }))
	msg := []byte("0123456789abcdef")
	allocsZero(t, what, 200, func() {
		want += len(msg)
		if n, err := client.TryWrite([][]byte{msg}); n != len(msg) || err != nil {
			t.Fatalf("TryWrite = %d, %v", n, err)
		}
		for got < want {
			l.Run(RunOnce)
		}
	})
	tcpClosed(t, l, client, peer)
}

// Write allocates nothing: a small one with a nil callback (copied into its request, no Go
// side), or with a callback (its WriteReq comes from the pool that the last callback's return
// refilled), a large one with a callback (pinned); nor does the peer's read.
func TestStreamWriteAllocs(t *testing.T) {
	allocsRace(t)
	l := newTestLoop(t)
	client, peer := tcpPair(t, l)
	got, want, called, calls := 0, 0, 0, 0
	must(t, peer.ReadStart(func(data []byte, err error) { got += len(data) }))
	wrote := func(err error) {
		hndCheck(t, err)
		called++
	}
	tokens := liveTokens.Load()
	for _, c := range []struct {
		what string
		msg  []byte
		cb   func(error)
	}{
		{"a small Write with a nil callback", []byte("0123456789abcdef"), nil},
		{"a small Write with a callback", []byte("0123456789abcdef"), wrote},
		{"a large Write with a callback", make([]byte, 4096), wrote},
	} {
		allocsZero(t, c.what, 200, func() {
			want += len(c.msg)
			if _, err := client.Write([][]byte{c.msg[:8], c.msg[8:]}, c.cb); err != nil {
				t.Fatal(err)
			}
			if n := liveTokens.Load(); c.cb == nil && n != tokens {
				t.Fatalf("%d tokens after a Write with a nil callback, want %d", n, tokens)
			}
			if c.cb != nil {
				calls++
			}
			for got < want || called < calls {
				l.Run(RunOnce)
			}
		})
	}
	if called != 2*201 { // AllocsPerRun calls once more than its runs
		t.Errorf("%d write callbacks, want %d", called, 2*201)
	}
	tcpClosed(t, l, client, peer)
}

// A small UDP Send allocates nothing, with a nil callback or with one (its UDPSendReq comes
// from the pool), and neither does its receipt.
func TestUDPSendAllocs(t *testing.T) {
	allocsRace(t)
	l := newTestLoop(t)
	recver, addr := udpBind(t, l, udpLo4, 0)
	sender, _ := udpBind(t, l, udpLo4, 0)
	got, want, called := 0, 0, 0
	must(t, recver.RecvStart(func(data []byte, _ netip.AddrPort, _ UDPFlags, err error) {
		if data != nil {
			got++
		}
	}))
	sent := func(err error) {
		hndCheck(t, err)
		called++
	}
	bufs := [][]byte{[]byte("RANG TANG "), []byte("DING DONG")}
	for _, cb := range []func(error){nil, sent} {
		allocsZero(t, "Send", 200, func() {
			want++
			if _, err := sender.Send(addr, bufs, cb); err != nil {
				t.Fatal(err)
			}
			for got < want || (cb != nil && called < want-201) {
				l.Run(RunOnce)
			}
		})
	}
	if called != 201 {
		t.Errorf("%d send callbacks, want 201", called)
	}
	loopCloseAll(t, l, recver, sender)
}
