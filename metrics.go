package uv

// #include "shim_metrics.h"
import "C"

import "time"

// MetricsIdleTime wraps uv_metrics_idle_time: the time the loop has spent idle in the poller
// since it was configured with Configure(MetricsIdleTime); 0 before. Loop-bound.
func (l *Loop) MetricsIdleTime() time.Duration {
	l.assertOwner()
	if l.ptr == nil {
		return 0
	}
	return time.Duration(C.uv_metrics_idle_time(l.ptr))
}

// Metrics is what MetricsInfo answers: uv_metrics_t in Go. libuv counts from the loop's
// creation, whatever Configure says.
type Metrics struct {
	LoopCount     uint64 // iterations of the loop (uv_run passes)
	Events        uint64 // events the poller reported and the loop processed
	EventsWaiting uint64 // events that waited to be processed when the poller returned
}

// MetricsInfo wraps uv_metrics_info: the loop's counters. ErrClosed after Close. ENOSYS
// before libuv 1.45. Loop-bound.
func (l *Loop) MetricsInfo() (Metrics, error) {
	if l.ptr == nil {
		return Metrics{}, ErrClosed
	}
	var m [3]C.uint64_t
	if err := status(C.uvg_metrics_info(l.ptr, &m[0])); err != nil {
		return Metrics{}, err
	}
	return Metrics{LoopCount: uint64(m[0]), Events: uint64(m[1]), EventsWaiting: uint64(m[2])}, nil
}
