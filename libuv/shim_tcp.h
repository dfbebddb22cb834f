/* Forwarders of the TCP section (uv_tcp_t). */
#ifndef UVG_SHIM_TCP_H
#define UVG_SHIM_TCP_H

#include <sys/socket.h>

#include "shim_stream.h"

/* ex 0: uv_tcp_init; else uv_tcp_init_ex with flags. */
static inline uvg_new_t uvg_tcp_new(uv_loop_t* l, void* token, int ex, unsigned int flags) {
  uvg_new_t r = uvg_handle_new(l, UV_TCP);
  if (r.ptr == NULL) return r;
  return uvg_inited(r, ex ? uv_tcp_init_ex(l, r.ptr, flags) : uv_tcp_init(l, r.ptr), token);
}

static inline int uvg_tcp_open(uv_loop_t* l, void* h, int fd) {
  UVG_CHECK(l);
  return uv_tcp_open(h, (uv_os_sock_t)fd);
}

static inline int uvg_tcp_nodelay(uv_loop_t* l, void* h, int enable) {
  UVG_CHECK(l);
  return uv_tcp_nodelay(h, enable);
}

static inline int uvg_tcp_keepalive(uv_loop_t* l, void* h, int enable, unsigned int delay) {
  UVG_CHECK(l);
  return uv_tcp_keepalive(h, enable, delay);
}

static inline int uvg_tcp_simultaneous_accepts(uv_loop_t* l, void* h, int enable) {
  UVG_CHECK(l);
  return uv_tcp_simultaneous_accepts(h, enable);
}

static inline int uvg_tcp_bind(uv_loop_t* l, void* h, const struct sockaddr* addr, unsigned int flags) {
  UVG_CHECK(l);
  return uv_tcp_bind(h, addr, flags);
}

/* peer != 0: uv_tcp_getpeername, else uv_tcp_getsockname. */
static inline int uvg_tcp_name(uv_loop_t* l, void* h, int peer, struct sockaddr_storage* sa) {
  int n = sizeof(*sa);
  UVG_CHECK(l);
  if (peer) return uv_tcp_getpeername(h, (struct sockaddr*)sa, &n);
  return uv_tcp_getsockname(h, (struct sockaddr*)sa, &n);
}

static inline int uvg_tcp_connect(uv_loop_t* l, void* req, void* h, const struct sockaddr* addr) {
  UVG_CHECK(l);
  return uv_tcp_connect(req, h, addr, uvgConnectCb);
}

static inline int uvg_tcp_close_reset(uv_loop_t* l, void* h, int free_in_c) {
  UVG_CHECK(l);
  return uv_tcp_close_reset(h, uvg_close_cb(free_in_c));
}

static inline int uvg_socketpair(int type, int protocol, int* fds, int flags0, int flags1) {
  uv_os_sock_t s[2];
  int r = uv_socketpair(type, protocol, s, flags0, flags1);
  if (r == 0) {
    fds[0] = (int)s[0];
    fds[1] = (int)s[1];
  }
  return r;
}

/* ---- added after 1.44 (the mechanism: UVG_SINCE, UVG_WEAK, UVG_NEED in shim.h) ---- */

#if UVG_SINCE(1, 52)
UVG_WEAK(uv_tcp_keepalive_ex);
#endif

static inline int uvg_tcp_keepalive_ex(uv_loop_t* l, uintptr_t h, int on, unsigned int idle,
                                       unsigned int intvl, unsigned int cnt) {
  UVG_CHECK(l);
#if UVG_SINCE(1, 52)
  UVG_NEED(uv_tcp_keepalive_ex);
  return uv_tcp_keepalive_ex((uv_tcp_t*)h, on, idle, intvl, cnt);
#else
  return UV_ENOSYS;
#endif
}

#endif /* UVG_SHIM_TCP_H */
