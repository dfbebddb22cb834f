/* C twin of BenchmarkQueueWork: work callbacks that do nothing, queued on libuv's thread pool;
 * each after callback queues the next request until N have completed. One op is one request's
 * whole life: uv_queue_work, the work callback on a pool thread, the after callback on the loop.
 * As in the Go benchmark, each request is allocated (calloc of uv_req_size) when queued and
 * freed in its after callback, the binding's allocation model. The idea of libuv's queue_work
 * benchmark (ping-pong part), written for this repository.
 *
 * usage: queue_work [requests [reps [in_flight]]]   (defaults 200000, 3 and 1)
 * Prints per repetition, in the format of `go test -bench`:
 *   C/QueueWork/serial <N> <ns> ns/op      (in_flight 1)
 *   C/QueueWork/batch <N> <ns> ns/op       (in_flight > 1) */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

static long want, queued, done;
static volatile int sink;

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "queue_work: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

static void work_cb(uv_work_t* req) {
  (void)req;
  sink = 0;
}

static void after_cb(uv_work_t* req, int status);

static void queue(uv_loop_t* loop) {
  uv_work_t* req = calloc(1, uv_req_size(UV_WORK));
  if (req == NULL) check(UV_ENOMEM, "calloc");
  queued++;
  check(uv_queue_work(loop, req, work_cb, after_cb), "uv_queue_work");
}

static void after_cb(uv_work_t* req, int status) {
  uv_loop_t* loop = req->loop;
  check(status, "after_cb");
  free(req);
  done++;
  if (queued < want) queue(loop);
}

int main(int argc, char** argv) {
  want = argc > 1 ? atol(argv[1]) : 200000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  long in_flight = argc > 3 ? atol(argv[3]) : 1;
  const char* name = in_flight > 1 ? "batch" : "serial";

  for (int r = 0; r < reps; r++) {
    uv_loop_t loop;
    uint64_t t0, t1;

    check(uv_loop_init(&loop), "uv_loop_init");
    queued = done = 0;
    t0 = uv_hrtime();
    for (long i = 0; i < in_flight && queued < want; i++) queue(&loop);
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    t1 = uv_hrtime();
    check(uv_loop_close(&loop), "uv_loop_close");
    if (done != want) {
      fprintf(stderr, "queue_work: %ld requests completed, want %ld\n", done, want);
      return 1;
    }
    printf("C/QueueWork/%s %ld %.2f ns/op\n", name, want, (double)(t1 - t0) / want);
  }
  return 0;
}
