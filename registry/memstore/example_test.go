package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// A store is dumb: it keeps records, enforces versions and answers queries.
// A stale write is ErrConflict and writes nothing.
func ExampleNew() {
	ctx := context.Background()
	s := memstore.New()
	e := registry.Entity{ID: "R1", CodiceFiscale: "80010010017", Name: "Casa dei Popoli"}
	if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{e}}); err != nil {
		fmt.Println(err)
		return
	}
	cur, _ := s.Entity(ctx, "R1")
	fmt.Println(cur.Name, "version", cur.Version)

	stale := cur
	cur.Name = "Casa dei Popoli APS"
	_, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{cur}})
	fmt.Println("first write:", err)
	_, err = s.Commit(ctx, registry.Batch{Entities: []registry.Entity{stale}})
	fmt.Println("stale write is a conflict:", errors.Is(err, registry.ErrConflict))

	p, _ := s.Entities(ctx, registry.Filter{Name: "popoli"})
	fmt.Println(len(p.Entities), p.Entities[0].Name, p.Entities[0].Version)
	// Output:
	// Casa dei Popoli version 1
	// first write: <nil>
	// stale write is a conflict: true
	// 1 Casa dei Popoli APS 2
}
