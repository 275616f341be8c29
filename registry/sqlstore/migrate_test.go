package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/openregistro/registro/registry/sqlstore"
)

func TestOpenBadDSN(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"",
		"sqlite:",
		"mysql://root@localhost/x",
		"sqlite:/tmp/x.db?_pragma=foo",
		"sqlite::memory:",
		"file:/tmp/x.db",
	} {
		t.Run(dsn, func(t *testing.T) {
			_, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
			if !errors.Is(err, sqlstore.ErrDSN) {
				t.Fatalf("Open(%q) = %v, want ErrDSN", dsn, err)
			}
		})
	}
}

func TestOpenPlainPath(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/plain.db"
	s := mustOpen(t, path, sqlstore.Options{})
	if s.Dialect() != "sqlite" {
		t.Fatalf("Dialect = %q", s.Dialect())
	}
	var mode string
	if err := rawDB(t, "sqlite:"+path).QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
}

// TestSQLitePragmas checks the settings every connection of a SQLite store
// runs with (sqlitePragmas), read back on the store's own pool.
func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, "sqlite:"+t.TempDir()+"/pragmas.db", sqlstore.Options{})
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "2"}, // FULL
		{"busy_timeout", "10000"},
		{"temp_store", "2"}, // MEMORY: savepoints' journals never spill to a file
	} {
		got, err := s.Pragma(context.Background(), tc.pragma)
		if err != nil || got != tc.want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", tc.pragma, got, err, tc.want)
		}
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			t.Run("skip then explicit, twice", func(t *testing.T) {
				s := mustOpen(t, b.dsn(t), sqlstore.Options{SkipMigrate: true})
				if v, err := s.SchemaVersion(ctx); err != nil || v != 0 {
					t.Fatalf("SchemaVersion before Migrate = %d, %v; want 0", v, err)
				}
				for range 2 {
					if err := s.Migrate(ctx); err != nil {
						t.Fatalf("Migrate: %v", err)
					}
					if v, err := s.SchemaVersion(ctx); err != nil || v < 1 {
						t.Fatalf("SchemaVersion after Migrate = %d, %v; want ≥ 1", v, err)
					}
				}
			})
			t.Run("concurrent opens", func(t *testing.T) {
				dsn := b.dsn(t)
				const n = 4
				var wg sync.WaitGroup
				errs := make([]error, n)
				for i := range n {
					wg.Go(func() {
						s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
						if err == nil {
							err = s.Close()
						}
						errs[i] = err
					})
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Errorf("Open #%d: %v", i, err)
					}
				}
				s := mustOpen(t, dsn, sqlstore.Options{SkipMigrate: true})
				want, _ := s.SchemaVersion(ctx)
				var rows int
				if err := rawDB(t, dsn).QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&rows); err != nil {
					t.Fatal(err)
				}
				if rows != want {
					t.Fatalf("schema_migrations has %d rows, want %d (one per migration)", rows, want)
				}
			})
			t.Run("edited migration", func(t *testing.T) {
				dsn := b.dsn(t)
				mustOpen(t, dsn, sqlstore.Options{})
				if _, err := rawDB(t, dsn).Exec("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1"); err != nil {
					t.Fatal(err)
				}
				_, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
				if !errors.Is(err, sqlstore.ErrSchema) {
					t.Fatalf("Open after an edited migration = %v, want ErrSchema", err)
				}
			})
			t.Run("newer database", func(t *testing.T) {
				dsn := b.dsn(t)
				mustOpen(t, dsn, sqlstore.Options{})
				if _, err := rawDB(t, dsn).Exec("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_future.sql', 'x')"); err != nil {
					t.Fatal(err)
				}
				_, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
				if !errors.Is(err, sqlstore.ErrSchema) {
					t.Fatalf("Open of a newer database = %v, want ErrSchema", err)
				}
			})
		})
	}
}

// TestLZ4OnPostgres: migration 0011 compresses the large documents with lz4
// on a server that has it.
func TestLZ4OnPostgres(t *testing.T) {
	s := mustOpen(t, postgresDSN(t), sqlstore.Options{})
	got, hasLZ4, err := s.ColumnCompressions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !hasLZ4 {
		t.Skip("this PostgreSQL server has no lz4: the migration leaves pglz")
	}
	want := map[string]string{"filings.document": "l", "applications.doc": "l", "entities.doc": "l",
		"events.before": "l", "events.after": "l"}
	if len(got) != len(want) {
		t.Fatalf("columns %v, want %v", got, want)
	}
	for col, m := range want {
		if got[col] != m {
			t.Errorf("%s: compression %q, want %q (lz4)", col, got[col], m)
		}
	}
}
