package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openregistro/registro/sqlstore/sqlstoretest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportExport round-trips a demo's register through import and export
// on every store, and writes the yearly list per recipient.
func TestImportExport(t *testing.T) {
	src := t.TempDir()
	code, _, stderr := runCLI(t, invocation{}, "demo", "--year", "2023", "--seed", "9", "--scale", "0.1", "--out", src)
	require.Equal(t, exitOK, code, stderr)

	for _, be := range sqlstoretest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			db := be.DSN(t)
			code, _, stderr := runCLI(t, invocation{}, "import", "--db", db,
				"--entities", filepath.Join(src, "entities.ndjson"), "--filings", filepath.Join(src, "filings.ndjson"))
			require.Equal(t, exitOK, code, stderr)

			out := t.TempDir()
			code, _, stderr = runCLI(t, invocation{}, "export", "--db", db, "--year", "2023", "--viewer", "staff", "--lang", "it", "--out", out)
			require.Equal(t, exitOK, code, stderr)
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

			// Importing the same register again is a conflict: nothing is written twice.
			code, _, stderr = runCLI(t, invocation{}, "import", "--db", db, "--entities", filepath.Join(src, "entities.ndjson"))
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, "conflict")
		})
	}
	// Usage errors.
	code, _, _ = runCLI(t, invocation{}, "import", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"))
	assert.Equal(t, exitUsage, code, "nothing to import")
	code, _, _ = runCLI(t, invocation{}, "export", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "filings")
	assert.Equal(t, exitUsage, code, "filings need --year")
}
