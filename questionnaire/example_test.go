package questionnaire_test

import (
	"context"
	"fmt"

	"github.com/openregistro/registro/questionnaire"
)

func Example() {
	v, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		panic(err)
	}
	doc := []byte(`{"reportingYear": 2021, "sections": ["I"], "ukraineFocus": {"active": true, "beneficiaries": 3},
		"projects": [{"title": ""}]}`)
	probs, err := v.Validate(context.Background(), 2021, doc)
	if err != nil {
		panic(err)
	}
	for _, p := range probs[:4] {
		fmt.Println(p)
	}
	// Output:
	// /: field 'ukraineFocus' exists only from reporting year 2022 [not_in_year]
	// /body: must have required property 'body' [required]
	// /filer: must have required property 'filer' [required]
	// /projects/0/activityTypes: must have required property 'activityTypes' [required]
}
