package uv

// #include "shim_thread.h"
import "C"

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// This file is libuv's threading and synchronization section. Its objects block the OS thread,
// not only the goroutine, and mirror libuv's semantics: use them to share a lock or a thread with
// C code that uses libuv's primitives, or to port a libuv program as it is. A Go program that only
// synchronizes goroutines would rather use package sync, whose primitives park the goroutine.
//
// Every synchronization object lives in C memory, allocated by its constructor and freed by its
// Destroy (Delete for a Key). After Destroy every method returns ErrClosed; Destroy returns
// EBUSY, and leaves the object usable, while a call on it is in progress on another goroutine
// (a Lock or Wait that blocks, or one that has just been released and has not returned yet):
// destroy an object once the goroutines and threads that use it have finished with it.

// ---- threads ----

// ThreadID wraps uv_thread_t: the identity of an OS thread. Compare two with Equal. A value,
// safe for concurrent use.
type ThreadID struct{ t C.uv_thread_t }

// ThreadSelf wraps uv_thread_self: the OS thread running the caller. A goroutine moves between
// OS threads unless it runs a Thread's function, a callback of a loop, or has called
// runtime.LockOSThread, so the answer is only meaningful there. Safe for concurrent use.
func ThreadSelf() ThreadID { return ThreadID{C.uv_thread_self()} }

// Equal wraps uv_thread_equal: whether a and b are the same thread. Safe for concurrent use.
func (a ThreadID) Equal(b ThreadID) bool {
	return C.uvg_thread_equal(a.t, b.t) != 0
}

// CPUMaskSize wraps uv_cpumask_size: the length of the CPU masks of Affinity and SetAffinity
// (CPU_SETSIZE, 1024 on Linux); libuv's ENOTSUP where the system has no thread affinity.
// ENOSYS before libuv 1.45. Safe for concurrent use.
func CPUMaskSize() (int, error) {
	n := C.uvg_cpumask_size()
	if n < 0 {
		return 0, status(n)
	}
	return int(n), nil
}

// Affinity wraps uv_thread_getaffinity: the CPUs the thread may run on, mask[i] true for CPU i;
// the mask has CPUMaskSize entries. ENOSYS before libuv 1.45. Safe for concurrent use.
func (a ThreadID) Affinity() ([]bool, error) {
	n, err := CPUMaskSize()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, n)
	if err := status(C.uvg_thread_affinity(a.t, 0, (*C.char)(unsafe.Pointer(&buf[0])), nil, C.size_t(n))); err != nil {
		return nil, err
	}
	return maskBools(buf), nil
}

// SetAffinity wraps uv_thread_setaffinity: the thread may run on the CPUs i where mask[i] is
// true (CPUs beyond CPUMaskSize are ignored, missing ones are false); old is the mask before.
// A goroutine moves between OS threads: set the affinity of a Thread's, or of one locked with
// runtime.LockOSThread. ENOSYS before libuv 1.45. Safe for concurrent use.
func (a ThreadID) SetAffinity(mask []bool) (old []bool, err error) {
	n, err := CPUMaskSize()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 2*n) // the new mask, then the old one
	for i, on := range mask[:min(len(mask), n)] {
		if on {
			buf[i] = 1
		}
	}
	if err := status(C.uvg_thread_affinity(a.t, 1, (*C.char)(unsafe.Pointer(&buf[0])), (*C.char)(unsafe.Pointer(&buf[n])), C.size_t(n))); err != nil {
		return nil, err
	}
	return maskBools(buf[n:]), nil
}

func maskBools(b []byte) []bool {
	m := make([]bool, len(b))
	for i, v := range b {
		m[i] = v != 0
	}
	return m
}

// ThreadCPU wraps uv_thread_getcpu: the CPU the calling OS thread runs on; libuv's ENOTSUP
// where the system does not tell. ENOSYS before libuv 1.45. Safe for concurrent use.
func ThreadCPU() (int, error) {
	c := C.uvg_thread_getcpu()
	if c < 0 {
		return 0, status(c)
	}
	return int(c), nil
}

// The thread priorities of SetPriority (UV_THREAD_PRIORITY_HIGHEST, ...).
const (
	ThreadPriorityHighest     = C.UVG_THREAD_PRIORITY_HIGHEST
	ThreadPriorityAboveNormal = C.UVG_THREAD_PRIORITY_ABOVE_NORMAL
	ThreadPriorityNormal      = C.UVG_THREAD_PRIORITY_NORMAL
	ThreadPriorityBelowNormal = C.UVG_THREAD_PRIORITY_BELOW_NORMAL
	ThreadPriorityLowest      = C.UVG_THREAD_PRIORITY_LOWEST
)

// Priority wraps uv_thread_getpriority: the thread's scheduling priority, in the system's
// terms: on Linux its static priority under its policy (0 under SCHED_OTHER, the default), or
// its nice value when libuv set one for the calling thread. libuv's ESRCH for a thread that
// has ended. ENOSYS before libuv 1.48. Safe for concurrent use.
func (a ThreadID) Priority() (int, error) {
	var p C.int
	if err := status(C.uvg_thread_getpriority(a.t, &p)); err != nil {
		return 0, err
	}
	return int(p), nil
}

// SetPriority wraps uv_thread_setpriority: prio is one of ThreadPriorityHighest to
// ThreadPriorityLowest, which libuv maps to the thread's policy (on Linux, for the calling
// thread under SCHED_OTHER, to a nice value: ThreadPriorityLowest is 4). Raising it may need
// privilege (libuv's EPERM or EACCES); ESRCH for a thread that has ended. ENOSYS before libuv
// 1.48. Safe for concurrent use.
func (a ThreadID) SetPriority(prio int) error {
	p, err := cint(prio)
	if err != nil {
		return err
	}
	return status(C.uvg_thread_setpriority(a.t, p))
}

// ThreadSetName wraps uv_thread_setname: names the calling OS thread (ps -L, /proc, debuggers);
// libuv cuts a name longer than the system allows (15 bytes on Linux). A goroutine moves
// between OS threads: name a Thread's, or one locked with runtime.LockOSThread. A NUL byte in
// name is ErrNUL. ENOSYS before libuv 1.50. Safe for concurrent use.
func ThreadSetName(name string) error {
	return withCString(name, func(s *C.char) C.int { return C.uvg_thread_setname(s) })
}

// Name wraps uv_thread_getname: the thread's name (libuv's threadpool names its threads
// "libuv-worker"). ENOSYS before libuv 1.50. Safe for concurrent use.
func (a ThreadID) Name() (string, error) { return a.name(threadNameBuf) }

// threadNameBuf is the buffer of Name: the longest name of the systems libuv names (macOS: 63
// bytes and the NUL).
const threadNameBuf = 64

// name asks libuv with a buffer of size bytes (libuv cuts the name to size-1).
func (a ThreadID) name(size int) (string, error) {
	buf := make([]byte, size)
	if err := status(C.uvg_thread_getname(a.t, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(size))); err != nil {
		return "", err
	}
	return C.GoString((*C.char)(unsafe.Pointer(&buf[0]))), nil
}

// ThreadOptions are the options of NewThreadEx (uv_thread_options_t): StackSize sets
// UV_THREAD_HAS_STACK_SIZE.
type ThreadOptions struct {
	// StackSize is the new thread's stack size in bytes; 0 is libuv's default (RLIMIT_STACK,
	// 8 MiB on most systems). libuv rounds it up to the page size and to at least
	// PTHREAD_STACK_MIN. Go code on the thread runs on goroutine stacks; this stack serves
	// the C frames and the Go runtime's own work, for which even the minimum is enough.
	StackSize int
}

// Thread wraps a uv_thread_t created by NewThread or NewThreadEx: an OS thread, not a
// goroutine, running a Go function. Safe for concurrent use.
type Thread struct {
	tid   C.uv_thread_t
	fn    func()
	state atomic.Int32 // threadRunning, threadJoining, threadJoined, threadDetached (0: not a started thread)

	// A panic recovered from fn, re-panicked by Join (or, for a detached thread, on a goroutine
	// of its own); recovered is set once the three fields are.
	panicked  bool
	panicVal  any
	panicStk  []byte
	recovered atomic.Bool
}

const (
	threadRunning = 1 + iota
	threadJoining
	threadJoined
	threadDetached
)

// NewThread wraps uv_thread_create: fn runs on a new OS thread, in a goroutine locked to it.
// A panic in fn does not reach libuv's frames: it is recovered and Join re-panics with it. fn
// must not call runtime.Goexit (nor t.FailNow or t.Fatal of a test): Go aborts the process
// when a goroutine exits on a thread that C created. A nil fn is EINVAL (libuv would call it).
// Call Join once for every thread, or its resources are never released (libuv does not detach
// threads). Safe for concurrent use.
func NewThread(fn func()) (*Thread, error) { return newThread(false, 0, fn) }

// NewThreadEx wraps uv_thread_create_ex: NewThread with options. A negative StackSize is
// ErrNegative. Safe for concurrent use.
func NewThreadEx(opts ThreadOptions, fn func()) (*Thread, error) {
	if opts.StackSize < 0 {
		return nil, ErrNegative
	}
	return newThread(true, opts.StackSize, fn)
}

func newThread(ex bool, stack int, fn func()) (*Thread, error) {
	if fn == nil {
		return nil, EINVAL
	}
	t := &Thread{fn: fn}
	t.state.Store(threadRunning)
	token := saveToken(t) // the trampoline releases it
	if err := status(C.uvg_thread_create(&t.tid, boolInt(ex), C.size_t(stack), token)); err != nil {
		releaseToken(token)
		return nil, err
	}
	return t, nil
}

// run is the thread's body, called by the trampoline on the new thread.
func (t *Thread) run() {
	defer func() {
		if v := recover(); v != nil {
			t.panicked, t.panicVal, t.panicStk = true, v, debug.Stack()
			t.recovered.Store(true)
			if t.state.Load() == threadDetached {
				go rethrow(&threadPanic{t.panicVal, t.panicStk}) // nobody joins: it ends the program
			}
		}
	}()
	t.fn()
}

// Detach wraps uv_thread_detach: the thread releases its resources when its function returns,
// and is not joined: Join then answers ErrClosed. A panic in the function of a detached thread
// has nobody to re-panic it: it ends the program, as an unrecovered panic in a goroutine does
// (when the function had already panicked, Detach re-panics with it). A second Detach, or one
// after Join, is ErrClosed. ENOSYS before libuv 1.50. Safe for concurrent use.
func (t *Thread) Detach() error {
	if !t.state.CompareAndSwap(threadRunning, threadDetached) {
		return ErrClosed
	}
	if err := status(C.uvg_thread_detach(&t.tid)); err != nil {
		t.state.Store(threadRunning)
		return err
	}
	if t.recovered.Load() {
		rethrow(&threadPanic{t.panicVal, t.panicStk})
	}
	return nil
}

// ID returns the thread's identity, as ThreadSelf answers on it, once NewThread has returned
// (the thread's own function should call ThreadSelf: it may run before libuv has stored the
// identity). Safe for concurrent use.
func (t *Thread) ID() ThreadID { return ThreadID{t.tid} }

// Join wraps uv_thread_join: it blocks the calling OS thread until the thread has ended. When
// its function panicked, Join re-panics with the panic's value (the thread's stack is printed
// above it when nothing recovers it). A second Join is ErrClosed, as is a Join on a Thread that
// NewThread did not return or that was detached; a thread joining itself gets libuv's EDEADLK.
// Safe for concurrent use: one Join wins, the others get ErrClosed.
func (t *Thread) Join() error {
	if !t.state.CompareAndSwap(threadRunning, threadJoining) {
		return ErrClosed
	}
	if err := status(C.uv_thread_join(&t.tid)); err != nil {
		t.state.Store(threadRunning)
		return err
	}
	t.state.Store(threadJoined)
	if t.panicked {
		v, stk := t.panicVal, t.panicStk
		t.panicVal, t.panicStk = nil, nil
		rethrow(&threadPanic{v, stk})
	}
	return nil
}

// threadPanic carries a panic recovered from a Thread's or a Once's function to the goroutine
// that re-panics with it; an unrecovered re-panic prints it, with the original stack, as the
// "[recovered]" panic above the original value.
type threadPanic struct {
	value any
	stack []byte
}

func (p *threadPanic) Error() string {
	return "uv: panic in a thread function, re-panicked by Join (or Once.Do); its stack:\n\n" + string(p.stack)
}

func rethrow(p *threadPanic) {
	defer func() {
		recover()
		panic(p.value)
	}()
	panic(p)
}

// threadStackSize is the calling thread's stack size, for the tests; 0 where it is unknown.
func threadStackSize() int { return int(C.uvg_thread_stack_size()) }

// ---- the C memory of a synchronization object ----

// syncObj holds the C memory of a synchronization object and counts the calls in progress on
// it, so that Destroy never frees memory that another goroutine is using.
type syncObj struct {
	p     unsafe.Pointer
	state atomic.Int64 // calls in progress, plus syncDestroyed once destroyed
}

const syncDestroyed = 1 << 62

// init takes a constructor's answer.
func (o *syncObj) init(r C.uvg_new_t) error {
	if err := status(r.err); err != nil {
		return err
	}
	o.p = r.ptr
	return nil
}

// enter starts a call: the C memory, or ErrClosed after Destroy (or on a zero value). Every
// successful enter is followed by exit.
func (o *syncObj) enter() (unsafe.Pointer, error) {
	if o.p == nil {
		return nil, ErrClosed
	}
	if o.state.Add(1) >= syncDestroyed {
		o.state.Add(-1)
		return nil, ErrClosed
	}
	return o.p, nil
}

func (o *syncObj) exit() { o.state.Add(-1) }

// call runs fn on the C memory between enter and exit.
func (o *syncObj) call(fn func(unsafe.Pointer) C.int) error {
	p, err := o.enter()
	if err != nil {
		return err
	}
	defer o.exit()
	return status(fn(p))
}

// lock is call for a function that acquires a lock owned by the OS thread: the goroutine is
// locked to its thread (runtime.LockOSThread) when fn succeeds, until unlock.
func (o *syncObj) lock(fn func(unsafe.Pointer) C.int) error {
	runtime.LockOSThread()
	err := o.call(fn)
	if err != nil {
		runtime.UnlockOSThread()
	}
	return err
}

// unlock is call for a function that releases such a lock: it undoes one lock.
func (o *syncObj) unlock(fn func(unsafe.Pointer) C.int) error {
	err := o.call(fn)
	if err == nil {
		runtime.UnlockOSThread()
	}
	return err
}

// destroy runs free (the C destroy and free, or an error that leaves the object usable) when
// no call is in progress: EBUSY otherwise. blocked, when not nil, tells the calls that wait for
// others (EBUSY) from those on their way out, which destroy waits for.
func (o *syncObj) destroy(free func(unsafe.Pointer) C.int, blocked func(unsafe.Pointer) bool) error {
	if o.p == nil {
		return ErrClosed
	}
	for {
		n := o.state.Load()
		switch {
		case n >= syncDestroyed:
			return ErrClosed
		case n > 0 && (blocked == nil || blocked(o.p)):
			return EBUSY
		case n > 0:
			runtime.Gosched()
			continue
		}
		if o.state.CompareAndSwap(0, syncDestroyed) {
			break
		}
	}
	if err := status(free(o.p)); err != nil {
		o.state.Add(-syncDestroyed)
		return err
	}
	return nil
}

// ---- mutex ----

// Mutex wraps uv_mutex_t. Lock and Unlock lock the calling goroutine to its OS thread while it
// holds the mutex (runtime.LockOSThread, nested), since the lock belongs to the OS thread. The
// misuse libuv does not survive is refused: Unlock by a thread that does not hold the mutex is
// EPERM, a second Lock by the holder of a non-recursive mutex EDEADLK (libuv would block
// forever), Destroy of a locked mutex EBUSY (libuv aborts). Safe for concurrent use.
type Mutex struct{ o syncObj }

// NewMutex wraps uv_mutex_init. Free it with Destroy. Safe for concurrent use.
func NewMutex() (*Mutex, error) { return newMutex(0) }

// NewRecursiveMutex wraps uv_mutex_init_recursive: the holder may lock it again, and unlocks it
// as many times. Free it with Destroy. Safe for concurrent use.
func NewRecursiveMutex() (*Mutex, error) { return newMutex(1) }

func newMutex(recursive C.int) (*Mutex, error) {
	m := &Mutex{}
	if err := m.o.init(C.uvg_mutex_new(recursive)); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Mutex) c(p unsafe.Pointer) *C.uvg_mutex_t { return (*C.uvg_mutex_t)(p) }

// Destroy wraps uv_mutex_destroy and frees the mutex: EBUSY while it is locked or a call is in
// progress, ErrClosed the second time. Safe for concurrent use.
func (m *Mutex) Destroy() error {
	return m.o.destroy(func(p unsafe.Pointer) C.int { return C.uvg_mutex_destroy(m.c(p)) }, nil)
}

// Lock wraps uv_mutex_lock: it blocks the OS thread until the mutex is acquired, then locks the
// goroutine to it until Unlock. EDEADLK when the calling thread already holds a non-recursive
// mutex. Safe for concurrent use.
func (m *Mutex) Lock() error {
	return m.o.lock(func(p unsafe.Pointer) C.int { return C.uvg_mutex_lock(m.c(p)) })
}

// TryLock wraps uv_mutex_trylock: EBUSY when another thread holds the mutex (or the caller
// holds a non-recursive one), nil when it is acquired, as with Lock. Safe for concurrent use.
func (m *Mutex) TryLock() error {
	return m.o.lock(func(p unsafe.Pointer) C.int { return C.uvg_mutex_trylock(m.c(p)) })
}

// Unlock wraps uv_mutex_unlock and unlocks the goroutine from its OS thread once. EPERM when
// the calling thread does not hold the mutex. Safe for concurrent use.
func (m *Mutex) Unlock() error {
	return m.o.unlock(func(p unsafe.Pointer) C.int { return C.uvg_mutex_unlock(m.c(p)) })
}

// ---- read-write lock ----

// RWLock wraps uv_rwlock_t. Like Mutex, holding it (for reading or writing) locks the goroutine
// to its OS thread. Refused: read- or write-locking by the thread that holds it for writing
// (EDEADLK: libuv blocks forever or aborts), WrUnlock by a thread that does not hold it for
// writing and RdUnlock when no thread holds it for reading (EPERM), Destroy while it is held
// (EBUSY). Not detected, as libuv does not: a thread holding a read lock that asks for the
// write lock blocks forever, and RdUnlock by a thread that holds no read lock while another
// does releases the other's. Safe for concurrent use.
type RWLock struct{ o syncObj }

// NewRWLock wraps uv_rwlock_init. Free it with Destroy. Safe for concurrent use.
func NewRWLock() (*RWLock, error) {
	l := &RWLock{}
	if err := l.o.init(C.uvg_rwlock_new()); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *RWLock) c(p unsafe.Pointer) *C.uvg_rwlock_t { return (*C.uvg_rwlock_t)(p) }

// Destroy wraps uv_rwlock_destroy and frees the lock: EBUSY while it is held or a call is in
// progress, ErrClosed the second time. Safe for concurrent use.
func (l *RWLock) Destroy() error {
	return l.o.destroy(func(p unsafe.Pointer) C.int { return C.uvg_rwlock_destroy(l.c(p)) }, nil)
}

// RdLock wraps uv_rwlock_rdlock: it blocks the OS thread until the lock is held for reading.
// Safe for concurrent use.
func (l *RWLock) RdLock() error {
	return l.o.lock(func(p unsafe.Pointer) C.int { return C.uvg_rwlock_rdlock(l.c(p)) })
}

// TryRdLock wraps uv_rwlock_tryrdlock: EBUSY when a writer holds the lock. Safe for concurrent
// use.
func (l *RWLock) TryRdLock() error {
	return l.o.lock(func(p unsafe.Pointer) C.int { return C.uvg_rwlock_tryrdlock(l.c(p)) })
}

// RdUnlock wraps uv_rwlock_rdunlock. Safe for concurrent use.
func (l *RWLock) RdUnlock() error {
	return l.o.unlock(func(p unsafe.Pointer) C.int { return C.uvg_rwlock_rdunlock(l.c(p)) })
}

// WrLock wraps uv_rwlock_wrlock: it blocks the OS thread until the lock is held for writing.
// Safe for concurrent use.
func (l *RWLock) WrLock() error {
	return l.o.lock(func(p unsafe.Pointer) C.int { return C.uvg_rwlock_wrlock(l.c(p)) })
}

// TryWrLock wraps uv_rwlock_trywrlock: EBUSY when the lock is held. Safe for concurrent use.
func (l *RWLock) TryWrLock() error {
	return l.o.lock(func(p unsafe.Pointer) C.int { return C.uvg_rwlock_trywrlock(l.c(p)) })
}

// WrUnlock wraps uv_rwlock_wrunlock. Safe for concurrent use.
func (l *RWLock) WrUnlock() error {
	return l.o.unlock(func(p unsafe.Pointer) C.int { return C.uvg_rwlock_wrunlock(l.c(p)) })
}

// ---- semaphore ----

// Sem wraps uv_sem_t, a counting semaphore; it belongs to no thread. Not detected: a Post
// beyond SEM_VALUE_MAX, which libuv answers with abort(). Safe for concurrent use.
type Sem struct{ o syncObj }

// NewSem wraps uv_sem_init with the initial value; libuv's EINVAL above SEM_VALUE_MAX. Free it
// with Destroy. Safe for concurrent use.
func NewSem(value uint) (*Sem, error) {
	cvalue, err := cuint(value)
	if err != nil {
		return nil, err
	}
	s := &Sem{}
	if err := s.o.init(C.uvg_sem_new(cvalue)); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Sem) c(p unsafe.Pointer) *C.uv_sem_t { return (*C.uv_sem_t)(p) }

// Destroy wraps uv_sem_destroy and frees the semaphore: EBUSY while a call is in progress (a
// Wait that blocks), ErrClosed the second time. Safe for concurrent use.
func (s *Sem) Destroy() error {
	return s.o.destroy(func(p unsafe.Pointer) C.int { return C.uvg_sem_destroy(s.c(p)) }, nil)
}

// Post wraps uv_sem_post. Safe for concurrent use.
func (s *Sem) Post() error {
	return s.o.call(func(p unsafe.Pointer) C.int { C.uv_sem_post(s.c(p)); return 0 })
}

// Wait wraps uv_sem_wait: it blocks the OS thread until the value is positive, and decrements
// it. Safe for concurrent use.
func (s *Sem) Wait() error {
	return s.o.call(func(p unsafe.Pointer) C.int { C.uv_sem_wait(s.c(p)); return 0 })
}

// TryWait wraps uv_sem_trywait: EAGAIN when the value is 0. Safe for concurrent use.
func (s *Sem) TryWait() error {
	return s.o.call(func(p unsafe.Pointer) C.int { return C.uv_sem_trywait(s.c(p)) })
}

// ---- condition variable ----

// Cond wraps uv_cond_t. Wait and TimedWait take a Mutex that the calling thread holds, once:
// EPERM when it does not (libuv aborts, or waits on an unlocked mutex), EDEADLK for a recursive
// mutex held more than once (the wait would keep it locked). Safe for concurrent use.
type Cond struct{ o syncObj }

// NewCond wraps uv_cond_init. Free it with Destroy. Safe for concurrent use.
func NewCond() (*Cond, error) {
	c := &Cond{}
	if err := c.o.init(C.uvg_cond_new()); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cond) c(p unsafe.Pointer) *C.uv_cond_t { return (*C.uv_cond_t)(p) }

// Destroy wraps uv_cond_destroy and frees the condition variable: EBUSY while a call is in
// progress (a waiter), ErrClosed the second time. Safe for concurrent use.
func (c *Cond) Destroy() error {
	return c.o.destroy(func(p unsafe.Pointer) C.int { return C.uvg_cond_destroy(c.c(p)) }, nil)
}

// Signal wraps uv_cond_signal: wakes one waiter. Safe for concurrent use.
func (c *Cond) Signal() error {
	return c.o.call(func(p unsafe.Pointer) C.int { C.uv_cond_signal(c.c(p)); return 0 })
}

// Broadcast wraps uv_cond_broadcast: wakes every waiter. Safe for concurrent use.
func (c *Cond) Broadcast() error {
	return c.o.call(func(p unsafe.Pointer) C.int { C.uv_cond_broadcast(c.c(p)); return 0 })
}

// Wait wraps uv_cond_wait: it releases m, blocks the OS thread until signalled (or woken
// spuriously, as libuv allows: wait in a loop on the condition), and returns with m held again.
// Safe for concurrent use.
func (c *Cond) Wait(m *Mutex) error { return c.wait(m, 0, 0) }

// TimedWait wraps uv_cond_timedwait: Wait for at most timeout (nanoseconds, as libuv counts),
// ETIMEDOUT when it elapses first; m is held again in both cases. A negative timeout is
// ErrNegative. Safe for concurrent use.
func (c *Cond) TimedWait(m *Mutex, timeout time.Duration) error {
	if timeout < 0 {
		return ErrNegative
	}
	return c.wait(m, 1, timeout)
}

func (c *Cond) wait(m *Mutex, timed C.int, timeout time.Duration) error {
	p, err := c.o.enter()
	if err != nil {
		return err
	}
	defer c.o.exit()
	mp, err := m.o.enter()
	if err != nil {
		return err
	}
	defer m.o.exit()
	return status(C.uvg_cond_wait(c.c(p), m.c(mp), timed, C.uint64_t(timeout)))
}

// ---- barrier ----

// Barrier wraps uv_barrier_t: Wait blocks until count threads have called it. Unlike the other
// objects, Destroy may be called as soon as Wait has returned to the caller (by the serial one,
// typically): it waits for the other released waiters to return; it is EBUSY only while a round
// is incomplete. Safe for concurrent use.
type Barrier struct{ o syncObj }

// NewBarrier wraps uv_barrier_init: libuv's EINVAL for a count of 0. Free it with Destroy. Safe
// for concurrent use.
func NewBarrier(count uint) (*Barrier, error) {
	ccount, err := cuint(count)
	if err != nil {
		return nil, err
	}
	b := &Barrier{}
	if err := b.o.init(C.uvg_barrier_new(ccount)); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Barrier) c(p unsafe.Pointer) *C.uvg_barrier_t { return (*C.uvg_barrier_t)(p) }

// Destroy wraps uv_barrier_destroy and frees the barrier: EBUSY while a thread waits in an
// incomplete round, ErrClosed the second time. Safe for concurrent use.
func (b *Barrier) Destroy() error {
	return b.o.destroy(func(p unsafe.Pointer) C.int { return C.uvg_barrier_destroy(b.c(p)) },
		func(p unsafe.Pointer) bool { return C.uvg_barrier_blocked(b.c(p)) != 0 })
}

// Wait wraps uv_barrier_wait: it blocks the OS thread until count threads wait, then releases
// them all. serial is true for exactly one of them per round (libuv's positive answer). Safe
// for concurrent use.
func (b *Barrier) Wait() (serial bool, err error) {
	p, err := b.o.enter()
	if err != nil {
		return false, err
	}
	defer b.o.exit()
	return C.uvg_barrier_wait(b.c(p)) > 0, nil
}

// ---- once ----

// Once wraps uv_once_t: Do runs a function once, whichever thread calls it first; the others
// block their OS thread until it has returned. It mirrors libuv's uv_once (pthread_once);
// goroutines would rather use sync.Once, which parks them instead. Safe for concurrent use.
type Once struct{ o syncObj }

// onceCall is one call of Do: the function, and the panic recovered from it.
type onceCall struct {
	fn       func()
	panicked bool
	panicVal any
	panicStk []byte
}

func (c *onceCall) run() {
	defer func() {
		if v := recover(); v != nil {
			c.panicked, c.panicVal, c.panicStk = true, v, debug.Stack()
		}
	}()
	c.fn()
}

// NewOnce allocates a uv_once_t initialized to UV_ONCE_INIT. Free it with Destroy. Safe for
// concurrent use.
func NewOnce() (*Once, error) {
	o := &Once{}
	if err := o.o.init(C.uvg_once_new()); err != nil {
		return nil, err
	}
	return o, nil
}

// Destroy frees the uv_once_t (libuv has no destroy function): EBUSY while a Do is in
// progress, ErrClosed the second time. Safe for concurrent use.
func (o *Once) Destroy() error {
	return o.o.destroy(func(p unsafe.Pointer) C.int { C.free(p); return 0 }, nil)
}

// Do wraps uv_once: fn runs on the calling goroutine if no Do has run a function yet; the other
// calls block their OS thread until it has returned, then return without calling theirs. A
// panic in fn is recovered before it reaches libuv and Do re-panics with it; the Once counts as
// done, as sync.Once does. A nil fn is EINVAL. Safe for concurrent use.
func (o *Once) Do(fn func()) error {
	if fn == nil {
		return EINVAL
	}
	p, err := o.o.enter()
	if err != nil {
		return err
	}
	defer o.o.exit()
	call := &onceCall{fn: fn}
	token := saveToken(call)
	C.uvg_once((*C.uv_once_t)(p), token)
	releaseToken(token)
	if call.panicked {
		rethrow(&threadPanic{call.panicVal, call.panicStk})
	}
	return nil
}

// ---- thread-local keys ----

// Key wraps uv_key_t: a thread-local variable holding a Go value per OS thread. The C key holds
// an id of the Key's own table, not a Go pointer; a value stays reachable until the thread
// replaces it (Set) or the Key is deleted. Goroutines move between OS threads: Get and Set are
// only meaningful on a Thread's function, a loop's callbacks, or after runtime.LockOSThread.
// Safe for concurrent use.
type Key struct {
	o    syncObj
	mu   sync.Mutex
	vals map[uintptr]any
	next uintptr
}

// NewKey wraps uv_key_create. Free it with Delete. Safe for concurrent use.
func NewKey() (*Key, error) {
	k := &Key{vals: map[uintptr]any{}}
	if err := k.o.init(C.uvg_key_new()); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *Key) c(p unsafe.Pointer) *C.uv_key_t { return (*C.uv_key_t)(p) }

// Delete wraps uv_key_delete: it frees the key and forgets the values of every thread. EBUSY
// while a call is in progress, ErrClosed the second time. Safe for concurrent use.
func (k *Key) Delete() error {
	return k.o.destroy(func(p unsafe.Pointer) C.int {
		k.mu.Lock()
		clear(k.vals)
		k.mu.Unlock()
		return C.uvg_key_delete(k.c(p))
	}, nil)
}

// Get wraps uv_key_get: the calling thread's value, nil when it has set none. Safe for
// concurrent use.
func (k *Key) Get() (any, error) {
	p, err := k.o.enter()
	if err != nil {
		return nil, err
	}
	defer k.o.exit()
	id := uintptr(C.uvg_key_get(k.c(p)))
	if id == 0 {
		return nil, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.vals[id], nil
}

// Set wraps uv_key_set: v becomes the calling thread's value (nil clears it). Safe for
// concurrent use.
func (k *Key) Set(v any) error {
	p, err := k.o.enter()
	if err != nil {
		return err
	}
	defer k.o.exit()
	old := uintptr(C.uvg_key_get(k.c(p)))
	var id uintptr
	k.mu.Lock()
	delete(k.vals, old)
	if v != nil {
		k.next++
		id = k.next
		k.vals[id] = v
	}
	k.mu.Unlock()
	C.uvg_key_set(k.c(p), C.uintptr_t(id))
	return nil
}
