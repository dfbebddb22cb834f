package uv

import (
	"errors"
	"syscall"
	"testing"
	"time"
)

// hndCheck reports a non-nil error without stopping the test: for use inside callbacks, where
// t.Fatal must not be called (it would exit the goroutine through libuv's C frames).
func hndCheck(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("unexpected error: %v", err)
	}
}

// hndDoClose closes h, checks that its close callback has not run before the loop ran, runs the
// loop, and checks that it ran exactly once (libuv's test-ref.c do_close).
func hndDoClose(t testing.TB, l *Loop, h Handle) {
	t.Helper()
	closes := 0
	must(t, h.Close(func() { closes++ }))
	if closes != 0 {
		t.Errorf("%s: close callback ran inside Close", h.TypeName())
	}
	run(t, l, RunDefault)
	if closes != 1 {
		t.Errorf("%s: close callback ran %d times, want 1", h.TypeName(), closes)
	}
}

// hndGuard adds an unreferenced timer that fails the test and stops the loop when a run lasts
// longer than d (a hang would otherwise last until go test's timeout). It does not keep the
// loop alive; it is closed before the leak check.
func hndGuard(t *testing.T, l *Loop, d time.Duration) {
	t.Helper()
	g, err := NewTimer(l)
	must(t, err)
	must(t, g.Start(d, d, func() {
		t.Errorf("guard: the loop still runs after %v", d)
		hndCheck(t, l.Stop())
	}))
	must(t, g.Unref())
	t.Cleanup(func() {
		if !g.IsClosing() {
			g.Close(nil)
			l.Run(RunNoWait)
		}
	})
}

// hndKind describes one handle type for the table-driven tests.
type hndKind struct {
	name string
	typ  HandleType
	// open returns a new, active handle of the kind whose callback is cb; arm makes that
	// callback run (async: Send) or does nothing (the others run by themselves).
	open func(t *testing.T, l *Loop, cb func()) (h Handle, arm func() error)
	// own calls each of the type's own error-returning methods.
	own func(h Handle) map[string]error
}

var hndKinds = []hndKind{
	{
		name: "timer", typ: HandleTimer,
		open: func(t *testing.T, l *Loop, cb func()) (Handle, func() error) {
			h, err := NewTimer(l)
			must(t, err)
			// A repeat, so that a callback after a failed Close would show.
			must(t, h.Start(0, time.Millisecond, cb))
			return h, func() error { return nil }
		},
		own: func(h Handle) map[string]error {
			tm := h.(*Timer)
			return map[string]error{
				"Start":           tm.Start(time.Millisecond, 0, func() {}),
				"Start(nil)":      tm.Start(time.Millisecond, 0, nil),
				"Start(negative)": tm.Start(-time.Millisecond, 0, func() {}),
				"Stop":            tm.Stop(),
				"Again":           tm.Again(),
				"SetRepeat":       tm.SetRepeat(time.Millisecond),
			}
		},
	},
	{
		name: "prepare", typ: HandlePrepare,
		open: func(t *testing.T, l *Loop, cb func()) (Handle, func() error) {
			h, err := NewPrepare(l)
			must(t, err)
			must(t, h.Start(cb))
			return h, func() error { return nil }
		},
		own: func(h Handle) map[string]error {
			p := h.(*Prepare)
			return map[string]error{"Start": p.Start(func() {}), "Start(nil)": p.Start(nil), "Stop": p.Stop()}
		},
	},
	{
		name: "check", typ: HandleCheck,
		open: func(t *testing.T, l *Loop, cb func()) (Handle, func() error) {
			h, err := NewCheck(l)
			must(t, err)
			must(t, h.Start(cb))
			return h, func() error { return nil }
		},
		own: func(h Handle) map[string]error {
			c := h.(*Check)
			return map[string]error{"Start": c.Start(func() {}), "Start(nil)": c.Start(nil), "Stop": c.Stop()}
		},
	},
	{
		name: "idle", typ: HandleIdle,
		open: func(t *testing.T, l *Loop, cb func()) (Handle, func() error) {
			h, err := NewIdle(l)
			must(t, err)
			must(t, h.Start(cb))
			return h, func() error { return nil }
		},
		own: func(h Handle) map[string]error {
			i := h.(*Idle)
			return map[string]error{"Start": i.Start(func() {}), "Start(nil)": i.Start(nil), "Stop": i.Stop()}
		},
	},
	{
		name: "async", typ: HandleAsync,
		open: func(t *testing.T, l *Loop, cb func()) (Handle, func() error) {
			h, err := NewAsync(l, cb)
			must(t, err)
			return h, h.Send
		},
		own: func(h Handle) map[string]error {
			return map[string]error{"Send": h.(*Async).Send()}
		},
	},
}

// hndCommon calls every error-returning method of the Handle interface except Close.
func hndCommon(h Handle) map[string]error {
	_, fdErr := h.Fileno()
	_, sndErr := h.SendBufferSize()
	_, rcvErr := h.RecvBufferSize()
	return map[string]error{
		"Ref":               h.Ref(),
		"Unref":             h.Unref(),
		"Fileno":            fdErr,
		"SendBufferSize":    sndErr,
		"SetSendBufferSize": h.SetSendBufferSize(4096),
		"RecvBufferSize":    rcvErr,
		"SetRecvBufferSize": h.SetRecvBufferSize(4096),
	}
}

// hndWalkHas reports whether Walk lists h.
func hndWalkHas(t testing.TB, l *Loop, h Handle) bool {
	t.Helper()
	found := false
	hndCheck(t, l.Walk(func(w Handle) {
		if w == h {
			found = true
		}
	}))
	return found
}

// libuv: ref
func TestRef(t *testing.T) {
	l := newTestLoop(t)
	// Only the binding's own unreferenced async handle exists: the loop is not alive.
	if run(t, l, RunDefault) {
		t.Errorf("Run on an empty loop reported it alive")
	}
	if names := handleNames(l); len(names) != 0 {
		t.Errorf("Walk on an empty loop lists %v", names)
	}
}

// libuv: idle_ref
func TestIdleRef(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	h, err := NewIdle(l)
	must(t, err)
	must(t, h.Start(func() { t.Errorf("unreferenced idle handle's callback ran") }))
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// libuv: async_ref
func TestAsyncRef(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	h, err := NewAsync(l, nil)
	must(t, err)
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// libuv: prepare_ref
func TestPrepareRef(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	h, err := NewPrepare(l)
	must(t, err)
	must(t, h.Start(func() { t.Errorf("unreferenced prepare handle's callback ran") }))
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// libuv: check_ref
func TestCheckRef(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	h, err := NewCheck(l)
	must(t, err)
	must(t, h.Start(func() { t.Errorf("unreferenced check handle's callback ran") }))
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// libuv: unref_in_prepare_cb
func TestUnrefInPrepareCb(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	h, err := NewPrepare(l)
	must(t, err)
	calls := 0
	must(t, h.Start(func() { calls++; hndCheck(t, h.Unref()) }))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if calls != 1 {
		t.Errorf("prepare callback ran %d times, want 1", calls)
	}
	hndDoClose(t, l, h)
}

// libuv: timer_ref
func TestTimerRef(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewTimer(l)
	must(t, err)
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// libuv: timer_ref2
func TestTimerRef2(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewTimer(l)
	must(t, err)
	must(t, h.Start(42*time.Millisecond, 42*time.Millisecond, func() { t.Errorf("unreferenced timer fired") }))
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// libuv: has_ref
func TestHasRef(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewIdle(l)
	must(t, err)
	must(t, h.Ref())
	if !h.HasRef() {
		t.Errorf("HasRef after Ref = false")
	}
	must(t, h.Unref())
	if h.HasRef() {
		t.Errorf("HasRef after Unref = true")
	}
	hndDoClose(t, l, h)
}

// libuv: handle_type_name
func TestHandleTypeName(t *testing.T) {
	for typ, want := range map[HandleType]string{
		HandleAsync: "async", HandleCheck: "check", HandleFSEvent: "fs_event", HandleFSPoll: "fs_poll",
		HandleHandle: "handle", HandleIdle: "idle", HandleNamedPipe: "pipe", HandlePoll: "poll",
		HandlePrepare: "prepare", HandleProcess: "process", HandleStream: "stream", HandleTCP: "tcp",
		HandleTimer: "timer", HandleTTY: "tty", HandleUDP: "udp", HandleSignal: "signal", HandleFile: "file",
	} {
		if got := typ.String(); got != want {
			t.Errorf("HandleType(%d).String() = %q, want %q", int(typ), got, want)
		}
	}
	// UV_HANDLE_TYPE_MAX follows UV_FILE; libuv names neither it, what follows, nor
	// UV_UNKNOWN_HANDLE (NULL, which the binding answers as "").
	for _, typ := range []HandleType{HandleFile + 1, HandleFile + 2, HandleUnknown} {
		if got := typ.String(); got != "" {
			t.Errorf("HandleType(%d).String() = %q, want \"\"", int(typ), got)
		}
	}
}

// The loop and handle getters the binding has: a handle's type and loop, for every kind and two
// loops. As libuv's test: a pipe's type, loop and empty write queue, its close and a run that
// returns 0, then a synchronous stat of "." whose request reports its type, result, stat (a
// directory) and path, and another run that returns 0. libuv's test also sets the loop's and
// handle's data (the binding keeps its token there, no API) and bumps the pipe's
// write_queue_size field by hand (a struct field the binding does not expose).
// libuv: getters_setters
func TestGettersSetters(t *testing.T) {
	l := newTestLoop(t)
	pipe, err := NewPipe(l, false)
	must(t, err)
	if pipe.Type() != HandleNamedPipe || pipe.Loop() != l {
		t.Errorf("pipe: Type %v, Loop %p; want %v, %p", pipe.Type(), pipe.Loop(), HandleNamedPipe, l)
	}
	if n := pipe.WriteQueueSize(); n != 0 {
		t.Errorf("pipe: WriteQueueSize = %d, want 0", n)
	}
	must(t, pipe.Close(nil))
	if run(t, l, RunDefault) {
		t.Errorf("Run after the pipe's Close reported the loop alive")
	}
	req, err := FSStat(l, ".", nil)
	must(t, err)
	if run(t, l, RunDefault) {
		t.Errorf("Run after the stat reported the loop alive")
	}
	if req.FSType() != FSTypeStat || req.Result() != 0 || req.Path() != "." {
		t.Errorf("stat request: FSType %v, Result %d, Path %q; want %v, 0, \".\"", req.FSType(), req.Result(), req.Path(), FSTypeStat)
	}
	if st := req.Stat(); st.Mode&syscall.S_IFDIR == 0 {
		t.Errorf("stat of \".\": Mode %#o, want S_IFDIR set", st.Mode)
	}
	// A second loop, closed before l's leak check (which counts every loop's tokens).
	other, err := NewLoop()
	must(t, err)
	t.Cleanup(func() {
		if err := other.Close(); err != nil {
			t.Errorf("second loop: Close = %v", err)
		}
	})
	for _, k := range hndKinds {
		for _, loop := range []*Loop{l, other} {
			h, _ := k.open(t, loop, func() {})
			if h.Type() != k.typ {
				t.Errorf("%s: Type = %v, want %v", k.name, h.Type(), k.typ)
			}
			if h.TypeName() != k.name {
				t.Errorf("%s: TypeName = %q", k.name, h.TypeName())
			}
			if h.Loop() != loop {
				t.Errorf("%s: Loop is not the loop it was created on", k.name)
			}
			hndDoClose(t, loop, h)
		}
	}
}

// Every method of a closed handle answers ErrClosed, between Close and its callback and after
// it; a second Close too, and its callback never runs. Type, TypeName and Loop still answer.
// The bool getters forward libuv while the C handle exists: between Close and its callback,
// IsClosing is true, IsActive false, and HasRef true for a referenced handle (uv_close keeps
// the handle's ref flag until the close callback); after it, IsClosing true and the others false.
func TestHandleMisuseClosed(t *testing.T) {
	for _, k := range hndKinds {
		t.Run(k.name, func(t *testing.T) {
			l := newTestLoop(t)
			h, _ := k.open(t, l, func() { t.Errorf("callback of a closed handle ran") })
			if tm, ok := h.(*Timer); ok {
				must(t, tm.SetRepeat(7*time.Millisecond))
			}
			closes := 0
			must(t, h.Close(func() { closes++ }))

			check := func(when string) {
				t.Helper()
				if err := h.Close(func() { t.Errorf("%s: callback of a second Close ran", when) }); !errors.Is(err, ErrClosed) {
					t.Errorf("%s: second Close = %v, want ErrClosed", when, err)
				}
				for _, m := range []map[string]error{hndCommon(h), k.own(h)} {
					for name, err := range m {
						if !errors.Is(err, ErrClosed) {
							t.Errorf("%s: %s = %v, want ErrClosed", when, name, err)
						}
					}
				}
				if !h.IsClosing() {
					t.Errorf("%s: IsClosing = false", when)
				}
				if h.IsActive() {
					t.Errorf("%s: IsActive = true", when)
				}
				if h.Type() != k.typ || h.TypeName() != k.name || h.Loop() != l {
					t.Errorf("%s: Type %v, TypeName %q, Loop %p; want %v, %q, %p", when, h.Type(), h.TypeName(), h.Loop(), k.typ, k.name, l)
				}
			}

			check("between Close and its callback")
			if !h.HasRef() {
				t.Errorf("between Close and its callback: HasRef = false, want libuv's true")
			}
			if !hndWalkHas(t, l, h) {
				t.Errorf("between Close and its callback: Walk does not list the handle")
			}
			if tm, ok := h.(*Timer); ok {
				// uv_timer_get_repeat of a closing timer still answers its repeat.
				if r := tm.Repeat(); r != 7*time.Millisecond {
					t.Errorf("between Close and its callback: Repeat = %v, want libuv's 7ms", r)
				}
			}

			run(t, l, RunDefault)
			if closes != 1 {
				t.Fatalf("close callback ran %d times, want 1", closes)
			}

			check("after the close callback")
			if h.HasRef() {
				t.Errorf("after the close callback: HasRef = true")
			}
			if hndWalkHas(t, l, h) {
				t.Errorf("after the close callback: Walk still lists the handle")
			}
			if tm, ok := h.(*Timer); ok {
				if r, d := tm.Repeat(), tm.DueIn(); r != 0 || d != 0 {
					t.Errorf("after the close callback: Repeat %v, DueIn %v; want 0, 0", r, d)
				}
			}
			run(t, l, RunDefault)
			if closes != 1 {
				t.Errorf("close callback ran %d times, want 1", closes)
			}
		})
	}
}

// Close called from the handle's own callback works: the callback does not run again, and the
// close callback runs once; a Close inside the close callback answers ErrClosed.
func TestHandleCloseInOwnCallback(t *testing.T) {
	for _, k := range hndKinds {
		t.Run(k.name, func(t *testing.T) {
			l := newTestLoop(t)
			calls, closes := 0, 0
			var h Handle
			h, arm := k.open(t, l, func() {
				calls++
				hndCheck(t, h.Close(func() {
					closes++
					if err := h.Close(nil); !errors.Is(err, ErrClosed) {
						t.Errorf("Close in the close callback = %v, want ErrClosed", err)
					}
				}))
				if !h.IsClosing() {
					t.Errorf("IsClosing = false right after Close")
				}
			})
			must(t, arm())
			// Non-blocking iterations: a check handle alone would let the poll block.
			for i := 0; i < 100 && closes == 0; i++ {
				run(t, l, RunNoWait)
			}
			if run(t, l, RunNoWait) {
				t.Errorf("RunNoWait reported the loop alive after the close")
			}
			if calls != 1 || closes != 1 {
				t.Errorf("%d callbacks, %d close callbacks; want 1, 1", calls, closes)
			}
		})
	}
}

// A nil callback to the Start methods is libuv's EINVAL, and leaves the handle stopped.
func TestHandleStartNilCallback(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	p, err := NewPrepare(l)
	must(t, err)
	c, err := NewCheck(l)
	must(t, err)
	i, err := NewIdle(l)
	must(t, err)
	for name, err := range map[string]error{
		"Timer.Start":   tm.Start(time.Millisecond, 0, nil),
		"Prepare.Start": p.Start(nil),
		"Check.Start":   c.Start(nil),
		"Idle.Start":    i.Start(nil),
	} {
		if !errors.Is(err, EINVAL) {
			t.Errorf("%s(nil) = %v, want EINVAL", name, err)
		}
	}
	for _, h := range []Handle{tm, p, c, i} {
		if h.IsActive() {
			t.Errorf("%s active after Start(nil)", h.TypeName())
		}
		hndDoClose(t, l, h)
	}
}

// None of these handle types has a file descriptor or a socket: Fileno answers libuv's EINVAL
// (uv_fileno's default case), the buffer sizes libuv's ENOTSUP (uv__socket_sockopt). The binding
// refuses a negative size with ErrNegative and a zero one with EINVAL (libuv would read).
func TestHandleFilenoAndBufferSizes(t *testing.T) {
	for _, k := range hndKinds {
		t.Run(k.name, func(t *testing.T) {
			l := newTestLoop(t)
			h, _ := k.open(t, l, func() {})
			if fd, err := h.Fileno(); !errors.Is(err, EINVAL) || fd != -1 {
				t.Errorf("Fileno = %d, %v; want -1, EINVAL", fd, err)
			}
			if _, err := h.SendBufferSize(); !errors.Is(err, ENOTSUP) {
				t.Errorf("SendBufferSize = %v, want ENOTSUP", err)
			}
			if _, err := h.RecvBufferSize(); !errors.Is(err, ENOTSUP) {
				t.Errorf("RecvBufferSize = %v, want ENOTSUP", err)
			}
			if err := h.SetSendBufferSize(4096); !errors.Is(err, ENOTSUP) {
				t.Errorf("SetSendBufferSize(4096) = %v, want ENOTSUP", err)
			}
			if err := h.SetRecvBufferSize(4096); !errors.Is(err, ENOTSUP) {
				t.Errorf("SetRecvBufferSize(4096) = %v, want ENOTSUP", err)
			}
			if err := h.SetSendBufferSize(-1); !errors.Is(err, ErrNegative) {
				t.Errorf("SetSendBufferSize(-1) = %v, want ErrNegative", err)
			}
			if err := h.SetRecvBufferSize(-1); !errors.Is(err, ErrNegative) {
				t.Errorf("SetRecvBufferSize(-1) = %v, want ErrNegative", err)
			}
			if err := h.SetSendBufferSize(0); !errors.Is(err, EINVAL) {
				t.Errorf("SetSendBufferSize(0) = %v, want EINVAL", err)
			}
			if err := h.SetRecvBufferSize(0); !errors.Is(err, EINVAL) {
				t.Errorf("SetRecvBufferSize(0) = %v, want EINVAL", err)
			}
			hndDoClose(t, l, h)
		})
	}
}

// Close callbacks run in libuv's order: on Unix, libuv pushes each closing handle on the front
// of its closing list, so the callbacks of one iteration run in the reverse order of the Close
// calls.
func TestHandleCloseOrder(t *testing.T) {
	l := newTestLoop(t)
	var handles []Handle
	for _, k := range hndKinds {
		h, _ := k.open(t, l, func() {})
		handles = append(handles, h)
	}
	var got []string
	for _, h := range handles {
		name := h.TypeName()
		must(t, h.Close(func() { got = append(got, name) }))
	}
	if len(got) != 0 {
		t.Fatalf("close callbacks ran inside Close: %v", got)
	}
	if run(t, l, RunNoWait) {
		t.Errorf("RunNoWait reported the loop alive after the closes")
	}
	if len(got) != len(handles) {
		t.Fatalf("close callbacks %v, want one per handle", got)
	}
	for i, h := range handles {
		if want := h.TypeName(); got[len(got)-1-i] != want {
			t.Errorf("close callbacks %v, want the reverse of the Close calls", got)
			break
		}
	}
}

// A handle's C memory and token live from Close until its close callback: a closing handle is
// still listed by Walk and still answers from C in the phases that follow its Close in the same
// iteration; the binding releases both when libuv calls the close callback (just before the
// user's callback), not earlier.
func TestHandleMemoryReleasedAtCloseCallback(t *testing.T) {
	l := newTestLoop(t)
	p, err := NewPrepare(l)
	must(t, err)
	c, err := NewCheck(l)
	must(t, err)
	victim, err := NewTimer(l)
	must(t, err)
	must(t, victim.Start(time.Hour, 0, func() { t.Errorf("closed timer fired") }))

	var tokensBefore int64
	var got []string
	closes := 0
	must(t, p.Start(func() {
		got = append(got, "prepare")
		hndCheck(t, p.Stop())
		tokensBefore = liveTokens.Load()
		hndCheck(t, victim.Close(func() {
			got = append(got, "close callback")
			closes++
			if victim.base().ptr != nil {
				t.Errorf("in the close callback: C memory not released")
			}
			if n := liveTokens.Load(); n != tokensBefore-1 {
				t.Errorf("in the close callback: %d tokens, want %d", n, tokensBefore-1)
			}
			if hndWalkHas(t, l, victim) {
				t.Errorf("in the close callback: Walk still lists the handle")
			}
		}))
	}))
	must(t, c.Start(func() {
		got = append(got, "check")
		hndCheck(t, c.Stop())
		// Same iteration, after the poll: the close callback has not run yet.
		if closes != 0 {
			t.Errorf("close callback ran before the check phase")
		}
		if victim.base().ptr == nil {
			t.Errorf("C memory released before the close callback")
		}
		if n := liveTokens.Load(); n != tokensBefore {
			t.Errorf("tokens %d before the close callback, want %d", n, tokensBefore)
		}
		if !hndWalkHas(t, l, victim) {
			t.Errorf("Walk does not list a closing handle")
		}
		if !victim.IsClosing() || victim.IsActive() {
			t.Errorf("closing timer: IsClosing %v, IsActive %v; want true, false", victim.IsClosing(), victim.IsActive())
		}
	}))
	run(t, l, RunNoWait)
	want := []string{"prepare", "check", "close callback"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("order %v, want %v", got, want)
	}
	if closes != 1 {
		t.Errorf("close callback ran %d times, want 1", closes)
	}
	hndDoClose(t, l, p)
	hndDoClose(t, l, c)
}

// Starting a started idle, prepare or check handle does nothing (libuv returns 0 before looking
// at the callback): the first callback keeps running, even when the second Start passes nil.
// Once stopped, a new Start takes the new callback.
func TestStartTwice(t *testing.T) {
	l := newTestLoop(t)
	for _, tc := range []struct {
		name string
		new  func() (loopStarter, error)
	}{
		{"idle", func() (loopStarter, error) { return NewIdle(l) }},
		{"prepare", func() (loopStarter, error) { return NewPrepare(l) }},
		{"check", func() (loopStarter, error) { return NewCheck(l) }},
	} {
		h, err := tc.new()
		must(t, err)
		if err := h.Start(nil); !errors.Is(err, EINVAL) {
			t.Errorf("%s: Start(nil) on a stopped handle = %v, want EINVAL", tc.name, err)
		}
		if h.IsActive() {
			t.Errorf("%s: active after a refused Start", tc.name)
		}
		first, second := 0, 0
		must(t, h.Start(func() { first++; hndCheck(t, h.Stop()) }))
		must(t, h.Start(func() { second++ }))
		must(t, h.Start(nil))
		// A check handle alone does not keep the poll from blocking: one non-blocking iteration.
		run(t, l, RunNoWait)
		if first != 1 || second != 0 {
			t.Errorf("%s: first callback %d calls, second %d; want 1, 0", tc.name, first, second)
		}
		must(t, h.Start(func() { second++; hndCheck(t, h.Stop()) }))
		run(t, l, RunNoWait)
		if first != 1 || second != 1 {
			t.Errorf("%s: after a restart: first %d calls, second %d; want 1, 1", tc.name, first, second)
		}
		hndDoClose(t, l, h)
	}
}
