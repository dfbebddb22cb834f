package uv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// libuv: dlerror
func TestDlerror(t *testing.T) {
	path := filepath.Join(t.TempDir(), "load_error.node") // empty, as libuv's fixture
	must(t, os.WriteFile(path, nil, 0o644))
	for i := 0; i < 2; i++ { // the same error twice in a row
		lib, err := DLOpen(path)
		var de *DLError
		if lib != nil || !errors.As(err, &de) {
			t.Fatalf("DLOpen of an empty file: %v, %v; want a *DLError", lib, err)
		}
		if !strings.Contains(de.Msg, "file too short") || de.Op != "dlopen" || de.Name != path {
			t.Fatalf("DLOpen of an empty file: %+v", de)
		}
		// libuv's uv_dlerror after the failure: the path in it, not "no error".
		if !strings.Contains(de.Msg, path) || strings.Contains(de.Msg, "no error") {
			t.Fatalf("DLOpen of an empty file: message %q", de.Msg)
		}
	}
}

func TestDLOpenMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "libmissing.so")
	_, err := DLOpen(path)
	var de *DLError
	if !errors.As(err, &de) || !strings.Contains(de.Msg, path) || strings.Contains(de.Msg, "no error") {
		t.Fatalf("DLOpen of a missing library: %v", err)
	}
	if !strings.Contains(err.Error(), "No such file") {
		t.Errorf("DLOpen of a missing library: %q does not say so", err)
	}
	_, err = DLOpen("lib\x00c.so.6")
	want(t, "DLOpen with a NUL", err, ErrNUL)
}

func TestDLSym(t *testing.T) {
	lib, err := DLOpen("libc.so.6")
	must(t, err)
	if msg := lib.LastError(); msg != "no error" {
		t.Errorf("LastError of a new Lib: %q, want libuv's \"no error\"", msg)
	}
	p, err := lib.Sym("strlen")
	must(t, err)
	if p == nil {
		t.Fatal("Sym(strlen) is nil")
	}
	_, err = lib.Sym("uv_no_such_symbol")
	var de *DLError
	if !errors.As(err, &de) || de.Op != "dlsym" || !strings.Contains(de.Msg, "uv_no_such_symbol") {
		t.Fatalf("Sym of a missing symbol: %v", err)
	}
	if msg := lib.LastError(); msg != de.Msg {
		t.Errorf("LastError after a failed Sym: %q, want %q", msg, de.Msg)
	}
	// libuv 1.44 leaves the message of the last failure after a Sym that succeeds.
	if _, err := lib.Sym("strlen"); err != nil || lib.LastError() != de.Msg {
		t.Errorf("Sym after a failure: %v, LastError %q", err, lib.LastError())
	}
	_, err = lib.Sym("str\x00len")
	want(t, "Sym with a NUL", err, ErrNUL)
	must(t, lib.Close())
	_, err = lib.Sym("strlen")
	want(t, "Sym after Close", err, ErrClosed)
	want(t, "second Close", lib.Close(), ErrClosed)
	if msg := lib.LastError(); msg != "" {
		t.Errorf("LastError after Close: %q", msg)
	}
}
