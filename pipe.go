package uv

// #include "shim_pipe.h"
import "C"

import "unsafe"

// Pipe wraps uv_pipe_t: a stream over a Unix domain socket or an anonymous pipe, and, when
// created for IPC, a channel that also carries handles between processes (Write2, PendingCount,
// AcceptPending). Its methods are loop-bound: call them on the goroutine running the loop, or
// while it is not running.
type Pipe struct {
	stream
}

// NewPipe wraps uv_pipe_init. ipc makes the pipe an IPC channel, able to send and receive
// handles; both ends of a channel must be IPC pipes. Loop-bound.
func NewPipe(l *Loop, ipc bool) (*Pipe, error) {
	p := &Pipe{}
	if err := p.open(l, p, HandleNamedPipe); err != nil {
		return nil, err
	}
	if err := p.opened(C.uvg_pipe_new(l.ptr, p.token, boolInt(ipc))); err != nil {
		return nil, err
	}
	return p, nil
}

// Open wraps uv_pipe_open: the pipe takes fd, an open socket or pipe, which libuv sets to
// non-blocking mode; Close closes it (descriptors 0 to 2 excepted, as libuv does). Do not close
// fd yourself afterwards. An fd already watched by the loop is libuv's EEXIST. Loop-bound.
func (p *Pipe) Open(fd int) error {
	cfd, err := cint(fd)
	if err != nil {
		return err
	}
	ptr, err := p.live()
	if err != nil {
		return err
	}
	return status(C.uvg_pipe_open(p.loop.ptr, ptr, cfd))
}

// Bind wraps uv_pipe_bind: binds the pipe to the Unix socket path name (created; Close does
// not remove it). A NUL byte in name is ErrNUL. A name longer than the socket address can
// hold is truncated without an error, and the truncated path is bound (SockName then answers
// it): on Linux to 107 bytes up to libuv 1.45, to all 108 bytes of sun_path, without a NUL,
// from 1.46 (where libuv 1.46-1.48 measure such a name past sun_path's end: SockName and a
// peer's PeerName are unreliable there). A used path is EADDRINUSE, a missing directory EACCES
// (libuv's mapping of ENOENT); binding twice is EINVAL. Loop-bound.
func (p *Pipe) Bind(name string) error {
	ptr, err := p.live()
	if err != nil {
		return err
	}
	s, err := cString(name)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(s))
	return status(C.uvg_pipe_bind(p.loop.ptr, ptr, s))
}

// Connect wraps uv_pipe_connect: connects the pipe to the Unix socket path name. uv_pipe_connect
// reports nothing itself: cb (may be nil) runs on the loop with the result, libuv's errors
// (ENOENT for a missing path, ECONNREFUSED or ENOTSOCK for a path that is not a listening
// socket) included. The returned error is the binding's only: ErrClosed, ErrNUL (a NUL byte in
// name), ErrWrongThread. A name longer than a socket address holds is truncated as in Bind
// (107 bytes up to libuv 1.45, 108 from 1.46). Loop-bound.
func (p *Pipe) Connect(name string, cb func(err error)) (*ConnectReq, error) {
	ptr, err := p.live()
	if err != nil {
		return nil, err
	}
	s, err := cString(name)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(s))
	r := &ConnectReq{cb: cb}
	if err := r.open(p.loop, r, ReqConnect); err != nil {
		return nil, err
	}
	if st := C.uvg_pipe_connect(p.loop.ptr, r.ptr, ptr, s); st != 0 {
		r.done() // before status, which panics on a wrong thread with the uvdebug tag
		return nil, status(st)
	}
	return r, nil
}

// PipeFlags are the flags of Bind2 and Connect2.
type PipeFlags uint

// PipeNoTruncate (UV_PIPE_NO_TRUNCATE): a name longer than a socket address holds is EINVAL
// instead of being cut.
const PipeNoTruncate PipeFlags = C.UVG_PIPE_NO_TRUNCATE

// Bind2 wraps uv_pipe_bind2: Bind, with flags, and a name that may hold NUL bytes: on Linux a
// name starting with one is a socket of the abstract namespace (no file), and the empty name
// binds to an abstract name the kernel picks (read it with SockName). Without PipeNoTruncate a
// name longer than a socket address holds (108 bytes on Linux) is cut to that length without
// an error; with it, that is EINVAL. An unknown flag is libuv's EINVAL, and so is a NUL byte
// after the first one. ENOSYS before libuv 1.46. Loop-bound.
func (p *Pipe) Bind2(name string, flags PipeFlags) error {
	ptr, err := p.live()
	if err != nil {
		return err
	}
	f, err := cuint(flags)
	if err != nil {
		return err
	}
	s := C.CString(name) // its bytes, NULs included, and one more
	defer C.free(unsafe.Pointer(s))
	return status(C.uvg_pipe_bind2(p.loop.ptr, C.uintptr_t(uintptr(ptr)), s, C.size_t(len(name)), f))
}

// Connect2 wraps uv_pipe_connect2: Connect, with flags and a name as in Bind2 (an abstract
// socket's starts with a NUL byte; the empty name is libuv's EINVAL). The returned error is
// libuv's when it refused to start (EINVAL for an unknown flag, a name it refuses, a long name
// with PipeNoTruncate), or the binding's (ErrClosed, ErrWrongThread); then cb does not run.
// Otherwise cb (may be nil) runs on the loop with the result. ENOSYS before libuv 1.46.
// Loop-bound.
func (p *Pipe) Connect2(name string, flags PipeFlags, cb func(err error)) (*ConnectReq, error) {
	ptr, err := p.live()
	if err != nil {
		return nil, err
	}
	f, err := cuint(flags)
	if err != nil {
		return nil, err
	}
	s := C.CString(name)
	defer C.free(unsafe.Pointer(s))
	r := &ConnectReq{cb: cb}
	if err := r.open(p.loop, r, ReqConnect); err != nil {
		return nil, err
	}
	if st := C.uvg_pipe_connect2(p.loop.ptr, r.ptr, C.uintptr_t(uintptr(ptr)), s, C.size_t(len(name)), f); st != 0 {
		r.done() // before status, which panics on a wrong thread with the uvdebug tag
		return nil, status(st)
	}
	return r, nil
}

// SockName wraps uv_pipe_getsockname: the path the pipe is bound to; "" for an unbound or
// connected-only socket. A Linux abstract socket's name starts with a NUL byte. EBADF before
// the pipe has a descriptor. Loop-bound.
func (p *Pipe) SockName() (string, error) { return p.name(0) }

// PeerName wraps uv_pipe_getpeername: the path of the socket the pipe is connected to.
// ENOTCONN for a listening socket, EBADF before the pipe has a descriptor. Loop-bound.
func (p *Pipe) PeerName() (string, error) { return p.name(1) }

// name asks libuv with a buffer that grows while libuv answers ENOBUFS (libuv then says the
// size it needs).
func (p *Pipe) name(peer C.int) (string, error) {
	ptr, err := p.live()
	if err != nil {
		return "", err
	}
	buf := make([]byte, 128)
	for {
		n := C.size_t(len(buf))
		r := C.uvg_pipe_name(p.loop.ptr, ptr, peer, (*C.char)(unsafe.Pointer(&buf[0])), &n)
		if r == C.UV_ENOBUFS && int(n) > len(buf) {
			buf = make([]byte, n)
			continue
		}
		if err := status(r); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
}

// SetPendingInstances wraps uv_pipe_pending_instances: the number of pending pipe instances
// when the pipe is a server. It only has an effect on Windows; on Unix libuv ignores it.
// Loop-bound.
func (p *Pipe) SetPendingInstances(count int) error {
	ccount, err := cint(count)
	if err != nil {
		return err
	}
	ptr, err := p.live()
	if err != nil {
		return err
	}
	if count < 0 {
		return ErrNegative
	}
	return status(C.uvg_pipe_pending_instances(p.loop.ptr, ptr, ccount))
}

// PendingCount wraps uv_pipe_pending_count: the number of handles received on an IPC pipe and
// not yet accepted; 0 once closed. Loop-bound.
func (p *Pipe) PendingCount() int {
	p.loop.assertOwner()
	if p.ptr == nil || p.closing.Load() {
		return 0
	}
	return int(C.uv_pipe_pending_count((*C.uv_pipe_t)(p.ptr)))
}

// PendingType wraps uv_pipe_pending_type: the type of the next handle to accept (HandleTCP,
// HandleNamedPipe or HandleUDP), HandleUnknown when none is pending or the pipe is closed.
// Loop-bound.
func (p *Pipe) PendingType() HandleType {
	p.loop.assertOwner()
	if p.ptr == nil || p.closing.Load() {
		return HandleUnknown
	}
	return HandleType(C.uv_pipe_pending_type((*C.uv_pipe_t)(p.ptr)))
}

// AcceptPending accepts the next handle received on an IPC pipe (uv_accept): it creates a
// handle of PendingType on the pipe's loop (a *TCP, a non-IPC *Pipe or a *UDP) and returns it,
// or EAGAIN when nothing is pending. The received handle is the caller's to close. Loop-bound.
func (p *Pipe) AcceptPending() (Handle, error) {
	ptr, err := p.live()
	if err != nil {
		return nil, err
	}
	var client Handle
	switch t := C.uvg_pipe_pending_type(p.loop.ptr, ptr); t {
	case C.UVG_EWRONGTHREAD:
		return nil, wrongThread()
	case C.UV_NAMED_PIPE:
		client, err = NewPipe(p.loop, false)
	case C.UV_TCP:
		client, err = NewTCP(p.loop)
	case C.UV_UDP:
		client, err = NewUDP(p.loop)
	case C.UV_UNKNOWN_HANDLE:
		return nil, EAGAIN
	default:
		return nil, ENOTSUP // libuv sends only TCP, pipe and UDP handles
	}
	if err != nil {
		return nil, err
	}
	if err := status(C.uvg_accept(p.loop.ptr, p.loop.ptr, ptr, client.base().ptr)); err != nil {
		client.Close(nil)
		return nil, err
	}
	return client, nil
}

// PipeMode is what Chmod grants: PipeReadable, PipeWritable or both.
type PipeMode int

// The modes of Chmod (UV_READABLE, UV_WRITABLE).
const (
	PipeReadable PipeMode = C.UV_READABLE
	PipeWritable PipeMode = C.UV_WRITABLE
)

// Chmod wraps uv_pipe_chmod: makes the bound socket file readable and/or writable by everyone.
// A mode other than PipeReadable, PipeWritable or both is libuv's EINVAL; EBADF before Bind.
// Loop-bound.
func (p *Pipe) Chmod(mode PipeMode) error {
	cmode, err := cint(mode)
	if err != nil {
		return err
	}
	ptr, err := p.live()
	if err != nil {
		return err
	}
	return status(C.uvg_pipe_chmod(p.loop.ptr, ptr, cmode))
}

// Pipe2 wraps uv_pipe: an anonymous pipe, fds[0] the read end and fds[1] the write end, both
// close-on-exec; readFlags and writeFlags are the flags of each end: 0, or NonblockPipe for
// non-blocking mode, as a Pipe wants it. The descriptors are the caller's: hand them to
// Pipe.Open, or close them with syscall.Close. Safe for concurrent use.
func Pipe2(readFlags, writeFlags int) ([2]int, error) {
	crf, cwf, err := cint2(readFlags, writeFlags)
	if err != nil {
		return [2]int{-1, -1}, err
	}
	var fds [2]C.int
	if err := status(C.uvg_pipe(&fds[0], crf, cwf)); err != nil {
		return [2]int{-1, -1}, err
	}
	return [2]int{int(fds[0]), int(fds[1])}, nil
}
