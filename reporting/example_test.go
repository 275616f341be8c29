package reporting_test

import (
	"fmt"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

func Example() {
	// Every scope of the year is read in one pass and published together.
	set, err := reporting.NewSet(2024, reporting.AllScopes(reporting.Options{}))
	if err != nil {
		panic(err)
	}
	for i, form := range []string{"social_cooperative_a", "social_cooperative_a", "foundation"} {
		set.Add(&questionnaire.Document{
			ReportingYear: 2024,
			Sections:      []string{"I"},
			Body: questionnaire.Body{
				RegisterID: fmt.Sprint("R", i), LegalForm: form, Region: "12", GeoScope: "regional",
				Sectors:             []string{"social_assistance"},
				LegalRepresentative: questionnaire.LegalRepresentative{Sex: "female", Nationality: "italian"},
			},
		})
	}
	reports, err := set.Reports() // public: the nation, the macro-areas, the regions
	if err != nil {
		panic(err)
	}
	var report *reporting.Report
	for _, r := range reports {
		if r.Scope.Code == "12" { // Lazio
			report = r
		}
	}
	forms, _ := report.Table("bodies.legal_form")
	coop, _ := forms.Cell("social_cooperative_a", "section_i")
	fmt.Println(report.Scope.Label.EN, *report.Filings, *coop.Value, *coop.Share)
	// Output: Lazio 3 2 0.6667
}
