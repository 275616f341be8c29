package registry_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
)

// visibilityFixture: A Section I (Roma), B Section II only (Roma), C both
// sections (Torino), D Section I pending, E cancelled in Section I, BR a
// branch of A covered by extension (Milano).
func visibilityFixture(t *testing.T) (*fixture, map[string]registry.Entity) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	m := map[string]registry.Entity{}
	m["BR"] = f.mustApply(t, application(torino(body("80050050014", "Sede di Milano")), "2024-01-05", registry.SectionII))
	a := body(cfBodyA, "Alfa Solidale")
	a.Statute.Branches = []string{"80050050014"}
	appA := application(a, "2024-01-10", registry.SectionI)
	appA.Branches = []registry.BranchRef{{CodiceFiscale: "80050050014", Name: "Sede di Milano", Comune: "015146"}}
	m["A"] = f.mustApply(t, appA)
	f.clock.Set("2024-02-01")
	if _, err := f.reg.Enrol(ctx, registry.Staff("s"), m["A"].ID, registry.SectionI, registry.Decree{Number: "1", Date: "2024-02-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.AddBranch(ctx, registry.Staff("s"), m["A"].ID, m["BR"].ID, "2024-01-01"); err != nil {
		t.Fatal(err)
	}
	m["B"] = f.enrolled(t, body(cfBodyB, "Beta Protezione"), "2024-01-10", "2024-02-01", registry.SectionII)
	m["C"] = f.enrolled(t, torino(body(cfBodyC, "Gamma Insieme")), "2024-01-10", "2024-02-01", registry.SectionI, registry.SectionII)
	m["D"] = f.mustApply(t, application(body(cfBodyD, "Delta in attesa"), "2024-06-01", registry.SectionI))
	m["E"] = f.enrolled(t, body("80060060011", "Epsilon cancellato"), "2024-01-10", "2024-02-01", registry.SectionI)
	f.clock.Set("2024-07-01")
	if _, err := f.reg.Cancel(ctx, registry.Staff("s"), m["E"].ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2024-07-01", Reason: "incompatible_conduct", LegalBasis: "art. 54 c.4"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Set("2024-09-01")
	return f, m
}

func torino(e registry.Entity) registry.Entity {
	e.Seat = registry.Address{Street: "Via Po 10", PostCode: "10124", Comune: "001272", Province: "TO", Region: "01"}
	return e
}

// secrets are strings a public viewer must never see.
// Published fields are the only non-empty ones: the keys of the other
// fields of Entity may appear, with empty values.
var secrets = []string{cfRep, cfRep2, cfMember, cfRefA, cfBodyA, cfBodyB, cfBodyC, cfBodyD, "80050050014",
	"ente@pec", "Mario", "Rossi", "Bianchi", "presidente", "2015-03-01", "onlus", "enrolments", "referents",
	"branches", "branchOf", "Beta Protezione", "Delta in attesa", "Epsilon", `"II"`, "true"}

func assertNoSecrets(t *testing.T, what, js string, allowed ...string) {
	t.Helper()
	for _, s := range secrets {
		if slices.Contains(allowed, s) {
			continue
		}
		if strings.Contains(js, s) {
			t.Errorf("%s leaks %q: %s", what, s, js)
		}
	}
}

func allFilters() []registry.Filter {
	var fs []registry.Filter
	for _, s := range []registry.Section{0, registry.SectionI, registry.SectionII} {
		for _, st := range append([]registry.Status{""}, registry.Statuses[:]...) {
			for _, extra := range []registry.Filter{{}, {Region: "12"}, {Name: "a"}, {Province: "TO"}, {LegalForm: "association_recognised"}, {Limit: 1}} {
				f := extra
				f.Section, f.Status = s, st
				fs = append(fs, f)
			}
		}
	}
	return fs
}

func listAll(t *testing.T, reg *registry.Registry, v registry.Viewer, f registry.Filter) []registry.Entity {
	t.Helper()
	var out []registry.Entity
	for range 100 {
		p, err := reg.Entities(context.Background(), v, f)
		if err != nil {
			t.Fatalf("Entities(%+v): %v", f, err)
		}
		out = append(out, p.Entities...)
		if p.Next == "" {
			return out
		}
		f.Cursor = p.Next
	}
	t.Fatal("no last page")
	return nil
}

func TestPublicNeverSeesSectionIIOrPersonalData(t *testing.T) {
	ctx := context.Background()
	f, m := visibilityFixture(t)
	pub := registry.Public()
	visible := map[string]bool{m["A"].ID: true, m["C"].ID: true, m["BR"].ID: true}

	for name, e := range m {
		t.Run("read "+name, func(t *testing.T) {
			got, err := f.reg.Entity(ctx, pub, e.ID)
			if !visible[e.ID] {
				if !errors.Is(err, registry.ErrNotFound) {
					t.Errorf("public read of %s: %+v, %v; want ErrNotFound", name, got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := registry.Entity{ID: e.ID, Name: e.Name, LegalForm: e.LegalForm, Seat: e.Seat}
			if toJSON(t, got) != toJSON(t, want) {
				t.Errorf("public view of %s = %s, want only the published fields", name, toJSON(t, got))
			}
			assertNoSecrets(t, "public read", toJSON(t, got))
		})
	}
	for _, flt := range allFilters() {
		t.Run(fmt.Sprintf("list %+v", flt), func(t *testing.T) {
			for _, e := range listAll(t, f.reg, pub, flt) {
				if !visible[e.ID] {
					t.Errorf("public listing shows %s (%s)", e.ID, e.Name)
				}
				if flt.Section == registry.SectionII {
					t.Errorf("public listing by Section II shows %s", e.Name)
				}
				assertNoSecrets(t, "public listing", toJSON(t, e))
			}
		})
	}
	// The unfiltered listing shows exactly the Section I bodies in force.
	var ids []string
	for _, e := range listAll(t, f.reg, pub, registry.Filter{}) {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	want := []string{m["A"].ID, m["BR"].ID, m["C"].ID}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("public listing = %v, want %v", ids, want)
	}
	if _, err := f.reg.Entities(ctx, pub, registry.Filter{BranchOf: m["A"].ID}); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("public BranchOf filter: %v", err)
	}
	if _, err := f.reg.Events(ctx, pub, registry.EventFilter{}); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("public events: %v", err)
	}
	if _, err := f.reg.YearlyUpdate(ctx, pub, 2024, nil); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("public yearly list: %v", err)
	}
}

func TestSectionIIGrant(t *testing.T) {
	ctx := context.Background()
	f, m := visibilityFixture(t)
	if p := problems(t, func() error {
		_, err := f.reg.GrantSectionII(ctx, registry.Staff("staff"), registry.Grant{Grantee: "regione-lazio", From: "2024-01-01"})
		return err
	}()); p["/purpose"] != "required" {
		t.Errorf("grant without purpose: %v", p)
	}
	g, err := f.reg.GrantSectionII(ctx, registry.Staff("staff"), registry.Grant{Grantee: "regione-lazio", Region: "12",
		Purpose: "programmazione dei servizi antitratta", From: "2024-08-01", Until: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	evs := f.events(t)
	if last := evs[len(evs)-1]; last.Kind != registry.EventSectionIIGranted || last.RecordID != g.ID ||
		!strings.Contains(string(last.After), "antitratta") || last.Actor != "staff:staff" {
		t.Errorf("grant event %+v", last)
	}
	v, err := f.reg.ViewerWithGrants(ctx, registry.Viewer{Subject: "regione-lazio"})
	if err != nil || len(v.Grants) != 1 {
		t.Fatalf("ViewerWithGrants = %+v, %v", v, err)
	}
	var names []string
	for _, e := range listAll(t, f.reg, v, registry.Filter{Section: registry.SectionII}) {
		names = append(names, e.Name)
		assertNoSecrets(t, "granted listing", toJSON(t, e), "Beta Protezione")
	}
	if !slices.Equal(names, []string{"Beta Protezione"}) {
		t.Errorf("Section II listing with a Lazio grant = %v, want only the Lazio Section II body", names)
	}
	if got, err := f.reg.Entity(ctx, v, m["B"].ID); err != nil || got.Name != "Beta Protezione" || got.CodiceFiscale != "" {
		t.Errorf("granted read of B = %+v, %v", got, err)
	}
	// Outside the grant's period the body is hidden again.
	f.clock.Set("2025-01-01")
	if _, err := f.reg.Entity(ctx, v, m["B"].ID); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("read after the grant expired: %v", err)
	}
}

func TestBodyAndStaffViewers(t *testing.T) {
	ctx := context.Background()
	f, m := visibilityFixture(t)
	own := registry.Body("legal-rep", m["B"].ID)
	got, err := f.reg.Entity(ctx, own, m["B"].ID)
	if err != nil || got.LegalRepresentative.CodiceFiscale != cfRep || len(got.Enrolments) != 1 {
		t.Errorf("own read = %+v, %v", got, err)
	}
	// A body sees other bodies as the public does.
	other, err := f.reg.Entity(ctx, own, m["A"].ID)
	if err != nil || other.LegalRepresentative.CodiceFiscale != "" {
		t.Errorf("body's read of another = %+v, %v", other, err)
	}
	if _, err := f.reg.Entity(ctx, own, m["C"].ID); err != nil {
		t.Errorf("body's read of a Section I body: %v", err)
	}
	list := listAll(t, f.reg, own, registry.Filter{Section: registry.SectionII})
	if len(list) != 1 || list[0].ID != m["B"].ID {
		t.Errorf("body's Section II listing = %+v, want only itself", list)
	}
	evs, err := f.reg.Events(ctx, own, registry.EventFilter{})
	if err != nil || len(evs) == 0 {
		t.Fatalf("own events = %d, %v", len(evs), err)
	}
	for _, ev := range evs {
		if ev.EntityID != m["B"].ID {
			t.Errorf("body sees an event of %s", ev.EntityID)
		}
	}
	if _, err := f.reg.Events(ctx, own, registry.EventFilter{EntityID: m["A"].ID}); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("events of another body: %v", err)
	}
	staff := listAll(t, f.reg, registry.Staff("s"), registry.Filter{})
	if len(staff) != len(m) {
		t.Errorf("staff listing = %d bodies, want %d", len(staff), len(m))
	}
	pending := listAll(t, f.reg, registry.Staff("s"), registry.Filter{Status: registry.StatusApplied})
	if len(pending) != 2 || pending[0].ID != m["BR"].ID || pending[1].ID != m["D"].ID {
		t.Errorf("staff pending listing = %+v", pending)
	}
}
