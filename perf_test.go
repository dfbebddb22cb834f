package uv

import (
	"bytes"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"
)

// Tests of the binding's additions for performance: TimerStartOneshot, the batch of handles
// closed with a nil callback.

// The timers of TimerStartOneshot fire in libuv's order among Timers (timeout, then start
// order), once each, close themselves, and leave no token.
func TestTimerStartOneshot(t *testing.T) {
	l := newTestLoop(t)
	var order []int
	add := func(i int) func() { return func() { order = append(order, i) } }
	must(t, TimerStartOneshot(l, 2*time.Millisecond, add(3)))
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(time.Millisecond, 0, add(1)))
	must(t, TimerStartOneshot(l, time.Millisecond, add(2)))
	must(t, TimerStartOneshot(l, 0, add(0)))
	if n := handleNames(l); len(n) != 1 {
		t.Errorf("Walk shows %v, want the Timer alone", n)
	}
	if !l.Alive() {
		t.Errorf("Alive = false with one-shot timers pending")
	}
	if err := l.Close(); !errors.Is(err, EBUSY) {
		t.Errorf("Close with one-shot timers pending: %v, want EBUSY", err)
	}
	must(t, tm.Close(nil))
	if run(t, l, RunDefault) {
		t.Errorf("Run: alive after the one-shot timers fired")
	}
	if want := []int{0, 2, 3}; len(order) != len(want) || order[0] != 0 || order[1] != 2 || order[2] != 3 {
		t.Errorf("fired %v, want %v (the Timer was closed first)", order, want)
	}

	// A Timer started with the same timeout between two one-shots fires between them.
	order = order[:0]
	tm, err = NewTimer(l)
	must(t, err)
	must(t, TimerStartOneshot(l, time.Millisecond, add(0)))
	must(t, tm.Start(time.Millisecond, 0, func() { add(1)(); tm.Close(nil) }))
	must(t, TimerStartOneshot(l, time.Millisecond, add(2)))
	run(t, l, RunDefault)
	if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Errorf("fired %v, want [0 1 2]", order)
	}
	checkLeaks(t, l)
}

// Arguments, a closed loop, and a one-shot timer started from the callback of another.
func TestTimerStartOneshotErrors(t *testing.T) {
	l := newTestLoop(t)
	if err := TimerStartOneshot(l, 0, nil); !errors.Is(err, EINVAL) {
		t.Errorf("nil cb: %v, want EINVAL", err)
	}
	if err := TimerStartOneshot(l, -time.Millisecond, func() {}); !errors.Is(err, ErrNegative) {
		t.Errorf("negative timeout: %v, want ErrNegative", err)
	}
	n := 0
	var again func()
	again = func() {
		if n++; n < 3 {
			hndCheck(t, TimerStartOneshot(l, 0, again))
		}
	}
	must(t, TimerStartOneshot(l, 0, again))
	run(t, l, RunDefault)
	if n != 3 {
		t.Errorf("%d callbacks, want 3", n)
	}
	checkLeaks(t, l)
	if err := TimerStartOneshot(l, 0, func() {}); !errors.Is(err, ErrClosed) {
		t.Errorf("closed loop: %v, want ErrClosed", err)
	}
}

// CloseAll closes the pending one-shot timers without calling them back.
func TestTimerStartOneshotCloseAll(t *testing.T) {
	l := newTestLoop(t)
	for i := 0; i < 300; i++ { // more than one batch of closed handles
		must(t, TimerStartOneshot(l, time.Hour, func() { t.Error("one-shot timer fired") }))
	}
	must(t, l.CloseAll())
	checkTokens(t)
}

// A panic in a one-shot timer's callback is re-panicked by Run; the timer is closed anyway.
func TestTimerStartOneshotPanic(t *testing.T) {
	l := newTestLoop(t)
	must(t, TimerStartOneshot(l, 0, func() { panic("boom") }))
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("Run re-panicked with %v, want boom", v)
			}
		}()
		l.Run(RunDefault)
	}()
	// From libuv 1.45, RunDefault runs the due timers before its first iteration: stopped there
	// by the panic, it has not run the closing phase yet. The loop runs again to finish it.
	if run(t, l, RunDefault) {
		t.Error("Run after the panic: alive, want done")
	}
	checkLeaks(t, l)
}

// Handles closed with a nil callback hand their tokens back without a callback each: by the
// time Run returns (several full batches here), and at the next callback within the same Run.
func TestCloseBatch(t *testing.T) {
	l := newTestLoop(t)
	before := liveTokens.Load()
	const n = 700
	var idles []*Idle
	for i := 0; i < n; i++ {
		h, err := NewIdle(l)
		must(t, err)
		idles = append(idles, h)
	}
	closedCb := 0
	for i, h := range idles {
		if i%100 == 0 {
			must(t, h.Close(func() { closedCb++ }))
			continue
		}
		must(t, h.Close(nil))
		if !h.IsClosing() || h.IsActive() {
			t.Fatalf("closing handle: IsClosing %v IsActive %v", h.IsClosing(), h.IsActive())
		}
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run: alive")
	}
	if closedCb != n/100 {
		t.Errorf("%d close callbacks, want %d", closedCb, n/100)
	}
	if got := liveTokens.Load(); got != before {
		t.Errorf("%d tokens after Run, want %d", got, before)
	}
	for _, h := range idles {
		if h.ptr != nil || h.token != nil || !h.IsClosing() || h.HasRef() {
			t.Fatalf("closed handle keeps ptr %v token %v, IsClosing %v HasRef %v", h.ptr, h.token, h.IsClosing(), h.HasRef())
		}
	}

	// Within one Run: a handle closed in a timer's callback (a) joins the batch in that
	// iteration's close phase; the first callback of the next iteration (b) drains it, so the
	// one after (c) sees its token gone. b and c start from a check callback of a's iteration,
	// both due at once: libuv runs them in that order, at the start of the next iteration.
	a, err := NewTimer(l)
	must(t, err)
	b, err := NewTimer(l)
	must(t, err)
	c, err := NewTimer(l)
	must(t, err)
	chk, err := NewCheck(l)
	must(t, err)
	idle, err := NewIdle(l)
	must(t, err)
	var inB, inC int64
	must(t, a.Start(0, 0, func() {
		hndCheck(t, idle.Close(nil))
		hndCheck(t, chk.Start(func() {
			hndCheck(t, chk.Stop())
			hndCheck(t, b.Start(0, 0, func() { inB = liveTokens.Load() }))
			hndCheck(t, c.Start(0, 0, func() { inC = liveTokens.Load() }))
		}))
	}))
	run(t, l, RunDefault)
	if inB != before+5 || inC != before+4 {
		t.Errorf("tokens in b %d, in c %d; want %d (the idle's still there) and %d (the timers and the check)",
			inB, inC, before+5, before+4)
	}
	loopCloseAll(t, l, a, b, c, chk)
}

// FSStatSync answers what FSStat answers in synchronous mode, with the same errors.
func TestFSStatSync(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	path := dir + "/f"
	must(t, os.WriteFile(path, []byte("12345"), 0o640))
	r, err := FSStat(l, path, nil)
	must(t, err)
	st, err := FSStatSync(l, path)
	must(t, err)
	if want := r.Stat(); st != want {
		t.Errorf("FSStatSync = %+v, FSStat = %+v", st, want)
	}
	if st.Size != 5 || st.FileMode() != 0o640 {
		t.Errorf("size %d mode %v, want 5 -rw-r-----", st.Size, st.FileMode())
	}
	long := dir + "/" + strings.Repeat("d", 200) + "/" + strings.Repeat("e", 200) + "/" + strings.Repeat("f", 200)
	must(t, os.MkdirAll(long, 0o755))
	if st, err := FSStatSync(l, long); err != nil || !st.FileMode().IsDir() {
		t.Errorf("long path (%d bytes): %v, %v", len(long), st.FileMode(), err)
	}
	_, err = FSStatSync(l, dir+"/none")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "stat" || pe.Path != dir+"/none" || !errors.Is(err, ENOENT) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want stat ENOENT", err)
	}
	if _, err := FSStatSync(l, "a\x00b"); !errors.Is(err, ErrNUL) {
		t.Errorf("NUL in path: %v, want ErrNUL", err)
	}
	checkLeaks(t, l)
	if _, err := FSStatSync(l, path); !errors.Is(err, ErrClosed) {
		t.Errorf("closed loop: %v, want ErrClosed", err)
	}
}

// A small Write is copied: the slices may change at once; the callbacks of copied and pinned
// writes, nil or not, come in the order of the writes, and the bytes arrive in that order.
func TestStreamWriteCopy(t *testing.T) {
	l := newTestLoop(t)
	client, peer := tcpPair(t, l)
	var got []byte
	must(t, peer.ReadStart(func(data []byte, err error) { got = append(got, data...) }))
	var order []int
	cb := func(i int) func(error) {
		return func(err error) {
			hndCheck(t, err)
			order = append(order, i)
		}
	}
	small := []byte("abc")
	big := bytes.Repeat([]byte("x"), 300)
	var want []byte
	w, err := client.Write([][]byte{small}, nil)
	must(t, err)
	if w == nil || w.Type() != ReqWrite || w.Cancel() != ErrClosed {
		t.Errorf("nil-callback small write: req %v", w)
	}
	want = append(want, small...)
	copy(small, "XYZ") // copied already
	_, err = client.Write([][]byte{small, small}, cb(1))
	must(t, err)
	want = append(want, "XYZXYZ"...)
	_, err = client.Write([][]byte{big}, cb(2))
	must(t, err)
	want = append(want, big...)
	_, err = client.Write([][]byte{[]byte("end")}, cb(3))
	must(t, err)
	want = append(want, "end"...)
	copy(small, "---")
	for len(order) < 3 || len(got) < len(want) {
		run(t, l, RunOnce)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
	if len(order) != 3 || order[0] != 1 || order[1] != 2 || order[2] != 3 {
		t.Errorf("write callbacks %v, want [1 2 3]", order)
	}
	tcpClosed(t, l, client, peer)
}

// A small UDP Send is copied: the slices may change at once.
func TestUDPSendCopy(t *testing.T) {
	l := newTestLoop(t)
	recver, addr := udpBind(t, l, udpLo4, 0)
	sender, _ := udpBind(t, l, udpLo4, 0)
	var got []string
	must(t, recver.RecvStart(func(data []byte, _ netip.AddrPort, _ UDPFlags, err error) {
		if data != nil {
			got = append(got, string(data))
		}
	}))
	buf := []byte("first")
	r, err := sender.Send(addr, [][]byte{buf[:2], buf[2:]}, nil)
	must(t, err)
	if r == nil || r.Type() != ReqUDPSend {
		t.Errorf("nil-callback small send: req %v", r)
	}
	copy(buf, "XXXXX")
	sent := 0
	_, err = sender.Send(addr, [][]byte{buf}, func(err error) { hndCheck(t, err); sent++ })
	must(t, err)
	copy(buf, "-----")
	for len(got) < 2 || sent < 1 {
		run(t, l, RunOnce)
	}
	if len(got) != 2 || got[0] != "first" || got[1] != "XXXXX" {
		t.Errorf("received %q, want [first XXXXX]", got)
	}
	loopCloseAll(t, l, recver, sender)
}

// With SetRecvSkipEmpty, the receive callback gets the datagrams (an empty one included) and
// none of libuv's "nothing to read" calls; without it, those come as before.
func TestUDPRecvSkipEmpty(t *testing.T) {
	l := newTestLoop(t)
	for _, skip := range []bool{false, true} {
		recver, addr := udpBind(t, l, udpLo4, 0)
		sender, _ := udpBind(t, l, udpLo4, 0)
		must(t, recver.SetRecvSkipEmpty(skip))
		var got []string
		empties := 0
		must(t, recver.RecvStart(func(data []byte, from netip.AddrPort, _ UDPFlags, err error) {
			hndCheck(t, err)
			if data == nil && !from.IsValid() {
				empties++
				return
			}
			got = append(got, string(data))
		}))
		for _, m := range []string{"a", "", "c"} {
			_, err := sender.Send(addr, [][]byte{[]byte(m)}, nil)
			must(t, err)
		}
		for len(got) < 3 {
			run(t, l, RunOnce)
		}
		udpClose(t, recver, sender)
		run(t, l, RunDefault)
		if len(got) != 3 || got[0] != "a" || got[1] != "" || got[2] != "c" {
			t.Errorf("skip %v: received %q", skip, got)
		}
		if skip && empties != 0 || !skip && empties == 0 {
			t.Errorf("skip %v: %d \"nothing to read\" callbacks", skip, empties)
		}
	}
	checkLeaks(t, l)
}

// StartTimer is NewTimer and Start in one call: the timer repeats as asked, Stop and Close
// work as on any Timer; the errors come before anything is created.
func TestStartTimer(t *testing.T) {
	l := newTestLoop(t)
	n := 0
	var tm *Timer
	tm, err := StartTimer(l, 0, time.Millisecond, func() {
		if n++; n == 3 {
			hndCheck(t, tm.Close(nil))
		}
	})
	must(t, err)
	if !tm.IsActive() || tm.Repeat() != time.Millisecond {
		t.Errorf("IsActive %v, Repeat %v", tm.IsActive(), tm.Repeat())
	}
	run(t, l, RunDefault)
	if n != 3 {
		t.Errorf("%d callbacks, want 3", n)
	}
	if _, err := StartTimer(l, 0, 0, nil); !errors.Is(err, EINVAL) {
		t.Errorf("nil cb: %v, want EINVAL", err)
	}
	if _, err := StartTimer(l, -1, 0, func() {}); !errors.Is(err, ErrNegative) {
		t.Errorf("negative timeout: %v, want ErrNegative", err)
	}
	checkLeaks(t, l)
	if _, err := StartTimer(l, 0, 0, func() {}); !errors.Is(err, ErrClosed) {
		t.Errorf("closed loop: %v, want ErrClosed", err)
	}
}
