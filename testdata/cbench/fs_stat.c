/* C twin of BenchmarkFSStat: uv_fs_stat of one file, written for this repository.
 *   sync:    N synchronous stats (NULL callback), one uv_fs_t on the stack, cleaned up each time.
 *   async32: 32 asynchronous stats in flight on the threadpool, each callback cleaning up its
 *            request and submitting the next until N; one op is one stat.
 * The file is a temporary one in $TMPDIR (default /tmp), as the Go benchmark's t.TempDir().
 *
 * usage: fs_stat [stats [reps]]   (defaults 1000000 and 1)
 * Prints per repetition, in the format of `go test -bench`:
 *   C/FSStat/sync <N> <ns> ns/op
 *   C/FSStat/async32 <N> <ns> ns/op */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define INFLIGHT 32

static char path[4096];
static long want, started, done;
static uv_loop_t loop;
static uv_fs_t reqs[INFLIGHT];

static void check(int r, const char* what) {
  if (r < 0) {
    fprintf(stderr, "fs_stat: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

static void on_stat(uv_fs_t* req) {
  check((int)req->result, "async stat");
  uv_fs_req_cleanup(req);
  done++;
  if (started < want) {
    started++;
    check(uv_fs_stat(&loop, req, path, on_stat), "uv_fs_stat");
  }
}

int main(int argc, char** argv) {
  want = argc > 1 ? atol(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 1;
  const char* tmp = getenv("TMPDIR");
  snprintf(path, sizeof(path), "%s/uv-fs-stat-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0 || write(fd, "test-buffer\n", 13) != 13) {
    perror("fs_stat: mkstemp");
    return 1;
  }
  close(fd);

  for (int r = 0; r < reps; r++) {
    uint64_t t0, t1;
    check(uv_loop_init(&loop), "uv_loop_init");

    t0 = uv_hrtime();
    for (long i = 0; i < want; i++) {
      uv_fs_t req;
      check(uv_fs_stat(&loop, &req, path, NULL), "sync stat");
      uv_fs_req_cleanup(&req);
    }
    t1 = uv_hrtime();
    printf("C/FSStat/sync %ld %.2f ns/op\n", want, (double)(t1 - t0) / want);

    started = done = 0;
    t0 = uv_hrtime();
    for (; started < INFLIGHT && started < want; started++)
      check(uv_fs_stat(&loop, &reqs[started], path, on_stat), "uv_fs_stat");
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    t1 = uv_hrtime();
    if (done != want) {
      fprintf(stderr, "fs_stat: %ld stats, want %ld\n", done, want);
      return 1;
    }
    printf("C/FSStat/async32 %ld %.2f ns/op\n", want, (double)(t1 - t0) / want);
    check(uv_loop_close(&loop), "uv_loop_close");
  }
  unlink(path);
  return 0;
}
