package schemas_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamesAndFiles(t *testing.T) {
	names := schemas.Names()
	require.Contains(t, names, "problem")
	for _, n := range names {
		for _, lang := range []problem.Lang{problem.IT, problem.EN} {
			t.Run(n+"/"+string(lang), func(t *testing.T) {
				b, err := schemas.File(n, lang)
				require.NoError(t, err)
				var doc map[string]any
				require.NoError(t, json.Unmarshal(b, &doc))
				assert.Equal(t, schemas.ID(n), doc["$id"])
				assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", doc["$schema"])
				assert.Contains(t, doc["$comment"], schemas.Version)
			})
		}
	}
}

func TestUnknown(t *testing.T) {
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"file name", func() error { _, err := schemas.File("nope", problem.EN); return err }, schemas.ErrUnknown},
		{"file lang", func() error { _, err := schemas.File("problem", "fr"); return err }, schemas.ErrLang},
		{"get", func() error { _, err := schemas.Get("nope"); return err }, schemas.ErrUnknown},
		{"year", func() error { _, err := schemas.Questionnaire(1990); return err }, schemas.ErrUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.want), err.Error())
		})
	}
}

// brief is the part of a problem the tests compare.
type brief struct {
	Path, Keyword, Code string
	Params              map[string]any
}

func briefs(l problem.List) []brief {
	out := make([]brief, len(l))
	for i, p := range l {
		out[i] = brief{p.InstancePath, p.Keyword, p.Code, p.Params}
	}
	return out
}

const validProblem = `{"instancePath":"","schemaPath":"#","keyword":"required","params":{},
  "message":"m","code":"required","severity":"error","messages":{"it":"m","en":"m"}}`

func TestValidateProblemShape(t *testing.T) {
	v, err := schemas.Get("problem")
	require.NoError(t, err)
	tests := []struct {
		name string
		doc  string
		want []brief
	}{
		{"valid", validProblem, nil},
		{"missing properties give the parent and missingProperty", `{"instancePath":"","schemaPath":"#","keyword":"k","params":{},"message":"m","severity":"error"}`, []brief{
			{"", "required", "required", map[string]any{"missingProperty": "code"}},
			{"", "required", "required", map[string]any{"missingProperty": "messages"}},
		}},
		{"nested missing and additional", `{"instancePath":"","schemaPath":"#","keyword":"k","params":{},"message":"m","code":"c","severity":"error","messages":{"it":"m","fr":"x"}}`, []brief{
			{"/messages", "additionalProperties", "unknown_field", map[string]any{"additionalProperty": "fr"}},
			{"/messages", "required", "required", map[string]any{"missingProperty": "en"}},
		}},
		{"type", `{"instancePath":1,"schemaPath":"#","keyword":"k","params":[],"message":"m","code":"c","severity":"error","messages":{"it":"m","en":"m"}}`, []brief{
			{"/instancePath", "type", "type", map[string]any{"type": "string"}},
			{"/params", "type", "type", map[string]any{"type": "object"}},
		}},
		{"enum of labelled values", `{"instancePath":"","schemaPath":"#","keyword":"k","params":{},"message":"m","code":"c","severity":"fatal","messages":{"it":"m","en":"m"}}`, []brief{
			{"/severity", "oneOf", "not_in_list", map[string]any{"passingSchemas": nil, "allowedValues": []any{"error", "warning"}}},
		}},
		{"root of the wrong type", `[]`, []brief{{"", "type", "type", map[string]any{"type": "object"}}}},
		{"not JSON", `{"a":`, []brief{{"", "json", "invalid_json", map[string]any{"error": "unexpected EOF"}}}},
		{"trailing data", validProblem + ` {}`, []brief{{"", "json", "invalid_json", map[string]any{"error": "unexpected data after the JSON value"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.Validate([]byte(tt.doc))
			if tt.want == nil {
				assert.Nil(t, got)
				return
			}
			assert.Equal(t, tt.want, briefs(got))
			for _, p := range got {
				assert.NotEmpty(t, p.Messages.IT, "italian message")
				assert.NotEmpty(t, p.Messages.EN, "english message")
				assert.NotEqual(t, p.Messages.IT, p.Messages.EN)
				assert.Equal(t, p.Messages.EN, p.Message)
				assert.Equal(t, problem.Error, p.Severity)
				assert.Regexp(t, `^#`, p.SchemaPath)
			}
		})
	}
}

func TestSchemaPathIsAJVs(t *testing.T) {
	v, err := schemas.Get("problem")
	require.NoError(t, err)
	got := v.Validate([]byte(`{"instancePath":"","schemaPath":"#","keyword":"k","params":{},"message":"m","code":"c","severity":"error","messages":{"it":"m"}}`))
	require.Len(t, got, 1)
	assert.Equal(t, "#/$defs/problem.Text/required", got[0].SchemaPath)
	assert.Equal(t, "/messages", got[0].InstancePath)
	assert.Equal(t, `manca il campo obbligatorio "en"`, got[0].Messages.IT)
}

func TestValidateValue(t *testing.T) {
	v, err := schemas.Get("problem")
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal([]byte(validProblem), &doc))
	assert.Nil(t, v.ValidateValue(doc))
	got := v.ValidateValue(struct{}{})
	require.Len(t, got, 1)
	assert.Equal(t, "invalid_json", got[0].Code)
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := schemas.Get("problem")
			if err != nil {
				errs <- err
				return
			}
			doc := validProblem
			if i%2 == 1 {
				doc = `{}`
			}
			got := v.Validate([]byte(doc))
			if (i%2 == 1) != (len(got) > 0) {
				errs <- fmt.Errorf("goroutine %d: verdict %v", i, got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
