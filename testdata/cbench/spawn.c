/* C twin of BenchmarkSpawn: one child at a time, /bin/true with no stdio, the next spawned from
 * the previous one's exit callback. One op is one child's whole life: uv_spawn, the child's run,
 * SIGCHLD, the exit callback, uv_close and its callback. As in the Go benchmark, each
 * uv_process_t is allocated (calloc of uv_handle_size) before its spawn and freed in its close
 * callback, the binding's allocation model. With heap_mib > 0, that many MiB are malloc'd and
 * every page written first, as the Go benchmark's live heap (fork copies the page tables).
 * Written for this repository.
 *
 * usage: spawn [spawns [reps [heap_mib]]]   (defaults 2000, 3 and 0)
 * Prints per repetition, in the format of `go test -bench`:
 *   C/Spawn/true <N> <ns> ns/op <rate> spawns/s         (heap_mib 0)
 *   C/Spawn/heap1GiB <N> <ns> ns/op <rate> spawns/s     (heap_mib 1024; heap<M>MiB otherwise) */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

static long want, started, exited;
static uv_process_options_t options;
static char* args[] = {"/bin/true", NULL};

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "spawn: %s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

static void close_cb(uv_handle_t* h) { free(h); }

static void spawn_one(uv_loop_t* loop);

static void exit_cb(uv_process_t* p, int64_t exit_status, int term_signal) {
  if (exit_status != 0 || term_signal != 0) {
    fprintf(stderr, "spawn: exit status %lld, signal %d\n", (long long)exit_status, term_signal);
    exit(1);
  }
  exited++;
  uv_close((uv_handle_t*)p, close_cb);
  if (started < want) spawn_one(p->loop);
}

static void spawn_one(uv_loop_t* loop) {
  uv_process_t* p = calloc(1, uv_handle_size(UV_PROCESS));
  if (p == NULL) check(UV_ENOMEM, "calloc");
  started++;
  check(uv_spawn(loop, p, &options), "uv_spawn");
}

int main(int argc, char** argv) {
  want = argc > 1 ? atol(argv[1]) : 2000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  long heap_mib = argc > 3 ? atol(argv[3]) : 0;
  char name[64];
  char* heap = NULL;

  if (heap_mib == 0) {
    snprintf(name, sizeof name, "true");
  } else if (heap_mib == 1024) {
    snprintf(name, sizeof name, "heap1GiB");
  } else {
    snprintf(name, sizeof name, "heap%ldMiB", heap_mib);
  }
  if (heap_mib > 0) {
    size_t n = (size_t)heap_mib << 20;
    heap = malloc(n);
    if (heap == NULL) check(UV_ENOMEM, "malloc");
    for (size_t i = 0; i < n; i += 4096) heap[i] = 1;
  }
  options.file = args[0];
  options.args = args;
  options.exit_cb = exit_cb;

  for (int r = 0; r < reps; r++) {
    uv_loop_t loop;
    uint64_t t0, t1;

    check(uv_loop_init(&loop), "uv_loop_init");
    started = exited = 0;
    t0 = uv_hrtime();
    spawn_one(&loop);
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    t1 = uv_hrtime();
    check(uv_loop_close(&loop), "uv_loop_close");
    if (exited != want) {
      fprintf(stderr, "spawn: %ld exits, want %ld\n", exited, want);
      return 1;
    }
    printf("C/Spawn/%s %ld %.0f ns/op %.1f spawns/s\n", name, want, (double)(t1 - t0) / want,
           want / ((double)(t1 - t0) / 1e9));
  }
  free(heap);
  return 0;
}
