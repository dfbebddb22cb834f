/* Forwarders of the stream section (uv_stream_t), shared by TCP, pipes and TTYs. */
#ifndef UVG_SHIM_STREAM_H
#define UVG_SHIM_STREAM_H

#include "shim.h"

extern void uvgConnectionCb(uv_stream_t* server, int status);
extern void uvgReadCb(uv_stream_t* s, ssize_t nread, uv_buf_t* buf);
extern void uvgWriteCb(uv_write_t* req, int status);
extern void uvgConnectCb(uv_connect_t* req, int status);
extern void uvgShutdownCb(uv_shutdown_t* req, int status);

static inline int uvg_listen(void* s, int backlog) {
  UVG_HCHECK(s);
  return uv_listen(s, backlog, uvgConnectionCb);
}

/* The client is checked too: libuv registers its socket with the client's loop. */
static inline int uvg_accept(void* server, void* client) {
  UVG_HCHECK(server);
  UVG_HCHECK(client);
  return uv_accept(server, client);
}

static inline int uvg_read_start(void* s, int has_cb) {
  UVG_HCHECK(s);
  return uv_read_start(s, uvg_alloc_cb, has_cb ? (uv_read_cb)uvgReadCb : NULL);
}

static inline int uvg_read_stop(void* s) {
  UVG_HCHECK(s);
  return uv_read_stop(s);
}

/* uv_write2 with send NULL is uv_write. libuv asserts nbufs > 0: the Go side refuses 0 first. */
static inline int uvg_write(void* req, void* s, const uv_buf_t* bufs, unsigned int n, void* send) {
  UVG_HCHECK(s);
  if (send == NULL) return uv_write(req, s, bufs, n, uvgWriteCb);
  return uv_write2(req, s, bufs, n, send, uvgWriteCb);
}

/* uvg_write with one buffer, built here: the Go side has no array to allocate. */
static inline int uvg_write1(void* req, void* s, char* base, size_t len, void* send) {
  uv_buf_t b;
  b.base = base;
  b.len = len;
  return uvg_write(req, s, &b, 1, send);
}

static inline int uvg_try_write(void* s, const uv_buf_t* bufs, unsigned int n, void* send) {
  UVG_HCHECK(s);
  if (send == NULL) return uv_try_write(s, bufs, n);
  return uv_try_write2(s, bufs, n, send);
}

static inline int uvg_try_write1(void* s, char* base, size_t len, void* send) {
  uv_buf_t b;
  b.base = base;
  b.len = len;
  return uvg_try_write(s, &b, 1, send);
}

static inline int uvg_shutdown(void* req, void* s) {
  UVG_HCHECK(s);
  return uv_shutdown(req, s, uvgShutdownCb);
}

static inline int uvg_stream_set_blocking(void* s, int blocking) {
  UVG_HCHECK(s);
  return uv_stream_set_blocking(s, blocking);
}

#endif /* UVG_SHIM_STREAM_H */
