package api_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestEligibilityCountsConfirmedPartnershipsOnly: POST /v1/eligibility as
// staff checks a Section II applicant already in the register against its
// partnership records, on SQLite and PostgreSQL: a partnership recorded but
// not confirmed by the partner leaves the partnership rule missing; once
// the partner confirms it, the rule passes.
func TestEligibilityCountsConfirmedPartnershipsOnly(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := newRestFixture(t, dsn(t), "", "")
			a := f.ids[f.body.Entity.CodiceFiscale]
			const date = "2025-01-15"
			partner := ""
			for _, e := range f.sec2Only {
				if ok, err := f.reg.EnrolledOn(ctx, e.ID, registry.SectionII, registry.Date(date).Time()); err == nil && ok {
					partner = e.ID
					break
				}
			}
			if partner == "" {
				t.Fatal("no Section II body enrolled on " + date)
			}
			data, err := os.ReadFile(filepath.Join("..", "..", "registro", "testdata", "eligibility", "eligible-II.json"))
			if err != nil {
				t.Fatal(err)
			}
			var app map[string]any
			if err := json.Unmarshal(data, &app); err != nil {
				t.Fatal(err)
			}
			delete(app, "id")
			app["entityId"], app["date"] = a, date
			app["signature"].(map[string]any)["signedAt"] = date
			app["partnership"].(map[string]any)["partnerId"] = partner
			outcome := func() string {
				t.Helper()
				var d struct {
					Sections []struct {
						Section string `json:"section"`
						Results []struct {
							Rule    string `json:"rule"`
							Outcome string `json:"outcome"`
						} `json:"results"`
					} `json:"sections"`
				}
				want(t, f.post(t, "/v1/eligibility?asOf=2025-01-20", tokStaff, app), 200, &d)
				for _, s := range d.Sections {
					for _, r := range s.Results {
						if r.Rule == "section2_partnership" {
							return r.Outcome
						}
					}
				}
				t.Fatalf("no section2_partnership result: %+v", d)
				return ""
			}
			p, err := f.reg.AddPartnership(ctx, registry.Body(registry.PersonSubject(f.body.Entity.LegalRepresentative.CodiceFiscale), a),
				registry.Partnership{EntityID: a, PartnerID: partner, Objectives: "o", Content: "c", Modalities: "m", Start: "2023-01-15"})
			if err != nil {
				t.Fatal(err)
			}
			if got := outcome(); got != "missing" {
				t.Errorf("recorded, not confirmed: %s, want missing", got)
			}
			rec := f.do(t, "POST", "/v1/partnerships/"+p.ID+"/confirm", tokStaff, nil)
			wantProblem(t, rec, 403) // staff record no one's consent
			if _, err := f.reg.ConfirmPartnership(ctx, registry.Body("partner", partner), p.ID); err != nil {
				t.Fatal(err)
			}
			if got := outcome(); got != "pass" {
				t.Errorf("confirmed by the partner: %s, want pass", got)
			}
		})
	}
}
