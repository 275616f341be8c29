package schemas_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hugeNumbers are the inputs of issue 15 that made the validators panic or
// spend tens of milliseconds per number; they are also fuzz seeds.
var hugeNumbers = []string{
	`{"reportingYear":1e999999999}`,
	`{"reportingYear":1e1000000}`,
	`{"reportingYear":-1E+999999999}`,
	`{"reportingYear":1e-999999999}`,
	`{"projects":[{"funds":{"totalCents":1e999999999}}]}`,
	`[1e999999999]`,
	`1e999999999`,
	`{"reportingYear":2024.` + strings.Repeat("0", 200) + `}`,
}

func TestCheckJSON(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // "code pointer"
	}{
		{"plain", `{"a":[1,2.5,-3e10,"x",true,null],"b":{"c":"città"}}`, nil},
		{"bounds", `[1e400,1e-400,-1E+400,` + strings.Repeat("9", 100) + `]`, nil},
		{"exponent", `{"reportingYear":1e999999999}`, []string{"number_out_of_bounds /reportingYear"}},
		{"exponent just past", `{"a":1e401}`, []string{"number_out_of_bounds /a"}},
		{"exponent leading zeros", `{"a":1e0000000000000000000000400}`, nil},
		{"negative exponent", `{"a":[0,1e-999999]}`, []string{"number_out_of_bounds /a/1"}},
		{"digits", `{"a":` + strings.Repeat("9", 101) + `}`, []string{"number_out_of_bounds /a"}},
		{"fraction digits", `{"a":0.` + strings.Repeat("1", 100) + `}`, []string{"number_out_of_bounds /a"}},
		{"top level", `1e999999999`, []string{"number_out_of_bounds "}},
		{"escaped key", `{"a~/\u0062":1e999}`, []string{"number_out_of_bounds /a~0~1b"}},
		{"nul escape", `{"name":"a\u0000b"}`, []string{"invalid_text /name"}},
		{"invalid utf8", "{\"name\":\"a\xffb\"}", []string{"invalid_text /name"}},
		{"lone surrogate", `{"x":["\ud800"]}`, []string{"invalid_text /x/0"}},
		{"lone low surrogate", `{"x":"\udc00"}`, []string{"invalid_text /x"}},
		{"pair", `{"x":"\ud83d\ude00"}`, nil},
		{"bad key", `{"a\u0000":1}`, []string{"invalid_text /a\x00"}},
		{"several", `{"a":1e999,"b":"\u0000","c":[1e-999]}`, []string{
			"number_out_of_bounds /a", "invalid_text /b", "number_out_of_bounds /c/0"}},
		{"syntax error stops quietly", `{"a":1e999,`, []string{"number_out_of_bounds /a"}},
		{"garbage", `}{`, nil},
		{"empty", ``, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range schemas.CheckJSON([]byte(tc.doc)) {
				got = append(got, p.Code+" "+p.InstancePath)
				assert.NotEmpty(t, p.Messages.IT)
				assert.NotEmpty(t, p.Messages.EN)
				assert.Equal(t, "#", p.SchemaPath)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCheckJSONCapsProblems(t *testing.T) {
	doc := "[" + strings.Repeat("1e999999999,", 10000) + "0]"
	got := schemas.CheckJSON([]byte(doc))
	require.Len(t, got, schemas.MaxLimitProblems+1)
	assert.Equal(t, schemas.CodeTooManyProblems, got[len(got)-1].Code)
}

// TestValidateHugeNumbers: every number the issue names is a problem, never a
// panic, from both Validate and ValidateValue.
func TestValidateHugeNumbers(t *testing.T) {
	v, err := schemas.Questionnaire(2024)
	require.NoError(t, err)
	for _, doc := range append(hugeNumbers, `{"body":{"name":"a\u0000"}}`) {
		t.Run(doc[:min(len(doc), 40)], func(t *testing.T) {
			probs := v.Validate([]byte(doc))
			require.NotEmpty(t, probs)
			assert.Contains(t, []string{schemas.CodeNumberOutOfBounds, schemas.CodeInvalidText}, probs[0].Code)
			var val any
			dec := json.NewDecoder(strings.NewReader(doc))
			dec.UseNumber()
			require.NoError(t, dec.Decode(&val))
			probs = v.ValidateValue(val)
			require.NotEmpty(t, probs)
			assert.Contains(t, []string{schemas.CodeNumberOutOfBounds, schemas.CodeInvalidText}, probs[0].Code)
		})
	}
}

func TestValidText(t *testing.T) {
	for s, want := range map[string]bool{"": true, "città": true, "a\x00": false, "\xff": false, "\u2028": true} {
		assert.Equal(t, want, schemas.ValidText(s), "%q", s)
	}
}
