package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

// update rewrites the golden files under testdata/ instead of comparing with
// them: go test ./examples/registro -update.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// invocation is one in-process run of the CLI.
type invocation struct {
	stdin    string
	terminal bool // whether stderr is taken for a terminal (progress)
}

// runCLI runs "registro ARGS..." in process and returns the exit status and
// what it wrote.
func runCLI(tb testing.TB, in invocation, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &env{stdin: strings.NewReader(in.stdin), stdout: &out, stderr: &errb, isTerminal: in.terminal}, args)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"no command", nil, exitUsage, ""},
		{"help", []string{"help"}, exitOK, "Commands:"},
		{"help of a command", []string{"help", "cf"}, exitOK, ""},
		{"help of an unknown command", []string{"help", "nope"}, exitUsage, ""},
		{"unknown command", []string{"nope"}, exitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errb := runCLI(t, invocation{}, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", code, tt.code, out, errb)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		code, stdout, _ := runCLI(t, invocation{}, arg)
		if code != exitOK || !strings.HasPrefix(stdout, "registro ") || !strings.Contains(stdout, "go1.") {
			t.Errorf("registro %s: exit %d, %q", arg, code, stdout)
		}
	}
}
