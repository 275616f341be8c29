package schemagen

import (
	"reflect"

	"github.com/openregistro/registro/eligibility"
)

// decisionDocs returns the schema of the eligibility decision.
func decisionDocs() []Doc {
	return []Doc{{Name: "decision", Kind: "decision", Type: reflect.TypeOf(eligibility.Decision{})}}
}
