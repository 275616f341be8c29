package registry_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
)

// TestErrorKinds holds every error of the package to the kind its
// documentation gives it.
func TestErrorKinds(t *testing.T) {
	_, statusErr := registry.ParseStatus("pending")
	_, sectionErr := registry.ParseSection("III")
	_, dateErr := registry.ParseDate("1/3/2024")
	_, roleErr := registry.ParseRole("admin")
	_, cursorErr := registry.ParseCursor("not a cursor!")
	transition := &registry.TransitionError{EntityID: "E1", Section: registry.SectionI,
		From: registry.StatusRejected, To: registry.StatusEnrolled}
	tests := []struct {
		name     string
		err      error
		sentinel error
		want     problem.Kind
	}{
		{"ErrNotFound", registry.ErrNotFound, registry.ErrNotFound, problem.KindNotFound},
		{"ErrConflict", registry.ErrConflict, registry.ErrConflict, problem.KindConflict},
		{"ErrForbidden", registry.ErrForbidden, registry.ErrForbidden, problem.KindForbidden},
		{"ErrTransition", registry.ErrTransition, registry.ErrTransition, problem.KindFailedPrecondition},
		{"TransitionError", transition, registry.ErrTransition, problem.KindFailedPrecondition},
		{"wrapped TransitionError", fmt.Errorf("decide: %w", transition), registry.ErrTransition, problem.KindFailedPrecondition},
		{"ErrReferentStatus", registry.ErrReferentStatus, registry.ErrReferentStatus, problem.KindFailedPrecondition},
		{"ErrUnknownStatus", statusErr, registry.ErrUnknownStatus, problem.KindInvalid},
		{"ErrUnknownSection", sectionErr, registry.ErrUnknownSection, problem.KindInvalid},
		{"ErrDate", dateErr, registry.ErrDate, problem.KindInvalid},
		{"ErrUnknownRole", roleErr, registry.ErrUnknownRole, problem.KindInvalid},
		{"ErrInvalidCursor", cursorErr, registry.ErrInvalidCursor, problem.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.err, tt.sentinel)
			assert.Equal(t, tt.want, problem.KindOf(tt.err))
		})
	}
	assert.False(t, errors.Is(registry.ErrNotFound, registry.ErrConflict))
	assert.Equal(t, `registry: not a day written YYYY-MM-DD: "1/3/2024"`, dateErr.Error())
	assert.Equal(t, `registry: unknown role "admin" (want public, body, staff or region)`, roleErr.Error())
}
