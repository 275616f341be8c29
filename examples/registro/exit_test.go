package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
)

// TestExitKinds holds the exit table to the documentation: one row per kind,
// the documented statuses 1 and 2 kept, and no two kinds sharing a status.
func TestExitKinds(t *testing.T) {
	want := map[problem.Kind]int{
		problem.KindInvalid:            1,
		problem.KindInternal:           2,
		problem.KindNotFound:           3,
		problem.KindConflict:           4,
		problem.KindFailedPrecondition: 5,
		problem.KindForbidden:          6,
	}
	seen := map[int]problem.Kind{}
	for _, row := range exitKinds {
		if other, dup := seen[row.code]; dup {
			t.Errorf("kinds %s and %s share exit status %d", other, row.kind, row.code)
		}
		seen[row.code] = row.kind
	}
	for _, k := range problem.Kinds() {
		t.Run(k.String(), func(t *testing.T) {
			assert.Equal(t, want[k], exitFor(problem.NewError(k, "test: "+k.String())))
		})
	}
	assert.Len(t, exitKinds, len(problem.Kinds()))
}

// TestExitFor maps the library's errors, wrapped as commands meet them, to
// the exit status of their kind.
func TestExitFor(t *testing.T) {
	transition := &registry.TransitionError{EntityID: "E1", Section: registry.SectionII,
		From: registry.StatusCancelled, To: registry.StatusEnrolled}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"problem.List", problem.List{problem.Required("", "year")}, exitFindings},
		{"codicefiscale.ErrCheck", codicefiscale.ErrCheck, exitFindings},
		{"reporting.ErrSyntax", reporting.ErrSyntax, exitFindings},
		{"registry.ErrUnknownSection", registry.ErrUnknownSection, exitFindings},
		{"registry.ErrNotFound", registry.ErrNotFound, exitNotFound},
		{"questionnaire.ErrUnknownYear", questionnaire.ErrUnknownYear, exitNotFound},
		{"schemas.ErrUnknown", schemas.ErrUnknown, exitNotFound},
		{"registry.ErrConflict", registry.ErrConflict, exitConflict},
		{"registry.ErrTransition", registry.ErrTransition, exitPrecondition},
		{"TransitionError", transition, exitPrecondition},
		{"registry.ErrReferentStatus", registry.ErrReferentStatus, exitPrecondition},
		{"registry.ErrForbidden", registry.ErrForbidden, exitForbidden},
		{"eligibility.ErrRule takes the kind it wraps", fmt.Errorf("%w: %w", eligibility.ErrRule, registry.ErrForbidden), exitForbidden},
		{"questionnaire.ErrNotRecorded", fmt.Errorf("%w: %w", questionnaire.ErrNotRecorded, registry.ErrConflict), exitUsage},
		{"no kind", errors.New("disk full"), exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, exitFor(tt.err))
			assert.Equal(t, tt.want, exitFor(fmt.Errorf("line 3: %w", tt.err)), "through wrapping")
		})
	}
}

func TestFail(t *testing.T) {
	var errb strings.Builder
	code := fail(&env{stderr: &errb}, "import", fmt.Errorf("entities.ndjson: %w", registry.ErrConflict))
	assert.Equal(t, exitConflict, code)
	assert.Equal(t, "registro import: entities.ndjson: registry: conflict\n", errb.String())
}

func TestHelpListsExitStatuses(t *testing.T) {
	code, out, _ := runCLI(t, invocation{}, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "Exit status:\n  0  ok\n  1  findings in the input\n  2  usage or I/O error\n  3  not found\n"+
		"  4  conflict (nothing written, run again)\n  5  not allowed in the register's current state\n  6  forbidden to the viewer\n")
}
