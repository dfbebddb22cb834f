//go:build ignore

/* runmodes: uv_run's results and uv_stop (internal/scenario/core.go has the Go side). */
#include "../cdiff.h"

static uv_timer_t t;
static uv_idle_t i;
static int n;

static void timer_cb(uv_timer_t *h) { (void)h; ev("timer", "t", 0); }

static void idle_cb(uv_idle_t *h) {
  (void)h;
  n++;
  ev("idle", "i", 0);
  if (n == 2) {
    uv_stop(loop);
    ev("stop", "loop", 0);
  }
}

int main(void) {
  begin();
  run(UV_RUN_DEFAULT);
  run(UV_RUN_NOWAIT);
  CHECK(uv_timer_init(loop, &t));
  t.data = "t";
  CHECK(uv_timer_start(&t, timer_cb, 3600 * 1000, 0));
  run(UV_RUN_NOWAIT);
  CHECK(uv_idle_init(loop, &i));
  i.data = "i";
  CHECK(uv_idle_start(&i, idle_cb));
  run(UV_RUN_ONCE);
  uv_stop(loop);
  ev("stop", "loop", 0);
  run(UV_RUN_DEFAULT);
  run(UV_RUN_DEFAULT);
  CHECK(uv_idle_stop(&i));
  run(UV_RUN_NOWAIT);
  close_named(&t);
  close_named(&i);
  run(UV_RUN_DEFAULT);
  run(UV_RUN_ONCE);
  return end();
}
