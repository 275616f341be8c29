package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/reporting/reportingtest"
)

// reportFixture writes n generated questionnaires of 2024 as NDJSON, the
// same as a directory of JSON files, and the matching entities.
func reportFixture(t *testing.T, n int) (ndjson, dir, entities string) {
	t.Helper()
	tmp := t.TempDir()
	g := reportingtest.New(9, 2024)
	var q, ents bytes.Buffer
	dir = filepath.Join(tmp, "q")
	require.NoError(t, os.Mkdir(dir, 0o755))
	for i := range n {
		d := g.Document(i)
		b, err := json.Marshal(&d)
		require.NoError(t, err)
		q.Write(b)
		q.WriteByte('\n')
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%05d.json", i)), b, 0o644))
		e := reportingtest.Entity(&d, i)
		b, err = json.Marshal(&e)
		require.NoError(t, err)
		ents.Write(b)
		ents.WriteByte('\n')
	}
	ndjson = filepath.Join(tmp, "q.ndjson")
	entities = filepath.Join(tmp, "entities.ndjson")
	require.NoError(t, os.WriteFile(ndjson, q.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(entities, ents.Bytes(), 0o644))
	return ndjson, dir, entities
}

func runReport(t *testing.T, terminal bool, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, invocation{terminal: terminal}, append([]string{"report"}, args...)...)
}

func TestReportCommand(t *testing.T) {
	ndjson, dir, ents := reportFixture(t, 120)

	t.Run("json to stdout", func(t *testing.T) {
		code, out, stderr := runReport(t, false, "--year", "2024", "--questionnaires", ndjson)
		require.Equal(t, exitOK, code, stderr)
		var r reporting.Report
		require.NoError(t, json.Unmarshal([]byte(out), &r))
		if r.Filings == nil {
			// Withheld with the count it adds up to when it would
			// disclose a suppressed cell of some scope.
			require.Nil(t, r.OutOfScope)
		} else {
			require.EqualValues(t, 120, *r.Filings+*r.OutOfScope)
		}
		require.True(t, r.Public)
		require.Empty(t, stderr, "no progress when stderr is not a terminal")
	})

	t.Run("directory equals ndjson", func(t *testing.T) {
		// Private: disclosure control is not what this checks.
		_, a, _ := runReport(t, false, "--year", "2024", "--questionnaires", ndjson, "--format", "md", "--lang", "it", "--private")
		code, b, stderr := runReport(t, false, "--year", "2024", "--format", "md", "--lang", "it", "--private", dir)
		require.Equal(t, exitOK, code, stderr)
		require.Equal(t, a, b)
		require.Contains(t, a, "Parte 1")
	})

	t.Run("every scope decided together", func(t *testing.T) {
		// What --region writes is the report of a joint publication of
		// every scope, not of the region alone.
		set, err := reporting.NewSet(2024, reporting.AllScopes(reporting.Options{}))
		require.NoError(t, err)
		data, err := os.ReadFile(ndjson)
		require.NoError(t, err)
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			var d questionnaire.Document
			require.NoError(t, json.Unmarshal(line, &d))
			set.Add(&d)
		}
		want, err := set.Reports()
		require.NoError(t, err)
		for _, w := range want {
			if w.Scope.Code != "" && w.Scope.Code != "03" && w.Scope.Code != "ITC" {
				continue
			}
			args := []string{"--year", "2024", "--questionnaires", ndjson}
			if w.Scope.Code != "" {
				args = append(args, "--region", w.Scope.Code)
			}
			code, out, stderr := runReport(t, false, args...)
			require.Equal(t, exitOK, code, stderr)
			b, err := reporting.JSON(w)
			require.NoError(t, err)
			require.JSONEq(t, string(b), out, "scope %q", w.Scope.Code)
			var r reporting.Report
			require.NoError(t, json.Unmarshal([]byte(out), &r))
			require.True(t, r.Public)
			if r.Filings != nil {
				require.Equal(t, int64(120), *r.Filings+*r.OutOfScope+r.Superseded)
			} else {
				require.Nil(t, r.OutOfScope, "withheld with the filings it adds up to")
			}
		}
	})

	t.Run("csv with entities and previous", func(t *testing.T) {
		prev := filepath.Join(t.TempDir(), "prev.json")
		_, p, _ := runReport(t, false, "--year", "2024", "--questionnaires", ndjson, "--private")
		// A fake previous year: the same figures dated 2023.
		p = strings.Replace(p, `"year": 2024`, `"year": 2023`, 1)
		require.NoError(t, os.WriteFile(prev, []byte(p), 0o644))
		out := t.TempDir()
		code, _, stderr := runReport(t, false, "--year", "2024", "--questionnaires", ndjson, "--entities", ents,
			"--previous", prev, "--format", "csv", "--out", out, "--as-of", "2025-03-01", "--private")
		require.Equal(t, exitOK, code, stderr)
		b, err := os.ReadFile(filepath.Join(out, "bodies.legal_form.csv"))
		require.NoError(t, err)
		require.Contains(t, string(b), "section_i_change")
		_, err = os.Stat(filepath.Join(out, "service.csv"))
		require.NoError(t, err)
		lists, err := filepath.Glob(filepath.Join(out, "yearly-list", "*.csv"))
		require.NoError(t, err)
		require.Len(t, lists, 21)
	})

	t.Run("public yearly list hides Section II", func(t *testing.T) {
		for _, private := range []bool{false, true} {
			out := t.TempDir()
			args := []string{"--year", "2024", "--questionnaires", ndjson, "--entities", ents, "--out", out, "--as-of", "2025-03-01"}
			if private {
				args = append(args, "--private")
			}
			code, _, stderr := runReport(t, false, args...)
			require.Equal(t, exitOK, code, stderr)
			b, err := os.ReadFile(filepath.Join(out, "yearly-list.json"))
			require.NoError(t, err)
			require.Equal(t, private, bytes.Contains(b, []byte(`"II"`)), "private=%v", private)
		}
	})

	t.Run("html page", func(t *testing.T) {
		out := t.TempDir()
		code, _, stderr := runReport(t, false, "--year", "2024", "--questionnaires", ndjson, "--format", "html", "--out", out)
		require.Equal(t, exitOK, code, stderr)
		b, err := os.ReadFile(filepath.Join(out, "report.html"))
		require.NoError(t, err)
		require.Contains(t, string(b), "<svg")
	})
}

func TestReportCommandErrors(t *testing.T) {
	ndjson, _, _ := reportFixture(t, 3)
	bad := filepath.Join(t.TempDir(), "bad.ndjson")
	data, err := os.ReadFile(ndjson)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, append(data, []byte("{\"reportingYear\": \"x\"}\n")...), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no year", []string{"--questionnaires", ndjson}, exitUsage, "--year"},
		{"no files", []string{"--year", "2024"}, exitUsage, "--questionnaires"},
		{"csv needs out", []string{"--year", "2024", "--format", "csv", ndjson}, exitUsage, "--out"},
		{"unknown region", []string{"--year", "2024", "--region", "99", ndjson}, exitUsage, "unknown scope"},
		{"old year", []string{"--year", "1990", ndjson}, exitUsage, "unsupported year"},
		{"missing file", []string{"--year", "2024", "nope.ndjson"}, exitUsage, "nope.ndjson"},
		{"bad line", []string{"--year", "2024", bad}, exitFindings, "bad.ndjson:4"},
		{"bad as-of", []string{"--year", "2024", "--as-of", "2025-02-30", ndjson}, exitUsage, "--as-of"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runReport(t, false, tc.args...)
			require.Equal(t, tc.code, code, stderr)
			require.Contains(t, stderr, tc.msg)
		})
	}
}

func TestReportProgressOnTerminal(t *testing.T) {
	ndjson, _, _ := reportFixture(t, 1001)
	code, _, stderr := runReport(t, true, "--year", "2024", "--questionnaires", ndjson)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stderr, "\rregistro report: 1000 questionnaires read")
	require.True(t, strings.HasSuffix(stderr, "1001 questionnaires read\n"), stderr)
}
