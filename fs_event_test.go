package uv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// libuv's fs event tests wait 100 ms (1100 ms on macOS) between file operations; on Linux
// inotify queues an event as the operation returns, so the waits are scaled down to fseStep.
// Every test has a guard timer that fails it when the loop still runs after a few seconds.
const fseStep = 10 * time.Millisecond

// fseCreate creates an empty file, as libuv's create_file (O_WRONLY|O_CREAT, no write).
func fseCreate(t testing.TB, name string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE, 0o600)
	if err == nil {
		err = f.Close()
	}
	hndCheck(t, err)
}

// fseTouch writes to an existing file, as libuv's touch_file.
func fseTouch(t testing.TB, name string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err == nil {
		_, err = f.Write([]byte("foo\x00"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	hndCheck(t, err)
}

// fseDir makes watch_dir in a temporary directory and returns its path.
func fseDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "watch_dir")
	must(t, os.Mkdir(dir, 0o755))
	return dir
}

// fseFail is the callback of a watcher that must never report.
func fseFail(t *testing.T) func(string, FSEventKind, error) {
	return func(name string, ev FSEventKind, err error) {
		t.Errorf("fs event callback called: %q %v %v", name, ev, err)
	}
}

// fseNew returns a new FSEvent on l, started on path with cb.
func fseNew(t *testing.T, l *Loop, path string, cb func(string, FSEventKind, error)) *FSEvent {
	t.Helper()
	h, err := NewFSEvent(l)
	must(t, err)
	must(t, h.Start(path, 0, cb))
	return h
}

// fseWatchedFile creates the file name in watch_dir and watches it with a callback that must
// not run.
func fseWatchedFile(t *testing.T, l *Loop, name string) (string, *FSEvent) {
	t.Helper()
	file := filepath.Join(fseDir(t), name)
	fseCreate(t, file)
	return file, fseNew(t, l, file, fseFail(t))
}

// fseFiles creates (then removes) fsevent-0 ... fsevent-15 in dir, one per timer tick, as
// libuv's fs_event_create_files and fs_event_unlink_files.
type fseFiles struct {
	t                *testing.T
	dir              string
	timer            *Timer
	created, removed int
}

const fseFileCount = 16

func fseNewFiles(t *testing.T, l *Loop, dir string) *fseFiles {
	t.Helper()
	tm, err := NewTimer(l)
	must(t, err)
	return &fseFiles{t: t, dir: dir, timer: tm}
}

func (f *fseFiles) name(i int) string { return filepath.Join(f.dir, fmt.Sprintf("fsevent-%d", i)) }

// create creates the next file, then restarts the timer for the following one.
func (f *fseFiles) create() {
	if f.created >= fseFileCount {
		f.t.Errorf("create: all %d files created already", fseFileCount)
		return
	}
	fseCreate(f.t, f.name(f.created))
	if f.created++; f.created < fseFileCount {
		hndCheck(f.t, f.timer.Start(fseStep, 0, f.create))
	}
}

// unlink removes the next file, then restarts the timer for the following one.
func (f *fseFiles) unlink() {
	if f.removed >= fseFileCount {
		f.t.Errorf("unlink: all %d files removed already", fseFileCount)
		return
	}
	hndCheck(f.t, os.Remove(f.name(f.removed)))
	if f.removed++; f.removed < fseFileCount {
		hndCheck(f.t, f.timer.Start(time.Millisecond, 0, f.unlink))
	}
}

// libuv: fs_event_watch_dir
func TestFSEventWatchDir(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	dir := fseDir(t)
	files := fseNewFiles(t, l, dir)
	calls, closes := 0, 0
	var h *FSEvent
	h = fseNew(t, l, dir, func(name string, ev FSEventKind, err error) {
		calls++
		hndCheck(t, err)
		if ev != FSEventChange && ev != FSEventRename {
			t.Errorf("events %v, want change or rename", ev)
		}
		if !strings.HasPrefix(name, "fsevent-") {
			t.Errorf("filename %q, want fsevent-N", name)
		}
		switch {
		case files.created+files.removed == fseFileCount:
			// Every file is created: remove them.
			hndCheck(t, files.timer.Start(time.Millisecond, 0, files.unlink))
		case calls == 2*fseFileCount:
			// Every creation and removal has been reported.
			hndCheck(t, files.timer.Close(func() { closes++ }))
			hndCheck(t, h.Close(func() { closes++ }))
		}
	})
	must(t, files.timer.Start(fseStep, 0, files.create))
	run(t, l, RunDefault)
	if calls != files.created+files.removed || closes != 2 {
		t.Errorf("%d callbacks for %d creations and %d removals, %d closes; want one each, 2 closes",
			calls, files.created, files.removed, closes)
	}
}

// On Linux libuv accepts FSEventRecursive (and the other flags) and watches the directory
// itself, as without them (fs_event_watch_dir_recursive is macOS and Windows only).
func TestFSEventFlagsLinux(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	dir := fseDir(t)
	h, err := NewFSEvent(l)
	must(t, err)
	var got []string
	must(t, h.Start(dir, FSEventRecursive|FSEventStat|FSEventWatchEntry, func(name string, ev FSEventKind, err error) {
		hndCheck(t, err)
		got = append(got, ev.String()+" "+name)
		hndCheck(t, h.Close(nil))
	}))
	fseCreate(t, filepath.Join(dir, "file1"))
	run(t, l, RunDefault)
	if len(got) != 1 || got[0] != "rename file1" {
		t.Errorf("events %q, want [rename file1]", got)
	}
}

// libuv: fs_event_watch_file
func TestFSEventWatchFile(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	dir := fseDir(t)
	file1, file2 := filepath.Join(dir, "file1"), filepath.Join(dir, "file2")
	fseCreate(t, file1)
	fseCreate(t, file2)
	calls, timers, closes := 0, 0, 0
	var h *FSEvent
	h = fseNew(t, l, file2, func(name string, ev FSEventKind, err error) {
		calls++
		hndCheck(t, err)
		if ev != FSEventChange || name != "file2" {
			t.Errorf("event %v %q, want change file2", ev, name)
		}
		hndCheck(t, h.Stop())
		hndCheck(t, h.Close(func() { closes++ }))
	})
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(fseStep, fseStep, func() {
		if timers++; timers == 1 {
			fseTouch(t, file1)
		} else {
			fseTouch(t, file2)
			hndCheck(t, tm.Close(func() { closes++ }))
		}
	}))
	run(t, l, RunDefault)
	if calls != 1 || timers != 2 || closes != 2 {
		t.Errorf("%d callbacks, %d timer callbacks, %d closes; want 1, 2, 2", calls, timers, closes)
	}
}

// libuv: fs_event_watch_file_exact_path
func TestFSEventWatchFileExactPath(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	dir := fseDir(t)
	js, jsx := filepath.Join(dir, "file.js"), filepath.Join(dir, "file.jsx")
	fseCreate(t, js)
	fseCreate(t, jsx)
	h := fseNew(t, l, jsx, fseFail(t))
	timers := 0
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(fseStep, fseStep, func() {
		if timers++; timers == 1 {
			fseTouch(t, js)
		} else {
			hndCheck(t, tm.Close(nil))
			hndCheck(t, h.Stop())
			hndCheck(t, h.Close(nil))
		}
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if timers != 2 {
		t.Errorf("timer ran %d times, want 2", timers)
	}
}

// libuv: fs_event_watch_file_twice
func TestFSEventWatchFileTwice(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	file := filepath.Join(t.TempDir(), "empty_file")
	fseCreate(t, file)
	w1 := fseNew(t, l, file, fseFail(t))
	w2 := fseNew(t, l, file, fseFail(t))
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(fseStep, 0, func() {
		hndCheck(t, w1.Close(nil))
		hndCheck(t, w2.Close(nil))
		hndCheck(t, tm.Close(nil))
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
}

// libuv: fs_event_watch_file_current_dir
func TestFSEventWatchFileCurrentDir(t *testing.T) {
	t.Chdir(t.TempDir())
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	fseCreate(t, "watch_file")
	calls, touches, closes := 0, 0, 0
	var h *FSEvent
	h = fseNew(t, l, "watch_file", func(name string, ev FSEventKind, err error) {
		calls++
		hndCheck(t, err)
		if ev != FSEventChange || name != "watch_file" {
			t.Errorf("event %v %q, want change watch_file", ev, name)
		}
		if !h.IsClosing() {
			hndCheck(t, h.Close(func() { closes++ }))
		}
	})
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(2*fseStep, 0, func() {
		hndCheck(t, tm.Close(nil))
		fseTouch(t, "watch_file")
		touches++
	}))
	if touches != 0 || calls != 0 || closes != 0 {
		t.Fatalf("callbacks before Run")
	}
	run(t, l, RunDefault)
	if touches != 1 || calls == 0 || closes != 1 {
		t.Errorf("%d touches, %d callbacks, %d closes; want 1, at least 1, 1", touches, calls, closes)
	}
}

// libuv: fs_event_watch_invalid_path
func TestFSEventWatchInvalidPath(t *testing.T) {
	l := newTestLoop(t)
	h, err := NewFSEvent(l)
	must(t, err)
	for _, path := range []string{"<:;", ""} {
		err := h.Start(path, 0, fseFail(t))
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != path || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Start(%q): %v, want a *fs.PathError for ENOENT", path, err)
		}
		if h.IsActive() {
			t.Errorf("active after the failed Start(%q)", path)
		}
	}
	hndDoClose(t, l, h)
}

// libuv: fs_event_no_callback_after_close
func TestFSEventNoCallbackAfterClose(t *testing.T) {
	l := newTestLoop(t)
	file, h := fseWatchedFile(t, l, "file1")
	closes := 0
	must(t, h.Close(func() { closes++ }))
	fseTouch(t, file)
	run(t, l, RunDefault)
	if closes != 1 {
		t.Errorf("close callback ran %d times, want 1", closes)
	}
}

// libuv: fs_event_no_callback_on_close
func TestFSEventNoCallbackOnClose(t *testing.T) {
	l := newTestLoop(t)
	_, h := fseWatchedFile(t, l, "file1")
	hndDoClose(t, l, h)
}

// libuv: fs_event_immediate_close
func TestFSEventImmediateClose(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	closes := 0
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(time.Millisecond, 0, func() {
		h, err := NewFSEvent(l)
		if err != nil {
			t.Error(err)
			return
		}
		hndCheck(t, h.Start(dir, 0, fseFail(t)))
		hndCheck(t, h.Close(func() { closes++ }))
		hndCheck(t, tm.Close(func() { closes++ }))
	}))
	run(t, l, RunDefault)
	if closes != 2 {
		t.Errorf("%d close callbacks, want 2", closes)
	}
}

// libuv: fs_event_close_with_pending_event
func TestFSEventCloseWithPendingEvent(t *testing.T) {
	l := newTestLoop(t)
	dir := fseDir(t)
	file := filepath.Join(dir, "file")
	fseCreate(t, file)
	h := fseNew(t, l, dir, fseFail(t))
	fseTouch(t, file) // an event now waits in the kernel's queue
	hndDoClose(t, l, h)
}

// libuv: fs_event_close_with_pending_delete_event
func TestFSEventCloseWithPendingDeleteEvent(t *testing.T) {
	l := newTestLoop(t)
	file, h := fseWatchedFile(t, l, "file")
	must(t, os.Remove(file)) // inotify queues the event as remove returns (libuv's test sleeps for Solaris)
	must(t, l.UpdateTime())
	hndDoClose(t, l, h)
}

// libuv: fs_event_close_in_callback
func TestFSEventCloseInCallback(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	dir := fseDir(t)
	files := fseNewFiles(t, l, dir)
	calls, closes := 0, 0
	var h *FSEvent
	h = fseNew(t, l, dir, func(name string, ev FSEventKind, err error) {
		hndCheck(t, err)
		if calls >= 3 {
			t.Errorf("callback %d after the close", calls+1)
		}
		if calls++; calls == 3 {
			hndCheck(t, h.Close(func() { closes++ }))
		}
	})
	must(t, files.timer.Start(fseStep, 0, files.create))
	run(t, l, RunDefault)
	must(t, files.timer.Close(func() { closes++ }))
	run(t, l, RunOnce)
	if closes != 2 || calls != 3 {
		t.Errorf("%d closes, %d callbacks; want 2, 3", closes, calls)
	}
}

// libuv: fs_event_start_and_close
func TestFSEventStartAndClose(t *testing.T) {
	l := newTestLoop(t)
	dir := fseDir(t)
	h1 := fseNew(t, l, dir, fseFail(t))
	h2 := fseNew(t, l, dir, fseFail(t))
	closes := 0
	must(t, h2.Close(func() { closes++ }))
	must(t, h1.Close(func() { closes++ }))
	run(t, l, RunDefault)
	if closes != 2 {
		t.Errorf("%d close callbacks, want 2", closes)
	}
}

// libuv: fs_event_getpath
func TestFSEventGetpath(t *testing.T) {
	t.Chdir(t.TempDir())
	must(t, os.MkdirAll("watch_dir/subfolder", 0o755))
	l := newTestLoop(t)
	for _, path := range []string{
		"watch_dir",
		"watch_dir/",
		"watch_dir///",
		"watch_dir/subfolder/..",
		"watch_dir//subfolder//..//",
	} {
		h, err := NewFSEvent(l)
		must(t, err)
		if p, err := h.Path(); err != EINVAL || p != "" {
			t.Errorf("Path before Start: %q, %v; want EINVAL", p, err)
		}
		must(t, h.Start(path, 0, fseFail(t)))
		if p, err := h.Path(); err != nil || p != path {
			t.Errorf("Path: %q, %v; want %q", p, err, path)
		}
		must(t, h.Stop())
		hndDoClose(t, l, h)
	}
}

// Path grows its buffer when libuv answers ENOBUFS.
func TestFSEventPathLong(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	for len(dir) < 1500 {
		dir = filepath.Join(dir, strings.Repeat("d", 100))
	}
	must(t, os.MkdirAll(dir, 0o755))
	h := fseNew(t, l, dir, fseFail(t))
	if p, err := h.Path(); err != nil || p != dir {
		t.Errorf("Path: %q, %v; want the %d-byte path", p, err, len(dir))
	}
	hndDoClose(t, l, h)
}

// libuv: fs_event_stop_in_cb
func TestFSEventStopInCb(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	file := filepath.Join(t.TempDir(), "fs_event_stop_in_cb.txt")
	fseCreate(t, file)
	calls, touches := 0, 0
	var h *FSEvent
	h = fseNew(t, l, file, func(string, FSEventKind, error) {
		hndCheck(t, h.Stop())
		calls++
	})
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(fseStep, 0, func() {
		hndCheck(t, tm.Close(nil))
		fseTouch(t, file)
		touches++
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if calls != 1 || touches != 1 {
		t.Errorf("%d callbacks, %d touches; want 1, 1", calls, touches)
	}
	must(t, h.Close(nil))
	if run(t, l, RunDefault) {
		t.Errorf("Run after the close reported the loop alive")
	}
	if calls != 1 {
		t.Errorf("%d callbacks after the close, want 1", calls)
	}
}

// libuv: fs_event_ref
func TestFSEventRef(t *testing.T) {
	l := newTestLoop(t)
	h := fseNew(t, l, t.TempDir(), fseFail(t))
	must(t, h.Unref())
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	hndDoClose(t, l, h)
}

// Bad input: a NUL byte in the path, a nil callback, Start twice, and every method of a
// closed handle.
func TestFSEventMisuse(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	h, err := NewFSEvent(l)
	must(t, err)
	if err := h.Start(dir+"\x00x", 0, fseFail(t)); err != ErrNUL {
		t.Errorf("Start with a NUL byte: %v, want ErrNUL", err)
	}
	if err := h.Start(dir, 0, nil); err != EINVAL {
		t.Errorf("Start with a nil callback: %v, want EINVAL", err)
	}
	if h.IsActive() {
		t.Errorf("active after the refused Starts")
	}
	if err := h.Stop(); err != nil {
		t.Errorf("Stop of a stopped handle: %v, want nil", err)
	}
	must(t, h.Start(dir, 0, fseFail(t)))
	if err := h.Start(dir, 0, fseFail(t)); !errors.Is(err, EINVAL) {
		t.Errorf("Start of a started handle: %v, want libuv's EINVAL", err)
	}
	if p, err := h.Path(); err != nil || p != dir {
		t.Errorf("Path after the second Start: %q, %v; want the first path", p, err)
	}
	hndDoClose(t, l, h)
	if err := h.Start(dir, 0, fseFail(t)); err != ErrClosed {
		t.Errorf("Start after Close: %v, want ErrClosed", err)
	}
	if err := h.Stop(); err != ErrClosed {
		t.Errorf("Stop after Close: %v, want ErrClosed", err)
	}
	if _, err := h.Path(); err != ErrClosed {
		t.Errorf("Path after Close: %v, want ErrClosed", err)
	}
	if h.Type() != HandleFSEvent || h.TypeName() != "fs_event" {
		t.Errorf("Type %v %q after Close, want fs_event", h.Type(), h.TypeName())
	}
	closed, err := NewLoop()
	must(t, err)
	must(t, closed.Close())
	if _, err := NewFSEvent(closed); err != ErrClosed {
		t.Errorf("NewFSEvent on a closed loop: %v, want ErrClosed", err)
	}
}

func TestFSEventKindString(t *testing.T) {
	for k, want := range map[FSEventKind]string{
		FSEventRename:                 "rename",
		FSEventChange:                 "change",
		FSEventRename | FSEventChange: "rename|change",
		FSEventChange | 8:             "change|8",
		0:                             "0",
	} {
		if got := k.String(); got != want {
			t.Errorf("FSEventKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// libuv: fs_event_watch_delete_dir
func TestFSEventWatchDeleteDir(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	dir := filepath.Join(t.TempDir(), "watch_del_dir")
	must(t, os.Mkdir(dir, 0o755))
	calls, closes := 0, 0
	var h *FSEvent
	h = fseNew(t, l, dir, func(name string, ev FSEventKind, err error) {
		calls++
		hndCheck(t, err)
		if ev != FSEventChange && ev != FSEventRename {
			t.Errorf("events %v, want change or rename", ev)
		}
		if name != "watch_del_dir" {
			t.Errorf("filename %q, want watch_del_dir", name)
		}
		hndCheck(t, h.Stop())
		hndCheck(t, h.Close(func() { closes++ }))
	})
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(10*time.Millisecond, 0, func() {
		hndCheck(t, os.Remove(dir))
		hndCheck(t, tm.Close(func() { closes++ }))
	}))
	run(t, l, RunDefault)
	if calls != 1 || closes != 2 {
		t.Errorf("%d callbacks, %d closes; want 1, 2", calls, closes)
	}
}
