package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openregistro/registro/sqlstore"
)

// pgEnv names the variable holding the PostgreSQL server's DSN for the
// tests (see .ci/run).
const pgEnv = "REGISTRO_TEST_POSTGRES"

// backend is one database the tests run against; dsn returns a fresh, empty
// database for one test and registers its removal.
type backend struct {
	name string
	dsn  func(tb testing.TB) string
}

func backends() []backend {
	return []backend{
		{name: "sqlite", dsn: sqliteDSN},
		{name: "postgres", dsn: postgresDSN},
	}
}

// sqliteDSN returns a database file in the test's temporary directory.
func sqliteDSN(tb testing.TB) string {
	tb.Helper()
	return "sqlite:" + filepath.Join(tb.TempDir(), "registro.db")
}

// postgresDSN creates a schema of its own on the server named by
// REGISTRO_TEST_POSTGRES, returns a DSN whose search_path is that schema,
// and drops the schema when the test ends. Without the variable the test is
// skipped, unless CI=true: then it fails, so CI never passes by skipping.
func postgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(pgEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true but %s is not set: the PostgreSQL tests must run in CI", pgEnv)
		}
		tb.Skipf("%s not set; skipping PostgreSQL", pgEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open %s: %v", pgEnv, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "sqlstore_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", pgEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// mustOpen opens dsn and closes the store when the test ends.
func mustOpen(tb testing.TB, dsn string, opts sqlstore.Options) *sqlstore.Store {
	tb.Helper()
	s, err := sqlstore.Open(context.Background(), dsn, opts)
	if err != nil {
		tb.Fatalf("Open(%q): %v", dsn, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// rawDB opens the database behind dsn with database/sql directly, to look
// at (or tamper with) what the store wrote.
func rawDB(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	driver, name := "pgx", dsn
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, name = "sqlite", p+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		tb.Fatalf("raw open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
