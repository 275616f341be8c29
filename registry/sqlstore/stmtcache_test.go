package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// TestStmtCache: on SQLite the store's reads and writes run as statements
// prepared once, bounded in number, and still answer after the cache is
// full; on
// PostgreSQL (pgx caches statements itself) nothing is kept.
func TestStmtCache(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := mustOpen(t, b.dsn(t), sqlstore.Options{})
			ctx := context.Background()
			for range 5 {
				if _, err := s.EntityByCodiceFiscale(ctx, "80000000001"); !errors.Is(err, registry.ErrNotFound) {
					t.Fatal(err)
				}
			}
			want := 1
			if b.name != "sqlite" {
				want = 0
			}
			if got := s.CachedStmts(); got != want {
				t.Fatalf("%d statements cached after five reads of one query, want %d", got, want)
			}
			// A write transaction's statements are the store's too: the
			// filing's INSERT is prepared in the background after the first
			// filing, for the transactions that follow.
			gcSeed(t, s, 3)
			for i := range 3 {
				if _, err := gcFile(ctx, s, i, 1); err != nil {
					t.Fatal(err)
				}
			}
			cached := func() bool { return s.HasCachedStmt("INSERT INTO filings ") }
			for deadline := time.Now().Add(time.Minute); b.name == "sqlite" && !cached() && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			if got := cached(); got != (b.name == "sqlite") {
				t.Fatalf("the filing's INSERT cached: %v", got)
			}
			// Listings of many regions make many distinct queries: the
			// cache stops growing at its bound and the listings still run.
			for i := range sqlstore.MaxCachedStmts + 20 {
				regions := make([]string, i+1) // a query of its own
				for j := range regions {
					regions[j] = fmt.Sprintf("%02d", j%20+1)
				}
				f := registry.Filter{Name: fmt.Sprint(i % 13), Candidates: &registry.Candidates{SectionII: true, SectionIIRegions: regions}}
				if _, err := s.Entities(ctx, f); err != nil {
					t.Fatal(err)
				}
			}
			if got := s.CachedStmts(); got > sqlstore.MaxCachedStmts {
				t.Fatalf("%d statements cached, bound %d", got, sqlstore.MaxCachedStmts)
			}
		})
	}
}

// TestStmtCacheCloseWaits: Close waits for the statements the cache is
// preparing in the background, so that none holds a connection after it
// and SQLite's files are gone when it returns (a test's temporary
// directory could not be removed otherwise).
func TestStmtCacheCloseWaits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := sqlstore.Open(context.Background(), "sqlite:"+dir+"/close.db", sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var queries []string
	for i := range 64 {
		queries = append(queries, fmt.Sprintf("SELECT count(*) + %d FROM entities", i))
	}
	s.PrepareInBackground(queries...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := s.Preparing(); n != 0 {
		t.Fatalf("%d statements still being prepared after Close", n)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(dir + "/close.db" + suffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("close.db%s after Close: %v, want it removed by the last connection", suffix, err)
		}
	}
}
