/* Forwarders of the UDP section (uv_udp_t, uv_udp_send_t). */
#ifndef UVG_SHIM_UDP_H
#define UVG_SHIM_UDP_H

#include "shim.h"

extern void uvgUDPSendCb(void* token, int status);
extern void uvgUDPRecvCb(uv_udp_t* h, ssize_t nread, uv_buf_t* buf, struct sockaddr* addr,
                         unsigned flags);

/* uv_udp_init, or uv_udp_init_ex with flags when ex is set. */
static inline uvg_new_t uvg_udp_new(uv_loop_t* l, void* token, unsigned int flags, int ex) {
  uvg_new_t r = uvg_handle_new(l, UV_UDP);
  if (r.ptr == NULL) return r;
  return uvg_inited(r, ex ? uv_udp_init_ex(l, r.ptr, flags) : uv_udp_init(l, r.ptr), token);
}

static inline int uvg_udp_open(uv_loop_t* l, void* h, int sock) {
  UVG_CHECK(l);
  return uv_udp_open(h, (uv_os_sock_t)sock);
}

static inline int uvg_udp_bind(uv_loop_t* l, void* h, const struct sockaddr* addr, unsigned int flags) {
  UVG_CHECK(l);
  return uv_udp_bind(h, addr, flags);
}

/* addr NULL disconnects. */
static inline int uvg_udp_connect(uv_loop_t* l, void* h, const struct sockaddr* addr) {
  UVG_CHECK(l);
  return uv_udp_connect(h, addr);
}

/* uv_udp_getpeername (peer) or uv_udp_getsockname into a sockaddr_storage. */
static inline int uvg_udp_name(uv_loop_t* l, void* h, int peer, struct sockaddr_storage* ss) {
  int n = sizeof *ss;
  UVG_CHECK(l);
  if (peer) return uv_udp_getpeername(h, (struct sockaddr*)ss, &n);
  return uv_udp_getsockname(h, (struct sockaddr*)ss, &n);
}

/* source NULL: uv_udp_set_membership; else uv_udp_set_source_membership. iface may be NULL. */
static inline int uvg_udp_membership(uv_loop_t* l, void* h, const char* group, const char* iface,
                                     const char* source, uv_membership m) {
  UVG_CHECK(l);
  if (source == NULL) return uv_udp_set_membership(h, group, iface, m);
  return uv_udp_set_source_membership(h, group, iface, source, m);
}

/* The integer options, by the letter libuv's setter is named after. */
enum { UVG_UDP_MCAST_LOOP, UVG_UDP_MCAST_TTL, UVG_UDP_BROADCAST, UVG_UDP_TTL };

static inline int uvg_udp_set(uv_loop_t* l, void* h, int opt, int v) {
  UVG_CHECK(l);
  switch (opt) {
    case UVG_UDP_MCAST_LOOP: return uv_udp_set_multicast_loop(h, v);
    case UVG_UDP_MCAST_TTL: return uv_udp_set_multicast_ttl(h, v);
    case UVG_UDP_BROADCAST: return uv_udp_set_broadcast(h, v);
    case UVG_UDP_TTL: return uv_udp_set_ttl(h, v);
  }
  return UV_EINVAL;
}

static inline int uvg_udp_set_multicast_interface(uv_loop_t* l, void* h, const char* iface) {
  UVG_CHECK(l);
  return uv_udp_set_multicast_interface(h, iface);
}

/* The send callback: the request's memory is freed here, then the trampoline gets the token of
 * its Go object (one cgo call fewer per datagram than freeing it from Go). */
static void uvg_udp_send_cb(uv_udp_send_t* req, int status) {
  void* token = uv_req_get_data((uv_req_t*)req);
  free(req);
  uvgUDPSendCb(token, status);
}

/* Allocates a uv_udp_send_t whose data is token and sends bufs with it, in one C call; on
 * failure the request is freed and r.ptr is NULL. The callback is always uvg_udp_send_cb, so
 * that the request is released even when the Go callback is nil. libuv asserts nbufs > 0: the
 * Go side refuses 0 first. */
static inline uvg_new_t uvg_udp_send(uv_loop_t* l, void* token, void* h, const uv_buf_t* bufs, unsigned int n,
                                     const struct sockaddr* addr) {
  uvg_new_t r = {NULL, UVG_EWRONGTHREAD};
  if (!uvg_owner(l)) return r;
  r.ptr = uvg_req_alloc(UV_UDP_SEND);
  if (r.ptr == NULL) {
    r.err = UV_ENOMEM;
    return r;
  }
  uv_req_set_data(r.ptr, token);
  r.err = uv_udp_send(r.ptr, h, bufs, n, addr, uvg_udp_send_cb);
  if (r.err != 0) {
    free(r.ptr);
    r.ptr = NULL;
  }
  return r;
}

/* uv_udp_send of len bytes copied from data into the request's own allocation (after the
 * uv_udp_send_t), as one buffer, in one C call with the thread check; token NULL: no Go side
 * (the request is freed on completion without a call into Go). The arguments are integers: C
 * memory, or Go memory read during the call only (data, addr). */
static inline uvg_new_t uvg_udp_send_copy(uintptr_t loop, uintptr_t token, uintptr_t h, uintptr_t data, size_t len,
                                          uintptr_t addr) {
  uvg_new_t r = {NULL, UVG_EWRONGTHREAD};
  uv_udp_send_t* req;
  uv_buf_t b;
  if (!uvg_owner((uv_loop_t*)loop)) return r;
  req = uvg_req_copy(uv_req_size(UV_UDP_SEND), data, len);
  if (req == NULL) {
    r.err = UV_ENOMEM;
    return r;
  }
  uv_req_set_data((uv_req_t*)req, (void*)token);
  b = uv_buf_init((char*)req + uv_req_size(UV_UDP_SEND), len);
  r.err = uv_udp_send(req, (uv_udp_t*)h, &b, 1, (const struct sockaddr*)addr,
                      token != 0 ? uvg_udp_send_cb : (uv_udp_send_cb)uvg_req_free_cb);
  if (r.err != 0) free(req);
  else r.ptr = req;
  return r;
}

static inline int uvg_udp_try_send(uv_loop_t* l, void* h, const uv_buf_t* bufs, unsigned int n,
                                   const struct sockaddr* addr) {
  UVG_CHECK(l);
  return uv_udp_try_send(h, bufs, n, addr);
}

/* The receive callback of a handle that skips libuv's "nothing to read" (nread 0, addr NULL,
 * no UV_UDP_MMSG_FREE): those calls stay in C (UDP.SetRecvSkipEmpty). */
static void uvg_udp_recv_skip_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const struct sockaddr* addr,
                                 unsigned flags) {
  if (nread == 0 && addr == NULL && !(flags & UV_UDP_MMSG_FREE)) return;
  uvgUDPRecvCb(h, nread, (uv_buf_t*)buf, (struct sockaddr*)addr, flags);
}

/* has_cb: 0 no callback (libuv's EINVAL), 1 the Go callback, 2 the Go callback without the
 * "nothing to read" calls. */
static inline uv_udp_recv_cb uvg_udp_recv_cb(int has_cb) {
  if (has_cb == 2) return uvg_udp_recv_skip_cb;
  return has_cb ? (uv_udp_recv_cb)uvgUDPRecvCb : NULL;
}

/* alloc as in uvg_read_start (shim_stream.h). */
static inline int uvg_udp_recv_start(uv_loop_t* l, void* h, int alloc, int has_cb) {
  UVG_CHECK(l);
  return uv_udp_recv_start(h, uvg_alloc(alloc), uvg_udp_recv_cb(has_cb));
}

static inline int uvg_udp_recv_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_udp_recv_stop(h);
}

/* ---- added after 1.44 (the mechanism: UVG_SINCE, UVG_WEAK, UVG_NEED in shim.h) ---- */

#if UVG_SINCE(1, 50)
UVG_WEAK(uv_udp_try_send2);
#endif
#if UVG_SINCE(1, 52)
UVG_WEAK(uv_udp_open_ex);
#endif

static inline int uvg_udp_open_ex(uv_loop_t* l, uintptr_t h, int sock, unsigned int flags) {
  UVG_CHECK(l);
#if UVG_SINCE(1, 52)
  UVG_NEED(uv_udp_open_ex);
  return uv_udp_open_ex((uv_udp_t*)h, (uv_os_sock_t)sock, flags);
#else
  return UV_ENOSYS;
#endif
}

/* uv_udp_try_send2 of count (> 0) datagrams: datagram i is the next nbufs[i] buffers of bufs,
 * to addrs[i], or to the connected peer when addrs[i] is zero (AF_UNSPEC). */
static inline int uvg_udp_try_send2(uv_loop_t* l, uintptr_t h, unsigned int count, uv_buf_t* bufs,
                                    unsigned int* nbufs, struct sockaddr_storage* addrs) {
  UVG_CHECK(l);
#if UVG_SINCE(1, 50)
  {
    uv_buf_t** bp;
    struct sockaddr** ap;
    unsigned int i;
    int r;
    UVG_NEED(uv_udp_try_send2);
    bp = malloc(count * (sizeof(*bp) + sizeof(*ap)));
    if (bp == NULL) return UV_ENOMEM;
    ap = (struct sockaddr**)(bp + count);
    for (i = 0; i < count; i++) {
      bp[i] = bufs;
      bufs += nbufs[i];
      ap[i] = addrs[i].ss_family == AF_UNSPEC ? NULL : (struct sockaddr*)&addrs[i];
    }
    r = uv_udp_try_send2((uv_udp_t*)h, count, bp, nbufs, ap, 0);
    free(bp);
    return r;
  }
#else
  return UV_ENOSYS;
#endif
}

#endif /* UVG_SHIM_UDP_H */
