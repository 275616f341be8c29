package wire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/schemas/problem"
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
				tokens, err := api.NewTokens(map[string]api.Identity{token: {Role: registry.RoleBody, Subject: viewer.Subject, EntityID: viewer.EntityID}})
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
	a := applicationFor(doc.Body.TaxCode, doc.Body.LegalForm, "015146", "MI", "03", rep)
	a.Date, a.Signature.SignedAt, a.Body.Name = "2023-03-01", "2023-03-01", doc.Body.Name
	_, e, err := reg.Apply(ctx, registry.Viewer{Subject: rep.CodiceFiscale}, a)
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

// TestReplacedDataReachEveryPath runs registrod's paths on a register whose
// code lists gain a legal form and whose territory loses Milan, both read
// from files as --code-lists and --territory read them, and checks that each
// path honours them: the register's checks on an application, questionnaire
// validation, filing, and the eligibility seat rule.
func TestReplacedDataReachEveryPath(t *testing.T) {
	dir := t.TempDir()
	var lists map[string]any
	if err := json.Unmarshal(codelist.DefaultJSON(), &lists); err != nil {
		t.Fatal(err)
	}
	for _, l := range lists["lists"].([]any) {
		if l := l.(map[string]any); l["name"] == "legal_form" {
			l["items"] = append(l["items"].([]any), map[string]any{"code": "ente_di_prova",
				"label": map[string]any{"it": "Ente di prova", "en": "Test body"}})
		}
	}
	listsFile := filepath.Join(dir, "codelists.json")
	b, err := json.Marshal(lists)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(listsFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	table, err := os.ReadFile("../../../registry/territory/istat.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for line := range strings.SplitSeq(string(table), "\n") {
		if !strings.HasPrefix(line, "C\t015146\t") { // Milano
			kept = append(kept, line)
		}
	}
	terrFile := filepath.Join(dir, "territory.tsv")
	if err := os.WriteFile(terrFile, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	var opts wire.Options
	if err := opts.Data(listsFile, terrFile); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2025, 1, 20, 10, 0, 0, 0, wire.Location())
	opts.Now = func() time.Time { return now }
	reg := wire.Registry(memstore.New(), opts)

	t.Run("registry: the new legal form is a legal form, Milan is no comune", func(t *testing.T) {
		_, e, err := reg.Apply(ctx, registry.Viewer{Subject: "applicant"}, applicationFor("80010010017", "ente_di_prova", "058091", "RM", "12"))
		if err != nil {
			t.Fatalf("the replaced code list was not honoured: %v", err)
		}
		if e.LegalForm != "ente_di_prova" {
			t.Fatalf("legal form %q", e.LegalForm)
		}
		_, _, err = reg.Apply(ctx, registry.Viewer{Subject: "applicant"}, applicationFor("80020020014", "foundation", "015146", "MI", "03"))
		if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "/body/seat/comune") {
			t.Fatalf("the replaced territory was not honoured: %v", err)
		}
	})

	deps, err := api.NewDeps(reg, questionnaire.NewMemStore(), api.Tokens{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(deps, api.Options{})
	t.Run("registrod validate: the new legal form is accepted", func(t *testing.T) {
		doc := questionnairetest.Sample(2024, 1, false)
		doc.Body.LegalForm = "ente_di_prova"
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/questionnaires/2024/validate", bytes.NewReader(data)))
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "/body/legalForm") {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		doc.Body.LegalForm = "not_a_form"
		data, _ = json.Marshal(doc)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/questionnaires/2024/validate", bytes.NewReader(data)))
		if !strings.Contains(rec.Body.String(), "/body/legalForm") {
			t.Fatalf("an unknown legal form passed: %s", rec.Body)
		}
	})
	t.Run("registrod eligibility: a seat in Milan is not in Italy for this territory", func(t *testing.T) {
		a := applicationFor("80020020014", "foundation", "015146", "MI", "03")
		data, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/eligibility", bytes.NewReader(data)))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var d struct {
			Sections []struct {
				Results []struct {
					Rule    string `json:"rule"`
					Outcome string `json:"outcome"`
				} `json:"results"`
			} `json:"sections"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range d.Sections {
			for _, r := range s.Results {
				if r.Rule == "art53_seat_in_italy" {
					found = true
					if r.Outcome != "fail" {
						t.Fatalf("seat rule %s, want fail: %s", r.Outcome, rec.Body)
					}
				}
			}
		}
		if !found {
			t.Fatalf("no seat rule in %s", rec.Body)
		}
	})
}

// applicationFor is a Section I application, dated 20 January 2025, of a
// body with codice fiscale cf, legal form form, seated in comune (province
// sigla, region), whose legal representative is rep (default: Mario Rossi).
func applicationFor(cf, form, comune, province, region string, reps ...registry.Person) registry.Application {
	rep := registry.Person{FirstName: "Mario", LastName: "Rossi", CodiceFiscale: "RSSMRA80A01H501U", Sex: "male", Citizenship: "IT"}
	if len(reps) > 0 {
		rep = reps[0]
	}
	return registry.Application{
		Date: "2025-01-20", Sections: []registry.Section{registry.SectionI},
		Body: registry.Entity{
			CodiceFiscale: cf, Name: "Ente " + cf, LegalForm: form,
			Seat: registry.Address{Street: "Via Roma 1", PostCode: "00100", Comune: comune, Province: province, Region: region},
			PEC:  "ente@pec.example.it", LegalRepresentative: rep,
			Members: []registry.Member{{Person: rep, Organ: "governing", Role: "presidente"}},
			Statute: registry.Statute{AdoptedOn: "2015-03-01", SocialAims: new(true), NonProfit: new(true), DemocraticOrder: new(true),
				ElectiveOffices: new(true), AdmissionCriteria: new(true), AnnualAccounts: new(true), AccountsApproval: new(true)},
		},
		Declarations: registry.Declarations{NoDisqualification: new(true), Truthful: new(true), PrivacyNotice: new(true)},
		Attachments:  []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}},
		Signature:    registry.Signature{SignerCodiceFiscale: rep.CodiceFiscale, SignedAt: "2025-01-20", Format: "pades", Verified: new(true)},
		Activities:   []registry.Activity{{Title: "Corsi di italiano", Start: "2021-01-01"}},
	}
}
