// Command tty-gravity drops a message down the terminal (the libuv guide's tty-gravity): a TTY
// handle on standard output, its window size (TTY.WinSize), and a repeating timer that clears the
// screen and writes the message one row lower on each tick, with cursor-movement escape
// sequences, until it has passed the last row. Then it restores the terminal's mode.
//
//	tty-gravity [-tick 200ms]   on standard output, which must be a terminal
//	tty-gravity -demo           on a pseudo-terminal of 24 x 4 with a 10ms tick; prints each frame
//	                            the master side (the terminal emulator's side) read, first as the
//	                            escape sequences, then drawn as a screen; exit 0
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-libuv/uv"
	"github.com/go-libuv/uv/examples/internal/pty"
)

const message = "  Hello TTY  "

func main() {
	log.SetFlags(0)
	tick := flag.Duration("tick", 200*time.Millisecond, "time between two frames")
	demo := flag.Bool("demo", false, "run on a pseudo-terminal and print what the terminal received")
	flag.Parse()
	if !*demo {
		if uv.GuessHandle(1) != uv.HandleTTY {
			log.Fatal("tty-gravity: standard output is not a terminal (try -demo)")
		}
		check(gravity(1, *tick, func(w, h int) { fmt.Fprintf(os.Stderr, "Width %d, height %d\n", w, h) }))
		return
	}

	const cols, rows = 24, 4
	got, err := pty.Run(cols, rows, func(fd int) error {
		return gravity(fd, 10*time.Millisecond, func(w, h int) { fmt.Printf("Width %d, height %d\n", w, h) })
	})
	check(err)
	frames := bytes.Split(got, []byte("\033[2J"))
	if len(frames[0]) > 0 {
		log.Fatalf("tty-gravity: output before the first frame: %q", frames[0])
	}
	for i, f := range frames[1:] {
		fmt.Printf("frame %d: %q\n", i+1, "\033[2J"+string(f))
		for _, line := range draw(f, cols, rows) {
			fmt.Printf("  |%s|\n", line)
		}
	}
}

// gravity is the guide's program on the terminal fd: size tells the window's size, then a
// frame is written every tick until the message has fallen past the last row.
func gravity(fd int, tick time.Duration, size func(width, height int)) error {
	loop, err := uv.NewLoop()
	if err != nil {
		return err
	}
	defer loop.CloseAll()
	tty, err := uv.NewTTY(loop, fd, false)
	if err != nil {
		return err
	}
	if err := tty.SetMode(uv.TTYModeNormal); err != nil {
		return err
	}
	width, height, err := tty.WinSize()
	if err != nil {
		uv.TTYResetMode()
		return fmt.Errorf("could not get the terminal's size: %w", err)
	}
	size(width, height)

	timer, err := uv.NewTimer(loop)
	if err != nil {
		return err
	}
	pos := 0
	var werr error
	err = timer.Start(tick, tick, func() {
		frame := fmt.Sprintf("\033[2J\033[H\033[%dB\033[%dC\033[42;37m%s", pos, (width-len(message))/2, message)
		if _, err := tty.Write([][]byte{[]byte(frame)}, nil); err != nil && werr == nil {
			werr = err
		}
		if pos++; pos > height {
			uv.TTYResetMode()
			timer.Stop()
		}
	})
	if err != nil {
		return err
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		return err
	}
	return werr
}

// draw plays a frame's bytes (after the clear-screen sequence) on an empty screen of cols x rows,
// knowing what the program writes: the cursor-home, cursor-down and cursor-forward sequences,
// colours (ignored) and text. As terminals do, a count of 0 moves by 1 and the cursor stops at
// the screen's edges.
func draw(frame []byte, cols, rows int) []string {
	screen := make([][]byte, rows)
	for i := range screen {
		screen[i] = bytes.Repeat([]byte{' '}, cols)
	}
	row, col := 0, 0
	for s := string(frame); s != ""; {
		if !strings.HasPrefix(s, "\033[") {
			if col < cols {
				screen[row][col] = s[0]
				col++
			}
			s = s[1:]
			continue
		}
		end := strings.IndexAny(s[2:], "ABCDHJKm")
		if end < 0 {
			break
		}
		args, op := s[2:2+end], s[2+end]
		s = s[3+end:]
		n, _ := strconv.Atoi(args)
		n = max(n, 1)
		switch op {
		case 'H':
			row, col = 0, 0
		case 'B':
			row = min(row+n, rows-1)
		case 'C':
			col = min(col+n, cols-1)
		}
	}
	lines := make([]string, rows)
	for i, l := range screen {
		lines[i] = string(l)
	}
	return lines
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
