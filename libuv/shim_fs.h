/* Forwarders of the file system section (uv_fs_t). Each checks the calling thread, then calls
 * uv_fs_* with the binding's callback when async is non-zero, or with NULL (libuv's synchronous
 * mode) when it is 0. */
#ifndef UVG_SHIM_FS_H
#define UVG_SHIM_FS_H

#include <signal.h>
#include <string.h>

#include "shim.h"

extern void uvgFSCb(uv_fs_t* req);

#define UVG_FSCB(async) ((async) ? uvgFSCb : NULL)

/* What a completed request holds, read through libuv's accessors in one call. */
typedef struct {
  int type;
  int syserr;
  ssize_t result;
  const char* path;
  void* ptr;
  uv_stat_t stat;
} uvg_fs_res_t;

static inline void uvg_fs_take(uv_fs_t* req, uvg_fs_res_t* out) {
  out->type = uv_fs_get_type(req);
  out->result = uv_fs_get_result(req);
  out->syserr = uv_fs_get_system_error(req);
  out->path = uv_fs_get_path(req);
  out->ptr = uv_fs_get_ptr(req);
  switch (out->type) {
    case UV_FS_STAT:
    case UV_FS_LSTAT:
    case UV_FS_FSTAT:
      memcpy(&out->stat, uv_fs_get_statbuf(req), sizeof(uv_stat_t));
      break;
  }
}

/* uv_fs_req_cleanup, and the request's memory freed. */
static inline void uvg_fs_free(uv_fs_t* req) {
  uv_fs_req_cleanup(req);
  free(req);
}

static inline int uvg_fs_scandir_next(uv_fs_t* req, const char** name, int* type) {
  uv_dirent_t ent;
  int r = uv_fs_scandir_next(req, &ent);
  if (r == 0) {
    *name = ent.name;
    *type = ent.type;
  }
  return r;
}

/* The SIGPIPE a write to a broken pipe raises on a threadpool thread, a thread Go does not know,
 * kills the process: the Go runtime re-raises it with the default action. libuv creates its
 * pool once, on the first submission, and its threads inherit the signal mask of the thread that
 * submits it. This starts the pool from a thread of its own with SIGPIPE blocked, so that the
 * pool's writes see EPIPE only; Go's threads and their SIGPIPE rules are left as they are. */
static void uvg_pool_noop(uv_work_t* w) { (void)w; }

static void* uvg_pool_starter(void* arg) {
  sigset_t set;
  uv_loop_t loop;
  uv_work_t w;
  (void)arg;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  if (uv_loop_init(&loop) != 0) return NULL;
  if (uv_queue_work(&loop, &w, uvg_pool_noop, NULL) == 0) uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return NULL;
}

static inline void uvg_pool_init(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, uvg_pool_starter, NULL) == 0) pthread_join(t, NULL);
}

/* ---- the operations ---- */

static inline int uvg_fs_close(uv_loop_t* l, uv_fs_t* r, int fd, int async) {
  UVG_CHECK(l);
  return uv_fs_close(l, r, fd, UVG_FSCB(async));
}

static inline int uvg_fs_open(uv_loop_t* l, uv_fs_t* r, const char* path, int flags, int mode, int async) {
  UVG_CHECK(l);
  return uv_fs_open(l, r, path, flags, mode, UVG_FSCB(async));
}

static inline int uvg_fs_read(uv_loop_t* l, uv_fs_t* r, int fd, const uv_buf_t* bufs, unsigned int n,
                              int64_t off, int async) {
  UVG_CHECK(l);
  return uv_fs_read(l, r, fd, bufs, n, off, UVG_FSCB(async));
}

static inline int uvg_fs_write(uv_loop_t* l, uv_fs_t* r, int fd, const uv_buf_t* bufs, unsigned int n,
                               int64_t off, int async) {
  UVG_CHECK(l);
  return uv_fs_write(l, r, fd, bufs, n, off, UVG_FSCB(async));
}

static inline int uvg_fs_unlink(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_unlink(l, r, path, UVG_FSCB(async));
}

static inline int uvg_fs_copyfile(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath,
                                  int flags, int async) {
  UVG_CHECK(l);
  return uv_fs_copyfile(l, r, path, newpath, flags, UVG_FSCB(async));
}

static inline int uvg_fs_mkdir(uv_loop_t* l, uv_fs_t* r, const char* path, int mode, int async) {
  UVG_CHECK(l);
  return uv_fs_mkdir(l, r, path, mode, UVG_FSCB(async));
}

static inline int uvg_fs_mkdtemp(uv_loop_t* l, uv_fs_t* r, const char* tpl, int async) {
  UVG_CHECK(l);
  return uv_fs_mkdtemp(l, r, tpl, UVG_FSCB(async));
}

static inline int uvg_fs_mkstemp(uv_loop_t* l, uv_fs_t* r, const char* tpl, int async) {
  UVG_CHECK(l);
  return uv_fs_mkstemp(l, r, tpl, UVG_FSCB(async));
}

static inline int uvg_fs_rmdir(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_rmdir(l, r, path, UVG_FSCB(async));
}

static inline int uvg_fs_scandir(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_scandir(l, r, path, 0, UVG_FSCB(async));
}

static inline int uvg_fs_opendir(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_opendir(l, r, path, UVG_FSCB(async));
}

/* uv_fs_readdir into dirents, an array of n entries the caller owns until completion. */
static inline int uvg_fs_readdir(uv_loop_t* l, uv_fs_t* r, uv_dir_t* dir, uv_dirent_t* dirents, size_t n,
                                 int async) {
  UVG_CHECK(l);
  dir->dirents = dirents;
  dir->nentries = n;
  return uv_fs_readdir(l, r, dir, UVG_FSCB(async));
}

static inline int uvg_fs_closedir(uv_loop_t* l, uv_fs_t* r, uv_dir_t* dir, int async) {
  UVG_CHECK(l);
  return uv_fs_closedir(l, r, dir, UVG_FSCB(async));
}

static inline int uvg_fs_stat(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_stat(l, r, path, UVG_FSCB(async));
}

static inline int uvg_fs_fstat(uv_loop_t* l, uv_fs_t* r, int fd, int async) {
  UVG_CHECK(l);
  return uv_fs_fstat(l, r, fd, UVG_FSCB(async));
}

static inline int uvg_fs_lstat(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_lstat(l, r, path, UVG_FSCB(async));
}

static inline int uvg_fs_statfs(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_statfs(l, r, path, UVG_FSCB(async));
}

static inline int uvg_fs_rename(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath, int async) {
  UVG_CHECK(l);
  return uv_fs_rename(l, r, path, newpath, UVG_FSCB(async));
}

static inline int uvg_fs_fsync(uv_loop_t* l, uv_fs_t* r, int fd, int async) {
  UVG_CHECK(l);
  return uv_fs_fsync(l, r, fd, UVG_FSCB(async));
}

static inline int uvg_fs_fdatasync(uv_loop_t* l, uv_fs_t* r, int fd, int async) {
  UVG_CHECK(l);
  return uv_fs_fdatasync(l, r, fd, UVG_FSCB(async));
}

static inline int uvg_fs_ftruncate(uv_loop_t* l, uv_fs_t* r, int fd, int64_t off, int async) {
  UVG_CHECK(l);
  return uv_fs_ftruncate(l, r, fd, off, UVG_FSCB(async));
}

static inline int uvg_fs_sendfile(uv_loop_t* l, uv_fs_t* r, int out, int in, int64_t off, size_t n, int async) {
  UVG_CHECK(l);
  return uv_fs_sendfile(l, r, out, in, off, n, UVG_FSCB(async));
}

static inline int uvg_fs_access(uv_loop_t* l, uv_fs_t* r, const char* path, int mode, int async) {
  UVG_CHECK(l);
  return uv_fs_access(l, r, path, mode, UVG_FSCB(async));
}

static inline int uvg_fs_chmod(uv_loop_t* l, uv_fs_t* r, const char* path, int mode, int async) {
  UVG_CHECK(l);
  return uv_fs_chmod(l, r, path, mode, UVG_FSCB(async));
}

static inline int uvg_fs_fchmod(uv_loop_t* l, uv_fs_t* r, int fd, int mode, int async) {
  UVG_CHECK(l);
  return uv_fs_fchmod(l, r, fd, mode, UVG_FSCB(async));
}

static inline int uvg_fs_utime(uv_loop_t* l, uv_fs_t* r, const char* path, double at, double mt, int async) {
  UVG_CHECK(l);
  return uv_fs_utime(l, r, path, at, mt, UVG_FSCB(async));
}

static inline int uvg_fs_futime(uv_loop_t* l, uv_fs_t* r, int fd, double at, double mt, int async) {
  UVG_CHECK(l);
  return uv_fs_futime(l, r, fd, at, mt, UVG_FSCB(async));
}

static inline int uvg_fs_lutime(uv_loop_t* l, uv_fs_t* r, const char* path, double at, double mt, int async) {
  UVG_CHECK(l);
  return uv_fs_lutime(l, r, path, at, mt, UVG_FSCB(async));
}

static inline int uvg_fs_link(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath, int async) {
  UVG_CHECK(l);
  return uv_fs_link(l, r, path, newpath, UVG_FSCB(async));
}

static inline int uvg_fs_symlink(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath, int flags,
                                 int async) {
  UVG_CHECK(l);
  return uv_fs_symlink(l, r, path, newpath, flags, UVG_FSCB(async));
}

static inline int uvg_fs_readlink(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_readlink(l, r, path, UVG_FSCB(async));
}

static inline int uvg_fs_realpath(uv_loop_t* l, uv_fs_t* r, const char* path, int async) {
  UVG_CHECK(l);
  return uv_fs_realpath(l, r, path, UVG_FSCB(async));
}

static inline int uvg_fs_chown(uv_loop_t* l, uv_fs_t* r, const char* path, int uid, int gid, int async) {
  UVG_CHECK(l);
  return uv_fs_chown(l, r, path, (uv_uid_t)uid, (uv_gid_t)gid, UVG_FSCB(async));
}

static inline int uvg_fs_fchown(uv_loop_t* l, uv_fs_t* r, int fd, int uid, int gid, int async) {
  UVG_CHECK(l);
  return uv_fs_fchown(l, r, fd, (uv_uid_t)uid, (uv_gid_t)gid, UVG_FSCB(async));
}

static inline int uvg_fs_lchown(uv_loop_t* l, uv_fs_t* r, const char* path, int uid, int gid, int async) {
  UVG_CHECK(l);
  return uv_fs_lchown(l, r, path, (uv_uid_t)uid, (uv_gid_t)gid, UVG_FSCB(async));
}

#endif /* UVG_SHIM_FS_H */
