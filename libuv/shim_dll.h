/* Forwarders of the shared library section (dll.go). */
#ifndef UVG_SHIM_DLL_H
#define UVG_SHIM_DLL_H

#include <string.h>

#include "shim.h"

/* uv_dlopen into C memory. On failure the lib is closed and freed, and *msg is a copy of
 * uv_dlerror's message (free it), since uv_dlclose frees libuv's. */
static inline uvg_new_t uvg_dlopen(const char* path, char** msg) {
  uvg_new_t r = {NULL, UV_ENOMEM};
  uv_lib_t* lib = calloc(1, sizeof(*lib));
  *msg = NULL;
  if (lib == NULL) return r;
  r.err = uv_dlopen(path, lib);
  if (r.err != 0) {
    *msg = strdup(uv_dlerror(lib));
    uv_dlclose(lib);
    free(lib);
    return r;
  }
  r.ptr = lib;
  return r;
}

static inline void uvg_dlclose(uv_lib_t* lib) {
  uv_dlclose(lib);
  free(lib);
}

#endif /* UVG_SHIM_DLL_H */
