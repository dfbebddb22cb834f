package uv

//go:generate go run mkerrors.go

// #include "shim.h"
import "C"

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// Errno is a libuv error code: a negative number, one of the constants E2BIG ... EOF of
// zerrors.go. On Unix the system codes are the negated errno values, so an Errno unwraps to the
// matching syscall.Errno: errors.Is(err, syscall.ECONNREFUSED) and errors.Is(err, fs.ErrNotExist)
// hold. EOF unwraps to io.EOF.
type Errno int

// Error wraps uv_strerror_r: libuv's message for the code. Safe for concurrent use.
func (e Errno) Error() string {
	var buf [128]C.char
	return C.GoString(C.uv_strerror_r(C.int(e), &buf[0], C.size_t(len(buf))))
}

// Name wraps uv_err_name_r: the code's name, such as "ECONNREFUSED". Safe for concurrent use.
func (e Errno) Name() string {
	var buf [64]C.char
	return C.GoString(C.uv_err_name_r(C.int(e), &buf[0], C.size_t(len(buf))))
}

// Unwrap returns the syscall.Errno of a system error code, io.EOF for EOF, and nil for libuv's
// own codes (EAI_*, ECHARSET, EFTYPE). Safe for concurrent use.
func (e Errno) Unwrap() error {
	switch {
	case e == EOF:
		return io.EOF
	case e < 0 && e > -3000:
		return syscall.Errno(-e)
	}
	return nil
}

// TranslateSysError wraps uv_translate_sys_error: the libuv code of a platform error number.
// Safe for concurrent use.
func TranslateSysError(errno syscall.Errno) Errno {
	return Errno(C.uv_translate_sys_error(C.int(errno)))
}

// Misuse the binding refuses before it reaches C.
var (
	// ErrClosed: the handle, request or loop was closed. errors.Is(err, net.ErrClosed) holds
	// for it, as for the standard library's closed connections.
	ErrClosed error = closedError{}
	// ErrRunning: Run was called while the loop runs (from a callback, or from another
	// goroutine), or the loop was closed while it runs.
	ErrRunning = errors.New("uv: loop is running")
	// ErrWrongThread: a loop-bound function was called from a goroutine other than the one
	// running the loop. Use Loop.Post to run it on the loop.
	ErrWrongThread = errors.New("uv: loop used from a goroutine other than the one running it")
	// ErrNegative: a negative duration or size where libuv takes an unsigned one.
	ErrNegative = errors.New("uv: negative duration or size")
	// ErrNUL: a string for C (a path, a name, an argument) holds a NUL byte.
	ErrNUL = errors.New("uv: string holds a NUL byte")
)

// closedError is ErrClosed's type: its own message, and net.ErrClosed for errors.Is.
type closedError struct{}

func (closedError) Error() string { return "uv: use of closed handle or loop" }

// Is reports whether target is net.ErrClosed (ErrClosed itself matches by equality).
func (closedError) Is(target error) bool { return target == net.ErrClosed }

// cString copies s to C memory (free it with C.free), or refuses it with ErrNUL.
func cString(s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, ErrNUL
	}
	return C.CString(s), nil
}

// status converts a libuv return value (0 or a negative code) to an error.
func status(r C.int) error {
	switch r {
	case 0:
		return nil
	case C.UVG_EWRONGTHREAD:
		return wrongThread()
	}
	return Errno(r)
}

// cint is the one conversion of a Go integer to C's int (file descriptors, signals, uids, flags,
// sizes): EINVAL when x is out of int's range, so that a large value never wraps around to
// another target.
func cint[T integer](x T) (C.int, error) {
	if int64(x) < -1<<31 || int64(x) > 1<<31-1 || (x > 0 && uint64(x) > 1<<31-1) {
		return 0, EINVAL
	}
	return C.int(x), nil
}

// cuint is cint's sibling for C's unsigned int (uids, gids, flags, counts, seconds): EINVAL
// when x is negative or above 1<<32-1.
func cuint[T integer](x T) (C.uint, error) {
	if x < 0 || uint64(x) > 1<<32-1 {
		return 0, EINVAL
	}
	return C.uint(x), nil
}

// integer is what cint and cuint convert.
type integer interface {
	~int | ~int64 | ~uint | ~uint32 | ~uint64
}

// cint2 is cint of two values (a pair of descriptors, a uid and a gid, ...).
func cint2[A, B integer](a A, b B) (C.int, C.int, error) {
	x, err := cint(a)
	if err != nil {
		return 0, 0, err
	}
	y, err := cint(b)
	return x, y, err
}
