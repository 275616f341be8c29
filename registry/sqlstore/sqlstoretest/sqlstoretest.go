// Package sqlstoretest gives tests fresh, empty databases for package
// sqlstore: an SQLite file in the test's temporary directory, and a schema of
// its own on the PostgreSQL server named by REGISTRO_TEST_POSTGRES, dropped
// when the test ends.
//
// Without REGISTRO_TEST_POSTGRES the PostgreSQL tests are skipped, unless
// CI=true: then they fail, so CI never passes by skipping.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"github.com/openregistro/registro/registry/registrytest/optin"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Env names the variable holding the PostgreSQL server's DSN for tests.
const Env = "REGISTRO_TEST_POSTGRES"

// Backend is one database tests run against.
type Backend struct {
	// Name is "sqlite" or "postgres".
	Name string
	// DSN returns a fresh, empty database for one test (see SQLite and
	// Postgres).
	DSN func(tb testing.TB) string
}

// Backends returns SQLite and PostgreSQL.
func Backends() []Backend {
	return []Backend{{Name: "sqlite", DSN: SQLite}, {Name: "postgres", DSN: Postgres}}
}

// SQLite returns the DSN of a database file in the test's temporary
// directory.
func SQLite(tb testing.TB) string {
	tb.Helper()
	return "sqlite:" + filepath.Join(tb.TempDir(), "registro.db")
}

var prefixRE = regexp.MustCompile(`[^a-z0-9_]+`)

// Postgres creates a schema of its own on the server named by Env and
// returns a DSN whose search_path is that schema; the schema is dropped when
// the test ends. Without Env the test is skipped, or failed when CI=true.
func Postgres(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(Env)
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true but %s is not set: the PostgreSQL tests must run in CI", Env)
		}
		optin.Skip(tb, "PostgreSQL", "set "+Env+"=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open %s: %v", Env, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := strings.Trim(prefixRE.ReplaceAllString(strings.ToLower(tb.Name()), "_"), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	schema := "t_" + name + "_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
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
		tb.Fatalf("parse %s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
