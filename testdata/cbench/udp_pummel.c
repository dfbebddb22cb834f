/* C twin of BenchmarkUDPPummel1v1: the idea of libuv's udp_pummel_1v1 benchmark (counted mode),
 * written for this repository, on the loopback. One sender sends N datagrams of 45 bytes (5
 * buffers) to one receiver, each uv_udp_send issued from the previous one's callback; the run
 * ends when the receiver has received them all (a timer started after the last send ends it
 * when datagrams were lost, and the program fails). The receiver's buffer is one static 64 KiB
 * slab, as the binding serves one per loop.
 *
 * usage: udp_pummel [datagrams [reps [calloc]]]   (defaults 200000 and 3)
 * With "calloc", every send callocs its uv_udp_send_t and its callback frees it (the binding's
 * allocation model), reported as C/UDPPummel1v1-calloc.
 * Prints per repetition, in the format of `go test -bench` (ns per datagram):
 *   C/UDPPummel1v1 <datagrams> <ns> ns/op <d> datagrams/s */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define MSG "RANG TANG DING DONG I AM THE JAPANESE SANDMAN"

static uv_udp_t sender, recver;
static uv_udp_send_t send_req;
static uv_timer_t guard;
static struct sockaddr_in dst;
static uv_buf_t bufs[5];
static long want, sent, received, corrupt;
static int use_calloc;

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "udp_pummel: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char slab[64 * 1024];
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(slab, sizeof slab);
}

static void guard_cb(uv_timer_t* t) {
  uv_close((uv_handle_t*)&recver, NULL);
  uv_close((uv_handle_t*)t, NULL);
}

static void send_cb(uv_udp_send_t* req, int status);

static void send_one(void) {
  uv_udp_send_t* req = &send_req;
  if (use_calloc && (req = calloc(1, sizeof *req)) == NULL) check(UV_ENOMEM, "calloc");
  check(uv_udp_send(req, &sender, bufs, 5, (const struct sockaddr*)&dst, send_cb), "uv_udp_send");
}

static void send_cb(uv_udp_send_t* req, int status) {
  if (use_calloc) free(req);
  check(status, "send callback");
  if (sent == want) {
    uv_close((uv_handle_t*)&sender, NULL);
    if (!uv_is_closing((uv_handle_t*)&guard)) check(uv_timer_start(&guard, guard_cb, 1000, 0), "uv_timer_start");
    return;
  }
  sent++;
  send_one();
}

static void recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const struct sockaddr* addr,
                    unsigned flags) {
  (void)flags;
  if (nread == 0 && addr == NULL) return; /* nothing to read */
  if (nread < 0) check((int)nread, "receive");
  if (nread != (ssize_t)strlen(MSG) || memcmp(buf->base, MSG, nread) != 0) corrupt++;
  if (++received == want) {
    uv_close((uv_handle_t*)h, NULL);
    uv_close((uv_handle_t*)&guard, NULL);
  }
}

int main(int argc, char** argv) {
  want = argc > 1 ? atol(argv[1]) : 200000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  use_calloc = argc > 3 && strcmp(argv[3], "calloc") == 0;
  const char* m = MSG;
  bufs[0] = uv_buf_init((char*)m + 0, 10);
  bufs[1] = uv_buf_init((char*)m + 10, 10);
  bufs[2] = uv_buf_init((char*)m + 20, 10);
  bufs[3] = uv_buf_init((char*)m + 30, 10);
  bufs[4] = uv_buf_init((char*)m + 40, 5);

  for (int r = 0; r < reps; r++) {
    uv_loop_t loop;
    struct sockaddr_in lo;
    struct sockaddr_storage ss;
    int len = sizeof ss;
    uint64_t t0, t1;

    check(uv_loop_init(&loop), "uv_loop_init");
    check(uv_ip4_addr("127.0.0.1", 0, &lo), "uv_ip4_addr");
    check(uv_udp_init(&loop, &recver), "uv_udp_init");
    check(uv_udp_bind(&recver, (const struct sockaddr*)&lo, 0), "uv_udp_bind");
    check(uv_udp_getsockname(&recver, (struct sockaddr*)&ss, &len), "uv_udp_getsockname");
    memcpy(&dst, &ss, sizeof dst);
    check(uv_udp_init(&loop, &sender), "uv_udp_init");
    check(uv_udp_bind(&sender, (const struct sockaddr*)&lo, 0), "uv_udp_bind");
    check(uv_timer_init(&loop, &guard), "uv_timer_init");
    check(uv_udp_recv_start(&recver, alloc_cb, recv_cb), "uv_udp_recv_start");
    sent = received = corrupt = 0;

    t0 = uv_hrtime();
    sent = 1;
    send_one();
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    t1 = uv_hrtime();
    check(uv_loop_close(&loop), "uv_loop_close");
    if (received != want || corrupt != 0) {
      fprintf(stderr, "udp_pummel: %ld sent, %ld received, %ld corrupt\n", sent, received, corrupt);
      return 1;
    }

    double ns = (double)(t1 - t0);
    printf("C/UDPPummel1v1%s %ld %.2f ns/op %.0f datagrams/s\n", use_calloc ? "-calloc" : "", want,
           ns / want, received / (ns / 1e9));
  }
  return 0;
}
