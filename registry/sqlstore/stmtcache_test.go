package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
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
