package schemagen_test

import (
	"encoding/json"
	"testing"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/openregistro/registro/schemas/schemagen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnumLabelsMatchGo proves the labelled values of every closed Go enum
// in labels.json are exactly the values the Go type marshals to.
func TestEnumLabelsMatchGo(t *testing.T) {
	labels, err := schemagen.DefaultLabels()
	require.NoError(t, err)
	values := map[string][]any{
		"registry.Section":        {registry.SectionI, registry.SectionII},
		"registry.Status":         toAny(registry.Statuses[:]),
		"registry.ReferentStatus": {registry.ReferentRequested, registry.ReferentEnabled, registry.ReferentRevoked},
		"eligibility.Verdict":     {eligibility.Eligible, eligibility.NotEligible, eligibility.Incomplete},
		"eligibility.Outcome":     {eligibility.Pass, eligibility.Fail, eligibility.Missing, eligibility.NotApplicable},
		"problem.Severity":        {problem.Error, problem.Warning},
	}
	require.Len(t, labels.Enums, len(values), "every labelled enum is checked here")
	for name, vals := range values {
		t.Run(name, func(t *testing.T) {
			var want []string
			for _, v := range vals {
				b, err := json.Marshal(v)
				require.NoError(t, err)
				var s string
				require.NoError(t, json.Unmarshal(b, &s))
				want = append(want, s)
			}
			var got []string
			for _, e := range labels.Enums[name] {
				got = append(got, e.Const)
				assert.NotEmpty(t, e.Title.IT)
				assert.NotEmpty(t, e.Title.EN)
			}
			assert.Equal(t, want, got)
		})
	}
}

func toAny[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
