package problem_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
)

// typedErr is an error type of another package that declares its kind.
type typedErr struct{ kind problem.Kind }

func (e *typedErr) Error() string      { return "other: typed" }
func (e *typedErr) Kind() problem.Kind { return e.kind }

func TestKindString(t *testing.T) {
	tests := []struct {
		kind problem.Kind
		want string
	}{
		{problem.KindInternal, "internal"},
		{problem.KindInvalid, "invalid"},
		{problem.KindNotFound, "not_found"},
		{problem.KindConflict, "conflict"},
		{problem.KindFailedPrecondition, "failed_precondition"},
		{problem.KindForbidden, "forbidden"},
		{problem.Kind(-1), "Kind(-1)"},
		{problem.Kind(99), "Kind(99)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.kind.String())
		})
	}
}

func TestKinds(t *testing.T) {
	kinds := problem.Kinds()
	assert.Equal(t, []problem.Kind{problem.KindInternal, problem.KindInvalid, problem.KindNotFound,
		problem.KindConflict, problem.KindFailedPrecondition, problem.KindForbidden}, kinds)
	kinds[0] = problem.KindForbidden
	assert.Equal(t, problem.KindInternal, problem.Kinds()[0], "Kinds returns a fresh slice")
}

func TestKindOf(t *testing.T) {
	notFound := problem.NewError(problem.KindNotFound, "pkg: not found")
	conflict := problem.NewError(problem.KindConflict, "pkg: conflict")
	list := problem.List{problem.Required("/a", "b")}
	tests := []struct {
		name string
		err  error
		want problem.Kind
	}{
		{"nil", nil, problem.KindInternal},
		{"plain error", errors.New("disk full"), problem.KindInternal},
		{"sentinel", notFound, problem.KindNotFound},
		{"wrapped sentinel", fmt.Errorf("body E1: %w", notFound), problem.KindNotFound},
		{"wrapped twice", fmt.Errorf("store: %w", fmt.Errorf("body E1: %w", conflict)), problem.KindConflict},
		{"the outermost kind wins", fmt.Errorf("%w: %w", conflict, notFound), problem.KindConflict},
		{"joined: the first kind", errors.Join(errors.New("io"), notFound), problem.KindNotFound},
		{"typed error", &typedErr{problem.KindFailedPrecondition}, problem.KindFailedPrecondition},
		{"wrapped typed error", fmt.Errorf("x: %w", &typedErr{problem.KindForbidden}), problem.KindForbidden},
		{"list", list, problem.KindInvalid},
		{"wrapped list", fmt.Errorf("file a.json: %w", list.Err()), problem.KindInvalid},
		{"ErrInvalid", problem.ErrInvalid, problem.KindInvalid},
		{"explicitly internal", problem.NewError(problem.KindInternal, "pkg: half done"), problem.KindInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, problem.KindOf(tt.err))
		})
	}
}

func TestNewError(t *testing.T) {
	a := problem.NewError(problem.KindNotFound, "pkg: not found")
	b := problem.NewError(problem.KindNotFound, "pkg: not found")
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"itself", a, a, true},
		{"wrapped", fmt.Errorf("x: %w", a), a, true},
		{"same text and kind, another sentinel", a, b, false},
		{"wrapped, another sentinel", fmt.Errorf("x: %w", b), a, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, errors.Is(tt.err, tt.target))
		})
	}
	assert.Equal(t, "pkg: not found", a.Error())
}

func TestParseErrorsAreInvalid(t *testing.T) {
	_, langErr := problem.ParseLang("fr")
	_, sevErr := problem.ParseSeverity("fatal")
	_, ptrErr := problem.Tokens("a/b")
	for name, err := range map[string]error{"ParseLang": langErr, "ParseSeverity": sevErr, "Tokens": ptrErr} {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, err)
			assert.Equal(t, problem.KindInvalid, problem.KindOf(err))
		})
	}
}

func ExampleKindOf() {
	// A package declares its sentinels with a kind…
	errNotFound := problem.NewError(problem.KindNotFound, "registry: not found")
	// …wraps them with detail…
	err := fmt.Errorf("entity %q: %w", "E1", errNotFound)
	// …and a service maps the kind, whatever the package.
	fmt.Println(err)
	fmt.Println(errors.Is(err, errNotFound), problem.KindOf(err))
	fmt.Println(problem.KindOf(problem.List{problem.Required("", "year")}))
	fmt.Println(problem.KindOf(errors.New("disk full")))
	// Output:
	// entity "E1": registry: not found
	// true not_found
	// invalid
	// internal
}
