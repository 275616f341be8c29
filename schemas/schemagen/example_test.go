package schemagen_test

import (
	"fmt"
	"strings"

	"github.com/openregistro/registro/schemas/schemagen"
)

// Generate returns every file in memory; Write (run by go generate) puts
// them under the schemas package.
func ExampleGenerate() {
	files, err := schemagen.Generate(schemagen.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range files.Paths() {
		if strings.HasPrefix(p, "v1/it/") || strings.Contains(p, "questionnaire-2019") {
			fmt.Println(p)
		}
	}
	// Output:
	// v1/en/questionnaire-2019.json
	// v1/it/application.json
	// v1/it/decision.json
	// v1/it/entity.json
	// v1/it/problem.json
	// v1/it/questionnaire-2019.json
	// v1/it/questionnaire-2020.json
	// v1/it/questionnaire-2021.json
	// v1/it/questionnaire-2022.json
	// v1/it/questionnaire-2023.json
	// v1/it/questionnaire-2024.json
	// v1/it/questionnaire-2025.json
}
