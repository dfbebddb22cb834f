package uv

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"
)

// loopAsSysErrno passes a libuv code where TranslateSysError takes a syscall.Errno, as
// libuv's test passes UV_E* codes to uv_translate_sys_error (which returns them unchanged).
func loopAsSysErrno(e Errno) syscall.Errno {
	n := int(e)
	return syscall.Errno(uintptr(n))
}

// libuv: error_message
func TestErrorMessage(t *testing.T) {
	newTestLoop(t) // the leak check
	// libuv's checks of uv_strerror need untranslated messages; the binding uses the _r
	// variant, whose checks follow.
	if msg := EINVAL.Error(); strings.Contains(msg, "Success") || msg == "" {
		t.Errorf("EINVAL.Error() = %q", msg)
	}
	for _, code := range []int{1337, -1337} {
		if msg := Errno(code).Error(); !strings.Contains(msg, fmt.Sprint(code)) {
			t.Errorf("Errno(%d).Error() = %q, want the number in it", code, msg)
		}
	}
}

// libuv: sys_error
func TestSysError(t *testing.T) {
	newTestLoop(t) // the leak check
	for _, c := range []struct {
		sys  syscall.Errno
		want Errno
	}{
		{syscall.EPERM, EPERM},
		{syscall.EPIPE, EPIPE},
		{syscall.EINVAL, EINVAL},
		{syscall.ECONNREFUSED, ECONNREFUSED},
		{syscall.ENOENT, ENOENT},
		{loopAsSysErrno(EINVAL), EINVAL}, // libuv codes pass through
		{loopAsSysErrno(ERANGE), ERANGE},
		{loopAsSysErrno(EACCES), EACCES},
		{0, 0},
	} {
		if got := TranslateSysError(c.sys); got != c.want {
			t.Errorf("TranslateSysError(%d) = %d (%s), want %d (%s)", int32(c.sys), int(got), got.Name(), int(c.want), c.want.Name())
		}
	}
}

func TestErrnoIs(t *testing.T) {
	newTestLoop(t) // the leak check
	for _, c := range []struct {
		err    error
		target error
		want   bool
	}{
		{ECONNREFUSED, syscall.ECONNREFUSED, true},
		{fmt.Errorf("connect: %w", ECONNREFUSED), syscall.ECONNREFUSED, true},
		{ECONNREFUSED, syscall.ECONNRESET, false},
		{EAGAIN, syscall.EAGAIN, true},
		{ENOENT, fs.ErrNotExist, true},
		{&fs.PathError{Op: "open", Path: "/nonexistent", Err: ENOENT}, fs.ErrNotExist, true},
		{EEXIST, fs.ErrExist, true},
		{EACCES, fs.ErrPermission, true},
		{ENOENT, fs.ErrExist, false},
		{EOF, io.EOF, true},
		{fmt.Errorf("read: %w", EOF), io.EOF, true},
		{ENOENT, io.EOF, false},
		{EOF, fs.ErrNotExist, false},
		{EAI_NONAME, fs.ErrNotExist, false},
		{ECONNREFUSED, ECONNREFUSED, true},
		{ECONNREFUSED, ENOENT, false},
	} {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", c.err, c.target, got, c.want)
		}
	}
	var e Errno
	if !errors.As(fmt.Errorf("dial: %w", ECONNREFUSED), &e) || e != ECONNREFUSED {
		t.Errorf("errors.As: %v, want ECONNREFUSED", e)
	}
	if got := errors.Unwrap(ECONNREFUSED); got != syscall.ECONNREFUSED {
		t.Errorf("errors.Unwrap(ECONNREFUSED) = %#v, want syscall.ECONNREFUSED", got)
	}
	if ECONNREFUSED != Errno(-int(syscall.ECONNREFUSED)) {
		t.Errorf("ECONNREFUSED = %d, want -%d", int(ECONNREFUSED), int(syscall.ECONNREFUSED))
	}
}

func TestErrnoUnwrapLibuvCodes(t *testing.T) {
	newTestLoop(t) // the leak check
	for _, e := range []Errno{
		EAI_ADDRFAMILY, EAI_AGAIN, EAI_BADFLAGS, EAI_BADHINTS, EAI_CANCELED, EAI_FAIL,
		EAI_FAMILY, EAI_MEMORY, EAI_NODATA, EAI_NONAME, EAI_OVERFLOW, EAI_PROTOCOL,
		EAI_SERVICE, EAI_SOCKTYPE, ECHARSET, EFTYPE,
	} {
		if got := e.Unwrap(); got != nil {
			t.Errorf("%s.Unwrap() = %#v, want nil", e.Name(), got)
		}
		if errors.Is(e, syscall.Errno(-int(e)&0xffff)) {
			t.Errorf("%s matches a syscall.Errno", e.Name())
		}
	}
}

func TestErrnoNameAndError(t *testing.T) {
	newTestLoop(t) // the leak check
	for _, c := range []struct {
		e          Errno
		name, text string
	}{
		{ECONNREFUSED, "ECONNREFUSED", "connection refused"},
		{ENOENT, "ENOENT", "no such file or directory"},
		{EOF, "EOF", "end of file"},
		{EBUSY, "EBUSY", "resource busy or locked"},
		{EAGAIN, "EAGAIN", "resource temporarily unavailable"},
		{EAI_NONAME, "EAI_NONAME", "unknown node or service"},
		{ECANCELED, "ECANCELED", "operation canceled"},
	} {
		var err error = c.e
		if got := c.e.Name(); got != c.name {
			t.Errorf("Errno(%d).Name() = %q, want %q", int(c.e), got, c.name)
		}
		if got := err.Error(); got != c.text {
			t.Errorf("%s.Error() = %q, want %q", c.name, got, c.text)
		}
	}
	if got := Errno(-1337).Name(); !strings.Contains(got, "-1337") {
		t.Errorf("Name of an unknown code: %q, want the number in it", got)
	}
}

// ErrClosed matches net.ErrClosed, as the standard library's closed connections do, from a
// closed stream and a closed UDP handle alike.
func TestErrClosedIsNetErrClosed(t *testing.T) {
	l := newTestLoop(t)
	if !errors.Is(ErrClosed, net.ErrClosed) {
		t.Error("errors.Is(ErrClosed, net.ErrClosed) false")
	}
	//lint:ignore SA1032 the converse must not hold: this checks the order on purpose
	if errors.Is(net.ErrClosed, ErrClosed) {
		t.Error("errors.Is(net.ErrClosed, ErrClosed) true")
	}
	if !strings.HasPrefix(ErrClosed.Error(), "uv: ") {
		t.Errorf("ErrClosed.Error() = %q, want the package's prefix", ErrClosed.Error())
	}
	tcp, err := NewTCP(l)
	must(t, err)
	udp, err := NewUDP(l)
	must(t, err)
	must(t, tcp.Close(nil))
	must(t, udp.Close(nil))
	run(t, l, RunDefault)
	_, werr := tcp.Write([][]byte{[]byte("x")}, nil)
	_, serr := udp.Send(netip.MustParseAddrPort("127.0.0.1:9"), [][]byte{[]byte("x")}, nil)
	for name, err := range map[string]error{"TCP.Write": werr, "UDP.Send": serr} {
		if !errors.Is(err, ErrClosed) || !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed and net.ErrClosed", name, err)
		}
	}
}

// The codes newer than libuv 1.44 have libuv's value (the negated errno) whatever headers the
// package was built on; a libuv older than a code names it "Unknown system error".
func TestErrnoNewerCodes(t *testing.T) {
	newTestLoop(t) // the leak check
	for _, c := range []struct {
		code  Errno
		sys   syscall.Errno
		since uint32
		name  string
	}{
		{ENODATA, syscall.ENODATA, 0x012d00, "ENODATA"},
		{EUNATCH, syscall.EUNATCH, 0x012e00, "EUNATCH"},
		{ENOEXEC, syscall.ENOEXEC, 0x013200, "ENOEXEC"},
	} {
		if c.code != Errno(-c.sys) || !errors.Is(c.code, c.sys) || TranslateSysError(c.sys) != c.code {
			t.Errorf("%s = %d, want %d matching syscall.%s", c.name, int(c.code), -int(c.sys), c.name)
		}
		want := c.name
		if Version() < c.since {
			want = "Unknown system error"
		}
		if got := c.code.Name(); !strings.HasPrefix(got, want) {
			t.Errorf("%s.Name() = %q on libuv %s, want %q", c.name, got, VersionString(), want)
		}
	}
}
