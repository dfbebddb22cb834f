/* C twin of BenchmarkLoopCount: an idle handle counts loop iterations until N, then stops.
 * Same idea as libuv's loop_count benchmark, written for this repository.
 *
 * usage: loop_count [ticks [reps [async]]]
 *   ticks  iterations per repetition (default 2000000)
 *   reps   repetitions (default 3)
 *   async  when "async", the loop also holds an unreferenced uv_async_t, as every loop of the
 *          Go binding does (the handle behind Loop.Post): it puts an eventfd in the poller.
 * Prints one line per repetition, in the format of `go test -bench`:
 *   C/LoopCount <ticks> <ns> ns/op */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static unsigned long ticks, want;

static void on_idle(uv_idle_t* h) {
  ticks++;
  if (ticks == want) uv_idle_stop(h);
}

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "loop_count: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

int main(int argc, char** argv) {
  unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  int with_async = argc > 3 && strcmp(argv[3], "async") == 0;
  const char* name = with_async ? "C/LoopCountAsync" : "C/LoopCount";

  for (int r = 0; r < reps; r++) {
    uv_loop_t loop;
    uv_idle_t idle;
    uv_async_t async;
    uint64_t t0, t1;

    check(uv_loop_init(&loop), "uv_loop_init");
    check(uv_idle_init(&loop, &idle), "uv_idle_init");
    if (with_async) {
      check(uv_async_init(&loop, &async, NULL), "uv_async_init");
      uv_unref((uv_handle_t*)&async);
    }
    ticks = 0;
    want = n;
    check(uv_idle_start(&idle, on_idle), "uv_idle_start");

    t0 = uv_hrtime();
    uv_run(&loop, UV_RUN_DEFAULT);
    t1 = uv_hrtime();
    if (ticks != n) {
      fprintf(stderr, "loop_count: %lu ticks, want %lu\n", ticks, n);
      return 1;
    }
    printf("%s %lu %.2f ns/op\n", name, n, (double)(t1 - t0) / (double)n);

    uv_close((uv_handle_t*)&idle, NULL);
    if (with_async) uv_close((uv_handle_t*)&async, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    check(uv_loop_close(&loop), "uv_loop_close");
  }
  return 0;
}
