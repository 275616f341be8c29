package api_test

import (
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// TestWritesIdempotent: every POST of referents, branches, partnerships
// and access requests honours Idempotency-Key. A retry of the same request
// answers as the first time (Idempotent-Replayed: true) and writes nothing
// again; the key with another request is a 422; a retry after a failed
// first attempt runs again.
func TestWritesIdempotent(t *testing.T) {
	f := newRestFixture(t, backends(t)["sqlite"](t), "", "")
	id := f.ids[f.body.Entity.CodiceFiscale]
	refs := "/v1/entities/" + id + "/referents"
	in := map[string]any{"firstName": "Luca", "lastName": "Verdi", "taxCode": cfNewReferent, "phone": "0612345678", "email": "luca@example.it"}
	key := func(k string) []string { return []string{api.IdempotencyKeyHeader, k} }

	// A failed first attempt (422) leaves nothing to replay: the retry runs.
	bad := map[string]any{"firstName": "Luca"}
	wantProblem(t, f.post(t, refs, tokBody, bad, key("ref-0")...), 422)
	wantProblem(t, f.post(t, refs, tokBody, bad, key("ref-0")...), 422)

	var first, again registry.Referent
	rec := f.post(t, refs, tokBody, in, key("ref-1")...)
	want(t, rec, 201, &first)
	rec2 := f.post(t, refs, tokBody, in, key("ref-1")...)
	want(t, rec2, 201, &again)
	if again.ID != first.ID || rec2.Header().Get(api.ReplayedHeader) != "true" || rec2.Header().Get("Location") != rec.Header().Get("Location") {
		t.Errorf("retry answered %+v (replayed %q), first %+v", again, rec2.Header().Get(api.ReplayedHeader), first)
	}
	if rec.Header().Get(api.ReplayedHeader) != "" {
		t.Error("the first answer is marked replayed")
	}
	if n := len(itemIDs(t, f.do(t, "GET", refs, tokBody, nil))); n != 2 {
		t.Errorf("%d referents after a retry, want 2 (the fixture's and this one)", n)
	}
	wantProblem(t, f.post(t, refs, tokBody, map[string]any{"firstName": "Altro"}, key("ref-1")...), 422) // another request
	// Keys are the caller's own: staff's "ref-1" is another key.
	wantProblem(t, f.post(t, refs, tokStaff, in, key("ref-1")...), 422) // the person is already requested

	enable := refs + "/" + first.ID + "/enable"
	want(t, f.do(t, "POST", enable, tokStaff, nil, key("en-1")...), 200, nil)
	rec = f.do(t, "POST", enable, tokStaff, nil, key("en-1")...)
	want(t, rec, 200, &again)
	if again.Status != registry.ReferentEnabled || rec.Header().Get(api.ReplayedHeader) != "true" {
		t.Errorf("enable retried: %+v, replayed %q", again, rec.Header().Get(api.ReplayedHeader))
	}
	wantProblem(t, f.do(t, "POST", enable, tokStaff, nil, key("en-2")...), 409) // a new key: enabled already

	o := f.ids[f.other.Entity.CodiceFiscale]
	pin := map[string]any{"entityId": id, "partnerId": o, "objectives": "x", "content": "x", "modalities": "x", "start": "2025-01-01"}
	var p1, p2 registry.Partnership
	want(t, f.post(t, "/v1/partnerships", tokBody, pin, key("p-1")...), 201, &p1)
	want(t, f.post(t, "/v1/partnerships", tokBody, pin, key("p-1")...), 201, &p2)
	if p1.ID != p2.ID {
		t.Errorf("partnership retried: %s then %s", p1.ID, p2.ID)
	}
	if n := len(itemIDs(t, f.do(t, "GET", "/v1/entities/"+id+"/partnerships", tokBody, nil))); n < 1 {
		t.Fatal("no partnership")
	}
	before := len(itemIDs(t, f.do(t, "GET", "/v1/entities/"+id+"/partnerships", tokBody, nil)))
	want(t, f.post(t, "/v1/partnerships", tokBody, pin, key("p-1")...), 201, nil)
	if after := len(itemIDs(t, f.do(t, "GET", "/v1/entities/"+id+"/partnerships", tokBody, nil))); after != before {
		t.Errorf("a retry added a partnership: %d → %d", before, after)
	}
	confirm := "/v1/partnerships/" + p1.ID + "/confirm"
	want(t, f.do(t, "POST", confirm, tokOtherBody, nil, key("c-1")...), 200, nil)
	rec = f.do(t, "POST", confirm, tokOtherBody, nil, key("c-1")...)
	if rec.Code != 200 || rec.Header().Get(api.ReplayedHeader) != "true" {
		t.Errorf("confirm retried: %d %s", rec.Code, truncate(rec.Body.String()))
	}

	ain := map[string]any{"region": f.regionII, "purpose": "programmazione dei servizi regionali"}
	var g1, g2 registry.Grant
	want(t, f.post(t, "/v1/access-requests", tokRegionII, ain, key("a-1")...), 201, &g1)
	want(t, f.post(t, "/v1/access-requests", tokRegionII, ain, key("a-1")...), 201, &g2)
	if g1.ID != g2.ID {
		t.Errorf("access request retried: %s then %s", g1.ID, g2.ID)
	}
	grant := "/v1/access-requests/" + g1.ID + "/grant"
	want(t, f.post(t, grant, tokStaff, map[string]any{"until": "2025-03-01"}, key("g-1")...), 200, nil)
	rec = f.post(t, grant, tokStaff, map[string]any{"until": "2025-03-01"}, key("g-1")...)
	if rec.Code != 200 || rec.Header().Get(api.ReplayedHeader) != "true" {
		t.Errorf("grant retried: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	wantProblem(t, f.post(t, grant, tokStaff, map[string]any{"until": "2025-04-01"}, key("g-1")...), 422)

	nat := "/v1/entities/" + id + "/branches"
	bin := map[string]any{"entityId": o, "from": "2025-01-01"}
	var b1, b2 registry.Branch
	want(t, f.post(t, nat, tokBody, bin, key("b-1")...), 201, &b1)
	rec = f.post(t, nat, tokBody, bin, key("b-1")...)
	want(t, rec, 201, &b2)
	if b1 != b2 || rec.Header().Get(api.ReplayedHeader) != "true" {
		t.Errorf("branch retried: %+v then %+v (replayed %q)", b1, b2, rec.Header().Get(api.ReplayedHeader))
	}
	wantProblem(t, f.post(t, nat, tokBody, bin, key("b-2")...), 422) // a new key: already recorded
	end := nat + "/" + o + "/end"
	want(t, f.post(t, end, tokBody, map[string]any{"until": "2025-01-10"}, key("e-1")...), 200, nil)
	rec = f.post(t, end, tokBody, map[string]any{"until": "2025-01-10"}, key("e-1")...)
	if rec.Code != 200 || rec.Header().Get(api.ReplayedHeader) != "true" {
		t.Errorf("end retried: %d %s", rec.Code, truncate(rec.Body.String()))
	}
}
