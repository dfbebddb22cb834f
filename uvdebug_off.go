//go:build !uvdebug && cgo && !windows

package uv

// wrongThread is the answer to a loop-bound call from the wrong thread.
func wrongThread() error { return ErrWrongThread }

// assertOwner checks the calling thread of calls that return no error, with the uvdebug tag only.
func (l *Loop) assertOwner() {}
