package uv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// countingAllocator is a C allocator that forwards to the C library's and counts the calls,
// built by the test into a shared library that the helper loads with DLOpen.
const countingAllocator = `#include <stdlib.h>
long long uvt_allocs, uvt_frees;
void* uvt_malloc(size_t n) { __atomic_add_fetch(&uvt_allocs, 1, __ATOMIC_RELAXED); return malloc(n); }
void* uvt_realloc(void* p, size_t n) { __atomic_add_fetch(&uvt_allocs, 1, __ATOMIC_RELAXED); return realloc(p, n); }
void* uvt_calloc(size_t c, size_t n) { __atomic_add_fetch(&uvt_allocs, 1, __ATOMIC_RELAXED); return calloc(c, n); }
void uvt_free(void* p) { if (p != NULL) __atomic_add_fetch(&uvt_frees, 1, __ATOMIC_RELAXED); free(p); }
`

func init() {
	testHelpers["replace-allocator"] = replaceAllocatorHelper
}

// TestReplaceAllocator: in a new process, a nil function is libuv's EINVAL; a counting C
// allocator installed before the first loop serves libuv's allocations for a loop that runs a
// timer, and frees what it allocated once the loop is closed; with a loop made, the binding
// answers EBUSY. In this process, where loops exist, it is EBUSY at once.
func TestReplaceAllocator(t *testing.T) {
	newTestLoop(t)
	if err := ReplaceAllocator(nil, nil, nil, nil); !errors.Is(err, EBUSY) {
		t.Errorf("ReplaceAllocator with loops made: %v, want EBUSY", err)
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler to build the test allocator")
	}
	dir := t.TempDir()
	src, lib := filepath.Join(dir, "alloc.c"), filepath.Join(dir, "alloc.so")
	must(t, os.WriteFile(src, []byte(countingAllocator), 0o600))
	if out, err := exec.Command(cc, "-shared", "-fPIC", "-o", lib, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	out, err := helperCmd(t, "replace-allocator", "UV_TEST_ALLOCATOR="+lib).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "allocator: ok") {
		t.Errorf("helper: %v\n%s", err, out)
	}
}

func replaceAllocatorHelper() {
	fail := func(f string, a ...any) { fmt.Printf(f+"\n", a...); os.Exit(1) }
	lib, err := DLOpen(os.Getenv("UV_TEST_ALLOCATOR"))
	if err != nil {
		fail("DLOpen: %v", err)
	}
	sym := func(name string) unsafe.Pointer {
		p, err := lib.Sym(name)
		if err != nil {
			fail("Sym %s: %v", name, err)
		}
		return p
	}
	m, r, c, f := sym("uvt_malloc"), sym("uvt_realloc"), sym("uvt_calloc"), sym("uvt_free")
	allocs, frees := (*int64)(sym("uvt_allocs")), (*int64)(sym("uvt_frees"))
	if err := ReplaceAllocator(m, r, nil, f); !errors.Is(err, EINVAL) {
		fail("ReplaceAllocator with a nil calloc: %v, want EINVAL", err)
	}
	if err := ReplaceAllocator(m, r, c, f); err != nil {
		fail("ReplaceAllocator: %v", err)
	}
	l, err := NewLoop()
	if err != nil {
		fail("NewLoop: %v", err)
	}
	tm, err := NewTimer(l)
	if err != nil {
		fail("NewTimer: %v", err)
	}
	fired := 0
	if err := tm.Start(time.Millisecond, 0, func() { fired++; tm.Close(nil) }); err != nil {
		fail("Start: %v", err)
	}
	if _, err := l.Run(RunDefault); err != nil || fired != 1 {
		fail("Run: %v, fired %d", err, fired)
	}
	if err := ReplaceAllocator(m, r, c, f); !errors.Is(err, EBUSY) {
		fail("ReplaceAllocator with a loop made: %v, want EBUSY", err)
	}
	if err := l.Close(); err != nil {
		fail("Close: %v", err)
	}
	a, fr := atomic.LoadInt64(allocs), atomic.LoadInt64(frees)
	if a == 0 || fr == 0 {
		fail("libuv's allocations through the counting allocator: %d, frees %d; want some of each", a, fr)
	}
	fmt.Println("allocator: ok", a, fr)
}
