// Command proc-streams sets up a child's standard streams, as the libuv guide's proc-streams
// program: the child's stdin is ignored (it reads /dev/null), its stdout goes into a pipe this
// program reads (uv.CreatePipe), and its stderr is this program's own (uv.InheritFD(2)). The
// guide's child is a test program of its own; this one is sh, printing two lines on stdout and
// one on stderr.
//
// Each chunk read from the pipe is printed with a prefix; the read callback's data is valid
// only during the callback. The pipe reports EOF once the child has exited.
package main

import (
	"fmt"
	"log"
	"strings"
	"syscall"

	"github.com/go-libuv/uv"
)

const script = `echo "hello from the child's stdout"; echo "this goes to stderr" >&2; echo "goodbye"`

func main() {
	log.SetFlags(0)
	loop, err := uv.DefaultLoop()
	check(err)
	out, err := uv.NewPipe(loop, false)
	check(err)
	opts := &uv.ProcessOptions{
		File: "sh",
		Args: []string{"sh", "-c", script},
		Stdio: []uv.StdioContainer{
			uv.Ignore(),
			uv.CreatePipe(out, uv.StdioWritablePipe), // the child writes, this program reads
			uv.InheritFD(2),
		},
	}
	child, err := uv.Spawn(loop, opts, func(p *uv.Process, exitStatus int64, termSignal syscall.Signal) {
		fmt.Printf("child exited with status %d, signal %d\n", exitStatus, termSignal)
		p.Close(nil)
	})
	if err != nil {
		if child != nil {
			child.Close(nil)
		}
		out.Close(nil)
		loop.Run(uv.RunDefault)
		log.Fatal(err)
	}
	check(out.ReadStart(func(data []byte, err error) {
		if err != nil { // EOF: the child's end is closed
			out.Close(nil)
			return
		}
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if line != "" {
				fmt.Print("child stdout> ", line)
			}
		}
	}))
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
