//go:build !uvdebug && cgo && !windows

package uv

// wrongThread is the answer to a loop-bound call from the wrong thread that has an error result.
func wrongThread() error { return ErrWrongThread }
