package api_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/registry"
)

// Bodies the branch tests add to the register.
const (
	cfNational = "80010010017"
	cfBranch   = "80020020014"
)

// addBody applies, as staff, for a copy of the synth body tmpl named name
// with codice fiscale cf, for sections; national lists branchCF in its
// statute and in the application. It returns the body's ID.
func addBody(t *testing.T, f *restFixture, tmpl *synth.Body, cf, name string, branch *registry.BranchRef, sections ...registry.Section) string {
	t.Helper()
	partner := f.sec2Only[0].ID
	b := *tmpl
	b.Entity = tmpl.Entity.Clone()
	b.Entity.CodiceFiscale, b.Entity.Name = cf, name
	b.Sections = sections
	b.AppliedOn = time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	if branch != nil {
		b.Entity.Statute.Branches = []string{branch.CodiceFiscale}
	}
	a := b.Application(partner)
	if branch != nil {
		a.Branches = []registry.BranchRef{*branch}
	}
	_, e, err := f.reg.Apply(context.Background(), registry.Staff("staff:test"), a)
	if err != nil {
		t.Fatalf("application of %s: %v", name, err)
	}
	return e.ID
}

// TestBranches declares a territorial branch over HTTP: the national
// body's Section I enrolment extends to it (the public sees the branch),
// its Section II enrolment never does (a caller granted Section II sees the
// national body there, not the branch); ended, the branch is no longer
// published.
func TestBranches(t *testing.T) {
	ctx := context.Background()
	f0 := newRestFixture(t, backends(t)["sqlite"](t), "", "")
	var tmpl *synth.Body // a body applying for Section II, as the template
	for i := range f0.gen.Bodies {
		if slices.Contains(f0.gen.Bodies[i].Sections, registry.SectionII) {
			tmpl = &f0.gen.Bodies[i]
			break
		}
	}
	if tmpl == nil {
		t.Fatal("no Section II body in synth")
	}
	branchRef := &registry.BranchRef{CodiceFiscale: cfBranch, Name: "Sede territoriale di prova", Comune: tmpl.Entity.Seat.Comune}
	nat := addBody(t, f0, tmpl, cfNational, "Rete nazionale di prova", branchRef, registry.SectionI, registry.SectionII)
	br := addBody(t, f0, tmpl, cfBranch, "Sede territoriale di prova", nil, registry.SectionII)
	for _, s := range []registry.Section{registry.SectionI, registry.SectionII} {
		if _, err := f0.reg.Enrol(ctx, registry.Staff("staff:test"), nat, s, registry.Decree{Number: "D-" + s.String(), Date: "2025-01-15"}); err != nil {
			t.Fatal(err)
		}
	}
	f := newRestFixtureOver(t, f0, nat, br) // with the national body's and the branch's tokens
	if _, err := f.reg.GrantSectionII(ctx, registry.Staff("staff:test"), registry.Grant{Grantee: subjRegionII,
		Purpose: "programmazione dei servizi regionali", From: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}
	listed := func(token, query string) []string {
		return itemIDs(t, f.do(t, "GET", "/v1/entities?limit=1000&"+query, token, nil))
	}
	wantProblem(t, f.do(t, "GET", "/v1/entities/"+br, "", nil), 404)

	path := "/v1/entities/" + nat + "/branches"
	in := map[string]any{"entityId": br, "from": "2025-01-16"}
	wantProblem(t, f.post(t, path, "", in), 401)
	wantProblem(t, f.post(t, path, tokBranch, in), 403) // the national body's act
	wantProblem(t, f.post(t, path, tokBody, in), 403)
	var p problemBody
	want(t, f.post(t, path, tokNational, map[string]any{"entityId": nat, "from": "2025-01-16"}), 422, &p)
	if got := codes(t, f, p); !slices.Equal(got, []string{"/entityId branch_of_self"}) {
		t.Errorf("a body its own branch: %v", got)
	}
	want(t, f.post(t, path, tokNational, map[string]any{"from": "2025-01-16"}), 422, &p)
	want(t, f.post(t, path, tokNational, map[string]any{"entityId": br, "from": "16/01/2025"}), 422, &p)
	wantProblem(t, f.post(t, path, tokNational, map[string]any{"entityId": "R999999", "from": "2025-01-16"}), 404)

	var b registry.Branch
	want(t, f.post(t, path, tokNational, in), 201, &b)
	if b.EntityID != br || !b.NamedInStatute || b.ApplicationID == "" || b.From != "2025-01-16" {
		t.Fatalf("branch %+v", b)
	}
	want(t, f.post(t, path, tokNational, in), 422, &p) // already recorded

	// Section I extends: the public sees the branch.
	want(t, f.do(t, "GET", "/v1/entities/"+br, "", nil), 200, nil)
	if got := listed("", "section=I"); !slices.Contains(got, br) || !slices.Contains(got, nat) {
		t.Errorf("the public Section I list lacks the national body or its branch: %v", got)
	}
	// Section II never: granted Section II everywhere, the office sees the
	// national body there, not the branch (which only applied).
	if got := listed(tokRegionII, "section=II"); !slices.Contains(got, nat) || slices.Contains(got, br) {
		t.Errorf("the granted Section II list: national %v, branch %v; want true, false",
			slices.Contains(got, nat), slices.Contains(got, br))
	}

	// Ended, the branch is no longer published.
	end := path + "/" + br + "/end"
	wantProblem(t, f.post(t, end, tokBody, map[string]any{"until": "2025-01-20"}), 403)
	want(t, f.post(t, end, tokNational, map[string]any{"until": "2025-01-10"}), 422, &p)
	if got := codes(t, f, p); !slices.Equal(got, []string{"/until date_order"}) {
		t.Errorf("an end before the start: %v", got)
	}
	want(t, f.post(t, end, tokNational, map[string]any{"until": "2025-01-20"}), 200, &b)
	if b.Until != "2025-01-20" {
		t.Errorf("ended branch %+v", b)
	}
	wantProblem(t, f.post(t, end, tokNational, map[string]any{"until": "2025-01-20"}), 404) // no open branch
	f.clk.Set(testNow.AddDate(0, 0, 1))
	wantProblem(t, f.do(t, "GET", "/v1/entities/"+br, "", nil), 404)
}

// TestPartnerships records a partnership agreement over HTTP: recorded by
// one party, confirmed by the other (not by the one that recorded it, nor
// by staff or a stranger), read by the parties and staff only.
func TestPartnerships(t *testing.T) {
	f := newRestFixture(t, backends(t)["sqlite"](t), "", "")
	a, o := f.ids[f.body.Entity.CodiceFiscale], f.ids[f.other.Entity.CodiceFiscale]
	in := map[string]any{"entityId": a, "partnerId": o, "objectives": "Accoglienza e orientamento",
		"content": "Sportello comune", "modalities": "Incontri mensili", "start": "2025-01-01", "end": "2026-12-31"}
	wantProblem(t, f.post(t, "/v1/partnerships", "", in), 401)
	wantProblem(t, f.post(t, "/v1/partnerships", tokRegion, in), 403)
	third := f.sec1[0].ID
	if third == a || third == o {
		third = f.sec1[len(f.sec1)-1].ID
	}
	wantProblem(t, f.post(t, "/v1/partnerships", tokBody, map[string]any{"entityId": third, "partnerId": o,
		"objectives": "x", "content": "x", "modalities": "x", "start": "2025-01-01"}), 403)
	var p problemBody
	bad := func(change map[string]any, wantCode string) {
		t.Helper()
		m := map[string]any{}
		for k, v := range in {
			m[k] = v
		}
		for k, v := range change {
			m[k] = v
		}
		want(t, f.post(t, "/v1/partnerships", tokBody, m), 422, &p)
		if got := codes(t, f, p); !slices.Contains(got, wantCode) {
			t.Errorf("%v: %v, want %s", change, got, wantCode)
		}
	}
	bad(map[string]any{"partnerId": "R999999"}, "/partnerId unknown_entity")
	bad(map[string]any{"end": "2024-12-31"}, "/end date_order")
	bad(map[string]any{"partnerId": a}, "/partnerId partner_is_self")
	bad(map[string]any{"confirmedBy": o}, " register_managed")

	var got registry.Partnership
	rec := f.post(t, "/v1/partnerships", tokBody, in)
	want(t, rec, 201, &got)
	if got.RecordedBy != a || got.Confirmed() || rec.Header().Get("Location") != "/v1/partnerships/"+got.ID {
		t.Fatalf("recorded partnership %+v, Location %q", got, rec.Header().Get("Location"))
	}
	one := "/v1/partnerships/" + got.ID
	wantProblem(t, f.do(t, "POST", one+"/confirm", tokBody, nil), 409) // the recording party
	wantProblem(t, f.do(t, "POST", one+"/confirm", tokStaff, nil), 403)
	wantProblem(t, f.do(t, "POST", one+"/confirm", tokRegion, nil), 403)
	wantProblem(t, f.do(t, "POST", "/v1/partnerships/nope/confirm", tokOtherBody, nil), 404)
	want(t, f.do(t, "POST", one+"/confirm", tokOtherBody, nil), 200, &got)
	if got.ConfirmedBy != o || got.ConfirmedOn != "2025-01-20" || got.Start != "2025-01-01" || got.End != "2026-12-31" {
		t.Errorf("confirmed partnership %+v", got)
	}
	wantProblem(t, f.do(t, "POST", one+"/confirm", tokOtherBody, nil), 409)

	for _, tok := range []string{tokBody, tokOtherBody, tokStaff} {
		want(t, f.do(t, "GET", one, tok, nil), 200, nil)
	}
	for _, tok := range []string{tokPublic, tokRegion} {
		wantProblem(t, f.do(t, "GET", one, tok, nil), 404)
	}
	wantProblem(t, f.do(t, "GET", one, "", nil), 404)
	wantProblem(t, f.do(t, "GET", "/v1/partnerships/nope", tokStaff, nil), 404)
	if ids := itemIDs(t, f.do(t, "GET", "/v1/entities/"+o+"/partnerships", tokOtherBody, nil)); !slices.Contains(ids, got.ID) {
		t.Errorf("the partner's partnerships %v lack %s", ids, got.ID)
	}
	wantProblem(t, f.do(t, "GET", "/v1/entities/"+o+"/partnerships", tokBody, nil), 403)
	wantProblem(t, f.do(t, "GET", "/v1/entities/R999999/partnerships", tokStaff, nil), 404)

	var evs struct {
		Items []registry.Event `json:"items"`
	}
	want(t, f.do(t, "GET", "/v1/events?kind=partnership.added,partnership.confirmed&limit=1000", tokStaff, nil), 200, &evs)
	var kinds []registry.EventKind
	for _, ev := range evs.Items {
		if ev.RecordID == got.ID {
			kinds = append(kinds, ev.Kind)
		}
	}
	if !slices.Equal(kinds, []registry.EventKind{registry.EventPartnershipAdded, registry.EventPartnershipConfirmed}) {
		t.Errorf("partnership events %v", kinds)
	}
}
