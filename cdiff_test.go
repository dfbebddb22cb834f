package uv

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The differential scenarios: testdata/cdiff/<name>/ holds a C program (main.c, against libuv
// directly) and a Go program (main.go, through the binding; the scenario itself is in
// internal/scenario) that do the same thing and print one event per line. TestCdiff builds
// both against the same libuv (pkg-config's, PKG_CONFIG_PATH and CGO_CFLAGS' -I honoured, so
// that make libuv2 compares on its libuv too) and requires identical output.

// cdiffBuild holds the binaries, built once per test process (go test -count=N runs them N
// times).
var cdiffBuild struct {
	once  sync.Once
	dir   string
	names []string
	skip  string
	err   error
	runs  int // TestCdiff's runs so far: the last of -count's removes dir
}

// cdiffNames lists the scenarios: the folders of testdata/cdiff with a main.c.
func cdiffNames() ([]string, error) {
	cs, err := filepath.Glob(filepath.Join("testdata", "cdiff", "*", "main.c"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range cs {
		names = append(names, filepath.Base(filepath.Dir(c)))
	}
	return names, nil
}

// cdiffLibDirs returns pkg-config's -L folders of libuv: both programs get them as rpath, so
// that they load the library they were built against (make libuv2's static run sets no
// LD_LIBRARY_PATH).
func cdiffLibDirs(flags []string) []string {
	var dirs []string
	for _, f := range flags {
		if d, ok := strings.CutPrefix(f, "-L"); ok {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// cdiffBuildAll builds every scenario's C and Go programs into a temporary folder.
func cdiffBuildAll() {
	b := &cdiffBuild
	for _, tool := range []string{"cc", "pkg-config", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.skip = fmt.Sprintf("cdiff: %s not found: the C twins cannot be built", tool)
			return
		}
	}
	if b.names, b.err = cdiffNames(); b.err != nil {
		return
	}
	if b.dir, b.err = os.MkdirTemp("", "uv-cdiff-"); b.err != nil {
		return
	}
	out, err := exec.Command("pkg-config", "--cflags", "--libs", "libuv").Output()
	if err != nil {
		b.skip = fmt.Sprintf("cdiff: pkg-config --cflags --libs libuv: %v", err)
		return
	}
	pc := strings.Fields(string(out))
	var rpath []string
	for _, d := range cdiffLibDirs(pc) {
		rpath = append(rpath, "-Wl,-rpath,"+d)
	}
	// CGO_CFLAGS' -I (make libuv2 puts its prefix there) before pkg-config's own flags.
	var inc []string
	for _, f := range strings.Fields(os.Getenv("CGO_CFLAGS")) {
		if strings.HasPrefix(f, "-I") {
			inc = append(inc, f)
		}
	}
	var pkgs []string
	for _, n := range b.names {
		args := append(append(append([]string{"-O1", "-Wall", "-Werror", "-o",
			filepath.Join(b.dir, n+".c"), filepath.Join("testdata", "cdiff", n, "main.c")}, inc...), pc...), rpath...)
		if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
			b.err = fmt.Errorf("cc %s: %v\n%s", strings.Join(args, " "), err, out)
			return
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join("testdata", "cdiff", n)))
	}
	// The Go programs, with the test binary's build tags (libuv_static, uvdebug).
	args := []string{"build", "-o", b.dir + string(filepath.Separator)}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-tags" && s.Value != "" {
				args = append(args, "-tags", s.Value)
			}
		}
	}
	cmd := exec.Command("go", append(args, pkgs...)...)
	cmd.Env = append(os.Environ(), "CGO_LDFLAGS="+strings.TrimSpace(os.Getenv("CGO_LDFLAGS")+" "+strings.Join(rpath, " ")))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.err = fmt.Errorf("go %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
}

// cdiffRun runs one program, bounded: a scenario never waits on anything but loopback.
func cdiffRun(path string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s: %v\n%s", filepath.Base(path), err, stderr.Bytes())
	}
	return string(out), nil
}

// lineDiff shows two outputs side by side from their first differing line.
func lineDiff(c, g string) string {
	cl, gl := strings.Split(c, "\n"), strings.Split(g, "\n")
	var b strings.Builder
	first := -1
	for i := 0; i < len(cl) || i < len(gl); i++ {
		var x, y string
		if i < len(cl) {
			x = cl[i]
		}
		if i < len(gl) {
			y = gl[i]
		}
		mark := "  "
		if x != y {
			mark = "! "
			if first < 0 {
				first = i
			}
		}
		fmt.Fprintf(&b, "%s%-40s | %s\n", mark, x, y)
	}
	return fmt.Sprintf("first difference at line %d (C | Go):\n%s", first+1, b.String())
}

// TestCdiff requires each differential scenario's C and Go programs to print the same events.
func TestCdiff(t *testing.T) {
	if testing.Short() {
		t.Skip("cdiff: builds a C and a Go program per scenario")
	}
	cdiffBuild.once.Do(cdiffBuildAll)
	b := &cdiffBuild
	if b.skip != "" {
		t.Skip(b.skip)
	}
	if b.err != nil {
		t.Fatal(b.err)
	}
	if len(b.names) == 0 {
		t.Fatal("cdiff: no scenario in testdata/cdiff")
	}
	if b.runs++; flag.Lookup("test.count").Value.String() == strconv.Itoa(b.runs) {
		t.Cleanup(func() { os.RemoveAll(b.dir) })
	}
	t.Logf("libuv %s, %d scenarios", VersionString(), len(b.names))
	for _, n := range b.names {
		t.Run(n, func(t *testing.T) {
			c, err := cdiffRun(filepath.Join(b.dir, n+".c"))
			if err != nil {
				t.Fatal(err)
			}
			g, err := cdiffRun(filepath.Join(b.dir, n))
			if err != nil {
				t.Fatal(err)
			}
			if c != g {
				t.Errorf("scenario %s: the C and Go programs differ\n%s", n, lineDiff(c, g))
			}
		})
	}
	checkTokens(t)
}
