package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

func init() {
	addMatrix(matrixCase{op: "getMe", req: get("/v1/me"),
		allow: []caller{asPublic, asBody, asReferent, asOtherBody, asRegion, asRegionNone, asStaff}})
	addMatrix(matrixCase{op: "getTerritory", req: get("/v1/territory?province=RM"), allow: everyone})
}

// meOf decodes a GET /v1/me answer.
func meOf(t *testing.T, body []byte) api.Me {
	t.Helper()
	var m api.Me
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return m
}

// TestMe: a person who logged in sees the bodies they act for, in which
// capacity, with their enrolments and reporting status, whatever body they
// act for on the request; staff, regions and the public act for none.
func TestMe(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	h := withOIDC(t, f, is, api.OIDCConfig{Staff: []string{"GLLGNN75M52L219B"}})
	own := f.ids[f.body.Entity.CodiceFiscale]
	lr := f.body.Entity.LegalRepresentative.CodiceFiscale

	// Which bodies lr represents, as the register holds them.
	var wantIDs []string
	for _, b := range f.gen.Bodies {
		e, err := f.store.Entity(t.Context(), f.ids[b.Entity.CodiceFiscale])
		if err == nil && e.LegalRepresentative.CodiceFiscale == lr {
			wantIDs = append(wantIDs, e.ID)
		}
	}
	tests := []struct {
		name, cf, entity string
		role             registry.Role
		bodies           map[string]registry.Capacity // register ID → capacity (at least these)
		exact            int                          // how many bodies; -1: at least len(bodies)
	}{
		{"representative, acting for none", lr, "", registry.RolePublic, map[string]registry.Capacity{own: registry.CapacityLegalRepresentative}, len(wantIDs)},
		{"representative, acting for its body", lr, own, registry.RoleBody, map[string]registry.Capacity{own: registry.CapacityLegalRepresentative}, len(wantIDs)},
		{"enabled referent", cfReferent, "", registry.RolePublic, map[string]registry.Capacity{own: registry.CapacityReferent}, -1},
		{"outsider", "NREFRN88T10A794U", "", registry.RolePublic, nil, 0},
		{"clerk", "GLLGNN75M52L219B", "", registry.RoleStaff, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := []string{}
			if tc.entity != "" {
				hdr = append(hdr, api.EntityHeader, tc.entity)
			}
			rec := doWith(t, h, "GET", "/v1/me", is.sign(t, "k1", is.claims(tc.cf)), nil, hdr...)
			if rec.Code != http.StatusOK {
				t.Fatalf("%d %s", rec.Code, truncate(rec.Body.String()))
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			m := meOf(t, rec.Body.Bytes())
			if m.Role != tc.role || m.FiscalNumber != tc.cf || m.Subject != registry.PersonSubject(tc.cf) || m.Acting != tc.entity {
				t.Errorf("me %+v", m)
			}
			if tc.exact >= 0 && len(m.Bodies) != tc.exact {
				t.Errorf("%d bodies, want %d: %+v", len(m.Bodies), tc.exact, m.Bodies)
			}
			got := map[string]api.MyBody{}
			for _, b := range m.Bodies {
				got[b.ID] = b
			}
			for id, capa := range tc.bodies {
				b, ok := got[id]
				if !ok || b.Capacity != capa {
					t.Fatalf("body %s: %+v (present %t), want capacity %s", id, b, ok, capa)
				}
				if b.Name != f.body.Entity.Name || b.TaxCode != f.body.Entity.CodiceFiscale {
					t.Errorf("body %+v", b)
				}
				if len(b.Sections) == 0 || b.Sections[0].Section != registry.SectionI || b.Sections[0].Status != registry.StatusEnrolled {
					t.Errorf("sections %+v, want Section I enrolled first", b.Sections)
				}
				// tokBody's body has not filed 2024 and the deadline is ahead (testNow).
				if b.Reporting.NextDue == nil || b.Reporting.NextDue.Year != 2024 || b.Reporting.NextDue.Deadline == "" {
					t.Errorf("reporting %+v, want 2024 due", b.Reporting)
				}
			}
		})
	}
	// A revoked referent no longer sees the body.
	e, err := f.reg.Entity(t.Context(), registry.Staff("staff:test"), own)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.RevokeReferent(t.Context(), registry.Staff("staff:test"), own, e.Referents[len(e.Referents)-1].ID); err != nil {
		t.Fatal(err)
	}
	rec := doWith(t, h, "GET", "/v1/me", is.sign(t, "k1", is.claims(cfReferent)), nil)
	for _, b := range meOf(t, rec.Body.Bytes()).Bodies {
		if b.ID == own {
			t.Errorf("revoked referent still sees %s", own)
		}
	}
	// A body's token names its body; the anonymous public is refused.
	rec = f.do(t, "GET", "/v1/me", tokBody, nil)
	if m := meOf(t, rec.Body.Bytes()); m.Role != registry.RoleBody || m.Acting != own || len(m.Bodies) == 0 {
		t.Errorf("tokBody: %+v", m)
	}
	wantProblem(t, f.do(t, "GET", "/v1/me", "", nil), http.StatusUnauthorized)
}

// TestTerritory: the regions and provinces by name, one province's comuni,
// cached; bad parameters are 400 problems naming them.
func TestTerritory(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/v1/territory", "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, truncate(rec.Body.String()))
	}
	var all api.TerritoryList
	if err := json.Unmarshal(rec.Body.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	if len(all.Regions) != 20 || all.Regions[11] != (api.TerritoryRegion{Code: "12", Name: "Lazio"}) || all.Comuni != nil || all.ValidAt == "" {
		t.Errorf("regions %v, comuni %v, validAt %q", all.Regions, all.Comuni, all.ValidAt)
	}
	found := false
	for _, p := range all.Provinces {
		found = found || p == api.TerritoryProvince{Sigla: "RM", Name: "Roma", Region: "12"}
	}
	if !found || len(all.Provinces) < 100 {
		t.Errorf("%d provinces, Roma found: %t", len(all.Provinces), found)
	}
	etag := rec.Header().Get("ETag")
	if rec := f.do(t, "GET", "/v1/territory", "", nil, "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", rec.Code)
	}
	rec = f.do(t, "GET", "/v1/territory?province=RM", "", nil)
	var rm api.TerritoryList
	if err := json.Unmarshal(rec.Body.Bytes(), &rm); err != nil {
		t.Fatal(err)
	}
	roma := false
	for _, c := range rm.Comuni {
		roma = roma || c == api.TerritoryComune{Code: "058091", Name: "Roma"}
	}
	if !roma || len(rm.Comuni) < 100 {
		t.Errorf("%d comuni of RM, Roma found: %t", len(rm.Comuni), roma)
	}
	for _, q := range []string{"province=XX", "province=rm", "province=" + strings.Repeat("A", 300), "region=12", "province=RM&x=1"} {
		wantProblem(t, f.do(t, "GET", "/v1/territory?"+q, "", nil), http.StatusBadRequest)
	}
}
