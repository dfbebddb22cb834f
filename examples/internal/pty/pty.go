// Package pty runs a piece of a terminal program on the slave side of a pseudo-terminal pair
// and returns what the master side read, for the -demo of examples/tty and
// examples/tty-gravity: they need a terminal, and a demo must not depend on the one it runs
// in (or on there being one).
package pty

import (
	"errors"
	"io"
	"os"
	"strings"
	"sync"
)

// Run opens a pseudo-terminal pair whose window is cols x rows, calls fn with the slave's
// descriptor (fn may close its own handles on it, not the descriptor), closes the slave and
// returns everything the master side read. The terminal's defaults apply: output post-processing
// turns "\n" into "\r\n".
func Run(cols, rows int, fn func(slave int) error) ([]byte, error) {
	master, slave, err := open(cols, rows)
	if err != nil {
		return nil, err
	}
	m := os.NewFile(uintptr(master), "ptmx")
	defer m.Close()
	var out []byte
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		out, readErr = readAll(m)
	}()
	err = fn(slave)
	if cerr := closeFD(slave); err == nil {
		err = cerr
	}
	wg.Wait() // the master reads EIO once every descriptor of the slave is closed
	if err == nil {
		err = readErr
	}
	return out, err
}

// readAll reads m until the slave side is gone: Linux reports EIO, not EOF, then.
func readAll(m *os.File) ([]byte, error) {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := m.Read(buf)
		out = append(out, buf[:n]...)
		switch {
		case err == nil:
		case errors.Is(err, io.EOF) || strings.Contains(err.Error(), "input/output error"):
			return out, nil
		default:
			return out, err
		}
	}
}
