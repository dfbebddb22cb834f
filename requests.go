package uv

// #include "shim.h"
import "C"

import (
	"runtime"
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
	p := C.uvg_req_alloc(C.uv_req_type(typ))
	if p == nil {
		return ENOMEM
	}
	r.ptr, r.loop, r.typ, r.token = p, l, typ, saveToken(self)
	C.uv_req_set_data((*C.uv_req_t)(p), r.token)
	return nil
}

// done releases the C request and the token: in the completion callback, or when the operation
// failed synchronously.
func (r *req) done() {
	C.free(r.ptr)
	releaseToken(r.token)
	r.ptr, r.token = nil, nil
}

func (r *req) Cancel() error {
	if r.ptr == nil {
		return ErrClosed
	}
	return status(C.uvg_cancel(r.ptr, r.loop.ptr))
}

func (r *req) Type() ReqType {
	if r.ptr != nil {
		if t := ReqType(C.uv_req_get_type((*C.uv_req_t)(r.ptr))); t != ReqUnknown {
			return t
		}
	}
	return r.typ
}

func (r *req) TypeName() string { return r.Type().String() }

// restoreReq returns the Go object of a C request, in its trampoline.
func restoreReq(p unsafe.Pointer) any {
	return restoreToken(C.uv_req_get_data((*C.uv_req_t)(p)))
}

// bufs holds the uv_buf_t array of a write or read whose bytes are Go slices: zero copy, each
// slice pinned from set until release (the request's callback), so that libuv may keep reading
// or writing it after the call has returned. libuv copies the array itself.
type bufs struct {
	pin runtime.Pinner
	c   []C.uv_buf_t
}

// set pins bs and returns the array to hand to libuv and its length. Empty slices have a nil base.
func (b *bufs) set(bs [][]byte) (*C.uv_buf_t, C.uint) {
	if len(bs) == 0 {
		return nil, 0
	}
	b.c = make([]C.uv_buf_t, len(bs))
	for i, s := range bs {
		if len(s) > 0 {
			b.pin.Pin(&s[0])
			b.c[i].base = (*C.char)(unsafe.Pointer(&s[0]))
			b.c[i].len = C.size_t(len(s))
		}
	}
	return &b.c[0], C.uint(len(bs))
}

// release unpins the slices.
func (b *bufs) release() {
	b.pin.Unpin()
	b.c = nil
}
