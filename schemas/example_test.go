package schemas_test

import (
	"encoding/json"
	"fmt"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// A questionnaire of reporting year 2021 that declares Section II without its
// programme block, carries the 2022 Ukrainian focus, and has a project
// without a title.
func ExampleQuestionnaire() {
	v, err := schemas.Questionnaire(2021)
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := []byte(`{
	  "reportingYear": 2021,
	  "sections": ["I", "II"],
	  "body": {"taxCode": "00743110157", "registerId": "A/1", "name": "Ente", "legalForm": "foundation",
	           "region": "03", "geoScope": "regional", "sectors": ["social_assistance"],
	           "legalRepresentative": {"sex": "female", "nationality": "italian"}},
	  "filer": {"taxCode": "RCCMNL83S18D969H", "firstName": "Emanuele", "lastName": "Rocca"},
	  "projects": [{"section": "I", "startDate": "2021-01-01", "objectives": "Orientamento",
	                "activityTypes": ["language_courses"], "sectors": ["education_training"], "regions": ["03"],
	                "funds": {"totalCents": 0, "bySource": []},
	                "beneficiaries": {"total": 0, "unaccompaniedMinors": 0},
	                "humanResources": {"byKind": [], "culturalMediators": 0}}],
	  "ukraineFocus": {"active": false, "beneficiaries": 0}
	}`)
	for _, p := range v.Validate(doc) {
		fmt.Printf("%q %s %v [%s]\n", p.InstancePath, p.Keyword, p.Params, p.Code)
		fmt.Println("  it:", p.Messages.In(problem.IT))
	}
	// Output:
	// "" additionalProperties map[additionalProperty:ukraineFocus] [not_in_year]
	//   it: il campo "ukraineFocus" esiste solo dall'anno di riferimento 2022
	// "" required map[missingProperty:sectionII] [section_ii_block]
	//   it: manca il campo obbligatorio "sectionII"
	// "/projects/0" required map[missingProperty:title] [required]
	//   it: manca il campo obbligatorio "title"
}

// The files a front-end fetches: one per schema and language.
func ExampleFile() {
	b, err := schemas.File("questionnaire-2024", problem.IT)
	if err != nil {
		fmt.Println(err)
		return
	}
	var head struct {
		ID    string `json:"$id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(head.ID)
	fmt.Println(head.Title)
	// Output:
	// https://schemas.openregistro.org/registro/v1/questionnaire-2024.json
	// Questionario annuale
}

// Any published schema by name: here the eligibility decision.
func ExampleGet() {
	v, err := schemas.Get("decision")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range v.Validate([]byte(`{"schema": "registro.eligibility/v1", "applicationDate": "2024-02-30",
	  "asOf": "2024-03-01", "ruleSet": {"name": "dpr394", "version": "1"}, "verdict": "eligible", "sections": []}`)) {
		fmt.Println(p.String())
	}
	// Output:
	// /applicationDate: must be a valid date in the form YYYY-MM-DD [format]
	// /sections: must NOT have fewer than 1 items [min_items]
}
