package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEndToEnd builds the registro binary, runs demo, then runs report and
// validate on the demo's output and checks that the numbers agree: the
// report rebuilt from the exported NDJSON equals the demo's own report, and
// every exported questionnaire validates.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "registro")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run(), "go build")

	out := filepath.Join(dir, "demo")
	runBin := func(wantCode int, args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		require.Equal(t, wantCode, code, "registro %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout.String(), stderr.String())
		return stdout.String(), stderr.String()
	}

	stdout, _ := runBin(exitOK, "demo", "--year", "2024", "--seed", "3", "--scale", "0.25", "--out", out)
	assert.Contains(t, stdout, "report.html")
	pub, staff := filepath.Join(out, "public"), filepath.Join(out, "staff")
	for _, f := range []string{"public/README.md", "public/report.html", "public/report.json", "public/report.md",
		"staff/README.md", "staff/eligibility.ndjson", "staff/entities.ndjson", "staff/questionnaires.ndjson", "staff/filings.ndjson", "registro.db"} {
		assert.FileExists(t, filepath.Join(out, f))
	}
	for _, dir := range []string{pub, staff} {
		xlsx, _ := filepath.Glob(filepath.Join(dir, "yearly-list", "*.xlsx"))
		assert.Len(t, xlsx, 21, "one yearly list per recipient")
	}
	// Nothing public names a codice fiscale or a Section II enrolment.
	csvs, _ := filepath.Glob(filepath.Join(pub, "yearly-list", "*.csv"))
	require.NotEmpty(t, csvs)
	rows := 0
	for _, f := range csvs {
		records, err := csv.NewReader(bytes.NewReader(mustRead(t, f))).ReadAll()
		require.NoError(t, err)
		for _, r := range records[1:] {
			rows++
			assert.Empty(t, r[4], "%s: a codice fiscale in the public yearly list", f)
			assert.NotContains(t, r[8], "II", "%s: a Section II enrolment in the public yearly list", f)
		}
	}
	assert.Positive(t, rows)
	out = staff // the staff files feed the round trips below

	// Every exported questionnaire validates for its year.
	stdout, _ = runBin(exitOK, "validate", "--year", "2024", "--format", "json", filepath.Join(out, "questionnaires.ndjson"))
	var verdicts []struct {
		Valid bool `json:"valid"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &verdicts))
	lines := bytes.Count(mustRead(t, filepath.Join(out, "questionnaires.ndjson")), []byte("\n"))
	assert.Equal(t, lines, len(verdicts))

	// The report rebuilt from the exported files has the demo's numbers.
	stdout, _ = runBin(exitOK, "report", "--year", "2024", "--questionnaires", filepath.Join(out, "questionnaires.ndjson"), "--format", "json")
	var rebuilt, original map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &rebuilt))
	require.NoError(t, json.Unmarshal(mustRead(t, filepath.Join(pub, "report.json")), &original))
	assert.Equal(t, original["filings"], rebuilt["filings"])
	assert.Equal(t, original["tables"], rebuilt["tables"], "every table agrees")
	// Every questionnaire counted (the public header may be withheld).
	stdout, _ = runBin(exitOK, "report", "--year", "2024", "--questionnaires", filepath.Join(out, "questionnaires.ndjson"), "--format", "json", "--private")
	var private map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &private))
	assert.EqualValues(t, lines, private["filings"])

	// The store round-trips through export and import.
	copyDB := "sqlite:" + filepath.Join(dir, "copy.db")
	runBin(exitOK, "import", "--db", copyDB, "--entities", filepath.Join(out, "entities.ndjson"), "--filings", filepath.Join(out, "filings.ndjson"))
	exp := filepath.Join(dir, "export")
	runBin(exitOK, "export", "--db", copyDB, "--year", "2024", "--viewer", "staff", "--out", exp, "entities", "filings")
	assert.Equal(t, string(mustRead(t, filepath.Join(out, "questionnaires.ndjson"))), string(mustRead(t, filepath.Join(exp, "questionnaires.ndjson"))))
	assert.Equal(t, string(mustRead(t, filepath.Join(out, "filings.ndjson"))), string(mustRead(t, filepath.Join(exp, "filings.ndjson"))))

	// A second demo into the same directory starts afresh.
	runBin(exitOK, "demo", "--year", "2024", "--seed", "3", "--scale", "0.25", "--out", filepath.Dir(pub))
	// Usage errors exit 2.
	runBin(exitUsage, "demo", "--year", "1990", "--out", filepath.Join(dir, "bad"))
	runBin(exitUsage, "export", "--db", copyDB, "yearly-list")
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	return b
}
