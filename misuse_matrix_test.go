//go:build !uvdebug

package uv

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The misuse matrix calls every exported method of every handle and request type (and of the
// Loop), found by reflection, with arguments built by reflection, in three situations: after
// Close has completed (after completion for a request), from another goroutine while the loop
// runs (also racing the loop's own Close of the handle, round after round), and on a closed
// loop. A method with an error result must answer the binding's error (ErrClosed,
// ErrWrongThread, ErrRunning); a method without one answers after Close, and panics with the
// package's message (wrongThreadPanic) from another goroutine. Nothing crashes or hangs.
// (With the uvdebug tag every wrong-thread call panics: loop_uvdebug_test.go covers that.)

// matrixSafe are the methods documented as safe for concurrent use: the matrix does not call
// them from another goroutine (they are not misuse there).
var matrixSafe = map[string]bool{
	"Type":     true, // Handle.Type: the type the Go side keeps (requests' Type reads C: checked)
	"Loop":     true, // Handle.Loop: the loop the handle was made on
	"TypeName": true, // Handle.TypeName: Type's name
	"Send":     true, // Async.Send: uv_async_send, libuv's one thread-safe call
	"Post":     true, // Loop.Post: queues fn on the loop
}

// matrixSafeOf reports whether method m of v is in matrixSafe. Requests' Type and TypeName
// read the C request while it is in flight: loop-bound, not safe.
func matrixSafeOf(v any, m string) bool {
	if _, isReq := v.(Req); isReq && (m == "Type" || m == "TypeName") {
		return false
	}
	if _, isLoop := v.(*Loop); isLoop && m == "Post" {
		return true
	}
	if m == "Post" {
		return false
	}
	return matrixSafe[m]
}

// matrixFSReqGetters are FSReq's result getters: they read the copy of the results that the
// binding took in Go memory when the request completed (no C memory, no C call), and check no
// thread, like the fields of a struct. They are documented loop-bound (the results are written
// on the loop, so reading them elsewhere needs the synchronization any Go value needs): the
// matrix calls them after completion (TestMisuseMatrixClosed), not from another goroutine.
var matrixFSReqGetters = map[string]bool{
	"Dir": true, "Dirents": true, "Err": true, "FSType": true, "Link": true, "Path": true,
	"Result": true, "Stat": true, "Statfs": true, "SystemError": true,
}

// matrixEnv holds what the arguments refer to: a descriptor (of /dev/null, for every int, so
// that a call that wrongly went through acts on nothing of the test's), a path in a temporary
// directory that does not exist, and a spare stream for the Handle and Stream parameters.
type matrixEnv struct {
	fd    int
	path  string
	spare *TCP
	funcs bool // non-nil functions (each returns zero values); nil functions otherwise
}

var (
	handleType = reflect.TypeFor[Handle]()
	errorType  = reflect.TypeFor[error]()
)

// args builds the arguments of method m (a bound method value).
func (e *matrixEnv) args(m reflect.Value) []reflect.Value {
	mt := m.Type()
	n := mt.NumIn()
	if mt.IsVariadic() {
		n-- // ...int (Configure): none
	}
	in := make([]reflect.Value, n)
	for i := range in {
		in[i] = e.arg(mt.In(i))
	}
	return in
}

func (e *matrixEnv) arg(t reflect.Type) reflect.Value {
	switch {
	case t == reflect.TypeFor[int]():
		return reflect.ValueOf(e.fd)
	case t == reflect.TypeFor[string]():
		return reflect.ValueOf(e.path)
	case t == reflect.TypeFor[[]byte]():
		return reflect.ValueOf(make([]byte, 8))
	case t == reflect.TypeFor[[][]byte]():
		return reflect.ValueOf([][]byte{[]byte("x")})
	case t == reflect.TypeFor[netip.AddrPort]():
		return reflect.ValueOf(netip.MustParseAddrPort("127.0.0.1:9"))
	case t == reflect.TypeFor[netip.Addr]():
		return reflect.ValueOf(netip.MustParseAddr("127.0.0.1"))
	case t == reflect.TypeFor[[]Datagram]():
		return reflect.ValueOf([]Datagram{{Addr: netip.MustParseAddrPort("127.0.0.1:9"), Bufs: [][]byte{[]byte("x")}}})
	case t == reflect.TypeFor[context.Context]():
		return reflect.ValueOf(context.Background())
	case t.Kind() == reflect.Interface && (t.Implements(handleType) || handleType.Implements(t)):
		return reflect.ValueOf(e.spare).Convert(t)
	case t.Kind() == reflect.Func:
		if !e.funcs {
			return reflect.Zero(t)
		}
		return reflect.MakeFunc(t, func([]reflect.Value) []reflect.Value {
			out := make([]reflect.Value, t.NumOut())
			for i := range out {
				out[i] = reflect.Zero(t.Out(i))
			}
			return out
		})
	}
	return reflect.Zero(t) // other numbers (flags, signals, durations), pointers, slices
}

// matrixResult is what one call did.
type matrixResult struct {
	panicked any
	err      error
	hasErr   bool // the method has an error result
}

func (r matrixResult) String() string {
	switch {
	case r.panicked != nil:
		return fmt.Sprintf("panic(%v)", r.panicked)
	case r.hasErr:
		return fmt.Sprintf("error %v", r.err)
	}
	return "returned"
}

// matrixCall calls method name of v with arguments from e.
func matrixCall(v any, name string, e *matrixEnv) (r matrixResult) {
	m := reflect.ValueOf(v).MethodByName(name)
	mt := m.Type()
	r.hasErr = mt.NumOut() > 0 && mt.Out(mt.NumOut()-1) == errorType
	if _, isFS := v.(*FSReq); isFS && name == "Err" {
		r.hasErr = false // the operation's result, not the call's
	}
	defer func() { r.panicked = recover() }()
	out := m.Call(e.args(m))
	if r.hasErr {
		r.err, _ = out[len(out)-1].Interface().(error)
	}
	return r
}

// matrixMethods lists the exported methods of v, sorted.
func matrixMethods(v any) []string {
	t := reflect.TypeOf(v)
	names := make([]string, 0, t.NumMethod())
	for i := 0; i < t.NumMethod(); i++ {
		names = append(names, t.Method(i).Name)
	}
	sort.Strings(names)
	return names
}

// matrixName is the type name of v for messages.
func matrixName(v any) string { return reflect.TypeOf(v).Elem().Name() }

// matrixExpectClosed checks a call on a closed object (or on any object of a closed loop):
// the error ErrClosed for a method with an error result; no panic for a getter.
func matrixExpectClosed(t *testing.T, where string, v any, name string, e *matrixEnv) {
	r := matrixCall(v, name, e)
	t.Helper()
	ok := r.panicked == nil && (!r.hasErr || errors.Is(r.err, ErrClosed))
	if _, isLoop := v.(*Loop); isLoop && name == "SetPanicHandler" {
		ok = r.panicked == nil
	}
	if !ok {
		t.Errorf("%s (%s): %s.%s: %v, want ErrClosed (or, without an error result, no panic)", where, e.funcsName(), matrixName(v), name, r)
	}
}

// matrixExpectWrongThread checks a call from another goroutine while the loop runs:
// ErrWrongThread (or ErrClosed, when racing the handle's Close; ErrRunning for the Loop's
// Run and Close) for a method with an error result, the package's panic for a getter.
// With nil callbacks (e.funcs false), EINVAL is right too: a method refuses a nil callback
// before anything else, touching nothing.
func matrixExpectWrongThread(v any, name string, r matrixResult, e *matrixEnv, racing bool) string {
	if r.hasErr {
		if r.panicked == nil && (errors.Is(r.err, ErrWrongThread) || racing && errors.Is(r.err, ErrClosed) ||
			errors.Is(r.err, ErrRunning) && isLoopRunOrClose(v, name) || !e.funcs && errors.Is(r.err, EINVAL)) {
			return ""
		}
	} else if r.panicked == wrongThreadPanic {
		return ""
	}
	return fmt.Sprintf("%s.%s from another goroutine while the loop runs (%s): %v, want ErrWrongThread (a getter: the package's panic)",
		matrixName(v), name, e.funcsName(), r)
}

func (e *matrixEnv) funcsName() string {
	if e.funcs {
		return "callbacks"
	}
	return "nil callbacks"
}

func isLoopRunOrClose(v any, name string) bool {
	_, isLoop := v.(*Loop)
	return isLoop && (name == "Run" || name == "RunContext" || name == "Close" || name == "CloseAll")
}

// newMatrixEnv opens what the arguments refer to; cleanups close them.
func newMatrixEnv(t *testing.T, l *Loop) *matrixEnv {
	f, err := os.Open(os.DevNull)
	must(t, err)
	t.Cleanup(func() { f.Close() })
	spare, err := NewTCP(l)
	must(t, err)
	return &matrixEnv{fd: int(f.Fd()), path: filepath.Join(t.TempDir(), "none", "x"), spare: spare}
}

// matrixFixtures makes, on l, one open handle of every type and one request of every type
// (in flight when made; they complete when l runs). done releases what they use outside l
// (descriptors, the child process); call it once l has closed them.
func matrixFixtures(t *testing.T, l *Loop) (handles []Handle, reqs []Req, done func()) {
	t.Helper()
	var fds []int
	done = func() {
		for _, fd := range fds {
			syscall.Close(fd)
		}
	}
	add := func(h Handle, err error) Handle {
		t.Helper()
		must(t, err)
		handles = append(handles, h)
		return h
	}
	addReq := func(r Req, err error) {
		t.Helper()
		must(t, err)
		reqs = append(reqs, r)
	}
	pair := func() [2]int {
		p, err := Socketpair(SOCK_STREAM, 0, 0, 0)
		must(t, err)
		fds = append(fds, p[0], p[1])
		return p
	}
	add(NewTimer(l))
	add(NewIdle(l))
	add(NewPrepare(l))
	add(NewCheck(l))
	add(NewAsync(l, func() {}))
	add(NewPoll(l, pair()[0]))
	add(NewSignal(l))
	proc, err := Spawn(l, &ProcessOptions{File: "sleep", Args: []string{"sleep", "1000"}}, nil)
	add(proc, err)
	add(NewTCP(l))
	pipe := add(NewPipe(l, false)).(*Pipe)
	must(t, pipe.Open(pair()[0]))
	add(NewUDP(l))
	add(NewFSEvent(l))
	add(NewFSPoll(l))
	if m, err := syscall.Open("/dev/ptmx", syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0); err == nil {
		syscall.Close(m)
		master, slave := ttyOpenPTY(t)
		fds = append(fds, master)
		fd, err := syscall.Open(slave, syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
		must(t, err)
		fds = append(fds, fd)
		add(NewTTY(l, fd, false))
	} else {
		t.Logf("no pseudo-terminal (%v): the TTY is left out", err)
	}
	closeFds, pid := done, proc.PID()
	done = func() {
		syscall.Kill(pid, syscall.SIGKILL) // the Process is closed: the binding reaps the child
		closeFds()
	}
	// Requests: each in flight, completed by the next Run.
	addReq(FSStat(l, ".", func(*FSReq) {}))
	addReq(QueueWork(l, func() {}, func(error) {}))
	r, _, err := Getaddrinfo(l, "localhost", "", nil, func([]Addrinfo, error) {})
	addReq(r, err)
	n, _, _, err := Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:80"), 0, func(string, string, error) {})
	addReq(n, err)
	addReq(Random(l, make([]byte, 4), 0, func(error) {}))
	w, err := pipe.Write([][]byte{[]byte("x")}, func(error) {})
	addReq(w, err)
	s, err := pipe.Shutdown(func(error) {})
	addReq(s, err)
	cpipe := add(NewPipe(l, false)).(*Pipe)
	c, err := cpipe.Connect(filepath.Join(t.TempDir(), "nobody"), func(error) {})
	addReq(c, err)
	for _, h := range handles {
		if u, ok := h.(*UDP); ok {
			must(t, u.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0))
			to, err := u.SockName()
			must(t, err)
			us, err := u.Send(to, [][]byte{[]byte("x")}, func(error) {})
			addReq(us, err)
		}
	}
	return handles, reqs, done
}

// TestMisuseMatrixClosed: every method of every handle after its Close has completed, of
// every request after its completion, then all of them and every Loop method on the closed
// loop.
func TestMisuseMatrixClosed(t *testing.T) {
	l := newTestLoop(t)
	env := newMatrixEnv(t, l)
	handles, reqs, done := matrixFixtures(t, l)
	for _, h := range append(handles, env.spare) {
		must(t, h.Close(nil))
	}
	run(t, l, RunDefault) // the close callbacks and the requests' callbacks
	done()
	objs := make([]any, 0, len(handles)+len(reqs))
	for _, h := range handles {
		objs = append(objs, h)
	}
	for _, r := range reqs {
		objs = append(objs, r)
	}
	for _, funcs := range []bool{false, true} {
		env.funcs = funcs
		for _, v := range objs {
			for _, name := range matrixMethods(v) {
				matrixExpectClosed(t, "after Close", v, name, env)
			}
		}
	}
	checkLoop(t, l)
	objs = append(objs, l)
	for _, funcs := range []bool{false, true} {
		env.funcs = funcs
		for _, v := range objs {
			for _, name := range matrixMethods(v) {
				matrixExpectClosed(t, "on a closed loop", v, name, env)
			}
		}
	}
	checkTokens(t)
}

// TestMisuseMatrixWrongThread: every method of every open handle, of every request in flight
// and of the Loop, called from another goroutine while the loop runs.
func TestMisuseMatrixWrongThread(t *testing.T) {
	l := newTestLoop(t)
	env := newMatrixEnv(t, l)
	handles, reqs, done := matrixFixtures(t, l)
	objs := []any{l}
	for _, h := range handles {
		objs = append(objs, h)
	}
	for _, r := range reqs {
		objs = append(objs, r)
	}
	// Two requests stay in flight until the goroutine is done: a work request that waits,
	// and a read of a socket nobody writes to. Their Cancel must answer ErrWrongThread; the
	// other requests may have completed (ErrClosed) by the time the goroutine calls them.
	release := make(chan struct{})
	work, err := QueueWork(l, func() { <-release }, func(error) {})
	must(t, err)
	sp, err := Socketpair(SOCK_STREAM, 0, 0, 0)
	must(t, err)
	defer syscall.Close(sp[0])
	defer syscall.Close(sp[1])
	read, err := FSRead(l, sp[0], [][]byte{make([]byte, 1)}, -1, func(*FSReq) {})
	must(t, err)
	inFlight := map[any]Req{work: work, read: read}
	objs = append(objs, work, read)
	hold, err := l.Hold()
	must(t, err)
	var errs []string
	misuse := func() {
		for _, funcs := range []bool{false, true} {
			env := *env
			env.funcs = funcs
			for _, v := range objs {
				for _, name := range matrixMethods(v) {
					if matrixSafeOf(v, name) {
						continue
					}
					if _, isFS := v.(*FSReq); isFS && matrixFSReqGetters[name] {
						continue // see matrixFSReqGetters
					}
					if msg := matrixExpectWrongThread(v, name, matrixCall(v, name, &env), &env, matrixDone(v, inFlight)); msg != "" {
						errs = append(errs, msg)
					}
				}
			}
		}
		close(release)
		syscall.Write(sp[1], []byte("x"))
		hold.Post(func() {
			for _, h := range append(handles, env.spare) {
				loopNoErr(t, h.Close(nil))
			}
		})
	}
	must(t, l.Post(func() { go misuse() })) // from a callback: the loop runs from then on
	run(t, l, RunDefault)
	done()
	matrixReport(t, errs)
	checkLeaks(t, l)
}

// matrixMakers make one handle of each type on the loop's goroutine, for the close race.
func matrixMakers(t *testing.T, fds *[]int) map[string]func(l *Loop) (Handle, error) {
	pair := func() int {
		p, err := Socketpair(SOCK_STREAM, 0, 0, 0)
		if err != nil {
			return -1
		}
		*fds = append(*fds, p[0], p[1])
		return p[0]
	}
	return map[string]func(l *Loop) (Handle, error){
		"Timer":   func(l *Loop) (Handle, error) { return NewTimer(l) },
		"Idle":    func(l *Loop) (Handle, error) { return NewIdle(l) },
		"Prepare": func(l *Loop) (Handle, error) { return NewPrepare(l) },
		"Check":   func(l *Loop) (Handle, error) { return NewCheck(l) },
		"Async":   func(l *Loop) (Handle, error) { return NewAsync(l, func() {}) },
		"Poll":    func(l *Loop) (Handle, error) { return NewPoll(l, pair()) },
		"Signal":  func(l *Loop) (Handle, error) { return NewSignal(l) },
		"Process": func(l *Loop) (Handle, error) {
			return Spawn(l, &ProcessOptions{File: "true", Args: []string{"true"}}, nil)
		},
		"TCP": func(l *Loop) (Handle, error) { return NewTCP(l) },
		"Pipe": func(l *Loop) (Handle, error) {
			p, err := NewPipe(l, false)
			if err == nil {
				err = p.Open(pair())
			}
			return p, err
		},
		"UDP":     func(l *Loop) (Handle, error) { return NewUDP(l) },
		"FSEvent": func(l *Loop) (Handle, error) { return NewFSEvent(l) },
		"FSPoll":  func(l *Loop) (Handle, error) { return NewFSPoll(l) },
	}
}

// TestMisuseMatrixCloseRace: for every handle type, a goroutine calls every method of a
// handle, over and over, while the loop's goroutine closes it (and the close callback frees
// it), 20 handles of each type: each call answers ErrWrongThread or ErrClosed, each getter
// panics with the package's message, and nothing reads freed memory.
func TestMisuseMatrixCloseRace(t *testing.T) {
	var fds []int
	defer func() {
		for _, fd := range fds {
			syscall.Close(fd)
		}
	}()
	makers := matrixMakers(t, &fds)
	names := make([]string, 0, len(makers))
	for name := range makers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) { matrixCloseRace(t, makers[name]) })
	}
}

// matrixVictim is the handle the goroutine misuses, and its methods.
type matrixVictim struct {
	h       Handle
	methods []string
}

func matrixCloseRace(t *testing.T, newHandle func(*Loop) (Handle, error)) {
	const rounds = 20
	l := newTestLoop(t)
	env := newMatrixEnv(t, l)
	env.funcs = true
	var victim atomic.Pointer[matrixVictim]
	var passes atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	var next func()
	kick, err := NewAsync(l, func() { next() })
	must(t, err)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			v := victim.Load()
			if v == nil {
				time.Sleep(time.Millisecond)
				continue
			}
			for _, name := range v.methods {
				if matrixSafeOf(v.h, name) {
					continue
				}
				if msg := matrixExpectWrongThread(v.h, name, matrixCall(v.h, name, env), env, true); msg != "" {
					mu.Lock()
					errs = append(errs, msg)
					mu.Unlock()
				}
			}
			passes.Add(1)
			kick.Send()
		}
	}()
	n, seen := 0, int64(-1)
	next = func() {
		if p := passes.Load(); p == seen {
			return // no complete pass over the current victim yet
		} else {
			seen = p
		}
		if v := victim.Load(); v != nil {
			loopNoErr(t, v.h.Close(nil)) // while the goroutine calls its methods
		}
		if n++; n > rounds {
			victim.Store(nil)
			close(stop)
			wg.Wait()
			loopNoErr(t, kick.Close(nil))
			loopNoErr(t, env.spare.Close(nil))
			return
		}
		h, err := newHandle(l)
		if err != nil {
			t.Errorf("making the handle: %v", err)
			return
		}
		victim.Store(&matrixVictim{h, matrixMethods(h)})
	}
	must(t, kick.Send()) // the first victim is made on the loop: before Run, any goroutine may call
	run(t, l, RunDefault)
	matrixReport(t, errs)
	checkLeaks(t, l)
}

// matrixDone reports whether v is a request that may have completed (all but those in
// inFlight): its methods may answer ErrClosed.
func matrixDone(v any, inFlight map[any]Req) bool {
	_, isReq := v.(Req)
	return isReq && inFlight[v] == nil
}

// matrixReport fails t with each distinct message of errs once.
func matrixReport(t *testing.T, errs []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, msg := range errs {
		if !seen[msg] {
			seen[msg] = true
			t.Error(msg)
		}
	}
}
