package uv

// #include "shim.h"
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
