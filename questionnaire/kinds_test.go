package questionnaire_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
)

// TestErrorKinds holds the package's errors to the kinds its documentation
// gives them, as the stores and DefinitionFor return them.
func TestErrorKinds(t *testing.T) {
	ctx := context.Background()
	_, yearErr := questionnaire.DefinitionFor(questionnaire.LastYear + 1)
	store := questionnaire.NewMemStore()
	_, getErr := store.Get(ctx, "80123450159", 2024)
	conflictErr := store.Put(ctx, questionnaire.Filing{BodyTaxCode: "80123450159", Year: 2024, Revision: 2})
	tests := []struct {
		name     string
		err      error
		sentinel error
		want     problem.Kind
	}{
		{"ErrUnknownYear", yearErr, questionnaire.ErrUnknownYear, problem.KindNotFound},
		{"ErrBodyNotFound", fmt.Errorf("%w: 80123450159", questionnaire.ErrBodyNotFound), questionnaire.ErrBodyNotFound, problem.KindNotFound},
		{"filing not found is the register's ErrNotFound", getErr, registry.ErrNotFound, problem.KindNotFound},
		{"a revision out of turn is the register's ErrConflict", conflictErr, registry.ErrConflict, problem.KindConflict},
		{"ErrIdempotencyKeyUsed", questionnaire.ErrIdempotencyKeyUsed, questionnaire.ErrIdempotencyKeyUsed, problem.KindConflict},
		{"ErrNotRecorded is internal whatever it wraps", fmt.Errorf("%w: %w", questionnaire.ErrNotRecorded, registry.ErrConflict),
			questionnaire.ErrNotRecorded, problem.KindInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.err, tt.sentinel)
			assert.Equal(t, tt.want, problem.KindOf(tt.err))
		})
	}
	assert.Contains(t, getErr.Error(), "questionnaire: filing of body 80123450159 year 2024")
}
