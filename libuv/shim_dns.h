/* Forwarders of the DNS section (uv_getaddrinfo_t, uv_getnameinfo_t). */
#ifndef UVG_SHIM_DNS_H
#define UVG_SHIM_DNS_H

#include "shim.h"

extern void uvgGetaddrinfoCb(uv_getaddrinfo_t* req, int status, struct addrinfo* res);
extern void uvgGetnameinfoCb(uv_getnameinfo_t* req, int status, const char* host, const char* service);

/* uv_getaddrinfo; async 0 is libuv's synchronous mode (NULL callback), where the loop's request
 * count is still touched: the thread check applies to both modes. */
static inline int uvg_getaddrinfo(uv_loop_t* l, void* req, int async, const char* node,
                                  const char* service, const struct addrinfo* hints) {
  UVG_CHECK(l);
  return uv_getaddrinfo(l, req, async ? uvgGetaddrinfoCb : NULL, node, service, hints);
}

/* The list a synchronous uv_getaddrinfo left in the request. */
static inline struct addrinfo* uvg_getaddrinfo_res(void* req) {
  return ((uv_getaddrinfo_t*)req)->addrinfo;
}

static inline int uvg_getnameinfo(uv_loop_t* l, void* req, int async, const struct sockaddr* addr,
                                  int flags) {
  UVG_CHECK(l);
  return uv_getnameinfo(l, req, async ? uvgGetnameinfoCb : NULL, addr, flags);
}

#endif /* UVG_SHIM_DNS_H */
