package uv

// #include "shim.h"
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// HandleType wraps uv_handle_type.
type HandleType int

// The handle types of libuv.
const (
	HandleUnknown   HandleType = C.UV_UNKNOWN_HANDLE
	HandleAsync     HandleType = C.UV_ASYNC
	HandleCheck     HandleType = C.UV_CHECK
	HandleFSEvent   HandleType = C.UV_FS_EVENT
	HandleFSPoll    HandleType = C.UV_FS_POLL
	HandleHandle    HandleType = C.UV_HANDLE
	HandleIdle      HandleType = C.UV_IDLE
	HandleNamedPipe HandleType = C.UV_NAMED_PIPE
	HandlePoll      HandleType = C.UV_POLL
	HandlePrepare   HandleType = C.UV_PREPARE
	HandleProcess   HandleType = C.UV_PROCESS
	HandleStream    HandleType = C.UV_STREAM
	HandleTCP       HandleType = C.UV_TCP
	HandleTimer     HandleType = C.UV_TIMER
	HandleTTY       HandleType = C.UV_TTY
	HandleUDP       HandleType = C.UV_UDP
	HandleSignal    HandleType = C.UV_SIGNAL
	HandleFile      HandleType = C.UV_FILE
)

// String wraps uv_handle_type_name: "timer", "tcp", ...; "" for a type libuv does not name.
// Safe for concurrent use.
func (t HandleType) String() string {
	return C.GoString(C.uv_handle_type_name(C.uv_handle_type(t)))
}

// Handle is what every libuv handle shares (uv_handle_t). Its methods must be called on the
// goroutine running the handle's loop, or while the loop is not running.
type Handle interface {
	// Close wraps uv_close. cb (may be nil) runs on the loop once libuv has finished with the
	// handle; its memory is freed just before. A second Close returns ErrClosed.
	Close(cb func()) error
	// Ref wraps uv_ref.
	Ref() error
	// Unref wraps uv_unref.
	Unref() error
	// HasRef wraps uv_has_ref; false once the handle is closed.
	HasRef() bool
	// IsActive wraps uv_is_active; false once the handle is closed.
	IsActive() bool
	// IsClosing wraps uv_is_closing; true from Close on.
	IsClosing() bool
	// Fileno wraps uv_fileno: the handle's file descriptor, EINVAL for handle types without one.
	Fileno() (int, error)
	// SendBufferSize wraps uv_send_buffer_size (read): SO_SNDBUF of a TCP, pipe or UDP handle.
	SendBufferSize() (int, error)
	// SetSendBufferSize wraps uv_send_buffer_size (write).
	SetSendBufferSize(size int) error
	// RecvBufferSize wraps uv_recv_buffer_size (read): SO_RCVBUF.
	RecvBufferSize() (int, error)
	// SetRecvBufferSize wraps uv_recv_buffer_size (write).
	SetRecvBufferSize(size int) error
	// Type wraps uv_handle_get_type.
	Type() HandleType
	// TypeName wraps uv_handle_type_name of the handle's type.
	TypeName() string
	// Loop returns the handle's loop (uv_handle_get_loop).
	Loop() *Loop

	base() *handle
}

// handle is the base every handle type embeds. ptr is C memory from the constructor until the
// close callback; token keeps the Go object reachable over the same span. ptr and closing are
// read by live before any thread check (a misusing goroutine may read them while the loop's
// goroutine closes the handle): they are written atomically once the handle is published.
type handle struct {
	ptr     unsafe.Pointer // the uv_<type>_t
	loop    *Loop
	token   unsafe.Pointer
	closeCb func()
	orphan  unsafe.Pointer
	// sends counts the writes in flight that send this handle (Write2): libuv reads the handle
	// when such a write's turn comes, so its C memory outlives the close callback (as orphan)
	// until the last of them completes.
	sends   int32
	typ     int8 // a HandleType; small fields keep a Timer in 64 bytes
	closing atomic.Bool
}

func (h *handle) base() *handle { return h }

// open registers self, the Go object embedding h, before its C handle is created.
func (h *handle) open(l *Loop, self Handle, typ HandleType) error {
	if l.ptr == nil {
		return ErrClosed
	}
	h.loop, h.typ, h.token = l, int8(typ), saveToken(self)
	l.traceNew(h)
	return nil
}

// opened completes a constructor with the C side's answer.
func (h *handle) opened(r C.uvg_new_t) error {
	if r.err != 0 {
		releaseToken(h.token)
		h.token = nil
		return status(r.err)
	}
	h.ptr = r.ptr
	return nil
}

// cptr passes C memory to a forwarder that takes it as uintptr_t, which cgo does not check
// (it checks every unsafe.Pointer argument for Go memory, a few ns each).
func cptr(p unsafe.Pointer) C.uintptr_t { return C.uintptr_t(uintptr(p)) }

// hp is the C handle as a uv_handle_t, for libuv's getters.
func (h *handle) hp() *C.uv_handle_t { return (*C.uv_handle_t)(h.ptr) }

// live returns the C handle, or ErrClosed from Close on. It may run on any goroutine, before
// the thread check (which is in the C call that uses the handle and reads only the loop).
func (h *handle) live() (unsafe.Pointer, error) {
	if h.closing.Load() {
		return nil, ErrClosed
	}
	return atomic.LoadPointer(&h.ptr), nil
}

// closed runs in the close callback: it frees the C handle (an Async's once the Async is
// garbage, one that a queued Write2 sends when that write completes) and the token, then calls
// the user's callback.
func (h *handle) closed() {
	switch {
	case HandleType(h.typ) == HandleAsync: // freed once the Async is garbage (NewAsync)
	case h.sends == 0:
		C.free(h.ptr)
	default:
		h.orphan = h.ptr // freed by the last write that sends it
	}
	h.freed()
}

// freeC frees C memory: the cleanup of a Go object that owns it (runtime.AddCleanup).
func freeC(p unsafe.Pointer) { C.free(p) }

// freed is closed once the C handle is freed (by uvg_close_free_cb) or orphaned: it
// releases the token, then calls the user's callback.
func (h *handle) freed() {
	cb := h.closeCb
	releaseToken(h.token)
	atomic.StorePointer(&h.ptr, nil)
	h.token, h.closeCb = nil, nil
	if cb != nil && !h.loop.halted() {
		cb()
	}
}

// Close wraps uv_close: cb (may be nil) runs on the loop once libuv has finished with the
// handle, just after its C memory is freed. Loop-bound; a second Close returns ErrClosed.
func (h *handle) Close(cb func()) error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return h.closeWith(C.uvg_close(h.loop.ptr, cptr(p), h.closeMode(cb)), cb)
}

// freeInC tells the C side whether the close callback may free the handle's memory in C: yes
// when no queued Write2 sends it (none can from Close on: Write2 refuses a closing handle).
func (h *handle) freeInC() C.int { return boolInt(h.sends == 0) }

// closeMode is freeInC for a Close with the Go callback cb: when the memory may be freed in C
// and cb is nil, the close callback is C's alone (UVG_CLOSE_BATCH): the handle joins the loop's
// batch of closed handles, whose tokens drainClosed takes back without a callback per close.
// While the loop is traced, every close callback comes to Go, to be recorded; so does an Async's,
// whose memory outlives it (closed).
func (h *handle) closeMode(cb func()) C.int {
	if h.sends != 0 || HandleType(h.typ) == HandleAsync {
		return C.UVG_CLOSE_GO
	}
	if cb == nil && h.loop.trace == nil {
		return C.UVG_CLOSE_BATCH
	}
	return C.UVG_CLOSE_FREE
}

// drainClosed takes back the tokens of the handles in the batch of s (a loop's uvg_loop_t)
// that were closed with a nil callback (uvg_close_batch_cb): each Go handle forgets its C
// memory, the tokens are released under one lock, then one C call frees the handles. The
// handle of a one-shot timer (TimerStartOneshot) closed by CloseAll has only its token. Called
// on the loop's goroutine: from Run when uv_run returns, from Close, after every callback
// (Loop.recoverCallback), and by the C side when the batch is full.
func drainClosed(state unsafe.Pointer) {
	s := (*C.uvg_loop_t)(state)
	n := int(s.nclosed)
	if n == 0 {
		return
	}
	tokens.mu.Lock()
	for _, p := range s.closed[:n] {
		token := p.data
		slot := tokenSlot(token)
		if v, ok := (*slot).(Handle); ok {
			h := v.base()
			atomic.StorePointer(&h.ptr, nil)
			h.token = nil
		}
		*slot = nil
		tokens.free = append(tokens.free, uintptr(token)-uintptr(tokens.base))
	}
	tokens.mu.Unlock()
	C.uvg_closed_free(cptr(state))
}

// closeWith completes a Close (or a type's own variant, such as CloseReset) with the answer r of
// the C call that closed the handle.
func (h *handle) closeWith(r C.int, cb func()) error {
	if err := status(r); err != nil {
		return err
	}
	h.closing.Store(true)
	h.closeCb = cb
	return nil
}

// Ref wraps uv_ref: the handle keeps the loop's Run going while it is active. Loop-bound;
// ErrClosed after Close.
func (h *handle) Ref() error { return h.ref(1) }

// Unref wraps uv_unref: the handle no longer keeps the loop's Run going. Loop-bound; ErrClosed
// after Close.
func (h *handle) Unref() error { return h.ref(0) }

func (h *handle) ref(on C.int) error {
	p, err := h.live()
	if err != nil {
		return err
	}
	return status(C.uvg_ref(h.loop.ptr, p, on))
}

// HasRef wraps uv_has_ref. Loop-bound; false once the handle is closed.
func (h *handle) HasRef() bool {
	h.loop.assertOwner()
	return h.ptr != nil && C.uv_has_ref(h.hp()) != 0
}

// IsActive wraps uv_is_active. Loop-bound; false once the handle is closed.
func (h *handle) IsActive() bool {
	h.loop.assertOwner()
	return h.ptr != nil && C.uv_is_active(h.hp()) != 0
}

// IsClosing wraps uv_is_closing. Loop-bound; true from Close on.
func (h *handle) IsClosing() bool {
	h.loop.assertOwner()
	if h.ptr == nil {
		return h.closing.Load()
	}
	return C.uv_is_closing(h.hp()) != 0
}

// Fileno wraps uv_fileno: the handle's file descriptor; EINVAL for handle types without one,
// EBADF before it has one. Loop-bound; ErrClosed after Close.
func (h *handle) Fileno() (int, error) {
	p, err := h.live()
	if err != nil {
		return -1, err
	}
	var fd C.int
	if err := status(C.uvg_fileno(h.loop.ptr, p, &fd)); err != nil {
		return -1, err
	}
	return int(fd), nil
}

// SendBufferSize wraps uv_send_buffer_size (read): SO_SNDBUF of a TCP, pipe or UDP handle,
// libuv's EINVAL for other types. Loop-bound; ErrClosed after Close.
func (h *handle) SendBufferSize() (int, error) { return h.bufferSize(1, 0) }

// SetSendBufferSize wraps uv_send_buffer_size (write): sets SO_SNDBUF; 0 is EINVAL (libuv
// reads the size then), a negative size ErrNegative. Loop-bound; ErrClosed after Close.
func (h *handle) SetSendBufferSize(size int) error { return h.setBufferSize(1, size) }

// RecvBufferSize wraps uv_recv_buffer_size (read): SO_RCVBUF of a TCP, pipe or UDP handle,
// libuv's EINVAL for other types. Loop-bound; ErrClosed after Close.
func (h *handle) RecvBufferSize() (int, error) { return h.bufferSize(0, 0) }

// SetRecvBufferSize wraps uv_recv_buffer_size (write): sets SO_RCVBUF; 0 is EINVAL (libuv
// reads the size then), a negative size ErrNegative. Loop-bound; ErrClosed after Close.
func (h *handle) SetRecvBufferSize(size int) error { return h.setBufferSize(0, size) }

func (h *handle) setBufferSize(send C.int, size int) error {
	switch _, err := h.live(); {
	case err != nil:
		return err
	case size < 0:
		return ErrNegative
	case size == 0:
		return EINVAL // libuv reads the size when it is 0: there is no way to set 0
	}
	_, err := h.bufferSize(send, size)
	return err
}

func (h *handle) bufferSize(send C.int, size int) (int, error) {
	p, err := h.live()
	if err != nil {
		return 0, err
	}
	v, err := cint(size)
	if err != nil {
		return 0, err
	}
	if err := status(C.uvg_buffer_size(h.loop.ptr, p, send, &v)); err != nil {
		return 0, err
	}
	return int(v), nil
}

// Type wraps uv_handle_get_type; the handle's type (kept by the Go side), still after
// Close. Safe for concurrent use.
func (h *handle) Type() HandleType { return HandleType(h.typ) }

// TypeName wraps uv_handle_type_name of the handle's type ("timer", "tcp", ...); still
// after Close. Safe for concurrent use (it reads the type the Go side keeps).
func (h *handle) TypeName() string { return h.Type().String() }

// Loop wraps uv_handle_get_loop: the loop the handle was created on, still after Close. Safe
// for concurrent use.
func (h *handle) Loop() *Loop { return h.loop }
