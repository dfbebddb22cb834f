//go:build ignore

/* tcp_refused: a connect where nothing listens (internal/scenario/io.go has the Go side). */
#include "../cdiff.h"

static uv_tcp_t b, c;
static uv_connect_t creq;

static void connect_cb(uv_connect_t *r, int status) {
  (void)r;
  ev("connect", "c", status);
  close_named(&c);
  close_named(&b);
}

int main(void) {
  struct sockaddr_storage addr;
  begin();
  net = 1;
  CHECK(uv_tcp_init(loop, &b));
  b.data = "b";
  addr = bind_loopback(&b);
  CHECK(uv_tcp_init(loop, &c));
  c.data = "c";
  ev("tcp_connect", "c", uv_tcp_connect(&creq, &c, (const struct sockaddr *)&addr, connect_cb));
  run(UV_RUN_DEFAULT);
  return end();
}
