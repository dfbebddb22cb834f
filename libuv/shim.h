/* The C side of the binding: version gate, the per-loop state, the thread check, and static inline
 * forwarders that pass the exported Go trampolines to libuv. Only declarations and static inline
 * definitions live here, so every cgo preamble of the package may include it. */
#ifndef UVG_SHIM_H
#define UVG_SHIM_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <uv.h>

#if UV_VERSION_HEX < 0x012c00
#error "uv: libuv >= 1.44.0 is required (found older headers); see libuv/README.md"
#endif

/* ---- functions newer than 1.44 ----
 * The one mechanism for a libuv function added after 1.44, so that the binding builds on the
 * headers of every supported version and a binary built on newer headers still runs with an
 * older shared library, answering UV_ENOSYS in both cases:
 *   UVG_SINCE(1, 45)  true when the headers in use declare libuv 1.45's API: #if around every
 *                     use of the function, with a `return UV_ENOSYS;` branch;
 *   UVG_WEAK(f);      redeclares f weak (next to its forwarder, inside that #if): when the
 *                     library loaded at run time lacks f, the dynamic loader leaves its address
 *                     NULL instead of stopping the program with "symbol lookup error";
 *   UVG_NEED(f);      first statement of the forwarder: returns UV_ENOSYS when f is NULL.
 * With the static library (tag libuv_static, which defines UVG_STATIC), UVG_WEAK is empty: the
 * library is resolved at link time, where a weak reference would not pull an archive member in
 * and could leave f NULL although the library has it; headers newer than the static library fail
 * to link instead, which is the right answer to that mismatch. Constants of newer versions are
 * defined under the binding's own names (UVG_...) with libuv's values, for older headers. */
#define UVG_SINCE(major, minor) (UV_VERSION_HEX >= (((major) << 16) | ((minor) << 8)))
#ifdef UVG_STATIC
#define UVG_WEAK(f) extern __typeof__(f) f
#define UVG_NEED(f) ((void)0)
#else
#define UVG_WEAK(f) extern __typeof__(f) f __attribute__((weak))
#define UVG_NEED(f) \
  do { \
    if (&(f) == NULL) return UV_ENOSYS; \
  } while (0)
#endif

/* Not a libuv code: a loop-bound function was called from a thread other than the one in uv_run. */
#define UVG_EWRONGTHREAD (-100001)

/* The trampolines exported from cgo_callbacks.go. */
extern void uvgCloseCb(uv_handle_t* h);
extern void uvgClosedCb(void* token);
extern void uvgWalkCb(uv_handle_t* h, void* arg);
extern void uvgTimerCb(uv_timer_t* h);
extern void uvgPrepareCb(uv_prepare_t* h);
extern void uvgCheckCb(uv_check_t* h);
extern void uvgIdleCb(uv_idle_t* h);
extern void uvgAsyncCb(uv_async_t* h);
extern void uvgClosedBatchCb(void* state);
extern void uvgTimerOneshotCb(void* post, void* token);
extern void uvgAllocCb(uv_handle_t* h, size_t suggested, uv_buf_t* buf);

/* Reserves n bytes of address space for the token table (cgo_callbacks.go): PROT_NONE and
 * MAP_NORESERVE, so it is never touched, costs no memory and no commit charge under strict
 * overcommit (a malloc of the same size would be charged in full); NULL when it fails. */
static inline void* uvg_token_range(size_t n) {
  void* p = mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

/* How many handles closed with a nil Go callback wait, at most, for the Go side to take their
 * tokens back (uvg_close_batch_cb): a full batch calls Go once. */
#define UVG_CLOSED_BATCH 256

/* What the binding keeps per loop, in C memory behind uv_loop_t.data. */
typedef struct {
  pthread_t thread; /* the thread in uv_run, valid while running != 0 */
  int running;
  char* readbuf; /* the buffer every read of the loop's streams and UDP handles is served from */
  char* mmsgbuf; /* the same for UDP handles that use recvmmsg */
  /* The handles closed with a nil Go callback since the Go side last drained them
   * (handles.go, drainClosed): libuv has finished with them; their data still holds the token,
   * and their memory is freed by uvg_closed_free once the Go side has taken the tokens back. */
  unsigned int nclosed;
  uv_handle_t* closed[UVG_CLOSED_BATCH];
  void* post; /* the token of the loop's post handle (an Async), which leads Go to the Loop */
  /* The timer callback of uvg_timer_oneshot as the translation unit that starts them knows it:
   * every cgo file has its own copy of a static function, so the walks compare with this one. */
  uv_timer_cb oneshot_cb;
} uvg_loop_t;

/* libuv's suggested read size, and what a recvmmsg handle needs to receive 20 datagrams at once. */
#define UVG_READBUF (64 * 1024)
#define UVG_MMSGBUF (20 * UVG_READBUF)

/* A constructor's result: the handle (or NULL) and libuv's status. */
typedef struct {
  void* ptr;
  int err;
} uvg_new_t;

static inline uvg_loop_t* uvg_state(const uv_loop_t* l) {
  return (uvg_loop_t*)uv_loop_get_data(l);
}

/* 1 when the calling thread may use the loop: it is not running, or this thread runs it. */
static inline int uvg_owner(const uv_loop_t* l) {
  uvg_loop_t* s = uvg_state(l);
  return !__atomic_load_n(&s->running, __ATOMIC_ACQUIRE) || pthread_equal(s->thread, pthread_self());
}

/* The thread check of every loop-bound forwarder: its first statement, before any handle or
 * request memory is read. It reads only the loop's state, which outlives the loop's handles, so
 * a handle closed and freed by the loop's thread meanwhile is never touched from another one. The
 * loop comes from the Go side (h.loop.ptr), never from the handle. */
#define UVG_CHECK(loop) \
  do { \
    if (!uvg_owner(loop)) return UVG_EWRONGTHREAD; \
  } while (0)

/* ---- loop ---- */

static inline uvg_new_t uvg_loop_new(void) {
  uvg_new_t r = {NULL, UV_ENOMEM};
  uv_loop_t* l = calloc(1, uv_loop_size());
  uvg_loop_t* s = calloc(1, sizeof(uvg_loop_t));
  if (l == NULL || s == NULL) goto fail;
  r.err = uv_loop_init(l);
  if (r.err != 0) goto fail;
  uv_loop_set_data(l, s);
  r.ptr = l;
  return r;
fail:
  free(l);
  free(s);
  return r;
}

static inline uvg_new_t uvg_default_loop(void) {
  uvg_new_t r = {NULL, UV_ENOMEM};
  uv_loop_t* l = uv_default_loop();
  if (l == NULL) return r;
  if (uv_loop_get_data(l) == NULL) {
    uvg_loop_t* s = calloc(1, sizeof(uvg_loop_t));
    if (s == NULL) return r;
    uv_loop_set_data(l, s);
  }
  r.ptr = l;
  r.err = 0;
  return r;
}

/* uv_run, with the running thread recorded for the thread check. */
static inline int uvg_run(uv_loop_t* l, uv_run_mode mode) {
  uvg_loop_t* s = uvg_state(l);
  int r;
  s->thread = pthread_self();
  __atomic_store_n(&s->running, 1, __ATOMIC_RELEASE);
  r = uv_run(l, mode);
  __atomic_store_n(&s->running, 0, __ATOMIC_RELEASE);
  return r;
}

static void uvg_count_cb(uv_handle_t* h, void* arg) {
  void** a = (void**)arg;
  if ((void*)h != a[0]) (*(int*)a[1])++;
}

/* 1 when uv_loop_close would answer UV_EBUSY, not counting the handle skip (the binding's own). */
static inline int uvg_loop_busy(uv_loop_t* l, void* skip) {
  int n = 0;
  void* arg[2] = {skip, &n};
  if (l->active_reqs.count > 0) return 1;
  uv_walk(l, uvg_count_cb, arg);
  return n > 0;
}

/* uv_loop_close, and the loop's C memory freed when it succeeds. */
static inline int uvg_loop_close(uv_loop_t* l, int is_default) {
  uvg_loop_t* s = uvg_state(l);
  int r = uv_loop_close(l);
  if (r != 0) return r;
  free(s->readbuf);
  free(s->mmsgbuf);
  free(s);
  if (is_default) uv_loop_set_data(l, NULL);
  else free(l);
  return 0;
}

/* UV_LOOP_USE_IO_URING_SQPOLL is new in 1.49: with older headers the binding's name keeps
 * libuv's value and uvg_loop_configure answers UV_ENOSYS for it (a library older than 1.49
 * answers UV_ENOSYS itself). */
#if UV_VERSION_HEX >= 0x013100
#define UVG_LOOP_USE_IO_URING_SQPOLL UV_LOOP_USE_IO_URING_SQPOLL
#else
#define UVG_LOOP_USE_IO_URING_SQPOLL 2
#endif

/* UV_TCP_REUSEPORT and UV_UDP_REUSEPORT are new in 1.49: with older headers the binding's
 * names keep libuv's values (a library older than 1.49 ignores the TCP flag, which TCP.Bind
 * refuses with ENOSYS, and refuses the UDP flag with UV_EINVAL). */
#if UV_VERSION_HEX >= 0x013100
#define UVG_TCP_REUSEPORT UV_TCP_REUSEPORT
#define UVG_UDP_REUSEPORT UV_UDP_REUSEPORT
#else
#define UVG_TCP_REUSEPORT 2
#define UVG_UDP_REUSEPORT 64
#endif

/* uv_loop_configure is variadic, which cgo cannot call. */
static inline int uvg_loop_configure(uv_loop_t* l, uv_loop_option opt, int arg) {
  UVG_CHECK(l);
#if UV_VERSION_HEX < 0x013100
  if ((int) opt == UVG_LOOP_USE_IO_URING_SQPOLL) return UV_ENOSYS;
#endif
  if (opt == UV_LOOP_BLOCK_SIGNAL) return uv_loop_configure(l, opt, arg);
  return uv_loop_configure(l, opt);
}

static inline int uvg_stop(uv_loop_t* l) {
  UVG_CHECK(l);
  uv_stop(l);
  return 0;
}

static inline int uvg_update_time(uv_loop_t* l) {
  UVG_CHECK(l);
  uv_update_time(l);
  return 0;
}

/* 1 when h is a pending timer of uvg_timer_oneshot. */
static inline int uvg_is_oneshot(uv_handle_t* h) {
  uv_timer_cb cb = uvg_state(h->loop)->oneshot_cb;
  return h->type == UV_TIMER && cb != NULL && ((uv_timer_t*)h)->timer_cb == cb;
}

/* The walk callback: the Go side sees every handle but the timers of uvg_timer_oneshot, which
 * have no Go object (data NULL once fired and closing). */
static void uvg_walk_cb(uv_handle_t* h, void* arg) {
  if (h->data == NULL) return;
  if (uvg_is_oneshot(h)) return;
  uvgWalkCb(h, arg);
}

static inline int uvg_walk(uv_loop_t* l) {
  UVG_CHECK(l);
  uv_walk(l, uvg_walk_cb, NULL);
  return 0;
}

static inline int uvg_loop_fork(uv_loop_t* l) {
  UVG_CHECK(l);
  return uv_loop_fork(l);
}

/* ---- signals ---- */

/* Adds SA_ONSTACK to the handler installed for signum, when it is a handler (not SIG_DFL or
 * SIG_IGN) and lacks it: libuv installs its handlers without the flag, and the Go runtime
 * requires it, since a signal may arrive on a goroutine's small stack. Call it in the same C call
 * as the libuv function that installs the handler (uv_signal_start, the first uv_spawn). */
static inline void uvg_sig_onstack(int signum) {
  struct sigaction sa;
  if (sigaction(signum, NULL, &sa) != 0) return;
  if (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_ONSTACK)) return;
  sa.sa_flags |= SA_ONSTACK;
  sigaction(signum, &sa, NULL);
}

/* ---- handle ---- */

static inline void* uvg_handle_alloc(uv_handle_type t) {
  return calloc(1, uv_handle_size(t));
}

/* A close callback that only frees the handle. */
static void uvg_free_cb(uv_handle_t* h) {
  free(h);
}

/* The close callback of a handle whose memory the shim frees: frees it, then hands its token to
 * Go. */
static void uvg_close_free_cb(uv_handle_t* h) {
  void* token = h->data;
  free(h);
  uvgClosedCb(token);
}

/* The close callback of a handle closed with a nil Go callback (UVG_CLOSE_BATCH): no call into
 * Go; the handle joins the loop's batch, whose tokens the Go side takes back at its next callback
 * or when uv_run returns (or at once, here, when the batch is full), and whose memory
 * uvg_closed_free frees then. Until that, Go may still read the handle (uv_is_closing, ...). */
static void uvg_close_batch_cb(uv_handle_t* h) {
  uvg_loop_t* s = uvg_state(h->loop);
  s->closed[s->nclosed++] = h;
  if (s->nclosed == UVG_CLOSED_BATCH) uvgClosedBatchCb(s);
}

/* Frees the handles of the batch, once the Go side has taken their tokens back. */
static inline void uvg_closed_free(uintptr_t state) {
  uvg_loop_t* s = (uvg_loop_t*)state;
  unsigned int i;
  for (i = 0; i < s->nclosed; i++) free(s->closed[i]);
  s->nclosed = 0;
}

/* The close modes of uvg_close_cb (handle.closeMode, handles.go). */
enum { UVG_CLOSE_GO = 0, UVG_CLOSE_FREE = 1, UVG_CLOSE_BATCH = 2 };

/* The close callback for uv_close and its variants, by mode: uvg_close_free_cb when nothing but
 * libuv reads the handle's memory until then (one cgo call less per close), uvg_close_batch_cb
 * when there is moreover no Go callback to call (no cgo call at all), else uvgCloseCb, whose Go
 * side keeps the memory for a queued Write2 that sends the handle. */
static inline uv_close_cb uvg_close_cb(int mode) {
  switch (mode) {
    case UVG_CLOSE_FREE: return uvg_close_free_cb;
    case UVG_CLOSE_BATCH: return uvg_close_batch_cb;
  }
  return (uv_close_cb)uvgCloseCb;
}

static inline int uvg_close(uv_loop_t* l, uintptr_t p, int mode) {
  uv_handle_t* h = (uv_handle_t*)p;
  UVG_CHECK(l);
  uv_close(h, uvg_close_cb(mode));
  return 0;
}

static inline int uvg_ref(uv_loop_t* l, void* h, int ref) {
  UVG_CHECK(l);
  if (ref) uv_ref(h);
  else uv_unref(h);
  return 0;
}

/* uv_send_buffer_size / uv_recv_buffer_size: *value 0 reads, non-zero sets. */
static inline int uvg_buffer_size(uv_loop_t* l, void* h, int send, int* value) {
  UVG_CHECK(l);
  return send ? uv_send_buffer_size(h, value) : uv_recv_buffer_size(h, value);
}

static inline int uvg_fileno(uv_loop_t* l, void* h, int* fd) {
  uv_os_fd_t f;
  int r;
  UVG_CHECK(l);
  r = uv_fileno(h, &f);
  *fd = (int)f;
  return r;
}

/* uv_alloc_cb of every stream and UDP handle: the loop's read buffer, allocated on first use. A
 * read callback runs before the next alloc, so one buffer per loop serves all its handles. */
static void uvg_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  uvg_loop_t* s = uvg_state(uv_handle_get_loop(h));
  char** p = &s->readbuf;
  size_t n = UVG_READBUF;
  (void)suggested;
  if (uv_handle_get_type(h) == UV_UDP && uv_udp_using_recvmmsg((uv_udp_t*)h)) {
    p = &s->mmsgbuf;
    n = UVG_MMSGBUF;
  }
  if (*p == NULL) *p = malloc(n);
  *buf = uv_buf_init(*p, *p != NULL ? n : 0);
}

/* The alloc callback a read start passes libuv (uvg_read_start, uvg_udp_recv_start): the loop's
 * buffer (ReadStart, RecvStart), the trampoline of the caller's Go allocator (ReadStartAlloc,
 * RecvStartAlloc), or NULL for a nil Go allocator, which libuv answers with UV_EINVAL. */
enum { UVG_ALLOC_LOOP, UVG_ALLOC_GO, UVG_ALLOC_NIL };

static inline uv_alloc_cb uvg_alloc(int which) {
  if (which == UVG_ALLOC_LOOP) return uvg_alloc_cb;
  return which == UVG_ALLOC_GO ? (uv_alloc_cb)uvgAllocCb : NULL;
}

/* ---- request ---- */

/* The most bytes a write or UDP send copies into its request's own allocation instead of
 * pinning the Go slices (stream.go, udp.go): one C call, no pin, and with a nil Go callback no
 * token and no callback into Go. */
#define UVG_SMALL_WRITE 256

/* A request of size bytes with len more after it, where the bytes at data are copied: the
 * request's part zeroed (as uvg_req_alloc), the copy not. NULL when malloc fails. */
static inline void* uvg_req_copy(size_t size, uintptr_t data, size_t len) {
  char* r = malloc(size + len);
  if (r == NULL) return NULL;
  memset(r, 0, size);
  memcpy(r + size, (const void*)data, len);
  return r;
}

/* The completion of a request that has no Go side (copied, nil Go callback): frees it. */
static void uvg_req_free_cb(uv_req_t* req, int status) {
  (void)status;
  free(req);
}

static inline void* uvg_req_alloc(uv_req_type t) {
  return calloc(1, uv_req_size(t));
}

/* uvg_req_alloc with the request's data set to token (NULL when calloc fails). */
static inline void* uvg_req_new(uv_req_type t, void* token) {
  void* r = uvg_req_alloc(t);
  if (r != NULL) uv_req_set_data(r, token);
  return r;
}

static inline int uvg_cancel(uv_loop_t* l, void* r) {
  UVG_CHECK(l);
  return uv_cancel(r);
}

/* ---- timer, prepare, check, idle, async ---- */

/* Allocates a handle of type t for loop l; r.err is the thread check's or calloc's answer. */
static inline uvg_new_t uvg_handle_new(uv_loop_t* l, uv_handle_type t) {
  uvg_new_t r = {NULL, UVG_EWRONGTHREAD};
  if (!uvg_owner(l)) return r;
  r.ptr = uvg_handle_alloc(t);
  r.err = r.ptr != NULL ? 0 : UV_ENOMEM;
  return r;
}

/* Completes a constructor with the init function's answer: the handle's data holds the Go
 * object's token, or the memory is freed on failure. */
static inline uvg_new_t uvg_inited(uvg_new_t r, int err, void* token) {
  if (err != 0) {
    free(r.ptr);
    r.ptr = NULL;
    r.err = err;
  } else {
    uv_handle_set_data(r.ptr, token);
  }
  return r;
}

/* The hot forwarders take their handle, loop and token as uintptr_t: they are C memory (tokens
 * are addresses in a C region), so cgo need not check them, which it does for every void*. */

static inline uvg_new_t uvg_timer_new(uintptr_t loop, uintptr_t token) {
  uv_loop_t* l = (uv_loop_t*)loop;
  uvg_new_t r = uvg_handle_new(l, UV_TIMER);
  return r.ptr ? uvg_inited(r, uv_timer_init(l, r.ptr), (void*)token) : r;
}

/* uvg_timer_new and uv_timer_start in one call. The start cannot fail: the timer is new, not
 * closing, and the Go side refuses a nil callback first. */
static inline uvg_new_t uvg_timer_new_start(uintptr_t loop, uintptr_t token, uint64_t timeout, uint64_t repeat) {
  uvg_new_t r = uvg_timer_new(loop, token);
  if (r.ptr != NULL) uv_timer_start(r.ptr, uvgTimerCb, timeout, repeat);
  return r;
}

static inline uvg_new_t uvg_prepare_new(uintptr_t loop, uintptr_t token) {
  uv_loop_t* l = (uv_loop_t*)loop;
  uvg_new_t r = uvg_handle_new(l, UV_PREPARE);
  return r.ptr ? uvg_inited(r, uv_prepare_init(l, r.ptr), (void*)token) : r;
}

static inline uvg_new_t uvg_check_new(uintptr_t loop, uintptr_t token) {
  uv_loop_t* l = (uv_loop_t*)loop;
  uvg_new_t r = uvg_handle_new(l, UV_CHECK);
  return r.ptr ? uvg_inited(r, uv_check_init(l, r.ptr), (void*)token) : r;
}

static inline uvg_new_t uvg_idle_new(uintptr_t loop, uintptr_t token) {
  uv_loop_t* l = (uv_loop_t*)loop;
  uvg_new_t r = uvg_handle_new(l, UV_IDLE);
  return r.ptr ? uvg_inited(r, uv_idle_init(l, r.ptr), (void*)token) : r;
}

static inline uvg_new_t uvg_async_new(uintptr_t loop, uintptr_t token, int has_cb) {
  uv_loop_t* l = (uv_loop_t*)loop;
  uvg_new_t r = uvg_handle_new(l, UV_ASYNC);
  return r.ptr ? uvg_inited(r, uv_async_init(l, r.ptr, has_cb ? uvgAsyncCb : NULL), (void*)token) : r;
}

/* The offset of uv_async_t's pending flag, the int that uv_async_send reads first (atomically)
 * and returns at once when it is set: `int pending` in every libuv from 1.44 to 1.52, after
 * async_cb and the queue links (void* queue[2] up to 1.48, struct uv__queue from 1.49: the
 * same two pointers). Async.Send reads it from Go, compiled against the headers in use. */
enum { UVG_ASYNC_PENDING = offsetof(uv_async_t, pending) };

/* uv_async_send, with the handle as in uvg_timer_new. */
static inline int uvg_async_send(uintptr_t h) {
  return uv_async_send((uv_async_t*)h);
}

static inline int uvg_timer_start(uv_loop_t* l, uintptr_t t, int has_cb, uint64_t timeout, uint64_t repeat) {
  uv_timer_t* h = (uv_timer_t*)t;
  UVG_CHECK(l);
  return uv_timer_start(h, has_cb ? uvgTimerCb : NULL, timeout, repeat);
}

/* The timer callback of uvg_timer_oneshot: closes the timer (its memory freed by the close
 * callback, without Go), then hands the token of the Go callback to Go with the one of the
 * loop's post handle. data is cleared first: the timer is no longer the Go side's. */
static void uvg_oneshot_cb(uv_timer_t* t) {
  void* token = t->data;
  t->data = NULL;
  uv_close((uv_handle_t*)t, uvg_free_cb);
  uvgTimerOneshotCb(uvg_state(t->loop)->post, token);
}

/* A one-shot timer without a Go object: allocated, initialized and started in one call; it
 * closes itself when it fires. post is the token of the loop's post handle (kept in the loop's
 * state for uvg_oneshot_cb). */
static inline int uvg_timer_oneshot(uintptr_t loop, uintptr_t post, uintptr_t token, uint64_t timeout) {
  uv_loop_t* l = (uv_loop_t*)loop;
  uv_timer_t* t;
  int r;
  UVG_CHECK(l);
  t = uvg_handle_alloc(UV_TIMER);
  if (t == NULL) return UV_ENOMEM;
  uvg_state(l)->post = (void*)post;
  uvg_state(l)->oneshot_cb = uvg_oneshot_cb;
  r = uv_timer_init(l, t);
  if (r != 0) {
    free(t);
    return r;
  }
  t->data = (void*)token;
  return uv_timer_start(t, uvg_oneshot_cb, timeout, 0); /* cannot fail: not closing, cb set */
}

/* Closes the pending timers of uvg_timer_oneshot (Loop.CloseAll): they join the batch of
 * closed handles, whose drain releases their tokens. */
static void uvg_oneshot_close_cb(uv_handle_t* h, void* arg) {
  (void)arg;
  if (uvg_is_oneshot(h) && h->data != NULL && !uv_is_closing(h))
    uv_close(h, uvg_close_batch_cb);
}

static inline int uvg_oneshot_close_all(uv_loop_t* l) {
  UVG_CHECK(l);
  uv_walk(l, uvg_oneshot_close_cb, NULL);
  return 0;
}

static inline int uvg_timer_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_timer_stop(h);
}

static inline int uvg_timer_again(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_timer_again(h);
}

static inline int uvg_timer_set_repeat(uv_loop_t* l, void* h, uint64_t repeat) {
  UVG_CHECK(l);
  uv_timer_set_repeat(h, repeat);
  return 0;
}

/* The answer of the start functions of prepare, check and idle: libuv's, or 1 when the handle
 * was active before, so that libuv ignored the start and kept the first callback (the Go side
 * keeps it too). One C call where uv_is_active and the start would be two. */
static inline int uvg_started(int err, int was_active) {
  return err == 0 && was_active ? 1 : err;
}

static inline int uvg_prepare_start(uv_loop_t* l, uintptr_t p, int has_cb) {
  uv_prepare_t* h = (uv_prepare_t*)p;
  int active;
  UVG_CHECK(l);
  active = uv_is_active((uv_handle_t*)h);
  return uvg_started(uv_prepare_start(h, has_cb ? uvgPrepareCb : NULL), active);
}

static inline int uvg_prepare_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_prepare_stop(h);
}

static inline int uvg_check_start(uv_loop_t* l, uintptr_t p, int has_cb) {
  uv_check_t* h = (uv_check_t*)p;
  int active;
  UVG_CHECK(l);
  active = uv_is_active((uv_handle_t*)h);
  return uvg_started(uv_check_start(h, has_cb ? uvgCheckCb : NULL), active);
}

static inline int uvg_check_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_check_stop(h);
}

static inline int uvg_idle_start(uv_loop_t* l, uintptr_t p, int has_cb) {
  uv_idle_t* h = (uv_idle_t*)p;
  int active;
  UVG_CHECK(l);
  active = uv_is_active((uv_handle_t*)h);
  return uvg_started(uv_idle_start(h, has_cb ? uvgIdleCb : NULL), active);
}

static inline int uvg_idle_stop(uv_loop_t* l, void* h) {
  UVG_CHECK(l);
  return uv_idle_stop(h);
}

#endif /* UVG_SHIM_H */
