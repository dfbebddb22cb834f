/* C twin of BenchmarkTCPWriteBatch: N writes of 13 bytes ("Hello, world.") queued at once on
 * one connection on 127.0.0.1, then flushed: the loop runs until the last write callback. A
 * sink on its own loop and thread (net_peer.h) reads and discards. The requests are one array,
 * as in libuv's benchmark (the Go binding allocates each one). The idea of libuv's
 * tcp_write_batch benchmark, written for this repository.
 *
 * usage: tcp_write_batch [writes [reps [nocb]]]   (defaults 1000000 and 3)
 *   nocb  writes with a NULL callback (C/TCPWriteBatchNoCallback): the flush ends when uv_run
 *         returns, the write queue empty (BenchmarkTCPWriteBatchNoCallback).
 * Prints per repetition, in the format of `go test -bench` (ns per write):
 *   C/TCPWriteBatch <writes> <ns> ns/op <ns> ns/write <q> queue-ns/write <f> flush-ns/write */
#include "net_peer.h"

static long want, called;
static uv_tcp_t client;
static uv_shutdown_t sreq;
static char msg[] = "Hello, world.";

static void on_write(uv_write_t* req, int status) {
  (void)req;
  check(status, "write");
  called++;
}

static void on_shutdown(uv_shutdown_t* req, int status) {
  check(status, "shutdown");
  uv_close((uv_handle_t*)req->handle, NULL);
}

int main(int argc, char** argv) {
  want = argc > 1 ? atol(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  int nocb = argc > 3 && strcmp(argv[3], "nocb") == 0;
  const char* name = nocb ? "C/TCPWriteBatchNoCallback" : "C/TCPWriteBatch";
  uv_write_t* reqs = calloc(want, sizeof(*reqs));
  if (reqs == NULL) check(UV_ENOMEM, "calloc");

  for (int r = 0; r < reps; r++) {
    static peer_t peer;
    uv_loop_t loop;
    uv_buf_t b = uv_buf_init(msg, sizeof(msg) - 1);
    uint64_t t0, t1, t2;

    peer_start(&peer, PEER_SINK);
    check(uv_loop_init(&loop), "uv_loop_init");
    client_connect(&loop, &client, &peer);
    called = 0;
    t0 = uv_hrtime();
    for (long i = 0; i < want; i++)
      check(uv_write(&reqs[i], (uv_stream_t*)&client, &b, 1, nocb ? NULL : on_write), "uv_write");
    t1 = uv_hrtime();
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    t2 = uv_hrtime();
    if (uv_stream_get_write_queue_size((uv_stream_t*)&client) != 0) {
      fprintf(stderr, "tcp_write_batch: the write queue is not empty after the flush\n");
      return 1;
    }
    if (!nocb && called != want) {
      fprintf(stderr, "tcp_write_batch: %ld write callbacks, want %ld\n", called, want);
      return 1;
    }
    check(uv_shutdown(&sreq, (uv_stream_t*)&client, on_shutdown), "uv_shutdown");
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    peer_join(&peer);
    check(uv_loop_close(&loop), "uv_loop_close");

    double ns = (double)(t2 - t0);
    printf("%s %ld %.1f ns/op %.1f ns/write %.1f queue-ns/write %.1f flush-ns/write\n",
           name, want, ns / want, ns / want, (double)(t1 - t0) / want, (double)(t2 - t1) / want);
  }
  free(reqs);
  return 0;
}
