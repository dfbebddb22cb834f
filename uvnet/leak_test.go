package uvnet

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// checkLeaks registers the leak check of a test: when it ends, no loop of the package runs and
// no goroutine started during the test is left. It waits a bounded while for both, since closes
// complete on the loop after Close has returned.
func checkLeaks(t testing.TB) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			loops, gs := loopsAlive.Load(), runtime.NumGoroutine()
			if loops == 0 && gs <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("leak: %d loops of uvnet still run, %d goroutines (%d before):\n%s",
					loops, gs, before, trimStacks(string(buf)))
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// trimStacks keeps the first lines of each goroutine's stack.
func trimStacks(s string) string {
	var out []string
	for _, g := range strings.Split(s, "\n\n") {
		lines := strings.Split(g, "\n")
		out = append(out, strings.Join(lines[:min(len(lines), 9)], "\n"))
	}
	return strings.Join(out, "\n\n")
}
