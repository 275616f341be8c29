package main

import (
	"strings"
	"testing"

	"github.com/openregistro/registro/schemas/problem"
)

// TestLangFlag: --lang offers exactly the shipped languages
// (problem.Languages), in help, completion and validation.
func TestLangFlag(t *testing.T) {
	for _, l := range problem.Languages() {
		if code, _, stderr := runCLI(t, invocation{}, "cf", "--lang", string(l), "RSSMRA85T10A562S"); code != exitOK {
			t.Errorf("--lang %s: exit %d: %s", l, code, stderr)
		}
	}
	code, _, stderr := runCLI(t, invocation{}, "cf", "--lang", "de", "RSSMRA85T10A562S")
	if code != exitUsage || !strings.Contains(stderr, "must be one of en, it") {
		t.Errorf("--lang de: exit %d: %s", code, stderr)
	}
	_, out, _ := runCLI(t, invocation{}, "help", "cf")
	if !strings.Contains(out, "--lang en|it") {
		t.Errorf("help does not list the shipped languages:\n%s", out)
	}
}
