package questionnaire_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/schemas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitSeeds are the inputs of issue 15 (numbers that made the validator
// panic or spend tens of milliseconds each, text no store can hold); they
// are also seeds of FuzzValidate.
var limitSeeds = []string{
	`{"reportingYear":1e999999999}`,
	`{"reportingYear":1e1000000}`,
	`{"reportingYear":-1e999999999}`,
	`{"reportingYear":1e-999999999}`,
	`{"projects":[{"funds":{"totalCents":1e999999999}}]}`,
	`{"unknown":[1e999999999]}`,
	`{"body":{"name":"a\u0000b"}}`,
	"{\"body\":{\"name\":\"a\xffb\"}}",
	`{"body":{"name":"\ud800"}}`,
}

// TestHugeNumbersAnywhere puts 1e999999999 in place of every value of a
// valid document, in turn: each is a problem at that value's pointer, never
// a panic, in both modes and in Decode.
func TestHugeNumbersAnywhere(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{})
	ctx := context.Background()
	for _, doc := range limitSeeds {
		t.Run(doc, func(t *testing.T) {
			for _, mode := range []questionnaire.Mode{questionnaire.Complete, questionnaire.Draft} {
				got, probs, err := v.Check(ctx, 2024, []byte(doc), mode)
				require.NoError(t, err)
				assert.Nil(t, got)
				require.NotEmpty(t, probs)
				assert.Contains(t, []string{schemas.CodeNumberOutOfBounds, schemas.CodeInvalidText}, probs[0].Code)
				assert.NotEmpty(t, probs[0].InstancePath)
			}
			_, probs, err := v.Decode(2024, []byte(doc))
			require.NoError(t, err)
			require.NotEmpty(t, probs)
		})
	}
	// Every scalar of a valid sample in turn.
	var tree any
	require.NoError(t, json.Unmarshal(mustMarshal(t, v, questionnairetest.Sample(2024, 2, false)), &tree))
	huge := json.Number("1e999999999")
	n := 0
	var walk func(path string, node any, set func(any))
	walk = func(path string, node any, set func(any)) {
		switch x := node.(type) {
		case map[string]any:
			for k, e := range x {
				walk(path+"/"+k, e, func(nv any) { x[k] = nv })
			}
		case []any:
			for i, e := range x {
				walk(path+"/"+strconv.Itoa(i), e, func(nv any) { x[i] = nv })
			}
		default:
			set(huge)
			doc, err := json.Marshal(tree)
			set(node)
			require.NoError(t, err)
			n++
			probs, err := v.Validate(ctx, 2024, doc)
			require.NoError(t, err)
			require.Len(t, probs, 1, path)
			assert.Equal(t, schemas.CodeNumberOutOfBounds, probs[0].Code)
			assert.Equal(t, path, probs[0].InstancePath)
		}
	}
	walk("", tree, nil)
	assert.Greater(t, n, 20)
}

// TestDecodeStopsWithContext: a cancelled context stops decoding with the
// context's error.
func TestDecodeStopsWithContext(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	doc := `{"unknown":[` + strings.Repeat("1,", 100000) + `1]}`
	_, _, err := v.Check(ctx, 2024, []byte(doc), questionnaire.Complete)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestBoundsInTheDecoder: Check looks for what schemas.CheckJSON refuses
// while it decodes, instead of in a pass of its own before; its answer must
// be the one of CheckJSON running first. Every string of a valid sample in
// turn (and every key) becomes text CheckJSON refuses, or text with escapes
// and non-ASCII letters it accepts; numbers get exponents and many digits
// within and beyond the bounds; some documents end in a syntax error after
// the bad value.
func TestBoundsInTheDecoder(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{})
	ctx := context.Background()
	base := string(mustMarshal(t, v, questionnairetest.Sample(2024, 2, true)))
	var docs []string
	strs := []string{`"a\u0000b"`, "\"a\xffb\"", `"\ud800"`, `"\udc00x"`, `"\ud83d\ude00"`, `"Forlì"`, `"a\"b\\c\nd"`, `"\u00e8"`, `""`}
	nums := []string{"1e2", "1E400", "1e401", "-1e-401", "1.5e3", "0." + strings.Repeat("0", 99) + "1",
		strings.Repeat("9", 100), strings.Repeat("9", 101), "1" + strings.Repeat("0", 99) + ".0", "12345678901234567890"}
	// Replace each string (value or key) in turn.
	for i := 0; i < len(base); i++ {
		if base[i] != '"' {
			continue
		}
		j := i + 1 + strings.IndexByte(base[i+1:], '"')
		for _, s := range strs {
			docs = append(docs, base[:i]+s+base[j+1:])
		}
		docs = append(docs, base[:i]+strs[1]+base[j+1:len(base)-1]+",]")
		i = j
	}
	// Replace each number in turn.
	for i := 0; i < len(base); i++ {
		if c := base[i]; c != '-' && (c < '0' || c > '9') || base[i-1] == '"' {
			continue
		}
		j := i
		for j < len(base) && strings.IndexByte("+-.eE0123456789", base[j]) >= 0 {
			j++
		}
		for _, n := range nums {
			docs = append(docs, base[:i]+n+base[j:])
		}
		docs = append(docs, base[:i]+nums[2]+base[j:len(base)-1]+"}}")
		i = j
	}
	require.Greater(t, len(docs), 500)
	refused := 0
	for _, doc := range docs {
		want := schemas.CheckJSON([]byte(doc))
		if want != nil {
			refused++
		}
		for _, mode := range []questionnaire.Mode{questionnaire.Complete, questionnaire.Draft} {
			got, probs, err := v.Check(ctx, 2024, []byte(doc), mode)
			require.NoError(t, err)
			if want == nil {
				continue
			}
			want.Sort()
			assert.Nil(t, got, doc)
			assert.Equal(t, want, probs, doc)
		}
	}
	assert.Greater(t, refused, 200)
	assert.Less(t, refused, len(docs)-200)
}
