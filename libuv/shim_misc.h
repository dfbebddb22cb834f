/* Forwarders of the miscellaneous (OS utilities) section (misc.go), and the capture of the
 * process's argv for uv_setup_args. Include it from misc.go only: it defines a constructor and
 * the static variables it fills, which must exist once in the program. */
#ifndef UVG_SHIM_MISC_H
#define UVG_SHIM_MISC_H

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "shim.h"

/* The process's argc and argv, as the C runtime passed them to the program's constructors;
 * argc is -1 when nothing was captured. A Go program has no main(argc, argv) of its own, but
 * glibc (from the dynamic loader or __libc_start_main) and macOS's dyld call ELF/Mach-O
 * constructor functions with (argc, argv, envp): the same argv the Go runtime reads os.Args
 * from. Other C libraries (musl) call them without arguments, so nothing is captured there. */
static int uvg_argc = -1;
static char** uvg_argv;

#if defined(__GLIBC__) || defined(__APPLE__)
__attribute__((constructor)) static void uvg_capture_args(int argc, char** argv, char** envp) {
  (void)envp;
  if (argc >= 0 && argv != NULL && argv[argc] == NULL) {
    uvg_argc = argc;
    uvg_argv = argv;
  }
}
#endif

/* uv_setup_args with the captured argv. libuv keeps its copy of the strings (and answers with
 * it) and later writes process titles into the original argv's memory. It reports no error: it
 * answers with argv itself when argc is 0 or its allocation failed. */
static inline int uvg_setup_args(void) {
  if (uvg_argc < 0) return UV_ENOSYS;
  if (uvg_argc == 0) return UV_EINVAL;
  if (uv_setup_args(uvg_argc, uvg_argv) == uvg_argv) return UV_ENOMEM;
  return 0;
}

/* uv_print_all_handles or uv_print_active_handles into a FILE* on a duplicate of fd (fd < 0:
 * libuv's default, stderr), flushed and closed before returning. */
static inline int uvg_print_handles(uv_loop_t* l, int fd, int only_active) {
  FILE* f = NULL;
  int d;
  UVG_CHECK(l);
  if (fd >= 0) {
    d = dup(fd);
    if (d < 0) return -errno;
    f = fdopen(d, "w");
    if (f == NULL) {
      int e = errno;
      close(d);
      return -e;
    }
  }
  if (only_active) uv_print_active_handles(l, f);
  else uv_print_all_handles(l, f);
  if (f == NULL) return fflush(stderr) == 0 ? 0 : -errno;
  return fclose(f) == 0 ? 0 : -errno;
}

/* ---- added after 1.44 (the mechanism: UVG_SINCE, UVG_WEAK, UVG_NEED in shim.h) ---- */

/* uv_group_t (1.45), or the same fields for older headers, which lack the type. */
#if UVG_SINCE(1, 45)
typedef uv_group_t uvg_group_t;
#define UVG_CLOCK_MONOTONIC UV_CLOCK_MONOTONIC
#define UVG_CLOCK_REALTIME UV_CLOCK_REALTIME
UVG_WEAK(uv_os_get_passwd2);
UVG_WEAK(uv_os_get_group);
UVG_WEAK(uv_os_free_group);
UVG_WEAK(uv_get_available_memory);
UVG_WEAK(uv_clock_gettime);
#else
typedef struct {
  char* groupname;
  unsigned long gid;
  char** members;
} uvg_group_t;
#define UVG_CLOCK_MONOTONIC 0
#define UVG_CLOCK_REALTIME 1
#endif
#if UVG_SINCE(1, 47)
UVG_WEAK(uv_utf16_length_as_wtf8);
UVG_WEAK(uv_utf16_to_wtf8);
UVG_WEAK(uv_wtf8_length_as_utf16);
UVG_WEAK(uv_wtf8_to_utf16);
#endif
#if UVG_SINCE(1, 50)
UVG_WEAK(uv_getrusage_thread);
#endif

static inline int uvg_os_get_passwd2(uv_passwd_t* pwd, unsigned int uid) {
#if UVG_SINCE(1, 45)
  UVG_NEED(uv_os_get_passwd2);
  return uv_os_get_passwd2(pwd, (uv_uid_t)uid);
#else
  return UV_ENOSYS;
#endif
}

/* uv_os_get_group; free a successful answer with uvg_os_free_group. */
static inline int uvg_os_get_group(uvg_group_t* grp, unsigned int gid) {
#if UVG_SINCE(1, 45)
  UVG_NEED(uv_os_get_group);
  UVG_NEED(uv_os_free_group);
  return uv_os_get_group(grp, (uv_uid_t)gid);
#else
  return UV_ENOSYS;
#endif
}

static inline void uvg_os_free_group(uvg_group_t* grp) {
#if UVG_SINCE(1, 45)
  uv_os_free_group(grp);
#endif
}

static inline int uvg_get_available_memory(uint64_t* n) {
#if UVG_SINCE(1, 45)
  UVG_NEED(uv_get_available_memory);
  *n = uv_get_available_memory();
  return 0;
#else
  return UV_ENOSYS;
#endif
}

/* uv_clock_gettime, its uv_timespec64_t (1.45) as nanoseconds. */
static inline int uvg_clock_gettime(int clock_id, int64_t* ns) {
#if UVG_SINCE(1, 45)
  uv_timespec64_t ts;
  int r;
  UVG_NEED(uv_clock_gettime);
  r = uv_clock_gettime((uv_clock_id)clock_id, &ts);
  if (r == 0) *ns = ts.tv_sec * 1000000000 + ts.tv_nsec;
  return r;
#else
  return UV_ENOSYS;
#endif
}

static inline int uvg_getrusage_thread(uv_rusage_t* r) {
#if UVG_SINCE(1, 50)
  UVG_NEED(uv_getrusage_thread);
  return uv_getrusage_thread(r);
#else
  return UV_ENOSYS;
#endif
}

/* UTF-16 to WTF-8: *n is the length in bytes, without the NUL that libuv writes after it. With
 * buf NULL, only *n is computed (uv_utf16_length_as_wtf8); else buf holds *n + 1 bytes. */
static inline int uvg_utf16_to_wtf8(const uint16_t* s, size_t len, char* buf, size_t* n) {
#if UVG_SINCE(1, 47)
  UVG_NEED(uv_utf16_length_as_wtf8);
  UVG_NEED(uv_utf16_to_wtf8);
  if (buf == NULL) {
    *n = uv_utf16_length_as_wtf8(s, (ssize_t)len);
    return 0;
  }
  return uv_utf16_to_wtf8(s, (ssize_t)len, &buf, n);
#else
  return UV_ENOSYS;
#endif
}

/* WTF-8 (NUL-terminated) to UTF-16: with buf NULL, *n is the length in code units with the
 * NUL (uv_wtf8_length_as_utf16), UV_EINVAL for invalid WTF-8; else buf holds *n code units. */
static inline int uvg_wtf8_to_utf16(const char* s, uint16_t* buf, size_t* n) {
#if UVG_SINCE(1, 47)
  ssize_t r;
  UVG_NEED(uv_wtf8_length_as_utf16);
  UVG_NEED(uv_wtf8_to_utf16);
  if (buf != NULL) {
    uv_wtf8_to_utf16(s, buf, *n);
    return 0;
  }
  r = uv_wtf8_length_as_utf16(s);
  if (r < 0) return UV_EINVAL;
  *n = (size_t)r;
  return 0;
#else
  return UV_ENOSYS;
#endif
}

#endif /* UVG_SHIM_MISC_H */
