package api

import "github.com/openregistro/registro/schemas/problem"

// Classify returns the status and problem type the service answers err with.
func Classify(err error) (status int, typ string, errs problem.List) {
	he := classify(err)
	slug, status, _ := he.kind.info()
	return status, ProblemTypeBase + slug, he.errors
}

// FirstHTTPKind is the first of the kinds only HTTP has, which must lie
// above every problem.Kind.
const FirstHTTPKind = int(kindBadRequest)

// KindAnswer returns the row of the kinds table for k.
func KindAnswer(k problem.Kind) (status int, slug string, title, detail problem.Text, ok bool) {
	a, ok := kinds[k]
	return a.status, a.slug, a.title, a.detail, ok
}
