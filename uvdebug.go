//go:build uvdebug

package uv

// #include "shim.h"
import "C"

const wrongThreadPanic = "uv: loop used from a goroutine other than the one running it " +
	"(build tag uvdebug); call it from the loop's callbacks, or hand it over with Loop.Post"

// wrongThread panics: with the uvdebug tag, a call from the wrong thread is a bug to find.
func wrongThread() error { panic(wrongThreadPanic) }

// assertOwner panics when the calling thread is not the one running l.
func (l *Loop) assertOwner() {
	if l.ptr != nil && C.uvg_owner(l.ptr) == 0 {
		panic(wrongThreadPanic)
	}
}
