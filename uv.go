// Package uv is a binding of libuv, the C event loop under Node.js, to Go.
//
// It binds the real libuv of the system (found through pkg-config) and keeps its semantics
// unchanged: the loop's phases, the order of callbacks, error codes and close timing are libuv's.
// The Go layer converts types, keeps Go's runtime safe, and turns misuse that would crash C into
// a Go error.
//
// # Loops, handles and requests
//
// A [Loop] runs callbacks. Handles ([Timer], [Prepare], [Check], [Idle], [Async], ...) are
// long-lived objects bound to a loop; requests are short-lived operations. Every handle is
// created on a loop, lives until its [Handle] Close callback has run, and cannot be used after
// Close: every method then returns [ErrClosed].
//
// # Threads and goroutines
//
// A loop and its handles are not safe for concurrent use, as in libuv: call them from the
// goroutine running [Loop.Run] (inside callbacks), or from any one goroutine while the loop is
// not running. A call from another goroutine while the loop runs returns [ErrWrongThread]. Safe
// from any goroutine: [Async.Send] and [Loop.Post]. With the build tag uvdebug, every loop-bound
// call checks its thread and panics with a clear message instead.
//
// # Memory
//
// libuv's structs live in C memory and are freed in the close callback (handles) or completion
// callback (requests). An open handle is kept reachable by the binding until its close callback,
// so no finalizer is involved; a handle that is never closed is a leak that [Loop.Walk] shows.
//
// # Panics
//
// A panic in a callback never unwinds through libuv's C frames: the binding recovers it, lets
// the current callback return, stops the loop (uv_stop) and re-panics from [Loop.Run] with the
// original value. When that panic is not recovered, the crash report shows the original stack.
//
// # Errors
//
// libuv's error codes are [Errno] values (E2BIG ... EOF, EAI_NONAME, ...). They match with
// errors.Is against syscall.Errno values, io.EOF, and the io/fs errors.
package uv

// #cgo CFLAGS: -I${SRCDIR}/libuv
// #include "shim.h"
import "C"

// Version wraps uv_version: the version of the libuv in use at run time, packed as
// major<<16 | minor<<8 | patch. Safe for concurrent use.
func Version() uint32 { return uint32(C.uv_version()) }

// headersVersion is the version of the libuv headers the binding was compiled against
// (UV_VERSION_HEX): a function newer than them answers ENOSYS, whatever Version says.
const headersVersion = uint32(C.UV_VERSION_HEX)

// VersionString wraps uv_version_string: the version of the libuv in use at run time, such as
// "1.44.2". Safe for concurrent use.
func VersionString() string { return C.GoString(C.uv_version_string()) }
