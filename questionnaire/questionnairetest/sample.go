// Package questionnairetest holds helpers for testing code that uses package
// questionnaire: sample documents and the conformance kit every FilingStore
// implementation runs (RunFilingStoreTests).
package questionnairetest

import (
	"fmt"

	"github.com/openregistro/registro/questionnaire"
)

// Sample returns a valid, typical document for reporting year year with
// projects projects (Section I; plus the Section II block when sectionII is
// true). Codici fiscali are real-shaped test codes.
func Sample(year, projects int, sectionII bool) *questionnaire.Document {
	doc := &questionnaire.Document{
		ReportingYear: year,
		Sections:      []string{"I"},
		Body: questionnaire.Body{
			TaxCode:        "80123450159",
			RegisterID:     "A/123/2015/MI",
			Name:           "Associazione Accoglienza Insieme",
			LegalForm:      "association_recognised",
			Qualifications: []string{"aps", "ets"},
			Region:         "03",
			GeoScope:       "regional",
			Networks: []questionnaire.Network{
				{Name: "Rete Lombarda Integrazione", Kind: "territorial", Level: "regional"},
			},
			Sectors:        []string{"social_assistance", "education_training"},
			OtherRegisters: []questionnaire.OtherRegistration{{Register: "runts", RUNTSSection: "b"}},
			LegalRepresentative: questionnaire.LegalRepresentative{
				Sex: "female", Nationality: "italian",
			},
		},
		Filer: questionnaire.Filer{
			TaxCode: "RCCMNL83S18D969H", FirstName: "Emanuele", LastName: "Rocca",
			Email: "legale@accoglienza.example.org",
		},
		Projects: []questionnaire.Project{},
	}
	if year >= 2022 {
		doc.UkraineFocus = &questionnaire.UkraineFocus{Active: true, Beneficiaries: 12, ActivityTypes: []string{"language_courses"}}
	}
	if year >= 2024 {
		doc.Body.Difficulties = []string{"funding", "bureaucracy"}
	}
	for i := range projects {
		doc.Projects = append(doc.Projects, sampleProject(year, i))
	}
	if sectionII {
		doc.Sections = append(doc.Sections, "II")
		doc.SectionII = &questionnaire.SectionIIProgramme{
			VictimsByExploitation: []questionnaire.VictimCount{{Form: "sexual", Count: 9}, {Form: "labour", Count: 4}},
			Phases:                []string{"first_assistance", "second_reception"},
			ResidentialPlaces:     12,
			PermitsRequested:      6,
			PermitsObtained:       5,
		}
		if year >= 2024 {
			doc.SectionII.LabourInclusion = &questionnaire.LabourInclusion{
				PeopleInvolved: 7,
				Outcomes:       []questionnaire.OutcomeCount{{Outcome: "internship", Count: 3}, {Outcome: "employment_contract", Count: 2}},
			}
		}
	}
	return doc
}

func sampleProject(year, i int) questionnaire.Project {
	p := questionnaire.Project{
		Title:         fmt.Sprintf("Progetto %d: italiano per il lavoro", i+1),
		Section:       "I",
		StartDate:     fmt.Sprintf("%d-03-01", year),
		EndDate:       fmt.Sprintf("%d-02-28", year+1),
		Objectives:    "Corsi di lingua italiana e orientamento al lavoro per adulti stranieri.",
		ActivityTypes: []string{"language_courses", "job_placement", "information_orientation"},
		Sectors:       []string{"education_training", "work_employment"},
		PortaleAxes:   []string{"italian_language", "work"},
		Regions:       []string{"03"},
		Provinces:     []string{"MI", "BG"},
		Partners: []questionnaire.Partner{
			{Name: "Comune di Milano", Kind: "public_body", Role: "partner", TaxCode: "01199250158"},
			{Name: "CPIA 5 Milano", Kind: "school", Role: "partner"},
		},
		Results: "120 persone hanno concluso il corso A2; 30 inserimenti lavorativi.",
		Funds: questionnaire.Funds{
			TotalCents: 8_500_000,
			BySource: []questionnaire.FundAmount{
				{Source: "eu_amif", AmountCents: 6_000_000},
				{Source: "regional", AmountCents: 2_000_000},
				{Source: "own", AmountCents: 500_000},
			},
		},
		Beneficiaries: questionnaire.Beneficiaries{
			Total:               150,
			BySex:               []questionnaire.SexCount{{Sex: "female", Count: 90}, {Sex: "male", Count: 60}},
			ByAgeBand:           []questionnaire.AgeBandCount{{AgeBand: "0_17", Count: 10}, {AgeBand: "18_34", Count: 80}, {AgeBand: "35_64", Count: 55}, {AgeBand: "65_plus", Count: 5}},
			ByCitizenship:       []questionnaire.CitizenshipCount{{Area: "north_africa", Count: 70}, {Area: "asia", Count: 50}, {Area: "europe_non_eu", Count: 30}},
			UnaccompaniedMinors: 4,
		},
		HumanResources: questionnaire.HumanResources{
			ByKind: []questionnaire.StaffCount{
				{Kind: "employees", Count: 4, ForeignBorn: 1},
				{Kind: "volunteers", Count: 10, ForeignBorn: 3},
			},
			CulturalMediators: 2,
		},
	}
	if year >= 2022 {
		p.Beneficiaries.UkrainianCitizens = 12
	}
	return p
}
