package uv

// #include "shim_fs_event.h"
import "C"

import (
	"io/fs"
	"strconv"
	"strings"
	"unsafe"
)

// FSEventKind is the events argument of an FSEvent callback (uv_fs_event): a set of
// FSEventRename and FSEventChange.
type FSEventKind int

// The events of an FSEvent callback.
const (
	// FSEventRename (UV_RENAME): an entry was created, deleted or renamed.
	FSEventRename FSEventKind = C.UV_RENAME
	// FSEventChange (UV_CHANGE): an entry's content or attributes changed.
	FSEventChange FSEventKind = C.UV_CHANGE
)

// String names the events: "rename", "change", "rename|change", or the number for other bits.
// Safe for concurrent use.
func (k FSEventKind) String() string {
	var names []string
	if k&FSEventRename != 0 {
		names = append(names, "rename")
	}
	if k&FSEventChange != 0 {
		names = append(names, "change")
	}
	if rest := k &^ (FSEventRename | FSEventChange); rest != 0 || len(names) == 0 {
		names = append(names, strconv.Itoa(int(rest)))
	}
	return strings.Join(names, "|")
}

// FSEventFlags are the flags of FSEvent.Start (uv_fs_event_flags), or-ed together.
type FSEventFlags int

// The flags of FSEvent.Start. On Linux (inotify) libuv ignores all three.
const (
	// FSEventWatchEntry (UV_FS_EVENT_WATCH_ENTRY): on a directory, watch the directory entry
	// itself instead of its content (platforms other than Linux).
	FSEventWatchEntry FSEventFlags = C.UV_FS_EVENT_WATCH_ENTRY
	// FSEventStat (UV_FS_EVENT_STAT): use stat polling where the kernel has no event
	// interface.
	FSEventStat FSEventFlags = C.UV_FS_EVENT_STAT
	// FSEventRecursive (UV_FS_EVENT_RECURSIVE): also watch subdirectories; libuv 1.44 does it
	// on macOS and Windows only.
	FSEventRecursive FSEventFlags = C.UV_FS_EVENT_RECURSIVE
)

// FSEvent wraps uv_fs_event_t: callbacks when a file or directory changes, from the kernel's
// notification interface (inotify on Linux). Its methods are loop-bound: call them on the
// goroutine running the loop, or while it is not running.
type FSEvent struct {
	handle
	cb func(string, FSEventKind, error)
}

// NewFSEvent wraps uv_fs_event_init. The handle is inactive until Start. Loop-bound.
func NewFSEvent(l *Loop) (*FSEvent, error) {
	h := &FSEvent{}
	if err := h.open(l, h, HandleFSEvent); err != nil {
		return nil, err
	}
	if err := h.opened(C.uvg_fs_event_new(l.ptr, h.token)); err != nil {
		return nil, err
	}
	return h, nil
}

// Start wraps uv_fs_event_start: watches path and calls cb on the loop for each event. For a
// watched directory, filename is the name of the entry that changed inside it; for a watched
// file, the file's base name; "" when libuv has no name. events is FSEventRename,
// FSEventChange or both; err is libuv's status (nil, or an error of the watch). The kernel
// may merge events: one callback can stand for several changes.
//
// libuv refuses to start a started handle (EINVAL). A path libuv cannot watch (it does not
// exist, ...) leaves the handle inactive. Errors from libuv are *fs.PathError wrapping the
// Errno; a path holding a NUL byte is ErrNUL; a nil cb is EINVAL (libuv would call it).
// Loop-bound.
func (h *FSEvent) Start(path string, flags FSEventFlags, cb func(filename string, events FSEventKind, err error)) error {
	cflags, err := cuint(flags)
	if err != nil {
		return err
	}
	p, err := h.live()
	if err != nil {
		return err
	}
	if cb == nil {
		return EINVAL
	}
	cpath, err := cString(path)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cpath))
	if err := status(C.uvg_fs_event_start(h.loop.ptr, p, cpath, cflags)); err != nil {
		return pathError("fs_event_start", path, err)
	}
	h.cb = cb
	return nil
}

// Stop wraps uv_fs_event_stop: no callback runs after it, until the next Start. Loop-bound.
func (h *FSEvent) Stop() error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return status(C.uvg_fs_event_stop(h.loop.ptr, p))
}

// Path wraps uv_fs_event_getpath: the path given to Start, as given. libuv answers EINVAL
// while the handle is not started. Loop-bound.
func (h *FSEvent) Path() (string, error) {
	p, err := h.live()
	if err != nil {
		return "", err
	}
	return handlePath(func(buf *C.char, n *C.size_t) C.int { return C.uvg_fs_event_getpath(h.loop.ptr, p, buf, n) })
}

// handlePath calls a uv_*_getpath function, growing the buffer as long as it answers ENOBUFS
// (with the size it needs).
func handlePath(get func(buf *C.char, n *C.size_t) C.int) (string, error) {
	buf := make([]byte, 256)
	for {
		n := C.size_t(len(buf))
		switch r := get((*C.char)(unsafe.Pointer(&buf[0])), &n); {
		case r == C.UV_ENOBUFS && int(n) > len(buf):
			buf = make([]byte, n)
		case r != 0:
			return "", status(r)
		default:
			return string(buf[:n]), nil
		}
	}
}

// pathError wraps a libuv error of an operation on path; misuse errors of the binding
// (ErrWrongThread) are returned as they are.
func pathError(op, path string, err error) error {
	if _, ok := err.(Errno); !ok {
		return err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// fsEvent is the fs event callback's Go side.
func (h *FSEvent) fsEvent(filename *C.char, events, st C.int) {
	name := ""
	if filename != nil {
		name = C.GoString(filename)
	}
	h.cb(name, FSEventKind(events), status(st))
}
