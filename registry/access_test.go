package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestSectionIIRequests runs a motivated request through its lifecycle:
// asked, pending (shows nothing), granted with an expiry (shows the
// region's Section II bodies), expired (shows nothing again); and a refused
// one, which shows nothing. Each move is an event.
func TestSectionIIRequests(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	lazio := f.enrolled(t, body(cfBodyA, "Casa Lazio"), "2024-01-10", "2024-02-01", registry.SectionII)
	f.clock.Set("2025-03-01")
	region := registry.RegionalOffice("regione:lazio", "12")
	sees := func(t *testing.T, want bool) {
		t.Helper()
		v, err := f.reg.ViewerWithGrants(ctx, region)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.reg.Entity(ctx, v, lazio.ID)
		if got := err == nil; got != want {
			t.Errorf("the region sees the Section II body: %v (%v), want %v", got, err, want)
		}
		p, err := f.reg.Entities(ctx, v, registry.Filter{})
		if err != nil || (len(p.Entities) == 1) != want {
			t.Errorf("listing %+v, %v; want the Section II body %v", p, err, want)
		}
	}

	for _, tc := range []struct {
		name string
		v    registry.Viewer
		req  registry.AccessRequest
	}{
		{"anonymous", registry.Public(), registry.AccessRequest{Region: "12", Purpose: "programmazione regionale"}},
		{"a body", registry.Body("cf:"+cfRep, lazio.ID), registry.AccessRequest{Region: "12", Purpose: "programmazione regionale"}},
		{"another region's list", region, registry.AccessRequest{Region: "03", Purpose: "programmazione regionale"}},
	} {
		if _, err := f.reg.RequestSectionII(ctx, tc.v, tc.req); !errors.Is(err, registry.ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", tc.name, err)
		}
	}
	if p := problems(t, func() error {
		_, err := f.reg.RequestSectionII(ctx, region, registry.AccessRequest{Region: "12", Purpose: "breve"})
		return err
	}()); p["/purpose"] != "min_length" {
		t.Errorf("short purpose: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.RequestSectionII(ctx, registry.Staff("s"), registry.AccessRequest{Region: "12", Purpose: "programmazione regionale"})
		return err
	}()); p["/grantee"] != "required" {
		t.Errorf("staff without a grantee: %v", p)
	}

	req, err := f.reg.RequestSectionII(ctx, region, registry.AccessRequest{Grantee: "someone-else", Region: "12", Purpose: "programmazione regionale"})
	if err != nil {
		t.Fatal(err)
	}
	if req.Grantee != "regione:lazio" || req.Status != registry.GrantRequested || req.ID == "" || req.From != "" {
		t.Errorf("request %+v", req)
	}
	if p := problems(t, func() error {
		_, err := f.reg.RequestSectionII(ctx, region, registry.AccessRequest{Region: "12", Purpose: "programmazione regionale"})
		return err
	}()); p["/region"] != "request_pending" {
		t.Errorf("second pending request: %v", p)
	}
	sees(t, false)

	if _, err := f.reg.GrantRequest(ctx, region, req.ID, registry.GrantDecision{Until: "2025-06-30"}); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("the region grants itself: %v", err)
	}
	if p := problems(t, func() error {
		_, err := f.reg.GrantRequest(ctx, registry.Staff("s"), req.ID, registry.GrantDecision{Until: "2025-02-01"})
		return err
	}()); p["/until"] != "date_order" {
		t.Errorf("an expiry in the past: %v", p)
	}
	if p := problems(t, func() error {
		_, err := f.reg.GrantRequest(ctx, registry.Staff("s"), req.ID, registry.GrantDecision{})
		return err
	}()); p["/until"] != "required" {
		t.Errorf("no expiry: %v", p)
	}
	if _, err := f.reg.GrantRequest(ctx, registry.Staff("s"), "nope", registry.GrantDecision{Until: "2025-06-30"}); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("unknown request: %v", err)
	}
	g, err := f.reg.GrantRequest(ctx, registry.Staff("s"), req.ID, registry.GrantDecision{Until: "2025-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	if g.Status != registry.GrantGranted || g.From != "2025-03-01" || g.Until != "2025-06-30" || g.GrantedBy != "staff:s" || g.Version != 2 {
		t.Errorf("grant %+v", g)
	}
	if _, err := f.reg.RefuseRequest(ctx, registry.Staff("s"), req.ID, registry.Refusal{Reason: "troppo tardi"}); !errors.Is(err, registry.ErrGrantStatus) {
		t.Errorf("refusing a granted request: %v", err)
	}
	sees(t, true)
	f.clock.Set("2025-06-30")
	sees(t, true)
	f.clock.Set("2025-07-01")
	sees(t, false)

	// A refused request shows nothing.
	office := registry.Viewer{Role: registry.RolePublic, Subject: "prefettura:roma"}
	req2, err := f.reg.RequestSectionII(ctx, office, registry.AccessRequest{Region: "12", Purpose: "vigilanza sulle strutture"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.RefuseRequest(ctx, registry.Staff("s"), req2.ID, registry.Refusal{}); err == nil {
		t.Error("a refusal without a reason")
	}
	if r, err := f.reg.RefuseRequest(ctx, registry.Staff("s"), req2.ID, registry.Refusal{Reason: "finalità non pertinente"}); err != nil ||
		r.Status != registry.GrantRefused || r.RefusalReason != "finalità non pertinente" || r.RefusedBy != "staff:s" {
		t.Errorf("refusal %+v, %v", r, err)
	}
	if v, _ := f.reg.ViewerWithGrants(ctx, office); len(v.Grants) != 0 {
		t.Errorf("a refused request among the viewer's grants: %+v", v.Grants)
	}

	// Who reads what.
	if _, err := f.reg.AccessRequest(ctx, office, req.ID); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("another's request: %v", err)
	}
	if got, err := f.reg.AccessRequest(ctx, region, req.ID); err != nil || got.ID != req.ID {
		t.Errorf("own request: %+v, %v", got, err)
	}
	all, next, err := f.reg.AccessRequests(ctx, registry.Staff("s"), registry.GrantFilter{Limit: 1})
	if err != nil || len(all) != 1 || next != all[0].ID {
		t.Errorf("staff's first page: %+v %q %v", all, next, err)
	}
	rest, next2, err := f.reg.AccessRequests(ctx, registry.Staff("s"), registry.GrantFilter{After: next, Limit: 1})
	if err != nil || len(rest) != 1 || next2 != "" || rest[0].ID == all[0].ID {
		t.Errorf("staff's second page: %+v %q %v", rest, next2, err)
	}
	refused, _, err := f.reg.AccessRequests(ctx, registry.Staff("s"), registry.GrantFilter{Status: registry.GrantRefused})
	if err != nil || len(refused) != 1 || refused[0].ID != req2.ID {
		t.Errorf("refused: %+v %v", refused, err)
	}
	mine, _, err := f.reg.AccessRequests(ctx, office, registry.GrantFilter{})
	if err != nil || len(mine) != 1 || mine[0].ID != req2.ID {
		t.Errorf("own requests: %+v %v", mine, err)
	}
	for _, v := range []registry.Viewer{registry.Public(), registry.Body("x", lazio.ID)} {
		if _, _, err := f.reg.AccessRequests(ctx, v, registry.GrantFilter{}); !errors.Is(err, registry.ErrForbidden) {
			t.Errorf("%s lists requests: %v", v.Actor(), err)
		}
	}

	var kinds []registry.EventKind
	for _, ev := range f.events(t) {
		if ev.EntityID == "" {
			kinds = append(kinds, ev.Kind)
		}
	}
	want := []registry.EventKind{registry.EventSectionIIRequested, registry.EventSectionIIGranted,
		registry.EventSectionIIRequested, registry.EventSectionIIRefused}
	if len(kinds) != len(want) {
		t.Fatalf("access events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("access events %v, want %v", kinds, want)
		}
	}
}
