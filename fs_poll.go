package uv

// #include "shim_fs_poll.h"
import "C"

import (
	"math"
	"time"
	"unsafe"
)

// FSPoll wraps uv_fs_poll_t: watches a path by calling stat on it at an interval (on libuv's
// thread pool), for file systems where the kernel sends no events. Its methods are loop-bound:
// call them on the goroutine running the loop, or while it is not running.
type FSPoll struct {
	handle
	cb func(prev, curr *Stat, err error)
}

// NewFSPoll wraps uv_fs_poll_init. The handle is inactive until Start. Loop-bound.
func NewFSPoll(l *Loop) (*FSPoll, error) {
	h := &FSPoll{}
	if err := h.open(l, h, HandleFSPoll); err != nil {
		return nil, err
	}
	if err := h.opened(C.uvg_fs_poll_new(l.ptr, h.token)); err != nil {
		return nil, err
	}
	return h, nil
}

// Start wraps uv_fs_poll_start: stats path now, then every interval, and calls cb on the loop
// when the result differs from the previous one. prev and curr are the previous and the new
// stat results (all zero when there was none, or the stat failed); they are valid only during
// the callback. err is the stat's error (an Errno, such as ENOENT when path does not exist);
// libuv reports an error once, when it first occurs or changes, and curr is then zero.
//
// libuv counts whole milliseconds in an unsigned int: interval is rounded up to the next
// millisecond; an interval longer than that counts is EINVAL, a negative one ErrNegative.
// Starting a started handle does nothing and keeps the first path and callback (libuv's
// behaviour). Errors from libuv are *fs.PathError wrapping the Errno; a path holding a NUL
// byte is ErrNUL; a nil cb is EINVAL (libuv would call it). Loop-bound.
func (h *FSPoll) Start(path string, interval time.Duration, cb func(prev, curr *Stat, err error)) error {
	p, err := h.live()
	if err != nil {
		return err
	}
	switch ms := millis(interval); {
	case interval < 0:
		return ErrNegative
	case ms > math.MaxUint32:
		return EINVAL
	case cb == nil:
		return EINVAL
	}
	cpath, err := cString(path)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cpath))
	if err := pinOwner(h.loop); err != nil {
		return err // before IsActive, a getter, which panics from another goroutine
	}
	active := h.IsActive()
	poolInit() // libuv stats the path on its threadpool: start it as the binding does (fs.go)
	if err := status(C.uvg_fs_poll_start(h.loop.ptr, p, cpath, C.uint(millis(interval)))); err != nil {
		return pathError("fs_poll_start", path, err)
	}
	if !active {
		h.cb = cb
	}
	return nil
}

// Stop wraps uv_fs_poll_stop: no callback runs after it, until the next Start. Loop-bound.
func (h *FSPoll) Stop() error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return status(C.uvg_fs_poll_stop(h.loop.ptr, p))
}

// Path wraps uv_fs_poll_getpath: the path given to Start, as given. libuv answers EINVAL while
// the handle is not started. Loop-bound.
func (h *FSPoll) Path() (string, error) {
	p, err := h.live()
	if err != nil {
		return "", err
	}
	return handlePath(func(buf *C.char, n *C.size_t) C.int { return C.uvg_fs_poll_getpath(h.loop.ptr, p, buf, n) })
}

// fsPoll is the fs poll callback's Go side.
func (h *FSPoll) fsPoll(st C.int, prev, curr *C.uv_stat_t) {
	p, c := statOf(prev), statOf(curr)
	h.cb(&p, &c, status(st))
}
