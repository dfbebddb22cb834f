/* Forwarders of the file system section (uv_fs_t). Each checks the calling thread, then calls
 * uv_fs_* with the binding's callback when out is NULL, or with NULL (libuv's synchronous mode)
 * when out is given, and then takes the results into out. */
#ifndef UVG_SHIM_FS_H
#define UVG_SHIM_FS_H

#include <signal.h>
#include <string.h>

#include "shim.h"


/* The callback of a request: the binding's when out is NULL (asynchronous), NULL otherwise
 * (libuv's synchronous mode, whose results the forwarder takes into out at once). */
#define UVG_FSCB(out) ((out) == NULL ? uvg_fs_cb : NULL)

/* What a completed request holds, read through libuv's accessors, in Go memory (a variable
 * on the Go side's stack: no pointer in it, so that it stays there). The results that point
 * into the request (uvg_fs_keeps) are read from the request itself, which is then kept until
 * the Go side has converted them; freed: the request was cleaned up and freed already. */
typedef struct {
  int type;
  int syserr;
  int freed;
  int has_path;
  ssize_t result;
  uv_stat_t stat;
} uvg_fs_res_t;

/* A request in C memory: one whose results point into it (uvg_fs_keeps), or an asynchronous one.
 * Paths need no room of their own: libuv copies them in asynchronous mode (and for mkdtemp and
 * mkstemp), and only reads them during the call in synchronous mode. */
static inline uv_fs_t* uvg_fs_new(void) {
  return calloc(1, sizeof(uv_fs_t));
}

/* The data of a request on a forwarder's C stack (UVG_FS_BEGIN); never a token. */
#define UVG_FS_STACK ((void*)1)

/* uv_fs_req_cleanup, and the request's memory freed unless it is on a forwarder's stack. */
static inline void uvg_fs_free(uv_fs_t* req) {
  uv_fs_req_cleanup(req);
  if (uv_req_get_data((uv_req_t*)req) != UVG_FS_STACK) free(req);
}

/* The first statement of every forwarder: the thread check, then, when the Go side gives no
 * request (a synchronous operation whose results do not point into the request), one on this
 * C stack, taken into out and cleaned up before the forwarder returns: one C call, no C memory,
 * for most synchronous operations. */
#define UVG_FS_BEGIN(l, r) \
  uv_fs_t uvg_stack_req; \
  UVG_CHECK(l); \
  if ((r) == NULL) { \
    memset(&uvg_stack_req, 0, sizeof uvg_stack_req); \
    uvg_stack_req.data = UVG_FS_STACK; \
    (r) = &uvg_stack_req; \
  }

/* 1 when the results of an operation are pointers (into what uv_fs_req_cleanup frees, or the
 * new uv_dir_t of opendir), read from the request itself before it is freed. fsKeeps (fs.go)
 * holds the same list. */
static inline int uvg_fs_keeps(int type) {
  switch (type) {
    case UV_FS_OPENDIR:
    case UV_FS_SCANDIR:
    case UV_FS_READDIR:
    case UV_FS_READLINK:
    case UV_FS_REALPATH:
    case UV_FS_MKDTEMP:
    case UV_FS_MKSTEMP:
    case UV_FS_STATFS:
      return 1;
  }
  return 0;
}

/* Takes the results of a completed request into out; unless they point into the request, also
 * cleans it up and frees it. */
static inline void uvg_fs_done(uv_fs_t* req, uvg_fs_res_t* out) {
  out->type = uv_fs_get_type(req);
  out->result = uv_fs_get_result(req);
  out->syserr = uv_fs_get_system_error(req);
  out->has_path = uv_fs_get_path(req) != NULL;
  switch (out->type) {
    case UV_FS_STAT:
    case UV_FS_LSTAT:
    case UV_FS_FSTAT:
      memcpy(&out->stat, uv_fs_get_statbuf(req), sizeof(uv_stat_t));
      break;
  }
  if (!uvg_fs_keeps(out->type)) {
    uvg_fs_free(req);
    out->freed = 1;
  }
}

/* res is a uvg_fs_res_t*: the trampoline's file does not include this header. */
extern void uvgFSCb(void* token, uv_fs_t* req, void* res);

/* The callback of every asynchronous request: the results are taken here, then handed to the
 * trampoline (one call from Go into C fewer per request); req is freed already unless its
 * results point into it (res->freed 0). */
static void uvg_fs_cb(uv_fs_t* req) {
  uvg_fs_res_t res;
  memset(&res, 0, sizeof res);
  void* token = uv_req_get_data((uv_req_t*)req);
  uvg_fs_done(req, &res);
  uvgFSCb(token, req, &res);
}

/* The end of every forwarder: in synchronous mode (out non-NULL) the results are taken. */
static inline int uvg_fs_ret(uv_fs_t* req, int rc, uvg_fs_res_t* out) {
  if (out != NULL) uvg_fs_done(req, out);
  return rc;
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

static inline int uvg_fs_close(uv_loop_t* l, uv_fs_t* r, int fd, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_close(l, r, fd, UVG_FSCB(out)), out);
}

static inline int uvg_fs_open(uv_loop_t* l, uv_fs_t* r, const char* path, int flags, int mode, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_open(l, r, path, flags, mode, UVG_FSCB(out)), out);
}

static inline int uvg_fs_read(uv_loop_t* l, uv_fs_t* r, int fd, const uv_buf_t* bufs, unsigned int n,
                              int64_t off, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_read(l, r, fd, bufs, n, off, UVG_FSCB(out)), out);
}

static inline int uvg_fs_write(uv_loop_t* l, uv_fs_t* r, int fd, const uv_buf_t* bufs, unsigned int n,
                               int64_t off, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_write(l, r, fd, bufs, n, off, UVG_FSCB(out)), out);
}

static inline int uvg_fs_unlink(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_unlink(l, r, path, UVG_FSCB(out)), out);
}

static inline int uvg_fs_copyfile(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath,
                                  int flags, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_copyfile(l, r, path, newpath, flags, UVG_FSCB(out)), out);
}

static inline int uvg_fs_mkdir(uv_loop_t* l, uv_fs_t* r, const char* path, int mode, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_mkdir(l, r, path, mode, UVG_FSCB(out)), out);
}

static inline int uvg_fs_mkdtemp(uv_loop_t* l, uv_fs_t* r, const char* tpl, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_mkdtemp(l, r, tpl, UVG_FSCB(out)), out);
}

static inline int uvg_fs_mkstemp(uv_loop_t* l, uv_fs_t* r, const char* tpl, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_mkstemp(l, r, tpl, UVG_FSCB(out)), out);
}

static inline int uvg_fs_rmdir(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_rmdir(l, r, path, UVG_FSCB(out)), out);
}

static inline int uvg_fs_scandir(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_scandir(l, r, path, 0, UVG_FSCB(out)), out);
}

static inline int uvg_fs_opendir(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_opendir(l, r, path, UVG_FSCB(out)), out);
}

/* uv_fs_readdir into dirents, an array of n entries the caller owns until completion. */
static inline int uvg_fs_readdir(uv_loop_t* l, uv_fs_t* r, uv_dir_t* dir, uv_dirent_t* dirents, size_t n,
                                 uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  dir->dirents = dirents;
  dir->nentries = n;
  return uvg_fs_ret(r, uv_fs_readdir(l, r, dir, UVG_FSCB(out)), out);
}

static inline int uvg_fs_closedir(uv_loop_t* l, uv_fs_t* r, uv_dir_t* dir, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_closedir(l, r, dir, UVG_FSCB(out)), out);
}

static inline int uvg_fs_stat(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_stat(l, r, path, UVG_FSCB(out)), out);
}

/* uv_fs_stat in synchronous mode, in one C call without C memory: the request on this stack
 * (not zeroed: uv_fs_stat initializes what it uses), the path (len bytes at path, without a NUL
 * byte, which the Go side has checked) copied here with its NUL, or to the heap when long; on
 * success the first twelve fields of the uv_stat_t (st_dev to st_gen, uint64_t each) are written
 * to st, the Go Stat's fields of the same order, and the four times to ts (seconds and
 * nanoseconds, int64_t each). The arguments are integers: C memory, or Go memory read and
 * written during the call only. */
static inline int uvg_fs_stat_sync(uintptr_t loop, uintptr_t path, size_t len, uintptr_t st, uintptr_t ts) {
  uv_loop_t* l = (uv_loop_t*)loop;
  uv_fs_t req;
  char buf[512];
  char* p = buf;
  int r;
  UVG_CHECK(l);
  if (len >= sizeof buf) {
    p = malloc(len + 1);
    if (p == NULL) return UV_ENOMEM;
  }
  memcpy(p, (const char*)path, len);
  p[len] = 0;
  r = uv_fs_stat(l, &req, p, NULL);
  if (r == 0) {
    const uv_stat_t* s = &req.statbuf;
    uint64_t* o = (uint64_t*)st;
    int64_t* t = (int64_t*)ts;
    o[0] = s->st_dev;
    o[1] = s->st_mode;
    o[2] = s->st_nlink;
    o[3] = s->st_uid;
    o[4] = s->st_gid;
    o[5] = s->st_rdev;
    o[6] = s->st_ino;
    o[7] = s->st_size;
    o[8] = s->st_blksize;
    o[9] = s->st_blocks;
    o[10] = s->st_flags;
    o[11] = s->st_gen;
    t[0] = s->st_atim.tv_sec;
    t[1] = s->st_atim.tv_nsec;
    t[2] = s->st_mtim.tv_sec;
    t[3] = s->st_mtim.tv_nsec;
    t[4] = s->st_ctim.tv_sec;
    t[5] = s->st_ctim.tv_nsec;
    t[6] = s->st_birthtim.tv_sec;
    t[7] = s->st_birthtim.tv_nsec;
  }
  uv_fs_req_cleanup(&req);
  if (p != buf) free(p);
  return r;
}

static inline int uvg_fs_fstat(uv_loop_t* l, uv_fs_t* r, int fd, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_fstat(l, r, fd, UVG_FSCB(out)), out);
}

static inline int uvg_fs_lstat(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_lstat(l, r, path, UVG_FSCB(out)), out);
}

/* uv_statfs_t read through the headers in use: 1.52 took f_spare[0] for f_frsize. frsize is 0
 * when the headers or the library loaded at run time predate it (libuv < 1.52 leaves f_spare
 * unset: a binary built on newer headers must not read it). */
typedef struct {
  uint64_t type, bsize, blocks, bfree, bavail, files, ffree, frsize;
} uvg_statfs_t;

#define UVG_STATFS_FRSIZE (UV_VERSION_HEX >= 0x013400)

static inline uvg_statfs_t uvg_statfs_read(const uv_statfs_t* s) {
  uvg_statfs_t o = {s->f_type, s->f_bsize, s->f_blocks, s->f_bfree, s->f_bavail, s->f_files, s->f_ffree, 0};
#if UVG_STATFS_FRSIZE
  if (uv_version() >= 0x013400) o.frsize = s->f_frsize;
#endif
  return o;
}

static inline int uvg_fs_statfs(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_statfs(l, r, path, UVG_FSCB(out)), out);
}

static inline int uvg_fs_rename(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_rename(l, r, path, newpath, UVG_FSCB(out)), out);
}

static inline int uvg_fs_fsync(uv_loop_t* l, uv_fs_t* r, int fd, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_fsync(l, r, fd, UVG_FSCB(out)), out);
}

static inline int uvg_fs_fdatasync(uv_loop_t* l, uv_fs_t* r, int fd, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_fdatasync(l, r, fd, UVG_FSCB(out)), out);
}

static inline int uvg_fs_ftruncate(uv_loop_t* l, uv_fs_t* r, int fd, int64_t off, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_ftruncate(l, r, fd, off, UVG_FSCB(out)), out);
}

static inline int uvg_fs_sendfile(uv_loop_t* l, uv_fs_t* r, int out_fd, int in_fd, int64_t off, size_t n,
                                  uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_sendfile(l, r, out_fd, in_fd, off, n, UVG_FSCB(out)), out);
}

static inline int uvg_fs_access(uv_loop_t* l, uv_fs_t* r, const char* path, int mode, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_access(l, r, path, mode, UVG_FSCB(out)), out);
}

static inline int uvg_fs_chmod(uv_loop_t* l, uv_fs_t* r, const char* path, int mode, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_chmod(l, r, path, mode, UVG_FSCB(out)), out);
}

static inline int uvg_fs_fchmod(uv_loop_t* l, uv_fs_t* r, int fd, int mode, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_fchmod(l, r, fd, mode, UVG_FSCB(out)), out);
}

static inline int uvg_fs_utime(uv_loop_t* l, uv_fs_t* r, const char* path, double at, double mt, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_utime(l, r, path, at, mt, UVG_FSCB(out)), out);
}

static inline int uvg_fs_futime(uv_loop_t* l, uv_fs_t* r, int fd, double at, double mt, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_futime(l, r, fd, at, mt, UVG_FSCB(out)), out);
}

static inline int uvg_fs_lutime(uv_loop_t* l, uv_fs_t* r, const char* path, double at, double mt, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_lutime(l, r, path, at, mt, UVG_FSCB(out)), out);
}

static inline int uvg_fs_link(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_link(l, r, path, newpath, UVG_FSCB(out)), out);
}

static inline int uvg_fs_symlink(uv_loop_t* l, uv_fs_t* r, const char* path, const char* newpath, int flags,
                                 uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_symlink(l, r, path, newpath, flags, UVG_FSCB(out)), out);
}

static inline int uvg_fs_readlink(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_readlink(l, r, path, UVG_FSCB(out)), out);
}

static inline int uvg_fs_realpath(uv_loop_t* l, uv_fs_t* r, const char* path, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_realpath(l, r, path, UVG_FSCB(out)), out);
}

static inline int uvg_fs_chown(uv_loop_t* l, uv_fs_t* r, const char* path, int uid, int gid, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_chown(l, r, path, (uv_uid_t)uid, (uv_gid_t)gid, UVG_FSCB(out)), out);
}

static inline int uvg_fs_fchown(uv_loop_t* l, uv_fs_t* r, int fd, int uid, int gid, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_fchown(l, r, fd, (uv_uid_t)uid, (uv_gid_t)gid, UVG_FSCB(out)), out);
}

static inline int uvg_fs_lchown(uv_loop_t* l, uv_fs_t* r, const char* path, int uid, int gid, uvg_fs_res_t* out) {
  UVG_FS_BEGIN(l, r);
  return uvg_fs_ret(r, uv_fs_lchown(l, r, path, (uv_uid_t)uid, (uv_gid_t)gid, UVG_FSCB(out)), out);
}

#endif /* UVG_SHIM_FS_H */
