package questionnaire_test

import (
	"context"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/stretchr/testify/require"
)

// MustValidator builds a Validator with default options.
func MustValidator(tb testing.TB, opts questionnaire.Options) *questionnaire.Validator {
	tb.Helper()
	v, err := questionnaire.New(opts)
	require.NoError(tb, err)
	return v
}

func TestSamplesAreValid(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{})
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		for _, s2 := range []bool{false, true} {
			doc := questionnairetest.Sample(y, 3, s2)
			b, err := v.Marshal(doc)
			require.NoError(t, err)
			probs, err := v.Validate(context.Background(), y, b)
			require.NoError(t, err)
			require.Empty(t, probs, "year %d sectionII %v: %v\n%s", y, s2, probs, b)
		}
	}
}
