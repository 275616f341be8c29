package questionnaire_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/require"
)

// TestFilingJSON: a filing's JSON (a line of an export) carries the document
// as JSON (compacted, as encoding/json writes a json.RawMessage) and reads
// back equal but for that, warnings included.
func TestFilingJSON(t *testing.T) {
	doc := json.RawMessage(`{"reportingYear":2024,  "body": {"taxCode": "80123450159"}}`)
	for _, tc := range []struct {
		name string
		f    questionnaire.Filing
		keys []string
	}{
		{"on time", questionnaire.Filing{BodyTaxCode: "80123450159", Year: 2024, Revision: 1,
			FiledAt: time.Date(2025, 1, 20, 9, 0, 0, 0, time.UTC), FilerTaxCode: "RSSMRA80A01H501U", Document: doc},
			[]string{"bodyTaxCode", "year", "revision", "filedAt", "filerTaxCode", "document"}},
		{"late, with its warning", questionnaire.Filing{BodyTaxCode: "80123450159", Year: 2024, Revision: 2,
			FiledAt: time.Date(2025, 2, 3, 9, 0, 0, 0, time.UTC), FilerTaxCode: "RSSMRA80A01H501U", Late: true, Document: doc,
			Warnings: problem.List{problem.New("", "deadline", "late_filing", nil, "in ritardo", "late").AsWarning()}},
			[]string{"bodyTaxCode", "year", "revision", "filedAt", "filerTaxCode", "late", "document", "warnings"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.f)
			require.NoError(t, err)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &m))
			require.Len(t, m, len(tc.keys), string(b))
			for _, k := range tc.keys {
				require.Contains(t, m, k)
			}
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, doc))
			require.Equal(t, compact.String(), string(m["document"]), "the document")
			var back questionnaire.Filing
			require.NoError(t, json.Unmarshal(b, &back))
			want := tc.f
			want.Document = compact.Bytes()
			require.Equal(t, want, back)
		})
	}
}
