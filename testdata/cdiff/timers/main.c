//go:build ignore

/* timers: due at once, restarted, repeated, again (internal/scenario/core.go has the Go side). */
#include "../cdiff.h"

static uv_timer_t a, b, c, r, g;
static int rn, gn;

static void r_cb(uv_timer_t *h);

static void b_cb(uv_timer_t *h) {
  (void)h;
  ev("timer", "b", 0);
  ev("start", "r", uv_timer_start(&r, r_cb, 0, 1));
}
static void c_cb(uv_timer_t *h) { (void)h; ev("timer", "c", 0); }

static void a_cb(uv_timer_t *h) {
  (void)h;
  ev("timer", "a", 0);
  ev("start", "b", uv_timer_start(&b, b_cb, 0, 0));
}

static void g_cb(uv_timer_t *h) {
  (void)h;
  gn++;
  ev("timer", "g", 0);
  if (gn == 1) {
    uv_timer_set_repeat(&g, 1);
    ev("set_repeat", "g", 0);
    ev("again", "g", uv_timer_again(&g));
    return;
  }
  ev("stop", "g", uv_timer_stop(&g));
  close_named(&a);
  close_named(&b);
  close_named(&c);
  close_named(&r);
  close_named(&g);
}

static void r_cb(uv_timer_t *h) {
  (void)h;
  rn++;
  ev("timer", "r", 0);
  if (rn < 3) return;
  ev("stop", "r", uv_timer_stop(&r));
  ev("start", "g", uv_timer_start(&g, g_cb, 1, 0));
}

int main(void) {
  begin();
  CHECK(uv_timer_init(loop, &a));
  a.data = "a";
  CHECK(uv_timer_init(loop, &b));
  b.data = "b";
  CHECK(uv_timer_init(loop, &c));
  c.data = "c";
  CHECK(uv_timer_init(loop, &r));
  r.data = "r";
  CHECK(uv_timer_init(loop, &g));
  g.data = "g";
  ev("again", "g", uv_timer_again(&g));
  CHECK(uv_timer_start(&a, a_cb, 0, 0));
  CHECK(uv_timer_start(&b, b_cb, 0, 0));
  CHECK(uv_timer_start(&c, c_cb, 0, 0));
  run(UV_RUN_DEFAULT);
  return end();
}
