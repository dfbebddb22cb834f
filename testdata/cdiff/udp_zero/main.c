//go:build ignore

/* udp_zero: a zero-length datagram, then a one-byte one (internal/scenario/io.go has the Go
 * side). */
#include "../cdiff.h"

static uv_udp_t r, s;
static uv_udp_send_t sreq[2];
static int ss, rs;
static side_ref r_ref, s_ref;
static struct sockaddr_storage addr;

static void recv_cb(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from, unsigned flags);

static void send1_cb(uv_udp_send_t *q, int status) {
  (void)q;
  sevx(ss, "send", "s", status, "n=1");
  CHECK(uv_udp_recv_start(&r, alloc_cb, recv_cb));
}

static void send0_cb(uv_udp_send_t *q, int status) { (void)q; sevx(ss, "send", "s", status, "n=0"); }

static void recv_cb(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from, unsigned flags) {
  char extra[32];
  uv_buf_t x = uv_buf_init("x", 1);
  (void)h;
  (void)buf;
  (void)flags;
  snprintf(extra, sizeof extra, "n=%d addr=%d", nread < 0 ? 0 : (int)nread, from != NULL);
  sevx(rs, "recv", "r", nread < 0 ? (int)nread : 0, extra);
  CHECK(uv_udp_recv_stop(&r));
  if (nread != 0 || from == NULL) {
    side_close(&r);
    side_close(&s);
    return;
  }
  CHECK(uv_udp_send(&sreq[1], &s, &x, 1, (const struct sockaddr *)&addr, send1_cb));
}

int main(void) {
  struct sockaddr_in a;
  int len = sizeof addr;
  uv_buf_t empty = uv_buf_init("", 0);
  begin();
  ss = side("sender");
  rs = side("receiver");
  r_ref = (side_ref){rs, "r"};
  s_ref = (side_ref){ss, "s"};
  CHECK(uv_udp_init(loop, &r));
  r.data = &r_ref;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &a));
  CHECK(uv_udp_bind(&r, (const struct sockaddr *)&a, 0));
  CHECK(uv_udp_getsockname(&r, (struct sockaddr *)&addr, &len));
  CHECK(uv_udp_init(loop, &s));
  s.data = &s_ref;
  CHECK(uv_udp_recv_start(&r, alloc_cb, recv_cb));
  CHECK(uv_udp_send(&sreq[0], &s, &empty, 1, (const struct sockaddr *)&addr, send0_cb));
  run(UV_RUN_DEFAULT);
  return end();
}
