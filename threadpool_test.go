package uv

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// tpSize is the size of libuv's thread pool, computed from UV_THREADPOOL_SIZE as libuv 1.44
// computes it (atoi; 0 is 1; at most 1024; 4 when unset).
func tpSize() int {
	v, ok := os.LookupEnv("UV_THREADPOOL_SIZE")
	if !ok {
		return 4
	}
	digits := strings.TrimLeft(v, " \t\n")
	end := 0
	for end < len(digits) && (digits[end] >= '0' && digits[end] <= '9' || end == 0 && (digits[end] == '-' || digits[end] == '+')) {
		end++
	}
	n, _ := strconv.Atoi(digits[:end])
	switch {
	case n <= 0:
		return 1
	case n > 1024:
		return 1024
	}
	return n
}

// tpBlockers occupy every thread of libuv's pool (libuv's saturate_threadpool): work queued
// after them waits in the queue until unblock.
type tpBlockers struct {
	release chan struct{}
	afters  int
}

// tpSaturate queues one blocking work per pool thread on l and waits until each has started.
func tpSaturate(t *testing.T, l *Loop) *tpBlockers {
	t.Helper()
	b := &tpBlockers{release: make(chan struct{})}
	n := tpSize()
	started := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		_, err := QueueWork(l, func() {
			started <- struct{}{}
			<-b.release
		}, func(err error) {
			hndCheck(t, err)
			b.afters++
		})
		must(t, err)
	}
	for i := 0; i < n; i++ {
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			b.unblock()
			t.Fatalf("only %d of %d blocking works started: the pool is smaller than computed", i, n)
		}
	}
	return b
}

// unblock lets the blocking works return.
func (b *tpBlockers) unblock() { close(b.release) }

// check verifies, after the loop ran, that every blocker's after callback ran.
func (b *tpBlockers) check(t *testing.T) {
	t.Helper()
	if n := tpSize(); b.afters != n {
		t.Errorf("%d blocking works completed, want %d", b.afters, n)
	}
}

// libuv: threadpool_queue_work_simple
func TestThreadpoolQueueWorkSimple(t *testing.T) {
	l := newTestLoop(t)
	input := 20 // written before QueueWork, read by work: ordered by the binding
	var result, workTid int
	works, afters := 0, 0
	w, err := QueueWork(l, func() {
		works++
		workTid = syscall.Gettid()
		result = input * 2
	}, func(err error) {
		hndCheck(t, err)
		afters++
		if workTid == syscall.Gettid() {
			t.Errorf("work and after ran on the same thread %d", workTid)
		}
	})
	must(t, err)
	if w.Type() != ReqWork || w.TypeName() != "work" {
		t.Errorf("Type %v %q, want work", w.Type(), w.TypeName())
	}
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if works != 1 || afters != 1 {
		t.Errorf("work ran %d times, after %d; want 1, 1", works, afters)
	}
	if result != 40 {
		t.Errorf("result %d, want 40", result)
	}
}

// libuv: threadpool_queue_work_einval
func TestThreadpoolQueueWorkEinval(t *testing.T) {
	l := newTestLoop(t)
	w, err := QueueWork(l, nil, func(error) { t.Error("after of a refused request ran") })
	if err != EINVAL || w != nil {
		t.Fatalf("QueueWork(nil work) = %v, %v; want nil, EINVAL", w, err)
	}
	run(t, l, RunDefault)
}

// tpCancelledWork queues work that must be cancelled: it fails the test if it runs, and its
// after function wants ECANCELED and counts in *afters.
func tpCancelledWork(t *testing.T, l *Loop, afters *int) *WorkReq {
	t.Helper()
	w, err := QueueWork(l, func() { t.Error("cancelled work ran") }, func(err error) {
		if err != ECANCELED {
			t.Errorf("after: %v, want ECANCELED", err)
		}
		*afters++
	})
	must(t, err)
	return w
}

// libuv: threadpool_cancel_single
func TestThreadpoolCancelSingle(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	afters := 0
	w := tpCancelledWork(t, l, &afters)
	tpCancelOne(t, l, b, w, &afters)
}

// tpCancelOne cancels r, queued behind the blockers b, and checks that its callback (counting
// in *calls) runs once, not inside Cancel but in the run that follows the unblocking.
func tpCancelOne(t *testing.T, l *Loop, b *tpBlockers, r Req, calls *int) {
	t.Helper()
	if err := r.Cancel(); err != nil {
		t.Errorf("Cancel of a queued %s request: %v, want nil", r.TypeName(), err)
	}
	if *calls != 0 {
		t.Errorf("the callback ran inside Cancel")
	}
	b.unblock()
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if *calls != 1 {
		t.Errorf("the callback ran %d times, want 1", *calls)
	}
	b.check(t)
}

// libuv: threadpool_cancel_work
func TestThreadpoolCancelWork(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	reqs := make([]*WorkReq, 16)
	afters := 0
	for i := range reqs {
		reqs[i] = tpCancelledWork(t, l, &afters)
	}
	timers := 0
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(10*time.Millisecond, 0, func() {
		timers++
		for i, w := range reqs {
			if err := w.Cancel(); err != nil {
				t.Errorf("Cancel of request %d: %v, want nil", i, err)
			}
		}
		hndCheck(t, tm.Close(nil))
		b.unblock()
	}))
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if timers != 1 || afters != len(reqs) {
		t.Errorf("timer ran %d times, afters %d; want 1, %d", timers, afters, len(reqs))
	}
	b.check(t)
}

// Cancel of work that already runs is libuv's EBUSY; once the request has completed, the
// binding answers ErrClosed.
func TestThreadpoolCancelBusyAndDone(t *testing.T) {
	l := newTestLoop(t)
	started, release := make(chan struct{}), make(chan struct{})
	var afterErr error
	afters := 0
	w, err := QueueWork(l, func() {
		close(started)
		<-release
	}, func(err error) {
		afterErr = err
		afters++
	})
	must(t, err)
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("work did not start")
	}
	if err := w.Cancel(); err != EBUSY {
		t.Errorf("Cancel of running work: %v, want EBUSY", err)
	}
	close(release)
	run(t, l, RunDefault)
	if afters != 1 || afterErr != nil {
		t.Errorf("after ran %d times with %v; want once with nil", afters, afterErr)
	}
	if err := w.Cancel(); !errors.Is(err, ErrClosed) {
		t.Errorf("Cancel after completion: %v, want ErrClosed", err)
	}
}

// A second Cancel of queued work: libuv 1.44 finds the request still cancellable (it waits
// in the loop's done queue with its work replaced) and answers 0 again; after still runs once.
func TestThreadpoolCancelTwice(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	afters := 0
	w := tpCancelledWork(t, l, &afters)
	must(t, w.Cancel())
	if err := w.Cancel(); err != nil {
		t.Errorf("second Cancel: %v, want libuv's 0", err)
	}
	b.unblock()
	run(t, l, RunDefault)
	if afters != 1 {
		t.Errorf("after ran %d times, want 1", afters)
	}
	b.check(t)
}

// A panic in work is recovered on the pool thread and re-panicked from Run with its value;
// after is not called, and the loop runs and closes cleanly afterwards.
func TestThreadpoolWorkPanic(t *testing.T) {
	l := newTestLoop(t)
	boom := errors.New("boom")
	_, err := QueueWork(l, func() { panic(boom) }, func(error) { t.Error("after of a panicking work ran") })
	must(t, err)
	okAfters := 0
	_, err = QueueWork(l, func() {}, func(err error) { hndCheck(t, err); okAfters++ })
	must(t, err)
	v := loopRecover(func() {
		for alive := true; alive; alive = run(t, l, RunDefault) {
		}
	})
	if v != any(boom) {
		t.Fatalf("Run re-panicked with %#v, want the work's value %v", v, boom)
	}
	for alive := true; alive; alive = run(t, l, RunDefault) {
	}
	if okAfters != 1 {
		t.Errorf("the other work's after ran %d times, want 1", okAfters)
	}
}

// Work may hand results to the loop through Post and Async while it runs.
func TestThreadpoolWorkPostsToLoop(t *testing.T) {
	l := newTestLoop(t)
	var got []int
	var sent atomic.Int32
	var a *Async
	a, err := NewAsync(l, func() {
		got = append(got, -int(sent.Load()))
		hndCheck(t, a.Close(nil))
	})
	must(t, err)
	_, err = QueueWork(l, func() {
		for i := 1; i <= 3; i++ {
			if err := l.Post(func() { got = append(got, i) }); err != nil {
				panic(err)
			}
		}
		sent.Store(3)
		if err := a.Send(); err != nil {
			panic(err)
		}
	}, func(err error) { hndCheck(t, err) })
	must(t, err)
	run(t, l, RunDefault)
	if fmt.Sprint(got) != "[1 2 3 -3]" {
		t.Errorf("the loop received %v, want the three posts, then the async", got)
	}
}

// QueueWork refuses a closed loop, and a call from another goroutine while the loop runs.
func TestThreadpoolQueueWorkMisuse(t *testing.T) {
	closed, err := NewLoop()
	must(t, err)
	must(t, closed.Close())
	if _, err := QueueWork(closed, func() {}, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("QueueWork on a closed loop: %v, want ErrClosed", err)
	}

	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	var otherErr error
	var otherPanic any
	must(t, tm.Start(0, 0, func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			otherPanic = loopRecover(func() {
				_, otherErr = QueueWork(l, func() { t.Error("work queued from another goroutine ran") }, nil)
			})
		}()
		<-done
		hndCheck(t, tm.Close(nil))
	}))
	run(t, l, RunDefault)
	if otherPanic == nil && !errors.Is(otherErr, ErrWrongThread) {
		t.Errorf("QueueWork from another goroutine: %v, want ErrWrongThread (or the uvdebug panic)", otherErr)
	}
	if otherPanic != nil && fmt.Sprint(otherPanic) != wrongThreadPanic {
		t.Errorf("QueueWork from another goroutine panicked with %v", otherPanic)
	}
}

// fsCancelBroken is libuv's known_broken of its cancel tests: on Linux from 1.45, these fs
// operations may run on io_uring (by default in 1.45-1.48 on kernels >= 5.10.186), where they
// neither wait for the pool nor can be cancelled, so libuv's tests assert nothing of their
// Cancel and result.
func fsCancelBroken(op FSType) bool {
	if runtime.GOOS != "linux" || Version() < 0x012d00 {
		return false
	}
	switch op {
	case FSTypeClose, FSTypeFdatasync, FSTypeFstat, FSTypeFsync, FSTypeFtruncate, FSTypeLink, FSTypeLstat,
		FSTypeMkdir, FSTypeOpen, FSTypeRead, FSTypeRename, FSTypeStat, FSTypeSymlink, FSTypeWrite, FSTypeUnlink:
		return true
	}
	return false
}

// tpCancelAll is libuv's cancel_info timer: after d, it cancels every request of reqs (each
// Cancel must succeed, but those for which mayFail, if given, answers true), closes itself and
// unblocks the pool.
func tpCancelAll(t *testing.T, l *Loop, b *tpBlockers, d time.Duration, reqs func() []Req, mayFail func(i int) bool) *int {
	t.Helper()
	calls := 0
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(d, 0, func() {
		calls++
		for i, r := range reqs() {
			if err := r.Cancel(); err != nil && (mayFail == nil || !mayFail(i)) {
				t.Errorf("Cancel of request %d (%s): %v, want nil", i, r.TypeName(), err)
			}
		}
		hndCheck(t, tm.Close(nil))
		b.unblock()
	}))
	return &calls
}

// tpRunCancelled runs l, then checks that the cancelling timer has run once, that n request
// callbacks ran (*calls, read once the loop has returned) and that the blockers completed.
func tpRunCancelled(t *testing.T, l *Loop, b *tpBlockers, timers *int, calls *int, n int) {
	t.Helper()
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if *timers != 1 || *calls != n {
		t.Errorf("timer ran %d times, %d callbacks; want 1, %d", *timers, *calls, n)
	}
	b.check(t)
}

// libuv: threadpool_cancel_getaddrinfo
func TestThreadpoolCancelGetaddrinfo(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	var reqs []Req
	calls := 0
	cb := func(res []Addrinfo, err error) {
		calls++
		if err != EAI_CANCELED || res != nil {
			t.Errorf("callback: %v, %v; want no result and EAI_CANCELED", res, err)
		}
	}
	for _, q := range []struct {
		node, service string
		hints         *AddrinfoHints
	}{{"fail", "", nil}, {"", "fail", nil}, {"fail", "fail", nil}, {"fail", "", &AddrinfoHints{}}} {
		r, _, err := Getaddrinfo(l, q.node, q.service, q.hints, cb)
		must(t, err)
		reqs = append(reqs, r)
	}
	timers := tpCancelAll(t, l, b, 10*time.Millisecond, func() []Req { return reqs }, nil)
	tpRunCancelled(t, l, b, timers, &calls, len(reqs))
}

// libuv: threadpool_cancel_getnameinfo
func TestThreadpoolCancelGetnameinfo(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	var reqs []Req
	calls := 0
	for i := 0; i < 4; i++ {
		r, _, _, err := Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:80"), 0, func(host, service string, err error) {
			calls++
			if err != EAI_CANCELED || host != "" || service != "" {
				t.Errorf("callback: %q, %q, %v; want no names and EAI_CANCELED", host, service, err)
			}
		})
		must(t, err)
		reqs = append(reqs, r)
	}
	timers := tpCancelAll(t, l, b, 10*time.Millisecond, func() []Req { return reqs }, nil)
	tpRunCancelled(t, l, b, timers, &calls, len(reqs))
}

// libuv: threadpool_cancel_random
func TestThreadpoolCancelRandom(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	buf := []byte{0x5a}
	calls := 0
	r, err := Random(l, buf, 0, func(err error) {
		calls++
		if err != ECANCELED {
			t.Errorf("callback: %v, want ECANCELED", err)
		}
	})
	must(t, err)
	tpCancelOne(t, l, b, r, &calls)
}

// libuv: threadpool_cancel_fs threadpool_cancel_fs_iouring
//
// libuv's test points the 26 requests at "/" and descriptor 0, which is safe only because none
// of them runs; this one gives them a path in a directory that does not exist and descriptor
// -1, so that a request that runs (on io_uring, see fsCancelBroken, or by mistake) cannot
// change anything. It runs on a plain loop and on one configured for io_uring
// (threadpool_cancel_fs_iouring).
func TestThreadpoolCancelFs(t *testing.T) { fsLoopModes(t, tpCancelFs) }

func tpCancelFs(t *testing.T, l *Loop) {
	b := tpSaturate(t, l)
	p := filepath.Join(t.TempDir(), "absent", "file")
	var reqs []Req
	calls := 0
	cb := func(r *FSReq) {
		calls++
		if !fsCancelBroken(r.FSType()) && (r.Result() != int64(ECANCELED) || !errors.Is(r.Err(), ECANCELED)) {
			t.Errorf("%v callback: result %d, %v; want ECANCELED", r.FSType(), r.Result(), r.Err())
		}
	}
	empty := [][]byte{{}}
	var epoch time.Time
	for _, start := range []func() (*FSReq, error){
		func() (*FSReq, error) { return FSChmod(l, p, 0, cb) },
		func() (*FSReq, error) { return FSChown(l, p, 0, 0, cb) },
		func() (*FSReq, error) { return FSClose(l, -1, cb) },
		func() (*FSReq, error) { return FSFchmod(l, -1, 0, cb) },
		func() (*FSReq, error) { return FSFchown(l, -1, 0, 0, cb) },
		func() (*FSReq, error) { return FSFdatasync(l, -1, cb) },
		func() (*FSReq, error) { return FSFstat(l, -1, cb) },
		func() (*FSReq, error) { return FSFsync(l, -1, cb) },
		func() (*FSReq, error) { return FSFtruncate(l, -1, 0, cb) },
		func() (*FSReq, error) { return FSFutime(l, -1, epoch, epoch, cb) },
		func() (*FSReq, error) { return FSLink(l, p, p, cb) },
		func() (*FSReq, error) { return FSLstat(l, p, cb) },
		func() (*FSReq, error) { return FSMkdir(l, p, 0, cb) },
		func() (*FSReq, error) { return FSOpen(l, p, 0, 0, cb) },
		func() (*FSReq, error) { return FSRead(l, -1, empty, 0, cb) },
		func() (*FSReq, error) { return FSScandir(l, p, cb) },
		func() (*FSReq, error) { return FSReadlink(l, p, cb) },
		func() (*FSReq, error) { return FSRealpath(l, p, cb) },
		func() (*FSReq, error) { return FSRename(l, p, p, cb) },
		func() (*FSReq, error) { return FSMkdir(l, p, 0, cb) },
		func() (*FSReq, error) { return FSSendfile(l, -1, -1, 0, 0, cb) },
		func() (*FSReq, error) { return FSStat(l, p, cb) },
		func() (*FSReq, error) { return FSSymlink(l, p, p, 0, cb) },
		func() (*FSReq, error) { return FSUnlink(l, p, cb) },
		func() (*FSReq, error) { return FSUtime(l, p, epoch, epoch, cb) },
		func() (*FSReq, error) { return FSWrite(l, -1, empty, 0, cb) },
	} {
		r, err := start()
		must(t, err)
		reqs = append(reqs, r)
	}
	if len(reqs) != 26 {
		t.Fatalf("%d requests, want libuv's 26", len(reqs))
	}
	// FSType is known once a request completes: the operations in libuv's order.
	ops := []FSType{FSTypeChmod, FSTypeChown, FSTypeClose, FSTypeFchmod, FSTypeFchown, FSTypeFdatasync,
		FSTypeFstat, FSTypeFsync, FSTypeFtruncate, FSTypeFutime, FSTypeLink, FSTypeLstat, FSTypeMkdir,
		FSTypeOpen, FSTypeRead, FSTypeScandir, FSTypeReadlink, FSTypeRealpath, FSTypeRename, FSTypeMkdir,
		FSTypeSendfile, FSTypeStat, FSTypeSymlink, FSTypeUnlink, FSTypeUtime, FSTypeWrite}
	timers := tpCancelAll(t, l, b, 10*time.Millisecond, func() []Req { return reqs }, func(i int) bool { return fsCancelBroken(ops[i]) })
	tpRunCancelled(t, l, b, timers, &calls, len(reqs))
	for i, r := range reqs {
		if op := r.(*FSReq).FSType(); op != ops[i] {
			t.Errorf("request %d: %v, want %v", i, op, ops[i])
		}
	}
	if _, err := os.Lstat(filepath.Dir(p)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Lstat of the requests' directory: %v, want ENOENT (nothing changed)", err)
	}
}

// libuv: threadpool_cancel_when_busy
func TestThreadpoolCancelWhenBusy(t *testing.T) {
	l := newTestLoop(t)
	started, release := make(chan struct{}), make(chan struct{})
	afters := 0
	r, err := QueueWork(l, func() {
		close(started)
		<-release // libuv's work sleeps 10 ms, assuming uv_cancel takes less
	}, func(err error) {
		hndCheck(t, err)
		afters++
	})
	must(t, err)
	<-started
	if err := r.Cancel(); !errors.Is(err, EBUSY) {
		t.Errorf("Cancel of a running work: %v, want EBUSY", err)
	}
	close(release)
	if run(t, l, RunDefault) {
		t.Errorf("Run reported the loop alive")
	}
	if afters != 1 {
		t.Errorf("after callback ran %d times, want 1", afters)
	}
}
