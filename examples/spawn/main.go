// Command spawn starts a child process, as the libuv guide's spawn program: uv.Spawn runs
// mkdir, and the exit callback prints how the child ended. The guide creates test-dir in the
// current directory; this program creates it in a new temporary directory, removed at the end.
//
//	spawn           mkdir a directory, print its exit status
//	spawn -true     run true instead (exit status 0)
//
// The Process is still open in the exit callback: the program closes it there, and the loop,
// left with nothing to do, ends.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"syscall"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	runTrue := flag.Bool("true", false, "run true instead of mkdir")
	flag.Parse()

	dir, err := os.MkdirTemp("", "uv-spawn-")
	check(err)
	defer os.RemoveAll(dir)
	opts := &uv.ProcessOptions{File: "mkdir", Args: []string{"mkdir", filepath.Join(dir, "test-dir")}}
	if *runTrue {
		opts = &uv.ProcessOptions{File: "true", Args: []string{"true"}}
	}

	loop, err := uv.DefaultLoop()
	check(err)
	child, err := uv.Spawn(loop, opts, func(p *uv.Process, exitStatus int64, termSignal syscall.Signal) {
		fmt.Printf("Process exited with status %d, signal %d\n", exitStatus, termSignal)
		p.Close(nil)
	})
	if err != nil {
		if child != nil {
			child.Close(nil) // a failed spawn still leaves a handle to close
			loop.Run(uv.RunDefault)
		}
		log.Fatal(err)
	}
	fmt.Printf("Launched process with ID %d\n", child.PID())
	_, err = loop.Run(uv.RunDefault)
	check(err)
	if !*runTrue {
		if _, err := os.Stat(filepath.Join(dir, "test-dir")); err != nil {
			log.Fatal(err)
		}
		fmt.Println("test-dir created")
	}
	check(loop.Close())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
