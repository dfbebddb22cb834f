/* Forwarders of the metrics section (metrics.go). */
#ifndef UVG_SHIM_METRICS_H
#define UVG_SHIM_METRICS_H

#include "shim.h"

/* ---- added after 1.44 (the mechanism: UVG_SINCE, UVG_WEAK, UVG_NEED in shim.h) ---- */

#if UVG_SINCE(1, 45)
UVG_WEAK(uv_metrics_info);
#endif

/* uv_metrics_info, its uv_metrics_t (1.45) as m[0] loop_count, m[1] events, m[2]
 * events_waiting. */
static inline int uvg_metrics_info(uv_loop_t* l, uint64_t* m) {
  UVG_CHECK(l);
#if UVG_SINCE(1, 45)
  {
    uv_metrics_t mm;
    int r;
    UVG_NEED(uv_metrics_info);
    r = uv_metrics_info(l, &mm);
    m[0] = mm.loop_count;
    m[1] = mm.events;
    m[2] = mm.events_waiting;
    return r;
  }
#else
  return UV_ENOSYS;
#endif
}

#endif /* UVG_SHIM_METRICS_H */
