//go:build uvdebug

package uv

// wrongThread panics: with the uvdebug tag, every call from the wrong thread is a bug to find,
// those with an error result included.
func wrongThread() error { panic(wrongThreadPanic) }
