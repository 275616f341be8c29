package schemagen

import (
	"sort"

	"github.com/openregistro/registro/schemas/problem"
)

// init declares the titles and descriptions of the published schemas, their
// types, fields and enum values (labels/labels.json), so that the message
// catalogue's tests check them in every shipped language (see
// problem.Declare). An empty description is not a message and is left out.
func init() { problem.Declare("schemas/schemagen", Texts) }

// Texts returns every non-empty title and description of the embedded
// labels, in a stable order; nil when the labels do not load (their own
// tests report that).
func Texts() []problem.Text {
	l, err := DefaultLabels()
	if err != nil {
		return nil
	}
	var out []problem.Text
	add := func(ts ...problem.Text) {
		for _, t := range ts {
			if t != (problem.Text{}) {
				out = append(out, t)
			}
		}
	}
	for _, k := range sortedKeys(l.Schemas) {
		add(l.Schemas[k].Title, l.Schemas[k].Description)
	}
	for _, k := range sortedKeys(l.Types) {
		fields := l.Types[k]
		for _, f := range sortedKeys(fields) {
			add(fields[f].Title, fields[f].Description)
		}
	}
	for _, k := range sortedKeys(l.Enums) {
		for _, v := range l.Enums[k] {
			add(v.Title, v.Description)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
