// Package uv is a binding of libuv, the C event loop under Node.js, to Go.
//
// It binds the real libuv of the system (found through pkg-config) and keeps its semantics
// unchanged: the loop's phases, the order of callbacks, error codes and close timing are libuv's.
// The Go layer converts types, keeps Go's runtime safe, and turns misuse that would crash C into
// a Go error. Building it needs cgo (a C compiler) and libuv >= 1.44 with its headers, found
// through pkg-config: Debian's and Ubuntu's libuv1-dev, Fedora's libuv-devel, Homebrew's libuv.
//
// # Loops, handles and requests
//
// A [Loop] runs callbacks. Handles ([Timer], [Prepare], [Check], [Idle], [Async], ...) are
// long-lived objects bound to a loop; requests are short-lived operations. Every handle is
// created on a loop, lives until its [Handle] Close callback has run, and cannot be used after
// Close: every method with an error result then returns [ErrClosed], and the getters answer
// false or 0 (each doc comment says what).
//
// # Threads and goroutines
//
// A loop and its handles are not safe for concurrent use, as in libuv: call them from the
// goroutine running [Loop.Run] (inside callbacks), or from any one goroutine while the loop is
// not running. The binding checks the caller in every build. While the loop runs, a method
// with an error result called from another goroutine returns [ErrWrongThread]; a getter
// without an error result (such as [Timer.Repeat] or [Handle] IsActive) panics with a clear
// message instead, as a concurrent map write does. With the build tag uvdebug every call from
// a wrong goroutine panics. Each doc comment ends with who may call it: "Loop-bound." or "Safe
// for concurrent use."
//
// Safe from any goroutine: [Async.Send], [Loop.Post] (which queues a function on the loop but
// does not keep the loop alive) and the [Hold] that [Loop.Hold] returns: taken on the loop or
// before Run and handed to a goroutine, it keeps Run going until it is released, and
// [Hold.Post] hands the goroutine's result to the loop and releases the hold in one step. The work function of [QueueWork] runs on libuv's
// threadpool, its after function on the loop.
//
// # Memory
//
// libuv's structs live in C memory and are freed in the close callback (handles) or completion
// callback (requests). An open handle is kept reachable by the binding until its close callback,
// so no finalizer is involved; a handle that is never closed is a leak that [Loop.Walk] shows.
// Writes are zero copy: the slices passed to Write, UDP.Send, FSWrite or FSRead are pinned
// until the request's callback (a Write or UDP.Send of at most 256 bytes is copied); do not
// modify them before (a read callback's data is copied).
// The []byte of a read callback is the loop's read buffer, valid only during the callback,
// unless the read was started with ReadStartAlloc or RecvStartAlloc and your own buffers.
//
// # Panics
//
// A panic in a callback never unwinds through libuv's C frames: the binding recovers it and
// the callback returns normally to C. By default a panic ends the work, as in Go: no other
// callback of that loop runs (libuv finishes its pass, the binding only frees and releases what
// it must, posted functions stay queued), and [Loop.Run] re-panics with the original value;
// when that panic is not recovered, the crash report shows the original stack. The loop can be
// run again afterwards. With a handler set by [Loop.SetPanicHandler] (Node's
// uncaughtException), each recovered value and its stack go to the handler, on the loop, and
// the loop goes on as libuv would; a panic in the handler falls back to the default.
//
// # Errors
//
// libuv's error codes are [Errno] values (E2BIG ... EOF, EAI_NONAME, ...), named as in libuv.
// They match with errors.Is against syscall.Errno values, io.EOF, and the io/fs errors; path
// operations return an *fs.PathError. [ErrClosed] (which matches net.ErrClosed) and
// [ErrWrongThread] are the binding's own.
//
// # Conventions
//
// Names drop uv_ and the type prefix (uv_timer_start is [Timer.Start]); getters have no Get.
// A callback is always the last argument, and a method taking several buffers takes them as
// one [][]byte, so that the callback can stay last:
//
//	timer.Start(100*time.Millisecond, 0, func() { ... })
//	tcp.Write([][]byte{header, body}, func(err error) { ... })
//
// Go types stand at the edge: time.Duration for every time (libuv counts whole milliseconds:
// durations are rounded up, as each method says), netip.Addr and netip.AddrPort for addresses,
// syscall.Signal for signals (syscall.SIGINT), os.FileMode for modes, []byte for buffers,
// error for results. Constants that POSIX names keep their C names (O_RDONLY, AF_INET,
// SOCK_STREAM); constants of libuv's own are CamelCase without the UV_ prefix (RunDefault for
// UV_RUN_DEFAULT, HandleTimer for UV_TIMER).
package uv

// #cgo CFLAGS: -I${SRCDIR}/libuv
// #include "shim.h"
import "C"

import "unsafe"

// Version wraps uv_version: the version of the libuv in use at run time, packed as
// major<<16 | minor<<8 | patch. Safe for concurrent use.
func Version() uint32 { return uint32(C.uv_version()) }

// headersVersion is the version of the libuv headers the binding was compiled against
// (UV_VERSION_HEX): a function newer than them answers ENOSYS, whatever Version says.
const headersVersion = uint32(C.UV_VERSION_HEX)

// VersionString wraps uv_version_string: the version of the libuv in use at run time, such as
// "1.44.2". Safe for concurrent use.
func VersionString() string { return C.GoString(C.uv_version_string()) }

// tokenRange reserves n bytes of address space for the token table of cgo_callbacks.go (whose
// preamble may not define C functions); nil when the system refuses.
func tokenRange(n uintptr) unsafe.Pointer { return C.uvg_token_range(C.size_t(n)) }
