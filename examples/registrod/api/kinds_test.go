package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKindsTable holds the kinds table to what the package documentation
// says: every kind has a row with a title and a detail in both languages,
// and only the internal kind answers 500.
func TestKindsTable(t *testing.T) {
	want := map[problem.Kind]struct {
		status int
		slug   string
	}{
		problem.KindInternal:           {http.StatusInternalServerError, "internal"},
		problem.KindInvalid:            {http.StatusUnprocessableEntity, "invalid-document"},
		problem.KindNotFound:           {http.StatusNotFound, "not-found"},
		problem.KindConflict:           {http.StatusConflict, "conflict"},
		problem.KindFailedPrecondition: {http.StatusConflict, "failed-precondition"},
		problem.KindForbidden:          {http.StatusForbidden, "forbidden"},
	}
	for _, k := range problem.Kinds() {
		t.Run(k.String(), func(t *testing.T) {
			assert.Less(t, int(k), api.FirstHTTPKind, "a domain kind overlaps the kinds of HTTP")
			status, slug, title, detail, ok := api.KindAnswer(k)
			require.True(t, ok, "kind %s has no row", k)
			assert.Equal(t, want[k].status, status)
			assert.Equal(t, want[k].slug, slug)
			for _, m := range []problem.Text{title, detail} {
				assert.NotEmpty(t, m.IT)
				assert.NotEmpty(t, m.EN)
				assert.NotEqual(t, m.IT, m.EN)
			}
		})
	}
}

// storeFailure is an error of no kind, as a database gives.
var storeFailure = errors.New("sqlstore: connection refused")

// TestClassify maps every error a handler may meet to the status the
// package documentation gives it: each domain sentinel (wrapped, as the
// packages return them), a TransitionError, a problem.List, the errors of
// HTTP itself and errors of no kind. No domain error answers 500.
func TestClassify(t *testing.T) {
	transition := &registry.TransitionError{EntityID: "E1", Section: registry.SectionI,
		From: registry.StatusRejected, To: registry.StatusEnrolled}
	list := problem.List{problem.Required("/projects/0", "title")}
	const (
		invalid     = http.StatusUnprocessableEntity
		notFound    = http.StatusNotFound
		conflict    = http.StatusConflict
		forbidden   = http.StatusForbidden
		internal    = http.StatusInternalServerError
		unavailable = http.StatusServiceUnavailable
	)
	tests := []struct {
		name   string
		err    error
		domain bool // a domain error: never 500
		status int
		slug   string
	}{
		{"registry.ErrNotFound", registry.ErrNotFound, true, notFound, "not-found"},
		{"registry.ErrConflict", registry.ErrConflict, true, conflict, "conflict"},
		{"registry.ErrForbidden", registry.ErrForbidden, true, forbidden, "forbidden"},
		{"registry.ErrTransition", registry.ErrTransition, true, conflict, "failed-precondition"},
		{"registry.TransitionError", transition, true, conflict, "failed-precondition"},
		{"wrapped registry.TransitionError", fmt.Errorf("decide E1: %w", transition), true, conflict, "failed-precondition"},
		{"registry.ErrReferentStatus", registry.ErrReferentStatus, true, conflict, "failed-precondition"},
		{"registry.ErrUnknownStatus", registry.ErrUnknownStatus, true, invalid, "invalid-document"},
		{"registry.ErrUnknownSection", registry.ErrUnknownSection, true, invalid, "invalid-document"},
		{"registry.ErrDate", registry.ErrDate, true, invalid, "invalid-document"},
		{"registry.ErrUnknownRole", registry.ErrUnknownRole, true, invalid, "invalid-document"},
		{"registry.ErrInvalidCursor", registry.ErrInvalidCursor, true, invalid, "invalid-document"},
		{"memstore.ErrBadKind", memstore.ErrBadKind, true, invalid, "invalid-document"},
		{"sqlstore.ErrBadKind", sqlstore.ErrBadKind, true, invalid, "invalid-document"},
		{"sqlstore.ErrDSN", sqlstore.ErrDSN, true, invalid, "invalid-document"},
		{"questionnaire.ErrUnknownYear", questionnaire.ErrUnknownYear, true, notFound, "not-found"},
		{"questionnaire.ErrBodyNotFound", questionnaire.ErrBodyNotFound, true, notFound, "not-found"},
		{"questionnaire.ErrIdempotencyKeyUsed", questionnaire.ErrIdempotencyKeyUsed, true, conflict, "conflict"},
		{"eligibility.ErrInvalidRule", eligibility.ErrInvalidRule, true, invalid, "invalid-document"},
		{"eligibility.ErrUnknownRule", eligibility.ErrUnknownRule, true, notFound, "not-found"},
		{"eligibility.ErrUnknownValue", eligibility.ErrUnknownValue, true, invalid, "invalid-document"},
		{"eligibility.ErrRule takes the kind it wraps", fmt.Errorf("%w: %w", eligibility.ErrRule, registry.ErrForbidden), true, forbidden, "forbidden"},
		{"reporting.ErrSyntax", reporting.ErrSyntax, true, invalid, "invalid-document"},
		{"reporting.ErrMismatch", reporting.ErrMismatch, true, invalid, "invalid-document"},
		{"reporting.ErrScope", reporting.ErrScope, true, invalid, "invalid-document"},
		{"reporting.ErrYear", reporting.ErrYear, true, notFound, "not-found"},
		{"schemas.ErrUnknown", schemas.ErrUnknown, true, notFound, "not-found"},
		{"schemas.ErrLang", schemas.ErrLang, true, invalid, "invalid-document"},
		{"codelist.ErrInvalid", codelist.ErrInvalid, true, invalid, "invalid-document"},
		{"territory.ErrUnknown", territory.ErrUnknown, true, invalid, "invalid-document"},
		{"territory.ErrTable", territory.ErrTable, true, invalid, "invalid-document"},
		{"codicefiscale.ErrEmpty", codicefiscale.ErrEmpty, true, invalid, "invalid-document"},
		{"codicefiscale.ErrLength", codicefiscale.ErrLength, true, invalid, "invalid-document"},
		{"codicefiscale.ErrCharacter", codicefiscale.ErrCharacter, true, invalid, "invalid-document"},
		{"codicefiscale.ErrCheck", codicefiscale.ErrCheck, true, invalid, "invalid-document"},
		{"codicefiscale.ErrDate", codicefiscale.ErrDate, true, invalid, "invalid-document"},
		{"codicefiscale.ErrSerial", codicefiscale.ErrSerial, true, invalid, "invalid-document"},
		{"codicefiscale.ErrOfficeCode", codicefiscale.ErrOfficeCode, true, invalid, "invalid-document"},
		{"problem.ErrInvalid", problem.ErrInvalid, true, invalid, "invalid-document"},
		{"problem.List", list, true, invalid, "invalid-document"},
		{"wrapped problem.List", fmt.Errorf("file: %w", list.Err()), true, invalid, "invalid-document"},

		// Not refusals: the caller can do nothing about them.
		{"no kind", storeFailure, false, internal, "internal"},
		{"questionnaire.ErrNotRecorded (the filing route answers 201 and logs it)",
			fmt.Errorf("%w: %w", questionnaire.ErrNotRecorded, registry.ErrConflict), false, internal, "internal"},
		{"eligibility.ErrRule over a store failure", fmt.Errorf("%w: %w", eligibility.ErrRule, storeFailure), false, internal, "internal"},
		{"sqlstore.ErrSchema", sqlstore.ErrSchema, false, internal, "internal"},

		// Errors of HTTP itself, whatever else they wrap.
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10}), false, http.StatusRequestEntityTooLarge, "content-too-large"},
		{"cancelled", context.Canceled, false, unavailable, "unavailable"},
		{"timed out", fmt.Errorf("list: %w", context.DeadlineExceeded), false, unavailable, "unavailable"},
		{"a rule cut short", fmt.Errorf("%w: %w", eligibility.ErrRule, context.Canceled), false, unavailable, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, err := range []error{tt.err, fmt.Errorf("handler: %w", tt.err)} {
				status, typ, errs := api.Classify(err)
				assert.Equal(t, tt.status, status, "%v", err)
				assert.Equal(t, api.ProblemTypeBase+tt.slug, typ)
				if tt.domain {
					assert.NotEqual(t, http.StatusInternalServerError, status, "a domain error answered 500")
				}
				if l, ok := problem.AsList(err); ok {
					assert.Equal(t, l, errs, "the document's problems go under errors")
				}
			}
		})
	}
}
