package uv

// #include "shim_poll.h"
import "C"

// PollEvent wraps uv_poll_event: the events a Poll watches and reports, a bit set.
type PollEvent int

// The events of Poll.Start and of its callback.
const (
	// PollReadable: the descriptor is readable.
	PollReadable PollEvent = C.UV_READABLE
	// PollWritable: the descriptor is writable.
	PollWritable PollEvent = C.UV_WRITABLE
	// PollDisconnect: the peer closed its side of the connection (POLLRDHUP).
	PollDisconnect PollEvent = C.UV_DISCONNECT
	// PollPrioritized: out-of-band or other priority data (POLLPRI) is readable.
	PollPrioritized PollEvent = C.UV_PRIORITIZED
)

const pollAll = PollReadable | PollWritable | PollDisconnect | PollPrioritized

// Poll wraps uv_poll_t: watches a file descriptor that something else reads and writes (a
// socket made with the syscall package, a descriptor of another library) for readability and
// writability, the way epoll does. libuv makes the descriptor non-blocking and does not own it:
// close the descriptor after the handle's close callback, never while it is polled. A loop may
// have one active Poll per descriptor. Its methods are loop-bound: call them on the goroutine
// running the loop, or while it is not running.
type Poll struct {
	handle
	cb func(PollEvent, error)
}

// NewPoll wraps uv_poll_init: a Poll of the file descriptor fd. libuv answers EEXIST when the
// loop already polls fd, and EPERM for a descriptor epoll refuses (a regular file, a
// directory). Loop-bound; ErrClosed on a closed loop.
func NewPoll(l *Loop, fd int) (*Poll, error) { return newPoll(l, fd, 0) }

// NewPollSocket wraps uv_poll_init_socket: a Poll of the socket fd. On Unix it is NewPoll.
// Loop-bound; ErrClosed on a closed loop.
func NewPollSocket(l *Loop, fd int) (*Poll, error) { return newPoll(l, fd, 1) }

func newPoll(l *Loop, fd int, socket C.int) (*Poll, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	p := &Poll{}
	if err := p.open(l, p, HandlePoll); err != nil {
		return nil, err
	}
	if err := p.opened(C.uvg_poll_new(l.ptr, p.token, cfd, socket)); err != nil {
		return nil, err
	}
	return p, nil
}

// Start wraps uv_poll_start: cb runs on the loop each time one of events occurs, with the
// events that occurred, until Stop; the descriptor is level-triggered, as with poll(2). A
// Start on a started Poll replaces its events and callback. Events 0 stops the Poll, as libuv
// does. When libuv reports an error (EBADF once the descriptor is in an error state), cb
// receives it with no events, and the Poll is stopped. Unknown event bits are EINVAL (libuv
// asserts), and so is a nil cb with events (libuv would call it).
// Loop-bound; ErrClosed after Close.
func (p *Poll) Start(events PollEvent, cb func(events PollEvent, err error)) error {
	h, err := p.live()
	if err != nil {
		return err
	}
	if events&^pollAll != 0 || events != 0 && cb == nil {
		return EINVAL
	}
	if err := status(C.uvg_poll_start(p.loop.ptr, h, C.int(events))); err != nil {
		return err
	}
	if events != 0 {
		p.cb = cb
	}
	return nil
}

// Stop wraps uv_poll_stop: the descriptor is no longer watched. Loop-bound; ErrClosed after Close.
func (p *Poll) Stop() error {
	h, err := p.live()
	if err != nil {
		return err
	}
	return status(C.uvg_poll_stop(p.loop.ptr, h))
}
