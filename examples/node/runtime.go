package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dop251/goja"
	"github.com/go-libuv/uv"
)

//go:embed prelude.js
var prelude string

// Runtime runs one script on one libuv loop, in Node's order: each callback from the loop is a
// macrotask, after which the nextTick queue and then the promise jobs are drained, again and
// again until both are empty.
type Runtime struct {
	loop   *uv.Loop
	vm     *goja.Runtime
	stdout io.Writer
	stderr io.Writer

	macrotask goja.Callable // prelude's __macrotask(fn, ...args): fn, then the tick queue
	drain     goja.Callable // prelude's __drainTicks
	ticks     *goja.Object  // the tick queue, a JS array
	process   *goja.Object
	exiting   bool
	// exitPending is set by process.exit until Runtime.call has turned it into the exit.
	exitPending *exitError

	timers
	immediates
}

// exitError ends the script with a process exit code (process.exit, an uncaught exception).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// NewRuntime makes a runtime on a new loop, with the globals and modules of the prelude.
func NewRuntime(stdout, stderr io.Writer) (*Runtime, error) {
	loop, err := uv.NewLoop()
	if err != nil {
		return nil, err
	}
	rt := &Runtime{loop: loop, vm: goja.New(), stdout: stdout, stderr: stderr}
	rt.vm.SetFieldNameMapper(goja.UncapFieldNameMapper())
	if err := rt.immediates.init(rt); err != nil {
		return nil, err
	}
	rt.vm.Set("__native", rt.natives())
	if _, err := rt.vm.RunScript("prelude.js", prelude); err != nil {
		return nil, err
	}
	rt.macrotask = rt.fn("__macrotask")
	rt.drain = rt.fn("__drainTicks")
	rt.ticks = rt.vm.Get("__ticks").ToObject(rt.vm)
	rt.process = rt.vm.Get("process").ToObject(rt.vm)
	return rt, nil
}

func (rt *Runtime) fn(name string) goja.Callable {
	f, ok := goja.AssertFunction(rt.vm.Get(name))
	if !ok {
		panic("prelude.js defines no function " + name)
	}
	return f
}

// RunFile runs the script at path as the main module, then the loop until nothing keeps it
// alive, and returns the process's exit code.
func (rt *Runtime) RunFile(path string, argv []string) (code int) {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(rt.stderr, err)
		return 1
	}
	defer func() {
		if v := recover(); v != nil {
			e, ok := v.(*exitError)
			if !ok {
				panic(v)
			}
			code = rt.exit(e.code)
		}
	}()
	rt.process.Set("argv", append([]string{"node", path}, argv...))
	wrapped := "(function (exports, require, module, __filename, __dirname) {" + string(src) + "\n})"
	prog, err := goja.Compile(path, wrapped, false)
	if err != nil {
		fmt.Fprintln(rt.stderr, err)
		return 1
	}
	mainFn, err := rt.vm.RunProgram(prog)
	if err != nil {
		fmt.Fprintln(rt.stderr, err)
		return 1
	}
	module := rt.vm.NewObject()
	exports := rt.vm.NewObject()
	module.Set("exports", exports)
	rt.call(mainFn, exports, rt.vm.Get("require"), module, rt.vm.ToValue(path), rt.vm.ToValue(dir(path)))
	if _, err := rt.loop.Run(uv.RunDefault); err != nil {
		fmt.Fprintln(rt.stderr, err)
		return 1
	}
	return rt.exit(int(rt.process.Get("exitCode").ToInteger()))
}

// exit emits process 'exit' (once), closes the loop, and returns the exit code.
func (rt *Runtime) exit(code int) int {
	rt.process.Set("exitCode", code)
	if !rt.exiting {
		rt.exiting = true
		rt.ticks.Set("length", 0) // what process.exit or an uncaught exception left never runs
		func() {
			defer func() { recover() }() // process.exit or a throw inside an 'exit' listener
			rt.call(rt.vm.Get("__emit"), rt.vm.ToValue("exit"), rt.vm.ToValue(code))
		}()
	}
	rt.loop.CloseAll()
	return int(rt.process.Get("exitCode").ToInteger())
}

// call runs fn(args...) as a macrotask: fn, the nextTick queue, the promise jobs (goja runs
// them when its outermost call returns), and again while ticks were queued by promise jobs.
// An exception nobody catches goes to process 'uncaughtException' listeners, or ends the
// process with exit code 1, as in Node.
func (rt *Runtime) call(fn goja.Value, args ...goja.Value) {
	all := append([]goja.Value{fn}, args...)
	_, err := rt.macrotask(goja.Undefined(), all...)
	for err == nil && rt.ticks.Get("length").ToInteger() > 0 {
		_, err = rt.drain(goja.Undefined())
	}
	if err != nil {
		rt.uncaught(err)
	}
}

func (rt *Runtime) uncaught(err error) {
	if e := rt.exitPending; e != nil { // process.exit
		rt.exitPending = nil
		rt.vm.ClearInterrupt()
		panic(e)
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		count := rt.fnOf(rt.process, "listenerCount")
		if n, _ := count(rt.process, rt.vm.ToValue("uncaughtException")); n != nil && n.ToInteger() > 0 {
			rt.call(rt.vm.Get("__emit"), rt.vm.ToValue("uncaughtException"), ex.Value())
			return
		}
		fmt.Fprintf(rt.stderr, "Uncaught %s\n", ex.String())
	} else {
		fmt.Fprintln(rt.stderr, err)
	}
	panic(&exitError{1})
}

func (rt *Runtime) fnOf(o *goja.Object, name string) goja.Callable {
	f, _ := goja.AssertFunction(o.Get(name))
	return f
}

func dir(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[:i]
		}
	}
	return "."
}
