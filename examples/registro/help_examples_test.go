package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
)

// example is one line of a command's help "Examples:" section.
type example struct {
	cmd   string // the command whose help prints it
	line  string
	stdin string   // what "echo …|" or "cat FILE |" feeds it
	args  []string // after "registro"
	exit  int      // "# exit N" at the end of the line; 0 without
}

var exitComment = regexp.MustCompile(`\s+#\s*exit (\d+)\b.*$`)

// helpExamples returns every example printed by every help text of the
// command tree, in the order "registro help" lists the commands.
func helpExamples(t *testing.T) []example {
	t.Helper()
	var out []example
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, raw := range strings.Split(c.Example, "\n") {
			line := strings.TrimSpace(raw)
			if line == "" {
				continue
			}
			ex := example{cmd: c.CommandPath(), line: line}
			if m := exitComment.FindStringSubmatch(line); m != nil {
				ex.exit, _ = strconv.Atoi(m[1])
				line = strings.TrimSpace(line[:len(line)-len(m[0])])
			}
			words := shellWords(t, line)
			if i := indexOf(words, "|"); i >= 0 {
				feed := words[:i]
				switch {
				case len(feed) >= 2 && feed[0] == "echo":
					ex.stdin = strings.Join(feed[1:], " ") + "\n"
				case len(feed) == 2 && feed[0] == "cat":
					b, err := os.ReadFile(feed[1])
					require.NoError(t, err, "%s: %s", ex.cmd, ex.line)
					ex.stdin = string(b)
				default:
					t.Fatalf("%s: example %q: only \"echo …|\" and \"cat FILE |\" may feed a command", ex.cmd, ex.line)
				}
				words = words[i+1:]
			}
			require.Equal(t, "registro", words[0], "%s: example %q does not run registro", ex.cmd, ex.line)
			for _, w := range words[1:] {
				if strings.HasPrefix(w, "/") || strings.HasPrefix(w, "sqlite:/") || strings.Contains(w, "://") {
					t.Errorf("%s: example %q names %s: examples use relative paths, runnable anywhere", ex.cmd, ex.line, w)
				}
			}
			ex.args = words[1:]
			out = append(out, ex)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}))
	return out
}

// TestHelpExamples runs every example of every help text, in a directory
// holding the files of testdata/examples, after the demo's own examples
// have written registro-demo/ and demo-2023/ (the files the other examples
// read), and checks each exit status: 0, or the one its "# exit N" says.
func TestHelpExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo: skipped with -short")
	}
	src, err := filepath.Abs(filepath.Join("testdata", "examples"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(src)))
	t.Chdir(dir)
	// Read the examples after the demo ran: "cat FILE |" reads its file.
	seen := map[string]bool{}
	run := func(ex example) {
		t.Helper()
		if seen[ex.line] {
			return // also printed by a parent command's help
		}
		seen[ex.line] = true
		code, _, stderr := runCLI(t, invocation{stdin: ex.stdin}, ex.args...)
		if code != ex.exit {
			t.Errorf("%s: example %q: exit %d, want %d; stderr:\n%s", ex.cmd, ex.line, code, ex.exit, stderr)
		}
	}
	var lines int
	for _, ex := range helpExamplesOf(t, "registro demo") {
		run(ex)
		lines++
	}
	for _, ex := range helpExamples(t) {
		if ex.cmd != "registro demo" {
			run(ex)
			lines++
		}
	}
	require.Greater(t, lines, 30, "every command shows examples")
}

// helpExamplesOf returns the examples of one command, without reading the
// files of "cat FILE |" (which may not exist yet).
func helpExamplesOf(t *testing.T, path string) []example {
	root := newRoot(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	c, _, err := root.Find(strings.Fields(path)[1:])
	require.NoError(t, err)
	var out []example
	for _, raw := range strings.Split(c.Example, "\n") {
		if line := strings.TrimSpace(raw); line != "" {
			words := shellWords(t, line)
			require.Equal(t, "registro", words[0])
			out = append(out, example{cmd: path, line: line, args: words[1:]})
		}
	}
	return out
}

// TestEveryCommandHasExamples: a command without an example is not tested
// by TestHelpExamples.
func TestEveryCommandHasExamples(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			switch sub.Name() {
			case "help", "completion", "version":
				continue
			}
			if sub.Example == "" {
				t.Errorf("%s has no example in its help", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(newRoot(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}))
}

// shellWords splits a command line as a POSIX shell does for words, single
// and double quotes, and "|" as its own word.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == ' ' || ch == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case ch == '|':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
			words = append(words, "|")
		case ch == '\'' || ch == '"':
			j := strings.IndexByte(s[i+1:], ch)
			if j < 0 {
				t.Fatalf("unbalanced quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 1
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

func indexOf(words []string, w string) int {
	for i, x := range words {
		if x == w {
			return i
		}
	}
	return -1
}

func TestShellWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`registro cf A B`, []string{"registro", "cf", "A", "B"}},
		{`registro territory comuni Forli "Sant'Angelo d'Alife"`, []string{"registro", "territory", "comuni", "Forli", "Sant'Angelo d'Alife"}},
		{`registro cf --normalize 'it 00743110157' x`, []string{"registro", "cf", "--normalize", "it 00743110157", "x"}},
		{`echo X | registro cf -`, []string{"echo", "X", "|", "registro", "cf", "-"}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, shellWords(t, tt.in), tt.in)
	}
}
