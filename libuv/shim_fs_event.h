/* Forwarders of the fs event section (uv_fs_event_t). */
#ifndef UVG_SHIM_FS_EVENT_H
#define UVG_SHIM_FS_EVENT_H

#include "shim.h"

extern void uvgFSEventCb(uv_fs_event_t* h, char* filename, int events, int status);

static inline uvg_new_t uvg_fs_event_new(uv_loop_t* l, void* token) {
  uvg_new_t r = uvg_handle_new(l, UV_FS_EVENT);
  return r.ptr ? uvg_inited(r, uv_fs_event_init(l, r.ptr), token) : r;
}

/* libuv would call a NULL callback on the first event: the Go side refuses a nil one first. */
static inline int uvg_fs_event_start(uv_loop_t* l, void* h, const char* path, unsigned int flags) {
  UVG_CHECK(l);
  return uv_fs_event_start(h, (uv_fs_event_cb)uvgFSEventCb, path, flags);
}

static inline int uvg_fs_event_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_fs_event_stop(h);
}

static inline int uvg_fs_event_getpath(uv_loop_t* l, void* h, char* buf, size_t* size) {
  UVG_CHECK(l);
  return uv_fs_event_getpath(h, buf, size);
}

#endif /* UVG_SHIM_FS_EVENT_H */
