/* C twin of BenchmarkTimers/1M: N timers are initialized and started with staggered timeouts
 * (the timeout grows by 1 ms every 1000 timers, as in libuv's million_timers benchmark), fired,
 * then closed. Written for this repository.
 *
 * Unlike libuv's benchmark, the wait for the last timeout (about N/1000 ms, which would dominate
 * the figure on both sides) is left out of the time: after the init phase the program sleeps
 * until every timer is due, then runs the loop once, so the dispatch phase fires all of them
 * in heap order with no waiting. The Go benchmark does the same.
 *
 * usage: million_timers [timers [reps [calloc]]]   (defaults 1000000 and 3)
 *   calloc  allocate each uv_timer_t with calloc in the init phase and free it in its close
 *           callback, as the Go binding's C side does, instead of one array as libuv's
 *           benchmark does: the share of the gap that is the allocation model.
 *   oneshot allocate each uv_timer_t with calloc, and close it in its timer callback with a
 *           close callback that frees it: what TimerStartOneshot does in C (Timers/Oneshot1M).
 *           Its close phase is empty: the closes run in the fire phase.
 * A first repetition, not printed, warms the memory up (its page faults cost about 450 ns per
 * timer on the reference VM); the Go benchmark runs in a process that has already done so.
 * Prints per repetition, in the format of `go test -bench` (ns per timer):
 *   C/Timers/1M <timers> <ns> ns/op <init> init-ns/timer <fire> fire-ns/timer <close> close-ns/timer */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static long fired, closed;

static void on_timer(uv_timer_t* t) {
  (void)t;
  fired++;
}

static void on_close(uv_handle_t* h) {
  (void)h;
  closed++;
}

static void on_close_free(uv_handle_t* h) {
  closed++;
  free(h);
}

static void on_timer_close(uv_timer_t* t) {
  fired++;
  uv_close((uv_handle_t*)t, on_close_free);
}

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "million_timers: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  int oneshot = argc > 3 && strcmp(argv[3], "oneshot") == 0;
  int each = oneshot || (argc > 3 && strcmp(argv[3], "calloc") == 0);
  const char* name = oneshot ? "C/Timers/Oneshot1M" : each ? "C/Timers/1M-calloc" : "C/Timers/1M";
  uv_timer_t* timers = each ? NULL : malloc((size_t)n * sizeof(uv_timer_t));
  uv_timer_t** ptrs = each ? malloc((size_t)n * sizeof(uv_timer_t*)) : NULL;
  if (timers == NULL && ptrs == NULL) {
    fprintf(stderr, "million_timers: out of memory\n");
    return 1;
  }

  for (int r = -1; r < reps; r++) { /* r == -1: the warm-up */
    uv_loop_t loop;
    uint64_t t0, t1, t2, t3, timeout = 0;

    check(uv_loop_init(&loop), "uv_loop_init");
    fired = closed = 0;

    t0 = uv_hrtime();
    for (long i = 0; i < n; i++) {
      uv_timer_t* t = &timers[i];
      if (each && (t = ptrs[i] = calloc(1, sizeof(uv_timer_t))) == NULL) {
        fprintf(stderr, "million_timers: out of memory\n");
        return 1;
      }
      if (i % 1000 == 0) timeout++;
      check(uv_timer_init(&loop, t), "uv_timer_init");
      check(uv_timer_start(t, oneshot ? on_timer_close : on_timer, timeout, 0), "uv_timer_start");
    }
    t1 = uv_hrtime();

    /* Every due time is at most the loop's cached time + timeout, and that time is older than
     * t0; 10 ms more covers the coarse clock libuv reads. Not timed. */
    uv_sleep((unsigned)timeout + 10);

    t2 = uv_hrtime();
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    t3 = uv_hrtime();
    if (fired != n) {
      fprintf(stderr, "million_timers: %ld fired, want %ld\n", fired, n);
      return 1;
    }
    uint64_t t4 = uv_hrtime();
    for (long i = 0; i < n && !oneshot; i++) {
      if (each) uv_close((uv_handle_t*)ptrs[i], on_close_free);
      else uv_close((uv_handle_t*)&timers[i], on_close);
    }
    if (!oneshot) check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    uint64_t t5 = uv_hrtime();
    if (closed != n) {
      fprintf(stderr, "million_timers: %ld closed, want %ld\n", closed, n);
      return 1;
    }
    check(uv_loop_close(&loop), "uv_loop_close");

    double init = (double)(t1 - t0) / n, fire = (double)(t3 - t2) / n, cls = (double)(t5 - t4) / n;
    if (r < 0) continue;
    printf("%s %ld %.2f ns/op %.2f init-ns/timer %.2f fire-ns/timer %.2f close-ns/timer\n",
           name, n, init + fire + cls, init, fire, cls);
  }
  free(timers);
  free(ptrs);
  return 0;
}
