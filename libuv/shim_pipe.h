/* Forwarders of the pipe section (uv_pipe_t). */
#ifndef UVG_SHIM_PIPE_H
#define UVG_SHIM_PIPE_H

#include "shim_stream.h"

static inline uvg_new_t uvg_pipe_new(uv_loop_t* l, void* token, int ipc) {
  uvg_new_t r = uvg_handle_new(l, UV_NAMED_PIPE);
  return r.ptr ? uvg_inited(r, uv_pipe_init(l, r.ptr, ipc), token) : r;
}

static inline int uvg_pipe_open(uv_loop_t* l, void* p, int fd) {
  UVG_CHECK(l);
  return uv_pipe_open(p, fd);
}

static inline int uvg_pipe_bind(uv_loop_t* l, void* p, const char* name) {
  UVG_CHECK(l);
  return uv_pipe_bind(p, name);
}

/* uv_pipe_connect returns nothing: its errors reach the connect callback. libuv copies name. */
static inline int uvg_pipe_connect(uv_loop_t* l, void* req, void* p, const char* name) {
  UVG_CHECK(l);
  uv_pipe_connect(req, p, name, uvgConnectCb);
  return 0;
}

/* uv_pipe_getsockname (peer 0) or uv_pipe_getpeername (peer 1). */
static inline int uvg_pipe_name(uv_loop_t* l, void* p, int peer, char* buf, size_t* len) {
  UVG_CHECK(l);
  return peer ? uv_pipe_getpeername(p, buf, len) : uv_pipe_getsockname(p, buf, len);
}

static inline int uvg_pipe_pending_instances(uv_loop_t* l, void* p, int count) {
  UVG_CHECK(l);
  uv_pipe_pending_instances(p, count);
  return 0;
}

/* uv_pipe_pending_type, or the thread check's answer. */
static inline int uvg_pipe_pending_type(uv_loop_t* l, void* p) {
  UVG_CHECK(l);
  return uv_pipe_pending_type(p);
}

static inline int uvg_pipe_chmod(uv_loop_t* l, void* p, int flags) {
  UVG_CHECK(l);
  return uv_pipe_chmod(p, flags);
}

static inline int uvg_pipe(int* fds, int read_flags, int write_flags) {
  uv_file f[2] = {-1, -1};
  int r = uv_pipe(f, read_flags, write_flags);
  fds[0] = f[0];
  fds[1] = f[1];
  return r;
}

/* ---- added after 1.44 (the mechanism: UVG_SINCE, UVG_WEAK, UVG_NEED in shim.h) ---- */

#if UVG_SINCE(1, 46)
UVG_WEAK(uv_pipe_bind2);
UVG_WEAK(uv_pipe_connect2);
#define UVG_PIPE_NO_TRUNCATE UV_PIPE_NO_TRUNCATE
#else
#define UVG_PIPE_NO_TRUNCATE 1
#endif

/* uv_pipe_bind2: name holds len bytes, NULs allowed (a Linux abstract socket starts with one). */
static inline int uvg_pipe_bind2(uv_loop_t* l, uintptr_t p, const char* name, size_t len,
                                 unsigned int flags) {
  UVG_CHECK(l);
#if UVG_SINCE(1, 46)
  UVG_NEED(uv_pipe_bind2);
  return uv_pipe_bind2((uv_pipe_t*)p, name, len, flags);
#else
  return UV_ENOSYS;
#endif
}

/* uv_pipe_connect2: an error it returns means the request was not started (no callback);
 * libuv copies name. */
static inline int uvg_pipe_connect2(uv_loop_t* l, void* req, uintptr_t p, const char* name,
                                    size_t len, unsigned int flags) {
  UVG_CHECK(l);
#if UVG_SINCE(1, 46)
  UVG_NEED(uv_pipe_connect2);
  return uv_pipe_connect2(req, (uv_pipe_t*)p, name, len, flags, uvgConnectCb);
#else
  return UV_ENOSYS;
#endif
}

#endif /* UVG_SHIM_PIPE_H */
