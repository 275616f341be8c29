package schemas_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFieldPointer(t *testing.T) {
	tests := []struct {
		name string
		p    problem.Problem
		want string
	}{
		{"required", problem.Required("/projects/0", "title"), "/projects/0/title"},
		{"unknown field", problem.New("", "additionalProperties", "unknown_field", map[string]any{"additionalProperty": "a/b"}, "x", "x"), "/a~1b"},
		{"forbidden", problem.New("", "not", "branches_not_allowed", map[string]any{"property": "branches"}, "x", "x"), "/branches"},
		{"value", problem.New("/body/legalForm", "oneOf", "not_in_list", nil, "x", "x"), "/body/legalForm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, schemas.FieldPointer(tt.p))
		})
	}
}

func TestExtraErrors(t *testing.T) {
	l := problem.List{
		problem.Required("/projects/0", "title"),
		problem.New("/projects/0/title", "minLength", "min_length", nil, "troppo corto", "too short"),
		problem.New("", "not", "section_ii_block", map[string]any{"property": "sectionII"}, "non ammesso", "not allowed"),
		problem.New("", "type", "type", nil, "deve essere un oggetto", "must be an object"),
		problem.New("/projects/0", "additionalProperties", "unknown_field", map[string]any{"additionalProperty": "extra"},
			"il campo \"extra\" non è previsto", "must NOT have additional property 'extra'"),
	}
	b, err := json.Marshal(schemas.ExtraErrors(l, problem.IT))
	require.NoError(t, err)
	assert.JSONEq(t, `{
	  "__errors": ["deve essere un oggetto"],
	  "projects": {"0": {"__errors": ["il campo \"extra\" non è previsto"], "title": {"__errors": ["manca il campo obbligatorio \"title\"", "troppo corto"]}}},
	  "sectionII": {"__errors": ["non ammesso"]}
	}`, string(b))
}

// The server's problems, shaped for react-jsonschema-form's extraErrors.
func ExampleExtraErrors() {
	v, err := schemas.Questionnaire(2024)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := v.Validate([]byte(`{"reportingYear": 2024, "sections": ["I"], "projects": [{}], "body": {}, "filer": {}, "ukraineFocus": {"active": false, "beneficiaries": 0}}`))
	errs := schemas.ExtraErrors(l, problem.EN)
	b, _ := json.Marshal(errs["projects"].(map[string]any)["0"].(map[string]any)["title"])
	fmt.Println(string(b))
	// Output:
	// {"__errors":["must have required property 'title'"]}
}
