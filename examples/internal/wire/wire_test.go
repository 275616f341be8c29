package wire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// TestOneDeadline files the same report at 23:30 and at 00:30 Italian time
// around the end of 30 January, the way the CLI's demo files (a desk over the
// wired register) and the way registrod does (POST /v1/filings/{year}), and
// checks that both call the first on time and the second late: one deadline,
// in Europe/Rome, for every binary.
func TestOneDeadline(t *testing.T) {
	rome := wire.Location()
	onTime := time.Date(2025, time.January, 30, 23, 30, 0, 0, rome)
	late := time.Date(2025, time.January, 31, 0, 30, 0, 0, rome)

	for _, tc := range []struct {
		name     string
		filedAt  time.Time
		wantLate bool
	}{
		{"23:30 on 30 January", onTime, false},
		{"00:30 on 31 January", late, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("registro demo (desk)", func(t *testing.T) {
				reg, viewer, doc := enrolledRegister(t, tc.filedAt)
				v, err := questionnaire.New(questionnaire.Options{Lists: reg.CodeLists(), Territory: reg.Territory(), NoSchema: true})
				if err != nil {
					t.Fatal(err)
				}
				f, err := questionnaire.NewDesk(v, questionnaire.NewMemStore(), reg).FileAs(context.Background(), viewer, 2024, doc, reg.Now())
				if err != nil {
					t.Fatal(err)
				}
				if f.Late != tc.wantLate {
					t.Fatalf("late = %v, want %v", f.Late, tc.wantLate)
				}
			})
			t.Run("registrod (HTTP)", func(t *testing.T) {
				reg, viewer, doc := enrolledRegister(t, tc.filedAt)
				const token = "a-body-token-of-thirty-two-chars"
				tokens, err := api.NewTokens(map[string]api.Identity{token: {Role: api.RoleBody, Subject: viewer.Subject, EntityID: viewer.EntityID}})
				if err != nil {
					t.Fatal(err)
				}
				deps, err := api.NewDeps(reg, questionnaire.NewMemStore(), tokens, nil)
				if err != nil {
					t.Fatal(err)
				}
				req := httptest.NewRequest(http.MethodPost, "/v1/filings/2024", bytes.NewReader(doc))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				api.New(deps, api.Options{}).ServeHTTP(rec, req)
				if rec.Code != http.StatusCreated {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				var info api.FilingInfo
				if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil {
					t.Fatal(err)
				}
				if info.Late != tc.wantLate {
					t.Fatalf("late = %v, want %v", info.Late, tc.wantLate)
				}
			})
		})
	}
	reg := wire.Registry(memstore.New(), wire.Options{})
	if got, want := reg.Deadline(2024), time.Date(2025, time.January, 31, 0, 0, 0, 0, rome).Add(-time.Nanosecond); !got.Equal(want) {
		t.Fatalf("Deadline(2024) = %v, want %v", got, want)
	}
}

// enrolledRegister returns a wired register whose clock reads now, holding
// the sample body enrolled in Section I since 2023, the viewer of that body
// and its 2024 report.
func enrolledRegister(t *testing.T, now time.Time) (*registry.Registry, registry.Viewer, []byte) {
	t.Helper()
	ctx := context.Background()
	clock := time.Date(2023, 3, 1, 10, 0, 0, 0, wire.Location())
	reg := wire.Registry(memstore.New(), wire.Options{Now: func() time.Time { return clock }})
	doc := questionnairetest.Sample(2024, 1, false)
	rep := registry.Person{FirstName: doc.Filer.FirstName, LastName: doc.Filer.LastName, CodiceFiscale: doc.Filer.TaxCode,
		Sex: "male", Citizenship: "IT"}
	_, e, err := reg.Apply(ctx, registry.Viewer{Subject: rep.CodiceFiscale}, registry.Application{
		Date: "2023-03-01", Sections: []registry.Section{registry.SectionI},
		Body: registry.Entity{
			CodiceFiscale: doc.Body.TaxCode, Name: doc.Body.Name, LegalForm: doc.Body.LegalForm,
			Seat: registry.Address{Street: "Via Roma 1", PostCode: "20121", Comune: "015146", Province: "MI", Region: "03"},
			PEC:  "ente@pec.example.it", LegalRepresentative: rep,
			Members: []registry.Member{{Person: rep, Organ: "governing", Role: "presidente"}},
			Statute: registry.Statute{AdoptedOn: "2015-03-01", SocialAims: true, NonProfit: true, DemocraticOrder: true,
				ElectiveOffices: true, AdmissionCriteria: true, AnnualAccounts: true, AccountsApproval: true},
		},
		Declarations: registry.Declarations{NoDisqualification: true, Truthful: true, PrivacyNotice: true},
		Attachments:  []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}},
		Signature:    registry.Signature{SignerCodiceFiscale: rep.CodiceFiscale, SignedAt: "2023-03-01", Format: "pades", Verified: true},
		Activities:   []registry.Activity{{Title: "Corsi di italiano", Start: "2021-01-01"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clock = time.Date(2023, 5, 2, 10, 0, 0, 0, wire.Location())
	if _, err := reg.Enrol(ctx, registry.Staff("ministero"), e.ID, registry.SectionI, registry.Decree{Number: "12/2023", Date: "2023-05-02"}); err != nil {
		t.Fatal(err)
	}
	clock = now
	doc.Body.RegisterID = e.ID
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return reg, registry.Body(rep.CodiceFiscale, e.ID), data
}
