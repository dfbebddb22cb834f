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

/* libuv is done with the request once its after callback returns: it is freed here, after the
 * Go side has released its token. */
static void uvg_after_work_cb(uv_work_t* req, int status) {
  uvgAfterWorkCb(req->data, status);
  free(req);
}

/* Allocates a request holding the Go object's token and queues it: one call from Go, where the
 * request base would take three. has_work 0 passes a NULL work callback, which libuv refuses
 * with UV_EINVAL; the request is then freed. The after callback is always the binding's. */
static inline uvg_new_t uvg_queue_work(uv_loop_t* l, void* token, int has_work) {
  uvg_new_t r = {NULL, UVG_EWRONGTHREAD};
  if (!uvg_owner(l)) return r;
  r.ptr = uvg_req_alloc(UV_WORK);
  if (r.ptr == NULL) {
    r.err = UV_ENOMEM;
    return r;
  }
  uv_req_set_data(r.ptr, token);
  r.err = uv_queue_work(l, r.ptr, has_work ? uvg_work_cb : NULL, uvg_after_work_cb);
  if (r.err != 0) {
    free(r.ptr);
    r.ptr = NULL;
  }
  return r;
}

#endif /* UVG_SHIM_THREADPOOL_H */
