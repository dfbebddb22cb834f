//go:build ignore

/* tcp_connect_close: connect, then close at once; the server reads EOF
 * (internal/scenario/io.go has the Go side). */
#include "../cdiff.h"

static uv_tcp_t s, a, c;
static uv_connect_t creq;
static int cs, ss;
static side_ref s_ref, a_ref, c_ref;

static void read_cb(uv_stream_t *h, ssize_t nread, const uv_buf_t *buf) {
  (void)h;
  (void)buf;
  read_ev(ss, "a", nread);
  if (nread < 0) {
    side_close(&a);
    side_close(&s);
  }
}

static void connection_cb(uv_stream_t *h, int status) {
  (void)h;
  sev(ss, "connection", "s", status);
  CHECK(uv_tcp_init(loop, &a));
  a.data = &a_ref;
  sev(ss, "accept", "a", uv_accept((uv_stream_t *)&s, (uv_stream_t *)&a));
  CHECK(uv_read_start((uv_stream_t *)&a, alloc_cb, read_cb));
}

static void connect_cb(uv_connect_t *r, int status) {
  (void)r;
  sev(cs, "connect", "c", status);
  side_close(&c);
}

int main(void) {
  struct sockaddr_storage addr;
  begin();
  cs = side("client");
  ss = side("server");
  s_ref = (side_ref){ss, "s"};
  a_ref = (side_ref){ss, "a"};
  c_ref = (side_ref){cs, "c"};
  CHECK(uv_tcp_init(loop, &s));
  s.data = &s_ref;
  addr = bind_loopback(&s);
  CHECK(uv_listen((uv_stream_t *)&s, 16, connection_cb));
  CHECK(uv_tcp_init(loop, &c));
  c.data = &c_ref;
  CHECK(uv_tcp_connect(&creq, &c, (const struct sockaddr *)&addr, connect_cb));
  run(UV_RUN_DEFAULT);
  return end();
}
