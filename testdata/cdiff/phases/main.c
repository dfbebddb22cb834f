//go:build ignore

/* phases: one iteration's callbacks (internal/scenario/core.go has the Go side). */
#include "../cdiff.h"

static uv_timer_t t;
static uv_idle_t i;
static uv_prepare_t p;
static uv_check_t c;

static void timer_cb(uv_timer_t *h) { (void)h; ev("timer", "t", 0); }
static void idle_cb(uv_idle_t *h) { (void)h; ev("idle", "i", 0); }
static void prepare_cb(uv_prepare_t *h) { ev("prepare", "p", 0); CHECK(uv_prepare_stop(h)); }

static void check_cb(uv_check_t *h) {
  ev("check", "c", 0);
  CHECK(uv_check_stop(h));
  CHECK(uv_idle_stop(&i));
  close_named(&c);
  close_named(&p);
  close_named(&i);
  close_named(&t);
}

int main(void) {
  begin();
  CHECK(uv_timer_init(loop, &t));
  t.data = "t";
  CHECK(uv_idle_init(loop, &i));
  i.data = "i";
  CHECK(uv_prepare_init(loop, &p));
  p.data = "p";
  CHECK(uv_check_init(loop, &c));
  c.data = "c";
  CHECK(uv_timer_start(&t, timer_cb, 0, 0));
  CHECK(uv_idle_start(&i, idle_cb));
  CHECK(uv_prepare_start(&p, prepare_cb));
  CHECK(uv_check_start(&c, check_cb));
  run(UV_RUN_DEFAULT);
  return end();
}
