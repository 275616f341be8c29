package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

func TestApplyValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *registry.Application)
		want   map[string]string // pointer → code
	}{
		{"missing date and sections", func(a *registry.Application) { a.Date, a.Sections = "", nil },
			map[string]string{"/date": "required", "/sections": "required"}},
		{"bad date", func(a *registry.Application) { a.Date = "2025-02-30"; a.Signature.SignedAt = "2025-01-01" },
			map[string]string{"/date": "format"}},
		{"unknown section", func(a *registry.Application) { a.Sections = []registry.Section{3} },
			map[string]string{"/sections/0": "maximum"}},
		{"duplicate sections", func(a *registry.Application) { a.Sections = []registry.Section{1, 1} },
			map[string]string{"/sections": "unique_items"}},
		{"body codice fiscale", func(a *registry.Application) { a.Body.CodiceFiscale = "80000000001" },
			map[string]string{"/body/taxCode": "codice_fiscale_body"}},
		{"person codice fiscale", func(a *registry.Application) {
			a.Body.LegalRepresentative.CodiceFiscale = "RSSMRA80A01H501X"
			a.Signature.SignerCodiceFiscale = "RSSMRA80A01H501X"
		}, map[string]string{"/body/legalRepresentative/taxCode": "codice_fiscale", "/signature/signerTaxCode": "codice_fiscale"}},
		{"legal nature not allowed", func(a *registry.Application) { a.Body.LegalNature = "state" },
			map[string]string{"/body/legalNature": "enum"}},
		{"seat country not a country code", func(a *registry.Application) { a.Body.SeatCountry = "Italia" },
			map[string]string{"/body/seatCountry": "country"}},
		{"filing channel not allowed", func(a *registry.Application) { a.Channel = "fax" },
			map[string]string{"/channel": "enum"}},
		{"activity target and carrier", func(a *registry.Application) {
			a.Activities[0].Target = "everyone"
			a.Activities[0].CarriedOutBy = "123"
		}, map[string]string{"/activities/0/target": "enum", "/activities/0/carriedOutBy": "codice_fiscale_body"}},
		{"person declaration", func(a *registry.Application) {
			a.Declarations.Persons = []registry.PersonDeclaration{{CodiceFiscale: "", Conditions: []string{"speeding"}}}
		}, map[string]string{"/declarations/persons/0/taxCode": "required", "/declarations/persons/0/conditions/0": "enum"}},
		{"declared absent code", func(a *registry.Application) { a.DeclaredAbsent = []string{"housing", "money"} },
			map[string]string{"/declaredAbsent/1": "enum"}},
		{"given and declared absent", func(a *registry.Application) {
			a.DeclaredAbsent = []string{registry.AbsentSignature, registry.AbsentHousing}
		}, map[string]string{"/signature": "declared_absent"}},
		{"partial signature", func(a *registry.Application) { a.Signature = registry.Signature{Format: "pades"} },
			map[string]string{"/signature/signerTaxCode": "required"}},
		{"legal form not in the code list", func(a *registry.Application) { a.Body.LegalForm = "spa" },
			map[string]string{"/body/legalForm": "codelist"}},
		{"qualification not in the code list", func(a *registry.Application) { a.Body.Qualifications = []string{"onlus", "srl"} },
			map[string]string{"/body/qualifications/1": "codelist"}},
		{"comune not in the province", func(a *registry.Application) { a.Body.Seat.Province = "TO" },
			map[string]string{"/body/seat/province": "province_mismatch"}},
		{"comune not in the region", func(a *registry.Application) { a.Body.Seat.Region = "01" },
			map[string]string{"/body/seat/region": "region_mismatch"}},
		{"unknown comune, province, region", func(a *registry.Application) {
			a.Body.Seat.Comune, a.Body.Seat.Province, a.Body.Seat.Region = "999999", "XX", "99"
		}, map[string]string{"/body/seat/comune": "territory", "/body/seat/province": "territory", "/body/seat/region": "territory"}},
		{"seat in a comune suppressed before the application", func(a *registry.Application) {
			a.Body.Seat.Comune, a.Body.Seat.Province, a.Body.Seat.Region = "037049", "BO", "08" // Porretta Terme, until 2015
		}, map[string]string{"/body/seat/comune": "comune_not_valid"}},
		{"housing in a comune suppressed in 2019", func(a *registry.Application) {
			a.Housing = []registry.Housing{{Address: registry.Address{Street: "Via Roma 1", PostCode: "73040", Comune: "075001", Province: "LE", Region: "16"}, Places: 4, Title: "owned"}}
		}, map[string]string{"/housing/0/address/comune": "comune_not_valid"}},
		{"missing seat", func(a *registry.Application) { a.Body.Seat = registry.Address{} },
			map[string]string{"/body/seat": "required"}},
		{"bad post code and PEC", func(a *registry.Application) { a.Body.Seat.PostCode = "0018"; a.Body.PEC = "not-an-address" },
			map[string]string{"/body/seat/postCode": "length", "/body/pec": "format"}},
		{"no members", func(a *registry.Application) { a.Body.Members = nil },
			map[string]string{"/body/members": "required"}},
		{"member organ and citizenship", func(a *registry.Application) {
			a.Body.Members[0].Organ = "board"
			a.Body.Members[0].Person.Citizenship = "Italy"
		}, map[string]string{"/body/members/0/organ": "enum", "/body/members/0/person/citizenship": "country"}},
		{"attachment kind", func(a *registry.Application) { a.Attachments[0].Kind = "selfie" },
			map[string]string{"/attachments/0/kind": "codelist"}},
		{"activity ends before it starts", func(a *registry.Application) { a.Activities[0].End = "2020-01-01" },
			map[string]string{"/activities/0/end": "date_order"}},
		{"signed after filing", func(a *registry.Application) { a.Signature.SignedAt = "2025-02-01" },
			map[string]string{"/signature/signedAt": "date_order"}},
		{"future application", func(a *registry.Application) { a.Date = "2026-01-01"; a.Signature.SignedAt = "2026-01-01" },
			map[string]string{"/date": "future_date"}},
		{"programme operator without areas", func(a *registry.Application) {
			a.Programme = &registry.Programme{Title: "P", Description: "D", Operators: []registry.Operator{{FirstName: "A", LastName: "B"}}}
		}, map[string]string{"/programme/operators/0/areas": "required"}},
		{"housing with no places", func(a *registry.Application) {
			a.Housing = []registry.Housing{{Address: registry.Address{Street: "Via Po 1", PostCode: "10100", Comune: "001272", Province: "TO", Region: "01"}, Title: "owned"}}
		}, map[string]string{"/housing/0/places": "minimum"}},
		{"housing comune in another province", func(a *registry.Application) {
			a.Housing = []registry.Housing{{Address: registry.Address{Street: "Via Po 1", PostCode: "10100", Comune: "001272", Province: "MI", Region: "01"}, Places: 4, Title: "owned"}}
		}, map[string]string{"/housing/0/address/province": "province_mismatch"}},
		{"branch of an unknown body", func(a *registry.Application) { a.Body.BranchOf = "nobody" },
			map[string]string{"/body/branchOf": "unknown_entity"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, registry.Options{})
			a := application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI)
			tc.mutate(&a)
			f.clock.Set("2025-01-15")
			_, _, err := f.reg.Apply(context.Background(), registry.Staff("body"), a)
			got := problems(t, err)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("problems %v; want %s at %s", got, v, k)
				}
			}
			// Nothing half-stored.
			if _, err := f.store.EntityByCodiceFiscale(context.Background(), a.Body.CodiceFiscale); !errors.Is(err, registry.ErrNotFound) {
				t.Errorf("invalid application stored its body: %v", err)
			}
			if n := len(f.events(t)); n != 0 {
				t.Errorf("invalid application wrote %d events", n)
			}
		})
	}
}

// An application that is well formed but does not meet a requirement is not
// bad input: Apply stores it, and the eligibility rules decide (issue 21).
func TestApplyStoresIneligibleApplications(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *registry.Application)
	}{
		{"signer is not the legal representative", func(a *registry.Application) { a.Signature.SignerCodiceFiscale = cfMember }},
		{"partner is the applicant", func(a *registry.Application) {
			a.Partnership = &registry.Partnership{PartnerID: "self", Objectives: "o", Content: "c", Modalities: "m", Start: "2024-01-01"}
		}},
		{"public body abroad", func(a *registry.Application) {
			a.Body.LegalNature, a.Body.SeatCountry = registry.NaturePublic, "FR"
		}},
		{"paper application, not signed", func(a *registry.Application) {
			a.Channel, a.Signature = registry.ChannelPaper, registry.Signature{}
			a.DeclaredAbsent = []string{registry.AbsentSignature, registry.AbsentHousing}
		}},
		{"a member declares a condition", func(a *registry.Application) {
			a.Declarations.Persons = []registry.PersonDeclaration{{CodiceFiscale: cfMember, Conditions: []string{"criminal_conviction"}}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, registry.Options{})
			a := application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI)
			tc.mutate(&a)
			f.clock.Set("2025-01-15")
			app, e, err := f.reg.Apply(context.Background(), registry.Staff("body"), a)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if app.ID == "" || e.ID == "" {
				t.Fatalf("not stored: %+v / %+v", app, e)
			}
		})
	}
}

func TestApplyProblemsAreLocalised(t *testing.T) {
	f := newFixture(t, registry.Options{})
	a := application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI)
	a.Body.Name = ""
	_, _, err := f.reg.Apply(context.Background(), registry.Staff("body"), a)
	got := problems(t, err)
	if got["/body/name"] != "required" {
		t.Fatalf("problems %v", got)
	}
}

func TestApplyCreatesAndUpdates(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	a := application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI)
	a.Body.Enrolments = []registry.Enrolment{{Section: registry.SectionI, Status: registry.StatusEnrolled}} // ignored
	app, e, err := f.reg.Apply(ctx, registry.Staff("body"), a)
	if err != nil {
		t.Fatal(err)
	}
	if e.ID == "" || e.Version != 1 || app.ID == "" || app.EntityID != e.ID || app.Version != 1 {
		t.Fatalf("Apply returned %+v / %+v", app, e)
	}
	if en, _ := e.Enrolment(registry.SectionI); en.Status != registry.StatusApplied || len(e.Enrolments) != 1 {
		t.Errorf("caller-set enrolments were not ignored: %+v", e.Enrolments)
	}
	kinds := func() []registry.EventKind {
		var k []registry.EventKind
		for _, ev := range f.events(t) {
			k = append(k, ev.Kind)
		}
		return k
	}
	if got := kinds(); len(got) != 3 || got[0] != registry.EventEntityCreated || got[1] != registry.EventApplicationFiled || got[2] != registry.EventEnrolmentChanged {
		t.Errorf("events after the first application: %v", got)
	}
	// Rejected; a second application by codice fiscale finds the same body,
	// with a new legal representative.
	f.clock.Set("2025-02-01")
	if _, err := f.reg.Reject(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Rejection{Date: "2025-02-01", Reason: "x", LegalBasis: "art. 53 DPR 394/1999"}); err != nil {
		t.Fatal(err)
	}
	b := body(cfBodyA, "Casa dei Popoli APS")
	b.LegalRepresentative = registry.Person{FirstName: "Emanuele", LastName: "Rocca", CodiceFiscale: cfRep2, Sex: "male", Citizenship: "IT"}
	a2 := application(b, "2025-06-01", registry.SectionI)
	f.clock.Set("2025-06-01")
	app2, e2, err := f.reg.Apply(ctx, registry.Staff("body"), a2)
	if err != nil {
		t.Fatal(err)
	}
	if e2.ID != e.ID || e2.Name != "Casa dei Popoli APS" || app2.ID == app.ID {
		t.Errorf("second application: entity %s %q app %s", e2.ID, e2.Name, app2.ID)
	}
	if len(e2.FormerRepresentatives) != 1 || e2.FormerRepresentatives[0].Person.CodiceFiscale != cfRep ||
		e2.FormerRepresentatives[0].Until != "2025-05-31" || e2.LegalRepresentativeSince != "2025-06-01" {
		t.Errorf("former representatives %+v since %s", e2.FormerRepresentatives, e2.LegalRepresentativeSince)
	}
	en, _ := e2.Enrolment(registry.SectionI)
	if len(en.History) != 3 || en.ApplicationID != app2.ID || en.RejectedOn != "" {
		t.Errorf("enrolment after re-application: %+v", en)
	}
	apps, err := f.reg.Applications(ctx, registry.Staff("s"), e.ID)
	if err != nil || len(apps) != 2 {
		t.Errorf("Applications = %d, %v", len(apps), err)
	}
	if _, err := f.reg.Applications(ctx, registry.Public(), e.ID); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("public Applications: %v", err)
	}
	// Naming the body by an ID whose codice fiscale differs is a problem.
	a3 := application(body(cfBodyB, "Altro"), "2025-06-01", registry.SectionII)
	a3.EntityID = e.ID
	_, _, err = f.reg.Apply(ctx, registry.Staff("body"), a3)
	if got := problems(t, err); got["/body/taxCode"] != "codice_fiscale_mismatch" {
		t.Errorf("problems %v", got)
	}
	a3.EntityID = "nobody"
	if _, _, err := f.reg.Apply(ctx, registry.Staff("body"), a3); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Apply for an unknown EntityID: %v", err)
	}
}

func TestUpdateEntity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
	f.clock.Set("2025-03-01")
	next := e
	next.Name = "Casa Nuova"
	next.Enrolments = nil // register-managed: ignored
	got, err := f.reg.UpdateEntity(ctx, registry.Staff("body"), next)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Casa Nuova" || got.Version != 2 || len(got.Enrolments) != 1 {
		t.Errorf("UpdateEntity = %+v", got)
	}
	if _, err := f.reg.UpdateEntity(ctx, registry.Staff("body"), next); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("stale UpdateEntity: %v", err)
	}
	bad := got
	bad.PEC = ""
	if p := problems(t, func() error { _, err := f.reg.UpdateEntity(ctx, registry.Staff("body"), bad); return err }()); p["/pec"] != "required" {
		t.Errorf("problems %v", p)
	}
	// Another body cannot take the same codice fiscale.
	other := f.mustApply(t, application(body(cfBodyB, "Altra"), "2025-03-01", registry.SectionI))
	other.CodiceFiscale = cfBodyA
	if _, err := f.reg.UpdateEntity(ctx, registry.Staff("body"), other); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("UpdateEntity to a taken codice fiscale: %v", err)
	}
}

// The keywords of tag-rule problems are the ones the generated JSON Schema
// uses for the same rule, so a client sees the same shape from either.
func TestProblemKeywordsFollowTheSchema(t *testing.T) {
	a := application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI)
	a.Body.Seat.PostCode = "0018"
	a.Body.Members[0].Person.CodiceFiscale = "XYZ"
	a.Body.PEC = "nope"
	a.Body.LegalForm = "spa"
	a.Body.Members[0].Organ = "board"
	a.Body.Qualifications = []string{"odv", "odv"}
	a.Attachments[0].SHA256 = "abc"
	a.Body.Seat.Region = "99"
	err := registry.NewValidator(nil, nil).Application(&a)
	l, ok := problem.AsList(err)
	if !ok {
		t.Fatalf("not a problem list: %v", err)
	}
	got := map[string]string{}
	for _, p := range l {
		got[p.InstancePath] = p.Keyword
	}
	want := map[string]string{
		"/body/seat/postCode":            "minLength",
		"/body/members/0/person/taxCode": "pattern",
		"/body/pec":                      "format",
		"/body/legalForm":                "oneOf",
		"/body/members/0/organ":          "enum",
		"/body/qualifications":           "uniqueItems",
		"/attachments/0/sha256":          "minLength",
		"/body/seat/region":              "pattern",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("keyword at %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

// TestValidatorSeatOnTheApplicationDate checks the seat against the comuni
// valid on the application's date: Misiliscemi exists from 20 February 2021,
// Porretta Terme until 31 December 2015.
func TestValidatorSeatOnTheApplicationDate(t *testing.T) {
	val := registry.NewValidator(nil, nil)
	tests := []struct{ name, date, comune, province, region, want string }{
		{"Misiliscemi after its creation", "2025-01-10", "081025", "TP", "19", ""},
		{"Misiliscemi before its creation", "2020-06-01", "081025", "TP", "19", registry.CodeComuneNotValid},
		{"Porretta Terme while it existed", "2015-06-01", "037049", "BO", "08", ""},
		{"Porretta Terme after its suppression", "2016-01-01", "037049", "BO", "08", registry.CodeComuneNotValid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := application(body(cfBodyA, "Casa dei Popoli"), registry.Date(tc.date), registry.SectionI)
			a.Signature.SignedAt = registry.Date(tc.date)
			a.Body.Seat.Comune, a.Body.Seat.Province, a.Body.Seat.Region = tc.comune, tc.province, tc.region
			err := val.Application(&a)
			got := ""
			if err != nil {
				got = problems(t, err)["/body/seat/comune"]
			}
			if got != tc.want {
				t.Errorf("problem at /body/seat/comune = %q, want %q (%v)", got, tc.want, err)
			}
		})
	}
}
