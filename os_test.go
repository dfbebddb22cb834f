package uv

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests of process-wide state that cannot be undone (the process title, which overwrites
// the test binary's argv; priorities, which an unprivileged user cannot lower again;
// LibraryShutdown) run in helper processes. A helper reports a failure on stderr and exits 1.

func init() {
	// The priority helper needs the main thread (whose thread id is the process id): a
	// LockOSThread in an init function keeps the main goroutine, which runs TestMain and so the
	// helper, on it.
	if os.Getenv("UV_TEST_HELPER") == "process-priority" {
		runtime.LockOSThread()
	}
	testHelpers["process-title"] = helperProcessTitle
	testHelpers["process-title-nosetup"] = helperProcessTitleNoSetup
	testHelpers["process-title-big-argv"] = helperProcessTitleBigArgv
	testHelpers["process-title-threadsafe"] = helperProcessTitleThreadsafe
	testHelpers["process-priority"] = helperProcessPriority
	testHelpers["library-shutdown"] = helperLibraryShutdown
}

// hfail ends a helper process with a failure.
func hfail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "helper: "+format+"\n", args...)
	os.Exit(1)
}

func hmust(err error) {
	if err != nil {
		hfail("%v", err)
	}
}

// runHelper runs the helper name (with extra arguments) and fails t when it fails.
func runHelper(t *testing.T, name string, args ...string) string {
	t.Helper()
	newTestLoop(t) // the leak check of this process
	cmd := helperCmd(t, name)
	cmd.Args = append(cmd.Args, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper %s: %v\n%s", name, err, out)
	}
	return string(out)
}

// cmdline is the process's command line as the system shows it, up to the first NUL.
func cmdline() string {
	b, err := os.ReadFile("/proc/self/cmdline")
	if err != nil {
		return ""
	}
	s, _, _ := strings.Cut(string(b), "\x00")
	return s
}

// libuv: process_title
// libuv bounds the title by the area of the original argv (uv_setup_args): a title longer than
// the command line is cut to it. The helper runs with a long argv[0], so that libuv's titles fit
// wherever the test binary lives (from a short path such as /tmp/t, "%s"x19 did not), and
// it expects each title cut to its command line, which then cuts nothing.
func TestProcessTitle(t *testing.T) {
	newTestLoop(t) // the leak check of this process
	cmd := helperCmd(t, "process-title")
	cmd.Args[0] += strings.Repeat("_", 64) // the program is cmd.Path: argv[0] is only a name
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper process-title: %v\n%s", err, out)
	}
}

func helperProcessTitle() {
	args := strings.Join(os.Args, "\x00")
	exe, err := Exepath()
	hmust(err)
	hmust(SetupArgs())
	if title, err := GetProcessTitle(); err != nil || title != os.Args[0] {
		hfail("first title %q, %v; want argv[0] %q", title, err, os.Args[0])
	}
	for _, want := range []string{"%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s", "new title"} {
		if _, err := GetProcessTitle(); err != nil {
			hfail("GetProcessTitle: %v", err)
		}
		hmust(SetProcessTitle(want))
		if runtime.GOOS == "linux" && len(want) > len(args) {
			want = want[:len(args)] // cut to the command line's area (see TestProcessTitle)
		}
		if got, err := GetProcessTitle(); err != nil || got != want {
			hfail("title %q, %v; want %q", got, err, want)
		}
		if runtime.GOOS == "linux" && cmdline() != want {
			hfail("cmdline %q after title %q", cmdline(), want)
		}
	}
	// os.Args is a copy (this package's init): the title's writes do not reach it.
	if got := strings.Join(os.Args, "\x00"); got != args {
		hfail("os.Args changed with the title: %q, was %q", got, args)
	}
	// A title longer than the original command line is truncated to it, on Linux.
	hmust(SetProcessTitle(strings.Repeat("y", 100000)))
	got, err := GetProcessTitle()
	hmust(err)
	if runtime.GOOS == "linux" && got != strings.Repeat("y", len(args)) {
		hfail("long title: %d bytes, want the %d of the command line", len(got), len(args))
	}
	if err := SetProcessTitle("a\x00b"); err != ErrNUL {
		hfail("title with a NUL: %v", err)
	}
	// As in libuv's get_currentexe: the title does not change the executable's path.
	if e, err := Exepath(); err != nil || e != exe {
		hfail("Exepath after a title: %q, %v; want %q", e, err, exe)
	}
}

// Without uv_setup_args, libuv 1.44 answers ENOBUFS to both title functions.
func TestProcessTitleWithoutSetupArgs(t *testing.T) { runHelper(t, "process-title-nosetup") }

func helperProcessTitleNoSetup() {
	if title, err := GetProcessTitle(); err != ENOBUFS {
		hfail("GetProcessTitle before SetupArgs: %q, %v; want ENOBUFS", title, err)
	}
	if err := SetProcessTitle("title"); err != ENOBUFS {
		hfail("SetProcessTitle before SetupArgs: %v; want ENOBUFS", err)
	}
	hmust(SetupArgs())
	hmust(SetupArgs()) // a second call is nil, and libuv is not called again
	hmust(SetProcessTitle("title"))
	if title, err := GetProcessTitle(); err != nil || title != "title" {
		hfail("title %q, %v", title, err)
	}
}

// libuv: process_title_big_argv
func TestProcessTitleBigArgv(t *testing.T) {
	jumbo := strings.Repeat("x", 511)
	runHelper(t, "process-title-big-argv", jumbo, jumbo)
}

func helperProcessTitleBigArgv() {
	if len(os.Args) < 3 || len(os.Args[len(os.Args)-1]) != 511 {
		hfail("arguments %q", os.Args)
	}
	hmust(SetupArgs())
	if title, err := GetProcessTitle(); err != nil || title != os.Args[0] {
		hfail("title %q, %v; want %q", title, err, os.Args[0])
	}
}

// libuv: process_title_threadsafe
func TestProcessTitleThreadsafe(t *testing.T) { runHelper(t, "process-title-threadsafe") }

func helperProcessTitleThreadsafe() {
	titles := []string{
		"8L2NY0Kdj0XyNFZnmUZigIOfcWjyNr0SkMmUhKw99VLUsZFrvCQQC3XIRfNR8pjyMjXObllled",
		"jUAcscJN49oLSN8GdmXj2Wo34XX2T2vp2j5khfajNQarlOulp57cE130yiY53ipJFnPyTn5i82",
		"9niCI5icXGFS72XudhXqo5alftmZ1tpE7B3cwUmrq0CCDjC84FzBNB8XAHqvpNQfI2QAQG6ztT",
		"n8qXVXuG6IEHDpabJgTEiwtpY6LHMZ8MgznnMpdHARu5EywufA6hcBaQfetb0YhEsK0ykDd7JU",
	}
	hmust(SetupArgs())
	hmust(SetProcessTitle(titles[0]))
	stop := make(chan struct{})
	getter := make(chan error)
	go func() {
		runtime.LockOSThread() // each on its own thread, as libuv's test
		for {
			select {
			case <-stop:
				getter <- nil
				return
			default:
			}
			title, err := GetProcessTitle()
			if err != nil || title == "" {
				getter <- fmt.Errorf("title %q, %v", title, err)
				return
			}
			ok := false
			for _, want := range titles {
				// The title may be shorter than set: the command line bounds it.
				ok = ok || strings.HasPrefix(want, title)
			}
			if !ok {
				getter <- fmt.Errorf("torn title %q", title)
				return
			}
			hmust(Sleep(0))
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			for j := 0; j < 50; j++ {
				for _, title := range titles {
					hmust(SetProcessTitle(title))
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	hmust(<-getter)
}

// libuv: process_priority
func TestProcessPriority(t *testing.T) { runHelper(t, "process-priority") }

func helperProcessPriority() {
	if runtime.GOOS == "linux" && syscall.Gettid() != os.Getpid() {
		hfail("not on the main thread")
	}
	set := 0
	for i := PriorityHighest; i <= PriorityLow; i++ {
		err := Setpriority(0, i)
		if err == EACCES { // not allowed to raise the priority
			continue
		}
		hmust(err)
		set++
		if p, err := Getpriority(0); err != nil || p != i {
			hfail("priority %d, %v; want %d", p, err, i)
		}
		// On the main thread, pid 0 and the process id are the same thread.
		if p, err := Getpriority(Getpid()); err != nil || p != i {
			hfail("priority of Getpid() %d, %v; want %d", p, err, i)
		}
	}
	if set == 0 {
		hfail("no priority could be set")
	}
	for _, p := range []int{PriorityHighest - 1, PriorityLow + 1} {
		if err := Setpriority(0, p); err != EINVAL {
			hfail("Setpriority(0, %d): %v; want EINVAL", p, err)
		}
	}
}

// Bad priorities and pids are EINVAL, and never truncated into a valid C int.
func TestSetpriorityBadInput(t *testing.T) {
	newTestLoop(t)
	for _, p := range []int{PriorityHighest - 1, PriorityLow + 1, 1 << 32, 1<<32 + 5, -1 << 40} {
		if err := Setpriority(0, p); err != EINVAL {
			t.Errorf("Setpriority(0, %d): %v; want EINVAL", p, err)
		}
	}
	if err := Setpriority(1<<32, PriorityNormal); err != EINVAL {
		t.Errorf("Setpriority with a pid out of range: %v", err)
	}
	if _, err := Getpriority(1 << 32); err != EINVAL {
		t.Errorf("Getpriority with a pid out of range: %v", err)
	}
	if _, err := Getpriority(0); err != nil {
		t.Errorf("Getpriority(0): %v", err)
	}
}

// LibraryShutdown, the last call of a program: libuv frees its copy of argv (the title
// functions answer ENOBUFS again), joins the threadpool's threads; a second call does nothing.
func TestLibraryShutdown(t *testing.T) {
	if out := runHelper(t, "library-shutdown"); !strings.Contains(out, "shut down") {
		t.Fatalf("helper output %q", out)
	}
}

func helperLibraryShutdown() {
	hmust(SetupArgs())
	hmust(SetProcessTitle("before shutdown"))
	l, err := NewLoop()
	hmust(err)
	var buf [16]byte
	done := false
	_, err = Random(l, buf[:], 0, func(err error) { hmust(err); done = true }) // the threadpool
	hmust(err)
	_, err = l.Run(RunDefault)
	hmust(err)
	hmust(l.Close())
	if !done {
		hfail("the random request did not complete")
	}
	LibraryShutdown()
	if _, err := GetProcessTitle(); err != ENOBUFS {
		hfail("GetProcessTitle after LibraryShutdown: %v; want ENOBUFS", err)
	}
	LibraryShutdown()
	fmt.Println("shut down")
}

// libuv: env_vars
func TestEnvVars(t *testing.T) {
	newTestLoop(t)
	const name, name2 = "UV_TEST_FOO", "UV_TEST_FOO2"
	for _, n := range []string{name, name2} {
		if _, err := Getenv(n); err != ENOENT {
			t.Fatalf("%s is set before the test (%v)", n, err)
		}
		n := n
		t.Cleanup(func() { Unsetenv(n) })
	}
	// NUL bytes, which C would cut the string at.
	if err := Setenv("UV_TEST\x00FOO", "x"); err != ErrNUL {
		t.Errorf("Setenv of a name with a NUL: %v", err)
	}
	if err := Setenv(name, "a\x00b"); err != ErrNUL {
		t.Errorf("Setenv of a value with a NUL: %v", err)
	}
	if _, err := Getenv(name + "\x00"); err != ErrNUL {
		t.Errorf("Getenv of a name with a NUL: %v", err)
	}
	if err := Unsetenv(name + "\x00"); err != ErrNUL {
		t.Errorf("Unsetenv of a name with a NUL: %v", err)
	}
	// setenv(3) refuses an empty name and one with '='.
	for _, bad := range []string{"", "A=B"} {
		if err := Setenv(bad, "x"); err != EINVAL {
			t.Errorf("Setenv(%q): %v; want EINVAL", bad, err)
		}
	}

	must(t, Setenv(name, "123456789"))
	if v, err := Getenv(name); err != nil || v != "123456789" {
		t.Errorf("Getenv: %q, %v", v, err)
	}
	must(t, Unsetenv(name))
	if v, err := Getenv(name); err != ENOENT || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Getenv of an unset variable: %q, %v; want ENOENT", v, err)
	}
	must(t, Unsetenv(name)) // unsetting what is not set succeeds

	// The empty string does not unset.
	must(t, Setenv(name, ""))
	if v, err := Getenv(name); err != nil || v != "" {
		t.Errorf("Getenv of an empty variable: %q, %v", v, err)
	}

	must(t, Setenv(name, "123456789"))
	must(t, Setenv(name2, ""))
	items, err := Environ()
	must(t, err)
	found := 0
	for _, it := range items {
		switch it.Name {
		case name:
			found++
			if it.Value != "123456789" {
				t.Errorf("Environ: %s=%q", it.Name, it.Value)
			}
		case name2:
			found++
			if it.Value != "" {
				t.Errorf("Environ: %s=%q", it.Name, it.Value)
			}
		}
	}
	if found != 2 {
		t.Errorf("Environ found %d of the 2 variables in %d items", found, len(items))
	}
	must(t, Unsetenv(name))
	must(t, Unsetenv(name2))

	// Values larger than the first buffer: Getenv grows it on ENOBUFS.
	for i := 1; i <= 4; i++ {
		want := strings.Repeat("x", i*32768)
		must(t, Setenv(name, want))
		if v, err := Getenv(name); err != nil || v != want {
			t.Errorf("Getenv of %d bytes: %d bytes, %v", len(want), len(v), err)
		}
		must(t, Unsetenv(name))
	}
}

// The C environment and Go's: os keeps its own copy, so changes made through libuv are not
// seen by os.Getenv, while os.Setenv (in a cgo program) also changes the C environment.
func TestEnvGoRuntime(t *testing.T) {
	newTestLoop(t)
	const name, name2 = "UV_TEST_GO_ENV", "UV_TEST_GO_ENV2"
	t.Cleanup(func() {
		Unsetenv(name)
		os.Unsetenv(name2)
	})
	must(t, Setenv(name, "from libuv"))
	if v, ok := os.LookupEnv(name); ok {
		t.Errorf("os.LookupEnv sees libuv's variable: %q", v)
	}
	if v, err := Getenv(name); err != nil || v != "from libuv" {
		t.Errorf("Getenv: %q, %v", v, err)
	}
	must(t, os.Setenv(name2, "from Go"))
	if v, err := Getenv(name2); err != nil || v != "from Go" {
		t.Errorf("Getenv of a variable os.Setenv set: %q, %v", v, err)
	}
	must(t, os.Unsetenv(name2))
	if _, err := Getenv(name2); err != ENOENT {
		t.Errorf("Getenv after os.Unsetenv: %v", err)
	}
}

// libuv: cwd_and_chdir
func TestCwdAndChdir(t *testing.T) {
	newTestLoop(t)
	orig, err := Cwd()
	must(t, err)
	t.Cleanup(func() { must(t, os.Chdir(orig)) })
	if orig == "" || (len(orig) > 1 && strings.HasSuffix(orig, "/")) {
		t.Errorf("Cwd %q", orig)
	}
	must(t, Chdir(orig))
	if again, err := Cwd(); err != nil || again != orig {
		t.Errorf("Cwd after Chdir to it: %q, %v; want %q", again, err, orig)
	}

	// The whole process changes directory: Go's os sees it.
	dir := t.TempDir()
	must(t, Chdir(dir))
	cwd, err := Cwd()
	must(t, err)
	if gw, err := os.Getwd(); err != nil || gw != cwd {
		t.Errorf("os.Getwd %q, %v; Cwd %q", gw, err, cwd)
	}
	if want, _ := filepath.EvalSymlinks(dir); cwd != want {
		t.Errorf("Cwd %q after Chdir(%q)", cwd, want)
	}

	var pe *fs.PathError
	if err := Chdir(filepath.Join(dir, "missing")); !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) || pe.Op != "chdir" {
		t.Errorf("Chdir to a missing directory: %v", err)
	}
	if err := Chdir(dir + "\x00x"); !errors.Is(err, ErrNUL) {
		t.Errorf("Chdir with a NUL: %v", err)
	}
	if now, _ := Cwd(); now != cwd {
		t.Errorf("a failed Chdir moved to %q", now)
	}
}

// libuv: get_currentexe
func TestGetCurrentexe(t *testing.T) {
	newTestLoop(t)
	exe, err := Exepath()
	must(t, err)
	want, err := os.Executable()
	must(t, err)
	if want, err = filepath.EvalSymlinks(want); err != nil {
		t.Fatal(err)
	}
	if exe != want {
		t.Errorf("Exepath %q; want %q", exe, want)
	}
}

// libuv: get_loadavg
func TestGetLoadavg(t *testing.T) {
	newTestLoop(t)
	for i, v := range Loadavg() {
		if v < 0 {
			t.Errorf("load average %d: %v", i, v)
		}
	}
}

// libuv: get_memory
func TestGetMemory(t *testing.T) {
	newTestLoop(t)
	free, total, constrained := FreeMemory(), TotalMemory(), ConstrainedMemory()
	t.Logf("free %d, total %d, constrained %d", free, total, constrained)
	if free == 0 || total == 0 || total <= free {
		t.Errorf("free memory %d, total %d", free, total)
	}
}

// libuv: get_passwd
func TestGetPasswd(t *testing.T) {
	newTestLoop(t)
	pw, err := GetPasswd()
	must(t, err)
	if pw.Username == "" || pw.Shell == "" || pw.Homedir == "" {
		t.Errorf("passwd %+v", pw)
	}
	if len(pw.Homedir) > 1 && strings.HasSuffix(pw.Homedir, "/") {
		t.Errorf("home directory %q ends with a slash", pw.Homedir)
	}
	if len(pw.Homedir) == 1 && pw.Homedir != "/" {
		t.Errorf("home directory %q: one character, not /", pw.Homedir)
	}
	if pw.UID == int(^uint32(0)) || pw.GID == int(^uint32(0)) {
		t.Errorf("uid %d, gid %d: (unsigned)-1, as on Windows", pw.UID, pw.GID)
	}
	if pw.UID != os.Geteuid() {
		t.Errorf("uid %d; euid %d", pw.UID, os.Geteuid())
	}
	if pw.UID != 0 && pw.GID != os.Getgid() && pw.GID != os.Getegid() {
		t.Errorf("gid %d; gid %d, egid %d", pw.GID, os.Getgid(), os.Getegid())
	}
	// The same entry as os/user's (getpwuid_r).
	if u, err := user.LookupId(fmt.Sprint(pw.UID)); err == nil && (u.Username != pw.Username || u.HomeDir != pw.Homedir) {
		t.Errorf("os/user: %s %s; libuv: %s %s", u.Username, u.HomeDir, pw.Username, pw.Homedir)
	}
}

// libuv: gethostname
func TestGethostname(t *testing.T) {
	newTestLoop(t)
	name, err := Gethostname()
	must(t, err)
	if want, err := os.Hostname(); err != nil || name != want || name == "" {
		t.Errorf("Gethostname %q; os.Hostname %q, %v", name, want, err)
	}
}

// libuv: gettimeofday
func TestGettimeofday(t *testing.T) {
	newTestLoop(t)
	before := time.Now().Round(0).Truncate(time.Microsecond)
	tv, err := Gettimeofday()
	must(t, err)
	after := time.Now().Round(0)
	// The same clock as time.Now's wall clock, read in between.
	if tv.Unix() <= 0 || tv.Before(before) || tv.After(after) {
		t.Errorf("Gettimeofday %v, not between %v and %v", tv, before, after)
	}
}

// keepEnv returns the C environment's value of name, and restores it when t ends.
func keepEnv(t *testing.T, name string) (string, bool) {
	old, err := Getenv(name)
	t.Cleanup(func() {
		if err == nil {
			must(t, Setenv(name, old))
		} else {
			must(t, Unsetenv(name))
		}
	})
	return old, err == nil
}

// libuv: homedir
func TestHomedir(t *testing.T) {
	newTestLoop(t)
	home, err := Homedir()
	must(t, err)
	if home == "" || (len(home) > 1 && strings.HasSuffix(home, "/")) {
		t.Errorf("Homedir %q", home)
	}
	// $HOME first, then the passwd entry.
	if old, set := keepEnv(t, "HOME"); set && home != old {
		t.Errorf("Homedir %q; $HOME %q", home, old)
	}
	must(t, Setenv("HOME", "/uv/test/home"))
	if home, err := Homedir(); err != nil || home != "/uv/test/home" {
		t.Errorf("Homedir with $HOME set: %q, %v", home, err)
	}
	must(t, Unsetenv("HOME"))
	pw, err := GetPasswd()
	must(t, err)
	if home, err := Homedir(); err != nil || home != pw.Homedir {
		t.Errorf("Homedir without $HOME: %q, %v; passwd %q", home, err, pw.Homedir)
	}
}

// libuv: tmpdir
func TestTmpdir(t *testing.T) {
	newTestLoop(t)
	dir, err := Tmpdir()
	must(t, err)
	if dir == "" || (len(dir) > 1 && strings.HasSuffix(dir, "/")) {
		t.Errorf("Tmpdir %q", dir)
	}
	// $TMPDIR of the C environment, its trailing slash removed; os.TempDir reads Go's copy.
	keepEnv(t, "TMPDIR")
	goTmp := os.TempDir()
	must(t, Setenv("TMPDIR", "/uv/test/tmp/"))
	if dir, err := Tmpdir(); err != nil || dir != "/uv/test/tmp" {
		t.Errorf("Tmpdir with $TMPDIR set: %q, %v", dir, err)
	}
	if os.TempDir() != goTmp {
		t.Errorf("os.TempDir changed to %q", os.TempDir())
	}
}

// libuv: uname
func TestUname(t *testing.T) {
	newTestLoop(t)
	u, err := Uname()
	must(t, err)
	for flag, got := range map[string]string{"-s": u.Sysname, "-r": u.Release, "-v": u.Version, "-m": u.Machine} {
		out, err := exec.Command("uname", flag).Output()
		if err != nil {
			t.Skipf("uname %s: %v", flag, err)
		}
		if want := strings.TrimSuffix(string(out), "\n"); got != want {
			t.Errorf("uname %s: %q; libuv %q", flag, want, got)
		}
	}
}

// libuv: platform_output
func TestPlatformOutput(t *testing.T) {
	newTestLoop(t)
	cwd, err := Cwd()
	must(t, err)
	t.Logf("Cwd: %s", cwd)
	rss, err := ResidentSetMemory()
	must(t, err)
	if rss == 0 {
		t.Error("ResidentSetMemory is 0")
	}
	t.Logf("ResidentSetMemory: %d", rss)
	up, err := Uptime()
	must(t, err)
	if up <= 0 {
		t.Errorf("Uptime %v", up)
	}
	t.Logf("Uptime: %v", up)
	ru, err := Getrusage()
	must(t, err)
	if ru.Utime < 0 || ru.Stime < 0 || ru.MaxRSS == 0 {
		t.Errorf("Getrusage %+v", ru)
	}
	t.Logf("Getrusage: %+v", ru)
	par := AvailableParallelism()
	if par < 1 || (runtime.GOOS == "linux" && par != runtime.NumCPU()) {
		t.Errorf("AvailableParallelism %d; runtime.NumCPU %d", par, runtime.NumCPU())
	}
	t.Logf("AvailableParallelism: %d", par)
	cpus, err := CPUInfo()
	must(t, err)
	if len(cpus) < 1 {
		t.Error("CPUInfo: no CPU")
	}
	for _, c := range cpus {
		if c.Times.User < 0 || c.Times.Idle <= 0 {
			t.Errorf("CPU %+v", c)
		}
		t.Logf("CPU: %+v", c)
	}
	ifs, err := InterfaceAddresses()
	must(t, err)
	for _, a := range ifs {
		t.Logf("interface: %+v", a)
	}
	pw, err := GetPasswd()
	must(t, err)
	t.Logf("GetPasswd: %+v", pw)
	if pid := Getpid(); pid != os.Getpid() {
		t.Errorf("Getpid %d; os.Getpid %d", pid, os.Getpid())
	}
	if ppid := Getppid(); ppid != os.Getppid() || ppid <= 0 {
		t.Errorf("Getppid %d; os.Getppid %d", ppid, os.Getppid())
	}
	u, err := Uname()
	must(t, err)
	t.Logf("Uname: %+v", u)
}

// GuessHandle tells files, pipes, sockets and bad descriptors apart.
func TestGuessHandle(t *testing.T) {
	newTestLoop(t)
	f, err := os.CreateTemp(t.TempDir(), "guess")
	must(t, err)
	defer f.Close()
	r, w, err := os.Pipe()
	must(t, err)
	defer r.Close()
	defer w.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	lf, err := ln.(*net.TCPListener).File()
	must(t, err)
	defer lf.Close()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	must(t, err)
	defer pc.Close()
	pf, err := pc.(*net.UDPConn).File()
	must(t, err)
	defer pf.Close()
	ul, err := net.Listen("unix", filepath.Join(t.TempDir(), "s"))
	must(t, err)
	defer ul.Close()
	uf, err := ul.(*net.UnixListener).File()
	must(t, err)
	defer uf.Close()
	for _, c := range []struct {
		name string
		fd   int
		want HandleType
	}{
		{"file", int(f.Fd()), HandleFile},
		{"pipe", int(r.Fd()), HandleNamedPipe},
		{"tcp", int(lf.Fd()), HandleTCP},
		{"udp", int(pf.Fd()), HandleUDP},
		{"unix", int(uf.Fd()), HandleNamedPipe},
		{"negative", -1, HandleUnknown},
		{"out of range", 1 << 32, HandleUnknown},
	} {
		if got := GuessHandle(c.fd); got != c.want {
			t.Errorf("GuessHandle(%s): %v; want %v", c.name, got, c.want)
		}
	}
}

// The handle lists: every handle with its flags (referenced, active, internal), the active
// ones only.
func TestPrintHandles(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	must(t, tm.Start(time.Hour, 0, func() {}))
	idle, err := NewIdle(l)
	must(t, err)
	out := filepath.Join(t.TempDir(), "handles")
	f, err := os.Create(out)
	must(t, err)
	defer f.Close()
	must(t, PrintAllHandles(l, f))
	fmt.Fprintln(f, "--")
	must(t, PrintActiveHandles(l, f))
	b, err := os.ReadFile(out)
	must(t, err)
	all, active, _ := strings.Cut(string(b), "--\n")
	t.Logf("all:\n%sactive:\n%s", all, active)
	if !strings.Contains(all, "[RA-] timer") || !strings.Contains(all, "[R--] idle") {
		t.Errorf("PrintAllHandles:\n%s", all)
	}
	if !strings.Contains(active, "[RA-] timer") || strings.Contains(active, "idle") {
		t.Errorf("PrintActiveHandles:\n%s", active)
	}
	// From another goroutine while the loop runs: the thread check.
	var wrong error
	must(t, tm.Start(0, 0, func() {
		done := make(chan error)
		go func() { done <- wrongThreadErr(func() error { return PrintAllHandles(l, f) }) }()
		wrong = <-done
		tm.Stop()
	}))
	run(t, l, RunDefault)
	if wrong != ErrWrongThread {
		t.Errorf("PrintAllHandles from another goroutine: %v", wrong)
	}
	tm.Close(nil)
	idle.Close(nil)
	run(t, l, RunDefault)
	must(t, l.Close())
	if err := PrintAllHandles(l, f); err != ErrClosed {
		t.Errorf("PrintAllHandles on a closed loop: %v", err)
	}
	if st, err := f.Stat(); err != nil || st.Size() != int64(len(b)) {
		t.Errorf("the failed calls wrote to the file")
	}
}

// Sleep rounds up to the millisecond and refuses what libuv's unsigned int cannot hold.
func TestSleep(t *testing.T) {
	newTestLoop(t)
	if err := Sleep(-time.Millisecond); err != ErrNegative {
		t.Errorf("Sleep of a negative duration: %v", err)
	}
	if err := Sleep(time.Duration(1<<32) * time.Millisecond); err != EINVAL {
		t.Errorf("Sleep beyond libuv's range: %v", err)
	}
	start := Hrtime()
	must(t, Sleep(time.Microsecond))
	if d := time.Duration(Hrtime() - start); d < time.Millisecond {
		t.Errorf("Sleep(1µs) slept %v: not rounded up to a millisecond", d)
	}
	must(t, Sleep(0))
}
