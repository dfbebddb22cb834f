package uv

/*
#include "shim_stream.h"
#cgo noescape uvg_write
#cgo nocallback uvg_write
#cgo noescape uvg_try_write
#cgo nocallback uvg_try_write
*/
import "C"

import "unsafe"

// Stream is what TCP, Pipe and TTY share (uv_stream_t): a duplex byte stream. Its methods are
// loop-bound, like every handle's: call them on the goroutine running the loop (in callbacks),
// or while the loop is not running; from another goroutine they return ErrWrongThread.
type Stream interface {
	Handle
	// Listen wraps uv_listen: cb runs on the loop for each incoming connection (err is libuv's
	// status); accept it with Accept. A nil cb is EINVAL (libuv would call it).
	Listen(backlog int, cb func(err error)) error
	// Accept wraps uv_accept: client, a new handle of the listener's kind, takes the pending
	// connection (or, on an IPC pipe, the pending received handle). Call it in the Listen
	// callback. A nil client is EINVAL, a closed one ErrClosed.
	Accept(client Stream) error
	// ReadStart wraps uv_read_start. cb runs on the loop with what libuv read: data with err
	// nil; an empty data and nil err when libuv reports 0 (EAGAIN, nothing to read); EOF, or
	// another error such as ECONNRESET, with no data. data is the loop's read buffer: valid
	// only during the callback, copy what you keep. A nil cb is EINVAL; reading twice is
	// libuv's EALREADY.
	ReadStart(cb func(data []byte, err error)) error
	// ReadStartAlloc wraps uv_read_start with the caller's allocator: before each read, alloc
	// runs on the loop with libuv's suggested size (64 KiB) and returns the buffer libuv reads
	// into (Go memory, which the binding pins, or C memory); cb then runs as for ReadStart,
	// with data a sub-slice of that buffer: buf[:n] after a read of n bytes, buf[:0] when libuv
	// reports 0 or an error (the buffer handed back; data[:cap(data)] is the whole buffer),
	// except libuv's EOF on a hang-up after a partial read, which comes without an alloc call
	// and with nil data. When alloc returns an empty slice (no memory now: back-pressure),
	// libuv reads nothing and cb gets nil and ENOBUFS; reading goes on, so cb stops reading or
	// alloc returns a buffer the next time. The buffer is pinned from alloc until cb returns;
	// the caller owns it again from then on, and may hand it out again. A panic in alloc is a
	// callback's panic (SetPanicHandler): by default Run re-panics and no read callback runs
	// meanwhile; with a panic handler the read counts as one without a buffer (ENOBUFS). A nil
	// alloc or cb is libuv's EINVAL; libuv's EALREADY when reading already.
	ReadStartAlloc(alloc func(suggested int) []byte, cb func(data []byte, err error)) error
	// ReadStop wraps uv_read_stop: no read callback runs after it returns.
	ReadStop() error
	// Write wraps uv_write: bufs are written in order, after the writes queued before; cb (may
	// be nil) runs on the loop with the result, ECANCELED when the handle is closed first.
	// Up to 256 bytes in all are copied into the request's own C memory: the slices may be
	// reused at once, and with a nil cb nothing stays on the Go side (the WriteReq returned is
	// the stream's shared, completed one) and no callback crosses into Go. More are zero copy:
	// the slices are pinned and read by libuv until cb runs; do not modify them before, and
	// write a copy of a read callback's data (the next read reuses its buffer). No buffer at
	// all is EINVAL (libuv asserts). The WriteReq is valid until cb.
	Write(bufs [][]byte, cb func(err error)) (*WriteReq, error)
	// Write2 wraps uv_write2: Write over an IPC pipe that also sends send, a TCP, pipe or UDP
	// handle, to the other end; libuv's EINVAL on other streams. A nil send is EINVAL. send
	// may be closed before cb: a write still queued then fails with EBADF (the binding keeps
	// send's C memory until cb, since libuv reads it when the write's turn comes).
	Write2(bufs [][]byte, send Handle, cb func(err error)) (*WriteReq, error)
	// TryWrite wraps uv_try_write: writes what can be written now, without queuing, and
	// returns the number of bytes written, or EAGAIN when nothing could be. libuv does not
	// keep bufs: they may be reused at once. No buffer at all is EINVAL.
	TryWrite(bufs [][]byte) (int, error)
	// TryWrite2 wraps uv_try_write2: TryWrite that also sends a handle over an IPC pipe (as
	// Write2). libuv 1.44 does not check the stream's kind here: on TCP only the bytes go.
	TryWrite2(bufs [][]byte, send Handle) (int, error)
	// Shutdown wraps uv_shutdown: shuts the write side down once the queued writes are done;
	// cb (may be nil) runs on the loop with the result. Writes after it are EPIPE.
	Shutdown(cb func(err error)) (*ShutdownReq, error)
	// IsReadable wraps uv_is_readable; false once closed.
	IsReadable() bool
	// IsWritable wraps uv_is_writable; false once closed.
	IsWritable() bool
	// SetBlocking wraps uv_stream_set_blocking: in blocking mode, writes complete
	// synchronously (libuv's caveats apply: meant for TTYs and pipes).
	SetBlocking(blocking bool) error
	// WriteQueueSize wraps uv_stream_get_write_queue_size: the bytes queued and not yet
	// written; 0 once closed.
	WriteQueueSize() int

	streamBase() *stream
}

// stream is the base TCP, Pipe and TTY embed.
type stream struct {
	handle
	connCb  func(error)
	readCb  func([]byte, error)
	rd      readBuf  // the caller's allocator and the buffer libuv holds (ReadStartAlloc)
	pins    pinGroup // the buffers of the writes in flight
	written WriteReq // what Write returns for copied bytes with a nil cb: completed
}

func (s *stream) streamBase() *stream { return s }

// Listen wraps uv_listen: cb runs on the loop for each incoming connection, to Accept.
// Loop-bound; ErrClosed after Close.
func (s *stream) Listen(backlog int, cb func(err error)) error {
	cbacklog, err := cint(backlog)
	if err != nil {
		return err
	}
	p, err := s.live()
	if err != nil {
		return err
	}
	if cb == nil {
		return EINVAL // libuv would call a NULL callback on the first connection
	}
	if err := status(C.uvg_listen(s.loop.ptr, p, cbacklog)); err != nil {
		return err
	}
	s.connCb = cb
	return nil
}

// Accept wraps uv_accept: client takes the pending connection (or received handle), in the
// Listen callback. Loop-bound; ErrClosed after Close of either stream.
func (s *stream) Accept(client Stream) error {
	p, err := s.live()
	if err != nil {
		return err
	}
	if client == nil {
		return EINVAL
	}
	c, err := client.streamBase().live()
	if err != nil {
		return err
	}
	return status(C.uvg_accept(s.loop.ptr, client.streamBase().loop.ptr, p, c))
}

// ReadStart wraps uv_read_start: cb runs on the loop with each read, data valid only during
// the callback. Loop-bound; ErrClosed after Close.
func (s *stream) ReadStart(cb func(data []byte, err error)) error {
	return s.readStart(nil, C.UVG_ALLOC_LOOP, cb)
}

// ReadStartAlloc wraps uv_read_start with alloc as libuv's alloc callback: each read goes into
// the buffer alloc returns, pinned until cb has returned (data is a sub-slice of it); an empty
// buffer is libuv's ENOBUFS. Loop-bound; ErrClosed after Close.
func (s *stream) ReadStartAlloc(alloc func(suggested int) []byte, cb func(data []byte, err error)) error {
	return s.readStart(alloc, goAlloc(alloc), cb)
}

// readStart starts reading with the allocator which (UVG_ALLOC_*, shim.h); alloc is the Go one.
func (s *stream) readStart(alloc func(int) []byte, which C.int, cb func([]byte, error)) error {
	p, err := s.live()
	if err != nil {
		return err
	}
	if err := status(C.uvg_read_start(s.loop.ptr, p, which, boolInt(cb != nil))); err != nil {
		return err
	}
	s.readCb, s.rd.alloc = cb, alloc
	return nil
}

// goAlloc is the allocator a read start passes libuv for the Go allocator alloc: its
// trampoline, or NULL for a nil one (libuv's EINVAL).
func goAlloc(alloc func(int) []byte) C.int {
	if alloc == nil {
		return C.UVG_ALLOC_NIL
	}
	return C.UVG_ALLOC_GO
}

// ReadStop wraps uv_read_stop: no read callback runs after it returns. Loop-bound; ErrClosed
// after Close.
func (s *stream) ReadStop() error {
	p, err := s.live()
	if err != nil {
		return err
	}
	return status(C.uvg_read_stop(s.loop.ptr, p))
}

// read is the read callback's Go side.
func (s *stream) read(nread C.ssize_t, buf *C.uv_buf_t) {
	if s.rd.buf != nil {
		s.readInto(nread, buf)
		return
	}
	switch {
	case nread > 0:
		s.readCb(unsafe.Slice((*byte)(unsafe.Pointer(buf.base)), int(nread)), nil)
	case nread == 0:
		s.readCb(nil, nil)
	default:
		s.readCb(nil, Errno(nread))
	}
}

// readInto is read for a buffer of the caller's allocator, which libuv hands back with every
// read callback: data is a sub-slice of it, unpinned once cb has returned (or panicked).
func (s *stream) readInto(nread C.ssize_t, buf *C.uv_buf_t) {
	defer s.rd.put(&s.pins)
	var err error
	if nread < 0 {
		nread, err = 0, Errno(nread)
	}
	s.readCb(s.rd.data(buf.base, int(nread)), err)
}

// allocRead is libuv's alloc callback of a stream started with ReadStartAlloc.
func (s *stream) allocRead(suggested C.size_t, buf *C.uv_buf_t) {
	s.rd.get(s.loop, &s.pins, suggested, buf)
}

// bufReader is a handle that reads into its caller's buffers (ReadStartAlloc, RecvStartAlloc):
// what the alloc trampoline (uvgAllocCb) restores.
type bufReader interface {
	Handle
	allocRead(suggested C.size_t, buf *C.uv_buf_t)
}

// readBuf is the caller's allocator of a stream or UDP handle (ReadStartAlloc, RecvStartAlloc)
// and the buffer libuv holds, from libuv's alloc callback until the read callback that hands it
// back. libuv calls them in pairs, except that one recvmmsg fills one buffer with several
// datagrams, each its own callback, before a last callback hands it back. Loop-bound.
type readBuf struct {
	alloc func(suggested int) []byte // nil: the loop's buffer (ReadStart, RecvStart)
	buf   []byte                     // the buffer libuv holds, pinned with gen; nil when none
	gen   *pinGen                    // from the handle's pinGroup (its writes' or sends')
}

// get serves libuv's alloc callback with the allocator's buffer, pinned. buf stays empty (libuv
// answers ENOBUFS) when the allocator returns none or panics (the trampoline recovers), and
// when no user callback may run (the loop is halted after a panic).
func (r *readBuf) get(l *Loop, pins *pinGroup, suggested C.size_t, buf *C.uv_buf_t) {
	r.put(pins) // one that libuv did not hand back (not expected: libuv pairs the calls)
	if r.alloc == nil || l.halted() {
		return
	}
	b := r.alloc(int(suggested))
	if len(b) == 0 {
		return
	}
	r.buf, r.gen = b, pins.take()
	r.gen.pinOne(b)
	buf.base = (*C.char)(unsafe.Pointer(&b[0])) // pinned: C may hold it
	buf.len = C.size_t(len(b))
}

// data returns the n bytes libuv read at base, a pointer into the buffer it holds, as a
// sub-slice of that buffer that extends to its end.
func (r *readBuf) data(base *C.char, n int) []byte {
	off := int(uintptr(unsafe.Pointer(base)) - uintptr(unsafe.Pointer(&r.buf[0])))
	return r.buf[off : off+n : len(r.buf)]
}

// put unpins the buffer libuv has handed back: the caller owns it again.
func (r *readBuf) put(pins *pinGroup) {
	if r.gen != nil {
		pins.put(r.gen)
		r.buf, r.gen = nil, nil
	}
}

// Write wraps uv_write: bufs go out in order, after the writes queued before; cb (may be nil)
// runs on the loop with the result. Up to 256 bytes are copied into the request (with a nil
// cb, no Go side at all); more stay pinned until cb (zero copy, except for a read callback's
// data: the next read overwrites the loop's read buffer, so it is copied). The WriteReq is
// reused for a later write once cb has returned (with a nil cb and up to 256 bytes, it is the
// stream's shared, completed one): hold none past cb. Loop-bound; ErrClosed after Close.
func (s *stream) Write(bufs [][]byte, cb func(err error)) (*WriteReq, error) {
	return s.write(nil, cb, bufs)
}

// Write2 wraps uv_write2: Write over an IPC pipe that also sends the handle send. Loop-bound;
// ErrClosed after Close of the stream or of send.
func (s *stream) Write2(bufs [][]byte, send Handle, cb func(err error)) (*WriteReq, error) {
	if send == nil {
		return nil, EINVAL
	}
	return s.write(send.base(), cb, bufs)
}

func (s *stream) write(send *handle, cb func(error), bs [][]byte) (*WriteReq, error) {
	p, err := s.live()
	if err != nil {
		return nil, err
	}
	var sp unsafe.Pointer
	if send != nil {
		if sp, err = send.live(); err != nil {
			return nil, err
		}
	}
	if len(bs) == 0 {
		return nil, EINVAL
	}
	if n := bufsLen(bs); n <= C.UVG_SMALL_WRITE && send == nil {
		return s.writeCopy(p, bs, n, cb)
	}
	if err := pinOwner(s.loop); err != nil {
		return nil, err
	}
	bs = ownBufs(s.loop, bs)
	w := newWriteReq(s.loop, cb) // the C request is allocated by the C call that writes
	if send != nil {
		w.send = send
		send.sends++
	}
	// The buffers are pinned with the stream's pinGroup; the uv_buf_t array is built on the
	// C side for one buffer, on this stack for up to stackBufs (uvg_write is noescape: libuv copies
	// the array into the request).
	w.pins, w.gen = &s.pins, s.pins.take()
	var r C.uvg_new_t
	if len(bs) == 1 {
		var base *C.char
		if b := bs[0]; len(b) > 0 {
			w.gen.pinOne(b)
			base = (*C.char)(unsafe.Pointer(&b[0]))
		}
		r = C.uvg_write(s.loop.ptr, w.token, p, nil, 1, base, C.size_t(len(bs[0])), sp)
	} else {
		var arr [stackBufs]C.uv_buf_t
		b := pinBufs(w.gen, bs, arr[:])
		r = C.uvg_write(s.loop.ptr, w.token, p, b, C.uint(len(bs)), nil, 0, sp)
	}
	if r.err != 0 {
		w.complete() // before status, which panics on a wrong thread with the uvdebug tag
		return nil, status(r.err)
	}
	w.ptr = r.ptr
	return w, nil
}

// writeCopy is Write of n bytes (at most UVG_SMALL_WRITE): gathered on this stack, then copied
// by the C call that checks the thread, allocates the request and writes: one crossing,
// nothing pinned, and with a nil cb (on a loop without a trace) no token and no callback into Go.
func (s *stream) writeCopy(p unsafe.Pointer, bs [][]byte, n int, cb func(error)) (*WriteReq, error) {
	var data [C.UVG_SMALL_WRITE]byte
	gather(data[:], bs)
	var w *WriteReq
	var token unsafe.Pointer
	if cb != nil || s.loop.trace != nil { // a traced loop records every write's callback
		w = newWriteReq(s.loop, cb)
		token = w.token
	}
	r := C.uvg_write_copy(cptr(unsafe.Pointer(s.loop.ptr)), cptr(token), cptr(p),
		C.uintptr_t(uintptr(unsafe.Pointer(&data[0]))), C.size_t(n))
	if r.err != 0 {
		if w != nil {
			w.complete()
		}
		return nil, status(r.err)
	}
	if w == nil {
		s.written.loop, s.written.typ = s.loop, ReqWrite
		return &s.written, nil
	}
	w.ptr = r.ptr
	return w, nil
}

// bufsLen is the total length of bs.
func bufsLen(bs [][]byte) int {
	n := 0
	for _, b := range bs {
		n += len(b)
	}
	return n
}

// gather copies bs, in order, to the start of dst, which is long enough.
func gather(dst []byte, bs [][]byte) {
	n := 0
	for _, b := range bs {
		n += copy(dst[n:], b)
	}
}

// TryWrite wraps uv_try_write: writes what can be written now, without queuing; EAGAIN when
// nothing could be. Loop-bound; ErrClosed after Close.
func (s *stream) TryWrite(bufs [][]byte) (int, error) { return s.tryWrite(nil, bufs) }

// TryWrite2 wraps uv_try_write2: TryWrite over an IPC pipe that also sends the handle send.
// Loop-bound; ErrClosed after Close of the stream or of send.
func (s *stream) TryWrite2(bufs [][]byte, send Handle) (int, error) {
	if send == nil {
		return 0, EINVAL
	}
	return s.tryWrite(send.base(), bufs)
}

func (s *stream) tryWrite(send *handle, bs [][]byte) (int, error) {
	p, err := s.live()
	if err != nil {
		return 0, err
	}
	var sp unsafe.Pointer
	if send != nil {
		if sp, err = send.live(); err != nil {
			return 0, err
		}
	}
	if len(bs) == 0 {
		return 0, EINVAL // libuv asserts nbufs > 0
	}
	// Pinned for the call only (with the stream's pinGroup, which may keep them pinned until
	// the writes in flight pinned with them complete); the array on this stack (noescape).
	if err := pinOwner(s.loop); err != nil {
		return 0, err
	}
	gen := s.pins.take()
	var arr [stackBufs]C.uv_buf_t
	r := C.uvg_try_write(s.loop.ptr, p, pinBufs(gen, bs, arr[:]), C.uint(len(bs)), sp)
	s.pins.put(gen)
	if r < 0 {
		return 0, status(r)
	}
	return int(r), nil
}

// Shutdown wraps uv_shutdown: the write side shuts down once the queued writes are done, then
// cb (may be nil) runs on the loop. Loop-bound; ErrClosed after Close.
func (s *stream) Shutdown(cb func(err error)) (*ShutdownReq, error) {
	p, err := s.live()
	if err != nil {
		return nil, err
	}
	r := &ShutdownReq{cb: cb}
	if err := r.open(s.loop, r, ReqShutdown); err != nil {
		return nil, err
	}
	if st := C.uvg_shutdown(s.loop.ptr, r.ptr, p); st != 0 {
		r.done()
		return nil, status(st)
	}
	return r, nil
}

// IsReadable wraps uv_is_readable. Loop-bound; false once the stream is closed.
func (s *stream) IsReadable() bool {
	s.loop.assertOwner()
	return s.ptr != nil && C.uv_is_readable((*C.uv_stream_t)(s.ptr)) != 0
}

// IsWritable wraps uv_is_writable. Loop-bound; false once the stream is closed.
func (s *stream) IsWritable() bool {
	s.loop.assertOwner()
	return s.ptr != nil && C.uv_is_writable((*C.uv_stream_t)(s.ptr)) != 0
}

// SetBlocking wraps uv_stream_set_blocking: writes complete synchronously in blocking mode
// (meant for TTYs and pipes). Loop-bound; ErrClosed after Close.
func (s *stream) SetBlocking(blocking bool) error {
	p, err := s.live()
	if err != nil {
		return err
	}
	return status(C.uvg_stream_set_blocking(s.loop.ptr, p, boolInt(blocking)))
}

// WriteQueueSize wraps uv_stream_get_write_queue_size: the bytes queued, not yet written.
// Loop-bound; 0 once the stream is closed.
func (s *stream) WriteQueueSize() int {
	s.loop.assertOwner()
	if s.ptr == nil {
		return 0
	}
	return int(C.uv_stream_get_write_queue_size((*C.uv_stream_t)(s.ptr)))
}

// WriteReq wraps uv_write_t: a write in flight, from Write or Write2 until its callback. The
// binding reuses a WriteReq for a later write once its callback has returned (recycle): hold
// none past that.
type WriteReq struct {
	req
	pins *pinGroup // the stream's, where gen comes from
	gen  *pinGen   // what pins the buffers
	cb   func(error)
	send *handle // the handle Write2 sends, whose C memory libuv reads until the callback
}

// complete unpins the buffers and releases the token: in the callback (the C side has freed the
// request's memory before), or when libuv refused the write (the C side freed it too). It frees
// the sent handle's C memory when that handle was closed meanwhile and this was the last write
// sending it.
func (w *WriteReq) complete() {
	if w.gen != nil {
		w.pins.put(w.gen)
		w.pins, w.gen = nil, nil
	}
	releaseToken(w.token)
	w.token = nil
	w.clear()
	if h := w.send; h != nil {
		w.send = nil
		if h.sends--; h.sends == 0 && h.orphan != nil {
			C.free(h.orphan)
			h.orphan = nil
		}
	}
}

// ShutdownReq wraps uv_shutdown_t: a shutdown in flight, from Shutdown until its callback.
type ShutdownReq struct {
	req
	cb func(error)
}

// ConnectReq wraps uv_connect_t: a connection in flight (TCP or pipe Connect) until its
// callback.
type ConnectReq struct {
	req
	cb func(error)
}

// reqDone is the callback of a request whose Go callback only takes the status.
func reqDone(r *req, cb func(error), st C.int) {
	r.done()
	if cb != nil && !r.loop.halted() {
		cb(status(st))
	}
}
