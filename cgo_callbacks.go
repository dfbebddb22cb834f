package uv

// This file holds the table that maps libuv's C structs to their Go objects, and every exported
// trampoline: one per libuv callback typedef. A trampoline restores the Go object from the
// struct's data token and calls the Go closure under recover, so that it always returns normally
// to C: a panic must never unwind through libuv's frames. Its preamble only declares.

// #include <stdlib.h>
// #include <uv.h>
import "C"

import (
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// The token table. A token is what the binding stores in a C struct's data field to find the Go
// object again in a trampoline: the address of one byte in tokenBase, a C region that is
// reserved once and never read or written (so it costs address space, not memory). The byte's
// offset is the object's slot in pages. Tokens are C addresses, so C may keep them and Go may
// hold them in unsafe.Pointer values without breaking cgo's pointer rules.
//
// restoreToken reads without a lock: a page never moves once published, and a slot is written
// by saveToken before its token reaches C and cleared by releaseToken after the last callback.
// A trampoline that runs on a thread other than the one that saved the token (the threadpool,
// a thread of NewThread) uses restoreTokenSync, which takes the lock, so that the handover is
// ordered by Go's memory model and not only by libuv's own locks in C (the race detector would
// not tell: it treats every call into C as synchronizing).
const (
	tokenPageBits = 12
	tokenPageSize = 1 << tokenPageBits
	tokenPages    = 1 << 14 // 64 Mi live tokens at most
)

var tokens struct {
	mu    sync.Mutex     // a plain mutex: RWMutex's writer path costs two more atomics per save
	base  unsafe.Pointer // tokenPages*tokenPageSize bytes of address space (uvg_token_range), never touched
	pages [tokenPages]atomic.Pointer[[tokenPageSize]any]
	next  uintptr   // slots ever used, under mu
	free  []uintptr // released slots, under mu
}

// liveTokens counts the tokens saved and not yet released; the tests' leak check reads it. It
// is computed from the table under its lock, which saves an atomic add per save and release.
var liveTokens tokenCount

type tokenCount struct{}

// Load returns the number of tokens saved and not yet released.
func (tokenCount) Load() int64 {
	tokens.mu.Lock()
	defer tokens.mu.Unlock()
	return int64(tokens.next) - int64(len(tokens.free))
}

// saveToken registers v and returns the token to store in a C struct's data field. The token
// keeps v reachable until releaseToken.
func saveToken(v any) unsafe.Pointer {
	tokens.mu.Lock()
	if tokens.base == nil {
		tokens.base = tokenRange(tokenPages * tokenPageSize)
		if tokens.base == nil {
			tokens.mu.Unlock()
			panic("uv: cannot reserve the token table")
		}
	}
	var i uintptr
	if n := len(tokens.free); n > 0 {
		i, tokens.free = tokens.free[n-1], tokens.free[:n-1]
	} else if i = tokens.next; i < tokenPages*tokenPageSize {
		tokens.next++
	} else {
		tokens.mu.Unlock()
		panic("uv: more than 64 Mi handles and requests alive at once")
	}
	p := tokens.pages[i>>tokenPageBits].Load()
	if p == nil {
		p = new([tokenPageSize]any)
		tokens.pages[i>>tokenPageBits].Store(p)
	}
	p[i&(tokenPageSize-1)] = v
	tokens.mu.Unlock()
	return unsafe.Add(tokens.base, i)
}

// tokenSlot returns the slot of token.
func tokenSlot(token unsafe.Pointer) *any {
	i := uintptr(token) - uintptr(tokens.base)
	return &tokens.pages[i>>tokenPageBits].Load()[i&(tokenPageSize-1)]
}

// restoreToken returns the object registered under token, on the thread that saved it or one
// that synchronized with it in Go.
func restoreToken(token unsafe.Pointer) any { return *tokenSlot(token) }

// restoreTokenSync is restoreToken for a trampoline on a thread that did not save the token
// and reached it only through C (libuv's threadpool, a thread of NewThread).
func restoreTokenSync(token unsafe.Pointer) any {
	tokens.mu.Lock()
	v := *tokenSlot(token)
	tokens.mu.Unlock()
	return v
}

// releaseToken forgets the object registered under token and frees the token.
func releaseToken(token unsafe.Pointer) {
	tokens.mu.Lock()
	*tokenSlot(token) = nil
	tokens.free = append(tokens.free, uintptr(token)-uintptr(tokens.base))
	tokens.mu.Unlock()
}

//export uvgCloseCb
func uvgCloseCb(p *C.uv_handle_t) {
	h := restoreToken(p.data).(Handle).base()
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbClose, h, 0, 0)
	h.closed()
}

// uvgClosedCb is the close callback of a handle whose C memory the shim has freed
// (uvg_close_free_cb): it gets the token alone.
//
//export uvgClosedCb
func uvgClosedCb(token unsafe.Pointer) {
	h := restoreToken(token).(Handle).base()
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbClose, h, 0, 0)
	h.freed()
}

// uvgClosedBatchCb is called by the close callback that filled the loop's batch of handles
// closed with a nil callback (uvg_close_batch_cb): it takes their tokens back.
//
//export uvgClosedBatchCb
func uvgClosedBatchCb(state unsafe.Pointer) {
	drainClosed(state)
}

//export uvgWalkCb
func uvgWalkCb(p *C.uv_handle_t, _ unsafe.Pointer) {
	h := restoreToken(C.uv_handle_get_data(p)).(Handle)
	l := h.base().loop
	defer l.recoverCallback()
	l.walked(h)
}

//export uvgTimerCb
func uvgTimerCb(p *C.uv_timer_t) {
	t := restoreToken(p.data).(*Timer)
	defer t.loop.recoverCallback()
	t.loop.traceCb(cbTimer, t, 0, 0)
	if t.loop.halted() {
		return
	}
	t.cb()
}

// uvgTimerOneshotCb is the callback of a timer of TimerStartOneshot, which the C side has
// closed already: token holds the Go callback, post the loop's post handle.
//
//export uvgTimerOneshotCb
func uvgTimerOneshotCb(post, token unsafe.Pointer) {
	l := restoreToken(post).(*Async).loop
	cb := restoreToken(token).(func())
	releaseToken(token)
	defer l.recoverCallback()
	if l.halted() {
		return
	}
	l.traceCb(cbTimer, oneshot(token), 0, 0)
	cb()
}

//export uvgPrepareCb
func uvgPrepareCb(p *C.uv_prepare_t) {
	h := restoreToken(p.data).(*Prepare)
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbPrepare, h, 0, 0)
	if h.loop.halted() {
		return
	}
	h.cb()
}

//export uvgCheckCb
func uvgCheckCb(p *C.uv_check_t) {
	h := restoreToken(p.data).(*Check)
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbCheck, h, 0, 0)
	if h.loop.halted() {
		return
	}
	h.cb()
}

//export uvgIdleCb
func uvgIdleCb(p *C.uv_idle_t) {
	h := restoreToken(p.data).(*Idle)
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbIdle, h, 0, 0)
	if h.loop.halted() {
		return
	}
	h.cb()
}

//export uvgAsyncCb
func uvgAsyncCb(p *C.uv_async_t) {
	a := restoreToken(p.data).(*Async)
	defer a.loop.recoverCallback()
	a.loop.traceCb(cbAsync, a, 0, 0)
	if a.loop.halted() {
		return
	}
	a.cb()
}

//export uvgConnectionCb
func uvgConnectionCb(p *C.uv_stream_t, st C.int) {
	s := restoreToken(p.data).(Stream).streamBase()
	defer s.loop.recoverCallback()
	s.loop.traceCb(cbConnection, s, int64(st), 0)
	if s.loop.halted() {
		return
	}
	s.connCb(status(st))
}

//export uvgReadCb
func uvgReadCb(p *C.uv_stream_t, nread C.ssize_t, buf *C.uv_buf_t) {
	s := restoreToken(p.data).(Stream).streamBase()
	defer s.loop.recoverCallback()
	s.loop.traceCb(cbRead, s, int64(nread), 0)
	if s.loop.halted() {
		return
	}
	s.read(nread, buf)
}

//export uvgWriteCb
func uvgWriteCb(token unsafe.Pointer, st C.int) {
	w := restoreToken(token).(*WriteReq)
	defer w.loop.recoverCallback()
	w.loop.traceCb(cbWrite, w, int64(st), 0)
	w.complete()
	if w.cb != nil && !w.loop.halted() {
		w.cb(status(st))
	}
	w.recycle()
}

//export uvgConnectCb
func uvgConnectCb(p *C.uv_connect_t, st C.int) {
	r := restoreReq(unsafe.Pointer(p)).(*ConnectReq)
	defer r.loop.recoverCallback()
	r.loop.traceCb(cbConnect, r, int64(st), 0)
	reqDone(&r.req, r.cb, st)
}

//export uvgShutdownCb
func uvgShutdownCb(p *C.uv_shutdown_t, st C.int) {
	r := restoreReq(unsafe.Pointer(p)).(*ShutdownReq)
	defer r.loop.recoverCallback()
	r.loop.traceCb(cbShutdown, r, int64(st), 0)
	reqDone(&r.req, r.cb, st)
}

// uvgAllocCb is the alloc callback of the streams and UDP handles that read into their
// caller's buffers (ReadStartAlloc, RecvStartAlloc); buf is libuv's, empty on entry.
//
//export uvgAllocCb
func uvgAllocCb(p *C.uv_handle_t, suggested C.size_t, buf *C.uv_buf_t) {
	h := restoreToken(p.data).(bufReader)
	defer h.base().loop.recoverCallback()
	h.allocRead(suggested, buf)
}

// ---- fs ----

// uvgFSCb gets the results uvg_fs_cb has taken (res, a uvg_fs_res_t on the C stack) and the
// request, freed already unless its results point into it.
//
//export uvgFSCb
func uvgFSCb(token unsafe.Pointer, p *C.uv_fs_t, res unsafe.Pointer) {
	r := restoreToken(token).(*FSReq)
	defer r.loop.recoverCallback()
	r.complete(res)
	r.loop.traceCb(cbFS, r, r.Result(), 0)
	r.cb(r)
}

// ---- threads, once, random ----

// uvgThreadCb is the entry of a thread of NewThread. No loop is involved: Thread.run recovers a
// panic of the thread's function and Join re-panics with it.
//
//export uvgThreadCb
func uvgThreadCb(token unsafe.Pointer) {
	t := restoreTokenSync(token).(*Thread)
	releaseToken(token)
	t.run()
}

// uvgOnceCb is the init function of Once.Do; onceCall.run recovers a panic and Do re-panics.
//
//export uvgOnceCb
func uvgOnceCb(token unsafe.Pointer) {
	restoreToken(token).(*onceCall).run()
}

//export uvgRandomCb
func uvgRandomCb(p *C.uv_random_t, st C.int, buf unsafe.Pointer, n C.size_t) {
	r := restoreReq(unsafe.Pointer(p)).(*RandomReq)
	defer r.loop.recoverCallback()
	r.loop.traceCb(cbRandom, r, int64(st), 0)
	r.complete(st)
}

// ---- udp ----

//export uvgUDPSendCb
func uvgUDPSendCb(token unsafe.Pointer, st C.int) {
	r := restoreToken(token).(*UDPSendReq)
	defer r.loop.recoverCallback()
	r.loop.traceCb(cbUDPSend, r, int64(st), 0)
	r.complete()
	if r.cb != nil && !r.loop.halted() {
		r.cb(status(st))
	}
	r.recycle()
}

//export uvgUDPRecvCb
func uvgUDPRecvCb(p *C.uv_udp_t, nread C.ssize_t, buf *C.uv_buf_t, addr *C.struct_sockaddr, flags C.uint) {
	u := restoreToken(p.data).(*UDP)
	defer u.loop.recoverCallback()
	u.loop.traceCb(cbUDPRecv, u, int64(nread), isSet(unsafe.Pointer(addr)))
	u.recv(nread, buf, addr, flags)
}

// ---- end of udp ----

// ---- poll, dns ----

//export uvgPollCb
func uvgPollCb(p *C.uv_poll_t, st C.int, events C.int) {
	h := restoreToken(p.data).(*Poll)
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbPoll, h, int64(st), int64(events))
	if !h.loop.halted() {
		h.cb(PollEvent(events), status(st))
	}
}

//export uvgGetaddrinfoCb
func uvgGetaddrinfoCb(p *C.uv_getaddrinfo_t, st C.int, res *C.struct_addrinfo) {
	r := restoreReq(unsafe.Pointer(p)).(*GetaddrinfoReq)
	defer r.loop.recoverCallback()
	r.loop.traceCb(cbGetaddrinfo, r, int64(st), 0)
	r.complete(st, res)
}

//export uvgGetnameinfoCb
func uvgGetnameinfoCb(p *C.uv_getnameinfo_t, st C.int, host, service *C.char) {
	r := restoreReq(unsafe.Pointer(p)).(*GetnameinfoReq)
	defer r.loop.recoverCallback()
	r.loop.traceCb(cbGetnameinfo, r, int64(st), 0)
	r.complete(st, host, service)
}

// ---- fs_event, fs_poll, threadpool ----

//export uvgFSEventCb
func uvgFSEventCb(p *C.uv_fs_event_t, filename *C.char, events, st C.int) {
	h := restoreToken(p.data).(*FSEvent)
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbFSEvent, h, int64(st), int64(events))
	h.fsEvent(filename, events, st)
}

//export uvgFSPollCb
func uvgFSPollCb(p *C.uv_fs_poll_t, st C.int, prev, curr *C.uv_stat_t) {
	h := restoreToken(p.data).(*FSPoll)
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbFSPoll, h, int64(st), 0)
	h.fsPoll(st, prev, curr)
}

// uvgWorkCb runs on a thread of libuv's pool, not on the loop: it restores the request with
// restoreTokenSync, and must not touch the loop, so it does not defer recoverCallback; runWork
// recovers a panic itself and hands it to the loop through uvgAfterWorkCb.
//
//export uvgWorkCb
func uvgWorkCb(token unsafe.Pointer) {
	restoreTokenSync(token).(*WorkReq).runWork()
}

//export uvgAfterWorkCb
func uvgAfterWorkCb(token unsafe.Pointer, st C.int) {
	w := restoreToken(token).(*WorkReq)
	defer w.loop.recoverCallback()
	w.loop.traceCb(cbAfterWork, w, int64(st), 0)
	w.afterWork(st)
}

// ---- signal ----

//export uvgSignalCb
func uvgSignalCb(p *C.uv_signal_t, signum C.int) {
	s := restoreToken(p.data).(*Signal)
	defer s.loop.recoverCallback()
	s.loop.traceCb(cbSignal, s, 0, int64(signum))
	if !s.loop.halted() {
		s.cb(syscall.Signal(signum))
	}
}

// ---- process ----

//export uvgExitCb
func uvgExitCb(p *C.uv_process_t, exitStatus C.int64_t, termSignal C.int) {
	h := restoreToken(p.data).(*Process)
	defer h.loop.recoverCallback()
	h.loop.traceCb(cbExit, h, int64(exitStatus), int64(termSignal))
	h.exit(h, int64(exitStatus), syscall.Signal(termSignal))
}
