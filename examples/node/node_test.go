package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestScripts runs every script of scripts/ and compares its output and exit code with the
// .out file beside it, which holds what Node prints; where node is installed, Node runs the
// script too and must print the same.
func TestScripts(t *testing.T) {
	scripts, err := filepath.Glob("scripts/*.js")
	if err != nil || len(scripts) < 12 {
		t.Fatalf("scripts: %v, %d found", err, len(scripts))
	}
	node, _ := exec.LookPath("node")
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".js")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(script, ".js") + ".want")
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, filepath.Base(script))
			src, _ := os.ReadFile(script)
			if err := os.WriteFile(path, src, 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			rt, err := NewRuntime(&stdout, &stderr)
			if err != nil {
				t.Fatal(err)
			}
			code := rt.RunFile(path, nil)
			got := fmt.Sprintf("%s[exit %d]\n", stdout.String(), code)
			if got != string(want) {
				t.Errorf("uv runtime printed\n%s\nwant\n%s\nstderr:\n%s", got, want, stderr.String())
			}
			if node == "" {
				return
			}
			cmd := exec.Command(node, path)
			out, err := cmd.Output()
			if err != nil && cmd.ProcessState == nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%s[exit %d]\n", out, cmd.ProcessState.ExitCode()); got != string(want) {
				t.Errorf("node printed\n%s\nwant\n%s", got, want)
			}
		})
	}
}
