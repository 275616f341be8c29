package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore/sqlstoretest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportExport round-trips a demo's register through import and export
// on every store, and writes the yearly list per recipient.
func TestImportExport(t *testing.T) {
	src := t.TempDir()
	code, _, stderr := runCLI(t, invocation{}, "demo", "--year", "2023", "--seed", "9", "--scale", "0.1", "--out", src)
	require.Equal(t, exitOK, code, stderr)
	src = filepath.Join(src, "staff") // the demo's ministry-only files

	for _, be := range sqlstoretest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			db := be.DSN(t)
			code, _, stderr := runCLI(t, invocation{}, "import", "--db", db,
				"--entities", filepath.Join(src, "entities.ndjson"), "--filings", filepath.Join(src, "filings.ndjson"))
			require.Equal(t, exitOK, code, stderr)

			out := t.TempDir()
			code, _, stderr = runCLI(t, invocation{}, "export", "--db", db, "--year", "2023", "--viewer", "staff", "--lang", "it", "--out", out)
			require.Equal(t, exitOK, code, stderr)

			// A year without data is a finding, and nothing is written.
			empty := filepath.Join(t.TempDir(), "empty")
			code, _, stderr = runCLI(t, invocation{}, "export", "--db", db, "--year", "2031", "--out", empty, "yearly-list")
			assert.Equal(t, exitFindings, code, stderr)
			assert.Contains(t, stderr, "no annual report for 2031 is recorded in this store")
			_, err := os.Stat(empty)
			assert.True(t, os.IsNotExist(err), "nothing written")
			for _, f := range []string{"questionnaires.ndjson", "filings.ndjson"} {
				want, err := os.ReadFile(filepath.Join(src, f))
				require.NoError(t, err)
				got, err := os.ReadFile(filepath.Join(out, f))
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got), f)
			}
			xlsx, _ := filepath.Glob(filepath.Join(out, "yearly-list", "*.xlsx"))
			csvs, _ := filepath.Glob(filepath.Join(out, "yearly-list", "*.csv"))
			assert.Len(t, xlsx, 21)
			assert.Len(t, csvs, 21)

			// The public export: Section I bodies, published fields only, no filings.
			pub := t.TempDir()
			code, _, stderr = runCLI(t, invocation{}, "export", "--db", db, "--out", pub, "entities")
			require.Equal(t, exitOK, code, stderr)
			public, err := os.ReadFile(filepath.Join(pub, "entities.ndjson"))
			require.NoError(t, err)
			full, err := os.ReadFile(filepath.Join(src, "entities.ndjson"))
			require.NoError(t, err)
			assert.Less(t, bytes.Count(public, []byte("\n")), bytes.Count(full, []byte("\n")), "Section II-only bodies and the unenrolled are left out")
			for _, line := range bytes.Split(bytes.TrimSpace(full), []byte("\n")) {
				var e registry.Entity
				require.NoError(t, json.Unmarshal(line, &e))
				assert.NotContains(t, string(public), e.LegalRepresentative.CodiceFiscale, "a person's codice fiscale in the public export")
			}
			code, _, _ = runCLI(t, invocation{}, "export", "--db", db, "--year", "2023", "--out", pub, "filings")
			assert.Equal(t, exitUsage, code, "filings are for staff only")
			code, _, stderr = runCLI(t, invocation{}, "export", "--db", db, "--year", "2023", "--out", pub, "yearly-list")
			require.Equal(t, exitOK, code, stderr)
			staffList := readDir(t, filepath.Join(out, "yearly-list"), ".csv")
			publicList := readDir(t, filepath.Join(pub, "yearly-list"), ".csv")
			assert.Less(t, bytes.Count(publicList, []byte("\n")), bytes.Count(staffList, []byte("\n")), "no Section II-only body in the public yearly list")
			assert.NotContains(t, string(publicList), "+II", "no Section II enrolment shown to the public")
			assert.Contains(t, string(staffList), "+II", "staff see bodies in both sections")

			// Importing the same register again is a conflict: nothing is written twice.
			code, _, stderr = runCLI(t, invocation{}, "import", "--db", db, "--entities", filepath.Join(src, "entities.ndjson"))
			assert.Equal(t, exitConflict, code, stderr)
			assert.Contains(t, stderr, "conflict")
		})
	}
	// Usage errors.
	code, _, _ = runCLI(t, invocation{}, "import", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"))
	assert.Equal(t, exitUsage, code, "nothing to import")
	code, _, _ = runCLI(t, invocation{}, "export", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "filings")
	assert.Equal(t, exitUsage, code, "filings need --year")
}

// readDir concatenates the files of dir with the suffix, in name order.
func readDir(tb testing.TB, dir, suffix string) []byte {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
	require.NoError(tb, err)
	var out []byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(tb, err)
		out = append(out, b...)
	}
	return out
}
