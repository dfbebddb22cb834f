/* C twin of BenchmarkTCPPump1: one connection on 127.0.0.1; the client writes 64 KiB chunks as
 * fast as the connection takes them (8 writes in flight, the next one issued from each write
 * callback), then shuts down; a sink on its own loop and thread (net_peer.h) reads and counts
 * until EOF. The time runs until the sink's thread has ended. One op is one MiB. The idea of
 * libuv's tcp_pump1_client benchmark, written for this repository.
 *
 * usage: tcp_pump [MiB [reps]]   (defaults 1024 and 3)
 * Prints per repetition, in the format of `go test -bench` (ns per MiB; MB is 10^6 bytes):
 *   C/TCPPump1 <MiB> <ns> ns/op <m> MB/s <g> gbit/s <r> reads/MiB */
#include "net_peer.h"

#define CHUNK (64 * 1024)
#define WINDOW 8

static uint64_t total, sent;
static uv_tcp_t client;
static uv_write_t wreqs[WINDOW];
static uv_shutdown_t sreq;
static char chunk[CHUNK];

static void on_shutdown(uv_shutdown_t* req, int status) {
  check(status, "shutdown");
  uv_close((uv_handle_t*)req->handle, NULL);
}

static void on_write(uv_write_t* req, int status);

static void write_next(uv_write_t* req) {
  uint64_t n = CHUNK;
  uv_buf_t b;
  if (sent >= total) return;
  if (total - sent < n) n = total - sent;
  sent += n;
  b = uv_buf_init(chunk, (unsigned int)n);
  check(uv_write(req, (uv_stream_t*)&client, &b, 1, on_write), "uv_write");
  if (sent == total) check(uv_shutdown(&sreq, (uv_stream_t*)&client, on_shutdown), "uv_shutdown");
}

static void on_write(uv_write_t* req, int status) {
  check(status, "write");
  write_next(req);
}

int main(int argc, char** argv) {
  long mib = argc > 1 ? atol(argv[1]) : 1024;
  int reps = argc > 2 ? atoi(argv[2]) : 3;

  for (int r = 0; r < reps; r++) {
    static peer_t peer;
    uv_loop_t loop;
    uint64_t t0, t1;

    peer_start(&peer, PEER_SINK);
    check(uv_loop_init(&loop), "uv_loop_init");
    client_connect(&loop, &client, &peer);
    total = (uint64_t)mib << 20;
    sent = 0;
    t0 = uv_hrtime();
    for (int i = 0; i < WINDOW; i++) write_next(&wreqs[i]);
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    peer_join(&peer);
    t1 = uv_hrtime();
    check(uv_loop_close(&loop), "uv_loop_close");
    if (peer.received != total) {
      fprintf(stderr, "tcp_pump: the sink received %llu bytes, want %llu\n",
              (unsigned long long)peer.received, (unsigned long long)total);
      return 1;
    }

    double ns = (double)(t1 - t0), s = ns / 1e9;
    printf("C/TCPPump1 %ld %.0f ns/op %.2f MB/s %.2f gbit/s %.2f reads/MiB\n", mib, ns / mib,
           total / 1e6 / s, total * 8 / 1e9 / s, (double)peer.reads / mib);
  }
  return 0;
}
