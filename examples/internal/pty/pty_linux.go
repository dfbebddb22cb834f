package pty

import (
	"fmt"
	"syscall"
	"unsafe"
)

// open opens /dev/ptmx, unlocks its slave, sets the window size and opens the slave: what
// posix_openpt, grantpt, unlockpt and ptsname do, in system calls.
func open(cols, rows int) (master, slave int, err error) {
	master, err = syscall.Open("/dev/ptmx", syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, -1, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	var unlock int32
	var n uint32
	ws := struct{ row, col, x, y uint16 }{uint16(rows), uint16(cols), 0, 0}
	steps := []struct {
		what string
		req  uintptr
		arg  unsafe.Pointer
	}{
		{"unlock the slave", syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)},
		{"the slave's number", syscall.TIOCGPTN, unsafe.Pointer(&n)},
		{"set the window size", syscall.TIOCSWINSZ, unsafe.Pointer(&ws)},
	}
	for _, s := range steps {
		if e := ioctl(master, s.req, s.arg); e != nil {
			err = fmt.Errorf("%s: %w", s.what, e)
			break
		}
	}
	if err == nil {
		name := fmt.Sprintf("/dev/pts/%d", n)
		if slave, err = syscall.Open(name, syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0); err != nil {
			err = fmt.Errorf("open %s: %w", name, err)
		}
	}
	if err != nil {
		syscall.Close(master)
		return -1, -1, err
	}
	return master, slave, nil
}

func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}

func closeFD(fd int) error { return syscall.Close(fd) }
