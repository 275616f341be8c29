package sqlstore_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/openregistro/registro/registry/sqlstore/sqlstoretest"
)

// backend is one database the tests run against; dsn returns a fresh, empty
// database for one test and registers its removal.
type backend struct {
	name string
	dsn  func(tb testing.TB) string
}

func backends() []backend {
	var out []backend
	for _, b := range sqlstoretest.Backends() {
		out = append(out, backend{name: b.Name, dsn: b.DSN})
	}
	return out
}

// sqliteDSN and postgresDSN return fresh, empty databases (see sqlstoretest).
var (
	sqliteDSN   = sqlstoretest.SQLite
	postgresDSN = sqlstoretest.Postgres
)

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
