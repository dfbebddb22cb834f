//go:build ignore

/* async_coalesce: sends before the loop runs coalesce (internal/scenario/core.go has the Go side). */
#include "../cdiff.h"

static uv_async_t a;
static int n;

static void async_cb(uv_async_t *h) {
  (void)h;
  n++;
  ev("async", "a", 0);
  if (n == 1) {
    ev("send", "a", uv_async_send(&a));
    ev("send", "a", uv_async_send(&a));
    return;
  }
  close_named(&a);
}

int main(void) {
  int j;
  begin();
  CHECK(uv_async_init(loop, &a, async_cb));
  a.data = "a";
  for (j = 0; j < 3; j++) ev("send", "a", uv_async_send(&a));
  run(UV_RUN_DEFAULT);
  return end();
}
