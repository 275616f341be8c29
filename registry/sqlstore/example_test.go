package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "registro")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// An SQLite file; "postgres://…" would use PostgreSQL instead.
	store, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "registro.db"), sqlstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	// A body and the event recording it, in one transaction.
	body := registry.Entity{ID: "E1", CodiceFiscale: "80012345678", Name: "Casa dei Popoli",
		LegalForm: "association_recognised", Seat: registry.Address{Region: "12", Province: "RM"}}
	evs, err := store.Commit(ctx, registry.Batch{
		Entities: []registry.Entity{body},
		Events:   []registry.Event{{At: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), Actor: "staff", Kind: registry.EventEntityCreated, EntityID: "E1", RecordID: "E1"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("event", evs[0].Seq, evs[0].Kind)

	// Writing from a stale version (0: "create") is a conflict; nothing is written.
	_, err = store.Commit(ctx, registry.Batch{Entities: []registry.Entity{body}})
	fmt.Println("stale write:", errors.Is(err, registry.ErrConflict))

	// Filings of a year stream in order of body tax code.
	filings := store.Filings()
	for _, cf := range []string{"80012345678", "00743110157"} {
		err := filings.Put(ctx, questionnaire.Filing{BodyTaxCode: cf, Year: 2024, Revision: 1,
			FiledAt: time.Date(2025, 1, 20, 9, 0, 0, 0, time.UTC), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{}`)})
		if err != nil {
			log.Fatal(err)
		}
	}
	for f, err := range filings.Year(ctx, 2024) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("filing", f.BodyTaxCode, "revision", f.Revision)
	}
	// Output:
	// event 1 entity.created
	// stale write: true
	// filing 00743110157 revision 1
	// filing 80012345678 revision 1
}
