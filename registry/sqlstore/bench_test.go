package sqlstore_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// Sizes of the benchmark data sets.
const (
	benchEntities = 5000
	benchFilings  = 2000
)

// BenchmarkStore measures, on each backend: filing one questionnaire (one
// durable transaction), reading one 50-entity page of a filtered listing,
// one 50-body page of the public listing through the Registry, and
// streaming a year of benchFilings filings.
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			// Each sub-benchmark opens a fresh, empty store: with -count N a
			// sub-benchmark runs N times and must not meet its own data.
			b.Run("insert_filing", func(b *testing.B) {
				fs := mustOpen(b, be.dsn(b), sqlstore.Options{}).Filings()
				doc := make([]byte, 3200) // a typical 3-project questionnaire is ~3.2 KB
				for i := range doc {
					doc[i] = 'x'
				}
				i := 0
				for b.Loop() {
					i++
					if err := fs.Put(ctx, questionnaire.Filing{BodyTaxCode: fmt.Sprintf("9%010d", i), Year: 2030, Revision: 1,
						FiledAt: time.Unix(int64(i), 0), FilerTaxCode: "RSSMRA80A01H501U", Document: doc}); err != nil {
						b.Fatal(err)
					}
				}
			})

			b.Run("list_page", func(b *testing.B) {
				s := mustOpen(b, be.dsn(b), sqlstore.Options{})
				es := make([]registry.Entity, benchEntities)
				for i := range es {
					region := []string{"12", "01", "03", "15"}[i%4]
					st := []registry.Status{registry.StatusEnrolled, registry.StatusApplied}[i%2]
					es[i] = registry.Entity{ID: fmt.Sprintf("E%06d", i), CodiceFiscale: fmt.Sprintf("8%010d", i), Name: fmt.Sprintf("Ente %d", i),
						LegalForm: "association_recognised", Seat: registry.Address{Region: region, Province: "XX"},
						Enrolments: []registry.Enrolment{{Section: registry.SectionI, Status: st, AppliedOn: "2024-01-10"}}}
				}
				if _, err := s.Commit(ctx, registry.Batch{Entities: es}); err != nil {
					b.Fatal(err)
				}
				if err := s.Analyze(ctx); err != nil {
					b.Fatal(err)
				}
				f := registry.Filter{Region: "12", Section: registry.SectionI, Status: registry.StatusEnrolled, Limit: 50}
				for b.Loop() {
					p, err := s.Entities(ctx, f)
					if err != nil || len(p.Entities) != 50 {
						b.Fatalf("page: %d entities, %v", len(p.Entities), err)
					}
				}
			})

			// One 50-body page of the public listing through the Registry:
			// a quarter of the bodies are Section II only (left out by the
			// query), a quarter pending in Section I (read, then rejected by
			// the viewer's rule), half enrolled in Section I.
			b.Run("public_page", func(b *testing.B) {
				s := mustOpen(b, be.dsn(b), sqlstore.Options{})
				es := make([]registry.Entity, benchEntities)
				for i := range es {
					en := registry.Enrolment{Section: registry.SectionI, Status: registry.StatusEnrolled, AppliedOn: "2020-01-10",
						History: []registry.Transition{{To: registry.StatusApplied, On: "2020-01-10"}, {From: registry.StatusApplied, To: registry.StatusEnrolled, On: "2020-03-01"}}}
					switch i % 4 {
					case 1:
						en.Section = registry.SectionII
					case 3:
						en.Status, en.History = registry.StatusApplied, en.History[:1]
					}
					es[i] = registry.Entity{ID: fmt.Sprintf("E%06d", i), CodiceFiscale: fmt.Sprintf("8%010d", i), Name: fmt.Sprintf("Ente %d", i),
						LegalForm: "association_recognised", Seat: registry.Address{Region: "12", Province: "RM"},
						Enrolments: []registry.Enrolment{en}}
				}
				if _, err := s.Commit(ctx, registry.Batch{Entities: es}); err != nil {
					b.Fatal(err)
				}
				if err := s.Analyze(ctx); err != nil {
					b.Fatal(err)
				}
				now := func() time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) }
				f := registry.Filter{Limit: 50, Cursor: registry.CursorAfter("E002000")}
				// listed: the page listed every time, by a Registry over
				// the store without its PublicVersion (it keeps nothing);
				// kept: the same request answered again from the pages
				// the Registry keeps (one read of the version, a copy).
				for _, c := range []struct {
					name  string
					store registry.Store
				}{{"listed", struct{ registry.Store }{s}}, {"kept", s}} {
					b.Run(c.name, func(b *testing.B) {
						reg := registry.New(c.store, registry.Options{Now: now})
						for b.Loop() {
							p, err := reg.Entities(ctx, registry.Public(), f)
							if err != nil || len(p.Entities) != 50 || p.Next == "" {
								b.Fatalf("page: %d entities, next %q, %v", len(p.Entities), p.Next, err)
							}
						}
					})
				}
			})

			b.Run("stream_year", func(b *testing.B) {
				s := mustOpen(b, be.dsn(b), sqlstore.Options{})
				fs := s.Filings()
				seedFilings(b, fs, 2024, benchFilings)
				if err := s.Analyze(ctx); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					n := 0
					for _, err := range fs.Year(ctx, 2024) {
						if err != nil {
							b.Fatal(err)
						}
						n++
					}
					if n != benchFilings {
						b.Fatalf("streamed %d", n)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchFilings), "ns/filing")
			})
		})
	}
}

// BenchmarkConcurrentFilings files with 16, 64 and 256 concurrent callers,
// each filing one questionnaire of 3.2 KB with its questionnaire.filed
// event and an idempotency key (what registrod's POST /v1/filings writes),
// and reports the writes per transaction of the group commit.
func BenchmarkConcurrentFilings(b *testing.B) {
	ctx := context.Background()
	doc := []byte(`{"pad":"` + strings.Repeat("x", 3200) + `"}`)
	for _, be := range backends() {
		for _, callers := range []int{16, 64, 256} {
			b.Run(fmt.Sprintf("%s/callers=%d", be.name, callers), func(b *testing.B) {
				s := mustOpen(b, be.dsn(b), sqlstore.Options{})
				if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{{ID: "B1", CodiceFiscale: "90000000001",
					Name: "Ente", LegalForm: "association_recognised", Seat: registry.Address{Region: "12", Province: "RM"}}}}); err != nil {
					b.Fatal(err)
				}
				before := s.CommitStats()
				var n atomic.Int64
				b.SetParallelism((callers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						kctx := questionnaire.WithIdempotencyKey(ctx, questionnaire.IdempotencyKey{Subject: "B1", Key: fmt.Sprint(i), RequestHash: "h"})
						cf := fmt.Sprintf("8%010d", i)
						if _, err := s.Filings().PutWithEvents(kctx, questionnaire.Filing{BodyTaxCode: cf, Year: 2024, Revision: 1,
							FiledAt: time.Unix(i, 0), FilerTaxCode: "RSSMRA80A01H501U", Document: doc},
							[]registry.Event{{At: time.Unix(i, 0), Actor: "B1", Kind: registry.EventReportFiled, EntityID: "B1", RecordID: cf}}); err != nil {
							b.Error(err)
							return
						}
					}
				})
				st := s.CommitStats()
				if tx := st.Transactions - before.Transactions; tx > 0 {
					b.ReportMetric(float64(st.Writes-before.Writes)/float64(tx), "writes/tx")
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "filings/s")
			})
		}
	}
}
