package questionnaire_test

import (
	"context"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting/reportingtest"
)

// BenchmarkGenerated validates 500 generated questionnaires of 2024 (the
// documents schemas/ajv/bench.sh feeds `registro validate`: gendocs, seed
// 1), cycled, and reports µs/doc and cpu-µs/doc as BenchmarkCorpus does.
// One core: go test -cpu 1.
func BenchmarkGenerated(b *testing.B) {
	v := MustValidator(b, questionnaire.Options{})
	g := reportingtest.New(1, 2024)
	docs := make([][]byte, 500)
	for i := range docs {
		d := g.Document(i)
		data, err := v.Marshal(&d)
		if err != nil {
			b.Fatal(err)
		}
		docs[i] = data
	}
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		d := docs[n%len(docs)]
		n++
		if p, err := v.Validate(ctx, 2024, d); err != nil || p != nil {
			b.Fatalf("document %d: %v %v", n, err, p)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/doc")
}
