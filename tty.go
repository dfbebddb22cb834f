package uv

// #include "shim_tty.h"
import "C"

// TTY wraps uv_tty_t: a stream over a terminal. Its methods are loop-bound: call them on the
// goroutine running the loop, or while it is not running.
type TTY struct {
	stream
}

// NewTTY wraps uv_tty_init on the terminal fd. fd must be a terminal: anything else (a file,
// /dev/null, a closed descriptor) is libuv's EINVAL. readable matters on Windows; libuv 1.44.2
// on Unix derives IsReadable and IsWritable from fd's access mode (a pseudo-terminal's either
// end, opened read-write, is both). libuv reopens a terminal other than a pseudo-terminal
// master through its /dev path, so that making it non-blocking does not affect other processes
// sharing it: fd is then made to refer to the reopened terminal and stays the caller's to close,
// and Close closes libuv's own descriptor. Otherwise (a pseudo-terminal master, or when the
// reopen fails) the handle uses fd itself with blocking writes, and Close closes fd
// (descriptors 0 to 2 excepted). Loop-bound.
func NewTTY(l *Loop, fd int, readable bool) (*TTY, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	t := &TTY{}
	if err := t.open(l, t, HandleTTY); err != nil {
		return nil, err
	}
	if err := t.opened(C.uvg_tty_new(l.ptr, t.token, cfd, boolInt(readable))); err != nil {
		return nil, err
	}
	return t, nil
}

// TTYMode is a terminal mode of SetMode.
type TTYMode int

// The modes of uv_tty_mode_t.
const (
	// TTYModeNormal: the initial, line-buffered mode.
	TTYModeNormal TTYMode = C.UV_TTY_MODE_NORMAL
	// TTYModeRaw: raw input mode (on Windows, ENABLE_WINDOW_INPUT is also enabled).
	TTYModeRaw TTYMode = C.UV_TTY_MODE_RAW
	// TTYModeIO: binary-safe I/O mode for IPC (Unix only).
	TTYModeIO TTYMode = C.UV_TTY_MODE_IO
)

// SetMode wraps uv_tty_set_mode. libuv remembers the terminal's first mode, for
// TTYResetMode. Loop-bound.
func (t *TTY) SetMode(mode TTYMode) error {
	p, err := t.live()
	if err != nil {
		return err
	}
	return status(C.uvg_tty_set_mode(t.loop.ptr, p, C.uv_tty_mode_t(mode)))
}

// WinSize wraps uv_tty_get_winsize: the terminal's width and height in characters. libuv's
// error (EINVAL, ENOTTY ...) when the system cannot tell. Some environments answer 0 and 0.
// Loop-bound.
func (t *TTY) WinSize() (width, height int, err error) {
	p, err := t.live()
	if err != nil {
		return 0, 0, err
	}
	var w, h C.int
	if err := status(C.uvg_tty_winsize(t.loop.ptr, p, &w, &h)); err != nil {
		return 0, 0, err
	}
	return int(w), int(h), nil
}

// TTYResetMode wraps uv_tty_reset_mode: restores the mode the terminal had before the first
// SetMode that changed it, to be called when the program exits. libuv remembers that
// terminal's descriptor for the life of the process: call TTYResetMode before closing its TTY
// (afterwards libuv applies it to whatever the descriptor number then is, and answers ENOTTY
// or EBADF when it is no terminal). libuv makes it async-signal-safe; it answers EBUSY while a
// SetMode runs on another thread. Safe for concurrent use.
func TTYResetMode() error {
	return status(C.uv_tty_reset_mode())
}

// VTermState says whether the console supports ANSI escape sequences itself (a Windows
// notion; uv_tty_vtermstate_t).
type VTermState int

// The states of uv_tty_vtermstate_t.
const (
	VTermStateSupported   VTermState = C.UV_TTY_SUPPORTED
	VTermStateUnsupported VTermState = C.UV_TTY_UNSUPPORTED
)

// TTYSetVTermState wraps uv_tty_set_vterm_state: on Windows, whether libuv lets the console
// interpret ANSI escape sequences or emulates them; call it before the first NewTTY. libuv does
// nothing on Unix. Safe for concurrent use on Unix; on Windows, call it before the loops start.
func TTYSetVTermState(state VTermState) {
	C.uv_tty_set_vterm_state(C.uv_tty_vtermstate_t(state))
}

// TTYVTermState wraps uv_tty_get_vterm_state: the state libuv chose on Windows. libuv answers
// ENOTSUP on Unix. Safe for concurrent use.
func TTYVTermState() (VTermState, error) {
	var s C.uv_tty_vtermstate_t
	if err := status(C.uv_tty_get_vterm_state(&s)); err != nil {
		return 0, err
	}
	return VTermState(s), nil
}
