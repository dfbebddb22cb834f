package uv_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-libuv/uv"
	"github.com/go-libuv/uv/internal/scenario"
)

// corpusLibuv is the libuv the corpus of testdata/traces was recorded with (go run
// ./cmd/uvtrace -o testdata/traces). The iteration order changed in 1.45: on another libuv,
// TestTraceCorpus re-records without comparing.
const corpusLibuv = "1.44.2"

// traceLine is one line of a trace, as testdata/traces/README.md defines it.
type traceLine struct {
	Iter       *int64  `json:"iter"`
	CB         string  `json:"cb"`
	ID         *int64  `json:"id"`
	Type       string  `json:"type"`
	Status     *string `json:"status"`
	Op         string  `json:"op,omitempty"`
	N          *int64  `json:"n,omitempty"`
	Addr       *bool   `json:"addr,omitempty"`
	Events     *int64  `json:"events,omitempty"`
	Signal     *int64  `json:"signal,omitempty"`
	ExitStatus *int64  `json:"exit_status,omitempty"`
	TermSignal *int64  `json:"term_signal,omitempty"`
}

// parseTrace decodes a trace strictly: every line one object, no unknown field, the five
// common fields present, and the line is what encoding/json writes from it.
func parseTrace(t *testing.T, name string, b []byte) []traceLine {
	t.Helper()
	var lines []traceLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	for i := 1; sc.Scan(); i++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var l traceLine
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("%s:%d: %v: %s", name, i, err, sc.Bytes())
		}
		if l.Iter == nil || l.CB == "" || l.ID == nil || l.Type == "" || l.Status == nil {
			t.Fatalf("%s:%d: a common field is missing: %s", name, i, sc.Bytes())
		}
		// The README's promise: encoding/json writes the same bytes from the same struct.
		if again, err := json.Marshal(l); err != nil || !bytes.Equal(again, sc.Bytes()) {
			t.Fatalf("%s:%d: encoding/json writes %s, the recorder %s (%v)", name, i, again, sc.Bytes(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

// TestTraceCorpus re-records every scenario's trace and compares it with the corpus in
// testdata/traces, so that the corpus cannot rot: a change of the binding or of a scenario
// that changes a trace fails here until the corpus is re-recorded (and reviewed).
func TestTraceCorpus(t *testing.T) {
	compare := uv.VersionString() == corpusLibuv
	if !compare {
		t.Logf("libuv %s: the traces are recorded and checked, not compared with the corpus of libuv %s", uv.VersionString(), corpusLibuv)
	}
	names := scenario.Names()
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			var out, trace bytes.Buffer
			if err := scenario.Run(n, &out, &trace); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(out.String(), "loop_close 0\n") {
				t.Fatalf("the scenario's loop did not close:\n%s", out.String())
			}
			parseTrace(t, n, trace.Bytes())
			if !compare {
				return
			}
			want, err := os.ReadFile(filepath.Join("testdata", "traces", n+".jsonl"))
			if err != nil {
				t.Fatalf("%v (record it: go run ./cmd/uvtrace -o testdata/traces %s)", err, n)
			}
			if got := trace.String(); got != string(want) {
				t.Errorf("the trace differs from testdata/traces/%s.jsonl (libuv %s):\n%s", n, corpusLibuv, traceDiff(string(want), got))
			}
		})
	}
	// No corpus file without its scenario.
	files, _ := filepath.Glob(filepath.Join("testdata", "traces", "*.jsonl"))
	for _, f := range files {
		if n := strings.TrimSuffix(filepath.Base(f), ".jsonl"); !contains(names, n) {
			t.Errorf("%s: no scenario %q", f, n)
		}
	}
	// Every differential scenario has its trace.
	for _, n := range names {
		if _, err := os.Stat(filepath.Join("testdata", "cdiff", n, "main.c")); (err == nil) != scenario.HasTwin(n) {
			t.Errorf("scenario %s: HasTwin is %v, testdata/cdiff/%s/main.c: %v", n, scenario.HasTwin(n), n, err)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// traceDiff shows want and got from their first differing line.
func traceDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want " + w + "\n  got  " + g + "\n")
		}
	}
	return b.String()
}

// TestTraceSetTrace checks the recorder on a small loop: ids in creation order (handles and
// requests alike), the iteration, the Post handle left out, close lines, SetTrace(nil).
func TestTraceSetTrace(t *testing.T) {
	l, err := uv.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := l.SetTrace(&buf); err != nil {
		t.Fatal(err)
	}
	a, _ := uv.NewTimer(l)
	b, _ := uv.NewTimer(l)
	w, err := uv.QueueWork(l, func() {}, func(error) {})
	if err != nil || w == nil {
		t.Fatal(err)
	}
	a.Start(0, 0, func() { a.Close(nil) })
	b.Start(0, 0, func() { b.Close(nil) })
	l.Post(func() {})
	if _, err := l.Run(uv.RunDefault); err != nil {
		t.Fatal(err)
	}
	if err := l.SetTrace(nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); !errors.Is(err, uv.EBUSY) {
		t.Fatalf("Close with the counter closing: %v, want EBUSY", err)
	}
	if _, err := l.Run(uv.RunDefault); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines := parseTrace(t, "SetTrace", buf.Bytes())
	var got []string
	for _, x := range lines {
		got = append(got, x.CB+"/"+x.Type+"/"+strconv.FormatInt(*x.ID, 10)+"/"+*x.Status)
	}
	// The timers fire in the first iteration (0: before the first poll), the work completes
	// after a poll, the closes run newest first.
	want := []string{"timer/timer/1/0", "timer/timer/2/0", "close/timer/2/0", "close/timer/1/0", "after_work/work/3/0"}
	wantAlt := []string{"timer/timer/1/0", "timer/timer/2/0", "after_work/work/3/0", "close/timer/2/0", "close/timer/1/0"}
	if g := strings.Join(got, " "); g != strings.Join(want, " ") && g != strings.Join(wantAlt, " ") {
		t.Errorf("trace:\n%s\nwant %v", buf.String(), want)
	}
	if err := l.SetTrace(&buf); !errors.Is(err, uv.ErrClosed) {
		t.Errorf("SetTrace on a closed loop: %v, want ErrClosed", err)
	}
}

// failWriter fails every write.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("full")
}

// TestTraceWriteError: the first write error ends the writing and SetTrace(nil) returns it.
func TestTraceWriteError(t *testing.T) {
	l, err := uv.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	w := &failWriter{}
	if err := l.SetTrace(w); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		tm, _ := uv.NewTimer(l)
		tm.Start(0, 0, func() { tm.Close(nil) })
	}
	if _, err := l.Run(uv.RunDefault); err != nil {
		t.Fatal(err)
	}
	if err := l.SetTrace(nil); err == nil || err.Error() != "full" {
		t.Errorf("SetTrace(nil): %v, want the writer's error", err)
	}
	if w.n != 1 {
		t.Errorf("%d writes, want 1 (none after the first error)", w.n)
	}
	if err := l.CloseAll(); err != nil {
		t.Fatal(err)
	}
}
