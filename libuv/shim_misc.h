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

#endif /* UVG_SHIM_MISC_H */
