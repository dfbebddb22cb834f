// Command uvtrace runs the binding's named scenarios (internal/scenario: the Go side of the
// differential scenarios of testdata/cdiff, and a few more) on real libuv and writes the trace
// of each (uv.Loop.SetTrace): one JSON line per callback, the format of testdata/traces.
//
//	uvtrace -list                      the scenarios
//	uvtrace phases timers              their traces on stdout
//	uvtrace -o testdata/traces         every scenario's trace into testdata/traces/<name>.jsonl
//	uvtrace -events phases             the scenario's own event lines on stderr as well
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-libuv/uv"
	"github.com/go-libuv/uv/internal/scenario"
)

func main() {
	list := flag.Bool("list", false, "list the scenarios and exit")
	dir := flag.String("o", "", "write each trace to `dir`/<scenario>.jsonl instead of stdout")
	events := flag.Bool("events", false, "write the scenarios' event lines to stderr")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: uvtrace [-list] [-o dir] [-events] [scenario ...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *list {
		for _, n := range scenario.Names() {
			fmt.Println(n)
		}
		return
	}
	names := flag.Args()
	if len(names) == 0 {
		names = scenario.Names()
	}
	if err := run(names, *dir, *events); err != nil {
		fmt.Fprintln(os.Stderr, "uvtrace:", err)
		os.Exit(1)
	}
}

func run(names []string, dir string, events bool) error {
	for _, n := range names {
		var trace, out bytes.Buffer
		if err := scenario.Run(n, &out, &trace); err != nil {
			return fmt.Errorf("%s: %v", n, err)
		}
		if events {
			fmt.Fprintf(os.Stderr, "# %s (libuv %s)\n%s", n, uv.VersionString(), out.Bytes())
		}
		var w io.Writer = os.Stdout
		if dir != "" {
			if err := os.WriteFile(filepath.Join(dir, n+".jsonl"), trace.Bytes(), 0o644); err != nil {
				return err
			}
			continue
		}
		if _, err := w.Write(trace.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
