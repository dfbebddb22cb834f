// Package scenario holds the Go side of the differential scenarios: each one is a small program
// against the binding whose C twin, testdata/cdiff/<name>/main.c, does the same against libuv
// directly. Both print one event per line in the same format (testdata/cdiff/README.md), and
// the root package's TestCdiff requires the two outputs to be identical. testdata/cdiff/<name>/
// main.go and cmd/uvtrace run them through Run, so that each scenario is written once in Go.
package scenario

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"

	"github.com/go-libuv/uv"
)

// A scenario drives the loop of e: it creates handles, runs the loop and prints events.
type scenario struct {
	fn func(e *Env)
	// twin reports that testdata/cdiff/<name>/main.c exists: the scenario is compared with C.
	twin bool
}

var all = map[string]scenario{}

// register adds a scenario under name.
func register(name string, twin bool, fn func(e *Env)) {
	all[name] = scenario{fn: fn, twin: twin}
}

// Names returns the names of the scenarios, sorted.
func Names() []string {
	var ns []string
	for n := range all {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// HasTwin reports whether the scenario name has a C twin in testdata/cdiff.
func HasTwin(name string) bool { return all[name].twin }

// Env is what a scenario runs with: its loop and the printer of its events. Its methods are
// called on the loop.
type Env struct {
	L    *uv.Loop
	out  io.Writer
	iter int // the polls so far, counted by a prepare handle as the C twin counts them
	// net prints "-" for the iteration: the kernel decides in which poll a network event
	// arrives, so a network scenario prints its events in their order without it.
	net   bool
	sides []side
}

// side is the log of one connection's end in a network scenario, printed after the run: the
// order of the events of one end is libuv's, the interleaving of two ends is the kernel's.
type side struct {
	name  string
	lines []string
}

// Run runs the scenario name on a new loop: its events go to out and, when trace is not nil,
// the loop's trace (uv.Loop.SetTrace) to trace.
func Run(name string, out, trace io.Writer) error {
	s, ok := all[name]
	if !ok {
		return fmt.Errorf("scenario: no scenario %q (have %s)", name, strings.Join(Names(), ", "))
	}
	l, err := uv.NewLoop()
	if err != nil {
		return err
	}
	if trace != nil {
		if err := l.SetTrace(trace); err != nil {
			return err
		}
	}
	e := &Env{L: l, out: out}
	counter, err := uv.NewPrepare(l)
	if err != nil {
		return err
	}
	counter.Start(func() { e.iter++ })
	counter.Unref()
	s.fn(e)
	for _, sd := range e.sides {
		for _, ln := range sd.lines {
			fmt.Fprintf(out, "%s %s\n", sd.name, ln)
		}
	}
	counter.Close(nil)
	if _, err := l.Run(uv.RunDefault); err != nil {
		return err
	}
	if trace != nil {
		if err := l.SetTrace(nil); err != nil {
			return err
		}
		if _, err := l.Run(uv.RunDefault); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "loop_close %s\n", Status(l.Close()))
	return nil
}

// Status is the status column: "0" for nil, libuv's name of an Errno (uv_err_name), else the
// error's text.
func Status(err error) string {
	if err == nil {
		return "0"
	}
	var e uv.Errno
	if errors.As(err, &e) {
		return e.Name()
	}
	return err.Error()
}

func (e *Env) it() string {
	if e.net {
		return "-"
	}
	return fmt.Sprint(e.iter)
}

// Ev prints one event: iteration, kind (a callback, or the function called), the handle's
// name, the status; extra (such as "n=5") follows when given.
func (e *Env) Ev(kind, name string, err error, extra ...string) {
	fmt.Fprintln(e.out, e.line(e.it(), kind, name, err, extra))
}

func (e *Env) line(it, kind, name string, err error, extra []string) string {
	s := it + " " + kind + " " + name + " " + Status(err)
	for _, x := range extra {
		s += " " + x
	}
	return s
}

// Side returns the index of a new side log called name (a network scenario's "client" or
// "server"): its lines are printed after the scenario, prefixed by name.
func (e *Env) Side(name string) int {
	e.net = true
	e.sides = append(e.sides, side{name: name})
	return len(e.sides) - 1
}

// SEv is Ev into side log i, without the iteration.
func (e *Env) SEv(i int, kind, name string, err error, extra ...string) {
	e.sides[i].lines = append(e.sides[i].lines, e.line("", kind, name, err, extra)[1:])
}

// Net marks the scenario as a network one: its iterations print as "-".
func (e *Env) Net() { e.net = true }

var modes = map[uv.RunMode]string{uv.RunDefault: "DEFAULT", uv.RunOnce: "ONCE", uv.RunNoWait: "NOWAIT"}

// Run runs the loop in mode and prints uv_run's result and uv_loop_alive.
func (e *Env) Run(mode uv.RunMode) {
	r, err := e.L.Run(mode)
	if err != nil {
		fmt.Fprintf(e.out, "%s run %s %s\n", e.it(), modes[mode], Status(err))
		return
	}
	fmt.Fprintf(e.out, "%s run %s %d alive=%d\n", e.it(), modes[mode], b2i(r), b2i(e.L.Alive()))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// closer returns a close callback that prints "close <name>".
func (e *Env) closer(name string) func() {
	return func() { e.Ev("close", name, nil) }
}

// sideCloser is closer into side log i.
func (e *Env) sideCloser(i int, name string) func() {
	return func() { e.SEv(i, "close", name, nil) }
}

// loopback is 127.0.0.1:0: the OS chooses the port, and no scenario prints it.
var loopback = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 0)

// check stops the scenario on a setup error (one the C twin asserts).
func check(err error) {
	if err != nil {
		panic(err)
	}
}

// must1 is check for a call with a result.
func must1[T any](v T, err error) T {
	check(err)
	return v
}
