package uv

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	fsTestBuf  = []byte("test-buffer\n\x00")
	fsTestBuf2 = []byte("second-buffer\n\x00")
)

// fsOK returns a function that fails t when a synchronous operation failed, and returns its
// request: fsOK(t)(FSStat(l, path, nil)).
func fsOK(t testing.TB) func(*FSReq, error) *FSReq {
	return func(r *FSReq, err error) *FSReq {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			t.Fatal("a synchronous operation returned no request")
		}
		return r
	}
}

// fsWant checks that a synchronous operation failed with want, and returns its request.
func fsWant(t testing.TB, r *FSReq, err error, want Errno) *FSReq {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
	if r != nil && r.Result() != int64(want) {
		t.Fatalf("Result %d, want %d", r.Result(), want)
	}
	return r
}

// fsAsync runs one asynchronous operation started by start until its callback, and returns
// the request the callback received.
func fsAsync(t testing.TB, l *Loop, start func(cb func(*FSReq)) (*FSReq, error)) *FSReq {
	t.Helper()
	var got *FSReq
	calls := 0
	r, err := start(func(r *FSReq) { calls++; got = r })
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if calls != 0 {
		t.Fatal("the callback ran before the loop")
	}
	if run(t, l, RunDefault) {
		t.Fatal("Run: the loop is alive after the request completed")
	}
	if calls != 1 {
		t.Fatalf("callback called %d times, want 1", calls)
	}
	if got != r {
		t.Fatal("the callback received another request than the one returned")
	}
	return got
}

// fsFailBoth runs an operation synchronously (cb nil), then asynchronously, and checks that
// both fail with want; it returns the two requests.
func fsFailBoth(t testing.TB, l *Loop, want Errno, start func(cb func(*FSReq)) (*FSReq, error)) (syncReq, asyncReq *FSReq) {
	t.Helper()
	r, err := start(nil)
	syncReq = fsWant(t, r, err, want)
	asyncReq = fsAsync(t, l, start)
	if asyncReq.Result() != int64(want) || !errors.Is(asyncReq.Err(), want) {
		t.Fatalf("async: %v, want %v", asyncReq.Err(), want)
	}
	return syncReq, asyncReq
}

func fsOpenFd(t testing.TB, l *Loop, path string, flags OpenFlag, mode os.FileMode) int {
	t.Helper()
	r := fsOK(t)(FSOpen(l, path, flags, mode, nil))
	if r.Result() < 0 {
		t.Fatalf("open: %d", r.Result())
	}
	return int(r.Result())
}

// fsCreate creates path with data, through the binding's synchronous open, write and close.
func fsCreate(t testing.TB, l *Loop, path string, data []byte) {
	t.Helper()
	fd := fsOpenFd(t, l, path, O_WRONLY|O_CREAT, 0o600)
	fsOK(t)(FSWrite(l, fd, [][]byte{data}, -1, nil))
	fsCloseFd(t, l, fd)
}

func fsCloseFd(t testing.TB, l *Loop, fd int) {
	t.Helper()
	r := fsOK(t)(FSClose(l, fd, nil))
	if r.Result() != 0 || r.FSType() != FSTypeClose {
		t.Fatalf("close: result %d type %v", r.Result(), r.FSType())
	}
}

func fsStatMode(t testing.TB, l *Loop, path string) uint64 {
	t.Helper()
	return fsOK(t)(FSStat(l, path, nil)).Stat().Mode
}

func fsWriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	must(t, os.WriteFile(path, data, 0o600))
}

func fsReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return b
}

// fsLoopModes runs test twice, as libuv runs each of its fs tests a second time as
// <name>_iouring: on a new loop (file system operations on the threadpool), then on a new loop
// configured with LoopUseIOUringSQPoll and UV_USE_IO_URING=1 (those of them that libuv submits
// to io_uring, where the kernel allows it).
func fsLoopModes(t *testing.T, test func(t *testing.T, l *Loop)) {
	t.Run("threadpool", func(t *testing.T) { test(t, newTestLoop(t)) })
	t.Run("io_uring", func(t *testing.T) { test(t, newIOUringLoop(t)) })
}

// ioUringEnv sets UV_USE_IO_URING=1 once: libuv 1.50 and newer create an SQPOLL ring only
// when it is a positive number, and read it once per process.
var ioUringEnv sync.Once

// newIOUringLoop returns a new test loop configured with LoopUseIOUringSQPoll; it skips the
// test where the headers or the loaded libuv are older than 1.49.
func newIOUringLoop(t *testing.T) *Loop {
	t.Helper()
	// The option is new in 1.49; the io_uring runs were checked on 1.52.1 (on 1.50, ftruncate
	// over io_uring answers EINVAL here, which libuv's 1.52 tests do not expect).
	skipBeforeLibuv(t, 0x013400, "the io_uring loop as libuv 1.52's tests use it")
	ioUringEnv.Do(func() { must(t, os.Setenv("UV_USE_IO_URING", "1")) })
	l := newTestLoop(t)
	if err := l.Configure(LoopUseIOUringSQPoll); errors.Is(err, ENOSYS) {
		t.Skipf("libuv %s, built on older headers: UV_LOOP_USE_IO_URING_SQPOLL is new in 1.49", VersionString())
	} else if err != nil {
		t.Fatalf("Configure(LoopUseIOUringSQPoll): %v", err)
	}
	return l
}

func fsCheckPerm(t testing.TB, l *Loop, path string, want uint64) {
	t.Helper()
	if got := fsStatMode(t, l, path) & 0o777; got != want {
		t.Fatalf("%s: mode %o, want %o", path, got, want)
	}
}

// libuv: fs_file_noent fs_file_noent_iouring
func TestFSFileNoent(t *testing.T) { fsLoopModes(t, testFSFileNoent) }

func testFSFileNoent(t *testing.T, l *Loop) {
	path := filepath.Join(t.TempDir(), "does_not_exist")
	r, a := fsFailBoth(t, l, ENOENT, func(cb func(*FSReq)) (*FSReq, error) { return FSOpen(l, path, O_RDONLY, 0, cb) })
	for _, err := range []error{r.Err(), a.Err()} {
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Op != "open" || pe.Path != path || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("error %#v: want *fs.PathError{open, %s} matching fs.ErrNotExist", err, path)
		}
	}
	if a.FSType() != FSTypeOpen {
		t.Fatalf("async open: type %v", a.FSType())
	}
}

// libuv: fs_file_nametoolong fs_file_nametoolong_iouring
func TestFSFileNametoolong(t *testing.T) { fsLoopModes(t, testFSFileNametoolong) }

func testFSFileNametoolong(t *testing.T, l *Loop) {
	name := strings.Repeat("a", 65536)
	fsFailBoth(t, l, ENAMETOOLONG, func(cb func(*FSReq)) (*FSReq, error) { return FSOpen(l, name, O_RDONLY, 0, cb) })
}

// libuv: fs_file_loop fs_file_loop_iouring
func TestFSFileLoop(t *testing.T) { fsLoopModes(t, testFSFileLoop) }

func testFSFileLoop(t *testing.T, l *Loop) {
	link := filepath.Join(t.TempDir(), "test_symlink")
	fsOK(t)(FSSymlink(l, link, link, 0, nil))
	fsFailBoth(t, l, ELOOP, func(cb func(*FSReq)) (*FSReq, error) { return FSOpen(l, link, O_RDONLY, 0, cb) })
}

// libuv: fs_file_async fs_file_async_iouring
func TestFSFileAsync(t *testing.T) { fsLoopModes(t, testFSFileAsync) }

func testFSFileAsync(t *testing.T, l *Loop) {
	dir := t.TempDir()
	file, file2 := filepath.Join(dir, "test_file"), filepath.Join(dir, "test_file2")
	var steps []string
	var fd int
	fail := func(step string, r *FSReq) bool {
		steps = append(steps, step)
		if err := r.Err(); err != nil {
			t.Errorf("%s: %v", step, err)
			return true
		}
		return false
	}
	// create, write, fdatasync, fsync, close
	_, err := FSOpen(l, file, O_WRONLY|O_CREAT, 0o600, func(r *FSReq) {
		if fail("create", r) {
			return
		}
		fd = int(r.Result())
		_, err := FSWrite(l, fd, [][]byte{fsTestBuf}, -1, func(r *FSReq) {
			if fail("write", r) || r.Result() != int64(len(fsTestBuf)) {
				return
			}
			_, err := FSFdatasync(l, fd, func(r *FSReq) {
				if fail("fdatasync", r) {
					return
				}
				_, err := FSFsync(l, fd, func(r *FSReq) {
					if fail("fsync", r) {
						return
					}
					_, err := FSClose(l, fd, func(r *FSReq) { fail("close", r) })
					loopNoErr(t, err)
				})
				loopNoErr(t, err)
			})
			loopNoErr(t, err)
		})
		loopNoErr(t, err)
	})
	must(t, err)
	run(t, l, RunDefault)
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSRename(l, file, file2, cb) })
	if r.FSType() != FSTypeRename || r.Err() != nil {
		t.Fatalf("rename: %v", r.Err())
	}
	// open, read, ftruncate to 7, close; then open, read "test-bu", close, unlink.
	readBack := func(flags OpenFlag, want string, truncate bool) {
		buf := make([]byte, 32)
		_, err := FSOpen(l, file2, flags, 0, func(r *FSReq) {
			if fail("open", r) {
				return
			}
			if r.Path() != file2 {
				t.Errorf("open: Path %q, want %q", r.Path(), file2)
			}
			fd := int(r.Result())
			_, err := FSRead(l, fd, [][]byte{buf}, -1, func(r *FSReq) {
				if fail("read", r) {
					return
				}
				if got := string(buf[:r.Result()]); got != want {
					t.Errorf("read %q, want %q", got, want)
				}
				closeFd := func() {
					_, err := FSClose(l, fd, func(r *FSReq) {
						if fail("close", r) || truncate {
							return
						}
						// The third close unlinks test_file2 from its callback, as libuv's.
						_, err := FSUnlink(l, file2, func(r *FSReq) {
							if !fail("unlink", r) && r.FSType() != FSTypeUnlink {
								t.Errorf("unlink: type %v", r.FSType())
							}
						})
						loopNoErr(t, err)
					})
					loopNoErr(t, err)
				}
				if !truncate {
					closeFd()
					return
				}
				_, err := FSFtruncate(l, fd, 7, func(r *FSReq) {
					if !fail("ftruncate", r) {
						closeFd()
					}
				})
				loopNoErr(t, err)
			})
			loopNoErr(t, err)
		})
		must(t, err)
		run(t, l, RunDefault)
	}
	readBack(O_RDWR, string(fsTestBuf), true)
	readBack(O_RDONLY, "test-bu", false)
	if _, err := os.Stat(file2); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("test_file2 after the unlink: %v", err)
	}
	want := "create write fdatasync fsync close open read ftruncate close open read close unlink"
	if got := strings.Join(steps, " "); got != want {
		t.Fatalf("steps %q, want %q", got, want)
	}
}

// libuv: fs_file_sync fs_file_sync_iouring
func TestFSFileSync(t *testing.T) { fsLoopModes(t, testFSFileSync) }

func testFSFileSync(t *testing.T, l *Loop) {
	dir := t.TempDir()
	file, file2 := filepath.Join(dir, "test_file"), filepath.Join(dir, "test_file2")
	fd := fsOpenFd(t, l, file, O_WRONLY|O_CREAT, 0o600)
	if r := fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf}, -1, nil)); r.Result() != int64(len(fsTestBuf)) {
		t.Fatalf("write: %d", r.Result())
	}
	fsCloseFd(t, l, fd)
	fd = fsOpenFd(t, l, file, O_RDWR, 0)
	buf := make([]byte, 32)
	r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, -1, nil))
	if !bytes.Equal(buf[:r.Result()], fsTestBuf) {
		t.Fatalf("read %q", buf[:r.Result()])
	}
	fsOK(t)(FSFtruncate(l, fd, 7, nil))
	fsCloseFd(t, l, fd)
	fsOK(t)(FSRename(l, file, file2, nil))
	fd = fsOpenFd(t, l, file2, O_RDONLY, 0)
	clear(buf)
	r = fsOK(t)(FSRead(l, fd, [][]byte{buf}, -1, nil))
	if string(buf[:r.Result()]) != "test-bu" {
		t.Fatalf("read after ftruncate %q", buf[:r.Result()])
	}
	fsCloseFd(t, l, fd)
	fsOK(t)(FSUnlink(l, file2, nil))
	if _, err := os.Stat(file2); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after unlink: %v", err)
	}
}

// libuv: fs_file_write_null_buffer fs_file_write_null_buffer_iouring
func TestFSFileWriteNullBuffer(t *testing.T) { fsLoopModes(t, testFSFileWriteNullBuffer) }

func testFSFileWriteNullBuffer(t *testing.T, l *Loop) {
	fd := fsOpenFd(t, l, filepath.Join(t.TempDir(), "test_file"), O_WRONLY|O_CREAT, 0o600)
	if r := fsOK(t)(FSWrite(l, fd, [][]byte{nil}, -1, nil)); r.Result() != 0 {
		t.Fatalf("write of an empty buffer: %d, want 0", r.Result())
	}
	a := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSWrite(l, fd, [][]byte{{}}, -1, cb) })
	if a.Result() != 0 {
		t.Fatalf("async write of an empty buffer: %d, want 0", a.Result())
	}
	fsCloseFd(t, l, fd)
}

func fsCheckDirents(t testing.TB, got []Dirent, want ...string) {
	t.Helper()
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
		if e.Type != DirentFile && e.Type != DirentUnknown {
			t.Errorf("%s: type %v, want a file", e.Name, e.Type)
		}
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("entries %v, want %v", names, want)
	}
}

// libuv: fs_async_dir fs_async_dir_iouring
func TestFSAsyncDir(t *testing.T) { fsLoopModes(t, testFSAsyncDir) }

func testFSAsyncDir(t *testing.T, l *Loop) {
	dir := filepath.Join(t.TempDir(), "test_dir")
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSMkdir(l, dir, 0o755, cb) })
	if r.FSType() != FSTypeMkdir || r.Err() != nil || r.Path() != dir {
		t.Fatalf("mkdir: %v %v %q", r.FSType(), r.Err(), r.Path())
	}
	for _, f := range []string{"file1", "file2"} {
		fsCloseFd(t, l, fsOpenFd(t, l, filepath.Join(dir, f), O_WRONLY|O_CREAT, 0o600))
	}
	r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSScandir(l, dir, cb) })
	if r.FSType() != FSTypeScandir || r.Result() != 2 || r.Path() != dir {
		t.Fatalf("scandir: %v %d %q", r.FSType(), r.Result(), r.Path())
	}
	fsCheckDirents(t, r.Dirents(), "file1", "file2")
	r = fsOK(t)(FSScandir(l, dir, nil))
	if r.Result() != 2 {
		t.Fatalf("sync scandir: %d", r.Result())
	}
	fsCheckDirents(t, r.Dirents(), "file1", "file2")
	for _, p := range []string{dir, dir + "/"} {
		for _, lstat := range []bool{false, true} {
			r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) {
				if lstat {
					return FSLstat(l, p, cb)
				}
				return FSStat(l, p, cb)
			})
			if r.Err() != nil || !r.Stat().FileMode().IsDir() {
				t.Fatalf("stat %s (lstat %v): %v, mode %v", p, lstat, r.Err(), r.Stat().FileMode())
			}
		}
	}
	for _, f := range []string{"file1", "file2"} {
		if r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSUnlink(l, filepath.Join(dir, f), cb) }); r.Err() != nil {
			t.Fatal(r.Err())
		}
	}
	r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSRmdir(l, dir, cb) })
	if r.FSType() != FSTypeRmdir || r.Err() != nil || r.Path() != dir {
		t.Fatalf("rmdir: %v %q", r.Err(), r.Path())
	}
}

// fsSendfileTest is libuv's test_sendfile: 131072 bytes from offset 1 of test_file into
// test_file2; the callback's result is want, test_file2 is want bytes long, one byte shorter
// than test_file (the same size when empty), and starts with the 'e' of "begin".
func fsSendfileTest(t *testing.T, l *Loop, setup func(f *os.File), want int64) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "test_file"), filepath.Join(dir, "test_file2")
	f, err := os.Create(src)
	must(t, err)
	if setup != nil {
		setup(f)
	}
	must(t, f.Close())
	in := fsOpenFd(t, l, src, O_RDWR, 0)
	out := fsOpenFd(t, l, dst, O_WRONLY|O_CREAT, 0o600)
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSSendfile(l, out, in, 1, 131072, cb) })
	if r.FSType() != FSTypeSendfile || r.Result() != want {
		t.Fatalf("sendfile: type %v result %d (%v), want %d", r.FSType(), r.Result(), r.Err(), want)
	}
	fsCloseFd(t, l, in)
	fsCloseFd(t, l, out)
	s1, s2 := fsOK(t)(FSStat(l, src, nil)).Stat(), fsOK(t)(FSStat(l, dst, nil)).Stat()
	if s2.Size != uint64(want) {
		t.Fatalf("test_file2: %d bytes, want %d", s2.Size, want)
	}
	if want == 0 {
		if s1.Size != s2.Size {
			t.Fatalf("sizes %d and %d, want equal", s1.Size, s2.Size)
		}
		return
	}
	if s1.Size != s2.Size+1 {
		t.Fatalf("sizes %d and %d, want the copy one byte shorter", s1.Size, s2.Size)
	}
	fd := fsOpenFd(t, l, dst, O_RDWR, 0)
	b := make([]byte, 1)
	fsOK(t)(FSRead(l, fd, [][]byte{b}, -1, nil))
	fsCloseFd(t, l, fd)
	if b[0] != 'e' {
		t.Fatalf("test_file2 starts with %q, want the 'e' of begin", b)
	}
}

// libuv: fs_async_sendfile fs_async_sendfile_iouring
func TestFSAsyncSendfile(t *testing.T) {
	fsLoopModes(t, func(t *testing.T, l *Loop) {
		fsSendfileTest(t, l, func(f *os.File) {
			if n, err := f.WriteString("begin\n"); n != 6 || err != nil {
				t.Fatalf("write: %d, %v", n, err)
			}
			if off, err := f.Seek(65536, 1); off != 65542 || err != nil {
				t.Fatalf("lseek: %d, %v", off, err)
			}
			if n, err := f.WriteString("end\n"); n != 4 || err != nil {
				t.Fatalf("write: %d, %v", n, err)
			}
		}, 65545)
	})
}

// libuv: fs_async_sendfile_nodata fs_async_sendfile_nodata_iouring
func TestFSAsyncSendfileNodata(t *testing.T) {
	fsLoopModes(t, func(t *testing.T, l *Loop) { fsSendfileTest(t, l, nil, 0) })
}

func fsCheckMkdtemp(t testing.TB, l *Loop, r *FSReq, tpl string) {
	t.Helper()
	if r.FSType() != FSTypeMkdtemp || r.Err() != nil {
		t.Fatalf("mkdtemp: %v %v", r.FSType(), r.Err())
	}
	p := r.Path()
	if len(p) != len(tpl) || !strings.HasPrefix(p, strings.TrimSuffix(tpl, "XXXXXX")) || strings.HasSuffix(p, "XXXXXX") {
		t.Fatalf("mkdtemp path %q from template %q", p, tpl)
	}
	fsCheckPerm(t, l, p, 0o700)
	if !fsOK(t)(FSStat(l, p, nil)).Stat().FileMode().IsDir() {
		t.Fatalf("%s is not a directory", p)
	}
}

// libuv: fs_mkdtemp fs_mkdtemp_iouring
func TestFSMkdtemp(t *testing.T) { fsLoopModes(t, testFSMkdtemp) }

func testFSMkdtemp(t *testing.T, l *Loop) {
	tpl := filepath.Join(t.TempDir(), "test_dir_XXXXXX")
	r1 := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSMkdtemp(l, tpl, cb) })
	fsCheckMkdtemp(t, l, r1, tpl)
	r2 := fsOK(t)(FSMkdtemp(l, tpl, nil))
	fsCheckMkdtemp(t, l, r2, tpl)
	if r1.Path() == r2.Path() {
		t.Fatalf("two mkdtemp gave %q", r1.Path())
	}
}

// libuv: fs_mkstemp fs_mkstemp_iouring
func TestFSMkstemp(t *testing.T) { fsLoopModes(t, testFSMkstemp) }

func testFSMkstemp(t *testing.T, l *Loop) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "test_file_XXXXXX")
	check := func(r *FSReq) {
		t.Helper()
		if r.FSType() != FSTypeMkstemp || r.Result() < 0 {
			t.Fatalf("mkstemp: %v %v", r.FSType(), r.Err())
		}
		if p := r.Path(); len(p) != len(tpl) || strings.HasSuffix(p, "XXXXXX") || !strings.HasPrefix(p, dir) {
			t.Fatalf("mkstemp path %q", p)
		}
		fsCheckPerm(t, l, r.Path(), 0o600)
	}
	r1 := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSMkstemp(l, tpl, cb) })
	check(r1)
	r2 := fsOK(t)(FSMkstemp(l, tpl, nil))
	check(r2)
	if r1.Path() == r2.Path() {
		t.Fatalf("two mkstemp gave %q", r1.Path())
	}
	r, err := FSMkstemp(l, filepath.Join(dir, "test_file"), nil)
	fsWant(t, r, err, EINVAL)
	// The descriptors are usable.
	fd := int(r1.Result())
	fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf}, -1, nil))
	buf := make([]byte, 32)
	if r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, 0, nil)); !bytes.Equal(buf[:r.Result()], fsTestBuf) {
		t.Fatalf("read back %q", buf[:r.Result()])
	}
	fsCloseFd(t, l, fd)
	fsCloseFd(t, l, int(r2.Result()))
}

// libuv: fs_fstat fs_fstat_iouring
func TestFSFstat(t *testing.T) { fsLoopModes(t, testFSFstat) }

func testFSFstat(t *testing.T, l *Loop) {
	fd := fsOpenFd(t, l, filepath.Join(t.TempDir(), "test_file"), O_RDWR|O_CREAT, 0o600)
	var st syscall.Stat_t
	must(t, syscall.Fstat(fd, &st))
	// A new file's birth time (statx) is its change time; zero where statx is missing.
	bt := fsOK(t)(FSFstat(l, fd, nil)).Stat().Birthtime
	if sec := bt.Unix(); sec != 0 && sec != st.Ctim.Sec {
		t.Errorf("birth time %d s, want 0 or the change time %d", sec, st.Ctim.Sec)
	}
	if ns := int64(bt.Nanosecond()); ns != 0 && ns != st.Ctim.Nsec {
		t.Errorf("birth time %d ns, want 0 or the change time's %d", ns, st.Ctim.Nsec)
	}
	if r := fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf}, -1, nil)); r.Result() != int64(len(fsTestBuf)) {
		t.Fatalf("write: %d, want %d", r.Result(), len(fsTestBuf))
	}
	s := fsOK(t)(FSFstat(l, fd, nil)).Stat()
	must(t, syscall.Fstat(fd, &st))
	if s.Flags != 0 || s.Gen != 0 { // libuv's st_flags and st_gen are 0 on Linux
		t.Errorf("flags %d, gen %d; want 0, 0", s.Flags, s.Gen)
	}
	want := Stat{
		Dev: st.Dev, Mode: uint64(st.Mode), Nlink: st.Nlink, UID: uint64(st.Uid), GID: uint64(st.Gid),
		Rdev: st.Rdev, Ino: st.Ino, Size: uint64(st.Size), Blksize: uint64(st.Blksize), Blocks: uint64(st.Blocks),
		Atime: time.Unix(st.Atim.Unix()), Mtime: time.Unix(st.Mtim.Unix()), Ctime: time.Unix(st.Ctim.Unix()),
	}
	s.Birthtime = time.Time{} // statx's birth time; fstat(2) has none
	if s != want {
		t.Fatalf("fstat\n%+v\nwant\n%+v", s, want)
	}
	if s.Size != uint64(len(fsTestBuf)) {
		t.Fatalf("size %d", s.Size)
	}
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSFstat(l, fd, cb) })
	if r.FSType() != FSTypeFstat || r.Stat().Size != uint64(len(fsTestBuf)) {
		t.Fatalf("async fstat: %v %d", r.FSType(), r.Stat().Size)
	}
	fsCloseFd(t, l, fd)
	if run(t, l, RunDefault) {
		t.Fatal("the loop is alive after the requests completed")
	}
}

// libuv: fs_access fs_access_iouring
func TestFSAccess(t *testing.T) { fsLoopModes(t, testFSAccess) }

func testFSAccess(t *testing.T, l *Loop) {
	dir := t.TempDir()
	file, sub := filepath.Join(dir, "test_file"), filepath.Join(dir, "test_dir")
	_, a := fsFailBoth(t, l, ENOENT, func(cb func(*FSReq)) (*FSReq, error) { return FSAccess(l, file, F_OK, cb) })
	if a.FSType() != FSTypeAccess {
		t.Fatalf("async access: %v", a.FSType())
	}
	fsCloseFd(t, l, fsOpenFd(t, l, file, O_RDWR|O_CREAT, 0o600))
	fsOK(t)(FSAccess(l, file, F_OK, nil))
	fsOK(t)(FSAccess(l, file, R_OK|W_OK, nil))
	if a = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSAccess(l, file, F_OK, cb) }); a.Err() != nil {
		t.Fatal(a.Err())
	}
	fsOK(t)(FSMkdir(l, sub, 0o777, nil))
	fsOK(t)(FSAccess(l, sub, W_OK, nil))
	r, err := FSAccess(l, file, X_OK, nil) // 0600: not executable, even for root
	fsWant(t, r, err, EACCES)
}

// libuv: fs_chmod fs_chmod_iouring
func TestFSChmod(t *testing.T) { fsLoopModes(t, testFSChmod) }

func testFSChmod(t *testing.T, l *Loop) {
	file := filepath.Join(t.TempDir(), "test_file")
	fd := fsOpenFd(t, l, file, O_RDWR|O_CREAT, 0o600)
	fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf}, -1, nil))
	fsOK(t)(FSChmod(l, file, 0o200, nil))
	fsCheckPerm(t, l, file, 0o200)
	fsOK(t)(FSChmod(l, file, 0o400, nil))
	fsCheckPerm(t, l, file, 0o400)
	fsOK(t)(FSFchmod(l, fd, 0o600, nil))
	fsCheckPerm(t, l, file, 0o600)
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSChmod(l, file, 0o200, cb) })
	if r.FSType() != FSTypeChmod || r.Err() != nil {
		t.Fatal(r.Err())
	}
	fsCheckPerm(t, l, file, 0o200)
	if r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSChmod(l, file, 0o400, cb) }); r.Err() != nil {
		t.Fatal(r.Err())
	}
	fsCheckPerm(t, l, file, 0o400)
	r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSFchmod(l, fd, 0o600|os.ModeSetgid, cb) })
	if r.FSType() != FSTypeFchmod || r.Err() != nil {
		t.Fatal(r.Err())
	}
	if m := fsOK(t)(FSStat(l, file, nil)).Stat().FileMode(); m != 0o600|os.ModeSetgid {
		t.Fatalf("mode %v, want %v", m, 0o600|os.ModeSetgid)
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_unlink_readonly fs_unlink_readonly_iouring
func TestFSUnlinkReadonly(t *testing.T) { fsLoopModes(t, testFSUnlinkReadonly) }

func testFSUnlinkReadonly(t *testing.T, l *Loop) {
	file := filepath.Join(t.TempDir(), "test_file")
	fsCreate(t, l, file, fsTestBuf)
	fsOK(t)(FSChmod(l, file, 0o400, nil))
	fsCheckPerm(t, l, file, 0o400)
	fsOK(t)(FSUnlink(l, file, nil))
	r, err := FSStat(l, file, nil)
	fsWant(t, r, err, ENOENT)
}

// libuv: fs_chown fs_chown_iouring
func TestFSChown(t *testing.T) { fsLoopModes(t, testFSChown) }

func testFSChown(t *testing.T, l *Loop) {
	dir := t.TempDir()
	file, link := filepath.Join(dir, "test_file"), filepath.Join(dir, "test_file_link")
	fd := fsOpenFd(t, l, file, O_RDWR|O_CREAT, 0o600)
	fsOK(t)(FSChown(l, file, -1, -1, nil))
	fsOK(t)(FSFchown(l, fd, -1, -1, nil))
	fsOK(t)(FSLink(l, file, link, nil)) // libuv's test lchowns a hard link
	fsOK(t)(FSLchown(l, link, -1, -1, nil))
	for _, start := range []func(cb func(*FSReq)) (*FSReq, error){
		func(cb func(*FSReq)) (*FSReq, error) { return FSChown(l, file, -1, -1, cb) },
		func(cb func(*FSReq)) (*FSReq, error) { return FSFchown(l, fd, -1, -1, cb) },
		func(cb func(*FSReq)) (*FSReq, error) { return FSLchown(l, link, -1, -1, cb) },
	} {
		if r := fsAsync(t, l, start); r.Err() != nil {
			t.Fatalf("%v: %v", r.FSType(), r.Err())
		}
	}
	// Giving the file to root: allowed to root only (the tests may run as root).
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSChown(l, file, 0, 0, cb) })
	if os.Geteuid() == 0 {
		if r.Err() != nil {
			t.Fatalf("chown to root as root: %v", r.Err())
		}
	} else if r.Result() != int64(EPERM) {
		t.Fatalf("chown to root as a user: %v, want EPERM", r.Err())
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_readlink fs_readlink_iouring
func TestFSReadlink(t *testing.T) { fsLoopModes(t, testFSReadlink) }

func testFSReadlink(t *testing.T, l *Loop) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no_such_file")
	_, a := fsFailBoth(t, l, ENOENT, func(cb func(*FSReq)) (*FSReq, error) { return FSReadlink(l, missing, cb) })
	if a.FSType() != FSTypeReadlink || a.Link() != "" {
		t.Fatalf("async readlink: %v %q", a.FSType(), a.Link())
	}
	// Not a link.
	r, err := FSReadlink(l, dir, nil)
	fsWant(t, r, err, EINVAL)
}

// libuv: fs_realpath fs_realpath_iouring
func TestFSRealpath(t *testing.T) { fsLoopModes(t, testFSRealpath) }

func testFSRealpath(t *testing.T, l *Loop) {
	missing := filepath.Join(t.TempDir(), "no_such_file")
	_, a := fsFailBoth(t, l, ENOENT, func(cb func(*FSReq)) (*FSReq, error) { return FSRealpath(l, missing, cb) })
	if a.FSType() != FSTypeRealpath {
		t.Fatalf("async realpath: %v", a.FSType())
	}
}

// libuv: fs_symlink fs_symlink_iouring
func TestFSSymlink(t *testing.T) { fsLoopModes(t, testFSSymlink) }

func testFSSymlink(t *testing.T, l *Loop) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	file := filepath.Join(dir, "test_file")
	fsCreate(t, l, file, fsTestBuf)

	readVia := func(p string) {
		t.Helper()
		fd := fsOpenFd(t, l, p, O_RDWR, 0)
		buf := make([]byte, 32)
		r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, 0, nil))
		if !bytes.Equal(buf[:r.Result()], fsTestBuf) {
			t.Fatalf("read via %s: %q", p, buf[:r.Result()])
		}
		fsCloseFd(t, l, fd)
	}
	// sync: an absolute link, and a relative link to it
	link := filepath.Join(dir, "test_file_symlink")
	fsOK(t)(FSSymlink(l, file, link, 0, nil))
	readVia(link)
	link2 := filepath.Join(dir, "test_file_symlink_symlink")
	fsOK(t)(FSSymlink(l, "test_file_symlink", link2, 0, nil))
	if r := fsOK(t)(FSReadlink(l, link2, nil)); r.Link() != "test_file_symlink" || r.FSType() != FSTypeReadlink {
		t.Fatalf("readlink %q", r.Link())
	}
	if r := fsOK(t)(FSRealpath(l, link2, nil)); r.Link() != file {
		t.Fatalf("realpath %q, want %q", r.Link(), file)
	}
	// async
	link3 := filepath.Join(dir, "test_file_symlink2")
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSSymlink(l, file, link3, 0, cb) })
	if r.FSType() != FSTypeSymlink || r.Err() != nil {
		t.Fatal(r.Err())
	}
	readVia(link3)
	link4 := filepath.Join(dir, "test_file_symlink2_symlink")
	fsOK(t)(FSSymlink(l, "test_file_symlink2", link4, 0, nil))
	r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSReadlink(l, link4, cb) })
	if r.Link() != "test_file_symlink2" {
		t.Fatalf("async readlink %q", r.Link())
	}
	r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSRealpath(l, link4, cb) })
	if r.Link() != file {
		t.Fatalf("async realpath %q, want %q", r.Link(), file)
	}
	// A hard link, sync and async.
	fsOK(t)(FSLink(l, file, filepath.Join(dir, "test_file_link"), nil))
	r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) {
		return FSLink(l, file, filepath.Join(dir, "test_file_link2"), cb)
	})
	if r.FSType() != FSTypeLink || r.Err() != nil {
		t.Fatal(r.Err())
	}
	if n := fsOK(t)(FSStat(l, file, nil)).Stat().Nlink; n != 3 {
		t.Fatalf("nlink %d, want 3", n)
	}
	if m := fsOK(t)(FSLstat(l, link, nil)).Stat().FileMode(); m&os.ModeSymlink == 0 {
		t.Fatalf("lstat of a link: mode %v", m)
	}
}

// libuv: fs_symlink_dir fs_symlink_dir_iouring
func TestFSSymlinkDir(t *testing.T) { fsLoopModes(t, testFSSymlinkDir) }

func testFSSymlinkDir(t *testing.T, l *Loop) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	target := filepath.Join(dir, "test_dir")
	link := filepath.Join(dir, "test_dir_symlink")
	fsOK(t)(FSMkdir(l, target, 0o777, nil))
	fsCloseFd(t, l, fsOpenFd(t, l, filepath.Join(target, "file1"), O_WRONLY|O_CREAT, 0o600))
	fsCloseFd(t, l, fsOpenFd(t, l, filepath.Join(target, "file2"), O_WRONLY|O_CREAT, 0o600))
	if r := fsOK(t)(FSSymlink(l, target, link, SymlinkDir, nil)); r.Path() != target {
		t.Fatalf("Path %q, want the target %q", r.Path(), target)
	}
	if !fsOK(t)(FSStat(l, link, nil)).Stat().FileMode().IsDir() {
		t.Fatal("stat of the link is not a directory")
	}
	if st := fsOK(t)(FSLstat(l, link, nil)).Stat(); st.FileMode()&os.ModeSymlink == 0 || st.Size != uint64(len(target)) {
		t.Fatalf("lstat of the link: mode %v, size %d; want a link of the target's length %d", st.FileMode(), st.Size, len(target))
	}
	if r := fsOK(t)(FSReadlink(l, link, nil)); r.Link() != target {
		t.Fatalf("readlink %q", r.Link())
	}
	if r := fsOK(t)(FSRealpath(l, link, nil)); r.Link() != target {
		t.Fatalf("realpath %q", r.Link())
	}
	r := fsOK(t)(FSScandir(l, link, nil))
	fsCheckDirents(t, r.Dirents(), "file1", "file2")
	r = fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSScandir(l, link, cb) })
	fsCheckDirents(t, r.Dirents(), "file1", "file2")
	fsOK(t)(FSUnlink(l, link, nil))
	r, err = FSScandir(l, link, nil)
	fsWant(t, r, err, ENOENT)
	r = fsOK(t)(FSScandir(l, target, nil)) // the target stays, with its files
	if r.Result() != 2 {
		t.Fatalf("scandir of the target after the link's unlink: %d", r.Result())
	}
	fsCheckDirents(t, r.Dirents(), "file1", "file2")
}

// fsUtimeCheck checks the times of path (of the link itself with lstat).
func fsUtimeCheck(t testing.TB, l *Loop, path string, lstat bool, at, mt time.Time) {
	t.Helper()
	var r *FSReq
	if lstat {
		r = fsOK(t)(FSLstat(l, path, nil))
	} else {
		r = fsOK(t)(FSStat(l, path, nil))
	}
	if s := r.Stat(); !s.Atime.Equal(at) || !s.Mtime.Equal(mt) {
		t.Fatalf("%s: atime %v mtime %v, want %v %v", path, s.Atime, s.Mtime, at, mt)
	}
}

func fsUtimeFile(t testing.TB, l *Loop) string {
	file := filepath.Join(t.TempDir(), "test_file")
	fsCloseFd(t, l, fsOpenFd(t, l, file, O_RDWR|O_CREAT, 0o600))
	return file
}

var (
	fsTime1982 = time.Unix(400497753, 250000000)  // 1982-09-10 11:22:33.25
	fsTime2010 = time.Unix(1291404900, 250000000) // 2010-12-03 20:35:00.25
)

// libuv: fs_utime fs_utime_iouring
func TestFSUtime(t *testing.T) { fsLoopModes(t, testFSUtime) }

func testFSUtime(t *testing.T, l *Loop) {
	file := fsUtimeFile(t, l)
	if r := fsOK(t)(FSUtime(l, file, fsTime1982, fsTime1982, nil)); r.FSType() != FSTypeUtime {
		t.Fatal(r.FSType())
	}
	fsUtimeCheck(t, l, file, false, fsTime1982, fsTime1982)
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSUtime(l, file, fsTime2010, fsTime1982, cb) })
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	fsUtimeCheck(t, l, file, false, fsTime2010, fsTime1982)
}

// libuv: fs_utime_round fs_utime_round_iouring
func TestFSUtimeRound(t *testing.T) { fsLoopModes(t, testFSUtimeRound) }

func testFSUtimeRound(t *testing.T, l *Loop) {
	file := fsUtimeFile(t, l)
	before := time.Unix(-14245441, 750000000) // 1969-07-20T02:56:00.25Z, before the epoch
	fsOK(t)(FSUtime(l, file, before, before, nil))
	fsUtimeCheck(t, l, file, false, before, before)
}

// libuv: fs_futime fs_futime_iouring
func TestFSFutime(t *testing.T) { fsLoopModes(t, testFSFutime) }

func testFSFutime(t *testing.T, l *Loop) {
	file := fsUtimeFile(t, l)
	fd := fsOpenFd(t, l, file, O_RDWR, 0)
	fsOK(t)(FSFutime(l, fd, fsTime1982, fsTime1982, nil))
	fsUtimeCheck(t, l, file, false, fsTime1982, fsTime1982)
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSFutime(l, fd, fsTime2010, fsTime2010, cb) })
	if r.FSType() != FSTypeFutime || r.Err() != nil {
		t.Fatal(r.Err())
	}
	fsUtimeCheck(t, l, file, false, fsTime2010, fsTime2010)
	fsCloseFd(t, l, fd)
}

// libuv: fs_lutime fs_lutime_iouring
func TestFSLutime(t *testing.T) { fsLoopModes(t, testFSLutime) }

func testFSLutime(t *testing.T, l *Loop) {
	file := fsUtimeFile(t, l)
	link := file + "_symlink"
	fsOK(t)(FSSymlink(l, file, link, 0, nil))
	fsOK(t)(FSUtime(l, file, fsTime2010, fsTime2010, nil))
	fsOK(t)(FSLutime(l, link, fsTime1982, fsTime1982, nil))
	fsUtimeCheck(t, l, link, true, fsTime1982, fsTime1982)
	fsUtimeCheck(t, l, file, false, fsTime2010, fsTime2010) // the target is untouched
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSLutime(l, link, fsTime2010, fsTime1982, cb) })
	if r.FSType() != FSTypeLutime || r.Err() != nil {
		t.Fatal(r.Err())
	}
	fsUtimeCheck(t, l, link, true, fsTime2010, fsTime1982)
}

// libuv: fs_file_open_append fs_file_open_append_iouring
func TestFSFileOpenAppend(t *testing.T) { fsLoopModes(t, testFSFileOpenAppend) }

func testFSFileOpenAppend(t *testing.T, l *Loop) {
	file := filepath.Join(t.TempDir(), "test_file")
	// Created and written, then opened for appending and written again, as libuv's test.
	for _, flags := range []OpenFlag{O_WRONLY | O_CREAT, O_RDWR | O_APPEND} {
		fd := fsOpenFd(t, l, file, flags, 0o600)
		fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf}, -1, nil))
		fsCloseFd(t, l, fd)
	}
	fd := fsOpenFd(t, l, file, O_RDONLY, 0)
	buf := make([]byte, 64)
	r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, -1, nil))
	if want := append(append([]byte{}, fsTestBuf...), fsTestBuf...); !bytes.Equal(buf[:r.Result()], want) {
		t.Fatalf("read %q, want %q", buf[:r.Result()], want)
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_statfs fs_statfs_iouring
func TestFSStatfs(t *testing.T) { fsLoopModes(t, testFSStatfs) }

func testFSStatfs(t *testing.T, l *Loop) {
	dir := t.TempDir()
	var want syscall.Statfs_t
	must(t, syscall.Statfs(dir, &want))
	check := func(r *FSReq) {
		t.Helper()
		s := r.Statfs()
		if r.FSType() != FSTypeStatfs || r.Err() != nil || s.Type != uint64(want.Type) || s.Bsize != uint64(want.Bsize) ||
			s.Blocks != want.Blocks || s.Files != want.Files || s.Type == 0 || s.Bsize == 0 || s.Blocks == 0 ||
			s.Bfree > s.Blocks || s.Bavail > s.Bfree || s.Ffree > s.Files {
			t.Fatalf("statfs %+v (%v), want like %+v", s, r.Err(), want)
		}
		// f_frsize: libuv 1.52's, read only when both the headers and the library have it.
		wantFrsize := uint64(0)
		if statfsFrsize && Version() >= 0x013400 {
			wantFrsize = uint64(want.Frsize)
		}
		if s.Frsize != wantFrsize {
			t.Fatalf("Frsize %d, want %d (headers have f_frsize: %v, libuv %s)", s.Frsize, wantFrsize, statfsFrsize, VersionString())
		}
	}
	check(fsOK(t)(FSStatfs(l, dir, nil)))
	check(fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSStatfs(l, dir, cb) }))
}

// libuv: fs_stat_missing_path fs_stat_missing_path_iouring
func TestFSStatMissingPath(t *testing.T) { fsLoopModes(t, testFSStatMissingPath) }

func testFSStatMissingPath(t *testing.T, l *Loop) {
	missing := filepath.Join(t.TempDir(), "non_existent_file")
	r, err := FSStat(l, missing, nil)
	fsWant(t, r, err, ENOENT)
	if r.Path() != missing || r.Stat() != (Stat{}) {
		t.Fatalf("Path %q, Stat %+v", r.Path(), r.Stat())
	}
}

const fsLorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.\n"

// libuv: fs_read_bufs fs_read_bufs_iouring
func TestFSReadBufs(t *testing.T) { fsLoopModes(t, testFSReadBufs) }

// testFSReadBufs is libuv's fs_read_bufs on a file of 446 bytes, as its fixture: no buffers is
// EINVAL; two buffers of 256 at offset 0 read 446 bytes, two of 128 at offset 256 read 190,
// which match the second buffer of the first read. Then the same read asynchronously.
func testFSReadBufs(t *testing.T, l *Loop) {
	file := filepath.Join(t.TempDir(), "lorem_ipsum.txt")
	content := []byte(strings.Repeat(fsLorem, 4)[:446])
	fsWriteFile(t, file, content)
	for _, extra := range []OpenFlag{0, O_FILEMAP} {
		fd := fsOpenFd(t, l, file, O_RDONLY|extra, 0)
		for _, none := range [][][]byte{nil, {}} {
			r, err := FSRead(l, fd, none, 0, nil)
			fsWant(t, r, err, EINVAL)
		}
		scratch := make([]byte, 768)
		bufs := [][]byte{scratch[0:256], scratch[256:512], scratch[512:640], scratch[640:768]}
		if r := fsOK(t)(FSRead(l, fd, bufs[0:2], 0, nil)); r.Result() != 446 {
			t.Fatalf("2 x 256 at 0: %d, want 446", r.Result())
		}
		if r := fsOK(t)(FSRead(l, fd, bufs[2:4], 256, nil)); r.Result() != 190 {
			t.Fatalf("2 x 128 at 256: %d, want 190", r.Result())
		}
		if !bytes.Equal(bufs[1][:128], bufs[2]) || !bytes.Equal(bufs[1][128:190], bufs[3][:190-128]) {
			t.Fatal("the reads at 0 and at 256 differ")
		}
		if !bytes.Equal(scratch[:446], content) {
			t.Fatalf("read %q", scratch[:446])
		}
		clear(scratch)
		r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSRead(l, fd, bufs[2:4], 256, cb) })
		if r.Result() != 190 || !bytes.Equal(scratch[512:702], content[256:]) {
			t.Fatalf("async 2 x 128 at 256: %d", r.Result())
		}
		fsCloseFd(t, l, fd)
	}
}

// libuv: fs_read_file_eof fs_read_file_eof_iouring
func TestFSReadFileEOF(t *testing.T) { fsLoopModes(t, testFSReadFileEOF) }

func testFSReadFileEOF(t *testing.T, l *Loop) {
	file := filepath.Join(t.TempDir(), "test_file")
	fsCreate(t, l, file, fsTestBuf)
	fd := fsOpenFd(t, l, file, O_RDONLY, 0)
	buf := make([]byte, 32)
	if r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, -1, nil)); !bytes.Equal(buf[:r.Result()], fsTestBuf) {
		t.Fatalf("read %q", buf[:r.Result()])
	}
	// At the offset the first read ended, as libuv's test.
	if r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, int64(len(fsTestBuf)), nil)); r.Result() != 0 {
		t.Fatalf("read at EOF: %d", r.Result())
	}
	a := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSRead(l, fd, [][]byte{buf}, -1, cb) })
	if a.Result() != 0 || a.Err() != nil {
		t.Fatalf("async read at EOF: %d %v", a.Result(), a.Err())
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_scandir_empty_dir fs_scandir_empty_dir_iouring
func TestFSScandirEmptyDir(t *testing.T) { fsLoopModes(t, testFSScandirEmptyDir) }

func testFSScandirEmptyDir(t *testing.T, l *Loop) {
	dir := t.TempDir()
	if r := fsOK(t)(FSScandir(l, dir, nil)); r.Result() != 0 || len(r.Dirents()) != 0 {
		t.Fatalf("sync: %d %v", r.Result(), r.Dirents())
	}
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSScandir(l, dir, cb) })
	if r.Result() != 0 || len(r.Dirents()) != 0 || r.Err() != nil {
		t.Fatalf("async: %d %v %v", r.Result(), r.Dirents(), r.Err())
	}
}

// libuv: fs_scandir_non_existent_dir fs_scandir_non_existent_dir_iouring
func TestFSScandirNonExistentDir(t *testing.T) { fsLoopModes(t, testFSScandirNonExistentDir) }

func testFSScandirNonExistentDir(t *testing.T, l *Loop) {
	dir := filepath.Join(t.TempDir(), "non_existent_dir")
	r, a := fsFailBoth(t, l, ENOENT, func(cb func(*FSReq)) (*FSReq, error) { return FSScandir(l, dir, cb) })
	if r.Dirents() != nil || a.Dirents() != nil {
		t.Fatalf("entries %v %v", r.Dirents(), a.Dirents())
	}
}

// libuv: fs_scandir_file fs_scandir_file_iouring
func TestFSScandirFile(t *testing.T) { fsLoopModes(t, testFSScandirFile) }

func testFSScandirFile(t *testing.T, l *Loop) {
	file := filepath.Join(t.TempDir(), "test_file")
	fsWriteFile(t, file, fsTestBuf)
	fsFailBoth(t, l, ENOTDIR, func(cb func(*FSReq)) (*FSReq, error) { return FSScandir(l, file, cb) })
}

// libuv: fs_open_dir fs_open_dir_iouring
func TestFSOpenDir(t *testing.T) { fsLoopModes(t, testFSOpenDir) }

func testFSOpenDir(t *testing.T, l *Loop) {
	dir := t.TempDir()
	fsCloseFd(t, l, fsOpenFd(t, l, dir, O_RDONLY, 0))
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSOpen(l, dir, O_RDONLY, 0, cb) })
	if r.Result() < 0 {
		t.Fatal(r.Err())
	}
	fsCloseFd(t, l, int(r.Result()))
}

// libuv: fs_rename_to_existing_file fs_rename_to_existing_file_iouring
func TestFSRenameToExistingFile(t *testing.T) { fsLoopModes(t, testFSRenameToExistingFile) }

func testFSRenameToExistingFile(t *testing.T, l *Loop) {
	dir := t.TempDir()
	file, file2 := filepath.Join(dir, "test_file"), filepath.Join(dir, "test_file2")
	fsWriteFile(t, file, fsTestBuf)
	fsWriteFile(t, file2, fsTestBuf2)
	fsOK(t)(FSRename(l, file, file2, nil))
	if got := fsReadFile(t, file2); !bytes.Equal(got, fsTestBuf) {
		t.Fatalf("after rename: %q", got)
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the source is still there")
	}
}

// libuv: fs_write_multiple_bufs fs_write_multiple_bufs_iouring
func TestFSWriteMultipleBufs(t *testing.T) { fsLoopModes(t, testFSWriteMultipleBufs) }

func testFSWriteMultipleBufs(t *testing.T, l *Loop) {
	file := filepath.Join(t.TempDir(), "test_file")
	for _, extra := range []OpenFlag{0, O_FILEMAP} {
		fd := fsOpenFd(t, l, file, O_WRONLY|O_CREAT|extra, 0o600)
		if r := fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf, fsTestBuf2}, 0, nil)); r.Result() != int64(len(fsTestBuf)+len(fsTestBuf2)) {
			t.Fatalf("write: %d", r.Result())
		}
		fsCloseFd(t, l, fd)
		fd = fsOpenFd(t, l, file, O_RDONLY|extra, 0)
		if pos, err := syscall.Seek(fd, 0, 1); err != nil || pos != 0 {
			t.Fatalf("position after open: %d, %v", pos, err)
		}
		total := int64(len(fsTestBuf) + len(fsTestBuf2))
		b1, b2 := make([]byte, len(fsTestBuf)), make([]byte, len(fsTestBuf2))
		// Into two buffers at the position, then at the position again (the end).
		if r := fsOK(t)(FSRead(l, fd, [][]byte{b1, b2}, -1, nil)); r.Result() != total ||
			!bytes.Equal(b1, fsTestBuf) || !bytes.Equal(b2, fsTestBuf2) {
			t.Fatalf("read %d: %q %q", r.Result(), b1, b2)
		}
		buf := make([]byte, 32)
		if r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, -1, nil)); r.Result() != 0 {
			t.Fatalf("read at the position after everything: %d", r.Result())
		}
		// Into two buffers at offset 0, then at the end's offset.
		clear(b1)
		clear(b2)
		if r := fsOK(t)(FSRead(l, fd, [][]byte{b1, b2}, 0, nil)); r.Result() != total ||
			!bytes.Equal(b1, fsTestBuf) || !bytes.Equal(b2, fsTestBuf2) {
			t.Fatalf("read at 0: %d: %q %q", r.Result(), b1, b2)
		}
		if r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, total, nil)); r.Result() != 0 {
			t.Fatalf("read at the end's offset: %d", r.Result())
		}
		// And asynchronously at offset 0.
		clear(b1)
		clear(b2)
		a := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSRead(l, fd, [][]byte{b1, b2}, 0, cb) })
		if a.Result() != total || !bytes.Equal(b1, fsTestBuf) || !bytes.Equal(b2, fsTestBuf2) {
			t.Fatalf("async read: %d %q %q", a.Result(), b1, b2)
		}
		fsCloseFd(t, l, fd)
	}
}

// libuv: fs_read_write_null_arguments fs_read_write_null_arguments_iouring
func TestFSReadWriteNullArguments(t *testing.T) { fsLoopModes(t, testFSReadWriteNullArguments) }

func testFSReadWriteNullArguments(t *testing.T, l *Loop) {
	for _, bufs := range [][][]byte{nil, {}} {
		r, err := FSRead(l, 0, bufs, -1, nil)
		fsWant(t, r, err, EINVAL)
		r, err = FSWrite(l, 0, bufs, -1, nil)
		fsWant(t, r, err, EINVAL)
		fail := func(*FSReq) { t.Error("the callback of a refused request ran") }
		if r, err := FSRead(l, 0, bufs, -1, fail); r != nil || !errors.Is(err, EINVAL) {
			t.Fatalf("async read: %v %v, want EINVAL", r, err)
		}
		if r, err := FSWrite(l, 0, bufs, -1, fail); r != nil || !errors.Is(err, EINVAL) {
			t.Fatalf("async write: %v %v, want EINVAL", r, err)
		}
		// Invalid arguments do not keep the loop alive.
		if run(t, l, RunDefault) {
			t.Fatal("the loop is alive after refused requests")
		}
	}
}

// libuv: get_osfhandle_valid_handle
func TestGetOsfhandleValidHandle(t *testing.T) {
	l := newTestLoop(t)
	fd := fsOpenFd(t, l, filepath.Join(t.TempDir(), "test_file"), O_RDWR|O_CREAT, 0o600)
	if h := OSFHandle(fd); h != fd {
		t.Fatalf("OSFHandle(%d) = %d", fd, h)
	}
	fsCloseFd(t, l, fd)
}

// libuv: open_osfhandle_valid_handle
func TestOpenOsfhandleValidHandle(t *testing.T) {
	l := newTestLoop(t)
	fd := fsOpenFd(t, l, filepath.Join(t.TempDir(), "test_file"), O_RDWR|O_CREAT, 0o600)
	if got := OpenOSFHandle(OSFHandle(fd)); got != fd {
		t.Fatalf("OpenOSFHandle(OSFHandle(%d)) = %d", fd, got)
	}
	fsCloseFd(t, l, fd)
}

// fsIOVMax is IOV_MAX on Linux: a read takes at most that many buffers (libuv reads once).
const fsIOVMax = 1024

// fsWriteAlotofBufs is libuv's fs_write_alotof_bufs (withOffset false) and
// fs_write_alotof_bufs_with_offset: 54321 buffers of test_buf written in one request (after a
// 10-byte filler at the position, for the offset variant), then read back into 54321 buffers
// in one request, which returns IOV_MAX of them; then a read at the end returns 0.
func fsWriteAlotofBufs(t *testing.T, l *Loop, withOffset bool, extra OpenFlag) {
	file := filepath.Join(t.TempDir(), "test_file")
	fd := fsOpenFd(t, l, file, O_RDWR|O_CREAT|extra, 0o600)
	const count = 54321
	offset := int64(-1)
	if withOffset {
		if r := fsOK(t)(FSWrite(l, fd, [][]byte{[]byte("0123456789")}, -1, nil)); r.Result() != 10 {
			t.Fatalf("filler: %d, want 10", r.Result())
		}
		offset = 10
	}
	bufs := make([][]byte, count)
	for i := range bufs {
		bufs[i] = fsTestBuf
	}
	total := int64(count * len(fsTestBuf))
	if r := fsOK(t)(FSWrite(l, fd, bufs, offset, nil)); r.Result() != total {
		t.Fatalf("write: %d, want %d", r.Result(), total)
	}
	back := make([]byte, total)
	for i := range bufs {
		bufs[i] = back[i*len(fsTestBuf) : (i+1)*len(fsTestBuf)]
	}
	if !withOffset { // reopened for reading, at position 0
		fsCloseFd(t, l, fd)
		fd = fsOpenFd(t, l, file, O_RDONLY|extra, 0)
	}
	r := fsOK(t)(FSRead(l, fd, bufs, offset, nil))
	n := int64(min(count, fsIOVMax))
	if withOffset && r.Result() == int64(len(fsTestBuf)) {
		n = 1 // libuv's test: preadv is missing
	}
	if r.Result() != n*int64(len(fsTestBuf)) {
		t.Fatalf("read: %d, want %d buffers of %d", r.Result(), n, len(fsTestBuf))
	}
	if !bytes.Equal(back[:r.Result()], bytes.Repeat(fsTestBuf, int(n))) {
		t.Fatal("read back differs")
	}
	if withOffset {
		if size := fsOK(t)(FSStat(l, file, nil)).Stat().Size; size != uint64(10+total) {
			t.Fatalf("size %d, want %d", size, 10+total)
		}
		if r := fsOK(t)(FSRead(l, fd, bufs[:1], 10+total, nil)); r.Result() != 0 {
			t.Fatalf("read at the end: %d", r.Result())
		}
	} else {
		if pos, err := syscall.Seek(fd, total, 0); err != nil || pos != total {
			t.Fatalf("lseek to the end: %d, %v", pos, err)
		}
		if r := fsOK(t)(FSRead(l, fd, bufs[:1], -1, nil)); r.Result() != 0 {
			t.Fatalf("read at the end: %d", r.Result())
		}
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_write_alotof_bufs fs_write_alotof_bufs_iouring
func TestFSWriteAlotofBufs(t *testing.T) { fsLoopModes(t, testFSWriteAlotofBufs) }

func testFSWriteAlotofBufs(t *testing.T, l *Loop) {
	fsWriteAlotofBufs(t, l, false, 0)
	fsWriteAlotofBufs(t, l, false, O_FILEMAP) // 0 on Unix
}

// libuv: fs_write_alotof_bufs_with_offset fs_write_alotof_bufs_with_offset_iouring
func TestFSWriteAlotofBufsWithOffset(t *testing.T) { fsLoopModes(t, testFSWriteAlotofBufsWithOffset) }

func testFSWriteAlotofBufsWithOffset(t *testing.T, l *Loop) {
	fsWriteAlotofBufs(t, l, true, 0)
	fsWriteAlotofBufs(t, l, true, O_FILEMAP)
}

// fsPartial mirrors libuv's test_fs_partial: a synchronous read (or write) of 54321 buffers of
// 13 bytes on a pipe whose other end another goroutine writes (reads) 1000 bytes at a time,
// sending SIGUSR1 to the test's thread after each piece, which a Signal handle watches. A read
// may answer EINTR or a partial count, and goes on from where it stopped; the write is whole.
// The signal callback stops its handle; Run then answers false, and after the writer's end
// is closed a read answers 0.
func fsPartial(t *testing.T, l *Loop, doread bool) {
	runtime.LockOSThread() // the goroutine's thread is the one the signals go to
	defer runtime.UnlockOSThread()
	pid, tid := os.Getpid(), syscall.Gettid()
	const count = 54321
	data := bytes.Repeat([]byte("0123456789abc"), count)
	buffer := make([]byte, len(data))
	bufs := make([][]byte, count)
	for i := range bufs {
		bufs[i] = buffer[i*13 : (i+1)*13]
	}
	if !doread { // the buffers hold the data to write; the goroutine reads it into data
		copy(buffer, data)
		data = make([]byte, len(buffer))
	}
	sig, err := NewSignal(l)
	must(t, err)
	must(t, sig.Start(syscall.SIGUSR1, func(syscall.Signal) { hndCheck(t, sig.Stop()) }))
	rp, wp, err := os.Pipe()
	must(t, err)
	defer rp.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for off := 0; off < len(data); {
			n := min(1000, len(data)-off)
			var k int
			var err error
			if doread {
				k, err = wp.Write(data[off : off+n])
				if err == nil && k != n {
					err = fmt.Errorf("write: %d of %d bytes", k, n)
				}
			} else {
				k, err = rp.Read(data[off : off+n]) // a partial read is fine
			}
			if err != nil {
				t.Error(err)
				return
			}
			if err := syscall.Tgkill(pid, tid, syscall.SIGUSR1); err != nil {
				t.Error(err)
				return
			}
			off += k
		}
	}()
	if doread {
		for nread := 0; nread < len(data); {
			r, err := FSRead(l, int(rp.Fd()), bufs, -1, nil)
			if errors.Is(err, EINTR) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			n := int(r.Result())
			nread += n
			for n > 0 && len(bufs) > 0 { // drop what is filled, trim a partly filled buffer
				k := min(n, len(bufs[0]))
				bufs[0] = bufs[0][k:]
				if len(bufs[0]) == 0 {
					bufs = bufs[1:]
				}
				n -= k
			}
		}
	} else {
		if r := fsOK(t)(FSWrite(l, int(wp.Fd()), bufs, -1, nil)); r.Result() != int64(len(buffer)) {
			t.Fatalf("write: %d, want %d", r.Result(), len(buffer))
		}
	}
	wg.Wait() // the reader of a write may still be on its last piece
	if !bytes.Equal(buffer, data) {
		t.Fatal("the data differ")
	}
	if run(t, l, RunDefault) {
		t.Fatal("Run: alive after the signal callback stopped its handle")
	}
	must(t, wp.Close())
	hndDoClose(t, l, sig)
	if r := fsOK(t)(FSRead(l, int(rp.Fd()), [][]byte{buffer[:13]}, -1, nil)); r.Result() != 0 {
		t.Fatalf("read after everything: %d", r.Result())
	}
}

// libuv: fs_partial_read fs_partial_read_iouring
func TestFSPartialRead(t *testing.T) {
	fsLoopModes(t, func(t *testing.T, l *Loop) { fsPartial(t, l, true) })
}

// libuv: fs_partial_write fs_partial_write_iouring
func TestFSPartialWrite(t *testing.T) {
	fsLoopModes(t, func(t *testing.T, l *Loop) { fsPartial(t, l, false) })
}

// libuv: fs_file_pos_after_op_with_offset fs_file_pos_after_op_with_offset_iouring
func TestFSFilePosAfterOpWithOffset(t *testing.T) { fsLoopModes(t, testFSFilePosAfterOpWithOffset) }

func testFSFilePosAfterOpWithOffset(t *testing.T, l *Loop) {
	fd := fsOpenFd(t, l, filepath.Join(t.TempDir(), "test_file"), O_RDWR|O_CREAT, 0o600)
	pos := func() int64 {
		p, err := syscall.Seek(fd, 0, 1)
		must(t, err)
		return p
	}
	if r := fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf}, 0, nil)); r.Result() != int64(len(fsTestBuf)) || pos() != 0 {
		t.Fatalf("write at 0: %d, position %d", r.Result(), pos())
	}
	buf := make([]byte, 32)
	if r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, 0, nil)); !bytes.Equal(buf[:r.Result()], fsTestBuf) || pos() != 0 {
		t.Fatalf("read at 0: %q, position %d", buf[:r.Result()], pos())
	}
	// A negative offset is libuv's -1: the current position, which then moves.
	if r := fsOK(t)(FSRead(l, fd, [][]byte{buf[:4]}, -7, nil)); string(buf[:r.Result()]) != "test" || pos() != 4 {
		t.Fatalf("read at the position: %q, position %d", buf[:r.Result()], pos())
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_read_dir fs_read_dir_iouring
func TestFSReadDir(t *testing.T) { fsLoopModes(t, testFSReadDir) }

func testFSReadDir(t *testing.T, l *Loop) {
	fd := fsOpenFd(t, l, t.TempDir(), O_RDONLY, 0)
	buf := make([]byte, 32)
	_, a := fsFailBoth(t, l, EISDIR, func(cb func(*FSReq)) (*FSReq, error) { return FSRead(l, fd, [][]byte{buf}, -1, cb) })
	if !errors.Is(a.Err(), syscall.EISDIR) {
		t.Fatalf("async: %v", a.Err())
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_get_system_error fs_get_system_error_iouring
func TestFSGetSystemError(t *testing.T) { fsLoopModes(t, testFSGetSystemError) }

func testFSGetSystemError(t *testing.T, l *Loop) {
	r, err := FSStatfs(l, filepath.Join(t.TempDir(), "non_existing_file"), nil)
	fsWant(t, r, err, ENOENT)
	if r.SystemError() != syscall.ENOENT {
		t.Fatalf("SystemError %v, want ENOENT", r.SystemError())
	}
	if r := fsOK(t)(FSStatfs(l, ".", nil)); r.SystemError() != 0 {
		t.Fatalf("SystemError of a success: %v", r.SystemError())
	}
}

// fsTouch creates name with size bytes of 'a', one write each, as libuv's copyfile test does.
func fsTouch(t testing.TB, l *Loop, name string, size int) {
	t.Helper()
	fd := fsOpenFd(t, l, name, O_WRONLY|O_CREAT|O_TRUNC, 0o600)
	for i := 0; i < size; i++ {
		fsOK(t)(FSWrite(l, fd, [][]byte{[]byte("a")}, int64(i), nil))
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_copyfile fs_copyfile_iouring
func TestFSCopyfile(t *testing.T) { fsLoopModes(t, testFSCopyfile) }

func testFSCopyfile(t *testing.T, l *Loop) {
	dir := t.TempDir()
	fixture, src, dst := filepath.Join(dir, "fixture"), filepath.Join(dir, "test_file_src"), filepath.Join(dir, "test_file_dst")
	fsWriteFile(t, fixture, bytes.Repeat([]byte(fsLorem), 40))
	checked := 0
	check := func(r *FSReq) {
		t.Helper()
		if r.FSType() != FSTypeCopyfile || r.Err() != nil {
			t.Fatalf("copyfile: %v %v", r.FSType(), r.Err())
		}
		s, d := fsOK(t)(FSStat(l, r.Path(), nil)).Stat(), fsOK(t)(FSStat(l, dst, nil)).Stat()
		if s.Size != d.Size || s.Mode != d.Mode {
			t.Fatalf("copy of %s: size %d mode %o, source %d %o", r.Path(), d.Size, d.Mode, s.Size, s.Mode)
		}
		if !bytes.Equal(fsReadFile(t, r.Path()), fsReadFile(t, dst)) {
			t.Fatal("the copy differs")
		}
		checked++
	}
	r, err := FSCopyfile(l, src, dst, -1, nil)
	fsWant(t, r, err, EINVAL)
	r, err = FSCopyfile(l, src, dst, 0, nil)
	fsWant(t, r, err, ENOENT)
	if r, err := FSStat(l, dst, nil); err == nil {
		t.Fatalf("the destination exists: %+v", r.Stat())
	}
	// A file copied onto itself: success, and it keeps its 12 bytes.
	fsTouch(t, l, src, 12)
	fsOK(t)(FSCopyfile(l, src, src, 0, nil))
	if size := fsOK(t)(FSStat(l, src, nil)).Stat().Size; size != 12 {
		t.Fatalf("copied onto itself: %d bytes, want 12", size)
	}
	os.Remove(src)
	check(fsOK(t)(FSCopyfile(l, fixture, dst, 0, nil))) // creates
	os.Remove(dst)
	fsTouch(t, l, src, 0)
	check(fsOK(t)(FSCopyfile(l, src, dst, 0, nil)))     // an empty file
	check(fsOK(t)(FSCopyfile(l, fixture, dst, 0, nil))) // overwrites
	r, err = FSCopyfile(l, fixture, dst, CopyfileExcl, nil)
	fsWant(t, r, err, EEXIST)
	fsTouch(t, l, src, 1)
	check(fsOK(t)(FSCopyfile(l, src, dst, 0, nil))) // truncates the larger destination
	os.Remove(dst)
	fsTouch(t, l, src, 4096*2)
	check(fsOK(t)(FSCopyfile(l, src, dst, 0, nil))) // a larger file
	os.Remove(src)
	os.Remove(dst)
	check(fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSCopyfile(l, fixture, dst, 0, cb) }))
	// Invalid flags asynchronously: refused, and the loop is not kept alive.
	os.Remove(dst)
	if r, err := FSCopyfile(l, fixture, dst, -1, func(*FSReq) { t.Error("callback of a refused copyfile") }); r != nil || !errors.Is(err, EINVAL) {
		t.Fatalf("async with bad flags: %v", err)
	}
	if run(t, l, RunDefault) {
		t.Fatal("alive after a refused copyfile")
	}
	check(fsOK(t)(FSCopyfile(l, fixture, dst, CopyfileFiclone, nil)))
	os.Remove(dst)
	r, err = FSCopyfile(l, fixture, dst, CopyfileFicloneForce, nil)
	switch {
	case err == nil:
		check(r)
	case errors.Is(err, ENOSYS), errors.Is(err, ENOTSUP), errors.Is(err, ENOTTY), errors.Is(err, EXDEV):
		// the file system has no reflinks
	default:
		t.Fatalf("FICLONE_FORCE: %v", err)
	}
	// Copying respects the destination's permissions, which do not stop root.
	os.Remove(dst)
	fsTouch(t, l, dst, 0)
	fsOK(t)(FSChmod(l, dst, 0o444, nil))
	r, err = FSCopyfile(l, fixture, dst, 0, nil)
	if os.Geteuid() == 0 {
		check(fsOK(t)(r, err))
	} else {
		fsWant(t, r, err, EACCES)
	}
	if checked < 8 {
		t.Fatalf("%d copies checked", checked)
	}
}

// fsReaddirAll reads d one entry at a time until the end, synchronously.
func fsReaddirAll(t testing.TB, l *Loop, d *Dir) []Dirent {
	t.Helper()
	var all []Dirent
	for {
		r := fsOK(t)(FSReaddir(l, d, 1, nil))
		if r.FSType() != FSTypeReaddir {
			t.Fatalf("type %v", r.FSType())
		}
		if r.Result() == 0 {
			return all
		}
		if r.Result() != 1 || len(r.Dirents()) != 1 {
			t.Fatalf("readdir of 1: %d %v", r.Result(), r.Dirents())
		}
		all = append(all, r.Dirents()...)
	}
}

// libuv: fs_readdir_empty_dir fs_readdir_empty_dir_iouring
func TestFSReaddirEmptyDir(t *testing.T) { fsLoopModes(t, testFSReaddirEmptyDir) }

func testFSReaddirEmptyDir(t *testing.T, l *Loop) {
	path := t.TempDir() + "/empty_dir/"
	fsOK(t)(FSMkdir(l, path, 0o777, nil))
	r := fsOK(t)(FSOpendir(l, path, nil))
	if r.FSType() != FSTypeOpendir || r.Dir() == nil {
		t.Fatalf("opendir: %v %v", r.FSType(), r.Dir())
	}
	d := r.Dir()
	if r := fsOK(t)(FSReaddir(l, d, 1, nil)); r.Result() != 0 || r.Dirents() != nil {
		t.Fatalf("readdir: %d %v", r.Result(), r.Dirents())
	}
	if r := fsOK(t)(FSClosedir(l, d, nil)); r.FSType() != FSTypeClosedir || r.Result() != 0 {
		t.Fatalf("closedir: %v %d", r.FSType(), r.Result())
	}
	// Asynchronously: opendir, readdir, closedir from the callbacks.
	var steps []string
	_, err := FSOpendir(l, path, func(r *FSReq) {
		steps = append(steps, "opendir")
		if r.Err() != nil || r.Dir() == nil {
			t.Errorf("opendir: %v", r.Err())
			return
		}
		d := r.Dir()
		_, err := FSReaddir(l, d, 1, func(r *FSReq) {
			steps = append(steps, "readdir")
			if r.FSType() != FSTypeReaddir || r.Result() != 0 {
				t.Errorf("readdir: %d", r.Result())
			}
			_, err := FSClosedir(l, d, func(r *FSReq) {
				steps = append(steps, "closedir")
				loopNoErr(t, r.Err())
			})
			loopNoErr(t, err)
		})
		loopNoErr(t, err)
	})
	must(t, err)
	if run(t, l, RunDefault) {
		t.Fatal("alive after the callbacks")
	}
	if got := strings.Join(steps, " "); got != "opendir readdir closedir" {
		t.Fatalf("steps %q", got)
	}
}

// libuv: fs_readdir_non_existing_dir fs_readdir_non_existing_dir_iouring
func TestFSReaddirNonExistingDir(t *testing.T) { fsLoopModes(t, testFSReaddirNonExistingDir) }

func testFSReaddirNonExistingDir(t *testing.T, l *Loop) {
	path := t.TempDir() + "/non-existing-dir/"
	r, a := fsFailBoth(t, l, ENOENT, func(cb func(*FSReq)) (*FSReq, error) { return FSOpendir(l, path, cb) })
	if r.FSType() != FSTypeOpendir || r.Dir() != nil || a.Dir() != nil {
		t.Fatalf("opendir: %v %v %v", r.FSType(), r.Dir(), a.Dir())
	}
}

// libuv: fs_readdir_file fs_readdir_file_iouring
func TestFSReaddirFile(t *testing.T) { fsLoopModes(t, testFSReaddirFile) }

func testFSReaddirFile(t *testing.T, l *Loop) {
	path := filepath.Join(t.TempDir(), "empty_file")
	fsWriteFile(t, path, nil)
	r, a := fsFailBoth(t, l, ENOTDIR, func(cb func(*FSReq)) (*FSReq, error) { return FSOpendir(l, path, cb) })
	if r.Dir() != nil || a.Dir() != nil {
		t.Fatal("a Dir for a file")
	}
}

func fsCheckTyped(t testing.TB, ents []Dirent) {
	t.Helper()
	var names []string
	for _, e := range ents {
		names = append(names, e.Name)
		want := DirentFile
		if e.Name == "test_subdir" {
			want = DirentDir
		}
		if e.Type != want { // libuv's test on Linux (HAVE_DIRENT_TYPES): the exact type
			t.Errorf("%s: type %v, want %v", e.Name, e.Type, want)
		}
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "file1 file2 test_subdir" {
		t.Fatalf("entries %q", got)
	}
}

// libuv: fs_readdir_non_empty_dir fs_readdir_non_empty_dir_iouring
func TestFSReaddirNonEmptyDir(t *testing.T) { fsLoopModes(t, testFSReaddirNonEmptyDir) }

func testFSReaddirNonEmptyDir(t *testing.T, l *Loop) {
	dir := filepath.Join(t.TempDir(), "test_dir")
	fsOK(t)(FSMkdir(l, dir, 0o755, nil))
	fsCloseFd(t, l, fsOpenFd(t, l, filepath.Join(dir, "file1"), O_WRONLY|O_CREAT, 0o600))
	fsCloseFd(t, l, fsOpenFd(t, l, filepath.Join(dir, "file2"), O_WRONLY|O_CREAT, 0o600))
	fsOK(t)(FSMkdir(l, filepath.Join(dir, "test_subdir"), 0o755, nil))

	d := fsOK(t)(FSOpendir(l, dir, nil)).Dir()
	fsCheckTyped(t, fsReaddirAll(t, l, d))
	fsOK(t)(FSClosedir(l, d, nil))
	if _, err := FSReaddir(l, d, 1, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("readdir after closedir: %v, want ErrClosed", err)
	}
	if _, err := FSClosedir(l, d, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("second closedir: %v, want ErrClosed", err)
	}

	// Asynchronously, one entry per readdir, until the end; then closedir.
	var ents []Dirent
	closed := 0
	var readdir func(d *Dir)
	readdir = func(d *Dir) {
		_, err := FSReaddir(l, d, 1, func(r *FSReq) {
			switch {
			case r.Err() != nil:
				t.Errorf("readdir: %v", r.Err())
			case r.Result() == 0:
				_, err := FSClosedir(l, d, func(r *FSReq) { closed++; loopNoErr(t, r.Err()) })
				loopNoErr(t, err)
			default:
				ents = append(ents, r.Dirents()...)
				readdir(d)
			}
		})
		loopNoErr(t, err)
	}
	_, err := FSOpendir(l, dir, func(r *FSReq) {
		d := r.Dir()
		readdir(d)
		// One readdir at a time on a Dir.
		if _, err := FSReaddir(l, d, 1, nil); !errors.Is(err, EBUSY) {
			t.Errorf("a second readdir in flight: %v, want EBUSY", err)
		}
		if _, err := FSClosedir(l, d, nil); !errors.Is(err, EBUSY) {
			t.Errorf("closedir while a readdir is in flight: %v, want EBUSY", err)
		}
	})
	must(t, err)
	if run(t, l, RunDefault) {
		t.Fatal("Run: alive after the closedir")
	}
	if closed != 1 {
		t.Fatalf("closedir callbacks %d", closed)
	}
	fsCheckTyped(t, ents)

	// Several entries at once.
	d = fsOK(t)(FSOpendir(l, dir, nil)).Dir()
	r := fsOK(t)(FSReaddir(l, d, 8, nil))
	if r.Result() != 3 {
		t.Fatalf("readdir of 8: %d", r.Result())
	}
	fsCheckTyped(t, r.Dirents())
	r, err = FSReaddir(l, d, 0, nil)
	fsWant(t, r, err, EINVAL)
	if _, err := FSReaddir(l, d, -1, nil); !errors.Is(err, ErrNegative) {
		t.Fatalf("readdir of -1: %v, want ErrNegative", err)
	}
	fsOK(t)(FSClosedir(l, d, nil))
}

// TestFSBadInput: misuse is a clear Go error before C, and nothing is left behind.
func TestFSBadInput(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "test_file")
	fsWriteFile(t, file, fsTestBuf)
	never := func(*FSReq) { t.Error("the callback of a refused request ran") }

	// A NUL byte in a path, sync and async, first and second path.
	for _, cb := range []func(*FSReq){nil, never} {
		bad := "bad\x00name"
		checks := map[string]func() (*FSReq, error){
			"open":     func() (*FSReq, error) { return FSOpen(l, bad, O_RDONLY, 0, cb) },
			"stat":     func() (*FSReq, error) { return FSStat(l, bad, cb) },
			"rename":   func() (*FSReq, error) { return FSRename(l, file, bad, cb) },
			"copyfile": func() (*FSReq, error) { return FSCopyfile(l, bad, file, 0, cb) },
			"symlink":  func() (*FSReq, error) { return FSSymlink(l, file, bad, 0, cb) },
		}
		for op, call := range checks {
			r, err := call()
			var pe *fs.PathError
			if r != nil || !errors.As(err, &pe) || pe.Op != op || pe.Path != bad || !errors.Is(err, ErrNUL) {
				t.Errorf("%s with a NUL byte: %v %#v, want a PathError{%s, %q, ErrNUL}", op, r, err, op, bad)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); err == nil {
		t.Error("a truncated path reached the file system")
	}

	// A closed descriptor, and one that never was: libuv's EBADF.
	fd := fsOpenFd(t, l, file, O_RDONLY, 0)
	fsCloseFd(t, l, fd)
	buf := make([]byte, 8)
	for _, bad := range []int{fd, -1} {
		r, err := FSRead(l, bad, [][]byte{buf}, -1, nil)
		fsWant(t, r, err, EBADF)
		if r.SystemError() != syscall.EBADF {
			t.Errorf("SystemError %v", r.SystemError())
		}
		r, err = FSFstat(l, bad, nil)
		fsWant(t, r, err, EBADF)
		r, err = FSClose(l, bad, nil)
		fsWant(t, r, err, EBADF)
		a := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSWrite(l, bad, [][]byte{buf}, 0, cb) })
		if a.Result() != int64(EBADF) || !errors.Is(a.Err(), syscall.EBADF) {
			t.Errorf("async write to a bad fd: %v", a.Err())
		}
	}

	// Negative sizes.
	if r, err := FSSendfile(l, 1, 0, 0, -1, nil); r != nil || !errors.Is(err, ErrNegative) {
		t.Errorf("sendfile of -1 bytes: %v, want ErrNegative", err)
	}
	// A zero-length buffer reads and writes nothing (libuv's answer); no buffer is EINVAL.
	fd = fsOpenFd(t, l, file, O_RDWR, 0)
	if r := fsOK(t)(FSRead(l, fd, [][]byte{{}}, 0, nil)); r.Result() != 0 {
		t.Errorf("read into an empty buffer: %d", r.Result())
	}
	a := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSRead(l, fd, [][]byte{buf[:0]}, 0, cb) })
	if a.Result() != 0 || a.Err() != nil {
		t.Errorf("async read into an empty buffer: %d %v", a.Result(), a.Err())
	}
	fsCloseFd(t, l, fd)
	if r, err := FSWrite(l, fd, nil, 0, never); r != nil || !errors.Is(err, EINVAL) {
		t.Errorf("async write of no buffer: %v", err)
	}
	if run(t, l, RunDefault) {
		t.Error("refused requests keep the loop alive")
	}
}

// TestFSClosedLoop: every operation on a closed (or nil) loop is ErrClosed, in both modes.
func TestFSClosedLoop(t *testing.T) {
	l := newTestLoop(t)
	d := fsOK(t)(FSOpendir(l, t.TempDir(), nil)).Dir()
	closedLoop, err := NewLoop()
	must(t, err)
	must(t, closedLoop.Close())
	now := time.Now()
	for _, c := range []*Loop{closedLoop, nil} {
		for _, cb := range []func(*FSReq){nil, func(*FSReq) { t.Error("callback on a closed loop") }} {
			calls := map[string]func() (*FSReq, error){
				"close":     func() (*FSReq, error) { return FSClose(c, 0, cb) },
				"open":      func() (*FSReq, error) { return FSOpen(c, "f", O_RDONLY, 0, cb) },
				"read":      func() (*FSReq, error) { return FSRead(c, 0, [][]byte{make([]byte, 1)}, 0, cb) },
				"write":     func() (*FSReq, error) { return FSWrite(c, 0, [][]byte{make([]byte, 1)}, 0, cb) },
				"unlink":    func() (*FSReq, error) { return FSUnlink(c, "f", cb) },
				"copyfile":  func() (*FSReq, error) { return FSCopyfile(c, "f", "g", 0, cb) },
				"mkdir":     func() (*FSReq, error) { return FSMkdir(c, "f", 0, cb) },
				"mkdtemp":   func() (*FSReq, error) { return FSMkdtemp(c, "fXXXXXX", cb) },
				"mkstemp":   func() (*FSReq, error) { return FSMkstemp(c, "fXXXXXX", cb) },
				"rmdir":     func() (*FSReq, error) { return FSRmdir(c, "f", cb) },
				"scandir":   func() (*FSReq, error) { return FSScandir(c, "f", cb) },
				"opendir":   func() (*FSReq, error) { return FSOpendir(c, "f", cb) },
				"readdir":   func() (*FSReq, error) { return FSReaddir(c, d, 1, cb) },
				"closedir":  func() (*FSReq, error) { return FSClosedir(c, d, cb) },
				"stat":      func() (*FSReq, error) { return FSStat(c, "f", cb) },
				"fstat":     func() (*FSReq, error) { return FSFstat(c, 0, cb) },
				"lstat":     func() (*FSReq, error) { return FSLstat(c, "f", cb) },
				"statfs":    func() (*FSReq, error) { return FSStatfs(c, "f", cb) },
				"rename":    func() (*FSReq, error) { return FSRename(c, "f", "g", cb) },
				"fsync":     func() (*FSReq, error) { return FSFsync(c, 0, cb) },
				"fdatasync": func() (*FSReq, error) { return FSFdatasync(c, 0, cb) },
				"ftruncate": func() (*FSReq, error) { return FSFtruncate(c, 0, 0, cb) },
				"sendfile":  func() (*FSReq, error) { return FSSendfile(c, 1, 0, 0, 1, cb) },
				"access":    func() (*FSReq, error) { return FSAccess(c, "f", F_OK, cb) },
				"chmod":     func() (*FSReq, error) { return FSChmod(c, "f", 0, cb) },
				"fchmod":    func() (*FSReq, error) { return FSFchmod(c, 0, 0, cb) },
				"utime":     func() (*FSReq, error) { return FSUtime(c, "f", now, now, cb) },
				"futime":    func() (*FSReq, error) { return FSFutime(c, 0, now, now, cb) },
				"lutime":    func() (*FSReq, error) { return FSLutime(c, "f", now, now, cb) },
				"link":      func() (*FSReq, error) { return FSLink(c, "f", "g", cb) },
				"symlink":   func() (*FSReq, error) { return FSSymlink(c, "f", "g", 0, cb) },
				"readlink":  func() (*FSReq, error) { return FSReadlink(c, "f", cb) },
				"realpath":  func() (*FSReq, error) { return FSRealpath(c, "f", cb) },
				"chown":     func() (*FSReq, error) { return FSChown(c, "f", -1, -1, cb) },
				"fchown":    func() (*FSReq, error) { return FSFchown(c, 0, -1, -1, cb) },
				"lchown":    func() (*FSReq, error) { return FSLchown(c, "f", -1, -1, cb) },
			}
			if len(calls) != 36 { // the 37 operations, scandir_next being part of scandir
				t.Fatalf("%d operations checked", len(calls))
			}
			for op, call := range calls {
				if r, err := call(); r != nil || !errors.Is(err, ErrClosed) {
					t.Errorf("%s on a closed loop (async %v): %v %v, want ErrClosed", op, cb != nil, r, err)
				}
			}
		}
	}
	fsOK(t)(FSClosedir(l, d, nil)) // d was left alone
}

// TestFSWrongThread: both modes check the calling thread while the loop runs (ErrWrongThread,
// or the uvdebug tag's panic), and nothing is left behind.
func TestFSWrongThread(t *testing.T) {
	l := newTestLoop(t)
	dir := t.TempDir()
	tm, err := NewTimer(l)
	must(t, err)
	var errs []error
	must(t, tm.Start(0, 0, func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, cb := range []func(*FSReq){nil, func(*FSReq) { t.Error("callback of a refused request") }} {
				for _, call := range []func() (*FSReq, error){
					func() (*FSReq, error) { return FSStat(l, dir, cb) },
					func() (*FSReq, error) { return FSFstat(l, 0, cb) },
					func() (*FSReq, error) { return FSRead(l, 0, [][]byte{make([]byte, 1)}, 0, cb) },
				} {
					var err error
					if v := loopRecover(func() { _, err = call() }); v != nil {
						err = ErrWrongThread // the uvdebug tag panics
					}
					errs = append(errs, err)
				}
			}
		}()
		<-done
		tm.Close(nil)
	}))
	run(t, l, RunDefault)
	if len(errs) != 6 {
		t.Fatalf("%d calls", len(errs))
	}
	for i, err := range errs {
		if !errors.Is(err, ErrWrongThread) {
			t.Errorf("call %d from another goroutine: %v, want ErrWrongThread", i, err)
		}
	}
}

// TestFSCancel: a request still queued behind a busy threadpool is cancelled; its callback
// sees ECANCELED. Cancel after completion, or of a synchronous request, is ErrClosed. The
// requests are of operations that never run on io_uring (realpath, closedir): on Linux, libuv
// 1.45-1.48 runs stat and others there, where they cannot be cancelled (fsCancelBroken).
func TestFSCancel(t *testing.T) {
	l := newTestLoop(t)
	b := tpSaturate(t, l)
	var got *FSReq
	r, err := FSRealpath(l, t.TempDir(), func(r *FSReq) { got = r })
	must(t, err)
	if r.Type() != ReqFS || r.TypeName() != "fs" {
		t.Errorf("Type %v %q", r.Type(), r.TypeName())
	}
	if err := r.Cancel(); err != nil { // until the pool is unblocked: no Fatal, which would leave it blocked
		t.Errorf("Cancel of a queued realpath: %v", err)
	}
	// A closedir cancelled: libuv's clean-up frees the Dir anyway.
	var cd *FSReq
	var d *Dir
	c, err := FSOpendir(l, t.TempDir(), nil)
	if err == nil {
		d = c.Dir()
		c, err = FSClosedir(l, d, func(r *FSReq) { cd = r })
		if _, err := FSReaddir(l, d, 1, nil); !errors.Is(err, ErrClosed) {
			t.Errorf("readdir while closedir is queued: %v, want ErrClosed", err)
		}
	}
	if err == nil {
		err = c.Cancel()
	}
	b.unblock()
	must(t, err)
	run(t, l, RunDefault)
	b.check(t)
	if got != r {
		t.Fatalf("realpath callback %v, want %v", got, r)
	}
	if r.Result() != int64(ECANCELED) || !errors.Is(r.Err(), ECANCELED) || r.FSType() != FSTypeRealpath {
		t.Fatalf("cancelled realpath: %v %v", r.FSType(), r.Err())
	}
	if err := r.Cancel(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Cancel after the callback: %v", err)
	}
	if cd != c || !errors.Is(cd.Err(), ECANCELED) {
		t.Fatalf("cancelled closedir: %v", cd.Err())
	}
	if _, err := FSReaddir(l, d, 1, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("readdir after a cancelled closedir: %v, want ErrClosed", err)
	}
	if err := fsOK(t)(FSStat(l, ".", nil)).Cancel(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Cancel of a synchronous request: %v", err)
	}
}

// TestFSWriteEPIPE: a write to a pipe whose reader is gone is EPIPE, on the threadpool
// (asynchronous) and on the calling goroutine (synchronous); SIGPIPE does not kill the
// process. The pool's threads are started with SIGPIPE blocked (see poolInit).
func TestFSWriteEPIPE(t *testing.T) {
	l := newTestLoop(t)
	rp, wp, err := os.Pipe()
	must(t, err)
	defer wp.Close()
	must(t, rp.Close())
	data := []byte("to nobody")
	for i := 0; i < 3; i++ {
		a := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSWrite(l, int(wp.Fd()), [][]byte{data}, -1, cb) })
		if a.Result() != int64(EPIPE) || !errors.Is(a.Err(), syscall.EPIPE) {
			t.Fatalf("async write to a broken pipe: %v", a.Err())
		}
	}
	r, err := FSWrite(l, int(wp.Fd()), [][]byte{data}, -1, nil)
	fsWant(t, r, err, EPIPE)
}

// TestFSConcurrent: 10,000 asynchronous operations in flight across 4 loops run by 4
// goroutines all complete, and none leaks.
func TestFSConcurrent(t *testing.T) {
	const loops, each = 4, 2500
	file := filepath.Join(t.TempDir(), "test_file")
	fsWriteFile(t, file, fsTestBuf)
	ls := make([]*Loop, loops)
	for i := range ls {
		ls[i] = newTestLoop(t)
	}
	done := make([]int, loops)
	errs := make(chan error, loops)
	var wg sync.WaitGroup
	for i, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				if _, err := FSStat(l, file, func(r *FSReq) {
					if r.Err() != nil || r.Stat().Size != uint64(len(fsTestBuf)) {
						errs <- r.Err()
						return
					}
					done[i]++
				}); err != nil {
					errs <- err
					return
				}
			}
			if _, err := l.Run(RunDefault); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, n := range done {
		if n != each {
			t.Fatalf("loop %d: %d of %d callbacks", i, n, each)
		}
	}
}

// TestFSCallbackPanic: a panic in an fs callback is re-panicked from Run, with the request
// released.
func TestFSCallbackPanic(t *testing.T) {
	l := newTestLoop(t)
	_, err := FSStat(l, ".", func(*FSReq) { panic("boom") })
	must(t, err)
	if v := loopRecover(func() { l.Run(RunDefault) }); v != "boom" {
		t.Fatalf("Run re-panicked with %v, want boom", v)
	}
}

// libuv: fs_posix_delete fs_posix_delete_iouring
func TestFSPosixDelete(t *testing.T) { fsLoopModes(t, testFSPosixDelete) }

func testFSPosixDelete(t *testing.T, l *Loop) {
	dir := filepath.Join(t.TempDir(), "test_dir")
	file := filepath.Join(dir, "file")
	fsOK(t)(FSMkdir(l, dir, 0o755, nil))
	fd := fsOpenFd(t, l, file, O_WRONLY|O_CREAT, 0o600)
	// A directory that is not empty cannot be removed; a file is not a directory.
	// libuv asserts the request's result is the error returned.
	sameResult := func(what string, r *FSReq, err error) {
		t.Helper()
		var e Errno
		if !errors.As(err, &e) || r == nil || r.Result() != int64(e) {
			t.Fatalf("%s: request %v, error %v; want the error as the request's result", what, r, err)
		}
	}
	r, err := FSRmdir(l, dir, nil)
	if !errors.Is(err, ENOTEMPTY) && !errors.Is(err, EEXIST) {
		t.Fatalf("rmdir of a non-empty directory: %v, want ENOTEMPTY or EEXIST", err)
	}
	sameResult("rmdir of a non-empty directory", r, err)
	r, err = FSRmdir(l, file, nil)
	if !errors.Is(err, ENOTDIR) && !errors.Is(err, ENOENT) {
		t.Fatalf("rmdir of a file: %v, want ENOTDIR or ENOENT", err)
	}
	sameResult("rmdir of a file", r, err)
	if r := fsOK(t)(FSUnlink(l, file, nil)); r.Result() != 0 {
		t.Fatalf("unlink: %d", r.Result())
	}
	// On POSIX, the directory goes while the file is still open.
	if r := fsOK(t)(FSRmdir(l, dir, nil)); r.Result() != 0 {
		t.Fatalf("rmdir with the file open: %d", r.Result())
	}
	fsCloseFd(t, l, fd)
}

// libuv: fs_fstat_st_dev fs_fstat_st_dev_iouring
func TestFSFstatStDev(t *testing.T) { fsLoopModes(t, testFSFstatStDev) }

func testFSFstatStDev(t *testing.T, l *Loop) {
	dir := t.TempDir()
	file, link := filepath.Join(dir, "tmp_st_dev"), filepath.Join(dir, "tmp_st_dev_link")
	fsCloseFd(t, l, fsOpenFd(t, l, file, O_RDWR|O_CREAT, 0o600))
	fsOK(t)(FSSymlink(l, file, link, 0, nil))
	s := fsOK(t)(FSStat(l, file, nil)).Stat()
	sl := fsOK(t)(FSStat(l, link, nil)).Stat()
	if s.Dev != sl.Dev {
		t.Fatalf("st_dev of the file %d, through the link %d", s.Dev, sl.Dev)
	}
}

// libuv: fs_fstat_stdio fs_fstat_stdio_iouring
func TestFSFstatStdio(t *testing.T) { fsLoopModes(t, testFSFstatStdio) }

func testFSFstatStdio(t *testing.T, l *Loop) {
	for fd := 0; fd <= 2; fd++ {
		if r := fsOK(t)(FSFstat(l, fd, nil)); r.Result() != 0 {
			t.Fatalf("fstat(%d): %d", fd, r.Result())
		}
	}
}

// libuv: fs_link fs_link_iouring
func TestFSLink(t *testing.T) { fsLoopModes(t, testFSLink) }

func testFSLink(t *testing.T, l *Loop) {
	dir := t.TempDir()
	file := filepath.Join(dir, "test_file")
	link, link2 := filepath.Join(dir, "test_file_link"), filepath.Join(dir, "test_file_link2")
	fd := fsOpenFd(t, l, file, O_RDWR|O_CREAT, 0o600)
	if r := fsOK(t)(FSWrite(l, fd, [][]byte{fsTestBuf}, -1, nil)); r.Result() != int64(len(fsTestBuf)) {
		t.Fatalf("write: %d", r.Result())
	}
	fsCloseFd(t, l, fd)
	readVia := func(p string) {
		t.Helper()
		fd := fsOpenFd(t, l, p, O_RDWR, 0)
		buf := make([]byte, 32)
		if r := fsOK(t)(FSRead(l, fd, [][]byte{buf}, 0, nil)); !bytes.Equal(buf[:r.Result()], fsTestBuf) {
			t.Fatalf("read via %s: %q", p, buf[:r.Result()])
		}
		fsCloseFd(t, l, fd)
	}
	if r := fsOK(t)(FSLink(l, file, link, nil)); r.Result() != 0 {
		t.Fatalf("link: %d", r.Result())
	}
	readVia(link)
	r := fsAsync(t, l, func(cb func(*FSReq)) (*FSReq, error) { return FSLink(l, file, link2, cb) })
	if r.FSType() != FSTypeLink || r.Result() != 0 {
		t.Fatalf("async link: %v %v", r.FSType(), r.Err())
	}
	readVia(link2)
	if run(t, l, RunDefault) {
		t.Fatal("the loop is alive after the requests completed")
	}
}

// libuv: fs_scandir_early_exit fs_scandir_early_exit_iouring
//
// libuv's test stops reading entries after the first and checks (under Valgrind) that nothing
// leaks; the binding reads every entry before it cleans the request up, so the test checks the
// entries are there and the leak check that nothing is left.
func TestFSScandirEarlyExit(t *testing.T) { fsLoopModes(t, testFSScandirEarlyExit) }

func testFSScandirEarlyExit(t *testing.T, l *Loop) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one_file")
	must(t, os.Mkdir(one, 0o755))
	fsWriteFile(t, filepath.Join(one, "empty_file"), nil)
	fsWriteFile(t, filepath.Join(dir, "empty_file"), nil)
	for _, p := range []string{one, dir} {
		if r := fsOK(t)(FSScandir(l, p, nil)); r.Result() <= 0 || len(r.Dirents()) == 0 {
			t.Fatalf("scandir %s: %d %v", p, r.Result(), r.Dirents())
		}
	}
}

// libuv: fs_stat_batch_multiple fs_stat_batch_multiple_iouring
func TestFSStatBatchMultiple(t *testing.T) { fsLoopModes(t, testFSStatBatchMultiple) }

func testFSStatBatchMultiple(t *testing.T, l *Loop) {
	dir := filepath.Join(t.TempDir(), "test_dir")
	fsOK(t)(FSMkdir(l, dir, 0o755, nil))
	calls := 0
	for i := 0; i < 300; i++ {
		_, err := FSStat(l, dir, func(r *FSReq) {
			calls++
			if (r.FSType() != FSTypeStat && r.FSType() != FSTypeLstat) || r.Result() != 0 || !r.Stat().FileMode().IsDir() {
				t.Errorf("stat %d: %v %v %v", calls, r.FSType(), r.Err(), r.Stat().FileMode())
			}
		})
		must(t, err)
	}
	run(t, l, RunDefault)
	if calls != 300 {
		t.Fatalf("%d callbacks, want 300", calls)
	}
}
