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
	// mem is the C handle from NewAsync until the Async is garbage: its memory is freed by a
	// cleanup (runtime.AddCleanup), not by the close callback, so that Send may read its pending
	// flag from any goroutine with two loads and no guard.
	mem unsafe.Pointer
	// sending counts the Sends that call into C, plus asyncClosed from Close on: Close sets the
	// bit, then waits for the count to drain, so no uv_async_send runs on a closed handle (it
	// would write to the loop's wake-up descriptor, which Loop.Close closes).
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
	a.mem = a.ptr
	runtime.AddCleanup(a, freeC, a.mem)
	return a, nil
}

// Send wraps uv_async_send: the callback will run on the loop. libuv coalesces: several Sends
// before the callback runs give one call. While a wake-up is pending, Send returns without
// calling into C, after the check uv_async_send makes first (an atomic read of the handle's
// pending flag), and with no atomic write: two loads in all. ErrClosed from Close on. Safe for
// concurrent use.
func (a *Async) Send() error {
	if a.closing.Load() {
		return ErrClosed
	}
	// libuv's own first step: while a wake-up is pending, uv_async_send returns 0 at once. The
	// flag is read here as libuv reads it (atomically), without the call into C. The memory is
	// the Async's until it is garbage (mem), even after Close.
	if atomic.LoadInt32((*int32)(unsafe.Add(a.mem, C.UVG_ASYNC_PENDING))) != 0 {
		return nil
	}
	return a.send()
}

// send is Send's call into C, guarded against a concurrent Close (sending).
func (a *Async) send() error {
	if a.sending.Add(1)&asyncClosed != 0 {
		a.sending.Add(-1)
		return ErrClosed
	}
	r := C.uvg_async_send(cptr(a.mem))
	a.sending.Add(-1)
	return status(r)
}

// Close wraps uv_close; it waits for the Sends on other goroutines that are calling into C.
// The C handle's memory is freed once the Async is garbage, not in the close callback.
// Loop-bound.
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
