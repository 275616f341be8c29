package reporting_test

import (
	"fmt"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

func Example() {
	agg, err := reporting.New(2024, reporting.Options{Region: "12"}) // Lazio, public report
	if err != nil {
		panic(err)
	}
	for i, form := range []string{"social_cooperative_a", "social_cooperative_a", "foundation"} {
		agg.Add(&questionnaire.Document{
			ReportingYear: 2024,
			Sections:      []string{"I"},
			Body: questionnaire.Body{
				RegisterID: fmt.Sprint("R", i), LegalForm: form, Region: "12", GeoScope: "regional",
				Sectors:             []string{"social_assistance"},
				LegalRepresentative: questionnaire.LegalRepresentative{Sex: "female", Nationality: "italian"},
			},
		})
	}
	report := agg.Report()
	forms, _ := report.Table("bodies.legal_form")
	coop, _ := forms.Cell("social_cooperative_a", "section_i")
	fmt.Println(report.Scope.Label.EN, *report.Filings, *coop.Value, *coop.Share)
	// Output: Lazio 3 2 0.6667
}
