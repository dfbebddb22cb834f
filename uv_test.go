package uv

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
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
	// UV_TEST_LIBUV (make libuv2) names the libuv the tests must find at run time.
	if want := os.Getenv("UV_TEST_LIBUV"); want != "" && want != VersionString() {
		fmt.Fprintf(os.Stderr, "FAIL: libuv %s in use, UV_TEST_LIBUV=%s\n", VersionString(), want)
		os.Exit(1)
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

// leftTokens counts the tokens that failed tests left in the table (under tokenChecks' use,
// which is sequential: the tests do not run in parallel).
var leftTokens int64

// checkTokens fails t when the token table holds more than what earlier failed tests left.
// Then it takes what t left into leftTokens (a token cannot be released while libuv may still
// call back with it), so that one failure does not fail every later test; the run still fails.
func checkTokens(t testing.TB) {
	t.Helper()
	n := liveTokens.Load()
	if n > leftTokens {
		t.Errorf("leak check: %d tokens left in the table", n-leftTokens)
	}
	leftTokens = n
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

// skipBeforeLibuv skips t when the loaded libuv, or the headers the binding was compiled
// against, are older than version (UV_VERSION_HEX form, 0x013100 for 1.49.0), naming the version
// and what the test needs from it: a function newer than the headers answers ENOSYS (hasAPI).
func skipBeforeLibuv(t testing.TB, version uint32, what string) {
	t.Helper()
	if Version() < version || headersVersion < version {
		v := fmt.Sprintf("%d.%d", version>>16, version>>8&0xff)
		if version&0xff != 0 {
			v += fmt.Sprintf(".%d", version&0xff)
		}
		t.Skipf("libuv %s, headers %#x: %s is new in %s", VersionString(), headersVersion, what, v)
	}
}

// since is the version of libuv 1.minor as Version packs it.
func since(minor uint32) uint32 { return 1<<16 | minor<<8 }

// hasAPI reports whether the binding reaches the API of libuv 1.minor: both the headers it was
// compiled against and the library loaded at run time are that new.
func hasAPI(minor uint32) bool {
	return Version() >= since(minor) && headersVersion >= since(minor)
}

// skipBefore skips t, naming the versions, when the binding does not reach libuv 1.minor's API;
// err is what the new function answered, which must then be ENOSYS.
func skipBefore(t *testing.T, minor uint32, err error) {
	t.Helper()
	if hasAPI(minor) {
		return
	}
	if !errors.Is(err, ENOSYS) {
		t.Fatalf("libuv %s (headers %#x): %v, want ENOSYS for a function of 1.%d", VersionString(), headersVersion, err, minor)
	}
	t.Skipf("needs libuv 1.%d (headers and library); this is libuv %s, headers %#x: ENOSYS checked", minor, VersionString(), headersVersion)
}

// TestNewerAPI calls every function added after libuv 1.44: where the headers or the library
// in use lack it, it answers ENOSYS (and a binary built on newer headers does not stop with
// "symbol lookup error" on an older library); where both have it, it does not.
func TestNewerAPI(t *testing.T) {
	l := newTestLoop(t)
	tcp, err := NewTCP(l)
	must(t, err)
	udp, err := NewUDP(l)
	must(t, err)
	pipe, err := NewPipe(l, false)
	must(t, err)
	self := ThreadSelf()
	calls := []struct {
		name  string
		minor uint32
		call  func() error
	}{
		{"uv_os_get_passwd2", 45, func() error { _, err := GetPasswd2(os.Getuid()); return err }},
		{"uv_os_get_group", 45, func() error { _, err := GetGroup(os.Getgid()); return err }},
		{"uv_get_available_memory", 45, func() error { _, err := AvailableMemory(); return err }},
		{"uv_clock_gettime", 45, func() error { _, err := ClockGettime(ClockMonotonic); return err }},
		{"uv_metrics_info", 45, func() error { _, err := l.MetricsInfo(); return err }},
		{"uv_cpumask_size", 45, func() error { _, err := CPUMaskSize(); return err }},
		{"uv_thread_getaffinity", 45, func() error { _, err := self.Affinity(); return err }},
		{"uv_thread_setaffinity", 45, func() error {
			m, err := self.Affinity()
			if err != nil {
				return err
			}
			_, err = self.SetAffinity(m)
			return err
		}},
		{"uv_thread_getcpu", 45, func() error { _, err := ThreadCPU(); return err }},
		{"uv_pipe_bind2", 46, func() error { return pipe.Bind2("\x00uv-newer-api-test", 0) }},
		{"uv_pipe_connect2", 46, func() error { _, err := pipe.Connect2("", 0, nil); return ignore(err, EINVAL) }},
		{"uv_utf16_to_wtf8", 47, func() error { _, err := UTF16ToWTF8([]uint16{'a'}); return err }},
		{"uv_wtf8_to_utf16", 47, func() error { _, err := WTF8ToUTF16([]byte("a")); return err }},
		{"uv_thread_getpriority", 48, func() error { _, err := self.Priority(); return err }},
		{"uv_thread_setpriority", 48, func() error { return ignore(self.SetPriority(ThreadPriorityNormal), EACCES, EPERM) }},
		{"uv_getrusage_thread", 50, func() error { _, err := GetrusageThread(); return err }},
		{"uv_thread_getname", 50, func() error { _, err := self.Name(); return err }},
		{"uv_thread_setname", 50, func() error {
			name, err := self.Name()
			if err != nil {
				return err
			}
			return ThreadSetName(name)
		}},
		{"uv_thread_detach", 50, func() error {
			ran := make(chan struct{})
			th, err := NewThread(func() { close(ran) })
			if err != nil {
				return err
			}
			<-ran // its token is released
			if err := th.Detach(); err != nil {
				th.Join()
				return err
			}
			return nil
		}},
		{"uv_udp_try_send2", 50, func() error {
			_, err := udp.TrySend2([]Datagram{{Addr: netip.MustParseAddrPort("127.0.0.1:9"), Bufs: [][]byte{{1}}}})
			return ignore(err, EINVAL) // not bound yet: libuv's EINVAL
		}},
		{"uv_tcp_keepalive_ex", 52, func() error { return tcp.SetKeepAliveEx(true, time.Second, time.Second, 1) }},
		{"uv_udp_open_ex", 52, func() error { return ignore(udp.OpenEx(-1, 0), EBADF, ENOTSOCK) }},
	}
	defer func() {
		tcp.Close(nil)
		udp.Close(nil)
		pipe.Close(nil)
		run(t, l, RunDefault)
	}()
	runtime.LockOSThread() // the thread functions ask about the calling thread
	defer runtime.UnlockOSThread()
	for _, c := range calls {
		err := c.call()
		if hasAPI(c.minor) {
			if err != nil {
				t.Errorf("%s (libuv 1.%d) on libuv %s: %v", c.name, c.minor, VersionString(), err)
			}
		} else if !errors.Is(err, ENOSYS) {
			t.Errorf("%s (libuv 1.%d) on libuv %s, headers %#x: %v, want ENOSYS", c.name, c.minor, VersionString(), headersVersion, err)
		}
	}
}

// ignore is err, or nil when err is one of the codes.
func ignore(err error, codes ...Errno) error {
	for _, c := range codes {
		if errors.Is(err, c) {
			return nil
		}
	}
	return err
}
