// Command node is a small Node-like runtime on libuv's loop, through github.com/go-libuv/uv:
// JavaScript (goja) with Node's event-loop order. Timers (setTimeout, setInterval) are libuv
// timers started from a fresh loop time; setImmediate runs on a check handle after the poll
// phase; process.nextTick and promise jobs are drained after every callback, ticks first;
// fs, net, child_process, dns and process signals go through libuv's requests and handles; an
// uncaught exception ends the process with code 1.
//
//	node script.js [args...]
//	node -demo       runs the scripts of scripts/ and prints their output
package main

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

//go:embed scripts/*.js
var demoScripts embed.FS

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: node script.js [args...] | node -demo")
		os.Exit(2)
	}
	if os.Args[1] == "-demo" {
		os.Exit(demo())
	}
	os.Exit(run(os.Args[1], os.Args[2:]))
}

func run(path string, args []string) int {
	rt, err := NewRuntime(os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return rt.RunFile(abs, args)
}

// demo runs each embedded script, one runtime (and loop) after the other, and prints its output.
func demo() int {
	entries, _ := demoScripts.ReadDir("scripts")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	dir, err := os.MkdirTemp("", "uvnode")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	for _, name := range names {
		src, _ := demoScripts.ReadFile("scripts/" + name)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("--- %s\n", name)
		code := run(path, nil)
		fmt.Printf("[exit %d]\n", code)
	}
	return 0
}
