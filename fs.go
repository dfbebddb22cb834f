package uv

// #include "shim.h"
import "C"

import (
	"os"
	"syscall"
	"time"
)

// Stat is libuv's uv_stat_t as Go values: every field, the times as time.Time.
type Stat struct {
	Dev, Mode, Nlink, UID, GID, Rdev, Ino, Size, Blksize, Blocks, Flags, Gen uint64
	Atime, Mtime, Ctime, Birthtime                                           time.Time
}

// FileMode converts Mode, the raw st_mode, to an os.FileMode (type bits and permissions, as
// os.Stat reports them).
func (s *Stat) FileMode() os.FileMode {
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
