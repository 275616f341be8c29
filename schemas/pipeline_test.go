package schemas_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/schemas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPipelineAgreesWithSchema runs the full Go questionnaire pipeline (with
// its own schema pass off) and the schema validator on every questionnaire
// example — ours, the questionnaire package's, and one-place mutations of
// valid ones. Where the schema rejects,
// the pipeline rejects; where the schema accepts, the pipeline may reject
// only with rules beyond JSON Schema: schemaPath "#/x-rules/…" (sums, dates
// against the year, register rules) or a check the schema leaves to Go by
// design (beyondSchema: check digits, existence of territory codes — the
// schema checks their shape).
func TestPipelineAgreesWithSchema(t *testing.T) {
	pipeline, err := questionnaire.New(questionnaire.Options{NoSchema: true})
	require.NoError(t, err)
	var cases []ajvCase
	for _, ex := range examples(t) {
		if strings.HasPrefix(ex.schema, "questionnaire-") {
			cases = append(cases, ajvCase{Schema: ex.schema, File: ex.path})
		}
	}
	cases = append(cases, questionnaireCases(t)...)
	for _, c := range mutationCases(t, t.TempDir()) {
		if strings.HasPrefix(c.Schema, "questionnaire-") {
			cases = append(cases, c)
		}
	}
	for _, c := range cases {
		rel, _ := filepath.Rel("..", c.File)
		if rel == "" || strings.HasPrefix(rel, "..") {
			rel = c.File
		}
		t.Run(rel, func(t *testing.T) {
			year := c.Schema[len("questionnaire-"):]
			v, err := schemas.Get(c.Schema)
			require.NoError(t, err)
			doc, err := os.ReadFile(c.File)
			require.NoError(t, err)
			s := v.Validate(doc)
			p, err := pipeline.Validate(context.Background(), atoi(t, year), doc)
			require.NoError(t, err)
			if len(s) > 0 {
				assert.NotEmpty(t, p, "the schema rejects (%v) but the pipeline accepts", s)
				return
			}
			for _, pr := range p {
				assert.True(t, strings.HasPrefix(pr.SchemaPath, "#/x-rules/") || beyondSchema[pr.Code],
					"the schema accepts but the pipeline rejects on the schema's own ground: %v (%s)", pr, pr.SchemaPath)
			}
		})
	}
}

// beyondSchema are pipeline codes for checks the schemas leave to Go.
var beyondSchema = map[string]bool{"tax_code_check": true, "territory_unknown": true}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		require.True(t, r >= '0' && r <= '9', s)
		n = n*10 + int(r-'0')
	}
	return n
}
