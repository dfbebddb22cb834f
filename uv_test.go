package uv

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
)

// TestMain fails the run when the token table is not empty after all tests: a handle or request
// that was never released.
func TestMain(m *testing.M) {
	code := m.Run()
	if n := liveTokens.Load(); n != 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d tokens left in the table after all tests\n", n)
		code = 1
	}
	os.Exit(code)
}

// tokenChecks holds the tests whose token check is registered: it runs once per test, after
// the leak checks of all the test's loops (cleanups run last-registered first).
var tokenChecks sync.Map

// newTestLoop returns a new loop whose leak check runs when the test ends.
func newTestLoop(t testing.TB) *Loop {
	t.Helper()
	if _, dup := tokenChecks.LoadOrStore(t, true); !dup {
		t.Cleanup(func() {
			tokenChecks.Delete(t)
			checkTokens(t)
		})
	}
	l, err := NewLoop()
	if err != nil {
		t.Fatalf("NewLoop: %v", err)
	}
	t.Cleanup(func() { checkLoop(t, l) })
	return l
}

// checkLeaks is the end of every test: no handle left on l, l closes cleanly, and the token
// table is empty. A closed loop is only checked for tokens.
func checkLeaks(t testing.TB, l *Loop) {
	t.Helper()
	checkLoop(t, l)
	checkTokens(t)
}

// checkLoop fails t when handles are left on l or l does not close cleanly; it closes l.
func checkLoop(t testing.TB, l *Loop) {
	t.Helper()
	if l.ptr == nil {
		return
	}
	if left := handleNames(l); len(left) > 0 {
		t.Errorf("leak check: handles left open: %v", left)
		if err := l.CloseAll(); err != nil {
			t.Errorf("leak check: CloseAll: %v", err)
		}
		return
	}
	if err := l.Close(); err != nil {
		t.Errorf("leak check: Loop.Close: %v", err)
	}
}

// checkTokens fails t when the token table is not empty.
func checkTokens(t testing.TB) {
	t.Helper()
	if n := liveTokens.Load(); n != 0 {
		t.Errorf("leak check: %d tokens left in the table", n)
	}
}

// handleNames lists the type names of l's handles, sorted.
func handleNames(l *Loop) []string {
	var names []string
	l.Walk(func(h Handle) { names = append(names, h.TypeName()) })
	sort.Strings(names)
	return names
}

// run runs l in mode and fails the test on a misuse error.
func run(t testing.TB, l *Loop, mode RunMode) bool {
	t.Helper()
	alive, err := l.Run(mode)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return alive
}

// must fails the test when err is not nil.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
