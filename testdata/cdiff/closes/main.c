//go:build ignore

/* closes: handles closed inside other callbacks (internal/scenario/core.go has the Go side). */
#include "../cdiff.h"

static uv_timer_t t1, t2, t3;
static uv_idle_t i;
static uv_async_t a;
static uv_check_t k;

static void any_timer_cb(uv_timer_t *h) { ev("timer", name_of(h), 0); }
static void idle_cb(uv_idle_t *h) { (void)h; ev("idle", "i", 0); }
static void async_cb(uv_async_t *h) { (void)h; ev("async", "a", 0); }

static void t1_cb(uv_timer_t *h) {
  (void)h;
  ev("timer", "t1", 0);
  close_named(&t2);
  close_named(&i);
  close_named(&a);
  char extra[32];
  snprintf(extra, sizeof extra, "closing=%d", uv_is_closing((uv_handle_t *)&t2) != 0);
  evx("is_closing", "t2", 0, extra);
}

static void k_close_cb(uv_handle_t *h) {
  (void)h;
  ev("close", "k", 0);
  close_named(&t3);
  close_named(&t1);
}

static void check_cb(uv_check_t *h) {
  (void)h;
  ev("check", "k", 0);
  uv_close((uv_handle_t *)&k, k_close_cb);
}

int main(void) {
  begin();
  CHECK(uv_timer_init(loop, &t1));
  t1.data = "t1";
  CHECK(uv_timer_init(loop, &t2));
  t2.data = "t2";
  CHECK(uv_timer_init(loop, &t3));
  t3.data = "t3";
  CHECK(uv_idle_init(loop, &i));
  i.data = "i";
  CHECK(uv_async_init(loop, &a, async_cb));
  a.data = "a";
  CHECK(uv_check_init(loop, &k));
  k.data = "k";
  CHECK(uv_timer_start(&t1, t1_cb, 0, 0));
  CHECK(uv_timer_start(&t2, any_timer_cb, 0, 0));
  CHECK(uv_idle_start(&i, idle_cb));
  CHECK(uv_async_send(&a));
  CHECK(uv_check_start(&k, check_cb));
  run(UV_RUN_DEFAULT);
  return end();
}
