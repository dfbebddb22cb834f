/* Forwarders of the thread pool work scheduling section (uv_queue_work). */
#ifndef UVG_SHIM_THREADPOOL_H
#define UVG_SHIM_THREADPOOL_H

#include "shim.h"

extern void uvgWorkCb(uv_work_t* req);
extern void uvgAfterWorkCb(uv_work_t* req, int status);

/* has_work 0 passes a NULL work callback, which libuv refuses with UV_EINVAL. The after callback
 * is always the binding's: it releases the request. */
static inline int uvg_queue_work(uv_loop_t* l, void* req, int has_work) {
  UVG_CHECK(l);
  return uv_queue_work(l, req, has_work ? uvgWorkCb : NULL, uvgAfterWorkCb);
}

#endif /* UVG_SHIM_THREADPOOL_H */
