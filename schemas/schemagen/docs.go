package schemagen

import (
	"reflect"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// DefaultDocs returns the published schemas: the problem object, the entity
// and the enrolment application, the eligibility decision and the annual
// questionnaire of every reporting year with a Definition.
func DefaultDocs() ([]Doc, error) {
	docs := []Doc{
		{Name: "problem", Kind: "problem", Type: reflect.TypeOf(problem.Problem{})},
		{Name: "entity", Kind: "entity", Type: reflect.TypeOf(registry.Entity{})},
		applicationDoc(),
	}
	docs = append(docs, decisionDocs()...)
	for _, d := range questionnaire.Definitions() {
		docs = append(docs, QuestionnaireDoc(d))
	}
	return docs, nil
}

// QuestionnaireDoc returns the schema of the questionnaire of definition d:
// its fields are those of d.Year, its reportingYear is pinned to d.Year and
// its conditional blocks come from d.Conditionals.
func QuestionnaireDoc(d *questionnaire.Definition) Doc {
	root := reflect.TypeOf(questionnaire.Document{})
	doc := Doc{
		Name:   "questionnaire-" + itoa(d.Year),
		Kind:   "questionnaire",
		Type:   root,
		Year:   d.Year,
		Consts: map[string]any{"reportingYear": d.Year},
	}
	for _, c := range d.Conditionals {
		doc.Conditions = append(doc.Conditions, Condition{Def: Name(root), Property: c.Property,
			Presence: c.Presence, Code: c.Code, When: c.When})
	}
	return doc
}

// applicationDoc returns the schema of the enrolment application: a
// requirement the applicant declares absent (declaredAbsent) cannot also be
// given (registry.DeclaredAbsentFields).
func applicationDoc() Doc {
	t := reflect.TypeOf(registry.Application{})
	d := Doc{Name: "application", Kind: "application", Type: t}
	for _, f := range registry.DeclaredAbsentFields() {
		d.Conditions = append(d.Conditions, Condition{Def: Name(t), Property: f,
			When: []questionnaire.Match{{Path: "/declaredAbsent", Contains: f}}, Forbidden: true, Code: registry.CodeDeclaredAbsent})
	}
	return d
}
