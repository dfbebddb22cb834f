/* Forwarders of the poll section (uv_poll_t). */
#ifndef UVG_SHIM_POLL_H
#define UVG_SHIM_POLL_H

#include "shim.h"

extern void uvgPollCb(uv_poll_t* h, int status, int events);

/* uv_poll_init, or uv_poll_init_socket when socket is not 0 (the same call on Unix). */
static inline uvg_new_t uvg_poll_new(uv_loop_t* l, void* token, int fd, int socket) {
  uvg_new_t r = uvg_handle_new(l, UV_POLL);
  if (r.ptr == NULL) return r;
  return uvg_inited(r, socket ? uv_poll_init_socket(l, r.ptr, fd) : uv_poll_init(l, r.ptr, fd), token);
}

/* libuv asserts on unknown event bits: the Go side refuses them first. */
static inline int uvg_poll_start(uv_loop_t* l, void* h, int events) {
  UVG_CHECK(l);
  return uv_poll_start(h, events, uvgPollCb);
}

static inline int uvg_poll_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_poll_stop(h);
}

#endif /* UVG_SHIM_POLL_H */
