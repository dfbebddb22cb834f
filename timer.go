package uv

// #include "shim.h"
import "C"

import (
	"time"
	"unsafe"
)

// Timer wraps uv_timer_t: a callback after a timeout, optionally repeated. Its methods are
// loop-bound: call them on the goroutine running the loop, or while it is not running.
type Timer struct {
	handle
	cb func()
}

// NewTimer wraps uv_timer_init. Loop-bound; ErrClosed on a closed loop.
func NewTimer(l *Loop) (*Timer, error) {
	t := &Timer{}
	if err := t.open(l, t, HandleTimer); err != nil {
		return nil, err
	}
	if err := t.opened(C.uvg_timer_new(cptr(unsafe.Pointer(l.ptr)), cptr(t.token))); err != nil {
		return nil, err
	}
	return t, nil
}

// StartTimer is a binding addition: NewTimer and Start in one C call (uv_timer_init, then
// uv_timer_start with timeout, repeat and cb, as Start documents them). On failure nothing is
// left: a nil cb is libuv's EINVAL, a negative duration ErrNegative, ErrClosed on a closed
// loop. Loop-bound.
func StartTimer(l *Loop, timeout, repeat time.Duration, cb func()) (*Timer, error) {
	if l == nil || l.ptr == nil {
		return nil, ErrClosed
	}
	if cb == nil {
		return nil, EINVAL // what uv_timer_start answers
	}
	if timeout < 0 || repeat < 0 {
		return nil, ErrNegative
	}
	t := &Timer{cb: cb}
	if err := t.open(l, t, HandleTimer); err != nil {
		return nil, err
	}
	r := C.uvg_timer_new_start(cptr(unsafe.Pointer(l.ptr)), cptr(t.token), millis(timeout), millis(repeat))
	if err := t.opened(r); err != nil {
		return nil, err
	}
	return t, nil
}

// Start wraps uv_timer_start: cb runs on the loop after timeout, then every repeat when repeat
// is not 0. libuv counts whole milliseconds: both durations are rounded up to the next
// millisecond. The timeout counts from the loop's cached time (uv_now, Loop.Now), which libuv
// updates once per iteration, not from the wall clock: a timer started after 100 ms of work in
// a callback counts from before that work, and fires at the next iteration, unless
// Loop.UpdateTime is called before Start. Starting a started timer restarts it. A nil cb is
// libuv's EINVAL; a negative duration is ErrNegative.
func (t *Timer) Start(timeout, repeat time.Duration, cb func()) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	if timeout < 0 || repeat < 0 {
		return ErrNegative
	}
	if err := status(C.uvg_timer_start(t.loop.ptr, cptr(p), boolInt(cb != nil), millis(timeout), millis(repeat))); err != nil {
		return err
	}
	t.cb = cb
	return nil
}

// TimerStartOneshot is a binding addition: a timer without a Go object, for the common
// "call cb once after timeout" (Node's setTimeout). In one C call it allocates a uv_timer_t,
// runs uv_timer_init and uv_timer_start with repeat 0; when the timer fires, the binding closes
// it (uv_close, its memory freed in C without a Go callback) and then calls cb, at the place in
// the loop's timer phase where a Timer's callback would run. timeout is rounded up to the
// millisecond and counts from the loop's cached time, as in Timer.Start. There is no handle to
// stop it: use a Timer to stop or restart one. Until it fires the timer is an active, referenced
// handle: it keeps Run going and Loop.Close answers EBUSY; Loop.Walk does not show it, and
// Loop.CloseAll closes it without calling cb. A nil cb is EINVAL, a negative timeout
// ErrNegative; ErrClosed on a closed loop. Loop-bound.
func TimerStartOneshot(l *Loop, timeout time.Duration, cb func()) error {
	if l == nil || l.ptr == nil {
		return ErrClosed
	}
	if cb == nil {
		return EINVAL
	}
	if timeout < 0 {
		return ErrNegative
	}
	token := saveToken(cb) // a func is pointer-shaped: no allocation
	l.traceNew(oneshot(token))
	r := C.uvg_timer_oneshot(cptr(unsafe.Pointer(l.ptr)), cptr(l.post.token), cptr(token), millis(timeout))
	if r != 0 {
		releaseToken(token)
		return status(r)
	}
	return nil
}

// Stop wraps uv_timer_stop. Loop-bound; ErrClosed after Close.
func (t *Timer) Stop() error {
	p, err := t.live()
	if err != nil {
		return err
	}
	return status(C.uvg_timer_stop(t.loop.ptr, p))
}

// Again wraps uv_timer_again: restarts a repeating timer with its repeat as timeout; libuv's
// EINVAL when the timer was never started. Loop-bound; ErrClosed after Close.
func (t *Timer) Again() error {
	p, err := t.live()
	if err != nil {
		return err
	}
	return status(C.uvg_timer_again(t.loop.ptr, p))
}

// SetRepeat wraps uv_timer_set_repeat (rounded up to the millisecond); it takes effect at the
// next expiry. Loop-bound; ErrClosed after Close.
func (t *Timer) SetRepeat(repeat time.Duration) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	if repeat < 0 {
		return ErrNegative
	}
	return status(C.uvg_timer_set_repeat(t.loop.ptr, p, millis(repeat)))
}

// Repeat wraps uv_timer_get_repeat; 0 once the timer is closed. Loop-bound.
func (t *Timer) Repeat() time.Duration {
	t.loop.assertOwner()
	if t.ptr == nil {
		return 0
	}
	return fromMillis(C.uv_timer_get_repeat((*C.uv_timer_t)(t.ptr)))
}

// DueIn wraps uv_timer_get_due_in: the time until the timer's timeout, measured from the loop's
// cached time (0 once passed). libuv answers from the last timeout set, even when the timer is
// stopped; 0 once the timer is closed. Loop-bound.
func (t *Timer) DueIn() time.Duration {
	t.loop.assertOwner()
	if t.ptr == nil {
		return 0
	}
	return fromMillis(C.uv_timer_get_due_in((*C.uv_timer_t)(t.ptr)))
}

// millis converts a non-negative duration to libuv's milliseconds, rounding up.
func millis(d time.Duration) C.uint64_t {
	ms := d / time.Millisecond
	if d%time.Millisecond != 0 {
		ms++
	}
	return C.uint64_t(ms)
}

// fromMillis converts libuv's milliseconds to a duration, saturating at the largest one.
func fromMillis(ms C.uint64_t) time.Duration {
	const max = uint64(1<<63-1) / uint64(time.Millisecond)
	if uint64(ms) > max {
		return 1<<63 - 1
	}
	return time.Duration(ms) * time.Millisecond
}
