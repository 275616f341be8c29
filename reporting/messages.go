package reporting

import (
	"sort"

	"github.com/openregistro/registro/schemas/problem"
)

// init declares the labels of the reports (headers, units, parts), so that
// the message catalogue's tests check them in every shipped language (see
// problem.Declare). Labels that are fmt templates ("report.mean") are
// translated as templates.
func init() { problem.Declare("reporting", Texts) }

// Texts returns the reports' labels, ordered by key.
func Texts() []problem.Text {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]problem.Text, len(keys))
	for i, k := range keys {
		out[i] = labels[k]
	}
	return out
}
