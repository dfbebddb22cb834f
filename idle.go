package uv

// #include "shim.h"
import "C"

import "unsafe"

// Idle wraps uv_idle_t: a callback once per loop iteration, before prepare handles. While an
// idle handle is active the loop polls with a zero timeout instead of blocking. Its methods are
// loop-bound: call them on the goroutine running the loop, or while it is not running.
type Idle struct {
	handle
	cb func()
}

// NewIdle wraps uv_idle_init. Loop-bound; ErrClosed on a closed loop.
func NewIdle(l *Loop) (*Idle, error) {
	h := &Idle{}
	if err := h.open(l, h, HandleIdle); err != nil {
		return nil, err
	}
	if err := h.opened(C.uvg_idle_new(cptr(unsafe.Pointer(l.ptr)), cptr(h.token))); err != nil {
		return nil, err
	}
	return h, nil
}

// Start wraps uv_idle_start: cb runs on the loop in every iteration until Stop. Starting a
// started handle does nothing; a nil cb is libuv's EINVAL. Loop-bound; ErrClosed after Close.
func (h *Idle) Start(cb func()) error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return started(C.uvg_idle_start(h.loop.ptr, cptr(p), boolInt(cb != nil)), &h.cb, cb)
}

// Stop wraps uv_idle_stop. Loop-bound; ErrClosed after Close.
func (h *Idle) Stop() error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return status(C.uvg_idle_stop(h.loop.ptr, p))
}
