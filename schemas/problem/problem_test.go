package problem_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPointer(t *testing.T) {
	tests := []struct {
		name   string
		tokens []string
		want   string
	}{
		{"root", nil, ""},
		{"simple", []string{"projects", "0", "title"}, "/projects/0/title"},
		{"escapes", []string{"a/b", "m~n"}, "/a~1b/m~0n"},
		{"empty token", []string{""}, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problem.Pointer(tt.tokens...)
			assert.Equal(t, tt.want, got)
			back, err := problem.Tokens(got)
			require.NoError(t, err)
			if len(tt.tokens) == 0 {
				assert.Empty(t, back)
			} else {
				assert.Equal(t, tt.tokens, back)
			}
		})
	}
	_, err := problem.Tokens("no-slash")
	assert.Error(t, err)
}

func TestListIsErrInvalid(t *testing.T) {
	warn := problem.List{problem.New("/a", "late", "late_filing", nil, "in ritardo", "late").AsWarning()}
	assert.False(t, errors.Is(warn, problem.ErrInvalid))
	assert.NoError(t, warn.Err())

	bad := append(warn, problem.Required("/projects/0", "title"))
	err := fmt.Errorf("file x: %w", bad.Err())
	assert.True(t, errors.Is(err, problem.ErrInvalid))
	l, ok := problem.AsList(err)
	require.True(t, ok)
	assert.Len(t, l, 2)
	assert.Contains(t, err.Error(), "/projects/0/title: must have required property 'title' [required]")
}

func TestSortIsDeterministic(t *testing.T) {
	l := problem.List{
		problem.Required("/b", "x"),
		problem.Required("/a", "z"),
		problem.Required("/a", "y"),
	}
	l.Sort()
	assert.Equal(t, "y", l[0].Params["missingProperty"])
	assert.Equal(t, "z", l[1].Params["missingProperty"])
	assert.Equal(t, "/b", l[2].InstancePath)
}

func TestJSONShape(t *testing.T) {
	p := problem.New("/x", "sum", "sum_mismatch", nil, "la somma non torna", "the sum does not match")
	b, err := json.Marshal(p.Localize(problem.IT))
	require.NoError(t, err)
	assert.JSONEq(t, `{"instancePath":"/x","schemaPath":"#/x-rules/sum_mismatch","keyword":"sum",
		"params":{},"message":"la somma non torna","code":"sum_mismatch","severity":"error",
		"messages":{"it":"la somma non torna","en":"the sum does not match"}}`, string(b))
	var back problem.Problem
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, problem.Error, back.Severity)
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]problem.Lang{"it": problem.IT, "EN": problem.EN, " en ": problem.EN} {
		got, err := problem.ParseLang(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := problem.ParseLang("fr")
	assert.Error(t, err)
}

func ExampleRequired() {
	p := problem.Required(problem.Pointer("projects", problem.Index(2)), "title")
	b, _ := json.Marshal(p)
	fmt.Println(string(b))
	fmt.Println(p.Localize(problem.IT))
	// Output:
	// {"instancePath":"/projects/2","schemaPath":"#/x-rules/required","keyword":"required","params":{"missingProperty":"title"},"message":"must have required property 'title'","code":"required","severity":"error","messages":{"it":"manca il campo obbligatorio \"title\"","en":"must have required property 'title'"}}
	// /projects/2/title: manca il campo obbligatorio "title" [required]
}
