package uv

import (
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fuzz targets feed the binding's string and number conversions with what a program
// might pass: NULs, empty strings, '=' in names, odd flags. Their seed corpora run as
// ordinary tests; `make fuzz` runs each target for FUZZTIME.

// FuzzAddr: IP4Addr, IP6Addr, InetPton, InetNtop and the Name functions never crash; a NUL
// is ErrNUL; what Go's netip reads, libuv reads the same; what libuv reads, its text form
// reads back to the same address.
func FuzzAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "0.0.0.0", "255.255.255.255", "1.2.3", "1.2.3.4.5",
		"01.2.3.4", "256.1.1.1", "::", "::1", "fe80::1%lo", "fe80::1%", "::ffff:1.2.3.4",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", "", "\x00", "1.2.3.4\x00", "[::1]", " 1.2.3.4"} {
		f.Add(s, 80)
	}
	f.Add("127.0.0.1", -1)
	f.Add("::1", 65536)
	f.Add("::1", 1<<32+80)
	f.Fuzz(func(t *testing.T, s string, port int) {
		hasNUL := strings.IndexByte(s, 0) >= 0
		goAddr, goErr := netip.ParseAddr(s)
		portOK := port >= 0 && port <= 65535
		for _, fam := range []AddrFamily{AF_INET, AF_INET6} {
			a, err := InetPton(fam, s)
			switch {
			case hasNUL:
				if !errors.Is(err, ErrNUL) {
					t.Errorf("InetPton(%v, %q) = %v, %v; want ErrNUL", fam, s, a, err)
				}
				continue
			case err != nil:
				if !errors.Is(err, EINVAL) {
					t.Errorf("InetPton(%v, %q): %v, want EINVAL", fam, s, err)
				}
				if goErr == nil && goAddr.Zone() == "" && (fam == AF_INET) == goAddr.Is4() {
					t.Errorf("InetPton(%v, %q): %v; Go reads %v", fam, s, err, goAddr)
				}
				continue
			}
			if (fam == AF_INET) != a.Is4() {
				t.Errorf("InetPton(%v, %q) = %v: wrong family", fam, s, a)
			}
			if goErr == nil && goAddr.WithZone("") != a {
				t.Errorf("InetPton(%v, %q) = %v; Go reads %v", fam, s, a, goAddr)
			}
			fuzzNtop(t, a)
		}
		a4, err := IP4Addr(s, port)
		fuzzSockaddr(t, "IP4Addr", s, port, a4, err, hasNUL, portOK)
		if err == nil && (!a4.Addr().Is4() || int(a4.Port()) != port) {
			t.Errorf("IP4Addr(%q, %d) = %v", s, port, a4)
		}
		if err == nil {
			if name, err := IP4Name(a4); err != nil || name == "" {
				t.Errorf("IP4Name(%v) = %q, %v", a4, name, err)
			}
		}
		a6, err := IP6Addr(s, port)
		fuzzSockaddr(t, "IP6Addr", s, port, a6, err, hasNUL, portOK)
		if err == nil && (a6.Addr().Is4() || int(a6.Port()) != port) {
			t.Errorf("IP6Addr(%q, %d) = %v", s, port, a6)
		}
		if err == nil {
			if name, err := IP6Name(a6); err != nil || name == "" {
				t.Errorf("IP6Name(%v) = %q, %v", a6, name, err)
			}
		}
		if len(s) >= 16 { // the bytes as an address, for InetNtop
			var b [16]byte
			copy(b[:], s)
			fuzzNtop(t, netip.AddrFrom16(b))
			fuzzNtop(t, netip.AddrFrom4([4]byte(b[:4])))
		}
	})
}

// fuzzSockaddr checks the error of IP4Addr or IP6Addr (fn) of s and port.
func fuzzSockaddr(t *testing.T, fn, s string, port int, got netip.AddrPort, err error, hasNUL, portOK bool) {
	t.Helper()
	switch {
	case hasNUL && !errors.Is(err, ErrNUL) && !errors.Is(err, EINVAL):
		t.Errorf("%s(%q, %d) = %v, %v; want ErrNUL", fn, s, port, got, err)
	case !portOK && !errors.Is(err, EINVAL) && !errors.Is(err, ErrNUL):
		t.Errorf("%s(%q, %d) = %v, %v; want EINVAL for the port", fn, s, port, got, err)
	case err != nil && !errors.Is(err, EINVAL) && !errors.Is(err, ErrNUL):
		t.Errorf("%s(%q, %d): %v, want EINVAL", fn, s, port, err)
	}
}

// fuzzNtop: InetNtop of a reads back (InetPton, and Go's netip) to a.
func fuzzNtop(t *testing.T, a netip.Addr) {
	t.Helper()
	text, err := InetNtop(a)
	if err != nil {
		t.Errorf("InetNtop(%v): %v", a, err)
		return
	}
	fam := AF_INET6
	if a.Is4() {
		fam = AF_INET
	}
	if back, err := InetPton(fam, text); err != nil || back != a.WithZone("") {
		t.Errorf("InetPton(InetNtop(%v) = %q) = %v, %v", a, text, back, err)
	}
	if back, err := netip.ParseAddr(text); err != nil || back != a.WithZone("") {
		t.Errorf("netip.ParseAddr(InetNtop(%v) = %q) = %v, %v", a, text, back, err)
	}
}

// FuzzFSPath: the path-taking fs calls, synchronous (nil callback), on name in a temporary
// directory: a NUL is ErrNUL (in an *fs.PathError), nothing crashes, and what they report
// agrees with the os package. name never leaves the directory (names with ".." are skipped).
func FuzzFSPath(f *testing.F) {
	for _, s := range []string{"a", "", ".", "a/", "a/b", "sub/../a", "a\x00b", "\x00", "é", " ",
		"a\nb", strings.Repeat("x", 255), strings.Repeat("x", 256), strings.Repeat("d/", 40), "XXXXXX"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if strings.Contains(name, "..") || len(name) > 4096 {
			return
		}
		dir := t.TempDir()
		p := dir + "/" + name
		l := newTestLoop(t)
		defer checkLeaks(t, l)
		hasNUL := strings.IndexByte(name, 0) >= 0
		nulOK := func(what string, err error) bool {
			t.Helper()
			if !hasNUL {
				return false
			}
			var pe *fs.PathError
			if !errors.Is(err, ErrNUL) || !errors.As(err, &pe) {
				t.Errorf("%s(%q): %v, want ErrNUL in an *fs.PathError", what, name, err)
			}
			return true
		}
		// mkdir, stat, rmdir
		_, err := FSMkdir(l, p, 0o755, nil)
		if !nulOK("FSMkdir", err) {
			fuzzSameStat(t, l, p, err == nil)
			if err == nil {
				if _, err := FSRmdir(l, p, nil); err != nil {
					t.Errorf("FSRmdir(%q) after FSMkdir: %v", name, err)
				}
			}
		}
		// open with O_CREAT|O_EXCL, write, close, read back with os, unlink
		r, err := FSOpen(l, p, O_CREAT|O_EXCL|O_WRONLY, 0o600, nil)
		if !nulOK("FSOpen", err) && err == nil {
			fd := int(r.Result())
			if w, err := FSWrite(l, fd, [][]byte{[]byte(name)}, -1, nil); err != nil || w.Result() != int64(len(name)) {
				t.Errorf("FSWrite: %v, %v", w, err)
			}
			if _, err := FSClose(l, fd, nil); err != nil {
				t.Errorf("FSClose: %v", err)
			}
			if b, err := os.ReadFile(p); err != nil || string(b) != name {
				t.Errorf("os.ReadFile(%q) = %q, %v; want what FSWrite wrote", p, b, err)
			}
			if rp, err := FSRealpath(l, p, nil); err != nil || rp.Link() == "" {
				t.Errorf("FSRealpath(%q) = %v, %v", name, rp, err)
			}
			if _, err := FSRename(l, p, dir+"/renamed", nil); err != nil {
				t.Errorf("FSRename(%q): %v", name, err)
			}
			if _, err := FSUnlink(l, dir+"/renamed", nil); err != nil {
				t.Errorf("FSUnlink: %v", err)
			}
		}
		// the other path calls: each answers without crashing; a NUL is ErrNUL
		for what, call := range map[string]func() error{
			"FSAccess":   func() error { _, err := FSAccess(l, p, 0, nil); return err },
			"FSChmod":    func() error { _, err := FSChmod(l, p, 0o644, nil); return err },
			"FSLstat":    func() error { _, err := FSLstat(l, p, nil); return err },
			"FSUtime":    func() error { _, err := FSUtime(l, p, time.Unix(1, 0), time.Unix(2, 0), nil); return err },
			"FSReadlink": func() error { _, err := FSReadlink(l, p, nil); return err },
			"FSScandir":  func() error { _, err := FSScandir(l, p, nil); return err },
			"FSStatfs":   func() error { _, err := FSStatfs(l, p, nil); return err },
			"FSSymlink":  func() error { _, err := FSSymlink(l, name, dir+"/link", 0, nil); return err },
			"FSLink":     func() error { _, err := FSLink(l, p, dir+"/hard", nil); return err },
			"FSCopyfile": func() error { _, err := FSCopyfile(l, p, dir+"/copy", 0, nil); return err },
			"FSMkdtemp": func() error {
				r, err := FSMkdtemp(l, p+"XXXXXX", nil)
				if err == nil && !strings.HasPrefix(r.Path(), dir+"/") {
					t.Errorf("FSMkdtemp(%q) made %q, outside %s", name, r.Path(), dir)
				}
				return err
			},
			"FSMkstemp": func() error {
				r, err := FSMkstemp(l, p+"XXXXXX", nil)
				if err == nil {
					FSClose(l, int(r.Result()), nil)
				}
				return err
			},
			"FSOpendir": func() error {
				r, err := FSOpendir(l, p, nil)
				if err == nil {
					_, err = FSClosedir(l, r.Dir(), nil)
				}
				return err
			},
		} {
			err := call()
			if !nulOK(what, err) && err != nil {
				var errno Errno
				if !errors.As(err, &errno) {
					t.Errorf("%s(%q): %v, not an Errno", what, name, err)
				}
			}
		}
	})
}

// fuzzSameStat: FSStat of p agrees with os.Stat: both find it or neither does; made says that
// FSMkdir has just made it, a directory.
func fuzzSameStat(t *testing.T, l *Loop, p string, made bool) {
	t.Helper()
	r, err := FSStat(l, p, nil)
	st, goErr := os.Stat(p)
	if (err == nil) != (goErr == nil) {
		t.Errorf("FSStat(%q): %v; os.Stat: %v", p, err, goErr)
		return
	}
	if made && (err != nil || !st.IsDir() || !r.Stat().FileMode().IsDir()) {
		t.Errorf("FSStat(%q) after FSMkdir: %v, %+v", p, err, r.Stat())
	}
}

// fuzzSpawnFiles are the programs FuzzSpawn may start (the fuzzer picks one; it never names a
// program itself): harmless whatever their arguments and environment.
var fuzzSpawnFiles = []string{"/bin/true", "/bin/false", "true", "/nonexistent/uv-fuzz", "", "tr\x00ue", "/"}

// FuzzSpawn: Spawn with odd options (NULs and empty strings in the arguments, environment and
// working directory, any flags) starts the program or answers an error, never crashes; a NUL
// is ErrNUL, unknown flags EINVAL. A started child's exit callback runs once, within a
// generous bound, with the program's status.
func FuzzSpawn(f *testing.F) {
	f.Add(uint8(0), "x", "A=B", "", uint(0), uint32(0))
	f.Add(uint8(1), "", "", "/", uint(0), uint32(0))
	f.Add(uint8(2), "a\x00b", "A=B", "", uint(0), uint32(0))
	f.Add(uint8(0), "x", "A\x00=B", "", uint(0), uint32(0))
	f.Add(uint8(0), "x", "=", "/nonexistent", uint(0), uint32(0))
	f.Add(uint8(0), "x", "PATH=", "/\x00", uint(0), uint32(0))
	f.Add(uint8(2), "x", "PATH=/nonexistent", "", uint(0), uint32(0))
	f.Add(uint8(3), "x", "", "", uint(0), uint32(0))
	f.Add(uint8(4), "x", "", "", uint(0), uint32(0))
	f.Add(uint8(5), "x", "", "", uint(0), uint32(0))
	f.Add(uint8(6), "x", "", "", uint(0), uint32(0))
	f.Add(uint8(0), "x", "", "", uint(ProcessDetached), uint32(0))
	f.Add(uint8(0), "x", "", "", uint(ProcessSetUID|ProcessSetGID), uint32(os.Getuid()))
	f.Add(uint8(0), "x", "", "", uint(1<<20), uint32(0))
	f.Fuzz(func(t *testing.T, which uint8, arg, env, cwd string, flags uint, id uint32) {
		file := fuzzSpawnFiles[int(which)%len(fuzzSpawnFiles)]
		opts := &ProcessOptions{File: file, Args: []string{file, arg}, Env: []string{env}, Dir: cwd,
			Flags: ProcessFlags(flags), UID: id, GID: id}
		if which&0x80 != 0 {
			opts.Args, opts.Env = nil, nil
		}
		hasNUL := strings.ContainsRune(file+cwd+strings.Join(opts.Args, "")+strings.Join(opts.Env, ""), 0)
		l := newTestLoop(t)
		defer checkLeaks(t, l)
		exits, status := 0, int64(-1)
		p, err := Spawn(l, opts, func(p *Process, st int64, _ syscall.Signal) {
			exits++
			status = st
			p.Close(nil)
		})
		switch {
		case ProcessFlags(flags)&^processFlagsAll != 0:
			if !errors.Is(err, EINVAL) || p != nil {
				t.Errorf("Spawn with flags %#x: %v, %v; want EINVAL", flags, p, err)
			}
		case hasNUL:
			if !errors.Is(err, ErrNUL) || p != nil {
				t.Errorf("Spawn with a NUL: %v, %v; want ErrNUL", p, err)
			}
		case err != nil:
			var errno Errno
			if !errors.As(err, &errno) {
				t.Errorf("Spawn: %v, not an Errno", err)
			}
			if p != nil {
				p.Close(nil)
			}
		}
		if err != nil {
			run(t, l, RunDefault)
			if exits != 0 {
				t.Errorf("a failed Spawn's exit callback ran")
			}
			return
		}
		// A bounded wall-clock safety net: the child is killed, and the test fails, if it
		// has not ended after a generous while (true and false end at once).
		guard, err := NewTimer(l)
		must(t, err)
		must(t, guard.Unref())
		must(t, guard.Start(30*time.Second, 0, func() {
			t.Errorf("%s did not end within 30s: killed", file)
			p.Kill(syscall.SIGKILL)
		}))
		run(t, l, RunDefault)
		must(t, guard.Close(nil))
		run(t, l, RunDefault)
		want := int64(0)
		if filepath.Base(file) == "false" {
			want = 1
		}
		if exits != 1 || status != want && status != 127 {
			// 127: the program's own loader failing in an odd environment is its status.
			t.Errorf("Spawn(%q): %d exit callbacks, status %d; want 1, %d", file, exits, status, want)
		}
	})
}

// FuzzEnv: Setenv, Getenv, Unsetenv and Environ on the C environment. A NUL is ErrNUL; an
// empty name or one holding '=' is EINVAL; a variable set reads back (Getenv and Environ) and
// is gone after Unsetenv. Names get a prefix so that no variable of the process changes.
func FuzzEnv(f *testing.F) {
	for _, s := range [][2]string{{"A", "b"}, {"", "x"}, {"A=B", "c"}, {"=", ""}, {"A", ""}, {"A\x00B", "c"},
		{"A", "b\x00c"}, {"A", "b=c"}, {"A", strings.Repeat("v", 5000)}, {"\xff", "\xfe"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		nul := strings.IndexByte(name+value, 0) >= 0
		// The name as given, when it is one setenv(3) refuses: nothing changes.
		if name == "" || strings.ContainsAny(name, "=\x00") {
			err := Setenv(name, value)
			if !errors.Is(err, EINVAL) && !errors.Is(err, ErrNUL) {
				t.Errorf("Setenv(%q, %q): %v, want EINVAL or ErrNUL", name, value, err)
			}
			if err := Unsetenv(name); !errors.Is(err, EINVAL) && !errors.Is(err, ErrNUL) {
				t.Errorf("Unsetenv(%q): %v, want EINVAL or ErrNUL", name, err)
			}
		}
		key := "UV_FUZZ_" + name
		err := Setenv(key, value)
		switch {
		case nul:
			if !errors.Is(err, ErrNUL) {
				t.Errorf("Setenv(%q, %q): %v, want ErrNUL", key, value, err)
			}
			return
		case strings.ContainsRune(key, '='):
			if !errors.Is(err, EINVAL) {
				t.Errorf("Setenv(%q, %q): %v, want EINVAL", key, value, err)
			}
			return
		case err != nil:
			t.Fatalf("Setenv(%q, %q): %v", key, value, err)
		}
		defer Unsetenv(key)
		if got, err := Getenv(key); err != nil || got != value {
			t.Errorf("Getenv(%q) = %q, %v; want %q", key, got, err, value)
		}
		items, err := Environ()
		must(t, err)
		found := false
		for _, it := range items {
			if it.Name == key {
				found = found || it.Value == value
			}
		}
		if !found {
			t.Errorf("Environ has no %q=%q", key, value)
		}
		must(t, Unsetenv(key))
		if got, err := Getenv(key); !errors.Is(err, ENOENT) {
			t.Errorf("Getenv(%q) after Unsetenv = %q, %v; want ENOENT", key, got, err)
		}
	})
}
