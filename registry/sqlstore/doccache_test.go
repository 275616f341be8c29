package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// TestEntityCache: bodies read again are answered from the decoded-document
// cache, as copies, and a document changed behind the store's back — same
// ID, same version, other bytes: another process, a restore — is read as it
// now is.
func TestEntityCache(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.dsn(t)
			s := mustOpen(t, dsn, sqlstore.Options{})
			body := registry.Entity{ID: "E1", CodiceFiscale: "80012345678", Name: "Casa dei Popoli",
				LegalForm: "association_recognised", Seat: registry.Address{Region: "12", Province: "RM"},
				Referents: []registry.Referent{{ID: "F1", FirstName: "Luca", LastName: "Verdi", CodiceFiscale: "VRDLCU90A01F205L"}}}
			if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{body}}); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				e, err := s.EntityByCodiceFiscale(ctx, "80012345678")
				if err != nil {
					t.Fatal(err)
				}
				if e.Name != "Casa dei Popoli" || e.Referents[0].FirstName != "Luca" {
					t.Fatalf("read %d: %+v", i, e)
				}
				e.Name, e.Referents[0].FirstName = "changed", "changed" // the caller's own copy
			}
			page, err := s.Entities(ctx, registry.Filter{})
			if err != nil || len(page.Entities) != 1 || page.Entities[0].Name != "Casa dei Popoli" {
				t.Fatalf("listing: %+v, %v", page, err)
			}

			db := rawDB(t, dsn)
			if _, err := db.Exec(rebind(dsn, "UPDATE entities SET doc = REPLACE(doc, 'Casa dei Popoli', 'Casa dei Venti') WHERE id = 'E1'")); err != nil {
				t.Fatal(err)
			}
			e, err := s.Entity(ctx, "E1")
			if err != nil || e.Name != "Casa dei Venti" {
				t.Fatalf("after the document changed: %q, %v", e.Name, err)
			}
			page, err = s.Entities(ctx, registry.Filter{})
			if err != nil || page.Entities[0].Name != "Casa dei Venti" {
				t.Fatalf("listing after the document changed: %+v, %v", page, err)
			}
		})
	}
}

// TestEntityCacheBound: however many bodies are read, the cache keeps at
// most two generations.
func TestEntityCacheBound(t *testing.T) {
	s := mustOpen(t, sqliteDSN(t), sqlstore.Options{})
	ctx := context.Background()
	n := 2*sqlstore.EntityCacheGen + 300
	batch := registry.Batch{}
	for i := range n {
		batch.Entities = append(batch.Entities, registry.Entity{ID: fmt.Sprintf("E%05d", i),
			CodiceFiscale: fmt.Sprintf("9%010d", i), Name: "Ente " + strings.Repeat("x", i%7)})
	}
	if _, err := s.Commit(ctx, batch); err != nil {
		t.Fatal(err)
	}
	f := registry.Filter{Limit: registry.MaxLimit}
	read := 0
	for {
		p, err := s.Entities(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		read += len(p.Entities)
		if p.Next == "" {
			break
		}
		f.Cursor = p.Next
	}
	if read != n {
		t.Fatalf("listed %d bodies, want %d", read, n)
	}
	if got := s.CachedEntities(); got > 2*sqlstore.EntityCacheGen || got < sqlstore.EntityCacheGen {
		t.Fatalf("%d bodies cached after reading %d (a generation is %d)", got, n, sqlstore.EntityCacheGen)
	}
}
