package api_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

// codes returns "pointer code" of every problem of a 422.
func codes(t *testing.T, f *restFixture, p problemBody) []string {
	t.Helper()
	out := []string{}
	for _, e := range p.Errors {
		out = append(out, e.InstancePath+" "+e.Code)
	}
	return out
}

// problemBody is the part of a problem the tests read.
type problemBody struct {
	Errors []struct {
		InstancePath string `json:"instancePath"`
		Code         string `json:"code"`
	} `json:"errors"`
}

// TestReferentFilesUntilRevoked is the referent's procedure over HTTP, on
// SQLite and PostgreSQL: the legal representative asks that a referent be
// enabled (neither a referent nor the body's machine client may ask); until staff enable it the referent cannot file; enabled, it
// files the body's report; revoked, its amendment is refused, while the
// legal representative still files.
func TestReferentFilesUntilRevoked(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newRestFixture(t, dsn(t), "", "")
			id := f.ids[f.body.Entity.CodiceFiscale]
			base := "/v1/entities/" + id + "/referents"
			in := map[string]any{"firstName": "Luca", "lastName": "Verdi", "taxCode": cfNewReferent,
				"phone": "0612345678", "email": "luca@example.it"}

			// Who may ask, and what is checked.
			wantProblem(t, f.post(t, base, "", in), 401)
			for _, tok := range []string{tokOtherBody, tokPublic, tokRegion} {
				wantProblem(t, f.post(t, base, tok, in), 403)
			}
			// Only the legal representative asks, as a person: neither an
			// enabled referent nor the body's machine client (an API token
			// with role body names no person).
			_, machine, err := f.reg.IssueAPIToken(context.Background(), registry.Staff("staff:test"), registry.APIToken{
				Name: "gestionale-ente", Role: registry.RoleBody, EntityID: id, ExpiresAt: testNow.Add(48 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			for _, tok := range []string{tokReferent, machine} {
				wantProblem(t, f.post(t, base, tok, in), 403)
			}
			bad := map[string]any{"firstName": "Luca", "lastName": "Verdi", "taxCode": "VRDLCU90A01F205X",
				"phone": "0612345678", "email": "luca@example.it"}
			var p problemBody
			want(t, f.post(t, base, tokBody, bad), 422, &p)
			if got := codes(t, f, p); !slices.Contains(got, "/taxCode codice_fiscale") {
				t.Errorf("a bad codice fiscale: %v", got)
			}
			want(t, f.post(t, base, tokBody, map[string]any{"firstName": "Luca", "status": "enabled"}), 422, &p)
			want(t, f.post(t, base, tokBody, map[string]any{"firstName": 3}), 422, &p)
			if got := codes(t, f, p); !slices.Equal(got, []string{"/firstName type"}) {
				t.Errorf("a number for a name: %v", got)
			}
			wantProblem(t, f.do(t, "POST", base, tokBody, []byte("{")), 400)
			wantProblem(t, f.post(t, "/v1/entities/nobody/referents", tokStaff, in), 404)

			var ref registry.Referent
			rec := f.post(t, base, tokBody, in)
			want(t, rec, 201, &ref)
			if ref.Status != registry.ReferentRequested || ref.ID == "" || ref.RequestedOn == "" ||
				rec.Header().Get("Location") != base+"/"+ref.ID {
				t.Fatalf("requested referent %+v, Location %q", ref, rec.Header().Get("Location"))
			}
			want(t, f.post(t, base, tokBody, in), 422, &p)
			if got := codes(t, f, p); !slices.Equal(got, []string{"/taxCode referent_duplicate"}) {
				t.Errorf("the same person again: %v", got)
			}
			doc := withFiler(t, mustDocFor(t, f.fixture), cfNewReferent, "Luca", "Verdi")
			refused := func(t *testing.T) {
				t.Helper()
				var p problemBody
				want(t, f.do(t, "POST", "/v1/filings/2024", tokNewReferent, doc), 422, &p)
				if got := codes(t, f, p); !slices.Contains(got, "/filer/taxCode filer_not_enabled") {
					t.Errorf("the referent's filing refused with %v, want filer_not_enabled", got)
				}
			}
			refused(t) // requested, not enabled

			// Staff enable it, after verification; the body may not.
			one := base + "/" + ref.ID
			wantProblem(t, f.do(t, "POST", one+"/enable", tokBody, nil), 403)
			wantProblem(t, f.do(t, "POST", one+"/enable", tokNewReferent, nil), 403)
			wantProblem(t, f.do(t, "POST", base+"/nobody/enable", tokStaff, nil), 404)
			want(t, f.do(t, "POST", one+"/enable", tokStaff, nil), 200, &ref)
			if ref.Status != registry.ReferentEnabled || ref.EnabledOn == "" {
				t.Fatalf("enabled referent %+v", ref)
			}
			wantProblem(t, f.do(t, "POST", one+"/enable", tokStaff, nil), 409)

			// Enabled, the referent files the body's report.
			var filed struct {
				Revision     int    `json:"revision"`
				FilerTaxCode string `json:"filerTaxCode"`
			}
			want(t, f.do(t, "POST", "/v1/filings/2024", tokNewReferent, doc), 201, &filed)
			if filed.Revision != 1 || filed.FilerTaxCode != cfNewReferent {
				t.Errorf("the referent's filing %+v", filed)
			}

			// Revoked (here by the body itself), it no longer files, not even
			// an amendment; the legal representative still does.
			f.clk.Set(testNow.AddDate(0, 0, 1))
			want(t, f.do(t, "POST", one+"/revoke", tokBody, nil), 200, &ref)
			if ref.Status != registry.ReferentRevoked || ref.RevokedOn == "" {
				t.Fatalf("revoked referent %+v", ref)
			}
			wantProblem(t, f.do(t, "POST", one+"/revoke", tokStaff, nil), 409)
			refused(t)
			want(t, f.do(t, "POST", "/v1/filings/2024", tokBody, mustDocFor(t, f.fixture)), 201, &filed)
			if filed.Revision != 2 {
				t.Errorf("the legal representative's amendment is revision %d, want 2", filed.Revision)
			}

			// Who reads the referents: staff and the body; personal data.
			var page struct{ Items []registry.Referent }
			want(t, f.do(t, "GET", base, tokBody, nil), 200, &page)
			if !slices.ContainsFunc(page.Items, func(r registry.Referent) bool { return r.ID == ref.ID && r.CodiceFiscale == cfNewReferent }) {
				t.Errorf("the body's referents %+v", page.Items)
			}
			want(t, f.do(t, "GET", one, tokStaff, nil), 200, &ref)
			wantProblem(t, f.do(t, "GET", base+"/nobody", tokStaff, nil), 404)
			for _, tok := range []string{tokOtherBody, tokPublic, tokRegion} {
				wantProblem(t, f.do(t, "GET", base, tok, nil), 403)
				wantProblem(t, f.do(t, "GET", one, tok, nil), 403)
			}
			wantProblem(t, f.do(t, "GET", base, "", nil), 401)

			// The audit trail.
			var evs struct {
				Items []registry.Event `json:"items"`
			}
			want(t, f.do(t, "GET", "/v1/events?kind=referent.requested,referent.enabled,referent.revoked", tokStaff, nil), 200, &evs)
			var kinds []registry.EventKind
			for _, ev := range evs.Items {
				if ev.RecordID == ref.ID {
					kinds = append(kinds, ev.Kind)
				}
			}
			if !slices.Equal(kinds, []registry.EventKind{registry.EventReferentRequested, registry.EventReferentEnabled, registry.EventReferentRevoked}) {
				t.Errorf("referent events %v", kinds)
			}
		})
	}
}
