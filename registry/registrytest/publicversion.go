package registrytest

import (
	"context"
	"testing"

	"github.com/openregistro/registro/registry"
)

// testPublicVersion checks registry.PublicVersioner, for stores that
// implement it: the version changes with each committed batch marked
// Public and with nothing else — not with a batch that is not marked,
// whatever it writes (the public must not be able to time a write it cannot
// see), nor with a marked batch that fails.
func testPublicVersion(t *testing.T, s registry.Store) {
	pv, ok := s.(registry.PublicVersioner)
	if !ok {
		t.Skip("the store is not a registry.PublicVersioner")
	}
	ctx := context.Background()
	version := func() int64 {
		t.Helper()
		v, ok, err := pv.PublicVersion(ctx)
		if err != nil || !ok {
			t.Fatalf("PublicVersion: %d, %v, %v", v, ok, err)
		}
		return v
	}
	seen := map[int64]bool{version(): true}
	sectionI := enrol(entity("E1", "80000000001", "Sezione I"), registry.SectionI, registry.StatusEnrolled)
	steps := []struct {
		name   string
		batch  func() registry.Batch
		fails  bool
		change bool
	}{
		{"a body created, not marked", func() registry.Batch {
			return registry.Batch{Entities: []registry.Entity{sectionI}}
		}, false, false},
		{"a body replaced and an event, marked", func() registry.Batch {
			e := mustEntity(t, s, "E1")
			e.Name = "Sezione I, nuovo nome"
			return registry.Batch{Entities: []registry.Entity{e}, Public: true,
				Events: []registry.Event{event(registry.EventEntityUpdated, "E1", "", nil)}}
		}, false, true},
		{"a marked batch that fails on a stale version", func() registry.Batch {
			return registry.Batch{Entities: []registry.Entity{sectionI}, Public: true}
		}, true, false},
		{"an application and a grant, not marked", func() registry.Batch {
			return registry.Batch{Applications: []registry.Application{application("A1", "E1", "2024-01-10")},
				Grants: []registry.Grant{{ID: "G1", Grantee: "x", Purpose: "ricerca", From: "2024-01-01"}}}
		}, false, false},
		{"an event alone, marked", func() registry.Batch {
			return registry.Batch{Events: []registry.Event{event(registry.EventEntityUpdated, "E1", "", nil)}, Public: true}
		}, false, true},
		{"a delete, marked", func() registry.Batch {
			return registry.Batch{Deletes: []registry.Ref{
				{Kind: registry.KindApplication, ID: "A1", Version: 1},
				{Kind: registry.KindEntity, ID: "E1", Version: mustEntity(t, s, "E1").Version},
			}, Public: true}
		}, false, true},
		{"a marked batch that fails on a missing record", func() registry.Batch {
			return registry.Batch{Deletes: []registry.Ref{{Kind: registry.KindEntity, ID: "E1", Version: 2}}, Public: true}
		}, true, false},
	}
	for _, st := range steps {
		before := version()
		_, err := s.Commit(ctx, st.batch())
		if (err != nil) != st.fails {
			t.Fatalf("%s: Commit: %v", st.name, err)
		}
		after := version()
		if changed := after != before; changed != st.change {
			t.Errorf("%s: public version changed = %v, want %v", st.name, changed, st.change)
		}
		if after != before {
			if seen[after] {
				t.Errorf("%s: public version %d came back", st.name, after)
			}
			seen[after] = true
		}
	}
}
