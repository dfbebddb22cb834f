package uv

// #include "shim.h"
import "C"

import "unsafe"

// Prepare wraps uv_prepare_t: a callback once per loop iteration, right before the loop polls
// for I/O. Its methods are loop-bound: call them on the goroutine running the loop, or while it
// is not running.
type Prepare struct {
	handle
	cb func()
}

// NewPrepare wraps uv_prepare_init. Loop-bound; ErrClosed on a closed loop.
func NewPrepare(l *Loop) (*Prepare, error) {
	h := &Prepare{}
	if err := h.open(l, h, HandlePrepare); err != nil {
		return nil, err
	}
	if err := h.opened(C.uvg_prepare_new(cptr(unsafe.Pointer(l.ptr)), cptr(h.token))); err != nil {
		return nil, err
	}
	return h, nil
}

// Start wraps uv_prepare_start: cb runs on the loop in every iteration until Stop. Starting a
// started handle does nothing; a nil cb is libuv's EINVAL. Loop-bound; ErrClosed after Close.
func (h *Prepare) Start(cb func()) error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return started(C.uvg_prepare_start(h.loop.ptr, cptr(p), boolInt(cb != nil)), &h.cb, cb)
}

// Stop wraps uv_prepare_stop. Loop-bound; ErrClosed after Close.
func (h *Prepare) Stop() error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return status(C.uvg_prepare_stop(h.loop.ptr, p))
}

// started completes the Start of a prepare, check or idle handle with the C side's answer r
// (uvg_started): cb becomes the handle's callback *dst unless libuv refused the start, or
// ignored it because the handle was active (libuv keeps the first callback, and so does Go).
func started(r C.int, dst *func(), cb func()) error {
	if r == 1 {
		return nil
	}
	if err := status(r); err != nil {
		return err
	}
	*dst = cb
	return nil
}
