/* Forwarders of the fs poll section (uv_fs_poll_t). */
#ifndef UVG_SHIM_FS_POLL_H
#define UVG_SHIM_FS_POLL_H

#include "shim.h"

extern void uvgFSPollCb(uv_fs_poll_t* h, int status, uv_stat_t* prev, uv_stat_t* curr);

static inline uvg_new_t uvg_fs_poll_new(uv_loop_t* l, void* token) {
  uvg_new_t r = uvg_handle_new(l, UV_FS_POLL);
  return r.ptr ? uvg_inited(r, uv_fs_poll_init(l, r.ptr), token) : r;
}

/* libuv would call a NULL callback on the first change: the Go side refuses a nil one first. */
static inline int uvg_fs_poll_start(uv_loop_t* l, void* h, const char* path, unsigned int interval) {
  UVG_CHECK(l);
  return uv_fs_poll_start(h, (uv_fs_poll_cb)uvgFSPollCb, path, interval);
}

static inline int uvg_fs_poll_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_fs_poll_stop(h);
}

static inline int uvg_fs_poll_getpath(uv_loop_t* l, void* h, char* buf, size_t* size) {
  UVG_CHECK(l);
  return uv_fs_poll_getpath(h, buf, size);
}

#endif /* UVG_SHIM_FS_POLL_H */
