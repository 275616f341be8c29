package questionnaire_test

import (
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateSyntax = flag.Bool("update-syntax", false, "rewrite testdata/syntax.golden.json from the decoder")

// syntaxInputs are text that is not JSON, or JSON the decoder reads in an
// unusual way: every truncation of a small document, each structural byte
// of it replaced in turn, bad escapes, control characters, literals, numbers,
// nesting beyond the bound, repeated keys, trailing data.
func syntaxInputs() []string {
	base := `{"reportingYear":2024,"body":{"name":"A\u00e9\"b","taxCode":"x"},"projects":[{"title":"t","sectors":["a","b"]},{}],"x":[1,-2.5e3,true,false,null,{"k":[]}],"reportingYear":"s"}`
	in := []string{
		"", " ", "\n\t", "{", "[", `"`, "}", "]", ",", ":", "x", "nul", "tru", "fals", "nulx", "trux", "-", "1.", "1e", "1e+", "-x", "01",
		"{}", "[]", `{"a"}`, `{"a":}`, `{"a" 1}`, `{"a":1,}`, `{"a":1 "b":2}`, `{,}`, `{1:2}`, `[1,]`, `[1 2]`, `[,1]`,
		`{"body":{"name":"\x"}}`, `{"body":{"name":"\u12x4"}}`, `{"body":{"name":"\u12"}}`, `{"body":{"name":"a` + "\x01" + `b"}}`,
		`{"body":{"name":"a` + "\n" + `b"}}`, `{"bo\dy":1}`, `{"b` + "\x02" + `":1}`, `{"reportingYear":tru}`, `{"reportingYear":nul}`,
		`{"reportingYear":-}`, `{"reportingYear":1.}`, `{"reportingYear":1.5e}`, `{"reportingYear":01}`, `{"reportingYear":+1}`,
		`{"reportingYear":.5}`, `{"body":{"name":'x'}}`, `{"body":{"name":"x"}} x`, `{} {}`, `{}]`, `{"a":[1}`, `{"a":{]}`,
		`{"reportingYear":2024,"reportingYear":2023}`, `{"reportingYear":2024,"reportingYear":"x"}`, `{"body":{},"body":{"name":"a"}}`,
		`{"r\u0065portingYear":2024}`, `{"é":1}`, `{"body":{"name":"\ud83d\ude00"}}`, `{"reportingYear":true,"x":nulL}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		`{"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
		`{"x":` + strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001) + `}`,
		`{"body":` + strings.Repeat("[", 10001),
		`{"projects":[` + strings.Repeat("{},", 3) + `}`,
		`{"reportingYear":1e3,"body":1.0e0}`, `{"reportingYear":99999999999999999999}`, `{"reportingYear":-1e30}`, `{"reportingYear":1.5}`,
	}
	for i := range len(base) + 1 {
		in = append(in, base[:i])
	}
	for i := range len(base) {
		switch base[i] {
		case '{', '}', '[', ']', ':', ',', '"', '\\', 't', 'n', 'f', '1', '-', '.', 'e':
			for _, c := range []string{"", "x", " ", "}", "]", ",", ":", "\"", "{", "[", "0", "\\"} {
				in = append(in, base[:i]+c+base[i+1:])
			}
		}
	}
	return in
}

// syntaxCase is one input and its problems, each as "pointer code params
// English | Italian", but for missing properties (pinned by the examples'
// golden problem lists), which are only counted.
type syntaxCase struct {
	In       string   `json:"in"`
	Problems []string `json:"problems"`
}

// TestSyntaxProblems pins what the decoder says about every input of
// syntaxInputs: the problems (pointer, code, params, both languages) were
// recorded from the hand-written scanner the decoder had before it was
// built on jsontext, and must not change.
func TestSyntaxProblems(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{})
	var got []syntaxCase
	for _, in := range syntaxInputs() {
		_, probs, err := v.Decode(2024, []byte(in))
		require.NoError(t, err)
		c := syntaxCase{In: in, Problems: []string{}}
		required := 0
		for _, p := range probs {
			if p.Code == "required" {
				required++ // pinned by the example goldens; counted here
				continue
			}
			params, err := json.Marshal(p.Params)
			require.NoError(t, err)
			c.Problems = append(c.Problems, p.InstancePath+" "+p.Code+" "+string(params)+" "+p.Messages.EN+" | "+p.Messages.IT)
		}
		c.Problems = append(c.Problems, "required: "+strconv.Itoa(required))
		got = append(got, c)
	}
	const golden = "testdata/syntax.golden.json"
	if *updateSyntax {
		var b []byte
		for i, c := range got {
			line, err := json.Marshal(c)
			require.NoError(t, err)
			if i > 0 {
				b = append(b, ",\n"...)
			}
			b = append(b, line...)
		}
		b = append(append([]byte("[\n"), b...), "\n]\n"...)
		require.NoError(t, os.WriteFile(golden, b, 0o644))
	}
	b, err := os.ReadFile(golden)
	require.NoError(t, err)
	var want []syntaxCase
	require.NoError(t, json.Unmarshal(b, &want))
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i], got[i], "input %q", want[i].In)
	}
}
