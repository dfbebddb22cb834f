package uv

// #include "shim.h"
import "C"

import "unsafe"

// Check wraps uv_check_t: a callback once per loop iteration, right after the loop has polled
// for I/O. Its methods are loop-bound: call them on the goroutine running the loop, or while it
// is not running.
type Check struct {
	handle
	cb func()
}

// NewCheck wraps uv_check_init. Loop-bound; ErrClosed on a closed loop.
func NewCheck(l *Loop) (*Check, error) {
	h := &Check{}
	if err := h.open(l, h, HandleCheck); err != nil {
		return nil, err
	}
	if err := h.opened(C.uvg_check_new(cptr(unsafe.Pointer(l.ptr)), cptr(h.token))); err != nil {
		return nil, err
	}
	return h, nil
}

// Start wraps uv_check_start: cb runs on the loop in every iteration until Stop. Starting a
// started handle does nothing; a nil cb is libuv's EINVAL. Loop-bound; ErrClosed after Close.
func (h *Check) Start(cb func()) error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return started(C.uvg_check_start(h.loop.ptr, cptr(p), boolInt(cb != nil)), &h.cb, cb)
}

// Stop wraps uv_check_stop. Loop-bound; ErrClosed after Close.
func (h *Check) Stop() error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return status(C.uvg_check_stop(h.loop.ptr, p))
}
