package uv

// #include "shim_signal.h"
//
// uvg_sigstate_t uvg_sigstate = {PTHREAD_MUTEX_INITIALIZER};
import "C"

import "syscall"

// Signal wraps uv_signal_t: a watcher of a Unix signal, delivered to the loop. Each watcher of a
// signal, in any loop of the process, gets a callback for each delivery libuv catches; the kernel
// merges a signal sent again while it is pending, and libuv drops a delivery when the loop's
// signal pipe is full, so callbacks may be fewer than signals sent, never more.
//
// Signals and the Go runtime: while a signal has a watcher, libuv's handler (sigaction) is
// installed for it in place of Go's, and os/signal.Notify does not see that signal. The binding
// adds SA_ONSTACK to libuv's handler, as the Go runtime requires of every handler. libuv resets
// a signal to SIG_DFL when its last watcher stops or closes, and restoring Go's handler after
// that would leave a moment in which the signal takes its default action (SIGUSR1 or SIGPIPE
// would end the process). So the binding keeps one watcher of its own of each signal it has
// watched, on a private loop that never runs (libuv then never resets the signal), and switches
// the disposition itself: to libuv's handler before its first active watcher of the signal, in
// any loop, and back to the disposition from before (normally Go's handler, so that os/signal
// works again for it) after its last. SIGCHLD is left to libuv, which reaps its children from
// its handler (the default action of SIGCHLD ignores it): the binding restores its disposition
// once libuv has reset it, and libuv keeps it once a process has been spawned. The signals
// the Go runtime owns (SIGURG, SIGPROF, SIGSEGV, SIGBUS, SIGFPE, SIGILL, and glibc's 32 and 33)
// cannot be watched.
//
// Its methods are loop-bound: call them on the goroutine running the loop, or while it is not
// running. Several loops in several goroutines may watch signals at once.
type Signal struct {
	handle
	cb func(signum syscall.Signal)
}

// NewSignal wraps uv_signal_init. Loop-bound.
func NewSignal(l *Loop) (*Signal, error) {
	s := &Signal{}
	if err := s.open(l, s, HandleSignal); err != nil {
		return nil, err
	}
	if err := s.opened(C.uvg_signal_new(l.ptr, s.token)); err != nil {
		return nil, err
	}
	return s, nil
}

// Start wraps uv_signal_start: cb runs on the loop with signum each time the signal is caught,
// until Stop or Close. Starting a watcher that watches signum already only replaces cb; one
// that watches another signal is stopped first, as libuv does (also when signum then fails).
// A watcher once started with StartOneshot stays one-shot in libuv 1.44: Start makes it watch
// again, for one delivery. A signal the Go runtime owns is EINVAL, and so is a nil cb (libuv
// would call it); an invalid number (0, negative, SIGKILL, SIGSTOP, beyond the last signal)
// is libuv's EINVAL. Loop-bound.
func (s *Signal) Start(signum syscall.Signal, cb func(signum syscall.Signal)) error {
	return s.start(signum, cb, 0)
}

// StartOneshot wraps uv_signal_start_oneshot: Start for one delivery only; libuv stops the
// watcher after cb returns. libuv installs its handler with SA_RESETHAND while only one-shot
// watchers watch a signal; the binding's own watcher of the signal (see Signal) keeps it from
// doing so, except for SIGCHLD: a second delivery before the callback reaches libuv's handler
// instead of the signal's default action, and libuv drops it (with the messages read after it at
// that iteration, as libuv drops those of a watcher stopped meanwhile). Loop-bound.
func (s *Signal) StartOneshot(signum syscall.Signal, cb func(signum syscall.Signal)) error {
	return s.start(signum, cb, 1)
}

func (s *Signal) start(signum syscall.Signal, cb func(syscall.Signal), oneshot C.int) error {
	p, err := s.live()
	if err != nil {
		return err
	}
	if cb == nil || goOwnedSignal(signum) {
		return EINVAL
	}
	cs, err := cint(signum)
	if err != nil {
		cs = -1 // as invalid for libuv as the number given, which stops the watcher as libuv does
	}
	if err := status(C.uvg_signal_start(s.loop.ptr, p, cs, oneshot)); err != nil {
		return err
	}
	s.cb = cb
	return nil
}

// Stop wraps uv_signal_stop: the watcher no longer watches its signal; a stopped watcher is
// left as it is. After the last watcher of a signal, the disposition from before the first comes
// back (see Signal). Loop-bound.
func (s *Signal) Stop() error {
	p, err := s.live()
	if err != nil {
		return err
	}
	return status(C.uvg_signal_stop(s.loop.ptr, p))
}

// Close wraps uv_close: libuv stops the watcher at once (the disposition comes back as after
// Stop); cb (may be nil) runs on the loop once libuv has finished with the handle. A second
// Close returns ErrClosed. Loop-bound.
func (s *Signal) Close(cb func()) error {
	p, err := s.live()
	if err != nil {
		return err
	}
	return s.closeWith(C.uvg_signal_close(s.loop.ptr, p, s.freeInC()), cb)
}

// Signum reads the signum field of uv_signal_t: the signal the watcher watches, 0 when it is
// stopped or closed. Loop-bound.
func (s *Signal) Signum() syscall.Signal {
	s.loop.assertOwner()
	if s.ptr == nil {
		return 0
	}
	return syscall.Signal((*C.uv_signal_t)(s.ptr).signum)
}

// goOwnedSignal reports the signals the Go runtime needs for itself: preemption, profiling, the
// faults it turns into panics, and the two glibc keeps for thread cancellation and setxid.
func goOwnedSignal(signum syscall.Signal) bool {
	switch signum {
	case syscall.SIGURG, syscall.SIGPROF, syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE,
		syscall.SIGILL, 32, 33:
		return true
	}
	return false
}
