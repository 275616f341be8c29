package schemas_test

import (
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeywordPath(t *testing.T) {
	tests := []struct {
		name, schema, inline, want string
	}{
		{"root keyword", "questionnaire-2024", "#/required", "#/$defs/questionnaire.Document/required"},
		{"root property", "questionnaire-2024", "#/properties/reportingYear/const", "#/$defs/questionnaire.Document/properties/reportingYear/const"},
		{"through a $ref", "questionnaire-2024", "#/properties/body/required", "#/$defs/questionnaire.Body/required"},
		{"code list", "questionnaire-2024", "#/properties/body/properties/legalForm/oneOf", "#/$defs/questionnaire.Body/properties/legalForm/oneOf"},
		{"array items", "questionnaire-2024", "#/properties/projects/items/required", "#/$defs/questionnaire.Project/required"},
		{"array of codes", "questionnaire-2024", "#/properties/body/properties/sectors/uniqueItems", "#/$defs/questionnaire.Body/properties/sectors/uniqueItems"},
		{"unknown field", "questionnaire-2024", "#/properties/body/additionalProperties", "#/$defs/questionnaire.Body/additionalProperties"},
		{"application", "application", "#/required", "#/$defs/registry.Application/required"},
		{"already in the file", "questionnaire-2024", "#/$defs/questionnaire.Body/required", "#/$defs/questionnaire.Body/required"},
		{"a block", "questionnaire-2024", "#/allOf/0/then/required", "#/allOf/0/then/required"},
		{"a Go-only rule", "questionnaire-2024", "#/x-rules/funds_sum_mismatch", "#/x-rules/funds_sum_mismatch"},
		{"no such property", "questionnaire-2024", "#/properties/nope/type", "#/properties/nope/type"},
		{"the root", "questionnaire-2024", "#", "#"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := schemas.Get(tt.schema)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v.KeywordPath(tt.inline))
		})
	}
}

func TestBlockPath(t *testing.T) {
	tests := []struct {
		name, schema, code, keyword, want string
		ok                                bool
	}{
		{"required block", "questionnaire-2024", "section_ii_block", "required", "#/allOf/0/then/required", true},
		{"block not allowed", "questionnaire-2024", "section_ii_block", "not", "#/allOf/0/else/not", true},
		{"branches", "questionnaire-2025", "branches_not_allowed", "not", "#/allOf/1/else/not", true},
		{"no then", "questionnaire-2025", "branches_not_allowed", "required", "", false},
		{"no such block", "entity", "section_ii_block", "required", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := schemas.Get(tt.schema)
			require.NoError(t, err)
			got, ok := v.BlockPath(tt.code, tt.keyword)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
