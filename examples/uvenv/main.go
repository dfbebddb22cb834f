// Command uvenv passes an environment to a child, as the libuv guide's environment example:
// ProcessOptions.Env is the child's whole environment (KEY=VALUE strings), nil inherits this
// program's, and an empty slice gives none. The child, printenv, shows what it got on this
// program's stdout (uv.InheritFD(1)).
package main

import (
	"fmt"
	"log"
	"syscall"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	loop, err := uv.DefaultLoop()
	check(err)
	runs := []struct {
		what string
		env  []string
	}{
		{"an environment of two variables", []string{"UVENV=hello from the parent", "PATH=/usr/local/bin:/usr/bin:/bin"}},
		{"an empty environment", []string{}},
	}
	next := 0
	var start func()
	start = func() {
		r := runs[next]
		next++
		fmt.Printf("child with %s:\n", r.what)
		opts := &uv.ProcessOptions{
			File:  "/usr/bin/env", // printenv with no arguments; an absolute path, since PATH may be unset
			Args:  []string{"env"},
			Env:   r.env,
			Stdio: []uv.StdioContainer{uv.Ignore(), uv.InheritFD(1), uv.InheritFD(2)},
		}
		child, err := uv.Spawn(loop, opts, func(p *uv.Process, exitStatus int64, termSignal syscall.Signal) {
			fmt.Printf("(exit status %d)\n", exitStatus)
			p.Close(nil)
			if next < len(runs) {
				start()
			}
		})
		if err != nil {
			if child != nil {
				child.Close(nil)
			}
			log.Print(err)
		}
	}
	start()
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
