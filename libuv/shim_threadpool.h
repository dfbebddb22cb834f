/* Forwarders of the thread pool work scheduling section (uv_queue_work). */
#ifndef UVG_SHIM_THREADPOOL_H
#define UVG_SHIM_THREADPOOL_H

#include "shim.h"

extern void uvgWorkCb(void* token);
extern void uvgAfterWorkCb(void* token, int status);

/* uv_work_cb and uv_after_work_cb: they hand the request's data (the Go object's token) to the
 * trampolines, which then need no call back into C to read it; on the pool thread that call
 * would be one more transition between C and Go for each request. */
static void uvg_work_cb(uv_work_t* req) {
  uvgWorkCb(req->data);
}

static void uvg_after_work_cb(uv_work_t* req, int status) {
  uvgAfterWorkCb(req->data, status);
}

/* has_work 0 passes a NULL work callback, which libuv refuses with UV_EINVAL. The after callback
 * is always the binding's: it releases the request. */
static inline int uvg_queue_work(uv_loop_t* l, void* req, int has_work) {
  UVG_CHECK(l);
  return uv_queue_work(l, req, has_work ? uvg_work_cb : NULL, uvg_after_work_cb);
}

#endif /* UVG_SHIM_THREADPOOL_H */
