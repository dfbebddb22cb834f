//go:build ignore

/* tcp_queued_writes: writes queued behind a connect, then close (internal/scenario/io.go has
 * the Go side). */
#include "../cdiff.h"

static uv_tcp_t b, c;
static uv_connect_t creq;
static uv_write_t wreq[3];
static const char *wname[3] = {"w1", "w2", "w3"};

static void connect_cb(uv_connect_t *r, int status) { (void)r; ev("connect", "c", status); }
static void write_cb(uv_write_t *r, int status) { ev("write", r->data, status); }

static void c_close_cb(uv_handle_t *h) {
  (void)h;
  ev("close", "c", 0);
  close_named(&b);
}

int main(void) {
  struct sockaddr_storage addr;
  int i;
  char extra[32];
  begin();
  CHECK(uv_tcp_init(loop, &b));
  b.data = "b";
  addr = bind_loopback(&b);
  CHECK(uv_tcp_init(loop, &c));
  c.data = "c";
  ev("tcp_connect", "c", uv_tcp_connect(&creq, &c, (const struct sockaddr *)&addr, connect_cb));
  for (i = 0; i < 3; i++) {
    uv_buf_t buf = uv_buf_init((char *)wname[i], 2);
    wreq[i].data = (void *)wname[i];
    ev("write_call", wname[i], uv_write(&wreq[i], (uv_stream_t *)&c, &buf, 1, write_cb));
  }
  snprintf(extra, sizeof extra, "size=%d", (int)uv_stream_get_write_queue_size((uv_stream_t *)&c));
  evx("write_queue_size", "c", 0, extra);
  uv_close((uv_handle_t *)&c, c_close_cb);
  run(UV_RUN_DEFAULT);
  return end();
}
