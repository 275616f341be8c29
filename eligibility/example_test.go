package eligibility_test

import (
	"context"
	"fmt"
	"time"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// A Section I application filed on 1 March 2024: the activities leave a
// two-month gap in the 24 months before the application date.
func ExampleChecker_Evaluate() {
	app := &eligibility.Application{Application: registry.Application{
		Date:     "2024-03-01",
		Sections: []registry.Section{registry.SectionI},
		Body: registry.Entity{
			LegalForm:           "social_cooperative_a",
			Seat:                registry.Address{Comune: "001272"}, // Torino
			LegalRepresentative: registry.Person{CodiceFiscale: "RCCMNL83S18D969H"},
			Members: []registry.Member{{Organ: "governing", Role: "presidente",
				Person: registry.Person{CodiceFiscale: "CNTCHR83T41D969D"}}},
			Statute: registry.Statute{SocialAims: new(true), NonProfit: new(true), DemocraticOrder: new(true),
				ElectiveOffices: new(true), AdmissionCriteria: new(true), AnnualAccounts: new(true), AccountsApproval: new(true)},
		},
		Declarations: registry.Declarations{NoDisqualification: new(true)},
		Attachments: []registry.Attachment{{Kind: "statute"}, {Kind: "founding_act"}, {Kind: "balance_sheet"},
			{Kind: "activity_report"}, {Kind: "legal_rep_declaration"}, {Kind: "board_declarations"}, {Kind: "identity_document"}},
		Signature: registry.Signature{SignerCodiceFiscale: "RCCMNL83S18D969H", Format: "pades", Verified: new(true)},
		Activities: []registry.Activity{
			{Title: "Italiano L2", Start: "2021-09-01", End: "2023-06-30", Sectors: []string{"education_training"}, Target: registry.TargetForeigners},
			{Title: "Sportello lavoro", Start: "2023-09-01", Sectors: []string{"work_employment"}, Target: registry.TargetForeigners},
		},
	}}

	checker := eligibility.New(nil, eligibility.Options{}) // Section I needs no register
	d, err := checker.Evaluate(context.Background(), app, time.Date(2024, 4, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verdict:", d.Verdict)
	sd, _ := d.Section(registry.SectionI)
	for _, r := range sd.Results {
		if r.Outcome != eligibility.Pass {
			fmt.Printf("%s %s [%s]\n  %s\n  %s\n", r.Rule, r.Outcome, r.Basis, r.Message.EN, r.Message.IT)
		}
	}
	// Output:
	// verdict: not_eligible
	// section1_experience fail [art. 52 c.1 lett. a; art. 53 DPR 394/1999; art. 42 D.lgs. 286/1998]
	//   the activities aimed at foreigners and carried out by the applicant do not cover the 24 months before the application: gaps 2023-07-01..2023-08-31
	//   le attività rivolte agli stranieri e svolte dal richiedente non coprono i 24 mesi prima della domanda: periodi scoperti 2023-07-01..2023-08-31
}

// A regional team adds its own requirement, in force for applications from
// 1 January 2025, without forking the default rules.
func ExampleRuleSet_With() {
	minPlaces := eligibility.NewRule(eligibility.Meta{
		ID: "regional_min_places", Version: 1, Basis: "DGR 123/2024 (example)",
		Title:    problem.Text{IT: "almeno 4 posti letto", EN: "at least 4 residential places"},
		From:     time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Sections: []registry.Section{registry.SectionII},
	}, func(_ context.Context, c *eligibility.Case) (eligibility.Finding, error) {
		places := 0
		for _, h := range c.Application.Housing {
			places += h.Places
		}
		f := eligibility.Finding{Outcome: eligibility.Pass, Facts: []eligibility.Fact{eligibility.KnownFact("places", "/housing", places)},
			Message: problem.Text{IT: "posti sufficienti", EN: "enough places"}}
		if places < 4 {
			f.Outcome, f.Message = eligibility.Fail, problem.Text{IT: "meno di 4 posti", EN: "fewer than 4 places"}
		}
		return f, nil
	})
	rules, err := eligibility.Default().With(minPlaces)
	if err == nil {
		rules, err = rules.Named("regione-example", "2025.1")
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, day := range []string{"2024-12-31", "2025-01-01"} {
		t, _ := time.Parse(time.DateOnly, day)
		fmt.Println(day, len(rules.InForce(t, registry.SectionII)), "rules in force for Section II")
	}
	// Output:
	// 2024-12-31 17 rules in force for Section II
	// 2025-01-01 18 rules in force for Section II
}
