/* C twin of BenchmarkRandom: uv_random of 256 bytes, n times per repetition.
 *   sync:  uv_random without a callback, on the calling thread;
 *   async: one request at a time on the threadpool, the next one started from the callback.
 *
 * usage: random [n [reps]]   (defaults 200000 and 3)
 * Prints per repetition, in the format of `go test -bench`:
 *   C/Random/sync <n> <ns> ns/op
 *   C/Random/async <n> <ns> ns/op */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

static char buf[256];
static long left;

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "random: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

static void on_random(uv_random_t* req, int status, void* b, size_t n) {
  (void)b;
  (void)n;
  check(status, "random_cb");
  if (--left > 0) check(uv_random(req->loop, req, buf, sizeof(buf), 0, on_random), "uv_random");
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 200000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;

  for (int r = 0; r < reps; r++) {
    uint64_t t0 = uv_hrtime();
    for (long i = 0; i < n; i++) check(uv_random(NULL, NULL, buf, sizeof(buf), 0, NULL), "uv_random");
    uint64_t t1 = uv_hrtime();
    printf("C/Random/sync %ld %.2f ns/op\n", n, (double)(t1 - t0) / n);
  }

  for (int r = 0; r < reps; r++) {
    uv_loop_t loop;
    uv_random_t req;
    check(uv_loop_init(&loop), "uv_loop_init");
    left = n;
    uint64_t t0 = uv_hrtime();
    check(uv_random(&loop, &req, buf, sizeof(buf), 0, on_random), "uv_random");
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    uint64_t t1 = uv_hrtime();
    check(uv_loop_close(&loop), "uv_loop_close");
    printf("C/Random/async %ld %.2f ns/op\n", n, (double)(t1 - t0) / n);
  }
  return 0;
}
