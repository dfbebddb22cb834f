package uv

// #include "shim.h"
import "C"

import (
	"context"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// RunMode wraps uv_run_mode.
type RunMode int

// The modes of Run.
const (
	// RunDefault runs until no active and referenced handles or requests remain, or Stop.
	RunDefault RunMode = C.UV_RUN_DEFAULT
	// RunOnce polls for I/O once, blocking when nothing is pending.
	RunOnce RunMode = C.UV_RUN_ONCE
	// RunNoWait polls for I/O once without blocking.
	RunNoWait RunMode = C.UV_RUN_NOWAIT
)

// LoopOption wraps uv_loop_option.
type LoopOption int

// The options of Configure.
const (
	// LoopBlockSignal blocks a signal while polling; libuv accepts only SIGPROF.
	LoopBlockSignal LoopOption = C.UV_LOOP_BLOCK_SIGNAL
	// MetricsIdleTime makes the loop account the time it spends idle in the poller.
	MetricsIdleTime LoopOption = C.UV_METRICS_IDLE_TIME
	// LoopUseIOUringSQPoll (libuv 1.49) lets the loop run file system operations on an io_uring
	// ring polled by a kernel thread (SQPOLL) instead of the threadpool. libuv creates the ring
	// only on kernels 5.10.186 or newer and as the environment variable UV_USE_IO_URING allows
	// (read once per process; from 1.50 it must be a positive number); otherwise the operations
	// stay on the threadpool. Configure answers ENOSYS when the headers the binding was built
	// with or the library loaded are older than 1.49.
	LoopUseIOUringSQPoll LoopOption = C.UVG_LOOP_USE_IO_URING_SQPOLL
)

// Loop wraps uv_loop_t. A loop is not safe for concurrent use: call its methods on the goroutine
// running it (inside callbacks) or from any one goroutine while it is not running, except Post,
// which any goroutine may call.
type Loop struct {
	ptr       *C.uv_loop_t
	isDefault bool
	running   atomic.Bool
	walkFn    func(Handle)
	trace     *tracer // SetTrace's recorder (trace.go); nil when off

	// The first panic recovered from a callback since Run started; Run re-panics with it.
	panicked     bool
	panicVal     any
	panicStk     []byte
	panicHandler func(value any, stack []byte)

	// Post's queue, drained by the async handle post, which is referenced only while
	// functions wait in the queue or holds are outstanding (see Hold).
	post    *Async
	postMu  sync.Mutex
	postQ   []func()
	postRun []func()
	holds   int  // under postMu: the Holds not yet released
	closed  bool // under postMu: Post answers ErrClosed
}

var defaultLoop struct {
	sync.Mutex
	l *Loop
}

// NewLoop wraps uv_loop_init: a new loop in C memory. Close it with Close or CloseAll.
// Safe for concurrent use.
func NewLoop() (*Loop, error) {
	return newLoop(C.uvg_loop_new(), false)
}

// DefaultLoop wraps uv_default_loop: the process's default loop, initialized anew after it was
// closed. Safe for concurrent use; the loop itself is not.
func DefaultLoop() (*Loop, error) {
	defaultLoop.Lock()
	defer defaultLoop.Unlock()
	if defaultLoop.l != nil && !defaultLoop.l.isClosed() {
		return defaultLoop.l, nil
	}
	l, err := newLoop(C.uvg_default_loop(), true)
	if err == nil {
		defaultLoop.l = l
	}
	return l, err
}

func newLoop(r C.uvg_new_t, isDefault bool) (*Loop, error) {
	libuvHolds.Store(true)
	if err := status(r.err); err != nil {
		return nil, err
	}
	l := &Loop{ptr: (*C.uv_loop_t)(r.ptr), isDefault: isDefault}
	post, err := NewAsync(l, l.runPosted)
	if err != nil {
		C.uvg_loop_close(l.ptr, boolInt(isDefault))
		return nil, err
	}
	post.Unref()
	l.post = post
	return l, nil
}

// Run wraps uv_run. It returns whether handles or requests are still alive (uv_run's non-zero
// answer). It returns ErrRunning when the loop already runs (libuv forbids re-entrance) and
// ErrClosed on a closed loop. When a callback panicked, Run re-panics with the panic's value
// after uv_run has returned; the loop can then be run again and closed.
func (l *Loop) Run(mode RunMode) (bool, error) {
	if l.ptr == nil {
		return false, ErrClosed
	}
	if !l.running.CompareAndSwap(false, true) {
		return false, ErrRunning
	}
	l.postMu.Lock()
	if len(l.postQ) > 0 {
		l.post.Ref() // functions posted while the loop was not running keep it alive
	}
	l.postMu.Unlock()
	alive := C.uvg_run(l.ptr, C.uv_run_mode(mode)) != 0
	l.drainClosed()
	l.running.Store(false)
	l.repanic()
	return alive, nil
}

// Stop wraps uv_stop: Run returns after the current iteration. Call it from the loop's
// callbacks or hand it over with Post.
func (l *Loop) Stop() error {
	if l.ptr == nil {
		return ErrClosed
	}
	return status(C.uvg_stop(l.ptr))
}

// Alive wraps uv_loop_alive: whether the loop has active and referenced handles, active
// requests or closing handles. Loop-bound.
func (l *Loop) Alive() bool {
	l.assertOwner()
	return l.ptr != nil && C.uv_loop_alive(l.ptr) != 0
}

// Close wraps uv_loop_close. It answers libuv's EBUSY while handles (closing ones included)
// or requests remain, and also while functions handed to Post wait to run (run the loop once
// more) or Holds are not released yet (release them, then run the loop once more); the loop
// stays usable then. ErrRunning while the loop runs; ErrClosed the second time.
// Call it from the goroutine that owns the loop.
func (l *Loop) Close() error {
	if l.ptr == nil {
		return ErrClosed
	}
	if l.running.Load() {
		return ErrRunning
	}
	l.drainClosed()
	l.postMu.Lock()
	busy := len(l.postQ) > 0 || l.holds > 0 || C.uvg_loop_busy(l.ptr, l.post.ptr) != 0
	l.closed = !busy
	l.postMu.Unlock()
	if busy {
		return EBUSY
	}
	if err := l.post.Close(nil); err != nil {
		return err
	}
	C.uvg_run(l.ptr, C.UV_RUN_NOWAIT) // runs the post handle's close callback
	l.drainClosed()
	if err := status(C.uvg_loop_close(l.ptr, boolInt(l.isDefault))); err != nil {
		return err
	}
	l.ptr, l.post = nil, nil
	return nil
}

// CloseAll closes every handle of the loop that is not closing yet, runs the loop until their
// close callbacks and every pending request have completed (and until the outstanding Holds
// are released), then closes the loop: the clean-up libuv leaves to its user. Call it from the goroutine that owns the loop, not while it runs.
func (l *Loop) CloseAll() error {
	if l.running.Load() {
		return ErrRunning
	}
	err := l.Walk(func(h Handle) {
		if !h.IsClosing() {
			h.Close(nil)
		}
	})
	if err != nil {
		return err
	}
	C.uvg_oneshot_close_all(l.ptr) // the timers of TimerStartOneshot, which Walk does not show
	for alive := true; alive; {
		if alive, err = l.Run(RunDefault); err != nil {
			return err
		}
	}
	return l.Close()
}

// Now wraps uv_now: the loop's cached time since an arbitrary point, in whole milliseconds as
// libuv counts, updated at the start of each iteration (and by UpdateTime); timers count from
// it. 0 on a closed loop. Loop-bound.
func (l *Loop) Now() time.Duration {
	l.assertOwner()
	if l.ptr == nil {
		return 0
	}
	return fromMillis(C.uv_now(l.ptr))
}

// UpdateTime wraps uv_update_time. Loop-bound.
func (l *Loop) UpdateTime() error {
	if l.ptr == nil {
		return ErrClosed
	}
	return status(C.uvg_update_time(l.ptr))
}

// BackendFd wraps uv_backend_fd: the epoll (kqueue, ...) descriptor, for embedding the loop in
// another one; -1 on a closed loop. Loop-bound.
func (l *Loop) BackendFd() int {
	l.assertOwner()
	if l.ptr == nil {
		return -1
	}
	return int(C.uv_backend_fd(l.ptr))
}

// BackendTimeout wraps uv_backend_timeout: how long the next poll may block, rounded to
// milliseconds as libuv counts; negative when it may block without end. libuv computes it from
// the loop's cached time: on a loop that has not run yet, libuv 1.44 answers 0. Loop-bound.
func (l *Loop) BackendTimeout() time.Duration {
	l.assertOwner()
	if l.ptr == nil {
		return 0
	}
	return time.Duration(C.uv_backend_timeout(l.ptr)) * time.Millisecond
}

// Configure wraps uv_loop_configure. LoopBlockSignal takes the signal number as its argument;
// MetricsIdleTime and LoopUseIOUringSQPoll take none. Loop-bound.
func (l *Loop) Configure(opt LoopOption, args ...int) error {
	if l.ptr == nil {
		return ErrClosed
	}
	arg := 0
	if len(args) > 0 {
		arg = args[0]
	}
	carg, err := cint(arg)
	if err != nil {
		return err
	}
	return status(C.uvg_loop_configure(l.ptr, C.uv_loop_option(opt), carg))
}

// Walk wraps uv_walk: fn is called with every handle of the loop, closing ones included (but
// not the binding's own). fn may close handles. Loop-bound.
func (l *Loop) Walk(fn func(Handle)) error {
	if l.ptr == nil {
		return ErrClosed
	}
	prev := l.walkFn
	l.walkFn = fn
	err := status(C.uvg_walk(l.ptr))
	l.walkFn = prev
	if !l.running.Load() {
		l.repanic()
	}
	return err
}

// wrongThreadPanic is the panic of a loop-bound call from the wrong thread: in every build for
// the calls without an error result, with the uvdebug tag for all.
const wrongThreadPanic = "uv: loop used from a goroutine other than the one running it; " +
	"call it from the loop's callbacks, or hand it over with Loop.Post"

// assertOwner panics when a goroutine other than the one running l calls a loop-bound method
// that has no error result to answer ErrWrongThread with (a programming error, like a
// concurrent map write). It reads only the loop's state, never a handle's.
func (l *Loop) assertOwner() {
	if l.running.Load() && C.uvg_owner(l.ptr) == 0 {
		panic(wrongThreadPanic)
	}
}

// isClosed reports whether Close has succeeded. Safe for concurrent use.
func (l *Loop) isClosed() bool {
	l.postMu.Lock()
	defer l.postMu.Unlock()
	return l.closed
}

// walked is called by the walk trampoline for every handle.
func (l *Loop) walked(h Handle) {
	if h != Handle(l.post) {
		l.walkFn(h)
	}
}

// Fork wraps uv_loop_fork, which reinitializes kernel state in a child process after fork(2).
// A Go program cannot fork without exec, so there is no child in which to call it: calling it
// in the parent reinitializes the parent's loop, which libuv allows but has no use.
// Loop-bound.
func (l *Loop) Fork() error {
	if l.ptr == nil {
		return ErrClosed
	}
	return status(C.uvg_loop_fork(l.ptr))
}

// Post queues fn to run on the loop, in the order of the calls made by each goroutine; it wakes
// the loop through the binding's own async handle. That handle is unreferenced, so Post does
// not keep the loop alive: when nothing else does, Run may return before a function posted
// meanwhile has run. Such a function runs during the next Run (which then stays alive for it),
// and Close answers EBUSY until it has. To keep Run going while goroutines work, take a Hold
// for each piece of work and let it post the result (Hold.Post). Post returns ErrClosed once
// the loop is closed. Safe for concurrent use.
func (l *Loop) Post(fn func()) error {
	l.postMu.Lock()
	defer l.postMu.Unlock()
	if l.closed {
		return ErrClosed
	}
	l.postQ = append(l.postQ, fn)
	if len(l.postQ) == 1 {
		return l.post.Send()
	}
	return nil
}

// runPosted is the post handle's callback: it runs what Post queued, each function under its
// own recover; after a panic (without a panic handler) the functions not run yet stay queued.
func (l *Loop) runPosted() {
	l.postMu.Lock()
	run := l.postQ
	l.postQ, l.postRun = l.postRun[:0], nil
	l.postMu.Unlock()
	for i, fn := range run {
		if l.halted() { // the rest stays queued, first, for the next Run
			l.postMu.Lock()
			l.postQ = append(append([]func(){}, run[i:]...), l.postQ...)
			l.postMu.Unlock()
			clear(run[i:])
			l.post.Send()
			break
		}
		l.call(fn)
		run[i] = nil
	}
	l.postMu.Lock()
	if l.postRun == nil {
		l.postRun = run[:0]
	}
	more := len(l.postQ) > 0 || l.holds > 0
	l.postMu.Unlock()
	if more {
		l.post.Ref() // posted while these ran, or holds outstanding: this Run goes on for them
	} else {
		l.post.Unref()
	}
}

// Hold keeps a loop's Run going while a goroutine works for it: Run does not return while a
// Hold is outstanding, and returns (when nothing else keeps the loop alive) once the last one is
// released, with Post or Release.
type Hold struct {
	l        *Loop
	released bool // under l.postMu
}

// Hold keeps l's Run going until the hold is released: it references the binding's async
// handle that runs what Post queues, until the last Hold is released. Take it on the loop (in a
// callback) or before Run, then hand it to the goroutine doing the work, which releases it
// with Post (handing its result to the loop) or Release. Close answers EBUSY while a Hold is
// outstanding. ErrClosed on a closed loop. Loop-bound.
func (l *Loop) Hold() (*Hold, error) {
	if l.ptr == nil {
		return nil, ErrClosed
	}
	if err := l.post.Ref(); err != nil { // checks the thread, as every loop-bound call
		return nil, err
	}
	l.postMu.Lock()
	l.holds++
	l.postMu.Unlock()
	return &Hold{l: l}, nil
}

// Post queues fn on the loop (as Loop.Post) and releases the hold in the same step, so Run
// cannot return between the two: fn runs in this Run. A second Post or Release of the hold is
// ErrClosed (fn is not queued then). Safe for concurrent use.
func (h *Hold) Post(fn func()) error { return h.release(fn) }

// Release releases the hold without posting anything: Run returns after it when nothing else
// keeps the loop alive. A second Release or Post is ErrClosed. Safe for concurrent use.
func (h *Hold) Release() error { return h.release(nil) }

// release queues fn (when not nil) and releases h under the post lock; the last release wakes
// the loop, whose post callback then unreferences the async handle.
func (h *Hold) release(fn func()) error {
	l := h.l
	l.postMu.Lock()
	defer l.postMu.Unlock()
	if h.released {
		return ErrClosed
	}
	h.released = true
	l.holds--
	if fn != nil {
		l.postQ = append(l.postQ, fn)
	}
	if l.holds == 0 || (fn != nil && len(l.postQ) == 1) {
		return l.post.Send()
	}
	return nil
}

func (l *Loop) call(fn func()) {
	defer l.recoverCallback()
	fn()
}

// recoverCallback is deferred by every trampoline: it keeps the first panic and, inside Run,
// stops the loop, so that Run (or Walk) re-panics once libuv has returned.
func (l *Loop) recoverCallback() {
	if v := recover(); v != nil {
		l.keepPanic(v, debug.Stack())
	}
	l.drainClosed()
}

// drainClosed takes back the tokens of the handles closed with a nil callback since the last
// drain (handles.go), if any: at every callback and when uv_run returns.
func (l *Loop) drainClosed() {
	if s := l.ptr.data; s != nil && (*C.uvg_loop_t)(s).nclosed != 0 {
		drainClosed(s)
	}
}

// keepPanic hands a panic's value and stack to the loop's panic handler, if any; otherwise (or
// when the handler panics) it keeps the first one and stops the loop inside Run. Also for panics
// recovered on a thread-pool thread (QueueWork), called on the loop.
func (l *Loop) keepPanic(v any, stack []byte) {
	if h := l.panicHandler; h != nil && !l.panicked {
		if v, stack = l.handlePanic(h, v, stack); v == nil {
			return
		}
	}
	if !l.panicked {
		l.panicked, l.panicVal, l.panicStk = true, v, stack
	}
	if l.running.Load() { // outside Run (Walk), a stop would swallow the next Run
		C.uv_stop(l.ptr)
	}
}

// handlePanic calls the panic handler h; it returns nil when h returned, else h's own panic.
func (l *Loop) handlePanic(h func(any, []byte), v any, stack []byte) (hv any, hstack []byte) {
	defer func() {
		if r := recover(); r != nil {
			hv, hstack = r, debug.Stack()
		}
	}()
	h(v, stack)
	return nil, nil
}

// halted reports whether a callback panicked since Run started (with no panic handler, or one
// that panicked): the trampolines then call no user callback, and do only the binding's
// bookkeeping (frees, unpins, token releases), until Run has re-panicked. Loop-bound.
func (l *Loop) halted() bool { return l.panicked }

// SetPanicHandler sets the handler of panics in l's callbacks (Node's uncaughtException): each
// recovered value and the callback's stack go to fn, on the loop, and the loop goes on as libuv
// would. A panic inside fn falls back to the default, as does a nil fn: after a callback has
// panicked, no other user callback of l runs (libuv finishes its pass, the binding frees,
// unpins and releases what completes; functions handed to Post stay queued) until Run has
// re-panicked with the value; the loop can then be run again. Loop-bound.
func (l *Loop) SetPanicHandler(fn func(value any, stack []byte)) {
	l.assertOwner()
	l.panicHandler = fn
}

// callbackPanic carries a recovered panic to Run; an unrecovered re-panic prints it, with the
// original stack, as the "[recovered]" panic above the original value.
type callbackPanic struct {
	value any
	stack []byte
}

func (p *callbackPanic) Error() string {
	return "uv: panic in a callback, re-panicked from Loop.Run; the callback's stack:\n\n" + string(p.stack)
}

// repanic re-panics with the value of a panic recovered from a callback, if any.
func (l *Loop) repanic() {
	if !l.panicked {
		return
	}
	p := &callbackPanic{l.panicVal, l.panicStk}
	l.panicked, l.panicVal, l.panicStk = false, nil, nil
	defer func() {
		recover()
		panic(p.value)
	}()
	panic(p)
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// RunContext wraps uv_run as Run does, and stops the loop (uv_stop, from a function handed to
// Post) when ctx ends first: Run's answer then comes with ctx's error. A stop posted just as
// the loop returned by itself does nothing (Close answers EBUSY until a Run has drained it).
// Call it where Run may be called.
func (l *Loop) RunContext(ctx context.Context, mode RunMode) (bool, error) {
	var stopped, running bool // the loop's: read and written on the goroutine running it
	stop := context.AfterFunc(ctx, func() {
		l.Post(func() {
			if running {
				stopped = true
				l.Stop()
			}
		})
	})
	running = true
	alive, err := l.Run(mode)
	running = false
	stop()
	if err == nil && stopped {
		err = ctx.Err()
	}
	return alive, err
}
