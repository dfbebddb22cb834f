package uv

// #include "shim.h"
import "C"

import "sync"

// Async wraps uv_async_t: wakes the loop from any goroutine and runs a callback on it. Send is
// safe for concurrent use; the other methods are loop-bound.
type Async struct {
	handle
	cb func()
	mu sync.RWMutex // Send holds it for reading; Close for writing, so no Send outlives the memory
}

// NewAsync wraps uv_async_init. cb runs on the loop after one or more Sends; it may be nil, as
// libuv allows. Unlike the other handles, an Async is active from its creation.
func NewAsync(l *Loop, cb func()) (*Async, error) {
	a := &Async{cb: cb}
	if err := a.open(l, a, HandleAsync); err != nil {
		return nil, err
	}
	if err := a.opened(C.uvg_async_new(l.ptr, a.token, boolInt(cb != nil))); err != nil {
		return nil, err
	}
	return a, nil
}

// Send wraps uv_async_send: the callback will run on the loop. libuv coalesces: several Sends
// before the callback runs give one call. ErrClosed from Close on. Safe for concurrent use.
func (a *Async) Send() error {
	a.mu.RLock()
	defer a.mu.RUnlock()
	p, err := a.live()
	if err != nil {
		return err
	}
	return status(C.uv_async_send((*C.uv_async_t)(p)))
}

// Close wraps uv_close; it waits for Sends in progress on other goroutines. Loop-bound.
func (a *Async) Close(cb func()) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.handle.Close(cb)
}
