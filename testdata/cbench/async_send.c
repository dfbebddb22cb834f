/* C twin of BenchmarkAsyncSend: one thread calls uv_async_send N times while the loop runs; the
 * loop counts the deliveries (callbacks: libuv coalesces the sends that arrive before the
 * callback runs). The idea of libuv's async_pummel benchmark with one sender, written for this
 * repository; the unit is one send, as in the Go benchmark, so the figure is dominated by the
 * cost of uv_async_send itself (mostly the coalesced fast path) plus the wake-ups.
 *
 * usage: async_send [sends [reps [alone]]]   (defaults 20000000 and 3)
 *   alone  no loop runs and no other thread: every send after the first finds libuv's pending
 *          flag set (the twin of BenchmarkCallbackParts/AsyncSendAlone)
 * Prints per repetition, in the format of `go test -bench` (ns per send):
 *   C/AsyncSend <sends> <ns> ns/op <s> sends/s <d> sends/delivery
 *   C/AsyncSendAlone <sends> <ns> ns/op */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static uv_async_t async;
static long want;
/* Each on its own cache line: the sender reads nothing the loop writes on every callback. */
static _Alignas(64) long delivered;
static _Alignas(64) int done;     /* sender: all N sends made (sequentially consistent store) */
static _Alignas(64) int finished; /* sender: its last send has returned */

static void on_async(uv_async_t* a) {
  delivered++;
  if (!__atomic_load_n(&done, __ATOMIC_SEQ_CST)) return;
  while (!__atomic_load_n(&finished, __ATOMIC_ACQUIRE)) sched_yield();
  uv_close((uv_handle_t*)a, NULL);
}

static void sender(void* arg) {
  (void)arg;
  for (long i = 0; i < want; i++) uv_async_send(&async);
  /* done must be visible before the last send reads the pending flag, so that the callback
   * that consumes it sees done. */
  __atomic_store_n(&done, 1, __ATOMIC_SEQ_CST);
  uv_async_send(&async);
  __atomic_store_n(&finished, 1, __ATOMIC_RELEASE);
}

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "async_send: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

int main(int argc, char** argv) {
  want = argc > 1 ? atol(argv[1]) : 20000000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  int alone = argc > 3 && strcmp(argv[3], "alone") == 0;

  for (int r = 0; r < reps; r++) {
    uv_loop_t loop;
    uv_thread_t tid;
    uint64_t t0, t1;

    check(uv_loop_init(&loop), "uv_loop_init");
    check(uv_async_init(&loop, &async, on_async), "uv_async_init");
    if (alone) {
      t0 = uv_hrtime();
      for (long i = 0; i < want; i++) check(uv_async_send(&async), "uv_async_send");
      t1 = uv_hrtime();
      uv_close((uv_handle_t*)&async, NULL);
      check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
      check(uv_loop_close(&loop), "uv_loop_close");
      printf("C/AsyncSendAlone %ld %.2f ns/op\n", want, (double)(t1 - t0) / want);
      continue;
    }
    delivered = 0;
    done = finished = 0;

    t0 = uv_hrtime();
    check(uv_thread_create(&tid, sender, NULL), "uv_thread_create");
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    check(uv_thread_join(&tid), "uv_thread_join");
    t1 = uv_hrtime();
    check(uv_loop_close(&loop), "uv_loop_close");

    double ns = (double)(t1 - t0);
    printf("C/AsyncSend %ld %.2f ns/op %.0f sends/s %.1f sends/delivery\n", want, ns / want,
           want / (ns / 1e9), (double)want / delivered);
  }
  return 0;
}
