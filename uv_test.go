package uv

import (
	"fmt"
	"os"
	"sort"
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

// newTestLoop returns a new loop whose leak check runs when the test ends.
func newTestLoop(t testing.TB) *Loop {
	t.Helper()
	l, err := NewLoop()
	if err != nil {
		t.Fatalf("NewLoop: %v", err)
	}
	t.Cleanup(func() { checkLeaks(t, l) })
	return l
}

// checkLeaks is the end of every test: no handle left on l, l closes cleanly, and the token
// table is empty. A closed loop is only checked for tokens.
func checkLeaks(t testing.TB, l *Loop) {
	t.Helper()
	if l.ptr != nil {
		if left := handleNames(l); len(left) > 0 {
			t.Errorf("leak check: handles left open: %v", left)
			l.CloseAll()
		}
		if err := l.Close(); err != nil {
			t.Errorf("leak check: Loop.Close: %v", err)
		}
	}
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
