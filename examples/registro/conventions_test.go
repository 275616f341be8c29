package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConventions holds the command line to the conventions of the field:
// flags anywhere, "-" for standard input, suggestions for typos, help on
// standard output, flag errors in one line, shell completion.
func TestConventions(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout []string // each must appear
		stderr []string // each must appear
	}{
		{"flag after the argument", "", []string{"cf", "RCCMNL83S18D969H", "--format", "json"}, exitOK,
			[]string{`"birthDate": "1983-11-18"`}, nil},
		{"codes on standard input", "RCCMNL83S18D969H\n\n  00743110157  \n", []string{"cf", "-"}, exitOK,
			[]string{"RCCMNL83S18D969H\tvalid\tperson\n00743110157\tvalid\tbody\n"}, nil},
		{"an invalid code on standard input", "RCCMNL83S18D969X\n", []string{"cf", "-", "--lang", "it"}, exitFindings,
			[]string{"RCCMNL83S18D969X\tinvalid\t"}, nil},
		{"empty standard input", "", []string{"cf", "-"}, exitUsage, nil, []string{"standard input holds no code"}},
		{"typo in a command", "", []string{"valdate"}, exitUsage, nil, []string{`unknown command "valdate"`, "validate"}},
		{"help of a typo", "", []string{"help", "valdate"}, exitUsage, nil, []string{"did you mean validate?"}},
		{"help on stdout", "", []string{"help", "cf"}, exitOK, []string{"Usage:\n  registro cf", "--normalize", "Examples:"}, nil},
		{"--help on stdout", "", []string{"report", "--help"}, exitOK, []string{"Usage:\n  registro report", "--questionnaires"}, nil},
		{"flag error in one line", "", []string{"validate", "--yaer", "2024", "x.json"}, exitUsage, nil,
			[]string{"registro validate: unknown flag: --yaer\nRun \"registro validate --help\" for usage.\n"}},
		{"bad value of a choice", "", []string{"territory", "regions", "--format", "xml"}, exitUsage, nil, []string{"must be one of json, tsv"}},
		{"completion bash", "", []string{"completion", "bash"}, exitOK, []string{"bash completion", "registro"}, nil},
		{"completion zsh", "", []string{"completion", "zsh"}, exitOK, []string{"#compdef registro"}, nil},
		{"completion fish", "", []string{"completion", "fish"}, exitOK, []string{"complete -c registro"}, nil},
		{"completes commands", "", []string{"__complete", "va"}, exitOK, []string{"validate"}, nil},
		{"completes a choice", "", []string{"__complete", "cf", "--format", ""}, exitOK, []string{"text\njson\n"}, nil},
		{"completes subcommands", "", []string{"__complete", "territory", "co"}, exitOK, []string{"comuni"}, nil},
		{"--version", "", []string{"--version"}, exitOK, []string{"registro "}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errb := runCLI(t, invocation{stdin: tt.stdin}, tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out, errb)
			for _, s := range tt.stdout {
				assert.Contains(t, out, s)
			}
			for _, s := range tt.stderr {
				assert.Contains(t, errb, s)
			}
			if code == exitUsage {
				assert.NotContains(t, errb, "Flags:", "a usage error does not dump the whole usage")
				assert.LessOrEqual(t, strings.Count(errb, "\n"), 5, errb)
			}
		})
	}
}

// TestReportFindings: input that does not fit the report asked for is a
// finding (status 1) with a message, not an empty report.
func TestReportFindings(t *testing.T) {
	ndjson, _, ents := reportFixture(t, 5)
	tests := []struct {
		name  string
		stdin string
		args  []string
		msg   string
	}{
		{"empty standard input", "", []string{"--year", "2024", "-"}, "the input holds no questionnaire (empty)"},
		{"entities given as questionnaires", "", []string{"--year", "2024", "--questionnaires", ents}, "none of the 5 documents read is an annual questionnaire"},
		{"questionnaires of another year", "", []string{"--year", "2023", "--questionnaires", ndjson}, "none of the 5 questionnaires read is for 2023 (reporting years found: 2024: 5)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, errb := runCLI(t, invocation{stdin: tt.stdin}, append([]string{"report", "--out", out}, tt.args...)...)
			assert.Equal(t, exitFindings, code, errb)
			assert.Empty(t, stdout)
			assert.Contains(t, errb, tt.msg)
			assert.Contains(t, errb, "nothing written")
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "no output directory")
		})
	}
	t.Run("the right year still reports", func(t *testing.T) {
		// Private: in the public report, five bodies over the regions leave
		// the header's filings withheld (they would disclose a cell).
		code, stdout, errb := runCLI(t, invocation{}, "report", "--year", "2024", "--questionnaires", ndjson, "--private")
		require.Equal(t, exitOK, code, errb)
		var r struct{ Filings int }
		require.NoError(t, json.Unmarshal([]byte(stdout), &r))
		assert.Equal(t, 5, r.Filings)
	})
}

// TestValidateEmptyInput: an empty input is a finding, not "all valid".
func TestValidateEmptyInput(t *testing.T) {
	for _, args := range [][]string{{"-"}, {"--ndjson", "-"}} {
		code, _, errb := runCLI(t, invocation{}, append([]string{"validate", "--year", "2024"}, args...)...)
		assert.Equal(t, exitFindings, code)
		assert.Contains(t, errb, "registro validate: -: no document (empty input)")
	}
}
