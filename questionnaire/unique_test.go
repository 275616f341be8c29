package questionnaire_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uniqueOnly keeps the uniqueItems problems of l, sorted by instancePath,
// with the schema path cut to its last two tokens (the pipeline's is the
// path in the document, the schema's the path through $defs).
func uniqueOnly(l problem.List) []problem.Problem {
	var out []problem.Problem
	for _, p := range l {
		if p.Keyword != "uniqueItems" {
			continue
		}
		toks := strings.Split(p.SchemaPath, "/")
		p.SchemaPath = strings.Join(toks[max(0, len(toks)-2):], "/")
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].InstancePath < out[j].InstancePath })
	return out
}

// TestDuplicateCodesAgree: a repeated code in every kind of array of codes
// gives the same problem — instance path, keyword uniqueItems, params {i, j}
// as AJV reports them, code, messages — from the pipeline (fast path and
// go-playground alike, drafts too) and from the JSON Schema validator. The
// AJV cross-check (schemas.TestAJVAgreement) compares the schema validator's
// problems on the same files with AJV's errors field by field.
func TestDuplicateCodesAgree(t *testing.T) {
	ctx := context.Background()
	pipelines := map[string]*questionnaire.Validator{
		"fast path":    MustValidator(t, questionnaire.Options{NoSchema: true}),
		"struct rules": MustValidator(t, questionnaire.Options{NoSchema: true, AlwaysStructRules: true}),
	}
	arrays := map[string]bool{}
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		sv, err := schemas.Questionnaire(y)
		require.NoError(t, err)
		for _, name := range []string{"invalid-duplicate-section", "invalid-duplicate-codes"} {
			t.Run(fmt.Sprintf("%d/%s", y, name), func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join("testdata", fmt.Sprint(y), name+".json"))
				require.NoError(t, err)
				want := uniqueOnly(sv.Validate(data))
				require.NotEmpty(t, want, "the schema finds the duplicates")
				for _, p := range want {
					arrays[p.InstancePath] = true
					assert.Equal(t, schemas.CodeUniqueItems, p.Code)
					assert.Contains(t, p.Params, "i")
					assert.Contains(t, p.Params, "j")
				}
				for label, v := range pipelines {
					probs, err := v.Validate(ctx, y, data)
					require.NoError(t, err)
					assert.Equal(t, want, uniqueOnly(probs), "%s: complete", label)
					for _, p := range probs {
						assert.NotEqual(t, questionnaire.CodeDuplicateCode, p.Code, "%s: %v", label, p)
					}
					draft, err := v.ValidateDraft(ctx, y, data)
					require.NoError(t, err)
					assert.Equal(t, want, uniqueOnly(draft), "%s: draft", label)
				}
			})
		}
	}
	for _, p := range []string{
		"/sections", "/body/qualifications", "/body/sectors", "/body/difficulties",
		"/projects/0/activityTypes", "/projects/0/sectors", "/projects/0/portaleAxes",
		"/projects/0/regions", "/projects/0/provinces", "/sectionII/phases", "/ukraineFocus/activityTypes",
	} {
		assert.True(t, arrays[p], "no duplicate tested in %s", p)
	}
}

// TestDuplicateInKeyedArray: the same code twice in a keyed array of objects
// (here funds by source) is a Go rule (duplicate_code) that JSON Schema's
// uniqueItems cannot express: the schema accepts the document.
func TestDuplicateInKeyedArray(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "2024", "invalid-duplicate-fund-source.json"))
	require.NoError(t, err)
	sv, err := schemas.Questionnaire(2024)
	require.NoError(t, err)
	assert.Empty(t, sv.Validate(data))
	v := MustValidator(t, questionnaire.Options{})
	probs, err := v.Validate(context.Background(), 2024, data)
	require.NoError(t, err)
	var codes []string
	for _, p := range probs {
		codes = append(codes, p.Code)
	}
	assert.Contains(t, codes, questionnaire.CodeDuplicateCode)
}
