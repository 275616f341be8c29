package eligibility_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
)

// day parses "YYYY-MM-DD" or fails the test.
func day(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// fakeRegister answers EnrolledOn from the day each body was enrolled in
// Section II and reads bodies from a map; unknown IDs are registry.ErrNotFound.
type fakeRegister struct {
	enrolledII map[string]string // entity ID → first day enrolled in Section II
	entities   map[string]registry.Entity
	// partnerships are the register's partnership records.
	partnerships []registry.Partnership
	err          error
}

func (f *fakeRegister) EnrolledOn(_ context.Context, id string, s registry.Section, d time.Time) (bool, error) {
	if f.err != nil {
		return false, f.err
	}
	from, ok := f.enrolledII[id]
	if !ok {
		if _, known := f.entities[id]; known {
			return false, nil
		}
		return false, fmt.Errorf("fake: %q: %w", id, registry.ErrNotFound)
	}
	return s == registry.SectionII && registry.DateOf(d) >= registry.Date(from), nil
}

func (f *fakeRegister) Entity(_ context.Context, id string) (registry.Entity, error) {
	e, ok := f.entities[id]
	if !ok {
		return registry.Entity{}, fmt.Errorf("fake: %q: %w", id, registry.ErrNotFound)
	}
	return e, nil
}

// SectionIIPartnerships returns the recorded partnerships of id in force on
// d whose other party was enrolled in Section II that day.
func (f *fakeRegister) SectionIIPartnerships(ctx context.Context, id string, d time.Time) ([]registry.Partnership, error) {
	if _, ok := f.entities[id]; !ok {
		return nil, fmt.Errorf("fake: %q: %w", id, registry.ErrNotFound)
	}
	var out []registry.Partnership
	for _, p := range f.partnerships {
		day := registry.DateOf(d)
		if !p.Involves(id) || p.Start.After(day) || (p.End != "" && p.End.Before(day)) {
			continue
		}
		if ok, err := f.EnrolledOn(ctx, p.Other(id), registry.SectionII, d); err == nil && ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func newRegister() *fakeRegister {
	return &fakeRegister{
		enrolledII: map[string]string{"E-PARTNER": "2019-06-10"},
		entities: map[string]registry.Entity{
			"E-NATIONAL": {ID: "E-NATIONAL", CodiceFiscale: "01404480202", Name: "Rete Nazionale Accoglienza"},
			"E-1":        {ID: "E-1", CodiceFiscale: "00743110157", Name: "Associazione Porte Aperte"},
		},
		partnerships: []registry.Partnership{{EntityID: "E-1", PartnerID: "E-PARTNER", Start: "2023-01-15"}},
	}
}

// typical returns an application for both sections, dated 1 March 2024, that
// meets every requirement of the default rules.
func typical() *eligibility.Application {
	return &eligibility.Application{Application: registry.Application{
		ID:       "A-1",
		EntityID: "E-1",
		Date:     "2024-03-01",
		Sections: []registry.Section{registry.SectionI, registry.SectionII},
		Body: registry.Entity{
			CodiceFiscale:  "00743110157",
			Name:           "Associazione Porte Aperte",
			LegalForm:      "association_recognised",
			Qualifications: []string{"aps"},
			Seat:           registry.Address{Street: "Via Roma 1", PostCode: "00184", Comune: "058091", Province: "RM", Region: "12"},
			PEC:            "porteaperte@pec.example.it",
			LegalRepresentative: registry.Person{FirstName: "Emanuele", LastName: "Rocca",
				CodiceFiscale: "RCCMNL83S18D969H", Sex: "male", Citizenship: "IT"},
			Members: []registry.Member{
				{Person: registry.Person{FirstName: "Chiara", LastName: "Conti", CodiceFiscale: "CNTCHR83T41D969D", Sex: "female", Citizenship: "IT"},
					Organ: "governing", Role: "consigliera"},
				{Person: registry.Person{FirstName: "Maria", LastName: "Rossi", CodiceFiscale: "MRSMSR81D60Z611H", Sex: "female", Citizenship: "AL"},
					Organ: "control", Role: "revisora"},
			},
			Statute: registry.Statute{AdoptedOn: "2015-04-20", SocialAims: new(true), NonProfit: new(true), DemocraticOrder: new(true),
				ElectiveOffices: new(true), AdmissionCriteria: new(true), AnnualAccounts: new(true), AccountsApproval: new(true)},
		},
		Declarations: registry.Declarations{NoDisqualification: new(true), Truthful: new(true), PrivacyNotice: new(true)},
		Attachments: []registry.Attachment{
			{Kind: "statute", Name: "statuto.pdf"}, {Kind: "founding_act", Name: "atto.pdf"},
			{Kind: "balance_sheet", Name: "bilancio-2023.pdf"}, {Kind: "activity_report", Name: "relazione.pdf"},
			{Kind: "legal_rep_declaration", Name: "dich-lr.pdf"}, {Kind: "board_declarations", Name: "dich-organi.pdf"},
			{Kind: "identity_document", Name: "ci.pdf"}, {Kind: "programme", Name: "programma.pdf"},
			{Kind: "operators_cv", Name: "cv.pdf"}, {Kind: "housing_availability", Name: "alloggi.pdf"},
			{Kind: "partnership_agreement", Name: "accordo.pdf"}, {Kind: "gdpr_procedures", Name: "privacy.pdf"},
		},
		Signature: registry.Signature{SignerCodiceFiscale: "RCCMNL83S18D969H", SignedAt: "2024-03-01", Format: "pades", Verified: new(true)},
		Activities: []registry.Activity{
			{Title: "Sportello di orientamento per cittadini stranieri", Start: "2019-09-01", Sectors: []string{"socio_cultural_integration"}, Target: registry.TargetForeigners},
			{Title: "Corsi di italiano L2", Start: "2021-10-01", End: "2023-06-30", Sectors: []string{"education_training"}, Target: registry.TargetForeigners},
			{Title: "Casa rifugio per vittime di tratta", Start: "2020-02-01", Areas: []string{"trafficking", "violence_against_women"}},
		},
		Programme: &registry.Programme{Title: "Percorsi di uscita dalla tratta", Description: "Accoglienza e inclusione.",
			Operators: []registry.Operator{
				{FirstName: "Laura", LastName: "Bianchi", Areas: []string{"psychological", "health"}},
				{FirstName: "Paolo", LastName: "Verdi", Areas: []string{"educational", "social_assistance"}},
			}},
		Housing: []registry.Housing{{Address: registry.Address{Street: "Via Nazionale 10", PostCode: "00184", Comune: "058091", Province: "RM", Region: "12"},
			Places: 6, Title: "rented"}},
		Partnership: &registry.Partnership{PartnerID: "E-PARTNER", Objectives: "Protezione delle vittime", Content: "Presa in carico condivisa",
			Modalities: "Equipe comune", Start: "2023-01-15"},
		GDPR: &registry.GDPRProcedures{Controller: "Associazione Porte Aperte", Register: new(true),
			BeneficiaryMeasures: "Dati degli ospiti cifrati, accesso limitato.", AdoptedOn: "2022-05-01"},
	}}
}

// evaluate runs the default checker on app with reg, as of 2025-01-01.
func evaluate(tb testing.TB, app *eligibility.Application, reg eligibility.Register) *eligibility.Decision {
	tb.Helper()
	var c *eligibility.Checker
	if reg == nil {
		c = eligibility.New(nil, eligibility.Options{})
	} else {
		c = eligibility.New(reg, eligibility.Options{})
	}
	d, err := c.Evaluate(context.Background(), app, day(tb, "2025-01-01"))
	if err != nil {
		tb.Fatalf("Evaluate: %v", err)
	}
	return d
}
