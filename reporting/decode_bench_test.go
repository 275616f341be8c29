package reporting_test

import (
	"encoding/json"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

// BenchmarkDecodeDocument measures decoding one questionnaire's JSON
// (DecodeDocument, the fields the report reads) against encoding/json
// (every field), on the same 500 generated questionnaires of 2024.
func BenchmarkDecodeDocument(b *testing.B) {
	ds := docs(b, 500, 2024, 42)
	raw := make([][]byte, len(ds))
	size := 0
	for i := range ds {
		raw[i], _ = json.Marshal(&ds[i])
		size += len(raw[i])
	}
	for _, bc := range []struct {
		name   string
		decode func([]byte, *questionnaire.Document) error
	}{
		{"DecodeDocument", reporting.DecodeDocument},
		{"encoding-json", func(b []byte, d *questionnaire.Document) error { return json.Unmarshal(b, d) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(size / len(raw)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				var d questionnaire.Document
				if err := bc.decode(raw[i%len(raw)], &d); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
