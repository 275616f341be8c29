package sqlstore_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// TestLegacyTaxCodeNames checks that documents and event blobs written before
// migration 0005, when a tax code's JSON name was codiceFiscale, are read
// the same as today's (read-compatible decoding), and that migration 0005
// rewrites them in the database, on every backend.
func TestLegacyTaxCodeNames(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := b.dsn(t)
			s := mustOpen(t, dsn, sqlstore.Options{})
			rep := registry.Person{FirstName: "Mario", LastName: "Rossi", CodiceFiscale: "RSSMRA80A01H501U"}
			body := registry.Entity{ID: "E1", CodiceFiscale: "80012345678", Name: "Casa dei Popoli",
				LegalForm: "association_recognised", Seat: registry.Address{Region: "12", Province: "RM"},
				LegalRepresentative: rep,
				Referents:           []registry.Referent{{ID: "F1", FirstName: "Luca", LastName: "Verdi", CodiceFiscale: "VRDLCU90A01F205L", Phone: "0612345678", Email: "l@example.it"}}}
			after, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Commit(ctx, registry.Batch{
				Entities: []registry.Entity{body},
				Events: []registry.Event{{At: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), Actor: "staff",
					Kind: registry.EventEntityCreated, EntityID: "E1", RecordID: "E1", After: after}},
			}); err != nil {
				t.Fatal(err)
			}
			want, err := s.Entity(ctx, "E1")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(after), `"taxCode":"80012345678"`) || strings.Contains(string(after), "odiceFiscale") {
				t.Fatalf("today's JSON of an entity: %s", after)
			}

			// Back to the shape stored before 0005, as a database written then.
			db := rawDB(t, dsn)
			old := strings.NewReplacer(`"taxCode":`, `"codiceFiscale":`)
			var doc string
			if err := db.QueryRow("SELECT doc FROM entities WHERE id = 'E1'").Scan(&doc); err != nil {
				t.Fatal(err)
			}
			oldAfter := old.Replace(string(after))
			if _, err := db.Exec(rebind(dsn, "UPDATE entities SET doc = ? WHERE id = 'E1'"), old.Replace(doc)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(rebind(dsn, "UPDATE events SET after = ? WHERE entity_id = 'E1'"), []byte(oldAfter)); err != nil {
				t.Fatal(err)
			}
			check := func(t *testing.T) {
				t.Helper()
				got, err := s.Entity(ctx, "E1")
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("entity read back\n got %+v\nwant %+v", got, want)
				}
				page, err := s.Entities(ctx, registry.Filter{Limit: 10})
				if err != nil || len(page.Entities) != 1 || !reflect.DeepEqual(page.Entities[0], want) {
					t.Fatalf("listing: %+v, %v", page.Entities, err)
				}
				evs, err := s.Events(ctx, registry.EventFilter{EntityID: "E1"})
				if err != nil || len(evs) != 1 {
					t.Fatalf("events: %v, %v", evs, err)
				}
				var e registry.Entity
				if err := json.Unmarshal(evs[0].After, &e); err != nil || e.CodiceFiscale != "80012345678" ||
					e.LegalRepresentative.CodiceFiscale != rep.CodiceFiscale || e.Referents[0].CodiceFiscale != "VRDLCU90A01F205L" {
					t.Fatalf("event after: %s (%v)", evs[0].After, err)
				}
			}
			t.Run("read as today's", check)

			// Migration 0005 once more, as on a database at version 4.
			if _, err := db.Exec("DELETE FROM schema_migrations WHERE version = 5"); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var raw string
			if err := db.QueryRow("SELECT doc FROM entities WHERE id = 'E1'").Scan(&raw); err != nil {
				t.Fatal(err)
			}
			var rawAfter []byte
			if err := db.QueryRow("SELECT after FROM events WHERE entity_id = 'E1'").Scan(&rawAfter); err != nil {
				t.Fatal(err)
			}
			for _, got := range []string{raw, string(rawAfter)} {
				if strings.Contains(got, "odiceFiscale") || !strings.Contains(got, `"taxCode":"80012345678"`) {
					t.Fatalf("after migration 0005: %s", got)
				}
			}
			t.Run("migrated", check)
		})
	}
}

// rebind turns ? placeholders into PostgreSQL's $1, $2… for a postgres dsn.
func rebind(dsn, q string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return q
	}
	var sb strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			sb.WriteString("$" + string(rune('0'+n)))
			continue
		}
		sb.WriteRune(c)
	}
	return sb.String()
}
