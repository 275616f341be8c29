package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestSaveDraft checks who saves and reads a body's draft, what the
// register accepts as one, and versions.
func TestSaveDraft(t *testing.T) {
	f := newFixture(t, registry.Options{})
	ctx := context.Background()
	a := f.enrolled(t, body(cfBodyA, "Ente A"), "2024-01-10", "2024-03-01", registry.SectionI)
	b := f.enrolled(t, body(cfBodyB, "Ente B"), "2024-01-10", "2024-03-01", registry.SectionI)
	own := registry.Body("cf:"+cfRep, a.ID)
	d := registry.Draft{EntityID: a.ID, Year: 2024, Document: []byte(`{ "body": {} }`)}

	for name, v := range map[string]registry.Viewer{
		"staff": registry.Staff("s"), "another body": registry.Body("cf:x", b.ID), "public": registry.Public(),
		"region": registry.RegionalOffice("r", "12"),
	} {
		if _, err := f.reg.SaveDraft(ctx, v, d); !errors.Is(err, registry.ErrForbidden) {
			t.Errorf("SaveDraft by %s: %v, want ErrForbidden", name, err)
		}
	}
	saved, err := f.reg.SaveDraft(ctx, own, d)
	if err != nil || saved.Version != 1 || string(saved.Document) != `{"body":{}}` || saved.SavedBy != own.Actor() {
		t.Fatalf("SaveDraft: %+v, %v", saved, err)
	}
	if _, err := f.reg.SaveDraft(ctx, own, d); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("a second creation: %v, want ErrConflict", err)
	}
	d.Version = 1
	if saved, err = f.reg.SaveDraft(ctx, own, d); err != nil || saved.Version != 2 {
		t.Errorf("replace: %+v, %v", saved, err)
	}
	for _, v := range []registry.Viewer{own, registry.Staff("s")} {
		if got, err := f.reg.Draft(ctx, v, a.ID, 2024); err != nil || got.Version != 2 {
			t.Errorf("Draft as %s: %+v, %v", v.Actor(), got, err)
		}
	}
	if _, err := f.reg.Draft(ctx, registry.Body("cf:x", b.ID), a.ID, 2024); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("Draft by another body: %v, want ErrForbidden", err)
	}

	for name, bad := range map[string]registry.Draft{
		"not an object": {EntityID: a.ID, Year: 2024, Document: []byte(`[1]`)},
		"not JSON":      {EntityID: a.ID, Year: 2024, Document: []byte(`{"a":`)},
		"empty":         {EntityID: a.ID, Year: 2024},
		"old year":      {EntityID: a.ID, Year: 1990, Document: []byte(`{}`)},
		"too large":     {EntityID: a.ID, Year: 2024, Document: []byte(`{"a":"` + strings.Repeat("x", registry.MaxDraftBytes) + `"}`)},
	} {
		if _, err := f.reg.SaveDraft(ctx, own, bad); len(problems(t, err)) == 0 {
			t.Errorf("%s: %v, want problems", name, err)
		}
	}
	if _, err := f.reg.SaveDraft(ctx, registry.Body("cf:x", "nobody"), registry.Draft{EntityID: "nobody", Year: 2024, Document: []byte(`{}`)}); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("draft of no body: %v, want ErrNotFound", err)
	}
}

// TestRegionFeedDomain checks the regional feed on the domain: a region
// sees its Section I bodies, a Section II body only under a grant, a
// tombstone when one leaves its view, and nothing of other regions.
func TestRegionFeedDomain(t *testing.T) {
	f := newFixture(t, registry.Options{})
	ctx := context.Background()
	a := f.enrolled(t, body(cfBodyA, "Ente A"), "2024-01-10", "2024-03-01", registry.SectionI)
	ii := f.enrolled(t, body(cfBodyB, "Ente B"), "2024-01-10", "2024-03-01", registry.SectionII)
	milan := body(cfBodyC, "Ente C")
	milan.Seat = registry.Address{Street: "Via Roma 1", PostCode: "20121", Comune: "015146", Province: "MI", Region: "03"}
	c := f.enrolled(t, milan, "2024-01-10", "2024-03-01", registry.SectionI)
	f.clock.Set("2025-01-15")

	lazio := registry.RegionalOffice("regione:lazio", "12")
	if _, err := f.reg.RegionFeed(ctx, registry.Staff("s"), 0, 0); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("staff: %v, want ErrForbidden", err)
	}
	ids := func(v registry.Viewer, after int64) (map[string]registry.FeedChange, int64) {
		p, err := f.reg.RegionFeed(ctx, v, after, 0)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]registry.FeedChange{}
		for _, it := range p.Items {
			out[it.EntityID] = it.Change
			if it.Entity != nil && (it.Entity.CodiceFiscale != "" || it.Entity.PEC != "") {
				t.Errorf("unpublished data in the feed: %+v", it.Entity)
			}
		}
		return out, p.Last
	}
	got, last := ids(lazio, 0)
	if len(got) != 1 || got[a.ID] != registry.FeedUpsert {
		t.Errorf("Lazio without a grant: %v", got)
	}
	if _, err := f.reg.GrantSectionII(ctx, registry.Staff("s"), registry.Grant{Grantee: "regione:lazio", Region: "12",
		Purpose: "programmazione dei servizi", From: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}
	granted, err := f.reg.ViewerWithGrants(ctx, lazio)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ids(granted, 0); len(got) != 2 || got[ii.ID] != registry.FeedUpsert || got[c.ID] != "" {
		t.Errorf("Lazio with a grant: %v", got)
	}
	if err := f.reg.Remove(ctx, registry.Staff("s"), a.ID, a.Version, "test"); err != nil {
		t.Fatal(err)
	}
	if got, _ := ids(lazio, last); len(got) != 1 || got[a.ID] != registry.FeedRemoved {
		t.Errorf("after the removal: %v", got)
	}
}
