package uv

// #include "shim.h"
import "C"

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// ReqType wraps uv_req_type.
type ReqType int

// The request types of libuv.
const (
	ReqUnknown     ReqType = C.UV_UNKNOWN_REQ
	ReqReq         ReqType = C.UV_REQ
	ReqConnect     ReqType = C.UV_CONNECT
	ReqWrite       ReqType = C.UV_WRITE
	ReqShutdown    ReqType = C.UV_SHUTDOWN
	ReqUDPSend     ReqType = C.UV_UDP_SEND
	ReqFS          ReqType = C.UV_FS
	ReqWork        ReqType = C.UV_WORK
	ReqGetaddrinfo ReqType = C.UV_GETADDRINFO
	ReqGetnameinfo ReqType = C.UV_GETNAMEINFO
	ReqRandom      ReqType = C.UV_RANDOM
)

// String wraps uv_req_type_name: "write", "fs", ...; "" for a type libuv does not name.
// Safe for concurrent use.
func (t ReqType) String() string {
	return C.GoString(C.uv_req_type_name(C.uv_req_type(t)))
}

// Req is what every libuv request shares (uv_req_t). Its methods must be called on the
// goroutine running the request's loop, or while the loop is not running.
type Req interface {
	// Cancel wraps uv_cancel: a pending fs, work, getaddrinfo, getnameinfo or random request is
	// cancelled and its callback receives ECANCELED; EBUSY when it already runs; ErrClosed when
	// it has completed.
	Cancel() error
	// Type wraps uv_req_get_type.
	Type() ReqType
	// TypeName wraps uv_req_type_name of the request's type.
	TypeName() string

	base() *req
}

// req is the base every request type embeds. ptr is C memory from the start of the operation
// until its completion callback (or its synchronous failure); token keeps the Go object
// reachable over the same span.
type req struct {
	ptr   unsafe.Pointer // the uv_<type>_t
	loop  *Loop
	token unsafe.Pointer
	typ   ReqType
}

func (r *req) base() *req { return r }

// open allocates the C request of type typ for loop l and registers self, the Go object
// embedding r.
func (r *req) open(l *Loop, self Req, typ ReqType) error {
	if l.ptr == nil {
		return ErrClosed
	}
	switch typ {
	case ReqFS, ReqWork, ReqGetaddrinfo, ReqGetnameinfo, ReqRandom:
		poolInit() // the threadpool starts with SIGPIPE blocked in its threads (fs.go)
	}
	token := saveToken(self)
	p := C.uvg_req_new(C.uv_req_type(typ), token) // allocated with its data set: one C call
	if p == nil {
		releaseToken(token)
		return ENOMEM
	}
	r.ptr, r.loop, r.typ, r.token = p, l, typ, token
	l.traceNew(r)
	return nil
}

// done releases the C request and the token: in the completion callback, or when the operation
// failed synchronously.
func (r *req) done() {
	C.free(r.ptr)
	releaseToken(r.token)
	r.token = nil
	r.clear()
}

// clear marks the request completed. ptr is read by Cancel before any thread check (a misusing
// goroutine may read it while the loop completes the request): it is cleared atomically.
func (r *req) clear() { atomic.StorePointer(&r.ptr, nil) }

// Cancel wraps uv_cancel: a pending fs, work, getaddrinfo, getnameinfo or random request is
// cancelled and its callback receives ECANCELED (EAI_CANCELED for DNS); EBUSY when it already
// runs, EINVAL for other request types. Loop-bound; ErrClosed once the request has completed.
func (r *req) Cancel() error {
	p := atomic.LoadPointer(&r.ptr)
	if p == nil {
		return ErrClosed
	}
	return status(C.uvg_cancel(r.loop.ptr, p))
}

// Type wraps uv_req_get_type while the request is in flight; after completion it answers the
// type the Go side kept. Loop-bound (a getter: it panics from another goroutine while the loop
// runs).
func (r *req) Type() ReqType {
	r.loop.assertOwner()
	if p := atomic.LoadPointer(&r.ptr); p != nil {
		if t := ReqType(C.uv_req_get_type((*C.uv_req_t)(p))); t != ReqUnknown {
			return t
		}
	}
	return r.typ
}

// TypeName wraps uv_req_type_name of the request's type ("write", "fs", ...); still after
// completion. Loop-bound.
func (r *req) TypeName() string { return r.Type().String() }

// CancelOnDone cancels r, a request in flight (fs, work, getaddrinfo, getnameinfo or random),
// when ctx ends before it completes: uv_cancel (Req.Cancel), from a function handed to Post,
// so that the request's callback receives libuv's answer (ECANCELED; EAI_CANCELED for the
// DNS requests) when the request had not started on the thread pool, and its result otherwise.
// stop unregisters the cancel, as context.AfterFunc's stop: it reports whether it did so before
// ctx ended; call it in the request's callback to release ctx. Safe for concurrent use.
func CancelOnDone(ctx context.Context, r Req) (stop func() bool) {
	b := r.base()
	l := b.loop
	return context.AfterFunc(ctx, func() {
		l.Post(func() {
			if b.ptr != nil { // not completed yet
				r.Cancel()
			}
		})
	})
}

// writeReqs and sendReqs hold the Go sides of completed write and send requests for the next
// Write or Send (newWriteReq, newSendReq, recycle): with one in flight at a time, a write or
// a send with a callback allocates nothing. A sync.Pool, so that what a burst of requests left
// is collected when no longer used, and safe for the goroutines of several loops.
var (
	writeReqs = sync.Pool{New: func() any { return new(WriteReq) }}
	sendReqs  = sync.Pool{New: func() any { return new(UDPSendReq) }}
)

// newWriteReq is req.open for a write on l with the callback cb, whose C request the C call
// that writes allocates.
func newWriteReq(l *Loop, cb func(error)) *WriteReq {
	w := writeReqs.Get().(*WriteReq)
	w.cb, w.loop, w.typ, w.token = cb, l, ReqWrite, saveToken(w)
	l.traceNew(w)
	return w
}

// newSendReq is newWriteReq for a UDP send.
func newSendReq(l *Loop, cb func(error)) *UDPSendReq {
	r := sendReqs.Get().(*UDPSendReq)
	r.cb, r.loop, r.typ, r.token = cb, l, ReqUDPSend, saveToken(r)
	l.traceNew(r)
	return r
}

// recycle puts w, completed, back in writeReqs once its callback has returned. It keeps its
// loop and type, which its getters read: a WriteReq held past its callback (which its doc
// forbids) still answers them. A traced loop's requests are not reused: the trace names each
// by its object.
func (w *WriteReq) recycle() {
	if w.loop.trace == nil {
		w.cb = nil
		writeReqs.Put(w)
	}
}

// recycle is WriteReq.recycle for a UDP send.
func (r *UDPSendReq) recycle() {
	if r.loop.trace == nil {
		r.cb = nil
		sendReqs.Put(r)
	}
}

// restoreReq returns the Go object of a C request, in its trampoline. It reads the public data
// field itself (what uv_req_get_data returns), without a call into C.
func restoreReq(p unsafe.Pointer) any {
	return restoreToken((*C.uv_req_t)(p).data)
}

// bufs holds the uv_buf_t array of a request whose bytes are Go slices (fs read and write; the
// handles' requests use a pinGroup): zero copy, each slice pinned from set until release (the
// request's callback), so that libuv may keep reading or writing it after the call has
// returned. libuv copies the array itself.
type bufs struct {
	pin *runtime.Pinner // from pinners, between the first pin and release
	c   []C.uv_buf_t
}

// pinners recycles the Pinners of bufs. A Pinner allocates its backing store (and sets a
// finalizer on it) on its first Pin, unless the runtime's one-per-P cache has one to give; with
// several requests in flight that cache is empty, and a Pinner that keeps its store after Unpin
// (which it does when the cache is full) saves that allocation for the next request.
var pinners = sync.Pool{New: func() any { return new(runtime.Pinner) }}

// pinOne pins the first byte of s, which is not empty.
func (b *bufs) pinOne(s []byte) {
	if b.pin == nil {
		b.pin = pinners.Get().(*runtime.Pinner)
	}
	b.pin.Pin(&s[0])
}

// set pins bs and returns the array to hand to libuv and its length. Empty slices have a nil base.
func (b *bufs) set(bs [][]byte) (*C.uv_buf_t, C.uint) {
	if len(bs) == 0 {
		return nil, 0
	}
	b.c = make([]C.uv_buf_t, len(bs))
	return b.setIn(bs, b.c), C.uint(len(bs))
}

// setIn is set with the array in arr, when it is long enough (a caller's stack array, for a
// noescape forwarder whose libuv function copies the array), else allocated.
func (b *bufs) setIn(bs [][]byte, arr []C.uv_buf_t) *C.uv_buf_t {
	if len(bs) == 0 {
		return nil
	}
	return pinBufs(b, bs, arr)
}

// release unpins the slices.
func (b *bufs) release() {
	if b.pin != nil {
		b.pin.Unpin()
		pinners.Put(b.pin)
		b.pin = nil
	}
	b.c = nil
}

// pinGroupSize is how many requests share one Pinner of a pinGroup, at most: a buffer stays
// pinned until the requests pinned with it have completed (at most this many).
const pinGroupSize = 16

// pinGen is a Pinner shared by up to pinGroupSize requests of one handle, unpinned when the
// last of them completes.
type pinGen struct {
	pin    runtime.Pinner
	lo, hi uintptr // the memory of the latest slice pinned (up to its capacity): one object
	used   int     // requests that pinned into it since its last Unpin
	live   int     // of those, not yet completed
}

// pinOne pins s, not empty, until the requests of c complete. A slice of the object pinned last
// (the same buffer again, or the next part of it) is pinned already: Pin pins whole objects.
func (c *pinGen) pinOne(s []byte) {
	p := uintptr(unsafe.Pointer(&s[0]))
	if p >= c.lo && p < c.hi {
		return
	}
	c.pin.Pin(&s[0])
	c.lo, c.hi = p, p+uintptr(cap(s))
}

// pinGroup pins the buffers of a handle's requests (stream writes, UDP sends), several in flight
// at once, without a Pinner (and its backing store, with a finalizer) per request. Loop-bound,
// like the handle.
type pinGroup struct {
	cur  *pinGen   // where the next requests pin
	free []*pinGen // unpinned, for reuse
}

// pinGroupFree bounds the unpinned pinGens a handle keeps for reuse.
const pinGroupFree = 8

// take returns the pinGen a new request pins its buffers with; put it back with put.
func (g *pinGroup) take() *pinGen {
	c := g.cur
	if c == nil || c.used == pinGroupSize {
		if n := len(g.free); n > 0 {
			c, g.free = g.free[n-1], g.free[:n-1]
		} else {
			c = new(pinGen)
		}
		g.cur = c
	}
	c.used++
	c.live++
	return c
}

// put releases a request's share of c: the last one unpins.
func (g *pinGroup) put(c *pinGen) {
	if c.live--; c.live > 0 {
		return
	}
	c.pin.Unpin()
	c.used, c.lo, c.hi = 0, 0, 0
	if c != g.cur && len(g.free) < pinGroupFree {
		g.free = append(g.free, c)
	}
}

// pinBufs pins bs with p (a pinGen, or bufs) and fills arr with their uv_buf_t (allocating an
// array when arr is too short); it returns the array for C. Empty slices have a nil base.
func pinBufs(p interface{ pinOne([]byte) }, bs [][]byte, arr []C.uv_buf_t) *C.uv_buf_t {
	if len(bs) > len(arr) {
		arr = make([]C.uv_buf_t, len(bs))
	}
	for i, s := range bs {
		arr[i] = C.uv_buf_t{}
		if len(s) > 0 {
			p.pinOne(s)
			arr[i].base = (*C.char)(unsafe.Pointer(&s[0]))
			arr[i].len = C.size_t(len(s))
		}
	}
	return &arr[0]
}

// ownBufs returns bs, or, when some of its buffers point into the loop's read buffers (the data
// a read callback received, which the next read overwrites), a copy of the list with copies of
// those buffers. The requests that keep their buffers past the call (writes, UDP sends,
// asynchronous fs writes) call it on the loop's thread: the read buffers are allocated there.
func ownBufs(l *Loop, bs [][]byte) [][]byte {
	st := (*C.uvg_loop_t)(l.ptr.data) // a field read: no call into C
	var out [][]byte
	for i, s := range bs {
		if !within(s, st.readbuf, C.UVG_READBUF) && !within(s, st.mmsgbuf, C.UVG_MMSGBUF) {
			continue
		}
		if out == nil {
			out = slices.Clone(bs)
		}
		out[i] = bytes.Clone(s)
	}
	if out == nil {
		return bs
	}
	return out
}

// within reports whether s, not empty, starts in the n bytes of C memory at base.
func within(s []byte, base *C.char, n int) bool {
	if len(s) == 0 || base == nil {
		return false
	}
	p, b := uintptr(unsafe.Pointer(&s[0])), uintptr(unsafe.Pointer(base))
	return p >= b && p-b < uintptr(n)
}

// stackBufs is how many uv_buf_t a request's C call takes from an array on the Go stack (the
// forwarder is noescape, and libuv copies the array during the call); more are allocated.
const stackBufs = 8

// pinOwner answers ErrWrongThread (through wrongThread) when the loop is running and the caller
// is not on its thread. The requests that pin with a handle's pinGroup change Go state that the
// loop's callbacks share before their C call, so they make first, in Go, the check their
// forwarder makes again in C: a goroutine misusing the handle then touches nothing shared. One
// call into C, only while the loop runs.
func pinOwner(l *Loop) error {
	if l.running.Load() && C.uvg_owner(l.ptr) == 0 {
		return wrongThread()
	}
	return nil
}
