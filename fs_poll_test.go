package uv

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// libuv's fs_poll test polls every 100 ms and touches the file 20 ms and 200 ms after a
// change; here the times are divided by 5, which keeps their order relative to the interval.
const fspInterval = 20 * time.Millisecond

// fspZero reports whether s is libuv's all-zero stat (the times at the Unix epoch).
func fspZero(s *Stat) bool {
	times := []time.Time{s.Atime, s.Mtime, s.Ctime, s.Birthtime}
	for _, tm := range times {
		if tm.Unix() != 0 || tm.Nanosecond() != 0 {
			return false
		}
	}
	z := *s
	z.Atime, z.Mtime, z.Ctime, z.Birthtime = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return z == Stat{}
}

// fspTouch rewrites path with one more byte each call, as libuv's touch_file (the size
// changes, since the poller may not see a sub-second mtime change). One write without
// truncation moves the size from count-1 to count at once: a poll in between never sees 0.
type fspTouch struct {
	t     *testing.T
	path  string
	count int
}

func (f *fspTouch) touch() {
	f.count++
	fd, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE, 0o600)
	hndCheck(f.t, err)
	if err == nil {
		_, err = fd.WriteAt([]byte(strings.Repeat("*", f.count)), 0)
		hndCheck(f.t, err)
		hndCheck(f.t, fd.Close())
	}
}

func fspFail(t *testing.T) func(prev, curr *Stat, err error) {
	return func(prev, curr *Stat, err error) { t.Errorf("fs poll callback called: %v", err) }
}

// libuv: fs_poll
func TestFSPoll(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	file := &fspTouch{t: t, path: filepath.Join(t.TempDir(), "testfile")}
	calls, timers, closes := 0, 0, 0
	tm, err := NewTimer(l)
	must(t, err)
	onTimer := func() { file.touch(); timers++ }
	h, err := NewFSPoll(l)
	must(t, err)
	must(t, h.Start(file.path, fspInterval, func(prev, curr *Stat, err error) {
		if !h.IsActive() {
			t.Errorf("callback %d: handle not active", calls)
		}
		if prev == nil || curr == nil {
			t.Errorf("callback %d: nil stat", calls)
			return
		}
		wantErr, prevZero, currZero := error(nil), false, false
		switch calls {
		case 0:
			wantErr, prevZero, currZero = ENOENT, true, true
			file.touch()
		case 1:
			prevZero = true
			hndCheck(t, tm.Start(fspInterval/5, 0, onTimer))
		case 2:
			hndCheck(t, tm.Start(2*fspInterval, 0, onTimer))
		case 3:
			hndCheck(t, os.Remove(file.path))
		case 4:
			wantErr, currZero = ENOENT, true
			hndCheck(t, h.Close(func() { closes++ }))
		default:
			t.Errorf("callback %d, want 5", calls+1)
		}
		if err != wantErr || fspZero(prev) != prevZero || fspZero(curr) != currZero {
			t.Errorf("callback %d: err %v, prev zero %v, curr zero %v; want %v, %v, %v",
				calls, err, fspZero(prev), fspZero(curr), wantErr, prevZero, currZero)
		}
		if calls >= 1 && calls <= 3 && curr.Size != uint64(file.count) {
			t.Errorf("callback %d: size %d, want %d", calls, curr.Size, file.count)
		}
		calls++
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if calls != 5 || timers != 2 || closes != 1 {
		t.Errorf("%d callbacks, %d timer callbacks, %d closes; want 5, 2, 1", calls, timers, closes)
	}
	hndDoClose(t, l, tm)
}

// libuv: fs_poll_getpath
func TestFSPollGetpath(t *testing.T) {
	l := newTestLoop(t)
	path := filepath.Join(t.TempDir(), "testfile")
	h, err := NewFSPoll(l)
	must(t, err)
	if p, err := h.Path(); err != EINVAL || p != "" {
		t.Errorf("Path before Start: %q, %v; want EINVAL", p, err)
	}
	must(t, h.Start(path, 100*time.Millisecond, fspFail(t)))
	if p, err := h.Path(); err != nil || p != path {
		t.Errorf("Path: %q, %v; want %q", p, err, path)
	}
	closes := 0
	must(t, h.Close(func() { closes++ }))
	if run(t, l, RunDefault) {
		t.Error("Run after Close: alive, want false")
	}
	if closes != 1 {
		t.Errorf("close callback ran %d times, want 1", closes)
	}
}

// fspCloseRequest closes h and runs l once at a time until its close callback has run, as
// libuv's fs_poll_close_request tests.
func fspCloseRequest(t *testing.T, l *Loop, h *FSPoll) {
	t.Helper()
	closes := 0
	must(t, h.Close(func() { closes++ }))
	for i := 0; closes == 0 && i < 1000; i++ {
		run(t, l, RunOnce)
	}
	if closes != 1 {
		t.Errorf("close callback ran %d times, want 1", closes)
	}
}

// libuv: fs_poll_close_request
func TestFSPollCloseRequest(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewFSPoll(l)
	must(t, err)
	must(t, h.Start(filepath.Join(t.TempDir(), "testfile"), 100*time.Millisecond, fspFail(t)))
	fspCloseRequest(t, l, h)
}

// libuv: fs_poll_close_request_multi_start_stop
func TestFSPollCloseRequestMultiStartStop(t *testing.T) {
	l := newTestLoop(t)
	path := filepath.Join(t.TempDir(), "testfile")
	h, err := NewFSPoll(l)
	must(t, err)
	for i := 0; i < 10; i++ {
		must(t, h.Start(path, 100*time.Millisecond, fspFail(t)))
		must(t, h.Stop())
	}
	fspCloseRequest(t, l, h)
}

// libuv: fs_poll_close_request_multi_stop_start
func TestFSPollCloseRequestMultiStopStart(t *testing.T) {
	l := newTestLoop(t)
	path := filepath.Join(t.TempDir(), "testfile")
	h, err := NewFSPoll(l)
	must(t, err)
	for i := 0; i < 10; i++ {
		must(t, h.Stop())
		must(t, h.Start(path, 100*time.Millisecond, fspFail(t)))
	}
	fspCloseRequest(t, l, h)
}

// libuv: fs_poll_close_request_stop_when_active
func TestFSPollCloseRequestStopWhenActive(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewFSPoll(l)
	must(t, err)
	calls := 0
	must(t, h.Start(filepath.Join(t.TempDir(), "testfile"), 100*time.Millisecond, func(prev, curr *Stat, err error) { calls++ }))
	run(t, l, RunOnce)
	must(t, h.Stop())
	run(t, l, RunOnce)
	closes := 0
	must(t, h.Close(func() { closes++ }))
	run(t, l, RunOnce)
	if closes != 1 {
		t.Errorf("close callback ran %d times, want 1", closes)
	}
	if calls > 1 {
		t.Errorf("callback ran %d times, want at most once (the first ENOENT)", calls)
	}
}

// libuv: fs_poll_ref
func TestFSPollRef(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewFSPoll(l)
	must(t, err)
	must(t, h.Start(t.TempDir(), 999*time.Millisecond, fspFail(t)))
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// A second Start on a started handle does nothing (libuv's answer is 0): the first path and
// callback stay.
func TestFSPollStartTwice(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	h, err := NewFSPoll(l)
	must(t, err)
	calls := 0
	must(t, h.Start(first, time.Hour, func(prev, curr *Stat, err error) {
		calls++
		if err != ENOENT {
			t.Errorf("callback: %v, want ENOENT", err)
		}
		hndCheck(t, h.Close(nil))
	}))
	must(t, h.Start(second, time.Millisecond, fspFail(t)))
	if p, err := h.Path(); err != nil || p != first {
		t.Errorf("Path after the second Start: %q, %v; want %q", p, err, first)
	}
	run(t, l, RunDefault)
	if calls != 1 {
		t.Errorf("first callback ran %d times, want 1", calls)
	}
}

// Bad input: a NUL byte in the path, a nil callback, intervals libuv cannot count, and every
// method of a closed handle.
func TestFSPollMisuse(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	h, err := NewFSPoll(l)
	must(t, err)
	for _, c := range []struct {
		name     string
		path     string
		interval time.Duration
		cb       func(prev, curr *Stat, err error)
		want     error
	}{
		{"a NUL byte", dir + "\x00x", time.Second, fspFail(t), ErrNUL},
		{"a nil callback", dir, time.Second, nil, EINVAL},
		{"a negative interval", dir, -time.Millisecond, fspFail(t), ErrNegative},
		{"an interval beyond uint ms", dir, (math.MaxUint32 + 1) * time.Millisecond, fspFail(t), EINVAL},
	} {
		if err := h.Start(c.path, c.interval, c.cb); err != c.want {
			t.Errorf("Start with %s: %v, want %v", c.name, err, c.want)
		}
	}
	if h.IsActive() {
		t.Errorf("active after the refused Starts")
	}
	must(t, h.Start(dir, math.MaxUint32*time.Millisecond, fspFail(t)))
	must(t, h.Unref())
	run(t, l, RunDefault) // the first stat; nothing changes
	hndDoClose(t, l, h)
	if err := h.Start(dir, time.Second, fspFail(t)); err != ErrClosed {
		t.Errorf("Start after Close: %v, want ErrClosed", err)
	}
	if err := h.Stop(); err != ErrClosed {
		t.Errorf("Stop after Close: %v, want ErrClosed", err)
	}
	if _, err := h.Path(); !errors.Is(err, ErrClosed) {
		t.Errorf("Path after Close: %v, want ErrClosed", err)
	}
	if h.Type() != HandleFSPoll || h.TypeName() != "fs_poll" {
		t.Errorf("Type %v %q after Close, want fs_poll", h.Type(), h.TypeName())
	}
}

func init() {
	// The first use of libuv's threadpool in this process is an FSPoll's stat; then a write
	// to a broken pipe runs on the pool. Exit status 0: EPIPE came back and SIGPIPE did not
	// kill the process.
	testHelpers["fspoll-starts-pool"] = func() {
		l, err := NewLoop()
		if err != nil {
			panic(err)
		}
		h, err := NewFSPoll(l)
		if err != nil {
			panic(err)
		}
		if err := h.Start(os.TempDir(), time.Hour, func(*Stat, *Stat, error) {}); err != nil {
			panic(err)
		}
		if _, err := l.Run(RunOnce); err != nil { // the first stat completes
			panic(err)
		}
		rp, wp, err := os.Pipe()
		if err != nil {
			panic(err)
		}
		rp.Close()
		var werr error
		if _, err := FSWrite(l, int(wp.Fd()), [][]byte{[]byte("to nobody")}, -1, func(r *FSReq) { werr = r.Err() }); err != nil {
			panic(err)
		}
		if err := h.Close(nil); err != nil {
			panic(err)
		}
		if err := l.CloseAll(); err != nil {
			panic(err)
		}
		if !errors.Is(werr, syscall.EPIPE) {
			fmt.Fprintf(os.Stderr, "write to a broken pipe on the pool: %v, want EPIPE\n", werr)
			os.Exit(3)
		}
	}
}

// An FSPoll that is the process's first user of libuv's threadpool starts it as the binding
// does, with SIGPIPE blocked in its threads (see poolInit): a write to a broken pipe on the
// pool then fails with EPIPE instead of killing the process. In a fresh process, since the
// pool starts once per process.
func TestFSPollStartsPoolWithoutSIGPIPE(t *testing.T) {
	out, err := helperCmd(t, "fspoll-starts-pool").CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
}
