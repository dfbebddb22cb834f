package uv

/*
#include "shim_fs.h"
// go build does not hash the libuv headers: this line changes with shim_fs.h (rev 2).
#cgo noescape uvg_fs_access
#cgo nocallback uvg_fs_access
#cgo noescape uvg_fs_chmod
#cgo nocallback uvg_fs_chmod
#cgo noescape uvg_fs_chown
#cgo nocallback uvg_fs_chown
#cgo noescape uvg_fs_close
#cgo nocallback uvg_fs_close
#cgo noescape uvg_fs_closedir
#cgo nocallback uvg_fs_closedir
#cgo noescape uvg_fs_copyfile
#cgo nocallback uvg_fs_copyfile
#cgo noescape uvg_fs_fchmod
#cgo nocallback uvg_fs_fchmod
#cgo noescape uvg_fs_fchown
#cgo nocallback uvg_fs_fchown
#cgo noescape uvg_fs_fdatasync
#cgo nocallback uvg_fs_fdatasync
#cgo noescape uvg_fs_fstat
#cgo nocallback uvg_fs_fstat
#cgo noescape uvg_fs_fsync
#cgo nocallback uvg_fs_fsync
#cgo noescape uvg_fs_ftruncate
#cgo nocallback uvg_fs_ftruncate
#cgo noescape uvg_fs_futime
#cgo nocallback uvg_fs_futime
#cgo noescape uvg_fs_lchown
#cgo nocallback uvg_fs_lchown
#cgo noescape uvg_fs_link
#cgo nocallback uvg_fs_link
#cgo noescape uvg_fs_lstat
#cgo nocallback uvg_fs_lstat
#cgo noescape uvg_fs_lutime
#cgo nocallback uvg_fs_lutime
#cgo noescape uvg_fs_mkdir
#cgo nocallback uvg_fs_mkdir
#cgo noescape uvg_fs_mkdtemp
#cgo nocallback uvg_fs_mkdtemp
#cgo noescape uvg_fs_mkstemp
#cgo nocallback uvg_fs_mkstemp
#cgo noescape uvg_fs_open
#cgo nocallback uvg_fs_open
#cgo noescape uvg_fs_opendir
#cgo nocallback uvg_fs_opendir
#cgo noescape uvg_fs_read
#cgo nocallback uvg_fs_read
#cgo noescape uvg_fs_readdir
#cgo nocallback uvg_fs_readdir
#cgo noescape uvg_fs_readlink
#cgo nocallback uvg_fs_readlink
#cgo noescape uvg_fs_realpath
#cgo nocallback uvg_fs_realpath
#cgo noescape uvg_fs_rename
#cgo nocallback uvg_fs_rename
#cgo noescape uvg_fs_rmdir
#cgo nocallback uvg_fs_rmdir
#cgo noescape uvg_fs_scandir
#cgo nocallback uvg_fs_scandir
#cgo noescape uvg_fs_sendfile
#cgo nocallback uvg_fs_sendfile
#cgo noescape uvg_fs_stat
#cgo nocallback uvg_fs_stat
#cgo noescape uvg_fs_statfs
#cgo nocallback uvg_fs_statfs
#cgo noescape uvg_fs_symlink
#cgo nocallback uvg_fs_symlink
#cgo noescape uvg_fs_unlink
#cgo nocallback uvg_fs_unlink
#cgo noescape uvg_fs_utime
#cgo nocallback uvg_fs_utime
#cgo noescape uvg_fs_write
#cgo nocallback uvg_fs_write
#cgo noescape uvg_fs_scandir_next
#cgo nocallback uvg_fs_scandir_next
#cgo nocallback uvg_fs_scandir_next
*/
import "C"

import (
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

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
	Name string     // the entry's name, without its directory
	Type DirentType // DirentUnknown when the file system does not tell
}

// Statfs is libuv's uv_statfs_t: the file system's type, block size, block counts (total,
// free, available to unprivileged users), file node counts, and the fragment size. Frsize is
// libuv 1.52's f_frsize: 0 when the package was built on older headers or the libuv in use is
// older. libuv's reserved words (f_spare) are left out: their number changed in 1.52 and older
// libuvs leave them unset.
type Statfs struct {
	// f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files and f_ffree, as statfs(2).
	Type, Bsize, Blocks, Bfree, Bavail, Files, Ffree uint64
	Frsize                                           uint64 // f_frsize (libuv >= 1.52), else 0
}

// statfsFrsize reports whether the headers the package was built on have f_frsize (libuv 1.52).
const statfsFrsize = C.UVG_STATFS_FRSIZE != 0

func statfsOf(s *C.uv_statfs_t) Statfs {
	o := C.uvg_statfs_read(s)
	return Statfs{Type: uint64(o._type), Bsize: uint64(o.bsize), Blocks: uint64(o.blocks), Bfree: uint64(o.bfree),
		Bavail: uint64(o.bavail), Files: uint64(o.files), Ffree: uint64(o.ffree), Frsize: uint64(o.frsize)}
}

// Stat is libuv's uv_stat_t as Go values: every field, the times as time.Time.
type Stat struct {
	// st_dev, st_mode (raw: see FileMode), st_nlink, st_uid, st_gid, st_rdev, st_ino, st_size,
	// st_blksize, st_blocks, st_flags and st_gen (0 where the system has none).
	Dev, Mode, Nlink, UID, GID, Rdev, Ino, Size, Blksize, Blocks, Flags, Gen uint64
	// st_atim, st_mtim, st_ctim and st_birthtim, as libuv fills them.
	Atime, Mtime, Ctime, Birthtime time.Time
}

// FileMode converts Mode, the raw st_mode, to an os.FileMode (type bits and permissions, as
// os.Stat reports them). Safe for concurrent use.
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

// FSReq wraps uv_fs_t: one file system operation, of the FS* functions. They all follow one
// pattern: the first argument is the loop, the last is cb.
//
//   - cb non-nil: asynchronous. libuv runs the operation on its threadpool and cb runs on the
//     loop with the completed request. The function returns the request in flight (Cancel
//     cancels it while it is still queued: cb then sees ECANCELED) and an error only when the
//     request could not be submitted (nothing reaches cb then).
//   - cb nil: synchronous, libuv's NULL-callback mode. The operation runs on the calling
//     goroutine, which blocks in C; the function returns the completed request and, when the
//     operation failed, its error (Err).
//
// Either way the results are Go values read through libuv's accessors (uv_fs_get_type,
// uv_fs_get_result, ...) before uv_fs_req_cleanup, which the binding calls once per request;
// no C memory is left behind, and an FSReq stays readable after its callback. Errors of
// operations on a path are *fs.PathError{Op, Path, Err} (Err an Errno, ErrNUL for a path
// holding a NUL byte, ErrClosed for a closed loop, ErrWrongThread), so errors.Is(err,
// fs.ErrNotExist) holds; errors of operations on a file descriptor or a Dir are the bare
// Errno. The loop must be open (ErrClosed otherwise, also for a nil loop) and the call must be
// made on the goroutine running it, or while it is not running (ErrWrongThread otherwise), in
// both modes.
//
// An FSReq is loop-bound: read it on the goroutine running its loop.
type FSReq struct {
	req
	cb      func(*FSReq)
	op      string // the Op and Path of errors, when isPath
	arg     string
	isPath  bool
	bufs    bufs           // read, write: the pinned Go slices
	dir     *Dir           // readdir, closedir: the directory
	dirents unsafe.Pointer // readdir: the C array of entries

	res  C.uvg_fs_res_t // the results, taken by uvg_fs_done (no pointer in it)
	path string
	more *fsResults // the results of statfs, readlink, realpath, opendir, scandir, readdir
}

type fsResults struct {
	statfs  Statfs
	link    string
	entries []Dirent
	dir     *Dir
}

// FSType wraps uv_fs_get_type: the operation. Loop-bound.
func (r *FSReq) FSType() FSType { return FSType(r.res._type) }

// Result wraps uv_fs_get_result: the operation's result, as libuv reports it: a file
// descriptor (open, mkstemp), a byte count (read, write, sendfile), a count of entries
// (scandir, readdir), 0 for success, or a negative Errno. 0 while in flight. Loop-bound.
func (r *FSReq) Result() int64 { return int64(r.res.result) }

// SystemError wraps uv_fs_get_system_error: the platform's error number of a failed
// operation, 0 otherwise. Loop-bound.
func (r *FSReq) SystemError() syscall.Errno { return syscall.Errno(r.res.syserr) }

// Err is the operation's error: nil when Result is not negative, otherwise the Errno, inside
// an *fs.PathError for operations on a path. Loop-bound.
func (r *FSReq) Err() error {
	if r.res.result >= 0 {
		return nil
	}
	return r.wrap(Errno(r.res.result))
}

// Path wraps uv_fs_get_path: the path the operation was given (the first one of rename, link,
// symlink, copyfile), or for mkdtemp and mkstemp the path libuv created; "" for operations on
// a file descriptor or a Dir. Loop-bound.
func (r *FSReq) Path() string { return r.path }

// Stat wraps uv_fs_get_statbuf: the result of FSStat, FSLstat and FSFstat; the zero Stat for
// other operations or on failure. Loop-bound.
func (r *FSReq) Stat() Stat {
	switch r.FSType() {
	case FSTypeStat, FSTypeLstat, FSTypeFstat:
		if r.res.result == 0 {
			return statOf(&r.res.stat)
		}
	}
	return Stat{}
}

// Statfs is the result of FSStatfs (uv_fs_get_ptr's uv_statfs_t); the zero Statfs otherwise.
// Loop-bound.
func (r *FSReq) Statfs() Statfs {
	if r.more == nil {
		return Statfs{}
	}
	return r.more.statfs
}

// Link is the result of FSReadlink (the link's content) and FSRealpath (the resolved path),
// libuv's uv_fs_get_ptr string; "" otherwise. Loop-bound.
func (r *FSReq) Link() string {
	if r.more == nil {
		return ""
	}
	return r.more.link
}

// Dir is the directory FSOpendir opened (uv_fs_get_ptr's uv_dir_t); nil otherwise. Loop-bound.
func (r *FSReq) Dir() *Dir {
	if r.more == nil {
		return nil
	}
	return r.more.dir
}

// Dirents is the entries of FSScandir (read with uv_fs_scandir_next, "." and ".." excluded as
// libuv excludes them) or of FSReaddir; nil otherwise. Loop-bound.
func (r *FSReq) Dirents() []Dirent {
	if r.more == nil {
		return nil
	}
	return r.more.entries
}

func (r *FSReq) fs() *C.uv_fs_t { return (*C.uv_fs_t)(r.ptr) }

// out is where the forwarders take the results of a synchronous request (res, on the
// caller's stack: the forwarders are noescape); nil for an asynchronous one.
func (r *FSReq) out(res *C.uvg_fs_res_t) *C.uvg_fs_res_t {
	if r.cb != nil {
		return nil
	}
	return res
}

func (r *FSReq) wrap(err error) error {
	if r.isPath {
		return &fs.PathError{Op: r.op, Path: r.arg, Err: err}
	}
	return err
}

// newFS creates the request of an operation, after the loop check. An asynchronous request
// (cb non-nil) is registered for its callback; a synchronous one needs no token. The C request
// is allocated for an asynchronous operation, or one whose results point into it (fsKeeps);
// the other synchronous operations use one on the forwarder's C stack (r.ptr nil).
func newFS(l *Loop, op, path string, isPath bool, cb func(*FSReq)) (*FSReq, error) {
	r := &FSReq{op: op, arg: path, isPath: isPath, cb: cb}
	if l == nil || l.ptr == nil {
		return nil, r.wrap(ErrClosed)
	}
	r.loop, r.typ = l, ReqFS
	if cb == nil && !fsKeeps(op) {
		return r, nil
	}
	if r.ptr = unsafe.Pointer(C.uvg_fs_new()); r.ptr == nil {
		return nil, r.wrap(ENOMEM)
	}
	if cb != nil {
		poolInit()
		r.token = saveToken(r)
		l.traceNew(r)
		r.fs().data = r.token // uv_req_set_data, without a cgo call
	}
	return r, nil
}

// fsKeeps reports whether the results of operation op point into its request (uvg_fs_keeps,
// whose list this is).
func fsKeeps(op string) bool {
	switch op {
	case "opendir", "scandir", "readdir", "readlink", "realpath", "mkdtemp", "mkstemp", "statfs":
		return true
	}
	return false
}

// fsPaths is room for the NUL-terminated paths of one operation on the calling function's
// stack: libuv copies them in asynchronous mode and only reads them during the call in
// synchronous mode (the forwarders are noescape). Longer paths are copied to the Go heap.
type fsPaths [512]byte

// pathFS is newFS for an operation on paths: they are copied, NUL-terminated, into pb (or the
// heap when they do not fit), or refused with ErrNUL.
func pathFS(l *Loop, pb *fsPaths, op string, cb func(*FSReq), paths ...string) (*FSReq, [2]*C.char, error) {
	var cs [2]*C.char
	if l == nil || l.ptr == nil {
		return nil, cs, &fs.PathError{Op: op, Path: paths[0], Err: ErrClosed}
	}
	n := 0
	for _, p := range paths {
		if strings.IndexByte(p, 0) >= 0 {
			return nil, cs, &fs.PathError{Op: op, Path: p, Err: ErrNUL}
		}
		n += len(p) + 1
	}
	r, err := newFS(l, op, paths[0], true, cb)
	if err != nil {
		return nil, cs, err
	}
	b := pb[:]
	if n > len(b) {
		b = make([]byte, n)
	}
	for i, p := range paths {
		cs[i] = (*C.char)(unsafe.Pointer(&b[0]))
		b = b[copy(b, p):]
		b[0] = 0
		b = b[1:]
	}
	return r, cs, nil
}

// submit completes an operation with the C call's answer rc. Async: the request is in flight,
// or refused (its memory released). Sync: its results are converted and the memory released.
func (r *FSReq) submit(res *C.uvg_fs_res_t, rc C.int) (*FSReq, error) {
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
	r.res = *res
	r.finish()
	if rc < 0 && C.int(r.res.result) != rc { // refused before it ran (EINVAL, ENOMEM)
		return nil, r.wrap(Errno(rc))
	}
	return r, r.Err()
}

// complete is the callback's Go side: the results uvg_fs_cb took (res) are converted.
func (r *FSReq) complete(res unsafe.Pointer) {
	r.res = *(*C.uvg_fs_res_t)(res)
	r.finish()
}

// finish converts the results uvg_fs_done took, then releases what is left of the request.
func (r *FSReq) finish() {
	if r.res.has_path != 0 {
		r.path = r.arg
	}
	ok := r.res.result >= 0
	var ptr unsafe.Pointer
	if r.res.freed == 0 { // the request holds results that point into it (uvg_fs_keeps)
		ptr = C.uv_fs_get_ptr(r.fs())
	}
	switch t := r.FSType(); t {
	case FSTypeMkdtemp, FSTypeMkstemp:
		if p := C.uv_fs_get_path(r.fs()); p != nil {
			r.path = C.GoString(p)
		}
	case FSTypeReadlink, FSTypeRealpath:
		if ok && ptr != nil {
			r.more = &fsResults{link: C.GoString((*C.char)(ptr))}
		}
	case FSTypeStatfs:
		if ok && ptr != nil {
			r.more = &fsResults{statfs: statfsOf((*C.uv_statfs_t)(ptr))}
		}
	case FSTypeOpendir:
		if ok && ptr != nil {
			r.more = &fsResults{dir: &Dir{ptr: (*C.uv_dir_t)(ptr)}}
		}
	case FSTypeScandir:
		if r.res.result > 0 {
			r.more = &fsResults{entries: make([]Dirent, 0, r.res.result)}
			var name *C.char
			var typ C.int
			for C.uvg_fs_scandir_next(r.fs(), &name, &typ) == 0 {
				r.more.entries = append(r.more.entries, Dirent{C.GoString(name), DirentType(typ)})
			}
		}
	case FSTypeReaddir:
		if r.res.result > 0 && r.dirents != nil {
			ents := unsafe.Slice((*C.uv_dirent_t)(r.dirents), r.res.result)
			r.more = &fsResults{entries: make([]Dirent, len(ents))}
			for i, e := range ents {
				r.more.entries[i] = Dirent{C.GoString(e.name), DirentType(e._type)}
			}
		}
	}
	r.release()
}

// release calls uv_fs_req_cleanup and frees the request (unless uvg_fs_done did), frees what
// the binding attached to it, and unpins the buffers.
func (r *FSReq) release() {
	if r.res.freed == 0 && r.ptr != nil {
		C.uvg_fs_free(r.fs())
	}
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
	if r.token != nil {
		releaseToken(r.token)
	}
	r.token = nil
	r.clear()
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
// descriptor itself; -1 for an fd outside C's int. Safe for concurrent use.
func OSFHandle(fd int) int {
	cfd, err := cint(fd) // uv_file is an int
	if err != nil {
		return -1
	}
	return int(C.uv_get_osfhandle(C.uv_file(cfd)))
}

// OpenOSFHandle wraps uv_open_osfhandle: the C runtime file descriptor of an OS handle; on
// Unix the handle itself; -1 for an h outside C's int. Safe for concurrent use.
func OpenOSFHandle(h int) int {
	ch, err := cint(h) // uv_os_fd_t is an int
	if err != nil {
		return -1
	}
	return int(C.uv_open_osfhandle(C.uv_os_fd_t(ch)))
}

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
// (cb runs on the loop), synchronous when cb is nil; see FSReq. Loop-bound.
func FSClose(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "close", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_close(l.ptr, r.fs(), cfd, r.out(&res)))
}

// FSOpen wraps uv_fs_open: opens path with flags and, for a created file, the permission bits
// of mode; Result is the new file descriptor. Asynchronous when cb is non-nil, synchronous when
// nil. Loop-bound.
func FSOpen(l *Loop, path string, flags OpenFlag, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	cflags, err := cint(flags)
	if err != nil {
		return nil, err
	}
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "open", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_open(l.ptr, r.fs(), p[0], cflags, unixMode(mode), r.out(&res)))
}

// FSRead wraps uv_fs_read: reads from fd into bufs, in order (preadv); Result is the number of
// bytes read, 0 at the end of the file. offset is the file position to read at; a negative
// offset reads at the current position and advances it (libuv's -1), a positive one leaves it
// unchanged. Zero copy: asynchronously, the slices are pinned and written by the threadpool
// until cb runs; do not use them before. No buffer at all is libuv's EINVAL; empty buffers
// read nothing. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSRead(l *Loop, fd int, bufs [][]byte, offset int64, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "read", "", false, cb)
	if err != nil {
		return nil, err
	}
	var arr [stackBufs]C.uv_buf_t // libuv copies the array (uvg_fs_read is noescape)
	b := r.bufs.setIn(bufs, arr[:])
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_read(l.ptr, r.fs(), cfd, b, C.uint(len(bufs)), fsOffset(offset), r.out(&res)))
}

// FSWrite wraps uv_fs_write: writes bufs to fd, in order (pwritev); Result is the number of
// bytes written. offset is as FSRead's: negative writes at the current position (libuv's -1).
// Zero copy: asynchronously, the slices are pinned and read by the threadpool until cb runs;
// do not modify them before (a read callback's data is copied). No buffer at all is libuv's EINVAL. Asynchronous when cb is
// non-nil, synchronous when nil. A write to a pipe whose reader is gone fails with EPIPE and
// SIGPIPE does not kill the process, also for fds 1 and 2: on the calling goroutine Go's
// handler ignores the signal (its exit on fds 1 and 2 is os.File's), and the threadpool's
// threads have it blocked (see poolInit). Loop-bound.
func FSWrite(l *Loop, fd int, bufs [][]byte, offset int64, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "write", "", false, cb)
	if err != nil {
		return nil, err
	}
	if cb != nil {
		bufs = ownBufs(l, bufs) // the write runs later, on the threadpool
	}
	var arr [stackBufs]C.uv_buf_t // libuv copies the array (uvg_fs_write is noescape)
	b := r.bufs.setIn(bufs, arr[:])
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_write(l.ptr, r.fs(), cfd, b, C.uint(len(bufs)), fsOffset(offset), r.out(&res)))
}

// FSUnlink wraps uv_fs_unlink: removes the file path. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSUnlink(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "unlink", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_unlink(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSCopyfile wraps uv_fs_copyfile: copies the file path to newPath (replaced when it exists,
// unless flags has CopyfileExcl). Unknown flags are libuv's EINVAL. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSCopyfile(l *Loop, path, newPath string, flags CopyfileFlag, cb func(*FSReq)) (*FSReq, error) {
	cflags, err := cint(flags)
	if err != nil {
		return nil, err
	}
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "copyfile", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_copyfile(l.ptr, r.fs(), p[0], p[1], cflags, r.out(&res)))
}

// FSMkdir wraps uv_fs_mkdir: creates the directory path with the permission bits of mode
// (less the umask). Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSMkdir(l *Loop, path string, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "mkdir", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_mkdir(l.ptr, r.fs(), p[0], unixMode(mode), r.out(&res)))
}

// FSMkdtemp wraps uv_fs_mkdtemp: creates a unique directory from template, whose last six
// characters must be "XXXXXX" (EINVAL otherwise); Path is the directory created.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSMkdtemp(l *Loop, template string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "mkdtemp", cb, template)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_mkdtemp(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSMkstemp wraps uv_fs_mkstemp: creates and opens a unique file from template, whose last
// six characters must be "XXXXXX" (EINVAL otherwise); Result is its file descriptor, Path its
// path. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSMkstemp(l *Loop, template string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "mkstemp", cb, template)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_mkstemp(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSRmdir wraps uv_fs_rmdir: removes the empty directory path. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSRmdir(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "rmdir", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_rmdir(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSScandir wraps uv_fs_scandir and uv_fs_scandir_next: lists the directory path; Result is
// the number of entries and Dirents the entries, in libuv's order (scandir(3)'s, sorted by
// name). libuv's flags argument is unused and always 0. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSScandir(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "scandir", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_scandir(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSOpendir wraps uv_fs_opendir: opens the directory path for FSReaddir; Dir is the result.
// Close it with FSClosedir. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSOpendir(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "opendir", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_opendir(l.ptr, r.fs(), p[0], r.out(&res)))
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
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_readdir(l.ptr, r.fs(), d.ptr, (*C.uv_dirent_t)(r.dirents), C.size_t(n), r.out(&res)))
}

// FSClosedir wraps uv_fs_closedir: closes d and frees it; d answers ErrClosed from this call
// on. A cancelled asynchronous closedir still frees d (libuv 1.44's uv_fs_req_cleanup frees
// the uv_dir_t), but the directory stream it never closed stays open: do not cancel one.
// EBUSY while an FSReaddir of d is in flight. Asynchronous when cb is non-nil, synchronous
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
	var res C.uvg_fs_res_t
	rc := C.uvg_fs_closedir(l.ptr, r.fs(), d.ptr, r.out(&res))
	if rc != C.UVG_EWRONGTHREAD {
		d.ptr = nil // libuv frees it: on the threadpool, or in uv_fs_req_cleanup when cancelled
	}
	return r.submit(&res, rc)
}

// FSStat wraps uv_fs_stat: the Stat of path, following symbolic links. Asynchronous when cb
// is non-nil, synchronous when nil. Loop-bound.
func FSStat(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "stat", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_stat(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSStatSync is a binding addition: FSStat in libuv's synchronous mode without an FSReq. It
// wraps uv_fs_stat with a NULL callback on a request on the C stack, in one C call that also
// converts the result, and returns the Stat of path (following symbolic links) or its error
// (an *fs.PathError, as FSStat's): no allocation on success. Loop-bound.
func FSStatSync(l *Loop, path string) (Stat, error) {
	var st Stat
	if l == nil || l.ptr == nil {
		return st, &fs.PathError{Op: "stat", Path: path, Err: ErrClosed}
	}
	if strings.IndexByte(path, 0) >= 0 {
		return st, &fs.PathError{Op: "stat", Path: path, Err: ErrNUL}
	}
	var ts [8]int64
	r := C.uvg_fs_stat_sync(cptr(unsafe.Pointer(l.ptr)), C.uintptr_t(uintptr(unsafe.Pointer(unsafe.StringData(path)))),
		C.size_t(len(path)), C.uintptr_t(uintptr(unsafe.Pointer(&st.Dev))), C.uintptr_t(uintptr(unsafe.Pointer(&ts))))
	runtime.KeepAlive(path)
	if r != 0 {
		if r == C.UVG_EWRONGTHREAD {
			return Stat{}, &fs.PathError{Op: "stat", Path: path, Err: wrongThread()}
		}
		return Stat{}, &fs.PathError{Op: "stat", Path: path, Err: Errno(r)}
	}
	st.Atime = time.Unix(ts[0], ts[1])
	st.Mtime = time.Unix(ts[2], ts[3])
	st.Ctime = time.Unix(ts[4], ts[5])
	st.Birthtime = time.Unix(ts[6], ts[7])
	return st, nil
}

// FSFstat wraps uv_fs_fstat: the Stat of the open file fd. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFstat(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "fstat", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_fstat(l.ptr, r.fs(), cfd, r.out(&res)))
}

// FSLstat wraps uv_fs_lstat: the Stat of path, of the link itself for a symbolic link.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSLstat(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "lstat", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_lstat(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSStatfs wraps uv_fs_statfs: the Statfs of the file system holding path. Asynchronous when
// cb is non-nil, synchronous when nil. Loop-bound.
func FSStatfs(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "statfs", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_statfs(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSRename wraps uv_fs_rename: renames path to newPath, replacing newPath when it exists.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSRename(l *Loop, path, newPath string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "rename", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_rename(l.ptr, r.fs(), p[0], p[1], r.out(&res)))
}

// FSFsync wraps uv_fs_fsync. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSFsync(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "fsync", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_fsync(l.ptr, r.fs(), cfd, r.out(&res)))
}

// FSFdatasync wraps uv_fs_fdatasync. Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSFdatasync(l *Loop, fd int, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "fdatasync", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_fdatasync(l.ptr, r.fs(), cfd, r.out(&res)))
}

// FSFtruncate wraps uv_fs_ftruncate: sets the size of fd's file to size bytes (a negative
// size is the system's EINVAL). Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSFtruncate(l *Loop, fd int, size int64, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "ftruncate", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_ftruncate(l.ptr, r.fs(), cfd, C.int64_t(size), r.out(&res)))
}

// FSSendfile wraps uv_fs_sendfile: copies up to length bytes of inFd, from inOffset, to outFd;
// Result is the number of bytes copied. A negative length is ErrNegative. Asynchronous when cb
// is non-nil, synchronous when nil. Loop-bound.
func FSSendfile(l *Loop, outFd, inFd int, inOffset int64, length int, cb func(*FSReq)) (*FSReq, error) {
	cout, cin, err := cint2(outFd, inFd)
	if err != nil {
		return nil, err
	}
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
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_sendfile(l.ptr, r.fs(), cout, cin, C.int64_t(inOffset),
		C.size_t(length), r.out(&res)))
}

// FSAccess wraps uv_fs_access: checks that path exists (F_OK) or may be read, written or
// executed (R_OK, W_OK, X_OK). Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSAccess(l *Loop, path string, mode AccessMode, cb func(*FSReq)) (*FSReq, error) {
	cmode, err := cint(mode)
	if err != nil {
		return nil, err
	}
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "access", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_access(l.ptr, r.fs(), p[0], cmode, r.out(&res)))
}

// FSChmod wraps uv_fs_chmod: sets the permission (and setuid, setgid, sticky) bits of path.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSChmod(l *Loop, path string, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "chmod", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_chmod(l.ptr, r.fs(), p[0], unixMode(mode), r.out(&res)))
}

// FSFchmod wraps uv_fs_fchmod: FSChmod of an open file. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFchmod(l *Loop, fd int, mode os.FileMode, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "fchmod", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_fchmod(l.ptr, r.fs(), cfd, unixMode(mode), r.out(&res)))
}

// FSUtime wraps uv_fs_utime: sets the access and modification times of path. libuv takes
// seconds as a double, so times far from 1970 lose their nanoseconds (about a quarter of a
// microsecond is kept today). Asynchronous when cb is non-nil, synchronous when nil.
// Loop-bound.
func FSUtime(l *Loop, path string, atime, mtime time.Time, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "utime", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_utime(l.ptr, r.fs(), p[0], fsTime(atime), fsTime(mtime), r.out(&res)))
}

// FSFutime wraps uv_fs_futime: FSUtime of an open file. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFutime(l *Loop, fd int, atime, mtime time.Time, cb func(*FSReq)) (*FSReq, error) {
	cfd, err := cint(fd)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "futime", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_futime(l.ptr, r.fs(), cfd, fsTime(atime), fsTime(mtime), r.out(&res)))
}

// FSLutime wraps uv_fs_lutime: FSUtime of a symbolic link itself. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSLutime(l *Loop, path string, atime, mtime time.Time, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "lutime", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_lutime(l.ptr, r.fs(), p[0], fsTime(atime), fsTime(mtime), r.out(&res)))
}

// FSLink wraps uv_fs_link: creates newPath as a hard link to path. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSLink(l *Loop, path, newPath string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "link", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_link(l.ptr, r.fs(), p[0], p[1], r.out(&res)))
}

// FSSymlink wraps uv_fs_symlink: creates newPath as a symbolic link to path. flags
// (SymlinkDir, SymlinkJunction) only matter on Windows. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSSymlink(l *Loop, path, newPath string, flags SymlinkFlag, cb func(*FSReq)) (*FSReq, error) {
	cflags, err := cint(flags)
	if err != nil {
		return nil, err
	}
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "symlink", cb, path, newPath)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_symlink(l.ptr, r.fs(), p[0], p[1], cflags, r.out(&res)))
}

// FSReadlink wraps uv_fs_readlink: Link is the content of the symbolic link path.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSReadlink(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "readlink", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_readlink(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSRealpath wraps uv_fs_realpath: Link is the canonical absolute path of path, symbolic
// links resolved. Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSRealpath(l *Loop, path string, cb func(*FSReq)) (*FSReq, error) {
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "realpath", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_realpath(l.ptr, r.fs(), p[0], r.out(&res)))
}

// FSChown wraps uv_fs_chown: sets the owner and group of path; -1 leaves one unchanged.
// Asynchronous when cb is non-nil, synchronous when nil. Loop-bound.
func FSChown(l *Loop, path string, uid, gid int, cb func(*FSReq)) (*FSReq, error) {
	cuid, cgid, err := cint2(uid, gid)
	if err != nil {
		return nil, err
	}
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "chown", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_chown(l.ptr, r.fs(), p[0], cuid, cgid, r.out(&res)))
}

// FSFchown wraps uv_fs_fchown: FSChown of an open file. Asynchronous when cb is non-nil,
// synchronous when nil. Loop-bound.
func FSFchown(l *Loop, fd int, uid, gid int, cb func(*FSReq)) (*FSReq, error) {
	cfd, cuid, err := cint2(fd, uid)
	if err != nil {
		return nil, err
	}
	cgid, err := cint(gid)
	if err != nil {
		return nil, err
	}
	r, err := newFS(l, "fchown", "", false, cb)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_fchown(l.ptr, r.fs(), cfd, cuid, cgid, r.out(&res)))
}

// FSLchown wraps uv_fs_lchown: FSChown of a symbolic link itself. Asynchronous when cb is
// non-nil, synchronous when nil. Loop-bound.
func FSLchown(l *Loop, path string, uid, gid int, cb func(*FSReq)) (*FSReq, error) {
	cuid, cgid, err := cint2(uid, gid)
	if err != nil {
		return nil, err
	}
	var pb fsPaths
	r, p, err := pathFS(l, &pb, "lchown", cb, path)
	if err != nil {
		return nil, err
	}
	var res C.uvg_fs_res_t
	return r.submit(&res, C.uvg_fs_lchown(l.ptr, r.fs(), p[0], cuid, cgid, r.out(&res)))
}
