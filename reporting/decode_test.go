package reporting_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

// reportOf aggregates one document into a private report's JSON.
func reportOf(t *testing.T, d *questionnaire.Document) string {
	a, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	a.Add(d)
	b, err := reporting.JSON(a.Report())
	require.NoError(t, err)
	return string(b)
}

func TestDecodeDocument(t *testing.T) {
	for _, d := range docs(t, 50, 2024, 21) {
		b, err := json.Marshal(&d)
		require.NoError(t, err)
		var fast questionnaire.Document
		require.NoError(t, reporting.DecodeDocument(b, &fast))
		require.Equal(t, reportOf(t, &d), reportOf(t, &fast))
		require.Equal(t, d.Body.RegisterID, fast.Body.RegisterID)
	}
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"not an object", "5"},
		{"trailing", `{} x`},
		{"string year", `{"reportingYear":"2024"}`},
		{"fraction", `{"reportingYear":2024.5}`},
		{"bad escape", `{"sections":["\x"]}`},
		{"unterminated", `{"sections":["I`},
		{"partner not an object", `{"projects":[{"partners":[5]}]}`},
		{"deep", `{"x":` + string(make([]byte, 0)) + deep(10001) + `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d questionnaire.Document
			require.ErrorIs(t, reporting.DecodeDocument([]byte(tc.in), &d), reporting.ErrSyntax)
			require.Error(t, json.Unmarshal([]byte(tc.in), &d), "encoding/json agrees")
		})
	}
	var d questionnaire.Document
	require.NoError(t, reporting.DecodeDocument([]byte(`{"SECTIONS":["\u0049"],"reportingYear":null,"body":{"Region":"0\u0031"}}`), &d))
	require.Equal(t, []string{"I"}, d.Sections)
	require.Equal(t, "01", d.Body.Region)
}

func deep(n int) string {
	b := make([]byte, 0, 2*n)
	for range n {
		b = append(b, '[')
	}
	for range n {
		b = append(b, ']')
	}
	return string(b)
}

// FuzzDecodeDocument uses encoding/json as the oracle: whatever it accepts,
// DecodeDocument accepts too, and the two documents give the same report.
func FuzzDecodeDocument(f *testing.F) {
	for _, d := range docs(f, 4, 2024, 13) {
		b, _ := json.Marshal(&d)
		f.Add(b)
	}
	f.Add([]byte(`{"sections":["I","I"],"sections":null,"body":{"region":"03"},"BODY":{"legalForm":"foundation"},"projects":[{"section":"I","partners":[null,{}]},null]}`))
	f.Add([]byte(`{"projects":[{"beneficiaries":{"bySex":[{"sex":"female","count":3}],"BYSEX":[{"count":1}]}}]}`))
	for _, doc := range []string{`{"reportingYear":1e999999999}`, `{"projects":[{"funds":{"totalCents":1e1000000}}]}`,
		`{"body":{"name":"a\u0000b"}}`, "{\"body\":{\"name\":\"\xff\"}}"} { // issue 15
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var std, fast questionnaire.Document
		if json.Unmarshal(data, &std) != nil {
			return
		}
		if err := reporting.DecodeDocument(data, &fast); err != nil {
			t.Fatalf("encoding/json accepts, DecodeDocument does not: %v", err)
		}
		if a, b := reportOf(t, &std), reportOf(t, &fast); a != b {
			t.Fatalf("reports differ")
		}
		if std.Body.RegisterID != fast.Body.RegisterID {
			t.Fatalf("register ID %q vs %q", std.Body.RegisterID, fast.Body.RegisterID)
		}
	})
}
