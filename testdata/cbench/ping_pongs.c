/* C twin of BenchmarkPingPongs: one connection on 127.0.0.1, a 4-byte message bounced between
 * the client (main thread) and an echo server on its own loop and thread (net_peer.h). One op
 * is one round trip. The idea of libuv's ping_pongs benchmark, written for this repository.
 *
 * usage: ping_pongs [roundtrips [reps [name]]]   (defaults 100000, 3, PingPongs)
 *   name  the benchmark's name in the output (net.rounds passes PingPongsPinned when the run is
 *         pinned to one CPU)
 * Prints per repetition, in the format of `go test -bench`:
 *   C/<name> <roundtrips> <ns> ns/op <r> roundtrips/s */
#include "net_peer.h"

static long want, rts, got;
static uv_tcp_t client;
static uv_write_t wreq;
static char readbuf[PEER_BUF];
static char ping[] = "PING";

static void on_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h;
  (void)size;
  *buf = uv_buf_init(readbuf, sizeof(readbuf));
}

static void on_write(uv_write_t* req, int status) {
  (void)req;
  check(status, "write");
}

static void send_ping(void) {
  uv_buf_t b = uv_buf_init(ping, 4);
  /* One message in flight, and its write completes before its echo is read. */
  check(uv_write(&wreq, (uv_stream_t*)&client, &b, 1, on_write), "uv_write");
}

static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  if (nread < 0) check((int)nread, "read");
  if ((got += nread) < 4) return;
  got -= 4;
  if (++rts == want) {
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  send_ping();
}

int main(int argc, char** argv) {
  want = argc > 1 ? atol(argv[1]) : 100000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  const char* name = argc > 3 ? argv[3] : "PingPongs";

  for (int r = 0; r < reps; r++) {
    static peer_t peer;
    uv_loop_t loop;
    uint64_t t0, t1;

    peer_start(&peer, PEER_ECHO);
    check(uv_loop_init(&loop), "uv_loop_init");
    client_connect(&loop, &client, &peer);
    rts = got = 0;
    check(uv_read_start((uv_stream_t*)&client, on_alloc, on_read), "uv_read_start");
    t0 = uv_hrtime();
    send_ping();
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    t1 = uv_hrtime();
    peer_join(&peer);
    check(uv_loop_close(&loop), "uv_loop_close");

    double ns = (double)(t1 - t0);
    printf("C/%s %ld %.1f ns/op %.0f roundtrips/s\n", name, want, ns / want, want / (ns / 1e9));
  }
  return 0;
}
