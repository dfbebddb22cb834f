package uv

// #include "shim_dll.h"
import "C"

import (
	"sync"
	"unsafe"
)

// DLError is the failure of DLOpen or Lib.Sym: the message of uv_dlerror (the system's
// dlerror(3), which names the library or the symbol).
type DLError struct {
	Op   string // "dlopen" or "dlsym"
	Name string // the path or the symbol
	Msg  string // uv_dlerror's message
}

// Error returns "uv: dlopen: " or "uv: dlsym: " and the message. Safe for concurrent use.
func (e *DLError) Error() string { return "uv: " + e.Op + ": " + e.Msg }

// Lib wraps uv_lib_t: a shared library opened by DLOpen, in C memory until Close. Safe for
// concurrent use (its methods are serialized: uv_dlerror's message belongs to the Lib).
type Lib struct {
	mu  sync.Mutex
	ptr *C.uv_lib_t
}

// DLOpen wraps uv_dlopen: it loads the shared library at path (dlopen(3) with RTLD_LAZY; a
// name without a slash is searched as dlopen searches it). A failure is a *DLError with
// uv_dlerror's message; a path holding a NUL byte is ErrNUL. Close the Lib when done. Safe for
// concurrent use.
func DLOpen(path string) (*Lib, error) {
	s, err := cString(path)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(s))
	var msg *C.char
	r := C.uvg_dlopen(s, &msg)
	if r.ptr == nil {
		if msg == nil { // calloc failed
			return nil, status(r.err)
		}
		defer C.free(unsafe.Pointer(msg))
		return nil, &DLError{Op: "dlopen", Name: path, Msg: C.GoString(msg)}
	}
	return &Lib{ptr: (*C.uv_lib_t)(r.ptr)}, nil
}

// Sym wraps uv_dlsym: the address of the symbol name in the library, for C code to use (call
// a function through a C helper; Go cannot call a C function pointer). A missing symbol is a
// *DLError with uv_dlerror's message; a name holding a NUL byte is ErrNUL; ErrClosed after
// Close. Safe for concurrent use.
func (l *Lib) Sym(name string) (unsafe.Pointer, error) {
	s, err := cString(name)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(s))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr == nil {
		return nil, ErrClosed
	}
	var p unsafe.Pointer
	if C.uv_dlsym(l.ptr, s, &p) != 0 {
		return nil, &DLError{Op: "dlsym", Name: name, Msg: C.GoString(C.uv_dlerror(l.ptr))}
	}
	return p, nil
}

// LastError wraps uv_dlerror: the message of the Lib's last failed Sym, or libuv's "no error"
// when none failed. libuv 1.44 keeps the message when a later Sym succeeds. "" after Close.
// Safe for concurrent use.
func (l *Lib) LastError() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr == nil {
		return ""
	}
	return C.GoString(C.uv_dlerror(l.ptr))
}

// Close wraps uv_dlclose: it unloads the library (when no other handle holds it) and frees
// the Lib; addresses from Sym are invalid afterwards. A second Close is ErrClosed. Safe for
// concurrent use.
func (l *Lib) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr == nil {
		return ErrClosed
	}
	C.uvg_dlclose(l.ptr)
	l.ptr = nil
	return nil
}
