package uv_test

import (
	"fmt"
	"log"
	"syscall"

	"github.com/go-libuv/uv"
)

// A child's stdout into a pipe, and its exit status. The pipe's data and the exit may come in
// either order: the example prints them once the loop has ended.
func ExampleSpawn() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	out, _ := uv.NewPipe(loop, false)
	opts := &uv.ProcessOptions{
		File:  "sh",
		Args:  []string{"sh", "-c", "echo hello from the child; exit 3"},
		Stdio: []uv.StdioContainer{uv.Ignore(), uv.CreatePipe(out, uv.StdioWritablePipe)},
	}
	var output []byte
	var status int64
	child, err := uv.Spawn(loop, opts, func(p *uv.Process, exitStatus int64, termSignal syscall.Signal) {
		status = exitStatus
		p.Close(nil)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pid > 0:", child.PID() > 0)
	out.ReadStart(func(data []byte, err error) {
		if err != nil { // EOF
			out.Close(nil)
			return
		}
		output = append(output, data...) // data is valid during the callback only
	})
	loop.Run(uv.RunDefault)
	fmt.Printf("child wrote %q and exited with status %d\n", output, status)
	loop.Close()
	// Output:
	// pid > 0: true
	// child wrote "hello from the child\n" and exited with status 3
}

// A program that does not exist: libuv's error, and a Process that must still be closed.
func ExampleSpawn_failure() {
	loop, _ := uv.NewLoop()
	p, err := uv.Spawn(loop, &uv.ProcessOptions{File: "program-that-does-not-exist"}, nil)
	fmt.Println(err.(uv.Errno).Name(), p.IsActive())
	p.Close(nil)
	loop.Run(uv.RunDefault)
	fmt.Println(loop.Close())
	// Output:
	// ENOENT false
	// <nil>
}

// Kill sends a signal; the exit callback reports the signal that ended the child.
func ExampleProcess_Kill() {
	loop, _ := uv.NewLoop()
	child, err := uv.Spawn(loop, &uv.ProcessOptions{File: "sleep", Args: []string{"sleep", "30"}},
		func(p *uv.Process, exitStatus int64, termSignal syscall.Signal) {
			fmt.Printf("exit status %d, signal %d\n", exitStatus, termSignal)
			p.Close(nil)
		})
	if err != nil {
		log.Fatal(err)
	}
	if err := child.Kill(syscall.SIGTERM); err != nil {
		log.Fatal(err)
	}
	loop.Run(uv.RunDefault)
	loop.Close()
	// Output:
	// exit status 0, signal 15
}

// A child that reads its stdin from a pipe and writes its stdout to another: cat echoes what
// the parent writes, until the parent closes its end.
func ExampleCreatePipe() {
	loop, _ := uv.NewLoop()
	in, _ := uv.NewPipe(loop, false)
	out, _ := uv.NewPipe(loop, false)
	opts := &uv.ProcessOptions{
		File: "cat",
		Args: []string{"cat"},
		Stdio: []uv.StdioContainer{
			uv.CreatePipe(in, uv.StdioReadablePipe),  // the child reads
			uv.CreatePipe(out, uv.StdioWritablePipe), // the child writes
		},
	}
	_, err := uv.Spawn(loop, opts, func(p *uv.Process, exitStatus int64, termSignal syscall.Signal) { p.Close(nil) })
	if err != nil {
		log.Fatal(err)
	}
	in.Write([][]byte{[]byte("ping\n")}, func(error) { in.Close(nil) }) // the slice is read until the callback
	var echoed []byte
	out.ReadStart(func(data []byte, err error) {
		if err != nil {
			out.Close(nil)
			return
		}
		echoed = append(echoed, data...)
	})
	loop.Run(uv.RunDefault)
	fmt.Printf("%q\n", echoed)
	loop.Close()
	// Output:
	// "ping\n"
}
