package uv

// #include "shim_process.h"
import "C"

import (
	"strings"
	"syscall"
	"unsafe"
)

// Process wraps uv_process_t: a child process started by Spawn. Its methods are loop-bound:
// call them on the goroutine running the loop, or while it is not running.
//
// libuv reaps its children from a SIGCHLD handler of its own, which replaces the Go runtime's:
// the binding installs it once per process, with the SA_ONSTACK flag the runtime requires,
// before the first child exists (see libuv/shim_process.h). From then on os/signal no longer
// sees SIGCHLD; os/exec is not affected (libuv waits only for its own children, os/exec for
// its own). Spawn forks the Go process: the fork copies the page tables, so its cost grows
// with the memory the process has mapped (the Go heap included).
type Process struct {
	handle
	exit func(p *Process, exitStatus int64, termSignal syscall.Signal)
}

// ProcessFlags are the flags of ProcessOptions (uv_process_flags).
type ProcessFlags uint

// The flags of ProcessOptions.
const (
	// ProcessSetUID (UV_PROCESS_SETUID): the child runs with ProcessOptions.UID (setuid in the
	// child, after setgroups(0, NULL) is tried); a failure is Spawn's error (EPERM).
	ProcessSetUID ProcessFlags = C.UV_PROCESS_SETUID
	// ProcessSetGID (UV_PROCESS_SETGID): the child runs with ProcessOptions.GID.
	ProcessSetGID ProcessFlags = C.UV_PROCESS_SETGID
	// ProcessWindowsVerbatimArguments (UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS): no quoting of
	// the arguments on Windows. Accepted and ignored on Unix, as libuv does.
	ProcessWindowsVerbatimArguments ProcessFlags = C.UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS
	// ProcessDetached (UV_PROCESS_DETACHED): the child calls setsid, leading a new session and
	// process group, so it may outlive the parent; the handle still keeps the loop alive until
	// Unref.
	ProcessDetached ProcessFlags = C.UV_PROCESS_DETACHED
	// ProcessWindowsHide (UV_PROCESS_WINDOWS_HIDE): hide the child's window on Windows.
	// Accepted and ignored on Unix, as libuv does.
	ProcessWindowsHide ProcessFlags = C.UV_PROCESS_WINDOWS_HIDE
	// ProcessWindowsHideConsole (UV_PROCESS_WINDOWS_HIDE_CONSOLE): hide the child's console
	// window on Windows. Accepted and ignored on Unix, as libuv does.
	ProcessWindowsHideConsole ProcessFlags = C.UV_PROCESS_WINDOWS_HIDE_CONSOLE
	// ProcessWindowsHideGUI (UV_PROCESS_WINDOWS_HIDE_GUI): hide the child's main window on
	// Windows. Accepted and ignored on Unix, as libuv does.
	ProcessWindowsHideGUI ProcessFlags = C.UV_PROCESS_WINDOWS_HIDE_GUI
)

// processFlagsAll are the flags libuv accepts; it asserts on any other.
const processFlagsAll = ProcessSetUID | ProcessSetGID | ProcessWindowsVerbatimArguments | ProcessDetached |
	ProcessWindowsHide | ProcessWindowsHideConsole | ProcessWindowsHideGUI

// StdioFlags are the flags of a StdioContainer (uv_stdio_flags): one of StdioIgnore,
// StdioCreatePipe, StdioInheritFD and StdioInheritStream, and with StdioCreatePipe the
// direction and mode of the pipe.
type StdioFlags int

// The flags of a StdioContainer.
const (
	// StdioIgnore (UV_IGNORE): the child gets nothing at this descriptor; descriptors 0 to 2
	// are opened on /dev/null in the child, as libuv does.
	StdioIgnore StdioFlags = C.UV_IGNORE
	// StdioCreatePipe (UV_CREATE_PIPE): libuv creates a socketpair, gives one end to the
	// child and opens the other in the container's Pipe.
	StdioCreatePipe StdioFlags = C.UV_CREATE_PIPE
	// StdioInheritFD (UV_INHERIT_FD): the child gets the parent's descriptor FD.
	StdioInheritFD StdioFlags = C.UV_INHERIT_FD
	// StdioInheritStream (UV_INHERIT_STREAM): the child gets the descriptor of the Stream.
	StdioInheritStream StdioFlags = C.UV_INHERIT_STREAM
	// StdioReadablePipe (UV_READABLE_PIPE): the child reads from the created pipe (the
	// direction is the child's: the parent's Pipe becomes writable).
	StdioReadablePipe StdioFlags = C.UV_READABLE_PIPE
	// StdioWritablePipe (UV_WRITABLE_PIPE): the child writes to the created pipe (the
	// parent's Pipe becomes readable).
	StdioWritablePipe StdioFlags = C.UV_WRITABLE_PIPE
	// StdioNonblockPipe (UV_NONBLOCK_PIPE): the child's end is opened in non-blocking mode,
	// where the platform supports it (libuv 1.44 makes no difference on Unix: a socketpair
	// end is blocking in the child).
	StdioNonblockPipe StdioFlags = C.UV_NONBLOCK_PIPE
	// StdioOverlappedPipe (UV_OVERLAPPED_PIPE) is libuv's older name of StdioNonblockPipe.
	StdioOverlappedPipe StdioFlags = C.UV_OVERLAPPED_PIPE
)

// stdioKinds are the bits of which a container's kind is one (or none: StdioIgnore).
const stdioKinds = StdioCreatePipe | StdioInheritFD | StdioInheritStream

// StdioContainer wraps uv_stdio_container_t: what the child gets at one descriptor. The zero
// value is StdioIgnore. Build it with Ignore, CreatePipe, InheritFD or InheritStream.
type StdioContainer struct {
	// Flags is the container's kind (StdioIgnore, StdioCreatePipe, StdioInheritFD or
	// StdioInheritStream) and, for a pipe, its StdioReadablePipe, StdioWritablePipe, ... bits.
	Flags StdioFlags
	// Stream is the *Pipe of StdioCreatePipe, or the stream of StdioInheritStream.
	Stream Stream
	// FD is the descriptor of StdioInheritFD.
	FD int
}

// Ignore returns a StdioIgnore container (UV_IGNORE). Safe for concurrent use.
func Ignore() StdioContainer { return StdioContainer{} }

// CreatePipe returns a StdioCreatePipe container (UV_CREATE_PIPE) for p, a pipe created with
// NewPipe and not yet open; flags adds StdioReadablePipe, StdioWritablePipe (the child's
// directions) and StdioNonblockPipe. After Spawn, p is the parent's end, open; read from it or
// write to it, and close it. Safe for concurrent use.
func CreatePipe(p *Pipe, flags StdioFlags) StdioContainer {
	c := StdioContainer{Flags: StdioCreatePipe | flags&^stdioKinds}
	if p != nil {
		c.Stream = p
	}
	return c
}

// InheritFD returns a StdioInheritFD container (UV_INHERIT_FD): the child gets the parent's
// descriptor fd. Safe for concurrent use.
func InheritFD(fd int) StdioContainer { return StdioContainer{Flags: StdioInheritFD, FD: fd} }

// InheritStream returns a StdioInheritStream container (UV_INHERIT_STREAM): the child gets the
// descriptor of s (a TCP, Pipe or TTY). Safe for concurrent use.
func InheritStream(s Stream) StdioContainer {
	return StdioContainer{Flags: StdioInheritStream, Stream: s}
}

// ProcessOptions wraps uv_process_options_t: what Spawn starts and how.
type ProcessOptions struct {
	// File is the program to run; libuv searches PATH (the parent's, or the one in Env) when
	// it holds no slash (execvp).
	File string
	// Args is the argument vector, Args[0] the program's name by convention; libuv passes it
	// as is: an empty Args gives the child an empty argument vector.
	Args []string
	// Env is the child's environment (KEY=VALUE); nil inherits the parent's, and an empty
	// non-nil slice gives an empty one.
	Env []string
	// Dir is the child's working directory (cwd); "" inherits the parent's.
	Dir string
	// Flags are ProcessSetUID, ProcessSetGID, ProcessDetached and the Windows-only flags,
	// which libuv ignores here.
	Flags ProcessFlags
	// Stdio says what the child gets at descriptors 0, 1, 2, ...; descriptors 0 to 2 that it
	// does not cover are opened on /dev/null in the child, as libuv does.
	Stdio []StdioContainer
	// UID and GID are the child's user and group with ProcessSetUID and ProcessSetGID.
	UID, GID uint32
}

// Spawn wraps uv_spawn: starts the program of opts in a child process, on l. exit (may be nil)
// runs on the loop once the child has ended, with its exit status (0 when a signal ended it)
// and the signal that ended it (0 when it exited); the Process is still open then: close it.
// The Process is active until then, keeping the loop alive unless Unref'd.
//
// As in libuv, a failure after the handle is initialized (ENOENT for a program that does not
// exist, EACCES, EPERM of ProcessSetUID, ...) returns the error together with a Process,
// inactive, that must still be closed (its exit callback never runs). The binding's own
// errors come with a nil Process: ErrClosed, ErrWrongThread (l, or the loop of a stdio stream,
// runs on another goroutine), ErrNUL (a NUL byte in File, Args, Env or Dir), EINVAL (nil opts,
// unknown flags, a stdio container with more than one kind, or a nil Stream where one is
// needed). Everything Spawn copies to C memory is freed before it returns: libuv needs it only
// until the child has called exec, which uv_spawn waits for. Loop-bound.
func Spawn(l *Loop, opts *ProcessOptions, exit func(p *Process, exitStatus int64, termSignal syscall.Signal)) (*Process, error) {
	if l.ptr == nil {
		return nil, ErrClosed
	}
	if opts == nil || opts.Flags&^processFlagsAll != 0 {
		return nil, EINVAL
	}
	streams := make([]unsafe.Pointer, len(opts.Stdio))
	loops := make([]*C.uv_loop_t, len(opts.Stdio)+1) // the stdio streams' loops, NULL-ended
	for i, c := range opts.Stdio {
		if _, err := cint(c.FD); err != nil { // cOptions converts both, checked here
			return nil, err
		}
		if _, err := cint(c.Flags); err != nil {
			return nil, err
		}
		switch c.Flags & stdioKinds {
		case StdioIgnore, StdioInheritFD:
		case StdioCreatePipe, StdioInheritStream:
			if c.Stream == nil {
				return nil, EINVAL // libuv would dereference NULL
			}
			p, err := c.Stream.streamBase().live()
			if err != nil {
				return nil, err
			}
			streams[i], loops[i] = p, c.Stream.base().loop.ptr
		default:
			return nil, EINVAL // libuv asserts one kind
		}
	}
	o, err := opts.cOptions(streams)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(o))
	p := &Process{exit: exit}
	if err := p.open(l, p, HandleProcess); err != nil {
		return nil, err
	}
	r := C.uvg_spawn(l.ptr, &loops[0], p.token, o, boolInt(exit != nil))
	if r.ptr == nil {
		return nil, p.opened(r)
	}
	p.ptr = r.ptr
	if r.err != 0 {
		return p, status(r.err)
	}
	return p, nil
}

// cOptions copies o to one C block: the uv_process_options_t, the stdio containers, the
// argument and environment vectors, then the strings. streams are the C handles of the
// containers that name one. Free the block with C.free.
func (o *ProcessOptions) cOptions(streams []unsafe.Pointer) (*C.uv_process_options_t, error) {
	const ptr = unsafe.Sizeof(uintptr(0))
	size := unsafe.Sizeof(C.uv_process_options_t{})
	strs := len(o.File) + 1 + len(o.Dir) + 1
	nul := strings.IndexByte(o.File, 0) >= 0 || strings.IndexByte(o.Dir, 0) >= 0
	for _, list := range [][]string{o.Args, o.Env} {
		for _, s := range list {
			strs += len(s) + 1
			nul = nul || strings.IndexByte(s, 0) >= 0
		}
	}
	if nul {
		return nil, ErrNUL
	}
	stdioAt := size
	size += uintptr(len(o.Stdio)) * unsafe.Sizeof(C.uv_stdio_container_t{})
	argsAt := size
	if o.Args != nil {
		size += uintptr(len(o.Args)+1) * ptr
	} else {
		size += ptr // an empty vector: libuv passes args to execvp as is
	}
	envAt := size
	if o.Env != nil {
		size += uintptr(len(o.Env)+1) * ptr
	}
	block := C.calloc(1, C.size_t(size+uintptr(strs)))
	if block == nil {
		return nil, ENOMEM
	}
	text := unsafe.Slice((*byte)(unsafe.Add(block, size)), strs)
	at := 0
	str := func(s string) *C.char {
		p := (*C.char)(unsafe.Pointer(&text[at]))
		at += copy(text[at:], s) + 1 // calloc wrote the NUL
		return p
	}
	vector := func(off uintptr, list []string) **C.char {
		v := unsafe.Slice((**C.char)(unsafe.Add(block, off)), len(list)+1)
		for i, s := range list {
			v[i] = str(s)
		}
		return &v[0]
	}
	co := (*C.uv_process_options_t)(block)
	co.file = str(o.File)
	co.args = vector(argsAt, o.Args)
	if o.Env != nil {
		co.env = vector(envAt, o.Env)
	}
	if o.Dir != "" {
		co.cwd = str(o.Dir)
	}
	co.flags = C.uint(o.Flags)
	co.uid = C.uv_uid_t(o.UID)
	co.gid = C.uv_gid_t(o.GID)
	if n := len(o.Stdio); n > 0 {
		stdio := unsafe.Slice((*C.uv_stdio_container_t)(unsafe.Add(block, stdioAt)), n)
		for i, c := range o.Stdio {
			C.uvg_stdio_set(&stdio[i], C.int(c.Flags), streams[i], C.int(c.FD)) // checked by Spawn
		}
		co.stdio = &stdio[0]
		co.stdio_count = C.int(n)
	}
	return co, nil
}

// PID wraps uv_process_get_pid: the child's process id; 0 when uv_spawn failed (libuv 1.44
// sets it only on success; a child that failed to exec was reaped by uv_spawn), or once the
// handle is closed. Loop-bound.
func (p *Process) PID() int {
	p.loop.assertOwner()
	if p.ptr == nil {
		return 0
	}
	return int(C.uv_process_get_pid((*C.uv_process_t)(p.ptr)))
}

// Close wraps uv_close: the child is not signalled and the exit callback does not run, as in
// libuv; cb (may be nil) runs on the loop once libuv has finished with the handle. A child that
// has not exited yet is still reaped when it does (libuv 1.44 would leave it a zombie): the
// binding waits for it from its own SIGCHLD watcher. A second Close returns ErrClosed.
// Loop-bound.
func (p *Process) Close(cb func()) error {
	ptr, err := p.live()
	if err != nil {
		return err
	}
	return p.closeWith(C.uvg_process_close(p.loop.ptr, ptr, p.freeInC()), cb)
}

// Kill wraps uv_process_kill: sends sig to the child (0 checks that it exists). libuv's
// errors are kill's: ESRCH once the child has been reaped (libuv keeps the pid, so a pid reused
// by then would be signalled), EINVAL for an invalid signal number. The binding answers ESRCH
// for a Process whose uv_spawn failed (pid 0, which kill would take as this process group).
// Loop-bound.
func (p *Process) Kill(sig syscall.Signal) error {
	ptr, err := p.live()
	if err != nil {
		return err
	}
	cs, err := cint(sig)
	if err != nil {
		return err
	}
	return status(C.uvg_process_kill(p.loop.ptr, ptr, cs))
}

// Kill wraps uv_kill: sends sig to the process pid (kill(2): 0 and negative pids name
// process groups). EINVAL for an invalid signal number or a pid out of C int's range, ESRCH
// when no such process exists, EPERM when it may not be signalled. Safe for concurrent use.
func Kill(pid int, sig syscall.Signal) error {
	cp, cs, err := cint2(pid, sig)
	if err != nil {
		return err
	}
	return status(C.uv_kill(cp, cs))
}

// DisableStdioInheritance wraps uv_disable_stdio_inheritance: marks the descriptors this
// process inherited (libuv walks them from 0 up, stdio included) close-on-exec, so that the
// children it spawns, with Spawn or os/exec, do not inherit them by accident; Spawn's and
// os/exec's explicit stdio are not affected. Call it early, before other threads create
// descriptors. Safe for concurrent use.
func DisableStdioInheritance() { C.uv_disable_stdio_inheritance() }
