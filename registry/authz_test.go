package registry_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestWriteAuthorisation calls every write method of the Registry as every
// kind of viewer and checks that ErrForbidden comes back exactly where the
// policy says, and that a refused write leaves no trace.
func TestWriteAuthorisation(t *testing.T) {
	const (
		staff     = "staff"
		own       = "own body"
		other     = "other body"
		person    = "authenticated person"
		anonymous = "anonymous"
		region    = "regional office"
	)
	viewerKinds := []string{staff, own, other, person, anonymous, region}

	// setup builds a register with two enrolled bodies X and Y (and a third,
	// Z, to be X's branch), a partnership between X and Y and a referent of
	// X requested; viewers are relative to X.
	type world struct {
		f        *fixture
		x, y, z  registry.Entity
		p        registry.Partnership
		ref      registry.Referent
		viewers  map[string]registry.Viewer
		branched bool
	}
	setup := func(t *testing.T) *world {
		ctx := context.Background()
		f := newFixture(t, registry.Options{})
		w := &world{f: f}
		w.x = f.enrolled(t, body(cfBodyA, "Ente X"), "2024-01-10", "2024-03-01", registry.SectionI)
		w.y = f.enrolled(t, body(cfBodyB, "Ente Y"), "2024-01-10", "2024-03-01", registry.SectionI)
		w.z = f.enrolled(t, body(cfBodyC, "Ente Z"), "2024-01-10", "2024-03-01", registry.SectionI)
		f.clock.Set("2025-01-15")
		var err error
		w.p, err = f.reg.AddPartnership(ctx, registry.Staff("setup"), registry.Partnership{EntityID: w.x.ID, PartnerID: w.y.ID,
			Objectives: "o", Content: "c", Modalities: "m", Start: "2024-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		w.ref, err = f.reg.RequestReferent(ctx, registry.Staff("setup"), w.x.ID, registry.Referent{FirstName: "Luca",
			LastName: "Verdi", CodiceFiscale: cfRefA, Phone: "0612345678", Email: "luca@example.it"})
		if err != nil {
			t.Fatal(err)
		}
		if w.x, err = f.reg.AddBranch(ctx, registry.Staff("setup"), w.x.ID, w.z.ID, "2024-06-01"); err != nil {
			t.Fatal(err)
		}
		if w.x, err = f.reg.Entity(ctx, registry.Staff("setup"), w.x.ID); err != nil {
			t.Fatal(err)
		}
		w.viewers = map[string]registry.Viewer{
			staff:     registry.Staff("ministero"),
			own:       registry.Body(registry.PersonSubject(cfRep), w.x.ID),
			other:     registry.Body(cfRep2, w.y.ID),
			person:    {Subject: "TINIT-" + cfOutside},
			anonymous: registry.Public(),
			region:    registry.RegionalOffice("regione:lazio", "12"),
		}
		return w
	}

	ctx := context.Background()
	tests := []struct {
		name    string
		allowed []string
		write   func(w *world, v registry.Viewer) error
	}{
		{"Apply again (entityId)", []string{staff, own}, func(w *world, v registry.Viewer) error {
			a := application(w.x, "2025-01-15", registry.SectionII)
			a.EntityID = w.x.ID
			_, _, err := w.f.reg.Apply(ctx, v, a)
			return err
		}},
		{"Apply again (codice fiscale)", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, _, err := w.f.reg.Apply(ctx, v, application(w.x, "2025-01-15", registry.SectionII))
			return err
		}},
		{"Apply for a new body", []string{staff, own, other, person}, func(w *world, v registry.Viewer) error {
			_, _, err := w.f.reg.Apply(ctx, v, application(body(cfBodyD, "Ente nuovo"), "2025-01-15", registry.SectionI))
			return err
		}},
		{"UpdateEntity", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.UpdateEntity(ctx, v, w.x)
			return err
		}},
		{"RequestReferent", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.RequestReferent(ctx, v, w.x.ID, registry.Referent{FirstName: "Gianna", LastName: "Galli",
				CodiceFiscale: cfRefB, Phone: "0612345678", Email: "gianna@example.it"})
			return err
		}},
		{"EnableReferent", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.EnableReferent(ctx, v, w.x.ID, w.ref.ID)
			return err
		}},
		{"RevokeReferent", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.RevokeReferent(ctx, v, w.x.ID, w.ref.ID)
			return err
		}},
		{"AddBranch", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.AddBranch(ctx, v, w.x.ID, w.y.ID, "2025-01-01")
			return err
		}},
		{"EndBranch", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.EndBranch(ctx, v, w.x.ID, w.z.ID, "2025-01-10")
			return err
		}},
		{"RemoveBranch", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.RemoveBranch(ctx, v, w.x.ID, w.z.ID)
			return err
		}},
		{"AddPartnership", []string{staff, own, other}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.AddPartnership(ctx, v, registry.Partnership{EntityID: w.y.ID, PartnerID: w.x.ID,
				Objectives: "o", Content: "c", Modalities: "m", Start: "2025-01-01"})
			return err
		}},
		{"UpdatePartnership", []string{staff, own, other}, func(w *world, v registry.Viewer) error {
			p := w.p
			p.End = "2025-01-10"
			_, err := w.f.reg.UpdatePartnership(ctx, v, p)
			return err
		}},
		{"RemovePartnership", []string{staff}, func(w *world, v registry.Viewer) error {
			return w.f.reg.RemovePartnership(ctx, v, w.p.ID, w.p.Version)
		}},
		{"GrantSectionII", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.GrantSectionII(ctx, v, registry.Grant{Grantee: "regione", Purpose: "verifica dei finanziamenti", From: "2025-01-01"})
			return err
		}},
		{"StartReview", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.StartReview(ctx, v, w.x.ID, registry.SectionII, "2025-01-15")
			return err
		}},
		{"Enrol", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.Enrol(ctx, v, w.x.ID, registry.SectionII, registry.Decree{Number: "1/2025", Date: "2025-01-15"})
			return err
		}},
		{"Reject", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.Reject(ctx, v, w.x.ID, registry.SectionII, registry.Rejection{Date: "2025-01-15", Reason: "requisiti", LegalBasis: "art. 53 DPR 394/1999"})
			return err
		}},
		{"Cancel", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.Cancel(ctx, v, w.x.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2025-01-15",
				Reason: "conduct", LegalBasis: "art. 54 c.4 DPR 394/1999"})
			return err
		}},
		{"ApplySilence", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.ApplySilence(ctx, v)
			return err
		}},
		{"Import", []string{staff}, func(w *world, v registry.Viewer) error {
			e := body(cfBodyD, "Ente importato")
			e.ID = "imported"
			_, err := w.f.reg.Import(ctx, v, []registry.Entity{e})
			return err
		}},
		{"Replace", []string{staff}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.Replace(ctx, v, w.x, "correzione")
			return err
		}},
		{"Remove", []string{staff}, func(w *world, v registry.Viewer) error {
			return w.f.reg.Remove(ctx, v, w.y.ID, w.y.Version, "errore")
		}},
		{"RecordFiling", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.RecordFiling(ctx, v, w.x.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: day("2025-01-15")})
			return err
		}},
		{"FilingEvent", []string{staff, own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.FilingEvent(ctx, v, w.x.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: day("2025-01-15")})
			return err
		}},
		{"FilingBody (file the annual report)", []string{own}, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.FilingBody(ctx, v, cfBodyA)
			return err
		}},
		{"FilingBody of a body not in the register", nil, func(w *world, v registry.Viewer) error {
			_, err := w.f.reg.FilingBody(ctx, v, cfBodyD) // the same answer as for a body v may not file for
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range viewerKinds {
				t.Run(kind, func(t *testing.T) {
					w := setup(t)
					before := len(w.f.events(t))
					err := tc.write(w, w.viewers[kind])
					if slices.Contains(tc.allowed, kind) {
						if errors.Is(err, registry.ErrForbidden) {
							t.Fatalf("%s may %s, got %v", kind, tc.name, err)
						}
						return
					}
					if !errors.Is(err, registry.ErrForbidden) {
						t.Fatalf("%s may not %s: got %v, want ErrForbidden", kind, tc.name, err)
					}
					if after := len(w.f.events(t)); after != before {
						t.Fatalf("a refused write left %d events", after-before)
					}
				})
			}
		})
	}
}

// TestAuditNamesTheViewer: every event of a write names the viewer that made
// it, with its role and, for a body, the body it acted for.
func TestAuditNamesTheViewer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	x := f.enrolled(t, body(cfBodyA, "Ente X"), "2024-01-10", "2024-03-01", registry.SectionI)
	f.clock.Set("2025-01-15")
	if _, err := f.reg.RequestReferent(ctx, registry.Body(registry.PersonSubject(cfRep), x.ID), x.ID, registry.Referent{FirstName: "Luca",
		LastName: "Verdi", CodiceFiscale: cfRefA, Phone: "0612345678", Email: "luca@example.it"}); err != nil {
		t.Fatal(err)
	}
	evs := f.events(t)
	last := evs[len(evs)-1]
	if want := "body:" + x.ID + ":cf:" + cfRep; last.Actor != want {
		t.Fatalf("actor %q, want %q", last.Actor, want)
	}
	if want := "staff:tester"; evs[0].Actor != want {
		t.Fatalf("actor %q, want %q", evs[0].Actor, want)
	}
}

// TestReportingDutyHidesOtherBodies: what the register says of a body for
// its annual report is for staff and the body itself; anyone else gets the
// answer of a body the register does not hold.
func TestReportingDutyHidesOtherBodies(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	x := f.enrolled(t, body(cfBodyA, "Ente X"), "2024-01-10", "2024-03-01", registry.SectionI)
	y := f.enrolled(t, body(cfBodyB, "Ente Y"), "2024-01-10", "2024-03-01", registry.SectionII)
	for _, tc := range []struct {
		name string
		v    registry.Viewer
		ok   bool
	}{
		{"staff", registry.Staff("s"), true},
		{"own body", registry.Body(cfRep, x.ID), true},
		{"other body", registry.Body(cfRep, y.ID), false},
		{"public", registry.Public(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := f.reg.ReportingDuty(ctx, tc.v, cfBodyA, 2024)
			if !tc.ok {
				if !errors.Is(err, registry.ErrNotFound) {
					t.Fatalf("got %v, want ErrNotFound", err)
				}
				_, missing := f.reg.ReportingDuty(ctx, tc.v, cfBodyD, 2024)
				if !errors.Is(missing, registry.ErrNotFound) {
					t.Fatalf("missing body: %v", missing)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.EntityID != x.ID || !slices.Equal(d.Sections, []registry.Section{registry.SectionI}) || !slices.Contains(d.Filers, cfRep) {
				t.Fatalf("duty %+v", d)
			}
		})
	}
}
