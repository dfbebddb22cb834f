/* Forwarders of the threading and synchronization section (thread.go), and of uv_random (misc.go).
 *
 * Each synchronization object is a small C struct around libuv's: the extra fields record what
 * the binding needs to refuse, with an error, the misuse that libuv answers with abort() or
 * that would deadlock the calling thread (unlocking a mutex the thread does not hold, locking a
 * non-recursive mutex twice, destroying a locked mutex). They are written only by the thread that
 * holds the lock, and read with acquire/release atomics. */
#ifndef UVG_SHIM_THREAD_H
#define UVG_SHIM_THREAD_H

#include <errno.h>
#include <stdint.h>

#include "shim.h"

/* libuv has no UV_EDEADLK: its uv_thread_join answers the negated errno, as this does. */
#define UVG_EDEADLK (-EDEADLK)

extern void uvgThreadCb(void* token);
extern void uvgOnceCb(void* token);
extern void uvgRandomCb(uv_random_t* req, int status, void* buf, size_t buflen);

/* ---- threads ---- */

/* uv_thread_create, or uv_thread_create_ex when ex: the new thread runs the Go trampoline with
 * the token of the Go Thread. */
static inline int uvg_thread_create(uv_thread_t* tid, int ex, size_t stack_size, void* token) {
  uv_thread_options_t opts;
  if (!ex) return uv_thread_create(tid, uvgThreadCb, token);
  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = stack_size;
  return uv_thread_create_ex(tid, &opts, uvgThreadCb, token);
}

/* uv_thread_equal of two values (the Go side's would escape to the heap as pointers). */
static inline int uvg_thread_equal(uv_thread_t a, uv_thread_t b) {
  return uv_thread_equal(&a, &b);
}

/* The calling thread's stack size (pthread_getattr_np), or 0 where it cannot be read. */
#if defined(__linux__) && defined(__GLIBC__)
extern int pthread_getattr_np(pthread_t thread, pthread_attr_t* attr); /* without _GNU_SOURCE */
#endif
static inline size_t uvg_thread_stack_size(void) {
  size_t n = 0;
#if defined(__linux__) && defined(__GLIBC__)
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
  if (pthread_attr_getstacksize(&attr, &n) != 0) n = 0;
  pthread_attr_destroy(&attr);
#endif
  return n;
}

/* Completes the constructor of a synchronization object in C memory p with its init function's
 * answer: p is freed on failure. */
static inline uvg_new_t uvg_sync_inited(void* p, int err) {
  uvg_new_t r = {p, err};
  if (err != 0) {
    free(p);
    r.ptr = NULL;
  }
  return r;
}

#define UVG_NOMEM ((uvg_new_t){NULL, UV_ENOMEM})

/* ---- mutex ---- */

typedef struct {
  uv_mutex_t m;
  pthread_t owner; /* valid while depth > 0 */
  int depth;       /* how many times the owner holds it (1 at most unless recursive) */
  int recursive;
} uvg_mutex_t;

static inline uvg_new_t uvg_mutex_new(int recursive) {
  uvg_mutex_t* m = calloc(1, sizeof(*m));
  if (m == NULL) return UVG_NOMEM;
  m->recursive = recursive;
  return uvg_sync_inited(m, recursive ? uv_mutex_init_recursive(&m->m) : uv_mutex_init(&m->m));
}

/* 1 when the calling thread holds m. */
static inline int uvg_mutex_mine(uvg_mutex_t* m) {
  return __atomic_load_n(&m->depth, __ATOMIC_ACQUIRE) > 0 &&
         pthread_equal(__atomic_load_n(&m->owner, __ATOMIC_RELAXED), pthread_self());
}

/* Records that the calling thread has acquired m (once more). */
static inline void uvg_mutex_took(uvg_mutex_t* m, int depth) {
  __atomic_store_n(&m->owner, pthread_self(), __ATOMIC_RELAXED);
  __atomic_store_n(&m->depth, depth, __ATOMIC_RELEASE);
}

/* A second lock of a non-recursive mutex by its owner would never return: UV_EDEADLK. */
static inline int uvg_mutex_lock(uvg_mutex_t* m) {
  int mine = uvg_mutex_mine(m);
  if (mine && !m->recursive) return UVG_EDEADLK;
  uv_mutex_lock(&m->m);
  uvg_mutex_took(m, mine ? m->depth + 1 : 1);
  return 0;
}

static inline int uvg_mutex_trylock(uvg_mutex_t* m) {
  int mine = uvg_mutex_mine(m);
  int r = uv_mutex_trylock(&m->m);
  if (r == 0) uvg_mutex_took(m, mine ? m->depth + 1 : 1);
  return r;
}

/* Unlocking a mutex the calling thread does not hold is undefined in libuv (abort() in its
 * debug builds, an unlocked mutex with an error-checking one): UV_EPERM instead. */
static inline int uvg_mutex_unlock(uvg_mutex_t* m) {
  if (!uvg_mutex_mine(m)) return UV_EPERM;
  __atomic_store_n(&m->depth, m->depth - 1, __ATOMIC_RELEASE);
  uv_mutex_unlock(&m->m);
  return 0;
}

/* libuv aborts when a locked mutex is destroyed: UV_EBUSY instead, checked with a trylock. */
static inline int uvg_mutex_destroy(uvg_mutex_t* m) {
  if (uvg_mutex_mine(m) || uv_mutex_trylock(&m->m) != 0) return UV_EBUSY;
  uv_mutex_unlock(&m->m);
  uv_mutex_destroy(&m->m);
  free(m);
  return 0;
}

/* ---- read-write lock ---- */

typedef struct {
  uv_rwlock_t l;
  pthread_t writer; /* valid while wlocked */
  int wlocked;
  int readers; /* read locks held, by all threads */
} uvg_rwlock_t;

static inline uvg_new_t uvg_rwlock_new(void) {
  uvg_rwlock_t* l = calloc(1, sizeof(*l));
  return l != NULL ? uvg_sync_inited(l, uv_rwlock_init(&l->l)) : UVG_NOMEM;
}

static inline int uvg_rwlock_wmine(uvg_rwlock_t* l) {
  return __atomic_load_n(&l->wlocked, __ATOMIC_ACQUIRE) &&
         pthread_equal(__atomic_load_n(&l->writer, __ATOMIC_RELAXED), pthread_self());
}

static inline void uvg_rwlock_wtook(uvg_rwlock_t* l) {
  __atomic_store_n(&l->writer, pthread_self(), __ATOMIC_RELAXED);
  __atomic_store_n(&l->wlocked, 1, __ATOMIC_RELEASE);
}

/* Read-locking or write-locking a lock the calling thread holds for writing never returns
 * (or aborts in libuv): UV_EDEADLK. */
static inline int uvg_rwlock_rdlock(uvg_rwlock_t* l) {
  if (uvg_rwlock_wmine(l)) return UVG_EDEADLK;
  uv_rwlock_rdlock(&l->l);
  __atomic_add_fetch(&l->readers, 1, __ATOMIC_ACQ_REL);
  return 0;
}

static inline int uvg_rwlock_tryrdlock(uvg_rwlock_t* l) {
  int r = uv_rwlock_tryrdlock(&l->l);
  if (r == 0) __atomic_add_fetch(&l->readers, 1, __ATOMIC_ACQ_REL);
  return r;
}

/* Read-unlocking a lock that no thread holds for reading: UV_EPERM (undefined in libuv). */
static inline int uvg_rwlock_rdunlock(uvg_rwlock_t* l) {
  int n = __atomic_load_n(&l->readers, __ATOMIC_ACQUIRE);
  do {
    if (n <= 0) return UV_EPERM;
  } while (!__atomic_compare_exchange_n(&l->readers, &n, n - 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
  uv_rwlock_rdunlock(&l->l);
  return 0;
}

static inline int uvg_rwlock_wrlock(uvg_rwlock_t* l) {
  if (uvg_rwlock_wmine(l)) return UVG_EDEADLK;
  uv_rwlock_wrlock(&l->l);
  uvg_rwlock_wtook(l);
  return 0;
}

static inline int uvg_rwlock_trywrlock(uvg_rwlock_t* l) {
  int r = uv_rwlock_trywrlock(&l->l);
  if (r == 0) uvg_rwlock_wtook(l);
  return r;
}

/* Write-unlocking a lock the calling thread does not hold for writing: UV_EPERM. */
static inline int uvg_rwlock_wrunlock(uvg_rwlock_t* l) {
  if (!uvg_rwlock_wmine(l)) return UV_EPERM;
  __atomic_store_n(&l->wlocked, 0, __ATOMIC_RELEASE);
  uv_rwlock_wrunlock(&l->l);
  return 0;
}

/* Destroying a held lock is undefined: UV_EBUSY instead, checked with a trywrlock. */
static inline int uvg_rwlock_destroy(uvg_rwlock_t* l) {
  if (uv_rwlock_trywrlock(&l->l) != 0) return UV_EBUSY;
  uv_rwlock_wrunlock(&l->l);
  uv_rwlock_destroy(&l->l);
  free(l);
  return 0;
}

/* ---- semaphore ---- */

static inline uvg_new_t uvg_sem_new(unsigned int value) {
  uv_sem_t* s = calloc(1, sizeof(*s));
  return s != NULL ? uvg_sync_inited(s, uv_sem_init(s, value)) : UVG_NOMEM;
}

static inline int uvg_sem_destroy(uv_sem_t* s) {
  uv_sem_destroy(s);
  free(s);
  return 0;
}

/* ---- condition variable ---- */

static inline uvg_new_t uvg_cond_new(void) {
  uv_cond_t* c = calloc(1, sizeof(*c));
  return c != NULL ? uvg_sync_inited(c, uv_cond_init(c)) : UVG_NOMEM;
}

static inline int uvg_cond_destroy(uv_cond_t* c) {
  uv_cond_destroy(c);
  free(c);
  return 0;
}

/* uv_cond_wait (timed when timed): the calling thread must hold m, once (UV_EPERM when it does
 * not hold it: libuv aborts or waits on an unlocked mutex; UV_EDEADLK for a recursive mutex held
 * more than once, which the wait would not release). m's owner is recorded anew when the wait
 * returns with m locked again. */
static inline int uvg_cond_wait(uv_cond_t* c, uvg_mutex_t* m, int timed, uint64_t timeout) {
  int r = 0;
  if (!uvg_mutex_mine(m)) return UV_EPERM;
  if (m->depth != 1) return UVG_EDEADLK;
  __atomic_store_n(&m->depth, 0, __ATOMIC_RELEASE);
  if (timed) r = uv_cond_timedwait(c, &m->m, timeout);
  else uv_cond_wait(c, &m->m);
  uvg_mutex_took(m, 1);
  return r;
}

/* ---- barrier ---- */

typedef struct {
  uv_barrier_t b;
  unsigned int count;
  uint64_t arrived; /* calls of uvg_barrier_wait since init */
} uvg_barrier_t;

static inline uvg_new_t uvg_barrier_new(unsigned int count) {
  uvg_barrier_t* b = calloc(1, sizeof(*b));
  if (b == NULL) return UVG_NOMEM;
  b->count = count;
  return uvg_sync_inited(b, uv_barrier_init(&b->b, count));
}

static inline int uvg_barrier_wait(uvg_barrier_t* b) {
  __atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL);
  return uv_barrier_wait(&b->b);
}

/* 1 while some thread waits in a round that has not completed. */
static inline int uvg_barrier_blocked(uvg_barrier_t* b) {
  return __atomic_load_n(&b->arrived, __ATOMIC_ACQUIRE) % b->count != 0;
}

static inline int uvg_barrier_destroy(uvg_barrier_t* b) {
  uv_barrier_destroy(&b->b);
  free(b);
  return 0;
}

/* ---- once ---- */

/* uv_once's init function takes no argument: the calling thread passes the token of the Go
 * function in a thread-local variable (uv_once runs the init function on the calling thread). */
static __thread void* uvg_once_token;

/* A uv_once_t in C memory, set to UV_ONCE_INIT (not all zero bytes on every system). */
static inline uvg_new_t uvg_once_new(void) {
  uv_once_t init = UV_ONCE_INIT;
  uv_once_t* o = malloc(sizeof(*o));
  if (o == NULL) return UVG_NOMEM;
  *o = init;
  return uvg_sync_inited(o, 0);
}

static inline void uvg_once_init(void) {
  uvgOnceCb(uvg_once_token);
}

static inline int uvg_once(uv_once_t* o, void* token) {
  uvg_once_token = token;
  uv_once(o, uvg_once_init);
  uvg_once_token = NULL;
  return 0;
}

/* ---- thread-local keys ---- */

static inline uvg_new_t uvg_key_new(void) {
  uv_key_t* k = calloc(1, sizeof(*k));
  return k != NULL ? uvg_sync_inited(k, uv_key_create(k)) : UVG_NOMEM;
}

static inline int uvg_key_delete(uv_key_t* k) {
  uv_key_delete(k);
  free(k);
  return 0;
}

/* The values are ids of the Go Key's table, not pointers. */
static inline uintptr_t uvg_key_get(uv_key_t* k) {
  return (uintptr_t)uv_key_get(k);
}

static inline void uvg_key_set(uv_key_t* k, uintptr_t v) {
  uv_key_set(k, (void*)v);
}

/* ---- random (misc.go) ---- */

static inline int uvg_random(uv_loop_t* l, void* req, void* buf, size_t n, unsigned int flags) {
  UVG_CHECK(l);
  return uv_random(l, req, buf, n, flags, uvgRandomCb);
}

/* ---- added after 1.44 (the mechanism: UVG_SINCE, UVG_WEAK, UVG_NEED in shim.h) ---- */

#if UVG_SINCE(1, 45)
UVG_WEAK(uv_cpumask_size);
UVG_WEAK(uv_thread_setaffinity);
UVG_WEAK(uv_thread_getaffinity);
UVG_WEAK(uv_thread_getcpu);
#endif
#if UVG_SINCE(1, 48)
UVG_WEAK(uv_thread_getpriority);
UVG_WEAK(uv_thread_setpriority);
#define UVG_THREAD_PRIORITY_HIGHEST UV_THREAD_PRIORITY_HIGHEST
#define UVG_THREAD_PRIORITY_ABOVE_NORMAL UV_THREAD_PRIORITY_ABOVE_NORMAL
#define UVG_THREAD_PRIORITY_NORMAL UV_THREAD_PRIORITY_NORMAL
#define UVG_THREAD_PRIORITY_BELOW_NORMAL UV_THREAD_PRIORITY_BELOW_NORMAL
#define UVG_THREAD_PRIORITY_LOWEST UV_THREAD_PRIORITY_LOWEST
#else
#define UVG_THREAD_PRIORITY_HIGHEST 2
#define UVG_THREAD_PRIORITY_ABOVE_NORMAL 1
#define UVG_THREAD_PRIORITY_NORMAL 0
#define UVG_THREAD_PRIORITY_BELOW_NORMAL (-1)
#define UVG_THREAD_PRIORITY_LOWEST (-2)
#endif
#if UVG_SINCE(1, 50)
UVG_WEAK(uv_thread_detach);
UVG_WEAK(uv_thread_setname);
UVG_WEAK(uv_thread_getname);
#endif

/* uv_cpumask_size: the size of a CPU mask, or libuv's error (UV_ENOTSUP where the system has no
 * affinity). */
static inline int uvg_cpumask_size(void) {
#if UVG_SINCE(1, 45)
  UVG_NEED(uv_cpumask_size);
  return uv_cpumask_size();
#else
  return UV_ENOSYS;
#endif
}

/* uv_thread_getaffinity (set 0) or uv_thread_setaffinity (set 1, old may be NULL). */
static inline int uvg_thread_affinity(uv_thread_t tid, int set, char* mask, char* old, size_t n) {
#if UVG_SINCE(1, 45)
  UVG_NEED(uv_thread_getaffinity);
  UVG_NEED(uv_thread_setaffinity);
  return set ? uv_thread_setaffinity(&tid, mask, old, n) : uv_thread_getaffinity(&tid, mask, n);
#else
  return UV_ENOSYS;
#endif
}

static inline int uvg_thread_getcpu(void) {
#if UVG_SINCE(1, 45)
  UVG_NEED(uv_thread_getcpu);
  return uv_thread_getcpu();
#else
  return UV_ENOSYS;
#endif
}

static inline int uvg_thread_getpriority(uv_thread_t tid, int* prio) {
#if UVG_SINCE(1, 48)
  UVG_NEED(uv_thread_getpriority);
  return uv_thread_getpriority(tid, prio);
#else
  return UV_ENOSYS;
#endif
}

static inline int uvg_thread_setpriority(uv_thread_t tid, int prio) {
#if UVG_SINCE(1, 48)
  UVG_NEED(uv_thread_setpriority);
  return uv_thread_setpriority(tid, prio);
#else
  return UV_ENOSYS;
#endif
}

static inline int uvg_thread_detach(uv_thread_t* tid) {
#if UVG_SINCE(1, 50)
  UVG_NEED(uv_thread_detach);
  return uv_thread_detach(tid);
#else
  return UV_ENOSYS;
#endif
}

static inline int uvg_thread_setname(const char* name) {
#if UVG_SINCE(1, 50)
  UVG_NEED(uv_thread_setname);
  return uv_thread_setname(name);
#else
  return UV_ENOSYS;
#endif
}

static inline int uvg_thread_getname(uv_thread_t tid, char* name, size_t size) {
#if UVG_SINCE(1, 50)
  UVG_NEED(uv_thread_getname);
  return uv_thread_getname(&tid, name, size);
#else
  return UV_ENOSYS;
#endif
}

#endif /* UVG_SHIM_THREAD_H */
