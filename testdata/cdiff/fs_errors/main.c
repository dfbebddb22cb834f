//go:build ignore

/* fs_errors: failing file system operations, sync then async (internal/scenario/io.go has the
 * Go side). */
#include <fcntl.h>
#include "../cdiff.h"

#define MISSING "/nonexistent-uv-cdiff/x"

static uv_fs_t req;
static int next_op;

static void next(void);

static void fs_cb(uv_fs_t *r);

/* op runs operation i, synchronously when cb is NULL; it returns the call's result. */
static int op(int i, uv_fs_cb cb, const char **name) {
  switch (i) {
  case 0: *name = "open"; return uv_fs_open(loop, &req, MISSING, O_RDONLY, 0, cb);
  case 1: *name = "mkdir"; return uv_fs_mkdir(loop, &req, "/", 0755, cb);
  case 2: *name = "open_dir_w"; return uv_fs_open(loop, &req, "/", O_WRONLY, 0, cb);
  case 3: *name = "rmdir"; return uv_fs_rmdir(loop, &req, MISSING, cb);
  case 4: *name = "readlink"; return uv_fs_readlink(loop, &req, "/", cb);
  case 5: *name = "close"; return uv_fs_close(loop, &req, -1, cb);
  case 6: *name = "scandir"; return uv_fs_scandir(loop, &req, MISSING, 0, cb);
  case 7: *name = "stat"; return uv_fs_stat(loop, &req, "", cb);
  }
  return 1;
}

#define NOPS 8

static const char *async_name;

static void fs_cb(uv_fs_t *r) {
  int res = (int)r->result;
  uv_fs_req_cleanup(r);
  ev("fs", async_name, res < 0 ? res : 0);
  next();
}

static void next(void) {
  int r;
  if (next_op == NOPS) return;
  r = op(next_op++, fs_cb, &async_name);
  ev(async_name, "async", r < 0 ? r : 0);
}

int main(void) {
  int i, r;
  const char *name;
  begin();
  for (i = 0; i < NOPS; i++) {
    r = op(i, NULL, &name);
    uv_fs_req_cleanup(&req);
    ev(name, "sync", r < 0 ? r : 0);
  }
  next();
  run(UV_RUN_DEFAULT);
  return end();
}
