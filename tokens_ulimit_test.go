package uv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The token table reserves its address range with mmap(PROT_NONE, MAP_NORESERVE): no memory
// and no commit charge. A process under `ulimit -v` (RLIMIT_AS, which counts reserved address
// space too, so the limit must leave room for the Go runtime, libuv's threads and the table's
// 64 MiB) runs a loop, a timer and a threadpool request. The child is this test binary, run
// again under the limit; UV_TEST_ULIMIT_KB overrides the limit.
func TestTokenRangeUnderUlimit(t *testing.T) {
	if os.Getenv("UV_TEST_ULIMIT_CHILD") == "1" {
		tokenRangeChild(t)
		return
	}
	limit := os.Getenv("UV_TEST_ULIMIT_KB")
	if limit == "" {
		limit = "3000000" // about 3 GB: a test binary needs 1.5 to 2 here
	}
	cmd := exec.Command("sh", "-c", `ulimit -v "$0" && exec "$1" -test.run '^TestTokenRangeUnderUlimit$' -test.v`, limit, os.Args[0])
	cmd.Env = append(os.Environ(), "UV_TEST_ULIMIT_CHILD=1", "GOMAXPROCS=2")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "tokens under ulimit: ok") {
		t.Errorf("child under ulimit -v %s KiB: %v\n%s", limit, err, out)
	}
}

func tokenRangeChild(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	fired, worked := 0, 0
	must(t, tm.Start(time.Millisecond, 0, func() { fired++; tm.Close(nil) }))
	_, err = QueueWork(l, func() {}, func(err error) { must(t, err); worked++ })
	must(t, err)
	run(t, l, RunDefault)
	if fired != 1 || worked != 1 {
		t.Fatalf("timer fired %d, work completed %d; want 1, 1", fired, worked)
	}
	t.Log("tokens under ulimit: ok")
}
