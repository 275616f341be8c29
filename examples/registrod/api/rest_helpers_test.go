package api_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// The tokens of the callers of the referent, relation and access tests,
// served by restFixture's handler besides the fixture's own.
const (
	tokNewReferent = "new-referent-token-0123456789"
	tokRegionII    = "region-sec2-token-0123456789"
	tokPrefect     = "prefect-token-0123456789"
	tokNational    = "national-token-0123456789"
	tokBranch      = "branch-token-0123456789"
	cfNewReferent  = "GLLGNN75M52L219B"
	subjRegionII   = "regione:sec2"
)

// restFixture is the seeded service with more callers: a referent of the
// fixture's body, a regional office of a region with Section II bodies and
// no grant, a named office (a prefecture), and the bodies of national and
// branch (when given).
type restFixture struct {
	*fixture
	regionII string // the region of tokRegionII
}

func newRestFixture(t *testing.T, dsn string, national, branch string) *restFixture {
	t.Helper()
	return newRestFixtureOver(t, &restFixture{fixture: newFixtureOn(t, dsn)}, national, branch)
}

// newRestFixtureOver serves rf's register with the tokens of newRestFixture.
func newRestFixtureOver(t *testing.T, rf *restFixture, national, branch string) *restFixture {
	t.Helper()
	f := rf.fixture
	for _, cf := range f.persons {
		if cf == cfNewReferent {
			t.Fatalf("the referent's codice fiscale %s is already in the register", cfNewReferent)
		}
	}
	// A region with a Section II-only body, other than the fixture's granted one.
	rf.regionII = ""
	for _, e := range f.sec2Only {
		if e.Seat.Region != f.grantReg {
			rf.regionII = e.Seat.Region
			break
		}
	}
	if rf.regionII == "" {
		t.Fatal("synth gave Section II-only bodies in one region only")
	}
	ids := map[string]api.Identity{
		tokStaff:       {Role: registry.RoleStaff, Subject: "staff:test"},
		tokBody:        {Role: registry.RoleBody, Subject: "cf:" + f.body.Entity.LegalRepresentative.CodiceFiscale, EntityID: f.ids[f.body.Entity.CodiceFiscale]},
		tokOtherBody:   {Role: registry.RoleBody, Subject: "cf:" + f.other.Entity.LegalRepresentative.CodiceFiscale, EntityID: f.ids[f.other.Entity.CodiceFiscale]},
		tokNewReferent: {Role: registry.RoleBody, Subject: "cf:" + cfNewReferent, EntityID: f.ids[f.body.Entity.CodiceFiscale]},
		tokReferent:    {Role: registry.RoleBody, Subject: "cf:" + cfReferent, EntityID: f.ids[f.body.Entity.CodiceFiscale]},
		tokRegion:      {Role: registry.RoleRegion, Subject: "regione:test", Region: f.grantReg},
		tokRegionII:    {Role: registry.RoleRegion, Subject: subjRegionII, Region: rf.regionII},
		tokPrefect:     {Role: registry.RolePublic, Subject: "prefettura:test"},
		tokPublic:      {Role: registry.RolePublic, Subject: "public:test"},
	}
	if national != "" {
		ids[tokNational] = api.Identity{Role: registry.RoleBody, Subject: "national", EntityID: national}
	}
	if branch != "" {
		ids[tokBranch] = api.Identity{Role: registry.RoleBody, Subject: "branch", EntityID: branch}
	}
	tokens, err := api.NewTokens(ids)
	if err != nil {
		t.Fatal(err)
	}
	deps, err := api.NewDeps(f.reg, f.store.Filings(), tokens, newLogger(f.logs))
	if err != nil {
		t.Fatal(err)
	}
	f.h = api.New(deps, api.Options{MaxBodyBytes: 1 << 20, RateLimit: -1})
	return rf
}

// post sends v as JSON.
func (f *restFixture) post(t *testing.T, target, token string, v any, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return f.do(t, "POST", target, token, b, hdr...)
}

// want fails unless rec has status, and decodes its body into v (when not nil).
func want(t *testing.T, rec *httptest.ResponseRecorder, status int, v any) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, truncate(rec.Body.String()))
	}
	if v != nil {
		decode(t, rec, v)
	}
}

// ids returns the IDs of a listing's items.
func itemIDs(t *testing.T, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Next string `json:"next"`
	}
	want(t, rec, 200, &page)
	out := []string{}
	for _, it := range page.Items {
		out = append(out, it.ID)
	}
	return out
}

// withFiler returns the report doc with its filer replaced by cf.
func withFiler(t *testing.T, doc []byte, cf, first, last string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	m["filer"] = map[string]any{"taxCode": cf, "firstName": first, "lastName": last}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}
