package uv

// #include "shim.h"
import "C"

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Async wraps uv_async_t: wakes the loop from any goroutine and runs a callback on it. Send is
// safe for concurrent use; the other methods are loop-bound.
type Async struct {
	handle
	cb func()
	// sending counts the Sends in progress, plus asyncClosed from Close on: Close sets the bit,
	// then waits for the count to drain, so no Send reads the C handle after its memory is freed.
	sending atomic.Int64
}

const asyncClosed = 1 << 62

// NewAsync wraps uv_async_init. cb runs on the loop after one or more Sends; it may be nil, as
// libuv allows. Unlike the other handles, an Async is active from its creation.
// Loop-bound; ErrClosed on a closed loop.
func NewAsync(l *Loop, cb func()) (*Async, error) {
	a := &Async{cb: cb}
	if err := a.open(l, a, HandleAsync); err != nil {
		return nil, err
	}
	if err := a.opened(C.uvg_async_new(cptr(unsafe.Pointer(l.ptr)), cptr(a.token), boolInt(cb != nil))); err != nil {
		return nil, err
	}
	return a, nil
}

// Send wraps uv_async_send: the callback will run on the loop. libuv coalesces: several Sends
// before the callback runs give one call. While a wake-up is pending, Send returns without
// calling into C, after the check uv_async_send makes first (an atomic read of the handle's
// pending flag). ErrClosed from Close on. Safe for concurrent use.
func (a *Async) Send() error {
	if a.sending.Add(1)&asyncClosed != 0 {
		a.sending.Add(-1)
		return ErrClosed
	}
	// libuv's own first step: while a wake-up is pending, uv_async_send returns 0 at once. The
	// flag is read here as libuv reads it (atomically), without the call into C.
	if atomic.LoadInt32((*int32)(unsafe.Add(a.ptr, C.UVG_ASYNC_PENDING))) != 0 {
		a.sending.Add(-1)
		return nil
	}
	r := C.uvg_async_send(cptr(a.ptr))
	a.sending.Add(-1)
	return status(r)
}

// Close wraps uv_close; it waits for Sends in progress on other goroutines. Loop-bound.
func (a *Async) Close(cb func()) error {
	if _, err := a.live(); err != nil {
		return err
	}
	for n := a.sending.Or(asyncClosed) &^ asyncClosed; n != 0; n = a.sending.Load() &^ asyncClosed {
		runtime.Gosched() // a Send is in its C call, or about to see the bit
	}
	if err := a.handle.Close(cb); err != nil {
		a.sending.And(^asyncClosed) // still open: Sends go on
		return err
	}
	return nil
}
