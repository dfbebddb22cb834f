package uv

// #include "shim_threadpool.h"
import "C"

import (
	"runtime/debug"
	"sync/atomic"
)

// WorkReq wraps uv_work_t: a function queued on libuv's thread pool by QueueWork, from the
// call until its after callback. Cancel (uv_cancel) cancels it while it waits in the queue:
// nil, and after then receives ECANCELED; libuv's EBUSY once work has started (or finished,
// before after runs); nil again for a second Cancel of cancelled work (libuv 1.44 finds it still
// cancellable; after runs once); ErrClosed once after has run. Its methods are loop-bound.
type WorkReq struct {
	req
	work  func()
	after func(error)

	// stage orders the three steps in Go's memory model, which does not cover libuv's own
	// locks: QueueWork stores 1 before handing the request to libuv, the work trampoline loads
	// it, runs work and stores 2; the after trampoline loads it. What the caller wrote before
	// QueueWork is visible to work, what work wrote is visible to after. (The race detector
	// would not notice their absence: it treats every call into C as synchronizing.)
	stage atomic.Int32
	// panicked holds a panic recovered from work, on the pool thread; the after trampoline
	// hands it to the loop.
	panicked atomic.Pointer[callbackPanic]
}

// QueueWork wraps uv_queue_work: work runs on a thread of libuv's thread pool, then after runs
// on the loop with nil, or with libuv's ECANCELED when Cancel cancelled the request before work
// started (work is then never called). after may be nil. The request keeps the loop alive until
// after has run.
//
// libuv's pool is shared by every loop of the process and runs the fs, DNS and random
// requests too. Its size is read from the environment variable UV_THREADPOOL_SIZE when the
// pool is first used (default 4, at most 1024 in libuv 1.44); set it before the process
// queues its first request. While every thread of the pool is busy, new work waits in the
// queue, where Cancel can still reach it.
//
// Calling Go from a pool thread costs more than calling C: the thread needs one of the Go
// scheduler's Ps to run work, and a pool thread that has run Go keeps its P while it waits in C
// for its next request, until the runtime's monitor takes it back (after 20 µs to 10 ms). With
// every P so held, work reaching another pool thread waits for one. A GOMAXPROCS above the
// pool's size leaves Ps idle for it, at the cost of more scheduler activity; BenchmarkQueueWork
// measures both settings.
//
// work runs on a C thread libuv created, not on a goroutine the Go runtime started: it must
// not use the loop or its handles (only Async.Send and Loop.Post, which are safe for
// concurrent use), and must not call runtime.Goexit (testing's t.FailNow, t.Fatal). A panic
// in work is recovered on the pool thread and carried to the loop: after is not called, the
// loop stops, and Run re-panics with the original value once uv_run has returned.
//
// A nil work is libuv's EINVAL. Loop-bound.
func QueueWork(l *Loop, work func(), after func(err error)) (*WorkReq, error) {
	if l.ptr == nil {
		return nil, ErrClosed
	}
	poolInit() // as the request base does for every request that may use the pool
	w := &WorkReq{work: work, after: after}
	w.loop, w.typ, w.token = l, ReqWork, saveToken(w)
	l.traceNew(w)
	w.stage.Store(1)
	// One C call allocates, fills and queues the request (a third of the request base's
	// calls: measurably faster per request); C frees it after the after callback.
	r := C.uvg_queue_work(l.ptr, w.token, boolInt(work != nil))
	if r.err != 0 {
		releaseToken(w.token) // before status, which panics on the wrong thread with uvdebug
		w.token = nil
		return nil, status(r.err)
	}
	w.ptr = r.ptr
	return w, nil
}

// runWork is the work trampoline's Go side, on a pool thread. It never lets a panic reach
// libuv's frames: the panic is kept for the loop.
func (w *WorkReq) runWork() {
	defer func() {
		if v := recover(); v != nil {
			w.panicked.Store(&callbackPanic{v, debug.Stack()})
		}
		w.stage.Store(2)
	}()
	w.stage.Load()
	w.work()
}

// afterWork is the after-work trampoline's Go side, on the loop: it releases the token (C
// frees the request when the trampoline returns), then re-panics on the loop with work's
// panic, or calls after.
func (w *WorkReq) afterWork(st C.int) {
	w.stage.Load()
	releaseToken(w.token)
	w.token = nil
	w.clear()
	if p := w.panicked.Load(); p != nil {
		w.loop.keepPanic(p.value, p.stack)
		return
	}
	if w.after != nil {
		w.after(status(st))
	}
}
