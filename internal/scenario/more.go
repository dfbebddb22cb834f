package scenario

import (
	"os"
	"path/filepath"

	"github.com/go-libuv/uv"
)

// Scenarios recorded for the trace corpus only (testdata/traces): no C twin.

func init() {
	register("work", false, work)
	register("fs_file", false, fsFile)
}

// work: a work request on the thread pool; its after callback queues a second one.
func work(e *Env) {
	n := 0
	var after func(err error)
	after = func(err error) {
		n++
		e.Ev("after_work", "w", err)
		if n == 1 {
			_, err := uv.QueueWork(e.L, func() {}, after)
			e.Ev("queue_work", "w", err)
		}
	}
	_, err := uv.QueueWork(e.L, func() {}, after)
	e.Ev("queue_work", "w", err)
	e.Run(uv.RunDefault)
}

// fs_file: a file's life in a temporary folder, one asynchronous operation after the other:
// mkdtemp, open (create), write, close, open, read, close, unlink, rmdir.
func fsFile(e *Env) {
	l := e.L
	var dir, file string
	var fd int
	buf := make([]byte, 16)
	steps := []func(cb func(*uv.FSReq)) error{
		func(cb func(*uv.FSReq)) error {
			_, err := uv.FSMkdtemp(l, filepath.Join(os.TempDir(), "uvtrace-XXXXXX"), cb)
			return err
		},
		func(cb func(*uv.FSReq)) error {
			_, err := uv.FSOpen(l, file, uv.O_CREAT|uv.O_WRONLY|uv.O_TRUNC, 0o600, cb)
			return err
		},
		func(cb func(*uv.FSReq)) error {
			_, err := uv.FSWrite(l, fd, [][]byte{[]byte("hello")}, 0, cb)
			return err
		},
		func(cb func(*uv.FSReq)) error { _, err := uv.FSClose(l, fd, cb); return err },
		func(cb func(*uv.FSReq)) error { _, err := uv.FSOpen(l, file, uv.O_RDONLY, 0, cb); return err },
		func(cb func(*uv.FSReq)) error { _, err := uv.FSRead(l, fd, [][]byte{buf}, 0, cb); return err },
		func(cb func(*uv.FSReq)) error { _, err := uv.FSClose(l, fd, cb); return err },
		func(cb func(*uv.FSReq)) error { _, err := uv.FSUnlink(l, file, cb); return err },
		func(cb func(*uv.FSReq)) error { _, err := uv.FSRmdir(l, dir, cb); return err },
	}
	var next func(i int)
	next = func(i int) {
		if i == len(steps) {
			return
		}
		check(steps[i](func(r *uv.FSReq) {
			e.Ev("fs", r.FSType().String(), r.Err())
			switch r.FSType() {
			case uv.FSTypeMkdtemp:
				dir = r.Path()
				file = filepath.Join(dir, "f")
			case uv.FSTypeOpen:
				fd = int(r.Result())
			}
			if r.Err() == nil {
				next(i + 1)
			}
		}))
	}
	next(0)
	e.Run(uv.RunDefault)
}
