package questionnaire_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemStore(t *testing.T) {
	questionnairetest.RunFilingStoreTests(t, func(*testing.T) questionnaire.FilingStore { return questionnaire.NewMemStore() })
}

func TestDeskDeadlineAndAmendments(t *testing.T) {
	ctx := context.Background()
	v := MustValidator(t, questionnaire.Options{})
	store := questionnaire.NewMemStore()
	f := questionnaire.NewDesk(v, store, nil)
	data, err := v.Marshal(questionnairetest.Sample(2024, 1, false))
	require.NoError(t, err)

	dl := questionnaire.Deadline(2024, nil)
	assert.Equal(t, "2025-01-30T23:59:59+01:00", dl.Truncate(time.Second).Format(time.RFC3339))

	late, err := f.File(ctx, 2024, data, dl.Add(time.Second))
	require.NoError(t, err)
	assert.True(t, late.Late)
	require.Len(t, late.Warnings, 1)
	assert.Equal(t, questionnaire.CodeLateFiling, late.Warnings[0].Code)
	assert.Equal(t, problem.Warning, late.Warnings[0].Severity)

	amended, err := f.File(ctx, 2024, data, dl.Add(48*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, amended.Revision)
	hist, err := store.History(ctx, "80123450159", 2024)
	require.NoError(t, err)
	assert.Len(t, hist, 2)

	onTime, err := f.File(ctx, 2023, mustMarshal(t, v, questionnairetest.Sample(2023, 1, false)), questionnaire.Deadline(2023, nil))
	require.NoError(t, err)
	assert.False(t, onTime.Late)
	assert.Empty(t, onTime.Warnings)

	custom := questionnaire.NewDesk(v, questionnaire.NewMemStore(), func(y int) time.Time { return time.Date(y+1, 3, 1, 0, 0, 0, 0, time.UTC) })
	ok, err := custom.File(ctx, 2024, data, dl.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok.Late, "a configured deadline moves the late flag")

	_, err = f.File(ctx, 2024, []byte(`{}`), dl)
	assert.True(t, errors.Is(err, problem.ErrInvalid))
}

func mustMarshal(tb testing.TB, v *questionnaire.Validator, doc *questionnaire.Document) []byte {
	tb.Helper()
	b, err := v.Marshal(doc)
	require.NoError(tb, err)
	return b
}
