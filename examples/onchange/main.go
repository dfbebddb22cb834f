// Command onchange is the libuv guide's onchange program: it watches the files (or
// directories) given on the command line with FSEvent handles (uv_fs_event_t) and runs a
// command through the shell each time one of them changes.
//
//	onchange <command> <file1> [file2 ...]
//
// With -demo it needs no arguments and ends by itself: it watches a file in a temporary
// directory, writes to it from a timer, runs its command (echo by default) for the first
// event, then closes the watcher and exits.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/go-libuv/uv"
)

func main() {
	demo := flag.Bool("demo", false, "watch a temporary file, change it, and exit after the first event")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-demo] <command> <file1> [file2 ...]\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()

	loop, err := uv.DefaultLoop()
	if err != nil {
		log.Fatal(err)
	}
	if *demo {
		runDemo(loop, flag.Args())
	} else {
		if flag.NArg() < 2 {
			flag.Usage()
			os.Exit(2)
		}
		command := flag.Arg(0)
		for _, path := range flag.Args()[1:] {
			fmt.Printf("Adding watch on %s\n", path)
			watch(loop, path, func(string, uv.FSEventKind) { runCommand(command) })
		}
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		log.Fatal(err)
	}
}

// watch starts an FSEvent on path; onEvent runs on the loop after the event is printed.
func watch(loop *uv.Loop, path string, onEvent func(filename string, events uv.FSEventKind)) *uv.FSEvent {
	h, err := uv.NewFSEvent(loop)
	if err != nil {
		log.Fatal(err)
	}
	err = h.Start(path, uv.FSEventRecursive, func(filename string, events uv.FSEventKind, err error) {
		if err != nil {
			log.Printf("watching %s: %v", path, err)
			return
		}
		// The handle knows the path it watches (uv_fs_event_getpath); filename is the entry
		// that changed: the file itself, or an entry of a watched directory.
		watched, err := h.Path()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Change detected in %s: ", watched)
		if events&uv.FSEventRename != 0 {
			fmt.Print("renamed")
		}
		if events&uv.FSEventChange != 0 {
			fmt.Print("changed")
		}
		fmt.Printf(" %s\n", filename)
		onEvent(filename, events)
	})
	if err != nil {
		log.Fatal(err)
	}
	return h
}

// runCommand runs command through the shell, as the guide's system(3) call; the loop waits
// for it.
func runCommand(command string) {
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Printf("%s: %v", command, err)
	}
}

// runDemo watches a temporary file and changes it from a timer; the watcher closes itself
// after the first event, and the timer is closed at once, so the loop ends.
func runDemo(loop *uv.Loop, args []string) {
	command := "echo command ran"
	if len(args) > 0 {
		command = args[0]
	}
	dir, err := os.MkdirTemp("", "onchange")
	if err != nil {
		log.Fatal(err)
	}
	file := filepath.Join(dir, "watched.txt")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		log.Fatal(err)
	}

	fmt.Printf("Adding watch on %s\n", filepath.Base(file))
	var h *uv.FSEvent
	h = watch(loop, file, func(string, uv.FSEventKind) {
		runCommand(command)
		if !h.IsClosing() {
			if err := h.Close(func() { os.RemoveAll(dir) }); err != nil {
				log.Fatal(err)
			}
		}
	})

	toucher, err := uv.NewTimer(loop)
	if err != nil {
		log.Fatal(err)
	}
	err = toucher.Start(50*time.Millisecond, 0, func() {
		fmt.Println("writing to the file")
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
		if err == nil {
			_, err = f.WriteString("hello\n")
			f.Close()
		}
		if err != nil {
			log.Fatal(err)
		}
		if err := toucher.Close(nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
}
