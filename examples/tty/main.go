// Command tty writes "Hello TTY" to the terminal through a TTY handle (the libuv guide's tty):
// it opens a TTY on standard output, sets the normal mode, and when the descriptor is a
// terminal (uv.GuessHandle) writes an escape sequence that turns the text white on red. Unlike
// the guide it resets the colours afterwards, and it restores the terminal's mode before it
// exits (uv.TTYResetMode).
//
//	tty          write to standard output, which must be a terminal
//	tty -demo    open a pseudo-terminal pair, do the same on its slave side and print, quoted,
//	             what the master side (the terminal emulator's side) read; exit 0
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/go-libuv/uv"
	"github.com/go-libuv/uv/examples/internal/pty"
)

func main() {
	log.SetFlags(0)
	demo := flag.Bool("demo", false, "run on a pseudo-terminal and print what the terminal received")
	flag.Parse()
	if !*demo {
		if uv.GuessHandle(1) != uv.HandleTTY {
			log.Fatal("tty: standard output is not a terminal (try -demo)")
		}
		check(hello(1))
		return
	}
	got, err := pty.Run(40, 10, hello)
	check(err)
	fmt.Println("the program wrote to the slave side of a pseudo-terminal; the master side read:")
	fmt.Printf("%q\n", got)
}

// hello is the guide's program on the terminal fd.
func hello(fd int) error {
	loop, err := uv.NewLoop()
	if err != nil {
		return err
	}
	tty, err := uv.NewTTY(loop, fd, false)
	if err != nil {
		return err
	}
	if err := tty.SetMode(uv.TTYModeNormal); err != nil {
		return err
	}
	if uv.GuessHandle(fd) == uv.HandleTTY {
		if _, err := tty.Write([][]byte{[]byte("\033[41;37m")}, nil); err != nil {
			return err
		}
	}
	if _, err := tty.Write([][]byte{[]byte("Hello TTY\n")}, nil); err != nil {
		return err
	}
	if _, err := tty.Write([][]byte{[]byte("\033[0m")}, nil); err != nil {
		return err
	}
	if err := uv.TTYResetMode(); err != nil {
		return err
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		return err
	}
	return loop.CloseAll()
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
