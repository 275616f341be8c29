package registrytest

import (
	"context"
	"testing"

	"github.com/openregistro/registro/registry"
)

// testPublicVersion checks registry.PublicVersioner, for stores that
// implement it: the version changes with each batch that touches a body a
// public listing reads (a Section I enrolment in any status, or a
// territorial branch, before or after the batch), and with nothing else —
// not with a write to a body seen only in Section II, which the public must
// not be able to time, nor with a failed batch.
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
	sectionII := enrol(entity("E2", "80000000002", "Solo Sezione II"), registry.SectionII, registry.StatusEnrolled)
	sectionI := enrol(entity("E1", "80000000001", "Sezione I"), registry.SectionI, registry.StatusApplied)
	branch := entity("E3", "80000000003", "Sede di Milano")
	branch.BranchOf = "E1"
	steps := []struct {
		name   string
		batch  func() registry.Batch
		fails  bool
		change bool
	}{
		{"a body seen only in Section II is created", func() registry.Batch {
			return registry.Batch{Entities: []registry.Entity{sectionII}}
		}, false, false},
		{"it is replaced", func() registry.Batch {
			e := mustEntity(t, s, "E2")
			e.Name = "Solo Sezione II, nuovo nome"
			return registry.Batch{Entities: []registry.Entity{e}, Events: []registry.Event{event(registry.EventEntityUpdated, "E2", "", nil)}}
		}, false, false},
		{"an application and a grant are stored", func() registry.Batch {
			return registry.Batch{Applications: []registry.Application{application("A1", "E2", "2024-01-10")},
				Grants: []registry.Grant{{ID: "G1", Grantee: "x", Purpose: "ricerca", From: "2024-01-01"}}}
		}, false, false},
		{"a Section I applicant is created", func() registry.Batch {
			return registry.Batch{Entities: []registry.Entity{sectionI}}
		}, false, true},
		{"a batch that fails on a stale version", func() registry.Batch {
			e := sectionI // version 0: taken
			return registry.Batch{Entities: []registry.Entity{e}}
		}, true, false},
		{"the Section I body is replaced", func() registry.Batch {
			e := mustEntity(t, s, "E1")
			e.PEC = "nuova@pec.example.it"
			return registry.Batch{Entities: []registry.Entity{e}}
		}, false, true},
		{"a territorial branch is created", func() registry.Batch {
			return registry.Batch{Entities: []registry.Entity{branch}}
		}, false, true},
		{"the Section II body applies to Section I", func() registry.Batch {
			return registry.Batch{Entities: []registry.Entity{enrol(mustEntity(t, s, "E2"), registry.SectionI, registry.StatusApplied)}}
		}, false, true},
		{"and withdraws", func() registry.Batch {
			e := mustEntity(t, s, "E2")
			e.Enrolments = e.Enrolments[:1]
			return registry.Batch{Entities: []registry.Entity{e}}
		}, false, true},
		{"it is replaced again, Section II only", func() registry.Batch {
			e := mustEntity(t, s, "E2")
			e.Email = "nuova@example.it"
			return registry.Batch{Entities: []registry.Entity{e}}
		}, false, false},
		{"the branch is deleted", func() registry.Batch {
			return registry.Batch{Deletes: []registry.Ref{{Kind: registry.KindEntity, ID: "E3", Version: 1}}}
		}, false, true},
		{"the Section II body is deleted", func() registry.Batch {
			return registry.Batch{Deletes: []registry.Ref{
				{Kind: registry.KindApplication, ID: "A1", Version: 1},
				{Kind: registry.KindEntity, ID: "E2", Version: mustEntity(t, s, "E2").Version},
			}}
		}, false, false},
		{"the Section I body is deleted", func() registry.Batch {
			return registry.Batch{Deletes: []registry.Ref{{Kind: registry.KindEntity, ID: "E1", Version: 2}}}
		}, false, true},
	}
	for _, st := range steps {
		before := version()
		_, err := s.Commit(ctx, st.batch())
		if (err != nil) != st.fails {
			t.Fatalf("%s: Commit: %v", st.name, err)
		}
		if changed := version() != before; changed != st.change {
			t.Errorf("%s: public version changed = %v, want %v", st.name, changed, st.change)
		}
	}
}
