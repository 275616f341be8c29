package reporting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"sync/atomic"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

// cycle yields n documents taken in turn from pool: the counting work is
// that of n distinct questionnaires without holding n of them in memory.
func cycle[T any](pool []T, n int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for i := range n {
			if !yield(pool[i%len(pool)], nil) {
				return
			}
		}
	}
}

// distinct yields n questionnaires cycling over pool, each of its own body
// (codes[i] as tax code), so that none replaces another.
func distinct(pool []questionnaire.Document, codes []string) iter.Seq2[questionnaire.Document, error] {
	return func(yield func(questionnaire.Document, error) bool) {
		for i, c := range codes {
			d := pool[i%len(pool)]
			d.Body.TaxCode = c
			if !yield(d, nil) {
				return
			}
		}
	}
}

// BenchmarkAggregate measures counting n questionnaires of n distinct
// bodies into a public national report (Report included): "typed" from
// decoded documents on one goroutine, "parallel" the same over every core,
// and "ndjson" decoding each questionnaire's JSON (DecodeDocument) and
// counting, over every core.
func BenchmarkAggregate(b *testing.B) {
	pool := docs(b, 2000, 2024, 42)
	codes := make([]string, 100_000)
	for i := range codes {
		codes[i] = fmt.Sprintf("B%010d", i)
	}
	raw := make([][]byte, len(pool))
	for i := range pool {
		var err error
		if raw[i], err = json.Marshal(&pool[i]); err != nil {
			b.Fatal(err)
		}
	}
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d/typed", n), func(b *testing.B) {
			for b.Loop() {
				a, _ := reporting.New(2024, reporting.Options{})
				for i := range n {
					d := pool[i%len(pool)]
					d.Body.TaxCode = codes[i]
					a.Add(&d)
				}
				_, _ = reporting.PublicReports(a)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
		b.Run(fmt.Sprintf("n=%d/parallel", n), func(b *testing.B) {
			for b.Loop() {
				a, _ := reporting.New(2024, reporting.Options{})
				if err := reporting.AggregateParallel(context.Background(), a, distinct(pool, codes[:n]), 0); err != nil {
					b.Fatal(err)
				}
				_, _ = reporting.PublicReports(a)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
		b.Run(fmt.Sprintf("n=%d/ndjson", n), func(b *testing.B) {
			for b.Loop() {
				a, _ := reporting.New(2024, reporting.Options{})
				var next atomic.Int64
				err := reporting.Parallel(context.Background(), a, cycle(raw, n), 0, func(w *reporting.Aggregator, data *[]byte) error {
					var d questionnaire.Document
					if err := reporting.DecodeDocument(*data, &d); err != nil {
						return err
					}
					d.Body.TaxCode = codes[next.Add(1)-1]
					w.Add(&d)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				_, _ = reporting.PublicReports(a)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
