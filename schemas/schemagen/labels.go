package schemagen

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/openregistro/registro/schemas/problem"
)

// complete reports whether t has both languages.
func complete(t problem.Text) bool { return t.IT != "" && t.EN != "" }

// Label is the title and description of a schema, a type or a field.
type Label struct {
	Title       problem.Text `json:"title"`
	Description problem.Text `json:"description"`
}

// EnumValue is one value of a closed Go enum that is not a code list (such
// as registry.Section), with its title.
type EnumValue struct {
	Const       string       `json:"const"`
	Title       problem.Text `json:"title"`
	Description problem.Text `json:"description"`
}

// Labels is the content of labels/labels.json.
type Labels struct {
	// Schemas labels each published schema's root, by schema kind
	// ("questionnaire", "entity", …).
	Schemas map[string]Label `json:"schemas"`
	// Types labels each struct type ("pkg.Type"): the key "" is the type
	// itself, the other keys are its JSON field names.
	Types map[string]map[string]Label `json:"types"`
	// Enums lists the values of closed Go enums that marshal as text.
	Enums map[string][]EnumValue `json:"enums"`
}

//go:embed labels/labels.json
var labelsJSON []byte

// DefaultLabels returns the embedded labels.
func DefaultLabels() (*Labels, error) {
	var l Labels
	if err := json.Unmarshal(labelsJSON, &l); err != nil {
		return nil, fmt.Errorf("schemagen: labels/labels.json: %w", err)
	}
	return &l, nil
}
