/* Forwarders of the signal section (uv_signal_t), and what the binding keeps per signal so that
 * the disposition from before the binding's first watcher of a signal comes back after its last.
 *
 * libuv (src/unix/signal.c) installs its handler when a signal gets its first watcher in any
 * loop (uv__signal_register_handler), installs it again when a regular watcher joins one-shot
 * watchers only, or when the last regular one leaves them (with SA_RESETHAND then), and resets
 * the signal to SIG_DFL when its last watcher stops or closes (uv__signal_unregister_handler).
 * It never saves what was there before: in a Go program, Go's own handler. Restoring Go's
 * handler after libuv's reset leaves a window in which the signal takes its default action; a
 * SIGPIPE sent to the process just before the last watcher closed has been seen to end the
 * process in it. So the binding keeps libuv from resetting a signal at all: the first time it
 * watches a signal, it also starts a watcher of its own on a private loop that never runs. That
 * watcher stays in libuv's table of watchers (libuv's handler writes a message to its loop's
 * pipe at each delivery, dropped once the pipe is full), so libuv installs its handler once and
 * never again, never with SA_RESETHAND, and never resets it. The binding puts libuv's handler in
 * place before its first active watcher of the signal and the saved disposition back after its
 * last, each with one sigaction call.
 *
 * SIGCHLD is left to libuv: libuv reaps its children from its handler, which must stay in place
 * while libuv watches SIGCHLD for its own sake (each loop's child watcher, and the process
 * section's watcher on a loop of its own, started before the first uv_spawn and never stopped),
 * and the binding's count of Signal watchers does not see those. Its default action is to
 * ignore it, so a reset is harmless. For SIGCHLD the binding counts as for the others, and puts
 * the saved disposition back when libuv has reset it to SIG_DFL, not while libuv keeps it.
 *
 * Every start, stop and close of a signal handle goes through uvg_sig_enter and uvg_sig_leave,
 * under one mutex for all loops. */
#ifndef UVG_SHIM_SIGNAL_H
#define UVG_SHIM_SIGNAL_H

#include "shim.h"

extern void uvgSignalCb(uv_signal_t* h, int signum);

/* libuv's UV_SIGNAL_ONE_SHOT handle flag (src/uv-common.h; the same value from 1.44 to 1.50). It
 * is set by uv_signal_start_oneshot and never cleared: libuv stops such a watcher after each of
 * its callbacks, also when it was restarted with uv_signal_start later. */
#define UVG_SIGNAL_ONE_SHOT 0x02000000

typedef struct {
  pthread_mutex_t mu;
  uv_loop_t* loop;              /* the private loop, created on first use, never run */
  uv_signal_t* held;            /* NSIG watchers of the private loop, one per signal */
  char inited[NSIG];            /* held[s] is initialized */
  char holding[NSIG];           /* held[s] is started: libuv will not reset s */
  int watchers[NSIG];           /* the binding's active signal handles, per signal */
  struct sigaction saved[NSIG]; /* the disposition from before the first of them */
  struct sigaction libuv[NSIG]; /* libuv's handler as it installed it, with SA_ONSTACK */
} uvg_sigstate_t;

extern uvg_sigstate_t uvg_sigstate; /* defined in signal.go */

/* What uvg_sig_enter hands to uvg_sig_leave. */
typedef struct {
  int was;      /* the signal the handle watched before, 0 for none */
  int prepared; /* the signal whose libuv handler uvg_sig_enter put in place, 0 for none */
} uvg_sigop_t;

/* The signal h watches, 0 when it is not active. */
static inline int uvg_sig_of(uv_signal_t* h) {
  return uv_is_active((uv_handle_t*)h) ? h->signum : 0;
}

static void uvg_sig_nop(uv_signal_t* h, int signum) {
  (void)h;
  (void)signum;
}

/* Starts the private loop's watcher of s: libuv installs its handler (the first watcher of s in
 * libuv's table), SA_ONSTACK is added, and the result saved. 0 on success. */
static inline int uvg_sig_hold(int s) {
  uvg_sigstate_t* st = &uvg_sigstate;
  if (st->loop == NULL) {
    uv_loop_t* l = calloc(1, sizeof(uv_loop_t));
    uv_signal_t* held = calloc(NSIG, sizeof(uv_signal_t));
    if (l == NULL || held == NULL || uv_loop_init(l) != 0) {
      free(l);
      free(held);
      return UV_ENOMEM;
    }
    st->loop = l;
    st->held = held;
  }
  if (!st->inited[s]) {
    if (uv_signal_init(st->loop, &st->held[s]) != 0) return UV_ENOMEM;
    st->inited[s] = 1;
  }
  if (uv_signal_start(&st->held[s], uvg_sig_nop, s) != 0) return UV_EINVAL;
  uvg_sig_onstack(s);
  sigaction(s, NULL, &st->libuv[s]);
  st->holding[s] = 1;
  return 0;
}

/* Readies s for the binding's first active watcher of it: saves its disposition, and puts
 * libuv's handler in place when the binding holds s. Returns 1 when it did. */
static inline int uvg_sig_prepare(int s) {
  uvg_sigstate_t* st = &uvg_sigstate;
  if (sigaction(s, NULL, &st->saved[s]) != 0 || s == SIGCHLD) return 0;
  if (st->holding[s]) return sigaction(s, &st->libuv[s], NULL) == 0;
  return uvg_sig_hold(s) == 0;
}

/* Puts back the disposition saved for s after the binding's last watcher of it: at once when
 * the binding holds s, else (SIGCHLD, or the private loop could not be made) once libuv has
 * reset s to SIG_DFL; libuv does not when a watcher of its own (uv_spawn's) is left. */
static inline void uvg_sig_restore(int s) {
  struct sigaction cur;
  if (uvg_sigstate.holding[s] || (sigaction(s, NULL, &cur) == 0 && cur.sa_handler == SIG_DFL))
    sigaction(s, &uvg_sigstate.saved[s], NULL);
}

/* Begins an operation that may start or stop h (next: the signal it may start watching, 0 for
 * none): takes the lock, and readies next when the binding has no active watcher of it. */
static inline uvg_sigop_t uvg_sig_enter(uv_signal_t* h, int next) {
  uvg_sigop_t op = {uvg_sig_of(h), 0};
  pthread_mutex_lock(&uvg_sigstate.mu);
  if (next > 0 && next < NSIG && next != op.was && uvg_sigstate.watchers[next] == 0 &&
      uvg_sig_prepare(next))
    op.prepared = next;
  return op;
}

/* Ends the operation begun by uvg_sig_enter: counts h's change, puts the saved disposition back
 * after the last watcher of a signal (or when the operation did not start the signal readied
 * for it), adds SA_ONSTACK where libuv installed its handler again, and unlocks. */
static inline void uvg_sig_leave(uv_signal_t* h, uvg_sigop_t op) {
  uvg_sigstate_t* st = &uvg_sigstate;
  int now = uvg_sig_of(h);
  if (now != op.was) {
    if (now != 0) st->watchers[now]++;
    if (op.was != 0 && --st->watchers[op.was] == 0) uvg_sig_restore(op.was);
  }
  if (op.prepared != 0 && st->watchers[op.prepared] == 0) uvg_sig_restore(op.prepared);
  if (now != 0) uvg_sig_onstack(now);
  if (op.was != 0 && op.was != now && st->watchers[op.was] > 0) uvg_sig_onstack(op.was);
  pthread_mutex_unlock(&st->mu);
}

/* The uv_signal_cb of every handle. libuv stops a one-shot watcher right after its callback
 * (uv__signal_event); stopping it here first, the same way, lets the binding count the stop.
 * libuv's own stop then finds the handle inactive and does nothing. */
static void uvg_signal_cb(uv_signal_t* h, int signum) {
  uvg_sigop_t op;
  uvgSignalCb(h, signum);
  if (!(h->flags & UVG_SIGNAL_ONE_SHOT) || !uv_is_active((uv_handle_t*)h) || uv_is_closing((uv_handle_t*)h))
    return;
  op = uvg_sig_enter(h, 0);
  uv_signal_stop(h);
  uvg_sig_leave(h, op);
}

static inline uvg_new_t uvg_signal_new(uv_loop_t* l, void* token) {
  uvg_new_t r = uvg_handle_new(l, UV_SIGNAL);
  return r.ptr ? uvg_inited(r, uv_signal_init(l, r.ptr), token) : r;
}

static inline int uvg_signal_start(uv_loop_t* l, void* p, int signum, int oneshot) {
  uv_signal_t* h = p;
  uvg_sigop_t op;
  int r;
  UVG_CHECK(l);
  op = uvg_sig_enter(h, signum);
  if (oneshot) r = uv_signal_start_oneshot(h, uvg_signal_cb, signum);
  else r = uv_signal_start(h, uvg_signal_cb, signum);
  uvg_sig_leave(h, op);
  return r;
}

static inline int uvg_signal_stop(uv_loop_t* l, void* p) {
  uv_signal_t* h = p;
  uvg_sigop_t op;
  UVG_CHECK(l);
  op = uvg_sig_enter(h, 0);
  uv_signal_stop(h);
  uvg_sig_leave(h, op);
  return 0;
}

/* uv_close of a signal handle: libuv stops the watcher in it, synchronously. */
static inline int uvg_signal_close(uv_loop_t* l, void* p, int free_in_c) {
  uv_signal_t* h = p;
  uvg_sigop_t op;
  UVG_CHECK(l);
  op = uvg_sig_enter(h, 0);
  uv_close(p, uvg_close_cb(free_in_c));
  uvg_sig_leave(h, op);
  return 0;
}

#endif /* UVG_SHIM_SIGNAL_H */
