package uv

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"
)

// TestMisuseNarrowing: every Go integer that narrows to a C type, given 1<<32+x or -1<<32+x
// (both wrap to x in C), answers EINVAL (ErrNegative for an unsigned C type) and never acts on
// x. Before the range check, Kill(self, 1<<32|SIGUSR1) delivered SIGUSR1, FSWrite(1<<32+fd)
// wrote into fd and FSClose(1<<32+fd) closed it.
func TestMisuseNarrowing(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "f"))
	must(t, err)
	defer f.Close()
	fd := int(f.Fd())
	path := f.Name()
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)
	tm, err := NewTimer(l)
	must(t, err)
	tcp, err := NewTCP(l)
	must(t, err)
	must(t, tcp.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0))
	udp, err := NewUDP(l)
	must(t, err)
	must(t, udp.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0))
	pipe, err := NewPipe(l, false)
	must(t, err)
	sig, err := NewSignal(l)
	must(t, err)
	req := func(_ *FSReq, err error) error { return err }
	cases := []struct {
		name string
		base int // what the wrapped value would be in C
		call func(x int) error
	}{
		{"Kill signum", int(syscall.SIGUSR1), func(x int) error { return Kill(os.Getpid(), syscall.Signal(x)) }},
		{"Kill pid", os.Getpid(), func(x int) error { return Kill(x, 0) }},
		{"Signal.Start", int(syscall.SIGUSR1), func(x int) error { return sig.Start(syscall.Signal(x), func(syscall.Signal) {}) }},
		{"FSWrite fd", fd, func(x int) error { return req(FSWrite(l, x, [][]byte{[]byte("x")}, -1, nil)) }},
		{"FSRead fd", fd, func(x int) error { return req(FSRead(l, x, [][]byte{make([]byte, 1)}, 0, nil)) }},
		{"FSClose fd", fd, func(x int) error { return req(FSClose(l, x, nil)) }},
		{"FSFstat fd", fd, func(x int) error { return req(FSFstat(l, x, nil)) }},
		{"FSFsync fd", fd, func(x int) error { return req(FSFsync(l, x, nil)) }},
		{"FSFtruncate fd", fd, func(x int) error { return req(FSFtruncate(l, x, 0, nil)) }},
		{"FSFchmod fd", fd, func(x int) error { return req(FSFchmod(l, x, 0o600, nil)) }},
		{"FSSendfile out", fd, func(x int) error { return req(FSSendfile(l, x, fd, 0, 1, nil)) }},
		{"FSChown uid", 0, func(x int) error { return req(FSChown(l, path, x, -1, nil)) }},
		{"FSChown gid", 0, func(x int) error { return req(FSChown(l, path, -1, x, nil)) }},
		{"FSFchown uid", 0, func(x int) error { return req(FSFchown(l, fd, x, -1, nil)) }},
		{"FSLchown gid", 0, func(x int) error { return req(FSLchown(l, path, -1, x, nil)) }},
		{"FSOpen flags", int(O_RDONLY), func(x int) error { return req(FSOpen(l, path, OpenFlag(x), 0, nil)) }},
		{"FSAccess mode", 0, func(x int) error { return req(FSAccess(l, path, AccessMode(x), nil)) }},
		{"SetSendBufferSize", 8192, func(x int) error { return tcp.SetSendBufferSize(x) }},
		{"SetRecvBufferSize", 8192, func(x int) error { return udp.SetRecvBufferSize(x) }},
		{"NewPoll fd", fd, func(x int) error { p, err := NewPoll(l, x); closeIf(p); return err }},
		{"NewTTY fd", 0, func(x int) error { h, err := NewTTY(l, x, true); closeIf(h); return err }},
		{"Pipe.Open fd", fd, func(x int) error { return pipe.Open(x) }},
		{"TCP.Open fd", fd, func(x int) error { return tcp.Open(x) }},
		{"UDP.Open fd", fd, func(x int) error { return udp.Open(x) }},
		{"Listen backlog", 1, func(x int) error { return tcp.Listen(x, func(error) {}) }},
		{"UDP.SetTTL", 1, func(x int) error { return udp.SetTTL(x) }},
		{"SetPendingInstances", 1, func(x int) error { return pipe.SetPendingInstances(x) }},
		{"Pipe2 flags", 0, func(x int) error { _, err := Pipe2(x, 0); return err }},
		{"Socketpair type", int(syscall.SOCK_STREAM), func(x int) error { _, err := Socketpair(SockType(x), 0, 0, 0); return err }},
		{"NewTCPEx family", int(AF_INET), func(x int) error { h, err := NewTCPEx(l, AddrFamily(x)); closeIf(h); return err }},
		{"InetPton af", int(AF_INET), func(x int) error { _, err := InetPton(AddrFamily(x), "127.0.0.1"); return err }},
		{"Setpriority pid", 0, func(x int) error { return Setpriority(x, 0) }},
		{"Configure arg", int(syscall.SIGPROF), func(x int) error { return l.Configure(LoopBlockSignal, x) }},
		{"Spawn stdio FD", 1, func(x int) error {
			p, err := Spawn(l, &ProcessOptions{File: "true", Args: []string{"true"}, Stdio: []StdioContainer{InheritFD(x)}}, nil)
			closeIf(p)
			return err
		}},
	}
	for _, c := range cases {
		for _, x := range []int{1<<32 + c.base, -1<<32 + c.base} {
			if err := c.call(x); !errors.Is(err, EINVAL) && !errors.Is(err, ErrNegative) {
				t.Errorf("%s(%#x) = %v, want EINVAL or ErrNegative (C would see %d)", c.name, x, err, c.base)
			}
		}
	}
	run(t, l, RunDefault)
	select {
	case <-usr1:
		t.Errorf("SIGUSR1 was delivered")
	default:
	}
	if st, err := f.Stat(); err != nil || st.Size() != 0 {
		t.Errorf("the file after the calls: %v, %v; want open and empty", st, err)
	}
	loopCloseAll(t, l, tm, tcp, udp, pipe, sig)
}

// closeIf closes h when a call that should have failed made it.
func closeIf(h Handle) {
	if h != nil && !reflect.ValueOf(h).IsNil() {
		h.Close(nil)
	}
}

// TestProcessCloseNoZombie: 50 Processes closed before their children exit; the children, killed
// afterwards, are all reaped (libuv 1.44 takes a closed handle off the list its SIGCHLD handler
// reaps: they stayed zombies until the test process ended).
func TestProcessCloseNoZombie(t *testing.T) {
	l := newTestLoop(t)
	var pids []int
	exits := 0
	for i := 0; i < 50; i++ {
		p, err := Spawn(l, &ProcessOptions{File: "sleep", Args: []string{"sleep", "1000"}},
			func(*Process, int64, syscall.Signal) { exits++ })
		must(t, err)
		pids = append(pids, p.PID())
		must(t, p.Close(nil))
	}
	run(t, l, RunDefault)
	for _, pid := range pids {
		must(t, syscall.Kill(pid, syscall.SIGKILL))
	}
	// Reaping is asynchronous (the binding's SIGCHLD watcher): wait, boundedly, until none of
	// the children is left as a zombie.
	var zombies []int
	for try := 0; try < 1000; try++ {
		zombies = zombies[:0]
		for _, pid := range pids {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && procState(b) == 'Z' {
				zombies = append(zombies, pid)
			}
		}
		if len(zombies) == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(zombies) > 0 {
		t.Errorf("%d of %d children of closed Processes left as zombies: %v", len(zombies), len(pids), zombies)
	}
	if exits != 0 {
		t.Errorf("exit callbacks of closed Processes ran %d times, want 0", exits)
	}
	checkLeaks(t, l)
}

// procState is the state letter of a /proc/<pid>/stat line ("pid (comm) S ...").
func procState(stat []byte) byte {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return 0
	}
	return stat[i+2]
}

// TestWriteFromReadBuffer: an echo written the obvious way, Write of the data a read callback
// received (without copying it) while the destination's write queue is backed up, sends what was
// read, not the bytes of a later read. The data points into the loop's read buffer, which the
// next read overwrites: the write path copies such buffers. The same holds for UDP sends and
// asynchronous fs writes, which keep their buffers past the call too.
func TestWriteFromReadBuffer(t *testing.T) {
	l := newTestLoop(t)
	pair := func() (a, b *Pipe) {
		fds, err := Socketpair(SockType(syscall.SOCK_STREAM), 0, 0, 0)
		must(t, err)
		a, err = NewPipe(l, false)
		must(t, err)
		must(t, a.Open(fds[0]))
		b, err = NewPipe(l, false)
		must(t, err)
		must(t, b.Open(fds[1]))
		return a, b
	}
	src, in := pair()  // src writes everything at once; in echoes what it reads into out
	out, dst := pair() // dst reads only after in saw EOF, so out's queue backs up
	const chunk, chunks = 16 << 10, 64
	var sent []byte
	for i := range chunks {
		b := bytes.Repeat([]byte{byte(i)}, chunk)
		sent = append(sent, b...)
		_, err := src.Write([][]byte{b}, nil)
		must(t, err)
	}
	_, err := src.Shutdown(nil)
	must(t, err)
	var got []byte
	var queued bool
	must(t, in.ReadStart(func(data []byte, err error) {
		if err != nil {
			loopNoErr(t, in.ReadStop())
			loopNoErr(t, dst.ReadStart(func(data []byte, err error) {
				if err != nil {
					t.Errorf("dst read: %v", err)
					loopNoErr(t, dst.ReadStop())
					return
				}
				if got = append(got, data...); len(got) == len(sent) {
					loopNoErr(t, dst.ReadStop())
				}
			}))
			return
		}
		_, err = out.Write([][]byte{data}, nil)
		loopNoErr(t, err)
		queued = queued || out.WriteQueueSize() > 0
	}))
	run(t, l, RunDefault)
	if !queued {
		t.Errorf("out's write queue never backed up: the scenario did not test anything")
	}
	if !bytes.Equal(got, sent) {
		at := 0
		for at < min(len(got), len(sent)) && got[at] == sent[at] {
			at++
		}
		t.Errorf("echoed %d bytes, sent %d; first difference at %d", len(got), len(sent), at)
	}
	loopCloseAll(t, l, src, in, out, dst)
}
