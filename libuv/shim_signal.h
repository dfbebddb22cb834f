/* Forwarders of the signal section (uv_signal_t), and what the binding keeps per signal so that
 * the disposition from before libuv's first watcher of a signal comes back after its last.
 *
 * libuv (src/unix/signal.c) installs its handler when a signal gets its first watcher (in any
 * loop), re-installs it when a regular watcher joins one-shot watchers only, or when the last
 * regular one leaves one-shot watchers (SA_RESETHAND then), and resets the disposition to
 * SIG_DFL when the last watcher stops or closes. It never saves what was there before: in a Go
 * program, Go's own handler. Every start, stop and close of a signal handle goes through
 * uvg_sig_enter and uvg_sig_leave, under one mutex for all loops: they count the binding's
 * active watchers per signal, save the disposition before the first, put it back after libuv
 * resets it at the last, and add SA_ONSTACK (uvg_sig_onstack) whenever libuv has installed its
 * handler. */
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
  int watchers[NSIG];           /* the binding's active signal handles, per signal */
  struct sigaction saved[NSIG]; /* the disposition from before the first of them */
} uvg_sigstate_t;

extern uvg_sigstate_t uvg_sigstate; /* defined in signal.go */

/* The signal h watches, 0 when it is not active. */
static inline int uvg_sig_of(uv_signal_t* h) {
  return uv_is_active((uv_handle_t*)h) ? h->signum : 0;
}

/* Begins an operation that may start or stop h (next: the signal it may start watching, 0 for
 * none): takes the lock, and saves next's disposition when the binding has no watcher of it
 * yet. Returns the signal h watches now, for uvg_sig_leave. */
static inline int uvg_sig_enter(uv_signal_t* h, int next) {
  int was = uvg_sig_of(h);
  pthread_mutex_lock(&uvg_sigstate.mu);
  if (next > 0 && next < NSIG && next != was && uvg_sigstate.watchers[next] == 0)
    sigaction(next, NULL, &uvg_sigstate.saved[next]);
  return was;
}

/* Puts back the disposition saved for signum once libuv has reset it to SIG_DFL; libuv does
 * not when a watcher of its own (uv_spawn's SIGCHLD watcher) is left. */
static inline void uvg_sig_restore(int signum) {
  struct sigaction cur;
  if (sigaction(signum, NULL, &cur) == 0 && cur.sa_handler == SIG_DFL)
    sigaction(signum, &uvg_sigstate.saved[signum], NULL);
}

/* Ends the operation begun by uvg_sig_enter: counts h's change (was: its signal before), puts
 * the disposition back after the last watcher of a signal, adds SA_ONSTACK to libuv's handler
 * where libuv (re)installed it, and unlocks. */
static inline void uvg_sig_leave(uv_signal_t* h, int was) {
  uvg_sigstate_t* s = &uvg_sigstate;
  int now = uvg_sig_of(h);
  if (now != was) {
    if (now != 0) s->watchers[now]++;
    if (was != 0 && --s->watchers[was] == 0) uvg_sig_restore(was);
  }
  if (now != 0) uvg_sig_onstack(now);
  if (was != 0 && was != now && s->watchers[was] > 0) uvg_sig_onstack(was);
  pthread_mutex_unlock(&s->mu);
}

/* The uv_signal_cb of every handle. libuv stops a one-shot watcher right after its callback
 * (uv__signal_event); stopping it here first, the same way, lets the binding count the stop.
 * libuv's own stop then finds the handle inactive and does nothing. */
static void uvg_signal_cb(uv_signal_t* h, int signum) {
  int was;
  uvgSignalCb(h, signum);
  if (!(h->flags & UVG_SIGNAL_ONE_SHOT) || !uv_is_active((uv_handle_t*)h) || uv_is_closing((uv_handle_t*)h))
    return;
  was = uvg_sig_enter(h, 0);
  uv_signal_stop(h);
  uvg_sig_leave(h, was);
}

static inline uvg_new_t uvg_signal_new(uv_loop_t* l, void* token) {
  uvg_new_t r = uvg_handle_new(l, UV_SIGNAL);
  return r.ptr ? uvg_inited(r, uv_signal_init(l, r.ptr), token) : r;
}

static inline int uvg_signal_start(void* p, int signum, int oneshot) {
  uv_signal_t* h = p;
  int was, r;
  UVG_HCHECK(h);
  was = uvg_sig_enter(h, signum);
  if (oneshot) r = uv_signal_start_oneshot(h, uvg_signal_cb, signum);
  else r = uv_signal_start(h, uvg_signal_cb, signum);
  uvg_sig_leave(h, was);
  return r;
}

static inline int uvg_signal_stop(void* p) {
  uv_signal_t* h = p;
  int was;
  UVG_HCHECK(h);
  was = uvg_sig_enter(h, 0);
  uv_signal_stop(h);
  uvg_sig_leave(h, was);
  return 0;
}

/* uv_close of a signal handle: libuv stops the watcher in it, synchronously. */
static inline int uvg_signal_close(void* p) {
  uv_signal_t* h = p;
  int was;
  UVG_HCHECK(h);
  was = uvg_sig_enter(h, 0);
  uv_close(p, uvgCloseCb);
  uvg_sig_leave(h, was);
  return 0;
}

#endif /* UVG_SHIM_SIGNAL_H */
