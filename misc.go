package uv

// #include "shim.h"
import "C"

// Hrtime wraps uv_hrtime: the current high-resolution time in nanoseconds, relative to an
// arbitrary point in the past; not related to the time of day. Safe for concurrent use.
func Hrtime() uint64 { return uint64(C.uv_hrtime()) }
