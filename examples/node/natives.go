package main

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/dop251/goja"
	"github.com/go-libuv/uv"
)

// natives is the object prelude.js builds the globals and modules on (__native).
func (rt *Runtime) natives() map[string]any {
	return map[string]any{
		"print":       rt.print,
		"utf8":        func(b goja.ArrayBuffer) string { return string(b.Bytes()) },
		"pid":         os.Getpid,
		"env":         envMap,
		"exit":        rt.exitNow,
		"kill":        rt.kill,
		"watchSignal": rt.watchSignal,
		"closeHandle": rt.closeHandle,
		"timer":       rt.newTimer,
		"clearTimer":  rt.clearTimer,
		"immediate":   rt.newImmediate,
		"listen":      rt.listen,
		"connect":     rt.connect,
		"readStart":   rt.readStart,
		"write":       rt.write,
		"shutdown":    rt.shutdown,
		"sockName":    func(h *uv.TCP) map[string]any { return addrObject(h.SockName()) },
		"peerName":    func(h *uv.TCP) map[string]any { return addrObject(h.PeerName()) },
		"readFile":    rt.readFile,
		"writeFile":   rt.writeFile,
		"stat":        rt.stat,
		"unlink":      rt.unlink,
		"spawn":       rt.spawn,
		"lookup":      rt.lookup,
	}
}

func (rt *Runtime) print(fd int, s string) {
	if fd == 2 {
		fmt.Fprint(rt.stderr, s)
		return
	}
	fmt.Fprint(rt.stdout, s)
}

func envMap() map[string]string {
	m := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// exitNow is process.exit: it unwinds the script at once (and interrupts it, should a catch
// stop the unwinding), and Runtime.call turns that into the exit.
func (rt *Runtime) exitNow(code int) {
	rt.exitPending = &exitError{code}
	rt.vm.Interrupt(rt.exitPending)
	panic(rt.vm.NewGoError(rt.exitPending))
}

// throw raises a JavaScript Error from a native.
func (rt *Runtime) throw(err error) {
	panic(rt.vm.NewGoError(err))
}

// errObject is a libuv error as prelude.js's errnoError takes it; null for nil.
func (rt *Runtime) errObject(err error) goja.Value {
	if err == nil {
		return goja.Null()
	}
	var e uv.Errno
	if !errors.As(err, &e) {
		return rt.vm.ToValue(map[string]any{"code": "EIO", "errno": -5, "message": err.Error()})
	}
	code := e.Name()
	if e == uv.EAI_NONAME {
		code = "ENOTFOUND" // as Node names it
	}
	return rt.vm.ToValue(map[string]any{"code": code, "errno": int(e), "message": e.Error()})
}

// signals names the signals scripts may use, as Node does.
var signals = map[string]syscall.Signal{
	"SIGHUP": syscall.SIGHUP, "SIGINT": syscall.SIGINT, "SIGQUIT": syscall.SIGQUIT,
	"SIGKILL": syscall.SIGKILL, "SIGUSR1": syscall.SIGUSR1, "SIGUSR2": syscall.SIGUSR2,
	"SIGPIPE": syscall.SIGPIPE, "SIGALRM": syscall.SIGALRM, "SIGTERM": syscall.SIGTERM,
	"SIGCHLD": syscall.SIGCHLD, "SIGCONT": syscall.SIGCONT, "SIGSTOP": syscall.SIGSTOP,
	"SIGWINCH": syscall.SIGWINCH,
}

func signalName(sig syscall.Signal) string {
	for name, s := range signals {
		if s == sig {
			return name
		}
	}
	return fmt.Sprintf("SIG%d", int(sig))
}

func (rt *Runtime) signal(v goja.Value) syscall.Signal {
	if n, ok := v.Export().(int64); ok {
		return syscall.Signal(n)
	}
	sig, ok := signals[v.String()]
	if !ok {
		rt.throw(fmt.Errorf("unknown signal: %s", v.String()))
	}
	return sig
}

func (rt *Runtime) kill(pid int, sig goja.Value) {
	if err := uv.Kill(pid, rt.signal(sig)); err != nil {
		rt.throw(err)
	}
}

// watchSignal starts an unreferenced signal watcher (Node's do not keep the process alive).
func (rt *Runtime) watchSignal(name string, fn goja.Value) *uv.Signal {
	s, err := uv.NewSignal(rt.loop)
	if err != nil {
		rt.throw(err)
	}
	if err := s.Start(rt.signal(rt.vm.ToValue(name)), func(syscall.Signal) { rt.call(fn) }); err != nil {
		s.Close(nil)
		rt.throw(err)
	}
	s.Unref()
	return s
}

func (rt *Runtime) closeHandle(h uv.Handle, cb goja.Value) {
	if h == nil {
		return
	}
	h.Close(func() {
		if cb != nil && !goja.IsUndefined(cb) && !goja.IsNull(cb) {
			rt.call(cb)
		}
	})
}

// timers are setTimeout's and setInterval's libuv timers, by their Timeout objects.
type timers struct{ byObj map[*goja.Object]*uv.Timer }

// delay is Node's coercion of a timer's delay: 1 ms unless 1 <= ms <= 2^31-1.
func delay(ms goja.Value) time.Duration {
	f := ms.ToFloat()
	if !(f >= 1 && f <= math.MaxInt32) {
		f = 1
	}
	return time.Duration(f * float64(time.Millisecond))
}

func (rt *Runtime) newTimer(fn goja.Value, ms goja.Value, repeat bool, args []goja.Value) *goja.Object {
	if rt.timers.byObj == nil {
		rt.timers.byObj = map[*goja.Object]*uv.Timer{}
	}
	t, err := uv.NewTimer(rt.loop)
	if err != nil {
		rt.throw(err)
	}
	obj := rt.vm.NewObject()
	rt.timers.byObj[obj] = t
	d, every := delay(ms), time.Duration(0)
	if repeat {
		every = d
	}
	rt.loop.UpdateTime() // Node starts timers from a fresh loop time
	t.Start(d, every, func() {
		if !repeat {
			rt.clearTimer(obj)
		}
		rt.call(fn, args...)
	})
	obj.Set("ref", func() *goja.Object { t.Ref(); return obj })
	obj.Set("unref", func() *goja.Object { t.Unref(); return obj })
	obj.Set("hasRef", func() bool { return t.HasRef() })
	return obj
}

func (rt *Runtime) clearTimer(obj *goja.Object) {
	if t, ok := rt.timers.byObj[obj]; ok {
		delete(rt.timers.byObj, obj)
		t.Close(nil)
	}
}

// immediates are setImmediate's queue, run by a check handle after each poll phase; an idle
// handle keeps the poll from blocking, and the loop alive, while the queue is not empty.
type immediates struct {
	check *uv.Check
	idle  *uv.Idle
	queue []immediate
}

type immediate struct {
	obj  *goja.Object
	fn   goja.Value
	args []goja.Value
}

func (q *immediates) init(rt *Runtime) error {
	var err error
	if q.check, err = uv.NewCheck(rt.loop); err != nil {
		return err
	}
	if q.idle, err = uv.NewIdle(rt.loop); err != nil {
		return err
	}
	if err = q.check.Start(rt.runImmediates); err != nil {
		return err
	}
	return q.check.Unref()
}

func (rt *Runtime) newImmediate(fn goja.Value, args []goja.Value) *goja.Object {
	obj := rt.vm.NewObject()
	rt.immediates.queue = append(rt.immediates.queue, immediate{obj, fn, args})
	if len(rt.immediates.queue) == 1 {
		rt.immediates.idle.Start(func() {})
	}
	return obj
}

// runImmediates runs the immediates queued before this check phase; those they queue run in
// the next iteration, as in Node.
func (rt *Runtime) runImmediates() {
	batch := rt.immediates.queue
	rt.immediates.queue = nil
	for _, im := range batch {
		if c := im.obj.Get("cleared"); c == nil || !c.ToBoolean() {
			rt.call(im.fn, im.args...)
		}
	}
	if len(rt.immediates.queue) == 0 {
		rt.immediates.idle.Stop()
	}
}

func addrObject(ap netip.AddrPort, err error) map[string]any {
	if err != nil {
		return map[string]any{}
	}
	family := "IPv4"
	if ap.Addr().Is6() {
		family = "IPv6"
	}
	return map[string]any{"address": ap.Addr().String(), "family": family, "port": int(ap.Port())}
}

func (rt *Runtime) addr(host string, port int) netip.AddrPort {
	a, err := netip.ParseAddr(host)
	if err != nil {
		rt.throw(fmt.Errorf("uvnode: %q is not an IP address (resolve names with dns.lookup)", host))
	}
	return netip.AddrPortFrom(a, uint16(port))
}

// listen is net.Server.listen: a TCP handle bound, listening, accepting into new handles.
func (rt *Runtime) listen(host string, port int, onConn goja.Value) map[string]any {
	s, err := uv.NewTCP(rt.loop)
	if err != nil {
		rt.throw(err)
	}
	err = s.Bind(rt.addr(host, port), 0)
	if err == nil {
		err = s.Listen(511, func(err error) {
			if err != nil {
				rt.call(onConn, goja.Null(), rt.errObject(err))
				return
			}
			c, err := uv.NewTCP(rt.loop)
			if err == nil {
				if err = s.Accept(c); err != nil {
					c.Close(nil)
				}
			}
			if err != nil {
				rt.call(onConn, goja.Null(), rt.errObject(err))
				return
			}
			rt.call(onConn, rt.vm.ToValue(c), goja.Null())
		})
	}
	if err != nil {
		s.Close(nil)
		return map[string]any{"error": rt.errObject(err)}
	}
	return map[string]any{"handle": s}
}

func (rt *Runtime) connect(host string, port int, cb goja.Value) {
	c, err := uv.NewTCP(rt.loop)
	if err != nil {
		rt.throw(err)
	}
	if _, err = c.Connect(rt.addr(host, port), func(err error) {
		rt.call(cb, rt.vm.ToValue(c), rt.errObject(err))
	}); err != nil {
		rt.call(cb, rt.vm.ToValue(c), rt.errObject(err))
	}
}

// readStart delivers each read as an ArrayBuffer copy (libuv's buffer is reused), null at EOF.
func (rt *Runtime) readStart(s uv.Stream, cb goja.Value) {
	err := s.ReadStart(func(data []byte, err error) {
		switch {
		case errors.Is(err, uv.EOF):
			rt.call(cb, goja.Null(), goja.Null())
		case err != nil:
			rt.call(cb, rt.errObject(err), goja.Null())
		case len(data) > 0:
			rt.call(cb, goja.Null(), rt.vm.ToValue(rt.vm.NewArrayBuffer(append([]byte(nil), data...))))
		}
	})
	if err != nil {
		rt.throw(err)
	}
}

func (rt *Runtime) write(s uv.Stream, data string, cb goja.Value) {
	if _, err := s.Write([][]byte{[]byte(data)}, func(err error) { rt.call(cb, rt.errObject(err)) }); err != nil {
		rt.call(cb, rt.errObject(err))
	}
}

func (rt *Runtime) shutdown(s uv.Stream, cb goja.Value) {
	if _, err := s.Shutdown(func(err error) { rt.call(cb, rt.errObject(err)) }); err != nil {
		rt.call(cb, rt.errObject(err))
	}
}

// readFile is fs.readFile: open, read to the end, close, each on the loop.
func (rt *Runtime) readFile(path string, cb goja.Value) {
	fail := func(err error, syscall string) { rt.call(cb, rt.errObject(err), rt.vm.ToValue(syscall)) }
	_, err := uv.FSOpen(rt.loop, path, uv.O_RDONLY, 0, func(r *uv.FSReq) {
		if err := r.Err(); err != nil {
			fail(err, "open")
			return
		}
		fd := int(r.Result())
		var data []byte
		buf := make([]byte, 64*1024)
		var next func(r *uv.FSReq)
		read := func() {
			if _, err := uv.FSRead(rt.loop, fd, [][]byte{buf}, -1, next); err != nil {
				fail(err, "read")
			}
		}
		next = func(r *uv.FSReq) {
			if err := r.Err(); err != nil {
				uv.FSClose(rt.loop, fd, nil)
				fail(err, "read")
				return
			}
			if n := int(r.Result()); n > 0 {
				data = append(data, buf[:n]...)
				read()
				return
			}
			uv.FSClose(rt.loop, fd, func(r *uv.FSReq) {
				if err := r.Err(); err != nil {
					fail(err, "close")
					return
				}
				rt.call(cb, goja.Null(), rt.vm.ToValue("read"), rt.vm.ToValue(rt.vm.NewArrayBuffer(data)))
			})
		}
		read()
	})
	if err != nil {
		fail(err, "open")
	}
}

// writeFile is fs.writeFile: open (created or truncated), write it all, close.
func (rt *Runtime) writeFile(path, data string, cb goja.Value) {
	fail := func(err error, syscall string) { rt.call(cb, rt.errObject(err), rt.vm.ToValue(syscall)) }
	_, err := uv.FSOpen(rt.loop, path, uv.O_WRONLY|uv.O_CREAT|uv.O_TRUNC, 0o666, func(r *uv.FSReq) {
		if err := r.Err(); err != nil {
			fail(err, "open")
			return
		}
		fd, rest := int(r.Result()), []byte(data)
		var next func(r *uv.FSReq)
		next = func(r *uv.FSReq) {
			if r != nil {
				if err := r.Err(); err != nil {
					uv.FSClose(rt.loop, fd, nil)
					fail(err, "write")
					return
				}
				rest = rest[r.Result():]
			}
			if len(rest) > 0 {
				if _, err := uv.FSWrite(rt.loop, fd, [][]byte{rest}, -1, next); err != nil {
					fail(err, "write")
				}
				return
			}
			uv.FSClose(rt.loop, fd, func(r *uv.FSReq) { fail(r.Err(), "close") })
		}
		next(nil)
	})
	if err != nil {
		fail(err, "open")
	}
}

func (rt *Runtime) stat(path string, cb goja.Value) {
	_, err := uv.FSStat(rt.loop, path, func(r *uv.FSReq) {
		if err := r.Err(); err != nil {
			rt.call(cb, rt.errObject(err))
			return
		}
		st := r.Stat()
		typ := "other"
		switch m := st.FileMode(); {
		case m.IsRegular():
			typ = "file"
		case m.IsDir():
			typ = "dir"
		}
		rt.call(cb, goja.Null(), rt.vm.ToValue(map[string]any{
			"size": st.Size, "mode": st.Mode, "type": typ,
			"mtimeMs": float64(st.Mtime.UnixNano()) / 1e6,
		}))
	})
	if err != nil {
		rt.call(cb, rt.errObject(err))
	}
}

func (rt *Runtime) unlink(path string, cb goja.Value) {
	if _, err := uv.FSUnlink(rt.loop, path, func(r *uv.FSReq) { rt.call(cb, rt.errObject(r.Err())) }); err != nil {
		rt.call(cb, rt.errObject(err))
	}
}

// spawn is child_process.spawn: stdin ignored, stdout and stderr piped to the parent.
func (rt *Runtime) spawn(file string, args []string, onExit goja.Value) map[string]any {
	out, err := uv.NewPipe(rt.loop, false)
	if err != nil {
		rt.throw(err)
	}
	errp, err := uv.NewPipe(rt.loop, false)
	if err != nil {
		out.Close(nil)
		rt.throw(err)
	}
	opts := &uv.ProcessOptions{
		File: file,
		Args: append([]string{file}, args...),
		Stdio: []uv.StdioContainer{
			uv.Ignore(),
			uv.CreatePipe(out, uv.StdioWritablePipe),
			uv.CreatePipe(errp, uv.StdioWritablePipe),
		},
	}
	p, err := uv.Spawn(rt.loop, opts, func(p *uv.Process, status int64, sig syscall.Signal) {
		p.Close(nil)
		code, name := rt.vm.ToValue(status), goja.Null()
		if sig != 0 {
			name = rt.vm.ToValue(signalName(sig))
		}
		rt.call(onExit, code, name)
	})
	if err != nil {
		if p != nil {
			p.Close(nil)
		}
		out.Close(nil)
		errp.Close(nil)
		return map[string]any{"error": rt.errObject(err)}
	}
	return map[string]any{"pid": p.PID(), "stdout": out, "stderr": errp}
}

// lookup is dns.lookup: the first address getaddrinfo answers, and its family (4 or 6).
func (rt *Runtime) lookup(host string, family int, cb goja.Value) {
	hints := &uv.AddrinfoHints{Family: uv.AF_UNSPEC, SockType: uv.SOCK_STREAM}
	switch family {
	case 4:
		hints.Family = uv.AF_INET
	case 6:
		hints.Family = uv.AF_INET6
	}
	_, _, err := uv.Getaddrinfo(rt.loop, host, "", hints, func(res []uv.Addrinfo, err error) {
		if err != nil || len(res) == 0 {
			if err == nil {
				err = uv.EAI_NONAME
			}
			rt.call(cb, rt.errObject(err))
			return
		}
		a := res[0].Addr.Addr()
		fam := 4
		if a.Is6() && !a.Is4In6() {
			fam = 6
		}
		rt.call(cb, goja.Null(), rt.vm.ToValue(a.String()), rt.vm.ToValue(fam))
	})
	if err != nil {
		rt.call(cb, rt.errObject(err))
	}
}
