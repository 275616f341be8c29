package reporting_test

import (
	"encoding/json"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

// FuzzAggregate feeds arbitrary questionnaire JSON (as decoded by
// encoding/json, unvalidated) to an aggregator: nothing panics, every
// document is counted exactly once (in scope or out), and every renderer
// accepts the report.
func FuzzAggregate(f *testing.F) {
	for _, d := range docs(f, 5, 2024, 8) {
		b, _ := json.Marshal(&d)
		f.Add(b)
	}
	f.Add([]byte(`{"reportingYear":2024,"sections":["II","II","X"],"body":{"region":"01","legalForm":"nope"},"projects":[{"section":"II","funds":{"totalCents":-5,"bySource":[{"source":"own","amountCents":9}]},"beneficiaries":{"total":-1}}]}`))
	for _, doc := range []string{`{"reportingYear":1e999999999}`, `{"projects":[{"funds":{"totalCents":1e1000000}}]}`,
		`{"body":{"name":"a\u0000b"}}`, "{\"body\":{\"name\":\"\xff\"}}"} { // issue 15
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d questionnaire.Document
		if json.Unmarshal(data, &d) != nil {
			return
		}
		a, err := reporting.New(2024, reporting.Options{})
		if err != nil {
			t.Fatal(err)
		}
		a.Add(&d)
		r := publicReport(t, a)
		if r.Filings == nil {
			// A single filing: the header would disclose it.
			if r.OutOfScope != nil {
				t.Fatal("filings suppressed but out of scope published")
			}
		} else if *r.Filings+*r.OutOfScope != 1 {
			t.Fatalf("filings %d + out of scope %d != 1", *r.Filings, *r.OutOfScope)
		}
		if _, err := reporting.JSON(r); err != nil {
			t.Fatal(err)
		}
		if _, err := reporting.CSV(r, "it"); err != nil {
			t.Fatal(err)
		}
		_ = reporting.Markdown(r, "en")
		_ = reporting.HTML(r, "it")
	})
}
