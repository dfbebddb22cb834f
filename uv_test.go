package uv

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"sync"
	"testing"
)

// testHelpers are the helper programs of tests that need another process (a peer on an IPC
// pipe, a server, later a spawned child): the test binary re-executed with UV_TEST_HELPER=name
// runs testHelpers[name] instead of the tests, and exits with 0 when it returns. Register them
// from an init function of the test file that uses them; start one with helperCmd.
var testHelpers = map[string]func(){}

// helperCmd returns the command that runs the helper name in a new process, with extra
// environment variables (KEY=VALUE); set its ExtraFiles, stdio, etc. before starting it.
func helperCmd(t testing.TB, name string, env ...string) *exec.Cmd {
	t.Helper()
	if testHelpers[name] == nil {
		t.Fatalf("no test helper %q", name)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "UV_TEST_HELPER="+name), env...)
	return cmd
}

// TestMain runs a test helper when UV_TEST_HELPER names one; otherwise it runs the tests and
// fails the run when the token table is not empty after all of them: a handle or request that
// was never released.
func TestMain(m *testing.M) {
	if name := os.Getenv("UV_TEST_HELPER"); name != "" {
		fn := testHelpers[name]
		if fn == nil {
			fmt.Fprintf(os.Stderr, "no test helper %q\n", name)
			os.Exit(2)
		}
		fn()
		os.Exit(0)
	}
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

// skipBeforeLibuv skips t when the loaded libuv is older than version (UV_VERSION_HEX form,
// 0x013100 for 1.49.0), naming the version and what the test needs from it.
func skipBeforeLibuv(t testing.TB, version uint32, what string) {
	t.Helper()
	if Version() < version {
		t.Skipf("libuv %s: %s is new in %d.%d", VersionString(), what, version>>16, version>>8&0xff)
	}
}
