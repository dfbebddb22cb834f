/* Forwarders of the stream section (uv_stream_t), shared by TCP, pipes and TTYs. */
#ifndef UVG_SHIM_STREAM_H
#define UVG_SHIM_STREAM_H

#include "shim.h"

extern void uvgConnectionCb(uv_stream_t* server, int status);
extern void uvgReadCb(uv_stream_t* s, ssize_t nread, uv_buf_t* buf);
extern void uvgWriteCb(void* token, int status);
extern void uvgConnectCb(uv_connect_t* req, int status);
extern void uvgShutdownCb(uv_shutdown_t* req, int status);

static inline int uvg_listen(uv_loop_t* l, void* s, int backlog) {
  UVG_CHECK(l);
  return uv_listen(s, backlog, uvgConnectionCb);
}

/* The client's loop cl is checked too: libuv registers its socket with the client's loop. */
static inline int uvg_accept(uv_loop_t* l, uv_loop_t* cl, void* server, void* client) {
  UVG_CHECK(l);
  UVG_CHECK(cl);
  return uv_accept(server, client);
}

/* alloc: which allocator (UVG_ALLOC_LOOP, UVG_ALLOC_GO, UVG_ALLOC_NIL; shim.h). */
static inline int uvg_read_start(uv_loop_t* l, void* s, int alloc, int has_cb) {
  UVG_CHECK(l);
  return uv_read_start(s, uvg_alloc(alloc), has_cb ? (uv_read_cb)uvgReadCb : NULL);
}

static inline int uvg_read_stop(uv_loop_t* l, void* s) {
  UVG_CHECK(l);
  return uv_read_stop(s);
}

/* The write callback: the request's memory is freed here, then the trampoline gets the token of
 * its Go object (one cgo call to free it and one to read its data fewer per write). */
static void uvg_write_cb(uv_write_t* req, int status) {
  void* token = uv_req_get_data((uv_req_t*)req);
  free(req);
  uvgWriteCb(token, status);
}

/* Allocates a uv_write_t whose data is token and writes bufs with it (uv_write2 when send is not
 * NULL), in one C call; on failure the request is freed and r.ptr is NULL. bufs NULL: one buffer,
 * base and len, built here (the Go side has no array to allocate). libuv copies the array into
 * the request. libuv asserts nbufs > 0: the Go side refuses 0 first. */
static inline uvg_new_t uvg_write(uv_loop_t* l, void* token, void* s, const uv_buf_t* bufs, unsigned int n, char* base,
                                  size_t len, void* send) {
  uvg_new_t r = {NULL, UVG_EWRONGTHREAD};
  uv_buf_t b;
  if (!uvg_owner(l)) return r;
  r.ptr = uvg_req_new(UV_WRITE, token);
  if (r.ptr == NULL) {
    r.err = UV_ENOMEM;
    return r;
  }
  if (bufs == NULL) {
    b.base = base;
    b.len = len;
    bufs = &b;
    n = 1;
  }
  if (send == NULL) r.err = uv_write(r.ptr, s, bufs, n, uvg_write_cb);
  else r.err = uv_write2(r.ptr, s, bufs, n, send, uvg_write_cb);
  if (r.err != 0) {
    free(r.ptr);
    r.ptr = NULL;
  }
  return r;
}

/* uv_write of len bytes copied from data into the request's own allocation (after the
 * uv_write_t), as one buffer, in one C call with the thread check; token NULL: no Go side (the
 * request is freed on completion without a call into Go). data is Go memory read during the
 * call only, passed as an integer. */
static inline uvg_new_t uvg_write_copy(uintptr_t loop, uintptr_t token, uintptr_t s, uintptr_t data, size_t len) {
  uvg_new_t r = {NULL, UVG_EWRONGTHREAD};
  uv_write_t* req;
  uv_buf_t b;
  if (!uvg_owner((uv_loop_t*)loop)) return r;
  req = uvg_req_copy(uv_req_size(UV_WRITE), data, len);
  if (req == NULL) {
    r.err = UV_ENOMEM;
    return r;
  }
  uv_req_set_data((uv_req_t*)req, (void*)token);
  b = uv_buf_init((char*)req + uv_req_size(UV_WRITE), len);
  r.err = uv_write(req, (uv_stream_t*)s, &b, 1, token != 0 ? uvg_write_cb : (uv_write_cb)uvg_req_free_cb);
  if (r.err != 0) free(req);
  else r.ptr = req;
  return r;
}

static inline int uvg_try_write(uv_loop_t* l, void* s, const uv_buf_t* bufs, unsigned int n, void* send) {
  UVG_CHECK(l);
  if (send == NULL) return uv_try_write(s, bufs, n);
  return uv_try_write2(s, bufs, n, send);
}

static inline int uvg_shutdown(uv_loop_t* l, void* req, void* s) {
  UVG_CHECK(l);
  return uv_shutdown(req, s, uvgShutdownCb);
}

static inline int uvg_stream_set_blocking(uv_loop_t* l, void* s, int blocking) {
  UVG_CHECK(l);
  return uv_stream_set_blocking(s, blocking);
}

#endif /* UVG_SHIM_STREAM_H */
