package uv

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"testing"
	"time"
)

// RunContext returns with ctx's error once ctx ends, here from another goroutine while a
// repeating timer keeps the loop alive; the loop then runs on with Run.
func TestLoopRunContext(t *testing.T) {
	l := newTestLoop(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tm, err := NewTimer(l)
	must(t, err)
	fired := 0
	third := make(chan struct{})
	must(t, tm.Start(time.Millisecond, time.Millisecond, func() {
		if fired++; fired == 3 {
			close(third)
		}
	}))
	go func() {
		<-third
		cancel()
	}()
	alive, err := l.RunContext(ctx, RunDefault)
	if !alive || !errors.Is(err, context.Canceled) || fired < 3 {
		t.Errorf("RunContext: %v, %v after %d timer calls; want true, context.Canceled, at least 3", alive, err, fired)
	}
	must(t, tm.Close(nil))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive after the timer's close")
	}
}

// A RunContext whose loop ends by itself answers as Run, and the stop posted later when ctx
// ends does not stop the next Run.
func TestLoopRunContextEndsFirst(t *testing.T) {
	l := newTestLoop(t)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(0, 0, func() { calls++; tm.Close(nil) }))
	alive, err := l.RunContext(ctx, RunDefault)
	if alive || err != nil || calls != 1 {
		t.Errorf("RunContext: %v, %v, %d timer calls; want false, nil, 1", alive, err, calls)
	}
	cancel()
	tm2, err := NewTimer(l)
	must(t, err)
	must(t, tm2.Start(time.Millisecond, 0, func() { calls++; tm2.Close(nil) }))
	if alive, err := l.Run(RunDefault); alive || err != nil || calls != 2 {
		t.Errorf("Run: %v, %v, %d timer calls; want false, nil, 2", alive, err, calls)
	}
}

// A QueueWork waiting behind a full pool, and an FS request behind it, are cancelled when
// their context ends: their callbacks receive ECANCELED and the work never runs.
func TestCancelOnDoneWorkAndFS(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	ran, afters, fsCalls := false, 0, 0
	unblock := func() { // the pool runs again once both requests are cancelled
		if afters+fsCalls == 2 {
			b.unblock()
		}
	}
	w, err := QueueWork(l, func() { ran = true }, func(err error) {
		afters++
		if !errors.Is(err, ECANCELED) {
			t.Errorf("after: %v, want ECANCELED", err)
		}
		unblock()
	})
	must(t, err)
	CancelOnDone(ctx, w)
	r, err := FSStat(l, filepath.Join(t.TempDir(), "absent"), func(r *FSReq) {
		fsCalls++
		if !errors.Is(r.Err(), ECANCELED) {
			t.Errorf("stat callback: %v, want ECANCELED", r.Err())
		}
		unblock()
	})
	must(t, err)
	CancelOnDone(ctx, r)
	cancel()
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if ran || afters != 1 || fsCalls != 1 {
		t.Errorf("work ran %v, %d after calls, %d stat calls; want false, 1, 1", ran, afters, fsCalls)
	}
	b.check(t)
}

// Getaddrinfo and Getnameinfo cancelled by their context answer EAI_CANCELED, libuv's
// ECANCELED for the DNS requests.
func TestCancelOnDoneDNS(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	ga, _, err := Getaddrinfo(l, "localhost", "", nil, func(res []Addrinfo, err error) {
		calls++
		if err != EAI_CANCELED || res != nil {
			t.Errorf("getaddrinfo callback: %v, %v; want no result and EAI_CANCELED", res, err)
		}
		if calls == 2 {
			b.unblock()
		}
	})
	must(t, err)
	CancelOnDone(ctx, ga)
	gn, _, _, err := Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:80"), 0, func(host, service string, err error) {
		calls++
		if err != EAI_CANCELED {
			t.Errorf("getnameinfo callback: %q, %q, %v; want EAI_CANCELED", host, service, err)
		}
		if calls == 2 {
			b.unblock()
		}
	})
	must(t, err)
	CancelOnDone(ctx, gn)
	cancel()
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if calls != 2 {
		t.Errorf("%d callbacks, want 2", calls)
	}
	b.check(t)
}

// stop unregisters the cancel: a context ending afterwards leaves the request alone.
func TestCancelOnDoneStop(t *testing.T) {
	l := newTestLoop(t)
	ctx, cancel := context.WithCancel(context.Background())
	var got error = EINVAL
	w, err := QueueWork(l, func() {}, func(err error) { got = err })
	must(t, err)
	if stop := CancelOnDone(ctx, w); !stop() {
		t.Errorf("stop before the context ended: false, want true")
	}
	cancel()
	run(t, l, RunDefault)
	if got != nil {
		t.Errorf("after: %v, want nil", got)
	}
}
