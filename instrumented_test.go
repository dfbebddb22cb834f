//go:build race || asan

package uv

// instrumented is true under the race detector or AddressSanitizer, whose instrumented code
// allocates: the allocation tests skip then.
const instrumented = true
