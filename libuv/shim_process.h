/* Forwarders of the process section (uv_process_t: uv_spawn, uv_process_kill, uv_kill), and the
 * arrangement of SIGCHLD that lets libuv's children live beside the Go runtime. Included by
 * process.go only: its static state (the hidden loop below) must exist once per process. */
#ifndef UVG_SHIM_PROCESS_H
#define UVG_SHIM_PROCESS_H

#include <errno.h>
#include <sys/wait.h>

#include "shim.h"

extern void uvgExitCb(uv_process_t* p, int64_t exit_status, int term_signal);

/* SIGCHLD and the Go runtime.
 *
 * libuv reaps its children from a SIGCHLD handler: uv_spawn calls
 * uv_signal_start(&loop->child_watcher, uv__chld, SIGCHLD) just before fork(), and
 * uv__signal_start installs the process-wide handler (uv__signal_handler, flags SA_RESTART,
 * without SA_ONSTACK) only when no other libuv watcher of SIGCHLD exists, in any loop. The Go
 * runtime requires SA_ONSTACK on every handler: a signal may land on a thread running a
 * goroutine, whose small stack cannot take the kernel's signal frame. Adding the flag after
 * uv_spawn returns is too late, since the child, running by then, may already have exited
 * (and os/exec's children may exit at any time).
 *
 * So before the first uv_spawn of the process, uvg_chld_arrange starts a SIGCHLD watcher of its
 * own, on a hidden loop created here once and never run, which makes libuv install its handler,
 * and then adds SA_ONSTACK to it (uvg_sig_onstack). As long as that watcher stays started (it
 * always does), libuv never calls sigaction for SIGCHLD again: uv__signal_start registers a
 * handler only for the first watcher of a signal (or a regular one after one-shot ones only;
 * ours is regular and sorts first), and uv__signal_stop resets the signal to SIG_DFL only when
 * the last watcher goes. Every later uv_spawn, in any loop, therefore finds the handler in place
 * with the flag, before any of its children exists.
 *
 * The cost: libuv's handler writes a 16-byte message to the hidden loop's signal pipe for each
 * SIGCHLD; nobody reads it, so once the pipe (non-blocking) is full the write fails with EAGAIN,
 * which libuv's handler tolerates. The remaining window is the two system calls between libuv's
 * sigaction and ours, once per process: a SIGCHLD of an os/exec child that lands right there on
 * a thread running Go code meets the handler without the flag. No libuv child exists yet then.
 *
 * Reaping: libuv's uv__chld calls waitpid(pid, WNOHANG) on the pids of its own loop's process
 * handles only, never waitpid(-1), and Go's os/exec waits for its own pid (wait4 or a pidfd):
 * neither takes the other's exit status.
 *
 * Zombies: uv_close of a process handle whose child has not been reaped yet (the handle is
 * active until libuv reaps it) takes the handle off its loop's list, so no loop ever reaps that
 * child. uvg_process_close keeps its pid in uvg_orphans, and the hidden loop reaps them: once
 * the watcher is started, a C thread (all signals blocked, no Go code) runs the hidden loop, and
 * the watcher's callback calls waitpid(pid, WNOHANG) on each orphan at every SIGCHLD. A child
 * that had exited before its handle closed is reaped by uvg_process_close itself. libuv's
 * visible close semantics are unchanged: the child is not signalled, the exit callback does not
 * run. */
static uv_loop_t uvg_chld_loop;
static uv_signal_t uvg_chld_watcher;
static pthread_mutex_t uvg_chld_mu = PTHREAD_MUTEX_INITIALIZER;
static int uvg_chld_stage; /* under the mutex: 1 loop, 2 watcher initialized, 3 started */
static int uvg_chld_ready; /* stage 3, read without the mutex */

static pthread_mutex_t uvg_orphan_mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t* uvg_orphans; /* under uvg_orphan_mu: pids of closed handles' unreaped children */
static int uvg_norphans, uvg_corphans;

/* Reaps the orphans that have exited; call it with uvg_orphan_mu held. */
static void uvg_reap_orphans(void) {
  int i = 0, st;
  pid_t r;
  while (i < uvg_norphans) {
    do
      r = waitpid(uvg_orphans[i], &st, WNOHANG);
    while (r == -1 && errno == EINTR);
    if (r == 0) i++;
    else uvg_orphans[i] = uvg_orphans[--uvg_norphans]; /* reaped, or not a child any more */
  }
}

static void uvg_chld_reap(uv_signal_t* h, int signum) {
  (void)h;
  (void)signum;
  pthread_mutex_lock(&uvg_orphan_mu);
  uvg_reap_orphans();
  pthread_mutex_unlock(&uvg_orphan_mu);
}

static void* uvg_chld_run(void* arg) {
  (void)arg;
  uv_run(&uvg_chld_loop, UV_RUN_DEFAULT);
  return NULL;
}

/* Starts the thread that runs the hidden loop, with every signal blocked (it inherits the mask
 * of this call): signals are for the Go runtime's threads and libuv's own. */
static void uvg_chld_thread(void) {
  pthread_t t;
  pthread_attr_t a;
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  pthread_create(&t, &a, uvg_chld_run, NULL);
  pthread_attr_destroy(&a);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* 0 once the hidden SIGCHLD watcher is started (the first call starts it), or libuv's error; the
 * next call resumes a failed attempt where it stopped. */
static int uvg_chld_arrange(void) {
  int err = 0;
  if (__atomic_load_n(&uvg_chld_ready, __ATOMIC_ACQUIRE)) return 0;
  pthread_mutex_lock(&uvg_chld_mu);
  if (uvg_chld_stage == 0 && (err = uv_loop_init(&uvg_chld_loop)) == 0) uvg_chld_stage = 1;
  if (uvg_chld_stage == 1 && (err = uv_signal_init(&uvg_chld_loop, &uvg_chld_watcher)) == 0)
    uvg_chld_stage = 2;
  if (uvg_chld_stage == 2 && (err = uv_signal_start(&uvg_chld_watcher, uvg_chld_reap, SIGCHLD)) == 0) {
    uvg_sig_onstack(SIGCHLD);
    uvg_chld_thread();
    uvg_chld_stage = 3;
    __atomic_store_n(&uvg_chld_ready, 1, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&uvg_chld_mu);
  return err;
}

/* The uv_process_options_t of a spawn is built by the Go side in one C block: the options, then
 * the stdio containers, the argument and environment vectors and the strings. */

static inline void uvg_stdio_set(uv_stdio_container_t* c, int flags, void* stream, int fd) {
  c->flags = (uv_stdio_flags)flags;
  if (flags & (UV_CREATE_PIPE | UV_INHERIT_STREAM)) c->data.stream = stream;
  else c->data.fd = fd;
}

/* uv_spawn on a new process handle. The loop and the loops of the stdio streams are checked
 * first, then SIGCHLD is arranged, in this same call, before uv_spawn forks. libuv initializes
 * the handle before anything can fail, so r.ptr is the handle (to be closed) whenever uv_spawn
 * was called, whatever r.err says; r.ptr is NULL when it was not. */
static inline uvg_new_t uvg_spawn(uv_loop_t* l, uv_loop_t** stdio_loops, void* token, uv_process_options_t* o,
                                  int has_exit) {
  uvg_new_t r = {NULL, UVG_EWRONGTHREAD};
  int i;
  for (i = 0; i < o->stdio_count; i++)
    if (stdio_loops[i] != NULL && !uvg_owner(stdio_loops[i])) return r;
  r = uvg_handle_new(l, UV_PROCESS);
  if (r.ptr == NULL) return r;
  r.err = uvg_chld_arrange();
  if (r.err != 0) goto fail;
  o->exit_cb = has_exit ? uvgExitCb : NULL;
  uv_handle_set_data(r.ptr, token);
  r.err = uv_spawn(l, r.ptr, o);
  return r;
fail:
  free(r.ptr);
  r.ptr = NULL;
  return r;
}

/* uv_process_kill. A handle whose uv_spawn failed has pid 0 (libuv 1.44 sets it on success
 * only), and kill(0, signum) would signal this whole process group: ESRCH instead. */
static inline int uvg_process_kill(uv_loop_t* l, void* p, int signum) {
  UVG_CHECK(l);
  if (uv_process_get_pid(p) == 0) return UV_ESRCH;
  return uv_process_kill(p, signum);
}

/* uv_close of a process handle; the pid of a child libuv has not reaped yet becomes an orphan
 * (see Zombies above), reaped at once when it has exited already. */
static inline int uvg_process_close(uv_loop_t* l, void* p, int free_in_c) {
  pid_t pid;
  UVG_CHECK(l);
  pid = uv_is_active(p) ? uv_process_get_pid(p) : 0;
  if (pid <= 0) {
    uv_close(p, uvg_close_cb(free_in_c));
    return 0;
  }
  pthread_mutex_lock(&uvg_orphan_mu);
  if (uvg_norphans == uvg_corphans) {
    int n = uvg_corphans ? 2 * uvg_corphans : 16;
    pid_t* o = realloc(uvg_orphans, n * sizeof(pid_t));
    if (o != NULL) {
      uvg_orphans = o;
      uvg_corphans = n;
    }
  }
  if (uvg_norphans < uvg_corphans) uvg_orphans[uvg_norphans++] = pid;
  uv_close(p, uvg_close_cb(free_in_c));
  uvg_reap_orphans();
  pthread_mutex_unlock(&uvg_orphan_mu);
  return 0;
}

#endif /* UVG_SHIM_PROCESS_H */
