package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runValidate(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, invocation{stdin: stdin}, append([]string{"validate"}, args...)...)
}

func sampleJSON(t *testing.T, year int) []byte {
	t.Helper()
	v, err := questionnaire.New(questionnaire.Options{})
	require.NoError(t, err)
	b, err := v.Marshal(questionnairetest.Sample(year, 3, true))
	require.NoError(t, err)
	return b
}

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, sampleJSON(t, 2024), 0o600))
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"reportingYear":2024,"extra":1}`), 0o600))
	nd := filepath.Join(dir, "many.ndjson")
	require.NoError(t, os.WriteFile(nd, append(append(sampleJSON(t, 2024), "\n\n"...), `{"reportingYear":"x"}`+"\n"...), 0o600))

	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		contains []string
	}{
		{"valid file", "", []string{"--year", "2024", good}, exitOK, []string{"good.json: valid"}},
		{"invalid file", "", []string{"--year", "2024", bad}, exitFindings, []string{"error /: must NOT have additional property 'extra' [unknown_field]", "[required]"}},
		{"italian", "", []string{"--year", "2024", "--lang", "it", bad}, exitFindings, []string{"il campo \"extra\" non è previsto"}},
		{"ndjson lines", "", []string{"--year", "2024", nd}, exitFindings, []string{"many.ndjson:1: valid", "many.ndjson:3: error /reportingYear: must be integer [type]"}},
		{"stdin", string(sampleJSON(t, 2024)), []string{"--year", "2024", "-"}, exitOK, []string{"-: valid"}},
		{"year difference", "", []string{"--year", "2021", good}, exitFindings, []string{"exists only from reporting year 2022 [not_in_year]"}},
		{"draft accepts incomplete", `{"reportingYear":2024,"body":{"legalForm":"foundation"}}`, []string{"--year", "2024", "--draft", "-"}, exitOK, []string{"valid"}},
		{"draft still checks formats", `{"body":{"legalForm":"castle"}}`, []string{"--year", "2024", "--draft", "-"}, exitFindings, []string{"/body/legalForm", "[not_in_list]"}},
		// Issue 15: these made the validator panic (a crash of the command)
		// or spend 66 ms per number; now each is a finding at its field.
		{"huge exponent", `{"reportingYear":1e999999999}`, []string{"--year", "2024", "-"}, exitFindings,
			[]string{"error /reportingYear: the number is beyond the accepted bounds", "[number_out_of_bounds]"}},
		{"huge exponent, draft", `{"projects":[{"funds":{"totalCents":1e999999999}}]}`, []string{"--year", "2024", "--draft", "-"}, exitFindings,
			[]string{"error /projects/0/funds/totalCents:", "[number_out_of_bounds]"}},
		{"huge exponent, ndjson", "{\"reportingYear\":1e1000000}\n{\"reportingYear\":-1e999999999}\n", []string{"--year", "2024", "--ndjson", "-"}, exitFindings,
			[]string{"-:1: error /reportingYear:", "-:2: error /reportingYear:"}},
		{"huge exponent, italian", `{"reportingYear":1e999999999}`, []string{"--year", "2024", "--lang", "it", "-"}, exitFindings,
			[]string{"il numero supera i limiti ammessi"}},
		{"NUL in text", `{"body":{"name":"a\u0000"}}`, []string{"--year", "2024", "-"}, exitFindings,
			[]string{"error /body/name:", "[invalid_text]"}},
		{"no year", "", []string{good}, exitUsage, nil},
		{"unknown year", "", []string{"--year", "1990", good}, exitUsage, nil},
		{"no files", "", []string{"--year", "2024"}, exitUsage, nil},
		{"missing file", "", []string{"--year", "2024", filepath.Join(dir, "nope.json")}, exitUsage, nil},
		{"bad format", "", []string{"--year", "2024", "--format", "xml", good}, exitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runValidate(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			for _, c := range tt.contains {
				assert.Contains(t, out, c)
			}
		})
	}
}

func TestValidateCommandJSON(t *testing.T) {
	dir := t.TempDir()
	nd := filepath.Join(dir, "many.jsonl")
	doc := sampleJSON(t, 2024)
	require.NoError(t, os.WriteFile(nd, []byte(string(doc)+"\n"+`{"reportingYear":2024,"projects":[{}]}`+"\n"), 0o600))
	code, out, _ := runValidate(t, "", "--year", "2024", "--format", "json", nd)
	assert.Equal(t, exitFindings, code)
	var res []struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Valid  bool   `json:"valid"`
		Errors []struct {
			InstancePath string         `json:"instancePath"`
			Keyword      string         `json:"keyword"`
			Params       map[string]any `json:"params"`
			Code         string         `json:"code"`
			Severity     string         `json:"severity"`
			Message      string         `json:"message"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	require.Len(t, res, 2)
	assert.True(t, res[0].Valid)
	assert.Equal(t, 1, res[0].Line)
	assert.Empty(t, res[0].Errors)
	assert.False(t, res[1].Valid)
	assert.Equal(t, 2, res[1].Line)
	found := false
	for _, e := range res[1].Errors {
		if e.InstancePath == "/projects/0" && e.Keyword == "required" && e.Params["missingProperty"] == "title" {
			found = true
			assert.Equal(t, "error", e.Severity)
		}
	}
	assert.True(t, found, "a missing title in a project is reported at the project with missingProperty: %s", out)
}

// TestValidateCommandStream: NDJSON is validated on several workers and
// every result comes out in input order, in each output format, with the
// same verdicts whatever the number of workers.
func TestValidateCommandStream(t *testing.T) {
	dir := t.TempDir()
	good := sampleJSON(t, 2024)
	var in strings.Builder
	var wantValid []bool
	for i := range 200 {
		switch i % 3 {
		case 0:
			in.Write(good)
			wantValid = append(wantValid, true)
		case 1:
			fmt.Fprintf(&in, `{"reportingYear":2024,"n%d":1}`, i)
			wantValid = append(wantValid, false)
		default:
			in.WriteString(`{"reportingYear":"x"}`)
			wantValid = append(wantValid, false)
		}
		in.WriteString("\n")
	}
	nd := filepath.Join(dir, "many.ndjson")
	require.NoError(t, os.WriteFile(nd, []byte(in.String()), 0o600))

	var first string
	for _, workers := range []string{"1", "2", "7"} {
		t.Run("workers="+workers, func(t *testing.T) {
			code, out, errOut := runValidate(t, "", "--year", "2024", "--format", "ndjson", "--workers", workers, nd)
			require.Equal(t, exitFindings, code, errOut)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			require.Len(t, lines, len(wantValid))
			for i, l := range lines {
				var r struct {
					File   string            `json:"file"`
					Line   int               `json:"line"`
					Valid  bool              `json:"valid"`
					Errors []json.RawMessage `json:"errors"`
				}
				require.NoError(t, json.Unmarshal([]byte(l), &r), l)
				assert.Equal(t, i+1, r.Line, "results keep the input's order")
				assert.Equal(t, wantValid[i], r.Valid, "line %d", i+1)
				assert.Equal(t, r.Valid, len(r.Errors) == 0, "line %d", i+1)
				if i%3 == 1 {
					assert.Contains(t, l, fmt.Sprintf(`"additionalProperty":"n%d"`, i), "line %d names its own unknown field", i+1)
				}
			}
			if first == "" {
				first = out
			}
			assert.Equal(t, first, out, "the output does not depend on the number of workers")

			// The json array holds the same results, in the same order.
			code, js, _ := runValidate(t, "", "--year", "2024", "--format", "json", "--workers", workers, nd)
			require.Equal(t, exitFindings, code)
			var arr []map[string]any
			require.NoError(t, json.Unmarshal([]byte(js), &arr))
			require.Len(t, arr, len(wantValid))
			for i, r := range arr {
				assert.Equal(t, float64(i+1), r["line"])
			}
		})
	}
}

// TestValidateCommandStreamErrors: a usage error before any output; an
// over-long NDJSON line is an I/O error (exit 2) after the results of the
// lines before it.
func TestValidateCommandStreamErrors(t *testing.T) {
	code, _, errOut := runValidate(t, "", "--year", "2024", "--workers", "-1", "-")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--workers")

	long := string(sampleJSON(t, 2024)) + "\n" + `{"x":"` + strings.Repeat("a", maxValidateLine) + `"}` + "\n"
	code, out, errOut := runValidate(t, long, "--year", "2024", "--ndjson", "--format", "ndjson", "-")
	assert.Equal(t, exitUsage, code, errOut)
	assert.Contains(t, errOut, "token too long")
	assert.Contains(t, out, `"line":1,"valid":true`, "the result before the error is written")
}

// TestAppendValid: the ndjson line of a valid result, written without
// reflection, is the one json.Marshal writes, whatever the file name.
func TestAppendValid(t *testing.T) {
	var rw resultWriter
	for _, file := range []string{"q.ndjson", "-", "a<b>&c.ndjson", `dir/"quoted"\name.jsonl`, "Forlì\u2028.ndjson", "\x01\xff.ndjson", ""} {
		for _, line := range []int{0, 1, 42, 1 << 40} {
			r := validateResult{File: file, Line: line, Valid: true, Errors: problem.List{}}
			want, err := json.Marshal(&r)
			if err != nil {
				t.Fatal(err)
			}
			if got := rw.appendValid(nil, &r); string(got) != string(want)+"\n" {
				t.Errorf("appendValid(%q, %d) = %s, want %s", file, line, got, want)
			}
		}
	}
}

// gcWatch is standard input that notes the collector's GOGC when
// validate first reads it.
type gcWatch struct {
	r       io.Reader
	percent int
}

func (w *gcWatch) Read(p []byte) (int, error) {
	if w.percent == 0 {
		w.percent = gcPercent()
	}
	return w.r.Read(p)
}

// gcPercent reads the collector's GOGC.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestValidateGC: validate runs with GOGC=validateGCPercent unless the
// environment sets GOGC, and puts the setting back when it is done.
func TestValidateGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	doc := string(sampleJSON(t, 2024))
	for _, tt := range []struct {
		name   string
		gogc   string // "" for unset
		during int
	}{
		{"GOGC unset", "", validateGCPercent},
		{"GOGC set", "100", 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", tt.gogc)
			if tt.gogc == "" {
				require.NoError(t, os.Unsetenv("GOGC"))
			}
			in := &gcWatch{r: strings.NewReader(doc)}
			var out, errb bytes.Buffer
			code := run(context.Background(), &env{stdin: in, stdout: &out, stderr: &errb}, []string{"validate", "--year", "2024", "-"})
			require.Equal(t, exitOK, code, errb.String())
			assert.Equal(t, tt.during, in.percent, "GOGC while validating")
			assert.Equal(t, 100, gcPercent(), "GOGC afterwards")
		})
	}
}
