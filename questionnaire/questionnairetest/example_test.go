package questionnairetest_test

import (
	"context"
	"fmt"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
)

// A sample document for a year validates for that year.
func ExampleSample() {
	v, err := questionnaire.New(questionnaire.Options{NoSchema: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, year := range []int{2019, 2022, 2024} {
		doc := questionnairetest.Sample(year, 3, year == 2024)
		data, err := v.Marshal(doc)
		if err != nil {
			fmt.Println(err)
			return
		}
		probs, err := v.Validate(context.Background(), year, data)
		fmt.Println(year, doc.Sections, len(doc.Projects), "projects, problems:", len(probs), err)
	}
	// Output:
	// 2019 [I] 3 projects, problems: 0 <nil>
	// 2022 [I] 3 projects, problems: 0 <nil>
	// 2024 [I II] 3 projects, problems: 0 <nil>
}
