/* Forwarders of the TTY section (uv_tty_t). */
#ifndef UVG_SHIM_TTY_H
#define UVG_SHIM_TTY_H

#include "shim_stream.h"

static inline uvg_new_t uvg_tty_new(uv_loop_t* l, void* token, int fd, int readable) {
  uvg_new_t r = uvg_handle_new(l, UV_TTY);
  return r.ptr ? uvg_inited(r, uv_tty_init(l, r.ptr, fd, readable), token) : r;
}

static inline int uvg_tty_set_mode(uv_loop_t* l, void* t, uv_tty_mode_t mode) {
  UVG_CHECK(l);
  return uv_tty_set_mode(t, mode);
}

static inline int uvg_tty_winsize(uv_loop_t* l, void* t, int* w, int* h) {
  UVG_CHECK(l);
  return uv_tty_get_winsize(t, w, h);
}

#endif /* UVG_SHIM_TTY_H */
