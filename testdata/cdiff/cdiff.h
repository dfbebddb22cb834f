/* cdiff.h: what every C scenario shares with the Go side (internal/scenario/scenario.go): the
 * iteration counter and the event lines. The format is defined in README.md. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define CHECK(x) do { int r_ = (x); if (r_ != 0) { fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x, uv_err_name(r_)); exit(2); } } while (0)

static uv_loop_t loop_;
static uv_loop_t *loop = &loop_;
static int iter;       /* the polls so far, counted by counter */
static int net;        /* a network scenario: iterations print as "-" */
static uv_prepare_t counter;

#define MAX_SIDES 2
#define SIDE_BYTES 8192
static const char *side_name[MAX_SIDES];
static char side_log[MAX_SIDES][SIDE_BYTES];
static int sides;

static void counter_cb(uv_prepare_t *h) { (void)h; iter++; }

/* st is the status column: "0", or libuv's name of the error. */
static const char *st(int status) { return status == 0 ? "0" : uv_err_name(status); }

static const char *it(void) {
  static char buf[16];
  if (net) return "-";
  snprintf(buf, sizeof buf, "%d", iter);
  return buf;
}

/* ev prints one event; extra (may be NULL) follows. */
static void evx(const char *kind, const char *name, int status, const char *extra) {
  printf("%s %s %s %s%s%s\n", it(), kind, name, st(status), extra ? " " : "", extra ? extra : "");
}

static void ev(const char *kind, const char *name, int status) { evx(kind, name, status, NULL); }

/* side opens a side log, printed after the scenario with name before each line. */
static int side(const char *name) {
  assert(sides < MAX_SIDES);
  net = 1;
  side_name[sides] = name;
  return sides++;
}

static void sevx(int i, const char *kind, const char *name, int status, const char *extra) {
  char *b = side_log[i];
  size_t n = strlen(b);
  snprintf(b + n, SIDE_BYTES - n, "%s %s %s %s%s%s\n", side_name[i], kind, name, st(status),
           extra ? " " : "", extra ? extra : "");
}

static void sev(int i, const char *kind, const char *name, int status) { sevx(i, kind, name, status, NULL); }

static const char *mode_name(uv_run_mode m) {
  return m == UV_RUN_DEFAULT ? "DEFAULT" : m == UV_RUN_ONCE ? "ONCE" : "NOWAIT";
}

/* run runs the loop and prints uv_run's result and uv_loop_alive. */
static void run(uv_run_mode mode) {
  int r = uv_run(loop, mode);
  printf("%s run %s %d alive=%d\n", it(), mode_name(mode), r, uv_loop_alive(loop));
}

/* name_of is the name a scenario keeps in a handle's data. */
static const char *name_of(void *h) { return (const char *)((uv_handle_t *)h)->data; }

static void close_cb(uv_handle_t *h) { ev("close", name_of(h), 0); }

/* close_named closes h with close_cb. */
static void close_named(void *h) { uv_close((uv_handle_t *)h, close_cb); }

static void begin(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  CHECK(uv_loop_init(loop));
  CHECK(uv_prepare_init(loop, &counter));
  CHECK(uv_prepare_start(&counter, counter_cb));
  uv_unref((uv_handle_t *)&counter);
}

static int end(void) {
  int i;
  for (i = 0; i < sides; i++) fputs(side_log[i], stdout);
  uv_close((uv_handle_t *)&counter, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  printf("loop_close %s\n", st(uv_loop_close(loop)));
  return 0;
}

/* The network scenarios' helpers. */
static char rbuf[65536]; /* as the binding's loop buffer: 64 KiB */

static void alloc_cb(uv_handle_t *h, size_t size, uv_buf_t *b) {
  (void)h;
  (void)size;
  b->base = rbuf;
  b->len = sizeof rbuf;
}

/* bind_loopback binds h to 127.0.0.1 on a port the OS chooses and returns the address. */
static struct sockaddr_storage bind_loopback(uv_tcp_t *h) {
  struct sockaddr_in a;
  struct sockaddr_storage ss;
  int len = sizeof ss;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &a));
  CHECK(uv_tcp_bind(h, (const struct sockaddr *)&a, 0));
  CHECK(uv_tcp_getsockname(h, (struct sockaddr *)&ss, &len));
  return ss;
}

/* side_close_cb logs a close on the side kept in the handle's data: "side:name". */
typedef struct { int side; const char *name; } side_ref;

static void side_close_cb(uv_handle_t *h) {
  side_ref *r = h->data;
  sev(r->side, "close", r->name, 0);
}

static void side_close(void *h) { uv_close((uv_handle_t *)h, side_close_cb); }

static void read_ev(int i, const char *name, ssize_t nread) {
  char extra[32];
  if (nread < 0) {
    sev(i, "read", name, (int)nread);
    return;
  }
  snprintf(extra, sizeof extra, "n=%d", (int)nread);
  sevx(i, "read", name, 0, extra);
}
