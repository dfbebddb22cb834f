package uv

/*
#include "shim_fs.h"
#cgo noescape uvg_fs_take
#cgo nocallback uvg_fs_take
#cgo noescape uvg_fs_scandir_next
#cgo nocallback uvg_fs_scandir_next
*/
import "C"

import (
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// The file system operations (uv_fs_*) follow one pattern. Each is a package function whose
// first argument is the loop and whose last is cb:
//
//   - cb non-nil: asynchronous. libuv runs the operation on its threadpool and cb runs on the
//     loop with the completed request. The function returns the request in flight (Cancel
//     cancels it while it is still queued: cb then sees ECANCELED) and an error only when the
//     request could not be submitted.
//   - cb nil: synchronous, libuv's NULL-callback mode. The operation runs on the calling
//     goroutine, which blocks in C; the function returns the completed request and its error
//     (Err), which is also returned when the operation failed.
//
// Either way the request's results are Go values read from it before uv_fs_req_cleanup, which
// the binding calls once per request; no C memory is left behind. Errors of operations on a
// path are *fs.PathError{Op, Path, Err} (Err an Errno, ErrNUL for a path holding a NUL byte,
// ErrClosed for a closed loop, ErrWrongThread); errors of operations on a file descriptor or a
// Dir are the bare Errno. The loop must be open (ErrClosed otherwise) and the call must be
// made on the goroutine running it, or while it is not running (ErrWrongThread otherwise), in
// both modes.

// FSType wraps uv_fs_type: which operation an FSReq is.
type FSType int

// The operations of libuv's file system API.
const (
	FSTypeUnknown   FSType = C.UV_FS_UNKNOWN
	FSTypeCustom    FSType = C.UV_FS_CUSTOM
	FSTypeOpen      FSType = C.UV_FS_OPEN
	FSTypeClose     FSType = C.UV_FS_CLOSE
	FSTypeRead      FSType = C.UV_FS_READ
	FSTypeWrite     FSType = C.UV_FS_WRITE
	FSTypeSendfile  FSType = C.UV_FS_SENDFILE
	FSTypeStat      FSType = C.UV_FS_STAT
	FSTypeLstat     FSType = C.UV_FS_LSTAT
	FSTypeFstat     FSType = C.UV_FS_FSTAT
	FSTypeFtruncate FSType = C.UV_FS_FTRUNCATE
	FSTypeUtime     FSType = C.UV_FS_UTIME
	FSTypeFutime    FSType = C.UV_FS_FUTIME
	FSTypeAccess    FSType = C.UV_FS_ACCESS
	FSTypeChmod     FSType = C.UV_FS_CHMOD
	FSTypeFchmod    FSType = C.UV_FS_FCHMOD
	FSTypeFsync     FSType = C.UV_FS_FSYNC
	FSTypeFdatasync FSType = C.UV_FS_FDATASYNC
	FSTypeUnlink    FSType = C.UV_FS_UNLINK
	FSTypeRmdir     FSType = C.UV_FS_RMDIR
	FSTypeMkdir     FSType = C.UV_FS_MKDIR
	FSTypeMkdtemp   FSType = C.UV_FS_MKDTEMP
	FSTypeRename    FSType = C.UV_FS_RENAME
	FSTypeScandir   FSType = C.UV_FS_SCANDIR
	FSTypeLink      FSType = C.UV_FS_LINK
	FSTypeSymlink   FSType = C.UV_FS_SYMLINK
	FSTypeReadlink  FSType = C.UV_FS_READLINK
	FSTypeChown     FSType = C.UV_FS_CHOWN
	FSTypeFchown    FSType = C.UV_FS_FCHOWN
	FSTypeRealpath  FSType = C.UV_FS_REALPATH
	FSTypeCopyfile  FSType = C.UV_FS_COPYFILE
	FSTypeLchown    FSType = C.UV_FS_LCHOWN
	FSTypeOpendir   FSType = C.UV_FS_OPENDIR
	FSTypeReaddir   FSType = C.UV_FS_READDIR
	FSTypeClosedir  FSType = C.UV_FS_CLOSEDIR
	FSTypeStatfs    FSType = C.UV_FS_STATFS
	FSTypeMkstemp   FSType = C.UV_FS_MKSTEMP
	FSTypeLutime    FSType = C.UV_FS_LUTIME
)

var fsTypeNames = [...]string{"custom", "open", "close", "read", "write", "sendfile", "stat",
	"lstat", "fstat", "ftruncate", "utime", "futime", "access", "chmod", "fchmod", "fsync",
	"fdatasync", "unlink", "rmdir", "mkdir", "mkdtemp", "rename", "scandir", "link", "symlink",
	"readlink", "chown", "fchown", "realpath", "copyfile", "lchown", "opendir", "readdir",
	"closedir", "statfs", "mkstemp", "lutime"}

// String is the operation's name without the uv_fs_ prefix ("open", "stat", ...); "unknown"
// for FSTypeUnknown and for values libuv does not define. libuv has no name function for
// uv_fs_type. Safe for concurrent use.
func (t FSType) String() string {
	if t >= 0 && int(t) < len(fsTypeNames) {
		return fsTypeNames[t]
	}
	return "unknown"
}

// OpenFlag is a flag of FSOpen: libuv's UV_FS_O_* constants (the platform's O_* values on
// Unix; 0 for a flag the platform lacks, which then has no effect).
type OpenFlag int

// The flags of FSOpen. Combine one access mode (O_RDONLY, O_WRONLY, O_RDWR) with others.
const (
	O_RDONLY      OpenFlag = C.UV_FS_O_RDONLY
	O_WRONLY      OpenFlag = C.UV_FS_O_WRONLY
	O_RDWR        OpenFlag = C.UV_FS_O_RDWR
	O_APPEND      OpenFlag = C.UV_FS_O_APPEND
	O_CREAT       OpenFlag = C.UV_FS_O_CREAT
	O_DIRECT      OpenFlag = C.UV_FS_O_DIRECT
	O_DIRECTORY   OpenFlag = C.UV_FS_O_DIRECTORY
	O_DSYNC       OpenFlag = C.UV_FS_O_DSYNC
	O_EXCL        OpenFlag = C.UV_FS_O_EXCL
	O_EXLOCK      OpenFlag = C.UV_FS_O_EXLOCK
	O_FILEMAP     OpenFlag = C.UV_FS_O_FILEMAP
	O_NOATIME     OpenFlag = C.UV_FS_O_NOATIME
	O_NOCTTY      OpenFlag = C.UV_FS_O_NOCTTY
	O_NOFOLLOW    OpenFlag = C.UV_FS_O_NOFOLLOW
	O_NONBLOCK    OpenFlag = C.UV_FS_O_NONBLOCK
	O_RANDOM      OpenFlag = C.UV_FS_O_RANDOM
	O_SEQUENTIAL  OpenFlag = C.UV_FS_O_SEQUENTIAL
	O_SHORT_LIVED OpenFlag = C.UV_FS_O_SHORT_LIVED
	O_SYMLINK     OpenFlag = C.UV_FS_O_SYMLINK
	O_SYNC        OpenFlag = C.UV_FS_O_SYNC
	O_TEMPORARY   OpenFlag = C.UV_FS_O_TEMPORARY
	O_TRUNC       OpenFlag = C.UV_FS_O_TRUNC
)

// CopyfileFlag is a flag of FSCopyfile.
type CopyfileFlag int

// The flags of FSCopyfile.
const (
	// CopyfileExcl: fail with EEXIST when the destination exists.
	CopyfileExcl CopyfileFlag = C.UV_FS_COPYFILE_EXCL
	// CopyfileFiclone: try a copy-on-write reflink, falling back to a copy.
	CopyfileFiclone CopyfileFlag = C.UV_FS_COPYFILE_FICLONE
	// CopyfileFicloneForce: a reflink or an error, no fallback.
	CopyfileFicloneForce CopyfileFlag = C.UV_FS_COPYFILE_FICLONE_FORCE
)

// SymlinkFlag is a flag of FSSymlink; both only matter on Windows.
type SymlinkFlag int

// The flags of FSSymlink.
const (
	SymlinkDir      SymlinkFlag = C.UV_FS_SYMLINK_DIR
	SymlinkJunction SymlinkFlag = C.UV_FS_SYMLINK_JUNCTION
)

// AccessMode is the mode of FSAccess (access(2)'s).
type AccessMode int

// The modes of FSAccess; combine R_OK, W_OK and X_OK.
const (
	F_OK AccessMode = C.F_OK
	R_OK AccessMode = C.R_OK
	W_OK AccessMode = C.W_OK
	X_OK AccessMode = C.X_OK
)

// DirentType wraps uv_dirent_type_t.
type DirentType int

// The types of directory entries. DirentUnknown when the file system does not report the type.
const (
	DirentUnknown DirentType = C.UV_DIRENT_UNKNOWN
	DirentFile    DirentType = C.UV_DIRENT_FILE
	DirentDir     DirentType = C.UV_DIRENT_DIR
	DirentLink    DirentType = C.UV_DIRENT_LINK
	DirentFifo    DirentType = C.UV_DIRENT_FIFO
	DirentSocket  DirentType = C.UV_DIRENT_SOCKET
	DirentChar    DirentType = C.UV_DIRENT_CHAR
	DirentBlock   DirentType = C.UV_DIRENT_BLOCK
)

// Dirent wraps uv_dirent_t: a directory entry from FSScandir or FSReaddir.
type Dirent struct {
	Name string
	Type DirentType
}

// Statfs is libuv's uv_statfs_t, every field: the file system's type, block size, block
// counts (total, free, available to unprivileged users), file node counts, and the reserved
// words.
type Statfs struct {
	Type, Bsize, Blocks, Bfree, Bavail, Files, Ffree uint64
	Spare                                            [4]uint64
}

func statfsOf(s *C.uv_statfs_t) Statfs {
	return Statfs{
		Type: uint64(s.f_type), Bsize: uint64(s.f_bsize), Blocks: uint64(s.f_blocks),
		Bfree: uint64(s.f_bfree), Bavail: uint64(s.f_bavail), Files: uint64(s.f_files),
		Ffree: uint64(s.f_ffree),
		Spare: [4]uint64{uint64(s.f_spare[0]), uint64(s.f_spare[1]), uint64(s.f_spare[2]), uint64(s.f_spare[3])},
	}
}

// Stat is libuv's uv_stat_t as Go values: every field, the times as time.Time.
type Stat struct {
	Dev, Mode, Nlink, UID, GID, Rdev, Ino, Size, Blksize, Blocks, Flags, Gen uint64
	Atime, Mtime, Ctime, Birthtime                                           time.Time
}

// FileMode converts Mode, the raw st_mode, to an os.FileMode (type bits and permissions, as
// os.Stat reports them).
func (s Stat) FileMode() os.FileMode {
	m := os.FileMode(s.Mode & 0o777)
	switch s.Mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		m |= os.ModeDir
	case syscall.S_IFLNK:
		m |= os.ModeSymlink
	case syscall.S_IFIFO:
		m |= os.ModeNamedPipe
	case syscall.S_IFSOCK:
		m |= os.ModeSocket
	case syscall.S_IFCHR:
		m |= os.ModeDevice | os.ModeCharDevice
	case syscall.S_IFBLK:
		m |= os.ModeDevice
	}
	if s.Mode&syscall.S_ISUID != 0 {
		m |= os.ModeSetuid
	}
	if s.Mode&syscall.S_ISGID != 0 {
		m |= os.ModeSetgid
	}
	if s.Mode&syscall.S_ISVTX != 0 {
		m |= os.ModeSticky
	}
	return m
}

// statOf converts a uv_stat_t.
func statOf(s *C.uv_stat_t) Stat {
	ts := func(t C.uv_timespec_t) time.Time { return time.Unix(int64(t.tv_sec), int64(t.tv_nsec)) }
	return Stat{
		Dev: uint64(s.st_dev), Mode: uint64(s.st_mode), Nlink: uint64(s.st_nlink),
		UID: uint64(s.st_uid), GID: uint64(s.st_gid), Rdev: uint64(s.st_rdev),
		Ino: uint64(s.st_ino), Size: uint64(s.st_size), Blksize: uint64(s.st_blksize),
		Blocks: uint64(s.st_blocks), Flags: uint64(s.st_flags), Gen: uint64(s.st_gen),
		Atime: ts(s.st_atim), Mtime: ts(s.st_mtim), Ctime: ts(s.st_ctim), Birthtime: ts(s.st_birthtim),
	}
}

// FSReq wraps uv_fs_t: one file system operation. An asynchronous request is in flight from
// the call until its callback; its results are read in the callback (or later). A synchronous
// one is returned complete. The results are copied out of the C request before
// uv_fs_req_cleanup, so an FSReq stays readable after its callback. Loop-bound: read it on the
// goroutine running its loop.
type FSReq struct {
	req
	cb      func(*FSReq)
	op      string // the Op and Path of errors, when isPath
	arg     string
	isPath  bool
	bufs    bufs           // read, write: the pinned Go slices
	dir     *Dir           // readdir, closedir: the directory
	dirents unsafe.Pointer // readdir: the C array of entries

	fsType  FSType
	result  int64
	syserr  syscall.Errno
	path    string
	stat    Stat
	statfs  Statfs
	link    string
	entries []Dirent
	newDir  *Dir
}

// FSType wraps uv_fs_get_type: the operation.
func (r *FSReq) FSType() FSType { return r.fsType }

// Result wraps uv_fs_get_result: the operation's result, as libuv reports it: a file
// descriptor (open, mkstemp), a byte count (read, write, sendfile), a count of entries
// (scandir, readdir), 0 for success, or a negative Errno. 0 while in flight.
func (r *FSReq) Result() int64 { return r.result }

// SystemError wraps uv_fs_get_system_error: the platform's error number of a failed
// operation, 0 otherwise.
func (r *FSReq) SystemError() syscall.Errno { return r.syserr }

// Err is the operation's error: nil when Result is not negative, otherwise the Errno, inside
// an *fs.PathError for operations on a path.
func (r *FSReq) Err() error {
	if r.result >= 0 {
		return nil
	}
	return r.wrap(Errno(r.result))
}

// Path wraps uv_fs_get_path: the path the operation was given (the first one of rename, link,
// symlink, copyfile), or for mkdtemp and mkstemp the path libuv created; "" for operations on
// a file descriptor or a Dir.
func (r *FSReq) Path() string { return r.path }

// Stat wraps uv_fs_get_statbuf: the result of FSStat, FSLstat and FSFstat; the zero Stat for
// other operations or on failure.
func (r *FSReq) Stat() Stat { return r.stat }

// Statfs is the result of FSStatfs (uv_fs_get_ptr's uv_statfs_t); the zero Statfs otherwise.
func (r *FSReq) Statfs() Statfs { return r.statfs }

// Link is the result of FSReadlink (the link's content) and FSRealpath (the resolved path),
// libuv's uv_fs_get_ptr string; "" otherwise.
func (r *FSReq) Link() string { return r.link }

// Dir is the directory FSOpendir opened (uv_fs_get_ptr's uv_dir_t); nil otherwise.
func (r *FSReq) Dir() *Dir { return r.newDir }

// Dirents is the entries of FSScandir (read with uv_fs_scandir_next, "." and ".." excluded as
// libuv excludes them) or of FSReaddir; nil otherwise.
func (r *FSReq) Dirents() []Dirent { return r.entries }

func (r *FSReq) fs() *C.uv_fs_t { return (*C.uv_fs_t)(r.ptr) }

func (r *FSReq) async() C.int { return boolInt(r.cb != nil) }

func (r *FSReq) wrap(err error) error {
	if r.isPath {
		return &fs.PathError{Op: r.op, Path: r.arg, Err: err}
	}
	return err
}

// newFS allocates the C request of an operation, after the loop check: async requests (cb
// non-nil) are registered for their callback; synchronous ones need no token.
func newFS(l *Loop, op, path string, isPath bool, cb func(*FSReq)) (*FSReq, error) {
	r := &FSReq{op: op, arg: path, isPath: isPath, cb: cb}
	if l == nil || l.ptr == nil {
		return nil, r.wrap(ErrClosed)
	}
	if cb != nil {
		if err := r.open(l, r, ReqFS); err != nil {
			return nil, r.wrap(err)
		}
		return r, nil
	}
	if r.ptr = C.uvg_req_alloc(C.UV_FS); r.ptr == nil {
		return nil, r.wrap(ENOMEM)
	}
	r.loop, r.typ = l, ReqFS
	return r, nil
}

// pathFS is newFS for an operation on paths: each is converted to C (free them with
// freePaths), or refused with ErrNUL.
func pathFS(l *Loop, op string, cb func(*FSReq), paths ...string) (*FSReq, [2]*C.char, error) {
	var cs [2]*C.char
	r := &FSReq{op: op, arg: paths[0], isPath: true}
	if l == nil || l.ptr == nil {
		return nil, cs, r.wrap(ErrClosed)
	}
	for i, p := range paths {
		c, err := cString(p)
		if err != nil {
			freePaths(cs)
			r.arg = p
			return nil, cs, r.wrap(err)
		}
		cs[i] = c
	}
	r, err := newFS(l, op, paths[0], true, cb)
	if err != nil {
		freePaths(cs)
	}
	return r, cs, err
}

func freePaths(cs [2]*C.char) {
	for _, c := range cs {
		if c != nil {
			C.free(unsafe.Pointer(c))
		}
	}
}

// submit completes an operation with the C call's answer rc. Async: the request is in flight,
// or refused (its memory released). Sync: its results are read and the memory released.
func (r *FSReq) submit(rc C.int) (*FSReq, error) {
	if rc == C.UVG_EWRONGTHREAD {
		r.release()
		return nil, r.wrap(wrongThread())
	}
	if r.cb != nil {
		if rc != 0 {
			r.release()
			return nil, r.wrap(status(rc))
		}
		return r, nil
	}
	r.finish()
	if rc < 0 && C.int(r.result) != rc { // refused before it ran (EINVAL, ENOMEM)
		return nil, r.wrap(Errno(rc))
	}
	return r, r.Err()
}

// finish reads the results of a completed request through libuv's accessors, then releases it.
func (r *FSReq) finish() {
	var res C.uvg_fs_res_t
	C.uvg_fs_take(r.fs(), &res)
	r.fsType, r.result, r.syserr = FSType(res._type), int64(res.result), syscall.Errno(res.syserr)
	if res.path != nil {
		r.path = r.arg
	}
	ok := r.result >= 0
	switch r.fsType {
	case FSTypeStat, FSTypeLstat, FSTypeFstat:
		if ok {
			r.stat = statOf(&res.stat)
		}
	case FSTypeMkdtemp, FSTypeMkstemp:
		if res.path != nil {
			r.path = C.GoString(res.path)
		}
	case FSTypeReadlink, FSTypeRealpath:
		if ok && res.ptr != nil {
			r.link = C.GoString((*C.char)(res.ptr))
		}
	case FSTypeStatfs:
		if ok && res.ptr != nil {
			r.statfs = statfsOf((*C.uv_statfs_t)(res.ptr))
		}
	case FSTypeOpendir:
		if ok && res.ptr != nil {
			r.newDir = &Dir{ptr: (*C.uv_dir_t)(res.ptr)}
		}
	case FSTypeScandir:
		if r.result > 0 {
			r.entries = make([]Dirent, 0, r.result)
			var name *C.char
			var typ C.int
			for C.uvg_fs_scandir_next(r.fs(), &name, &typ) == 0 {
				r.entries = append(r.entries, Dirent{C.GoString(name), DirentType(typ)})
			}
		}
	case FSTypeReaddir:
		if r.result > 0 && r.dirents != nil {
			ents := unsafe.Slice((*C.uv_dirent_t)(r.dirents), r.result)
			r.entries = make([]Dirent, len(ents))
			for i, e := range ents {
				r.entries[i] = Dirent{C.GoString(e.name), DirentType(e._type)}
			}
		}
	}
	r.release()
}

// release calls uv_fs_req_cleanup, frees the request and what the binding attached to it, and
// unpins the buffers.
func (r *FSReq) release() {
	C.uv_fs_req_cleanup(r.fs())
	if r.dir != nil {
		r.dir.busy = false
		if r.dirents != nil && r.dir.ptr != nil {
			r.dir.ptr.dirents, r.dir.ptr.nentries = nil, 0
		}
	}
	if r.dirents != nil {
		C.free(r.dirents)
		r.dirents = nil
	}
	r.bufs.release()
	C.free(r.ptr)
	if r.token != nil {
		releaseToken(r.token)
	}
	r.ptr, r.token = nil, nil
}

// fsOffset is the offset of read and write: a negative one is libuv's -1, the current position.
func fsOffset(off int64) C.int64_t {
	if off < 0 {
		return -1
	}
	return C.int64_t(off)
}

// unixMode converts an os.FileMode to the mode_t bits: permissions, setuid, setgid, sticky.
func unixMode(m os.FileMode) C.int {
	u := C.int(m.Perm())
	if m&os.ModeSetuid != 0 {
		u |= syscall.S_ISUID
	}
	if m&os.ModeSetgid != 0 {
		u |= syscall.S_ISGID
	}
	if m&os.ModeSticky != 0 {
		u |= syscall.S_ISVTX
	}
	return u
}

// fsTime converts a time to libuv's seconds as a double.
func fsTime(t time.Time) C.double {
	return C.double(t.Unix()) + C.double(t.Nanosecond())/1e9
}

var poolOnce sync.Once

// poolInit starts libuv's threadpool, once per process, with SIGPIPE blocked in its threads
// (see uvg_pool_init): a write to a broken pipe on the pool returns EPIPE instead of killing
// the process. The request base calls it before the first request that may use the pool.
func poolInit() { poolOnce.Do(func() { C.uvg_pool_init() }) }

// OSFHandle wraps uv_get_osfhandle: the OS handle of a C runtime file descriptor; on Unix the
// descriptor itself. Safe for concurrent use.
func OSFHandle(fd int) int { return int(C.uv_get_osfhandle(C.uv_file(fd))) }

// OpenOSFHandle wraps uv_open_osfhandle: the C runtime file descriptor of an OS handle; on
// Unix the handle itself. Safe for concurrent use.
func OpenOSFHandle(h int) int { return int(C.uv_open_osfhandle(C.uv_os_fd_t(h))) }

// Dir wraps uv_dir_t: a directory opened by FSOpendir, read by FSReaddir, closed by
// FSClosedir. One FSReaddir or FSClosedir at a time: another while one is in flight is EBUSY
// (libuv's readdir writes into the directory's entry array from the threadpool). After
// FSClosedir the Dir answers ErrClosed. A Dir is not tied to a loop, but is not safe for
// concurrent use.
type Dir struct {
	ptr  *C.uv_dir_t
	busy bool
}

func (d *Dir) live() error {
	switch {
	case d == nil || d.ptr == nil:
		return ErrClosed
	case d.busy:
		return EBUSY
	}
	return nil
}

// FSClose wraps uv_fs_close: closes the file descriptor fd. Asynchronous when cb is non-nil
// (cb runs on the loop), synchronous when cb is nil; see the package's file system notes.
// Loop-bound.
func FSClose(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "close", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_close(l.ptr, r.fs(), C.int(fd), r.async()))
}

// FSOpen wraps uv_fs_open: opens path with flags and, for a created file, the permission bits
// of mode; Result is the new file descriptor. Asynchronous when cb is non-nil, synchronous when
// nil. Loop-bound.
func FSOpen(l *Loop, path string, flags OpenFlag, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "open", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_open(l.ptr, r.fs(), p[0], C.int(flags), unixMode(mode), r.async()))
}

// FSRead wraps uv_fs_read: reads from fd into bufs, in order (preadv); Result is the number of
// bytes read, 0 at the end of the file. offset is the file position to read at; a negative
// offset reads at the current position and advances it (libuv's -1), a positive one leaves it
// unchanged. Zero copy: asynchronously, the slices are pinned and written by the threadpool
// until cb runs; do not use them before. No buffer at all is libuv's EINVAL; empty buffers
// read nothing. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSRead(l *Loop, fd int, bufs [][]byte, offset int64, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "read", "", false, cb)
	if err != nil {
		return nil, err
	}
	b, n := r.bufs.set(bufs)
	return r.submit(C.uvg_fs_read(l.ptr, r.fs(), C.int(fd), b, n, fsOffset(offset), r.async()))
}

// FSWrite wraps uv_fs_write: writes bufs to fd, in order (pwritev); Result is the number of
// bytes written. offset is as FSRead's: negative writes at the current position (libuv's -1).
// Zero copy: asynchronously, the slices are pinned and read by the threadpool until cb runs;
// do not modify them before. No buffer at all is libuv's EINVAL. Asynchronous when cb is
// non-nil, synchronous when nil. A write to a pipe whose reader is gone fails with EPIPE;
// SIGPIPE does not kill the process, on the threadpool nor on the calling goroutine (fds 1
// and 2 excepted there, by Go's rule). Loop-bound.
func FSWrite(l *Loop, fd int, bufs [][]byte, offset int64, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "write", "", false, cb)
	if err != nil {
		return nil, err
	}
	b, n := r.bufs.set(bufs)
	return r.submit(C.uvg_fs_write(l.ptr, r.fs(), C.int(fd), b, n, fsOffset(offset), r.async()))
}

// FSUnlink wraps uv_fs_unlink: removes the file path. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSUnlink(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "unlink", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_unlink(l.ptr, r.fs(), p[0], r.async()))
}

// FSCopyfile wraps uv_fs_copyfile: copies the file path to newPath (replaced when it exists,
// unless flags has CopyfileExcl). Unknown flags are libuv's EINVAL. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSCopyfile(l *Loop, path, newPath string, flags CopyfileFlag, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "copyfile", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_copyfile(l.ptr, r.fs(), p[0], p[1], C.int(flags), r.async()))
}

// FSMkdir wraps uv_fs_mkdir: creates the directory path with the permission bits of mode
// (less the umask). Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSMkdir(l *Loop, path string, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "mkdir", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_mkdir(l.ptr, r.fs(), p[0], unixMode(mode), r.async()))
}

// FSMkdtemp wraps uv_fs_mkdtemp: creates a unique directory from template, whose last six
// characters must be "XXXXXX" (EINVAL otherwise); Path is the directory created.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSMkdtemp(l *Loop, template string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "mkdtemp", cb, template)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_mkdtemp(l.ptr, r.fs(), p[0], r.async()))
}

// FSMkstemp wraps uv_fs_mkstemp: creates and opens a unique file from template, whose last
// six characters must be "XXXXXX" (EINVAL otherwise); Result is its file descriptor, Path its
// path. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSMkstemp(l *Loop, template string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "mkstemp", cb, template)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_mkstemp(l.ptr, r.fs(), p[0], r.async()))
}

// FSRmdir wraps uv_fs_rmdir: removes the empty directory path. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSRmdir(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "rmdir", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_rmdir(l.ptr, r.fs(), p[0], r.async()))
}

// FSScandir wraps uv_fs_scandir and uv_fs_scandir_next: lists the directory path; Result is
// the number of entries and Dirents the entries, in libuv's order (scandir(3)'s, sorted by
// name). libuv's flags argument is unused and always 0. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSScandir(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "scandir", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_scandir(l.ptr, r.fs(), p[0], r.async()))
}

// FSOpendir wraps uv_fs_opendir: opens the directory path for FSReaddir; Dir is the result.
// Close it with FSClosedir. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSOpendir(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "opendir", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_opendir(l.ptr, r.fs(), p[0], r.async()))
}

// FSReaddir wraps uv_fs_readdir: reads up to n entries of d; Result is their number (0 at the
// end) and Dirents the entries ("." and ".." excluded, as libuv excludes them). The binding
// gives libuv an entry array of n in C memory, freed at completion; n 0 is libuv's EINVAL,
// a negative n ErrNegative. ErrClosed after FSClosedir, EBUSY while another FSReaddir or
// FSClosedir of d is in flight. Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSReaddir(l *Loop, d *Dir, n int, cb func(*FSReq)) (*FSReq, error) {
	if l == nil || l.ptr == nil {
		return nil, ErrClosed
	}
	if err := d.live(); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, ErrNegative
	}
	r, err := newFS(l, "readdir", "", false, cb)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		if r.dirents = C.calloc(C.size_t(n), C.sizeof_uv_dirent_t); r.dirents == nil {
			r.release()
			return nil, ENOMEM
		}
	}
	r.dir, d.busy = d, true
	return r.submit(C.uvg_fs_readdir(l.ptr, r.fs(), d.ptr, (*C.uv_dirent_t)(r.dirents), C.size_t(n), r.async()))
}

// FSClosedir wraps uv_fs_closedir: closes d and frees it; d answers ErrClosed from this call
// on. EBUSY while an FSReaddir of d is in flight. Asynchronous when cb is non-nil, synchronous
// when nil. Loop-bound.
func FSClosedir(l *Loop, d *Dir, cb func(*FSReq)) (*FSReq, error) {
	if l == nil || l.ptr == nil {
		return nil, ErrClosed
	}
	if err := d.live(); err != nil {
		return nil, err
	}
	r, err := newFS(l, "closedir", "", false, cb)
	if err != nil {
		return nil, err
	}
	rc := C.uvg_fs_closedir(l.ptr, r.fs(), d.ptr, r.async())
	if rc != C.UVG_EWRONGTHREAD {
		d.ptr = nil // libuv frees it, now or on the threadpool
	}
	return r.submit(rc)
}

// FSStat wraps uv_fs_stat: the Stat of path, following symbolic links. Asynchronous when cb
// is non-nil, synchronous when nil. Loop-bound.
func FSStat(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "stat", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_stat(l.ptr, r.fs(), p[0], r.async()))
}

// FSFstat wraps uv_fs_fstat: the Stat of the open file fd. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFstat(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "fstat", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_fstat(l.ptr, r.fs(), C.int(fd), r.async()))
}

// FSLstat wraps uv_fs_lstat: the Stat of path, of the link itself for a symbolic link.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSLstat(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "lstat", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_lstat(l.ptr, r.fs(), p[0], r.async()))
}

// FSStatfs wraps uv_fs_statfs: the Statfs of the file system holding path. Asynchronous when
// cb is non-nil, synchronous when nil. Loop-bound.
func FSStatfs(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "statfs", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_statfs(l.ptr, r.fs(), p[0], r.async()))
}

// FSRename wraps uv_fs_rename: renames path to newPath, replacing newPath when it exists.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSRename(l *Loop, path, newPath string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "rename", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_rename(l.ptr, r.fs(), p[0], p[1], r.async()))
}

// FSFsync wraps uv_fs_fsync. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSFsync(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "fsync", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_fsync(l.ptr, r.fs(), C.int(fd), r.async()))
}

// FSFdatasync wraps uv_fs_fdatasync. Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSFdatasync(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "fdatasync", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_fdatasync(l.ptr, r.fs(), C.int(fd), r.async()))
}

// FSFtruncate wraps uv_fs_ftruncate: sets the size of fd's file to size bytes (a negative
// size is the system's EINVAL). Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSFtruncate(l *Loop, fd int, size int64, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "ftruncate", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_ftruncate(l.ptr, r.fs(), C.int(fd), C.int64_t(size), r.async()))
}

// FSSendfile wraps uv_fs_sendfile: copies up to length bytes of inFd, from inOffset, to outFd;
// Result is the number of bytes copied. A negative length is ErrNegative. Asynchronous when cb
// is non-nil, synchronous when nil. Loop-bound.
func FSSendfile(l *Loop, outFd, inFd int, inOffset int64, length int, cb func(*FSReq)) (*FSReq, error) {
	if l == nil || l.ptr == nil {
		return nil, ErrClosed
	}
	if length < 0 {
		return nil, ErrNegative
	}
	r, err := newFS(l, "sendfile", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_sendfile(l.ptr, r.fs(), C.int(outFd), C.int(inFd), C.int64_t(inOffset),
		C.size_t(length), r.async()))
}

// FSAccess wraps uv_fs_access: checks that path exists (F_OK) or may be read, written or
// executed (R_OK, W_OK, X_OK). Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSAccess(l *Loop, path string, mode AccessMode, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "access", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_access(l.ptr, r.fs(), p[0], C.int(mode), r.async()))
}

// FSChmod wraps uv_fs_chmod: sets the permission (and setuid, setgid, sticky) bits of path.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSChmod(l *Loop, path string, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "chmod", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_chmod(l.ptr, r.fs(), p[0], unixMode(mode), r.async()))
}

// FSFchmod wraps uv_fs_fchmod: FSChmod of an open file. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFchmod(l *Loop, fd int, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "fchmod", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_fchmod(l.ptr, r.fs(), C.int(fd), unixMode(mode), r.async()))
}

// FSUtime wraps uv_fs_utime: sets the access and modification times of path. libuv takes
// seconds as a double, so times far from 1970 lose their nanoseconds (about a quarter of a
// microsecond is kept today). Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSUtime(l *Loop, path string, atime, mtime time.Time, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "utime", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_utime(l.ptr, r.fs(), p[0], fsTime(atime), fsTime(mtime), r.async()))
}

// FSFutime wraps uv_fs_futime: FSUtime of an open file. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFutime(l *Loop, fd int, atime, mtime time.Time, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "futime", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_futime(l.ptr, r.fs(), C.int(fd), fsTime(atime), fsTime(mtime), r.async()))
}

// FSLutime wraps uv_fs_lutime: FSUtime of a symbolic link itself. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSLutime(l *Loop, path string, atime, mtime time.Time, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "lutime", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_lutime(l.ptr, r.fs(), p[0], fsTime(atime), fsTime(mtime), r.async()))
}

// FSLink wraps uv_fs_link: creates newPath as a hard link to path. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSLink(l *Loop, path, newPath string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "link", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_link(l.ptr, r.fs(), p[0], p[1], r.async()))
}

// FSSymlink wraps uv_fs_symlink: creates newPath as a symbolic link to path. flags
// (SymlinkDir, SymlinkJunction) only matter on Windows. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSSymlink(l *Loop, path, newPath string, flags SymlinkFlag, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "symlink", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_symlink(l.ptr, r.fs(), p[0], p[1], C.int(flags), r.async()))
}

// FSReadlink wraps uv_fs_readlink: Link is the content of the symbolic link path.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSReadlink(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "readlink", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_readlink(l.ptr, r.fs(), p[0], r.async()))
}

// FSRealpath wraps uv_fs_realpath: Link is the canonical absolute path of path, symbolic
// links resolved. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSRealpath(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "realpath", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_realpath(l.ptr, r.fs(), p[0], r.async()))
}

// FSChown wraps uv_fs_chown: sets the owner and group of path; -1 leaves one unchanged.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSChown(l *Loop, path string, uid, gid int, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "chown", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_chown(l.ptr, r.fs(), p[0], C.int(uid), C.int(gid), r.async()))
}

// FSFchown wraps uv_fs_fchown: FSChown of an open file. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFchown(l *Loop, fd int, uid, gid int, cb func(*FSReq)) (*FSReq, error) {
	r, err := newFS(l, "fchown", "", false, cb)
	if err != nil {
		return nil, err
	}
	return r.submit(C.uvg_fs_fchown(l.ptr, r.fs(), C.int(fd), C.int(uid), C.int(gid), r.async()))
}

// FSLchown wraps uv_fs_lchown: FSChown of a symbolic link itself. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSLchown(l *Loop, path string, uid, gid int, cb func(*FSReq)) (*FSReq, error) {
	r, p, err := pathFS(l, "lchown", cb, path)
	if err != nil {
		return nil, err
	}
	defer freePaths(p)
	return r.submit(C.uvg_fs_lchown(l.ptr, r.fs(), p[0], C.int(uid), C.int(gid), r.async()))
}
