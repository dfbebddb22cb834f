package uv

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pipeBadName is libuv's BAD_PIPENAME: a socket path in directories that do not exist.
const pipeBadName = "/path/to/unix/socket/that/really/should/not/be/there"

// pipeName returns a socket path in a new temporary directory of t.
func pipeName(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "uv.sock")
}

// pipeIs reports err unless it is want, without stopping the test (usable in callbacks).
func pipeIs(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) || (want == nil && err != nil) {
		t.Errorf("%s: %v, want %v", what, err, want)
	}
}

// pipeNew returns a new pipe on l or stops the test.
func pipeNew(t testing.TB, l *Loop, ipc bool) *Pipe {
	t.Helper()
	p, err := NewPipe(l, ipc)
	must(t, err)
	return p
}

// pipeSocketpair returns a connected pair of close-on-exec AF_UNIX stream sockets.
func pipeSocketpair(t testing.TB) [2]int {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	must(t, err)
	return fds
}

// pipeConnects counts the connect and close callbacks of the tests that connect and close.
type pipeConnects struct{ calls, closes int }

// connect connects p to name; the callback checks the result against want (nil: success),
// calls then (may be nil), and closes p and also.
func (c *pipeConnects) connect(t *testing.T, p *Pipe, name string, want error, then func(), also ...Handle) {
	t.Helper()
	_, err := p.Connect(name, func(err error) {
		c.calls++
		pipeIs(t, "connect callback", err, want)
		if then != nil {
			then()
		}
		for _, h := range append([]Handle{p}, also...) {
			h.Close(func() { c.closes++ })
		}
	})
	hndCheck(t, err)
}

// run runs l, which must end (Run not alive), and checks that the connect callback ran once
// and the close callbacks closes times.
func (c *pipeConnects) run(t *testing.T, l *Loop, closes int) {
	t.Helper()
	tcpRunDone(t, l)
	if c.calls != 1 || c.closes != closes {
		t.Fatalf("connect callbacks %d, close callbacks %d; want 1 and %d", c.calls, c.closes, closes)
	}
}

// pipeOnSocketpair returns a pipe on l opened on one end of a new socketpair, and the other
// end, which the test's cleanup closes.
func pipeOnSocketpair(t testing.TB, l *Loop, ipc bool) (*Pipe, int) {
	t.Helper()
	fds := pipeSocketpair(t)
	t.Cleanup(func() { syscall.Close(fds[0]) })
	p := pipeNew(t, l, ipc)
	if err := p.Open(fds[1]); err != nil {
		syscall.Close(fds[1])
		t.Fatal(err)
	}
	return p, fds[0]
}

func pipeNoConnection(t testing.TB) func(error) {
	return func(err error) { t.Errorf("connection callback ran: %v", err) }
}

// libuv: pipe_bind_error_addrinuse
func TestPipeBindErrorAddrinuse(t *testing.T) {
	l := newTestLoop(t)
	name := pipeName(t)
	s1, s2 := pipeNew(t, l, false), pipeNew(t, l, false)
	must(t, s1.Bind(name))
	pipeIs(t, "second Bind", s2.Bind(name), EADDRINUSE)
	pipeIs(t, "errors.Is syscall.EADDRINUSE", s2.Bind(name), syscall.EADDRINUSE)
	must(t, s1.Listen(128, pipeNoConnection(t)))
	pipeIs(t, "Listen of the unbound pipe", s2.Listen(128, pipeNoConnection(t)), EINVAL)
	closes := 0
	must(t, s1.Close(func() { closes++ }))
	must(t, s2.Close(func() { closes++ }))
	run(t, l, RunDefault)
	if closes != 2 {
		t.Fatalf("close callbacks: %d, want 2", closes)
	}
}

// libuv: pipe_bind_error_addrnotavail
func TestPipeBindErrorAddrnotavail(t *testing.T) {
	l := newTestLoop(t)
	s := pipeNew(t, l, false)
	// libuv turns ENOENT into EACCES, for compatibility with Windows.
	pipeIs(t, "Bind in a missing directory", s.Bind(pipeBadName), EACCES)
	hndDoClose(t, l, s)
}

// libuv: pipe_bind_error_inval
func TestPipeBindErrorInval(t *testing.T) {
	l := newTestLoop(t)
	s := pipeNew(t, l, false)
	must(t, s.Bind(pipeName(t)))
	pipeIs(t, "second Bind", s.Bind(pipeName(t)), EINVAL)
	hndDoClose(t, l, s)
}

// libuv: pipe_listen_without_bind
func TestPipeListenWithoutBind(t *testing.T) {
	l := newTestLoop(t)
	s := pipeNew(t, l, false)
	pipeIs(t, "Listen", s.Listen(128, pipeNoConnection(t)), EINVAL)
	hndDoClose(t, l, s)
}

// libuv: pipe_bind_or_listen_error_after_close
func TestPipeBindOrListenErrorAfterClose(t *testing.T) {
	l := newTestLoop(t)
	s := pipeNew(t, l, false)
	must(t, s.Close(nil))
	// libuv answers EINVAL on a closing handle; the binding refuses every call from Close on.
	pipeIs(t, "Bind", s.Bind(pipeName(t)), ErrClosed)
	pipeIs(t, "Listen", s.Listen(128, pipeNoConnection(t)), ErrClosed)
	tcpRunDone(t, l)
	pipeIs(t, "Bind after the close callback", s.Bind(pipeName(t)), ErrClosed)
}

func TestPipeBindNUL(t *testing.T) {
	l := newTestLoop(t)
	s := pipeNew(t, l, false)
	dir := t.TempDir()
	pipeIs(t, "Bind", s.Bind(filepath.Join(dir, "a\x00b")), ErrNUL)
	_, err := s.Connect(filepath.Join(dir, "a\x00b"), func(error) { t.Error("connect callback ran") })
	pipeIs(t, "Connect", err, ErrNUL)
	if _, err := os.Stat(filepath.Join(dir, "a")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the truncated path exists: %v", err)
	}
	// The pipe is still usable.
	must(t, s.Bind(filepath.Join(dir, "ok")))
	hndDoClose(t, l, s)
}

// An over-long name is truncated without an error, on Bind and on Connect alike: to the 107
// bytes of sun_path that leave room for a NUL up to libuv 1.45, to all its 108 bytes from 1.46
// (uv_pipe_bind2 and uv_pipe_connect2 with flags 0). libuv's own tests assert only the
// UV_PIPE_NO_TRUNCATE error.
func TestPipeBindLongName(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	dir := t.TempDir()
	long := dir + "/" + strings.Repeat("a", 200)
	sunPath := 107
	if Version() >= 0x012e00 {
		sunPath = 108
	}
	// libuv 1.46-1.48 measure a name that fills sun_path with strlen, past its end: what
	// SockName and PeerName answer for it is undefined there.
	named := Version() < 0x012e00 || Version() >= 0x013100
	s := pipeNew(t, l, false)
	must(t, s.Bind(long))
	if name, err := s.SockName(); named && (err != nil || name != long[:sunPath]) {
		t.Errorf("SockName = %q (%d bytes), %v; want the first %d bytes of the name", name, len(name), err, sunPath)
	}
	if _, err := os.Stat(long[:sunPath]); err != nil {
		t.Errorf("the truncated path: %v", err)
	}
	accepted := 0
	must(t, s.Listen(8, func(err error) {
		hndCheck(t, err)
		c := pipeNew(t, l, false)
		hndCheck(t, s.Accept(c))
		accepted++
		c.Close(nil)
		s.Close(nil)
	}))
	c := pipeNew(t, l, false)
	connected := 0
	_, err := c.Connect(long, func(err error) {
		connected++
		hndCheck(t, err)
		if peer, err := c.PeerName(); named && (err != nil || peer != long[:sunPath]) {
			t.Errorf("PeerName = %q, %v; want the truncated name", peer, err)
		}
		c.Close(nil)
	})
	must(t, err)
	run(t, l, RunDefault)
	if connected != 1 || accepted != 1 {
		t.Fatalf("connect callbacks %d, accepted %d; want 1 and 1", connected, accepted)
	}
}

// libuv: pipe_connect_bad_name
func TestPipeConnectBadName(t *testing.T) {
	l := newTestLoop(t)
	var c pipeConnects
	c.connect(t, pipeNew(t, l, false), pipeBadName, ENOENT, nil)
	c.run(t, l, 1)
}

// libuv: pipe_connect_to_file
func TestPipeConnectToFile(t *testing.T) {
	l := newTestLoop(t)
	file := filepath.Join(t.TempDir(), "empty_file")
	must(t, os.WriteFile(file, nil, 0o644))
	c := pipeNew(t, l, false)
	calls, closes := 0, 0
	_, err := c.Connect(file, func(err error) {
		calls++
		if !errors.Is(err, ENOTSOCK) && !errors.Is(err, ECONNREFUSED) {
			t.Errorf("connect callback: %v, want ENOTSOCK or ECONNREFUSED", err)
		}
		hndCheck(t, c.Close(func() { closes++ }))
	})
	must(t, err)
	run(t, l, RunDefault)
	if calls != 1 || closes != 1 {
		t.Fatalf("connect callbacks %d, close callbacks %d; want 1 and 1", calls, closes)
	}
}

// libuv: pipe_connect_multiple
func TestPipeConnectMultiple(t *testing.T) {
	const clients = 10
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	name := pipeName(t)
	server := pipeNew(t, l, false)
	must(t, server.Bind(name))
	var conns, cls []*Pipe
	accepted, connected := 0, 0
	done := func() {
		if accepted == clients && connected == clients {
			hndCheck(t, l.Stop())
		}
	}
	must(t, server.Listen(128, func(err error) {
		hndCheck(t, err)
		c := pipeNew(t, l, false)
		hndCheck(t, server.Accept(c))
		conns = append(conns, c)
		accepted++
		done()
	}))
	for i := 0; i < clients; i++ {
		c := pipeNew(t, l, false)
		cls = append(cls, c)
		_, err := c.Connect(name, func(err error) {
			hndCheck(t, err)
			connected++
			done()
		})
		must(t, err)
	}
	run(t, l, RunDefault)
	if accepted != clients || connected != clients {
		t.Errorf("accepted %d, connected %d; want %d", accepted, connected, clients)
	}
	for _, c := range append(append(conns, cls...), server) {
		c.Close(nil)
	}
	run(t, l, RunDefault)
}

// libuv: pipe_connect_close_multiple
func TestPipeConnectCloseMultiple(t *testing.T) {
	const clients = 10
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	name := pipeName(t)
	server := pipeNew(t, l, false)
	must(t, server.Bind(name))
	accepted, connected := 0, 0
	done := func() {
		if accepted == clients && connected == clients {
			hndCheck(t, server.Close(nil))
		}
	}
	must(t, server.Listen(128, func(err error) {
		hndCheck(t, err)
		c := pipeNew(t, l, false)
		hndCheck(t, server.Accept(c))
		hndCheck(t, c.Close(nil))
		accepted++
		done()
	}))
	var cls []*Pipe
	for i := 0; i < clients; i++ {
		c := pipeNew(t, l, false)
		cls = append(cls, c)
		c.Connect(name, func(err error) { // libuv's test ignores what uv_pipe_connect returns
			pipeIs(t, "connect callback", err, ECANCELED)
			connected++
			done()
		})
	}
	for _, c := range cls {
		must(t, c.Close(nil))
	}
	run(t, l, RunDefault)
	if accepted != clients || connected != clients {
		t.Errorf("accepted %d, connect callbacks %d; want %d", accepted, connected, clients)
	}
}

// libuv: pipe_connect_on_prepare
func TestPipeConnectOnPrepare(t *testing.T) {
	l := newTestLoop(t)
	p := pipeNew(t, l, false)
	prep, err := NewPrepare(l)
	must(t, err)
	var c pipeConnects
	must(t, prep.Start(func() { c.connect(t, p, pipeBadName, ENOENT, nil, prep) }))
	c.run(t, l, 2)
}

// libuv: pipe_getsockname
func TestPipeGetsockname(t *testing.T) {
	l := newTestLoop(t)
	name := pipeName(t)
	server := pipeNew(t, l, false)
	_, err := server.SockName()
	pipeIs(t, "SockName before Bind", err, EBADF)
	_, err = server.PeerName()
	pipeIs(t, "PeerName before Bind", err, EBADF)
	must(t, server.Bind(name))
	got, err := server.SockName()
	must(t, err)
	if got != name {
		t.Errorf("SockName = %q, want %q", got, name)
	}
	_, err = server.PeerName()
	pipeIs(t, "PeerName of the bound pipe", err, ENOTCONN)
	must(t, server.Listen(0, func(err error) { hndCheck(t, err) }))

	client := pipeNew(t, l, false)
	_, err = client.SockName()
	pipeIs(t, "client SockName before Connect", err, EBADF)
	_, err = client.PeerName()
	pipeIs(t, "client PeerName before Connect", err, EBADF)
	check := func(when string) {
		s, err := client.SockName()
		hndCheck(t, err)
		if s != "" {
			t.Errorf("%s: client SockName = %q, want \"\"", when, s)
		}
		p, err := client.PeerName()
		hndCheck(t, err)
		if p != name {
			t.Errorf("%s: client PeerName = %q, want %q", when, p, name)
		}
	}
	var c pipeConnects
	c.connect(t, client, name, nil, func() { check("in the connect callback") }, server)
	// The connection of a Unix socket completes at once: the names are known before the callback.
	check("after Connect")
	c.run(t, l, 2)
}

// libuv: pipe_getsockname_abstract
func TestPipeGetsocknameAbstract(t *testing.T) {
	l := newTestLoop(t)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	must(t, err)
	abstract := "\x00uv-test-pipe-" + strings.Repeat("x", 70) // longer than the first buffer
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: "@" + abstract[1:]}); err != nil {
		syscall.Close(fd)
		t.Fatal(err)
	}
	s := pipeNew(t, l, false)
	if err := s.Open(fd); err != nil {
		syscall.Close(fd)
		t.Fatal(err)
	}
	got, err := s.SockName()
	must(t, err)
	// The name of an abstract socket, its leading NUL byte included, and nothing after it.
	if got != abstract {
		t.Errorf("SockName = %q, want %q", got, abstract)
	}
	hndDoClose(t, l, s) // closes fd
}

// libuv: pipe_getsockname_blocking
// libuv's test uses an anonymous Windows pipe (its body is empty on Unix); here an anonymous
// Unix socket answers "" while a read is started and after it is stopped.
func TestPipeGetsocknameBlocking(t *testing.T) {
	l := newTestLoop(t)
	p, _ := pipeOnSocketpair(t, l, false)
	must(t, p.ReadStart(func([]byte, error) {}))
	n1, err := p.SockName()
	must(t, err)
	must(t, p.ReadStop())
	n2, err := p.SockName()
	must(t, err)
	if n1 != "" || n2 != "" {
		t.Errorf("SockName of an anonymous socket: %q, %q; want \"\"", n1, n2)
	}
	hndDoClose(t, l, p)
}

// libuv: pipe_pending_instances
func TestPipePendingInstances(t *testing.T) {
	l := newTestLoop(t)
	p := pipeNew(t, l, false)
	must(t, p.SetPendingInstances(8))
	must(t, p.Bind(pipeName(t)))
	must(t, p.SetPendingInstances(16))
	pipeIs(t, "negative", p.SetPendingInstances(-1), ErrNegative)
	must(t, p.Listen(128, pipeNoConnection(t)))
	must(t, p.Close(nil))
	tcpRunDone(t, l)
}

// libuv: pipe_sendmsg
func TestPipeSendmsg(t *testing.T) {
	const incoming = 4
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	fds := pipeSocketpair(t)
	defer syscall.Close(fds[0])
	var send []int
	for i := 0; i < incoming; i += 2 {
		pair := pipeSocketpair(t)
		send = append(send, pair[0], pair[1])
	}
	p := pipeNew(t, l, true)
	must(t, p.Open(fds[1]))
	var got []*Pipe
	closes := 0
	must(t, p.ReadStart(func(data []byte, err error) {
		hndCheck(t, err)
		for p.PendingCount() != 0 {
			if typ := p.PendingType(); typ != HandleNamedPipe {
				t.Errorf("pending type %v, want pipe", typ)
			}
			h, err := p.AcceptPending()
			hndCheck(t, err)
			if h != nil {
				got = append(got, h.(*Pipe))
			}
		}
		if len(got) < incoming {
			return
		}
		hndCheck(t, p.ReadStop())
		p.Close(func() { closes++ })
		for _, h := range got {
			h.Close(func() { closes++ })
		}
	}))
	if err := syscall.Sendmsg(fds[0], []byte("X"), syscall.UnixRights(send...), nil, 0); err != nil {
		t.Fatal(err)
	}
	for _, fd := range send {
		syscall.Close(fd) // the receiver holds its own copies
	}
	run(t, l, RunDefault)
	if len(got) != incoming || closes != incoming+1 {
		t.Fatalf("received %d handles, close callbacks %d; want %d and %d", len(got), closes, incoming, incoming+1)
	}
}

// libuv: pipe_server_close
func TestPipeServerClose(t *testing.T) {
	l := newTestLoop(t)
	name := pipeName(t)
	server := pipeNew(t, l, false)
	must(t, server.Bind(name))
	must(t, server.Listen(0, func(err error) { hndCheck(t, err) }))
	var c pipeConnects
	c.connect(t, pipeNew(t, l, false), name, nil, nil, server)
	c.run(t, l, 2)
}

// libuv: pipe_set_chmod
func TestPipeSetChmod(t *testing.T) {
	l := newTestLoop(t)
	name := pipeName(t)
	p := pipeNew(t, l, false)
	pipeIs(t, "Chmod before Bind", p.Chmod(PipeReadable), EBADF)
	must(t, p.Bind(name))
	mode := func() os.FileMode {
		fi, err := os.Stat(name)
		must(t, err)
		return fi.Mode().Perm()
	}
	err := p.Chmod(PipeReadable)
	if errors.Is(err, EPERM) {
		t.Skip("insufficient privileges to change the socket's mode")
	}
	must(t, err)
	if m := mode(); m&0o444 != 0o444 {
		t.Errorf("after Chmod(PipeReadable): mode %v, want readable by all", m)
	}
	must(t, p.Chmod(PipeWritable))
	if m := mode(); m&0o222 != 0o222 {
		t.Errorf("after Chmod(PipeWritable): mode %v, want writable by all", m)
	}
	must(t, p.Chmod(PipeReadable|PipeWritable))
	if m := mode(); m&0o666 != 0o666 {
		t.Errorf("after Chmod(PipeReadable|PipeWritable): mode %v, want 0666", m)
	}
	pipeIs(t, "Chmod(12345678)", p.Chmod(12345678), EINVAL)
	must(t, p.Close(nil))
	pipeIs(t, "Chmod after Close", p.Chmod(PipeReadable|PipeWritable), ErrClosed)
	run(t, l, RunDefault)
}

// libuv: pipe_set_non_blocking
func TestPipeSetNonBlocking(t *testing.T) {
	// As libuv's: a pipe from uv_pipe, its write end opened and made blocking; 10 MiB written
	// with TryWrite while another thread reads (after a pause) until EOF.
	l := newTestLoop(t)
	fds, err := Pipe2(0, 0)
	must(t, err)
	p := pipeNew(t, l, false)
	if err := p.Open(fds[1]); err != nil {
		syscall.Close(fds[0])
		syscall.Close(fds[1])
		t.Fatal(err)
	}
	must(t, p.SetBlocking(true))
	type result struct {
		total int
		last  error
	}
	read := make(chan result, 1)
	go func() {
		defer syscall.Close(fds[0])
		buf := make([]byte, 4096)
		total := 0
		time.Sleep(50 * time.Millisecond) // make the writer block a little
		for {
			n, err := syscall.Read(fds[0], buf)
			if err == syscall.EINTR {
				continue
			}
			if n <= 0 {
				read <- result{total, err} // libuv asserts the last read is 0 (EOF)
				return
			}
			total += n
		}
	}()
	data := []byte(strings.Repeat(".", 4096))
	written := 0
	for written < 10<<20 {
		// A blocking stream: every TryWrite writes all of it.
		n, err := p.TryWrite([][]byte{data})
		must(t, err)
		if n != len(data) {
			t.Fatalf("TryWrite = %d, want %d", n, len(data))
		}
		written += n
	}
	must(t, p.Close(nil))
	tcpRunDone(t, l)
	if got := <-read; got.total != written || got.last != nil {
		t.Fatalf("read %d bytes, then %v; want %d, then EOF", got.total, got.last, written)
	}
}

func init() {
	testHelpers["pipe_close_stdout_read_stdin"] = func() {
		// stdin is a pipe whose write end the parent closes: wait for that, then read it.
		var b [1]byte
		syscall.Read(0, b[:])
		l, err := NewLoop()
		if err != nil {
			os.Exit(3)
		}
		p, err := NewPipe(l, false)
		if err != nil {
			os.Exit(4)
		}
		if err := p.Open(0); err != nil {
			os.Exit(5)
		}
		if err := p.ReadStart(func(data []byte, err error) {
			if err != nil {
				p.Close(nil)
			}
		}); err != nil {
			os.Exit(6)
		}
		// The other end is closed: one run without waiting must leave nothing to do.
		if alive, err := l.Run(RunNoWait); alive || err != nil {
			os.Exit(7)
		}
	}
}

// libuv: pipe_close_stdout_read_stdin
// libuv forks; Go cannot fork without exec, so the child is the test binary re-executed.
func TestPipeCloseStdoutReadStdin(t *testing.T) {
	r, w, err := os.Pipe()
	must(t, err)
	cmd := helperCmd(t, "pipe_close_stdout_read_stdin", ipcQuickExit)
	cmd.Stdin = r
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		t.Fatal(err)
	}
	w.Close()
	r.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	checkTokens(t)
}

func TestPipe2(t *testing.T) {
	l := newTestLoop(t)
	fds, err := Pipe2(NonblockPipe, 0)
	must(t, err)
	for i, fd := range fds {
		fl, err := fcntlGetfl(fd)
		must(t, err)
		if nb := fl&syscall.O_NONBLOCK != 0; nb != (i == 0) {
			t.Errorf("fd %d: O_NONBLOCK %v", i, nb)
		}
		fdfl, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
		if e != 0 || fdfl&syscall.FD_CLOEXEC == 0 {
			t.Errorf("fd %d: not close-on-exec", i)
		}
	}
	r := pipeNew(t, l, false)
	must(t, r.Open(fds[0]))
	if !r.IsReadable() {
		t.Error("the read end is not readable")
	}
	var got []byte
	must(t, r.ReadStart(func(data []byte, err error) {
		got = append(got, data...)
		if err != nil {
			pipeIs(t, "read", err, EOF)
			r.Close(nil)
		}
	}))
	if _, err := syscall.Write(fds[1], []byte("hello")); err != nil {
		t.Fatal(err)
	}
	syscall.Close(fds[1])
	run(t, l, RunDefault)
	if string(got) != "hello" {
		t.Fatalf("read %q, want hello", got)
	}
}

func fcntlGetfl(fd int) (int, error) {
	fl, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if e != 0 {
		return 0, e
	}
	return int(fl), nil
}

func TestPipeOpenErrors(t *testing.T) {
	l := newTestLoop(t)
	p, _ := pipeOnSocketpair(t, l, false)
	must(t, p.ReadStart(func([]byte, error) {}))
	fd, err := p.Fileno()
	must(t, err)
	q := pipeNew(t, l, false)
	// The descriptor is watched by the loop now: libuv refuses a second handle on it.
	pipeIs(t, "Open of a watched fd", q.Open(fd), EEXIST)
	pipeIs(t, "Open(-1)", q.Open(-1), EBADF)
	must(t, p.Close(nil))
	hndDoClose(t, l, q)
}

func TestPipeClosed(t *testing.T) {
	l := newTestLoop(t)
	p := pipeNew(t, l, true)
	q := pipeNew(t, l, false)
	must(t, p.Close(nil))
	for what, err := range map[string]error{
		"Open":                p.Open(0),
		"Bind":                p.Bind(pipeName(t)),
		"Chmod":               p.Chmod(PipeReadable),
		"SetPendingInstances": p.SetPendingInstances(1),
		"second Close":        p.Close(nil),
	} {
		pipeIs(t, what, err, ErrClosed)
	}
	_, err := p.Connect(pipeName(t), nil)
	pipeIs(t, "Connect", err, ErrClosed)
	_, err = p.SockName()
	pipeIs(t, "SockName", err, ErrClosed)
	_, err = p.PeerName()
	pipeIs(t, "PeerName", err, ErrClosed)
	_, err = p.AcceptPending()
	pipeIs(t, "AcceptPending", err, ErrClosed)
	if n, typ := p.PendingCount(), p.PendingType(); n != 0 || typ != HandleUnknown {
		t.Errorf("PendingCount, PendingType = %d, %v; want 0, unknown", n, typ)
	}
	// Write2 of a closed handle, and Write2 on a closed pipe.
	_, err = q.Write2([][]byte{[]byte("x")}, p, nil)
	pipeIs(t, "Write2 of a closed handle", err, ErrClosed)
	_, err = p.Write2([][]byte{[]byte("x")}, q, nil)
	pipeIs(t, "Write2 on a closed pipe", err, ErrClosed)
	run(t, l, RunDefault)
	pipeIs(t, "Bind after the close callback", p.Bind(pipeName(t)), ErrClosed)
	hndDoClose(t, l, q)
}

// Write2 on a pipe that is not an IPC channel is libuv's EINVAL, as are a nil handle and no
// buffer.
func TestPipeWrite2Errors(t *testing.T) {
	l := newTestLoop(t)
	plain, _ := pipeOnSocketpair(t, l, false)
	other := pipeNew(t, l, false)
	must(t, other.Bind(pipeName(t)))
	_, err := plain.Write2([][]byte{[]byte("x")}, other, func(error) { t.Error("write callback ran") })
	pipeIs(t, "Write2 on a non-IPC pipe", err, EINVAL)
	_, err = plain.Write2([][]byte{[]byte("x")}, nil, nil)
	pipeIs(t, "Write2 of nil", err, EINVAL)
	_, err = plain.Write2(nil, other, nil)
	pipeIs(t, "Write2 without a buffer", err, EINVAL)
	hndDoClose(t, l, plain)
	hndDoClose(t, l, other)
}

// pipeEchoServer runs an echo server on name, on its own loop in another goroutine (libuv's
// pipe_echo_server helper); the returned function stops it and waits for its loop to close.
func pipeEchoServer(t *testing.T, name string) (stop func()) {
	t.Helper()
	l := newTestLoop(t)
	server := pipeNew(t, l, false)
	must(t, server.Bind(name))
	var conns []*Pipe
	must(t, server.Listen(128, func(err error) {
		hndCheck(t, err)
		c := pipeNew(t, l, false)
		hndCheck(t, server.Accept(c))
		conns = append(conns, c)
		hndCheck(t, c.ReadStart(func(data []byte, err error) {
			if err != nil {
				c.Close(nil)
				return
			}
			if len(data) > 0 {
				_, err := c.Write([][]byte{append([]byte(nil), data...)}, nil)
				hndCheck(t, err)
			}
		}))
	}))
	quit, err := NewAsync(l, func() {
		l.Walk(func(h Handle) {
			if !h.IsClosing() {
				h.Close(nil)
			}
		})
	})
	must(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := l.Run(RunDefault); err != nil {
			t.Errorf("echo server: %v", err)
		}
	}()
	return func() {
		must(t, quit.Send())
		<-done
	}
}

// libuv: pipe_ref
func TestPipeRef(t *testing.T) {
	l := newTestLoop(t)
	h := pipeNew(t, l, false)
	must(t, h.Unref())
	run(t, l, RunDefault)
	hndDoClose(t, l, h)
}

// libuv: pipe_ref2
func TestPipeRef2(t *testing.T) {
	l := newTestLoop(t)
	h := pipeNew(t, l, false)
	h.Listen(128, pipeNoConnection(t)) // EINVAL (not bound), as in libuv's test
	must(t, h.Unref())
	run(t, l, RunDefault)
	hndDoClose(t, l, h)
}

// pipeRefConnect mirrors pipe_ref3 and pipe_ref4: an unreferenced pipe connects to the echo
// server, optionally writes, then shuts down; the requests keep the loop alive.
func pipeRefConnect(t *testing.T, write bool) {
	name := pipeName(t)
	stop := pipeEchoServer(t, name)
	defer stop()
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	h := pipeNew(t, l, false)
	connects, writes, shutdowns := 0, 0, 0
	shutdown := func() {
		_, err := h.Shutdown(func(err error) {
			hndCheck(t, err)
			shutdowns++
		})
		hndCheck(t, err)
	}
	_, err := h.Connect(name, func(err error) {
		connects++
		hndCheck(t, err)
		if !write {
			shutdown()
			return
		}
		_, err = h.Write([][]byte{make([]byte, 32767)}, func(err error) {
			hndCheck(t, err)
			writes++
			shutdown()
		})
		hndCheck(t, err)
	})
	must(t, err)
	must(t, h.Unref())
	run(t, l, RunDefault)
	want := 0
	if write {
		want = 1
	}
	if connects != 1 || writes != want || shutdowns != 1 {
		t.Errorf("connect %d, write %d, shutdown %d callbacks; want 1, %d, 1", connects, writes, shutdowns, want)
	}
	hndDoClose(t, l, h)
}

// libuv: pipe_ref3
func TestPipeRef3(t *testing.T) { pipeRefConnect(t, false) }

// libuv: pipe_ref4
func TestPipeRef4(t *testing.T) { pipeRefConnect(t, true) }

// pipePingPong is libuv's pipe_ping_pong: 1000 "PING\n"s to the echo server over a Unix
// socket, one at a time (five one-byte buffers when vec is set), then the same through an
// anonymous pipe (pipe2_pinger_new) whose read end gets the pings back. Each run completes
// one pinger.
func pipePingPong(t *testing.T, vec bool) {
	name := pipeName(t)
	stop := pipeEchoServer(t, name)
	defer stop()
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	completed, connects := 0, 0
	done := func(pongs int) {
		if pongs != strNumPings {
			t.Errorf("%d pongs, want %d", pongs, strNumPings)
		}
		completed++
	}
	p := pipeNew(t, l, false)
	_, err := p.Connect(name, func(err error) {
		hndCheck(t, err)
		connects++
		if !p.IsReadable() || !p.IsWritable() || p.IsClosing() {
			t.Errorf("connected: readable %v, writable %v, closing %v; want true, true, false",
				p.IsReadable(), p.IsWritable(), p.IsClosing())
		}
		strPinger(t, p, vec, string(strPing), strNumPings, done)
	})
	must(t, err)
	if connects != 0 {
		t.Errorf("connect callback ran inside Connect")
	}
	run(t, l, RunDefault)
	if completed != 1 {
		t.Fatalf("%d pingers completed, want 1", completed)
	}

	fds, err := Pipe2(NonblockPipe, NonblockPipe)
	must(t, err)
	for i, fd := range fds {
		if typ := GuessHandle(fd); typ != HandleNamedPipe {
			t.Errorf("GuessHandle(pipe end %d) = %v, want a named pipe", i, typ)
		}
	}
	r := pipeNew(t, l, false)
	must(t, r.Open(fds[0]))
	w := pipeNew(t, l, false)
	must(t, w.Open(fds[1]))
	completed = 0
	strPinger2(t, w, r, vec, string(strPing), strNumPings, done)
	run(t, l, RunDefault)
	if completed != 1 {
		t.Errorf("pipe: %d pingers completed, want 1", completed)
	}
}

// libuv: pipe_ping_pong
func TestPipePingPong(t *testing.T) { pipePingPong(t, false) }

// libuv: pipe_ping_pong_vec
func TestPipePingPongVec(t *testing.T) { pipePingPong(t, true) }

// libuv: shutdown_close_pipe
func TestShutdownClosePipe(t *testing.T) {
	name := pipeName(t)
	stop := pipeEchoServer(t, name)
	defer stop()
	l := newTestLoop(t)
	hndGuard(t, l, 5*time.Second)
	p := pipeNew(t, l, false)
	connects, shutdowns, closes := 0, 0, 0
	_, err := p.Connect(name, func(err error) {
		connects++
		hndCheck(t, err)
		_, err = p.Shutdown(func(err error) {
			shutdowns++
			pipeIs(t, "shutdown callback", err, ECANCELED)
		})
		hndCheck(t, err)
		if p.IsClosing() {
			t.Errorf("IsClosing before Close")
		}
		hndCheck(t, p.Close(func() { closes++ }))
		if !p.IsClosing() {
			t.Errorf("not IsClosing after Close")
		}
	})
	must(t, err)
	tcpRunDone(t, l)
	if connects != 1 || shutdowns != 1 || closes != 1 {
		t.Errorf("connect %d, shutdown %d, close %d callbacks; want 1 each", connects, shutdowns, closes)
	}
}

// TestPipeWrongThread: the pipe's and the TTY's loop-bound calls from another goroutine while
// the loop runs are refused by the C side (ErrWrongThread; a panic with the uvdebug tag), and
// leak nothing.
func TestPipeWrongThread(t *testing.T) {
	l := newTestLoop(t)
	fds := pipeSocketpair(t)
	p, ipc := pipeNew(t, l, false), pipeNew(t, l, true)
	must(t, ipc.Open(fds[0]))
	master, _ := ttyOpenPTY(t)
	tty := ttyNew(t, l, master, true)
	name := pipeName(t)
	calls := map[string]func() error{
		"NewPipe":             func() error { _, err := NewPipe(l, false); return err },
		"Open":                func() error { return p.Open(fds[1]) },
		"Bind":                func() error { return p.Bind(name) },
		"Connect":             func() error { _, err := p.Connect(name, nil); return err },
		"SetPendingInstances": func() error { return p.SetPendingInstances(4) },
		"Chmod":               func() error { return p.Chmod(PipeReadable) },
		"Write2":              func() error { _, err := ipc.Write2([][]byte{[]byte("x")}, p, nil); return err },
		"NewTTY":              func() error { _, err := NewTTY(l, master, true); return err },
		"SetMode":             func() error { return tty.SetMode(TTYModeRaw) },
	}
	before := liveTokens.Load()
	var bad []string
	loopFromOtherGoroutine(t, l, func() {
		for name, f := range calls {
			var err error
			if v := loopRecover(func() { err = f() }); v == nil && !errors.Is(err, ErrWrongThread) {
				bad = append(bad, name+": "+errString(err))
			}
		}
	})
	if len(bad) > 0 {
		t.Errorf("calls from another goroutine not refused: %v", bad)
	}
	if n := liveTokens.Load(); n != before {
		t.Errorf("refused calls left %d tokens", n-before)
	}
	if _, err := os.Stat(name); err == nil {
		t.Error("the refused Bind created the socket")
	}
	must(t, p.Close(nil))
	must(t, ipc.Close(nil))
	must(t, tty.Close(nil))
	run(t, l, RunDefault)
	syscall.Close(fds[1])
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// AcceptPending with nothing pending is EAGAIN, as uv_accept answers; nothing is left open.
func TestPipeAcceptPendingNothing(t *testing.T) {
	l := newTestLoop(t)
	p, _ := pipeOnSocketpair(t, l, true)
	h, err := p.AcceptPending()
	pipeIs(t, "AcceptPending", err, EAGAIN)
	if h != nil {
		t.Errorf("AcceptPending returned a handle: %v", h.Type())
	}
	c := pipeNew(t, l, false)
	pipeIs(t, "Accept", p.Accept(c), EAGAIN)
	hndDoClose(t, l, c)
	hndDoClose(t, l, p)
}

// Write2 of a handle that has no descriptor to send (a pipe not yet bound, a timer) is libuv's
// EBADF, found at once; no callback runs.
func TestPipeWrite2NoDescriptor(t *testing.T) {
	l := newTestLoop(t)
	ipc, _ := pipeOnSocketpair(t, l, true)
	unbound := pipeNew(t, l, false)
	timer, err := NewTimer(l)
	must(t, err)
	for _, h := range []Handle{unbound, timer} {
		_, err := ipc.Write2([][]byte{[]byte("x")}, h, func(error) { t.Error("write callback ran") })
		pipeIs(t, "Write2 of a "+h.TypeName(), err, EBADF)
	}
	for _, h := range []Handle{ipc, unbound, timer} {
		must(t, h.Close(nil))
	}
	run(t, l, RunDefault)
}

// libuv: iouring_pollhup
//
// A pipe whose write end closes (POLLHUP) while a dup of its read end stays open: once its
// handle is closed, libuv must not report that hang-up to a handle opened later (libuv 1.45's
// io_uring epoll changes did, as a read of 0 bytes).
func TestIOUringPollhup(t *testing.T) {
	l := newTestLoop(t)
	var fds, newFds [2]int
	must(t, syscall.Pipe2(fds[:], syscall.O_CLOEXEC))
	must(t, syscall.Pipe2(newFds[:], syscall.O_CLOEXEC))
	p1, p2 := pipeNew(t, l, false), pipeNew(t, l, false)
	idle, err := NewIdle(l)
	must(t, err)
	must(t, p1.Open(fds[0]))
	duped, err := syscall.Dup(fds[0])
	must(t, err)
	iters, eofs := 0, 0
	idleCb := func() {
		if iters++; iters == 1 {
			hndCheck(t, p2.Open(newFds[0]))
			hndCheck(t, p2.ReadStart(func(data []byte, err error) {
				if err == nil {
					if len(data) == 0 {
						t.Errorf("a read of 0 bytes on the second pipe: the first one's hang-up")
					}
					return
				}
				pipeIs(t, "second pipe's read", err, io.EOF)
				eofs++
				hndCheck(t, syscall.Close(duped))
				hndCheck(t, p2.Close(nil))
				hndCheck(t, idle.Close(nil))
			}))
			return
		}
		hndCheck(t, idle.Stop())
		hndCheck(t, syscall.Close(newFds[1]))
	}
	must(t, p1.ReadStart(func(data []byte, err error) {
		pipeIs(t, "first pipe's read", err, io.EOF)
		eofs++
		hndCheck(t, p1.Close(nil))
		hndCheck(t, idle.Start(idleCb))
	}))
	must(t, syscall.Close(fds[1])) // the hang-up
	tcpRunDone(t, l)
	if eofs != 2 || iters != 2 {
		t.Errorf("%d EOFs, %d idle callbacks; want 2, 2", eofs, iters)
	}
}

// libuv: pipe_overlong_path
func TestPipeOverlongPath(t *testing.T) {
	l := newTestLoop(t)
	p, err := NewPipe(l, false)
	must(t, err)
	path := strings.Repeat("@", 512)
	err = p.Bind2(path, PipeNoTruncate)
	if !hasAPI(46) {
		p.Close(nil)
		run(t, l, RunDefault)
		skipBefore(t, 46, err)
	}
	if !errors.Is(err, EINVAL) {
		t.Errorf("Bind2 of 512 bytes with PipeNoTruncate: %v, want EINVAL", err)
	}
	_, err = p.Connect2(path, PipeNoTruncate, func(err error) { t.Errorf("Connect2's callback ran: %v", err) })
	if !errors.Is(err, EINVAL) {
		t.Errorf("Connect2 of 512 bytes with PipeNoTruncate: %v, want EINVAL", err)
	}
	tcpRunDone(t, l)
	connected, closed := 0, 0
	_, err = p.Connect("", func(err error) {
		connected++
		if !errors.Is(err, EINVAL) {
			t.Errorf("Connect(\"\"): %v, want EINVAL", err)
		}
		p.Close(func() { closed++ })
	})
	must(t, err)
	tcpRunDone(t, l)
	if connected != 1 || closed != 1 {
		t.Errorf("connect callbacks %d, close callbacks %d; want 1 and 1", connected, closed)
	}
}

// libuv: pipe_getsockname_autobind
func TestPipeGetsocknameAutobind(t *testing.T) {
	l := newTestLoop(t)
	server, err := NewPipe(l, false)
	must(t, err)
	err = server.Bind2("", 0) // Linux: the kernel picks an abstract name
	if !hasAPI(46) {
		server.Close(nil)
		run(t, l, RunDefault)
		skipBefore(t, 46, err)
	}
	must(t, err)
	isAutobind := func(what, name string) {
		t.Helper()
		ok := len(name) == 6 && name[0] == 0
		for _, c := range name[min(1, len(name)):] {
			ok = ok && (c >= '0' && c <= '9' || c >= 'a' && c <= 'f')
		}
		if !ok {
			t.Errorf("%s = %q, want a NUL and 5 hex digits", what, name)
		}
	}
	name, err := server.SockName()
	must(t, err)
	isAutobind("SockName", name)
	must(t, server.Listen(0, func(err error) { check(t, "connection", err) })) // may run or not
	client, err := NewPipe(l, false)
	must(t, err)
	connected, closed := 0, 0
	_, err = client.Connect2(name, 0, func(err error) {
		check(t, "Connect2", err)
		// libuv's ENOBUFS for a 5-byte buffer has no Go form: PeerName sizes its buffer.
		peer, err := client.PeerName()
		check(t, "PeerName", err)
		isAutobind("PeerName", peer)
		connected++
		client.Close(func() { closed++ })
		server.Close(func() { closed++ })
	})
	must(t, err)
	tcpRunDone(t, l)
	if connected != 1 || closed != 2 {
		t.Errorf("connect callbacks %d, close callbacks %d; want 1 and 2", connected, closed)
	}
}

// Bind2 on an abstract name that holds a NUL after its first byte: the name is bytes, not a C
// string.
func TestPipeBind2Abstract(t *testing.T) {
	l := newTestLoop(t)
	server, err := NewPipe(l, false)
	must(t, err)
	name := "\x00uv-test-abstract\x00inner"
	err = server.Bind2(name, 0)
	if !hasAPI(46) {
		server.Close(nil)
		run(t, l, RunDefault)
		skipBefore(t, 46, err)
	}
	if err != nil && Version() < 0x013400 {
		server.Close(nil)
		run(t, l, RunDefault)
		t.Skipf("libuv %s answers %v for an abstract name that holds a NUL; checked from 1.52", VersionString(), err)
	}
	must(t, err)
	got, err := server.SockName()
	if err != nil || got != name {
		t.Errorf("SockName = %q, %v; want %q", got, err, name)
	}
	if err := server.Bind2(name, PipeFlags(2)); !errors.Is(err, EINVAL) {
		t.Errorf("Bind2 with an unknown flag: %v, want EINVAL", err)
	}
	server.Close(nil)
	run(t, l, RunDefault)
}
