package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openregistro/registro/registry"
)

func TestBranchExtension(t *testing.T) {
	ctx := context.Background()
	type setup struct {
		inStatute, inApplication bool
		sections                 []registry.Section
	}
	cases := []struct {
		name      string
		s         setup
		wantI     bool
		wantII    bool
		untilDays string // EndBranch on this day, when set
	}{
		{"named in statute and application: Section I extends", setup{true, true, []registry.Section{registry.SectionI}}, true, false, ""},
		{"only in statute", setup{true, false, []registry.Section{registry.SectionI}}, false, false, ""},
		{"only in application", setup{false, true, []registry.Section{registry.SectionI}}, false, false, ""},
		{"Section II never extends", setup{true, true, []registry.Section{registry.SectionI, registry.SectionII}}, true, false, ""},
		{"ended branch", setup{true, true, []registry.Section{registry.SectionI}}, false, false, "2025-04-30"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, registry.Options{})
			branch := f.mustApply(t, application(body(cfBodyB, "Sede di Torino"), "2025-01-02", registry.SectionII))
			nb := body(cfBodyA, "Rete Nazionale")
			nb.National = true
			if tc.s.inStatute {
				nb.Statute.Branches = []string{cfBodyB}
			}
			a := application(nb, "2025-01-10", tc.s.sections...)
			if tc.s.inApplication {
				a.Branches = []registry.BranchRef{{CodiceFiscale: cfBodyB, Name: "Sede di Torino", Comune: "001272"}}
			}
			nat := f.mustApply(t, a)
			f.clock.Set("2025-02-01")
			for _, s := range tc.s.sections {
				if _, err := f.reg.Enrol(ctx, registry.Staff("s"), nat.ID, s, registry.Decree{Number: "1", Date: "2025-02-01"}); err != nil {
					t.Fatal(err)
				}
			}
			nat, err := f.reg.AddBranch(ctx, registry.Staff("s"), nat.ID, branch.ID, "2025-01-01")
			if err != nil {
				t.Fatal(err)
			}
			b := nat.Branches[0]
			if b.NamedInStatute != tc.s.inStatute || (b.ApplicationID != "") != tc.s.inApplication {
				t.Errorf("branch record %+v", b)
			}
			if tc.untilDays != "" {
				if _, err := f.reg.EndBranch(ctx, registry.Staff("s"), nat.ID, branch.ID, registry.Date(tc.untilDays)); err != nil {
					t.Fatal(err)
				}
			}
			on := day("2025-06-01")
			gotI, err := f.reg.EnrolledOn(ctx, branch.ID, registry.SectionI, on)
			if err != nil || gotI != tc.wantI {
				t.Errorf("branch EnrolledOn(I) = %v, %v; want %v", gotI, err, tc.wantI)
			}
			gotII, err := f.reg.EnrolledOn(ctx, branch.ID, registry.SectionII, on)
			if err != nil || gotII != tc.wantII {
				t.Errorf("branch EnrolledOn(II) = %v, %v; want %v", gotII, err, tc.wantII)
			}
			// Before the national body's decree nothing extends.
			if got, _ := f.reg.EnrolledOn(ctx, branch.ID, registry.SectionI, day("2025-01-20")); got {
				t.Error("extension before the national body was enrolled")
			}
			br, _ := f.reg.Entity(ctx, registry.Staff("s"), branch.ID)
			if br.BranchOf != nat.ID {
				t.Errorf("branch BranchOf = %q", br.BranchOf)
			}
		})
	}
}

func TestBranchErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	a := f.mustApply(t, application(body(cfBodyA, "Ente A"), "2025-01-10", registry.SectionI))
	b := f.mustApply(t, application(body(cfBodyB, "Ente B"), "2025-01-10", registry.SectionI))
	c := f.mustApply(t, application(body(cfBodyC, "Ente C"), "2025-01-10", registry.SectionI))
	if p := problems(t, func() error {
		_, err := f.reg.AddBranch(ctx, registry.Staff("s"), a.ID, a.ID, "2025-01-01")
		return err
	}()); p["/entityId"] != "branch_of_self" {
		t.Errorf("self branch: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.AddBranch(ctx, registry.Staff("s"), a.ID, b.ID, "01/01/2025")
		return err
	}()); p["/from"] != "format" {
		t.Errorf("bad date: %v", p)
	}
	if _, err := f.reg.AddBranch(ctx, registry.Staff("s"), a.ID, "nobody", "2025-01-01"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("unknown branch: %v", err)
	}
	if _, err := f.reg.AddBranch(ctx, registry.Staff("s"), a.ID, b.ID, "2025-01-01"); err != nil {
		t.Fatal(err)
	}
	if p := problems(t, func() error {
		_, err := f.reg.AddBranch(ctx, registry.Staff("s"), a.ID, b.ID, "2025-01-01")
		return err
	}()); p["/entityId"] != "branch_duplicate" {
		t.Errorf("duplicate: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.AddBranch(ctx, registry.Staff("s"), c.ID, b.ID, "2025-01-01")
		return err
	}()); p["/entityId"] != "branch_of_other" {
		t.Errorf("branch of another: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.EndBranch(ctx, registry.Staff("s"), a.ID, b.ID, "2024-01-01")
		return err
	}()); p["/until"] != "date_order" {
		t.Errorf("end before start: %v", p)
	}
	nat, err := f.reg.RemoveBranch(ctx, registry.Staff("s"), a.ID, b.ID)
	if err != nil || len(nat.Branches) != 0 {
		t.Fatalf("RemoveBranch = %+v, %v", nat.Branches, err)
	}
	if _, err := f.reg.RemoveBranch(ctx, registry.Staff("s"), a.ID, b.ID); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("second RemoveBranch: %v", err)
	}
	evs := f.events(t)
	last := evs[len(evs)-1]
	if last.Kind != registry.EventBranchRemoved || last.After != nil || last.Before == nil || last.RecordID != b.ID {
		t.Errorf("removal event %+v", last)
	}
}

func TestPartnerships(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	// P is enrolled in Section II from 2024-03-01 to its cancellation on 2025-03-01.
	p := f.enrolled(t, body(cfBodyA, "Partner II"), "2024-01-10", "2024-03-01", registry.SectionII)
	f.clock.Set("2025-03-01")
	if _, err := f.reg.Cancel(ctx, registry.Staff("s"), p.ID, registry.SectionII, registry.Cancellation{NotifiedOn: "2025-03-01", Reason: "voluntary", LegalBasis: "art. 54"}); err != nil {
		t.Fatal(err)
	}
	x := f.mustApply(t, application(body(cfBodyB, "Richiedente"), "2025-03-01", registry.SectionI))
	only1 := f.enrolled(t, body(cfBodyC, "Solo prima sezione"), "2024-01-10", "2024-02-01", registry.SectionI)
	f.clock.Set("2025-03-02")
	part, err := f.reg.AddPartnership(ctx, registry.Staff("s"), registry.Partnership{EntityID: x.ID, PartnerID: p.ID, Objectives: "o",
		Content: "c", Modalities: "m", Start: "2024-01-01", End: "2025-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.AddPartnership(ctx, registry.Staff("s"), registry.Partnership{EntityID: x.ID, PartnerID: only1.ID, Objectives: "o",
		Content: "c", Modalities: "m", Start: "2024-01-01"}); err != nil {
		t.Fatal(err)
	}
	// Recorded but not confirmed by the other party: it does not count.
	if got, err := f.reg.InPartnershipWithSectionII(ctx, x.ID, day("2024-06-01")); err != nil || got {
		t.Errorf("unconfirmed partnership: InPartnershipWithSectionII = %v, %v; want false", got, err)
	}
	if ps, err := f.reg.ReaderFor(registry.Staff("s")).SectionIIPartnerships(ctx, x.ID, day("2024-06-01")); err != nil || len(ps) != 0 {
		t.Errorf("unconfirmed partnership: SectionIIPartnerships = %v, %v; want none", ps, err)
	}
	if part, err = f.reg.ConfirmPartnership(ctx, registry.Body(registry.PersonSubject(cfRep), p.ID), part.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		who  string
		id   string
		day  string
		want bool
	}{
		{"before the partner's decree", x.ID, "2024-02-15", false},
		{"partner enrolled in II", x.ID, "2024-06-01", true},
		{"day before cancellation", x.ID, "2025-02-28", true},
		{"after cancellation", x.ID, "2025-03-01", false},
		{"the Section II body itself (partner is Section I only)", p.ID, "2024-06-01", false},
		{"unrelated body", only1.ID, "2024-06-01", false},
	}
	for _, tc := range cases {
		t.Run(tc.who, func(t *testing.T) {
			got, err := f.reg.InPartnershipWithSectionII(ctx, tc.id, day(tc.day))
			if err != nil || got != tc.want {
				t.Errorf("InPartnershipWithSectionII(%s) = %v, %v; want %v", tc.day, got, err, tc.want)
			}
		})
	}
	// The Reader gives the same records to staff and the body itself, and
	// none to anyone else (eligibility.PartnershipRegister).
	t.Run("Reader", func(t *testing.T) {
		for _, v := range []registry.Viewer{registry.Staff("s"), {Role: registry.RoleBody, Subject: "x", EntityID: x.ID}} {
			ps, err := f.reg.ReaderFor(v).SectionIIPartnerships(ctx, x.ID, day("2024-06-01"))
			if err != nil || len(ps) != 1 || ps[0].PartnerID != p.ID {
				t.Errorf("viewer %+v: %v, %v", v, ps, err)
			}
		}
		if _, err := f.reg.ReaderFor(registry.Viewer{Subject: "someone"}).SectionIIPartnerships(ctx, x.ID, day("2024-06-01")); !errors.Is(err, registry.ErrNotFound) {
			t.Errorf("other viewer: %v", err)
		}
	})
	// New terms need confirming again: until then the partnership does not
	// count, even on a day both the old and new terms cover.
	part.End = "2024-12-31"
	part, err = f.reg.UpdatePartnership(ctx, registry.Body("x", x.ID), part)
	if err != nil {
		t.Fatal(err)
	}
	if part.ConfirmedBy != "" || part.ConfirmedOn != "" || part.RecordedBy != x.ID {
		t.Fatalf("changed terms kept the confirmation: %+v", part)
	}
	if got, err := f.reg.InPartnershipWithSectionII(ctx, x.ID, day("2024-06-01")); err != nil || got {
		t.Errorf("changed terms, unconfirmed: InPartnershipWithSectionII = %v, %v; want false", got, err)
	}
	if part, err = f.reg.ConfirmPartnership(ctx, registry.Body(registry.PersonSubject(cfRep), p.ID), part.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := f.reg.InPartnershipWithSectionII(ctx, x.ID, day("2024-06-01")); err != nil || !got {
		t.Errorf("changed terms, confirmed again: InPartnershipWithSectionII = %v, %v; want true", got, err)
	}
	// The partnership's own dates count too.
	part.End = "2024-05-31"
	part, err = f.reg.UpdatePartnership(ctx, registry.Staff("s"), part)
	if err != nil {
		t.Fatal(err)
	}
	if part, err = f.reg.ConfirmPartnership(ctx, registry.Body(registry.PersonSubject(cfRep), p.ID), part.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.reg.InPartnershipWithSectionII(ctx, x.ID, day("2024-06-01")); got {
		t.Error("partnership counted after its end")
	}
	if got, _ := f.reg.InPartnershipWithSectionII(ctx, x.ID, day("2024-05-31")); !got {
		t.Error("confirmed partnership not counted on its last day")
	}
	if _, err := f.reg.UpdatePartnership(ctx, registry.Staff("s"), registry.Partnership{ID: part.ID, Version: 1, EntityID: x.ID, PartnerID: p.ID,
		Objectives: "o", Content: "c", Modalities: "m", Start: "2024-01-01"}); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("stale UpdatePartnership: %v", err)
	}
	bad := part
	bad.PartnerID = only1.ID
	if p := problems(t, func() error { _, err := f.reg.UpdatePartnership(ctx, registry.Staff("s"), bad); return err }()); p["/partnerId"] != "parties_changed" {
		t.Errorf("changed parties: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.AddPartnership(ctx, registry.Staff("s"), registry.Partnership{EntityID: x.ID, PartnerID: "nobody", Objectives: "o", Content: "c", Modalities: "m", Start: "2024-01-01"})
		return err
	}()); p["/partnerId"] != "unknown_entity" {
		t.Errorf("unknown partner: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.AddPartnership(ctx, registry.Staff("s"), registry.Partnership{EntityID: x.ID, PartnerID: x.ID, Objectives: "o", Start: "2024-02-01", End: "2024-01-01"})
		return err
	}()); p["/partnerId"] != "partner_is_self" || p["/end"] != "date_order" || p["/content"] != "required" {
		t.Errorf("bad partnership: %v", p)
	}
	if err := f.reg.RemovePartnership(ctx, registry.Staff("s"), part.ID, 1); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("stale RemovePartnership: %v", err)
	}
	if err := f.reg.RemovePartnership(ctx, registry.Staff("s"), part.ID, part.Version); err != nil {
		t.Fatal(err)
	}
	evs := f.events(t)
	if last := evs[len(evs)-1]; last.Kind != registry.EventPartnershipRemoved || last.After != nil || last.Before == nil {
		t.Errorf("removal event %+v", last)
	}
	if _, err := f.reg.InPartnershipWithSectionII(ctx, "nobody", day("2024-06-01")); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("unknown body: %v", err)
	}
}

func TestReferentsAndMayFile(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.enrolled(t, body(cfBodyA, "Casa"), "2024-01-10", "2024-02-01", registry.SectionI)
	f.clock.Set("2024-03-01")
	ref, err := f.reg.RequestReferent(ctx, registry.Staff("body"), e.ID, registry.Referent{FirstName: "Luca", LastName: "Verdi",
		CodiceFiscale: cfRefA, Phone: "0612345678", Email: "luca@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	if ref.Status != registry.ReferentRequested || ref.RequestedOn != "2024-03-01" || ref.ID == "" {
		t.Errorf("requested referent %+v", ref)
	}
	if p := problems(t, func() error {
		_, err := f.reg.RequestReferent(ctx, registry.Staff("body"), e.ID, registry.Referent{FirstName: "Luca", LastName: "Verdi", CodiceFiscale: cfRefA, Phone: "0612345678", Email: "luca@example.it"})
		return err
	}()); p["/taxCode"] != "referent_duplicate" {
		t.Errorf("duplicate: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.RequestReferent(ctx, registry.Staff("body"), e.ID, registry.Referent{FirstName: "M", LastName: "R", CodiceFiscale: cfRep, Phone: "0612345678", Email: "m@example.it"})
		return err
	}()); p["/taxCode"] != "referent_is_legal_representative" {
		t.Errorf("legal representative as referent: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.RequestReferent(ctx, registry.Staff("body"), e.ID, registry.Referent{FirstName: "X", CodiceFiscale: "XXX", Email: "no"})
		return err
	}()); p["/taxCode"] != "codice_fiscale" || p["/lastName"] != "required" || p["/phone"] != "required" || p["/email"] != "format" {
		t.Errorf("invalid referent: %v", p)
	}
	f.clock.Set("2024-03-10")
	if _, err := f.reg.EnableReferent(ctx, registry.Staff("staff"), e.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.EnableReferent(ctx, registry.Staff("staff"), e.ID, ref.ID); !errors.Is(err, registry.ErrReferentStatus) {
		t.Errorf("enable twice: %v", err)
	}
	if _, err := f.reg.EnableReferent(ctx, registry.Staff("staff"), e.ID, "nobody"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("enable unknown: %v", err)
	}
	f.clock.Set("2024-09-01")
	if _, err := f.reg.RevokeReferent(ctx, registry.Staff("staff"), e.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.RevokeReferent(ctx, registry.Staff("staff"), e.ID, ref.ID); !errors.Is(err, registry.ErrReferentStatus) {
		t.Errorf("revoke twice: %v", err)
	}
	// A request revoked before being enabled never lets anyone file.
	ref2, err := f.reg.RequestReferent(ctx, registry.Staff("body"), e.ID, registry.Referent{FirstName: "Giovanna", LastName: "Galli",
		CodiceFiscale: cfRefB, Phone: "0119876543", Email: "g@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	// The legal representative changes on 2024-10-01.
	f.clock.Set("2024-10-01")
	cur, _ := f.reg.Entity(ctx, registry.Staff("s"), e.ID)
	cur.LegalRepresentative = registry.Person{FirstName: "Emanuele", LastName: "Rocca", CodiceFiscale: cfRep2, Sex: "male", Citizenship: "IT"}
	if _, err := f.reg.UpdateEntity(ctx, registry.Staff("body"), cur); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, cf, day string
		want          bool
	}{
		{"former legal representative in office", cfRep, "2024-05-01", true},
		{"former legal representative after the change", cfRep, "2024-10-01", false},
		{"new legal representative", cfRep2, "2024-10-01", true},
		{"new legal representative before taking office", cfRep2, "2024-09-30", false},
		{"referent before enabling", cfRefA, "2024-03-09", false},
		{"referent enabled", cfRefA, "2024-03-10", true},
		{"referent on the day of revocation", cfRefA, "2024-09-01", false},
		{"requested referent", cfRefB, "2024-12-01", false},
		{"stranger", cfOutside, "2024-05-01", false},
		{"empty", "", "2024-05-01", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.reg.MayFile(ctx, e.ID, tc.cf, day(tc.day))
			if err != nil || got != tc.want {
				t.Errorf("MayFile(%s, %s) = %v, %v; want %v", tc.cf, tc.day, got, err, tc.want)
			}
		})
	}
	if _, err := f.reg.RevokeReferent(ctx, registry.Staff("staff"), e.ID, ref2.ID); err != nil {
		t.Errorf("revoking a requested referent: %v", err)
	}
	if _, err := f.reg.MayFile(ctx, "nobody", cfRep, day("2024-05-01")); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("MayFile of an unknown body: %v", err)
	}
}
