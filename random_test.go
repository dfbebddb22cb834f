package uv

import (
	"bytes"
	"errors"
	"syscall"
	"testing"
)

// randomFlagsAll is libuv's test's flags argument -1, as C's unsigned int takes it: it reaches
// libuv (a Go ^uint(0) would be refused by the binding's conversion first).
const randomFlagsAll = uint(^uint32(0))

// randomHuge returns 2 GiB of reserved, inaccessible address space (no memory behind it), more
// than uv_random accepts (0x7FFFFFFF): libuv answers E2BIG before it touches the buffer.
func randomHuge(t *testing.T) []byte {
	t.Helper()
	b, err := syscall.Mmap(-1, 0, 1<<31, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		t.Skipf("reserving 2 GiB of address space: %v", err)
	}
	t.Cleanup(func() { must(t, syscall.Munmap(b)) })
	return b
}

// libuv: random_sync
func TestRandomSync(t *testing.T) {
	buf := make([]byte, 256)
	if _, err := Random(nil, buf, randomFlagsAll, nil); !errors.Is(err, EINVAL) {
		t.Fatalf("Random with flags -1: %v, want EINVAL", err)
	}
	if _, err := Random(nil, randomHuge(t), randomFlagsAll, nil); !errors.Is(err, E2BIG) {
		t.Fatalf("Random of 2 GiB: %v, want E2BIG", err)
	}
	if _, err := Random(nil, buf, ^uint(0), nil); !errors.Is(err, EINVAL) {
		t.Fatalf("Random with flags: %v, want EINVAL", err)
	}
	if _, err := Random(nil, buf, 1, nil); !errors.Is(err, EINVAL) {
		t.Fatalf("Random with flag 1: %v, want EINVAL", err)
	}
	if ^uint(0) > 1<<32 {
		big := uint64(1) << 32 // not truncated to 0 on its way to libuv's unsigned int
		if _, err := Random(nil, buf, uint(big), nil); !errors.Is(err, EINVAL) {
			t.Fatalf("Random with flag 1<<32: %v, want EINVAL", err)
		}
	}
	if !bytes.Equal(buf, make([]byte, 256)) {
		t.Fatal("a refused Random wrote to the buffer")
	}
	r, err := Random(nil, buf, 0, nil)
	must(t, err)
	if r != nil {
		t.Fatalf("synchronous Random returned a request")
	}
	// Buy a lottery ticket if this fails.
	if bytes.Equal(buf, make([]byte, 256)) {
		t.Fatal("Random left the buffer zeroed")
	}
	must(t, func() error { _, err := Random(nil, nil, 0, nil); return err }())
}

// libuv: random_async
func TestRandomAsync(t *testing.T) {
	l := newTestLoop(t)
	buf := make([]byte, 256)
	calls := 0
	cb := func(err error) {
		must(t, err)
		calls++
	}
	if _, err := Random(l, buf, randomFlagsAll, cb); !errors.Is(err, EINVAL) {
		t.Fatalf("Random with flags -1: %v, want EINVAL", err)
	}
	if _, err := Random(l, randomHuge(t), randomFlagsAll, cb); !errors.Is(err, E2BIG) {
		t.Fatalf("Random of 2 GiB: %v, want E2BIG", err)
	}
	r, err := Random(l, buf[:0], 0, cb)
	must(t, err)
	if r.Type() != ReqRandom || r.TypeName() != "random" {
		t.Errorf("request type %v %q", r.Type(), r.TypeName())
	}
	if calls != 0 {
		t.Fatal("the callback ran before the loop")
	}
	if run(t, l, RunDefault) {
		t.Error("first Run: alive, want false")
	}
	if calls != 1 {
		t.Fatalf("%d calls after the first run, want 1", calls)
	}
	if !bytes.Equal(buf, make([]byte, 256)) {
		t.Fatal("an empty Random wrote to the buffer")
	}
	want(t, "Cancel after the callback", r.Cancel(), ErrClosed)
	_, err = Random(l, buf, 0, cb)
	must(t, err)
	if calls != 1 {
		t.Fatal("the callback ran before the loop")
	}
	if run(t, l, RunDefault) {
		t.Error("second Run: alive, want false")
	}
	if calls != 2 {
		t.Fatalf("%d calls after the second run, want 2", calls)
	}
	if bytes.Equal(buf, make([]byte, 256)) {
		t.Fatal("Random left the buffer zeroed")
	}
}

// Cancel of pending requests: each callback runs once, with ECANCELED exactly when Cancel
// succeeded (libuv's EBUSY when the threadpool had already taken the request).
func TestRandomCancel(t *testing.T) {
	l := newTestLoop(t)
	const n = 32
	var reqs [n]*RandomReq
	var got [n]error
	var calls [n]int
	bufs := make([]byte, n*16)
	for i := range reqs {
		r, err := Random(l, bufs[i*16:(i+1)*16], 0, func(err error) {
			got[i] = err
			calls[i]++
		})
		must(t, err)
		reqs[i] = r
	}
	var cancelled [n]error
	for i, r := range reqs {
		cancelled[i] = r.Cancel()
	}
	run(t, l, RunDefault)
	for i := range reqs {
		switch {
		case calls[i] != 1:
			t.Errorf("request %d: %d calls, want 1", i, calls[i])
		case cancelled[i] == nil && !errors.Is(got[i], ECANCELED):
			t.Errorf("request %d: cancelled, callback got %v", i, got[i])
		case cancelled[i] != nil && !errors.Is(cancelled[i], EBUSY):
			t.Errorf("request %d: Cancel: %v, want nil or EBUSY", i, cancelled[i])
		case cancelled[i] != nil && got[i] != nil:
			t.Errorf("request %d: not cancelled, callback got %v", i, got[i])
		}
	}
}

func TestRandomMisuse(t *testing.T) {
	l := newTestLoop(t)
	buf := make([]byte, 8)
	_, err := Random(nil, buf, 0, func(error) {})
	want(t, "asynchronous Random without a loop", err, EINVAL)
	panicked := false
	_, err = Random(l, buf, 0, func(error) { panic("random") })
	must(t, err)
	func() {
		defer func() { panicked = recover() == "random" }()
		l.Run(RunDefault)
	}()
	if !panicked {
		t.Fatal("a panic in the callback was not re-panicked by Run")
	}
	closed, err := NewLoop()
	must(t, err)
	must(t, closed.Close())
	_, err = Random(closed, buf, 0, func(error) {})
	want(t, "Random on a closed loop", err, ErrClosed)
}
