package eligibility

import "github.com/openregistro/registro/schemas/problem"

// init declares the titles of the default rules and the verdict labels, so
// that the message catalogue's tests check them in every shipped language
// (see problem.Declare). The findings' messages are composed when a rule
// runs, around these titles.
func init() { problem.Declare("eligibility", Texts) }

// Texts returns the title of every rule of Default, then the label of every
// verdict.
func Texts() []problem.Text {
	var out []problem.Text
	for _, r := range Default().Rules() {
		out = append(out, r.Meta().Title)
	}
	for _, v := range []Verdict{Eligible, NotEligible, Incomplete} {
		out = append(out, verdictLabel[v])
	}
	return out
}
