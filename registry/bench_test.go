package registry_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openregistro/registro/registry"
)

// seed stores n bodies straight into the fixture's store: every third one
// enrolled in Section II only, the rest in Section I.
func seed(b *testing.B, f *fixture, n int) []string {
	b.Helper()
	var ids []string
	var batch registry.Batch
	for i := range n {
		first10 := fmt.Sprintf("8%06d001", i+1)
		e := body(first10+checkDigit(first10), fmt.Sprintf("Ente %06d", i))
		e.ID = fmt.Sprintf("B%06d", i)
		s := registry.SectionI
		if i%3 == 0 {
			s = registry.SectionII
		}
		e.Enrolments = []registry.Enrolment{{Section: s, Status: registry.StatusEnrolled, AppliedOn: "2023-01-10",
			History: []registry.Transition{
				{To: registry.StatusApplied, On: "2023-01-10", Actor: "seed"},
				{From: registry.StatusApplied, To: registry.StatusEnrolled, On: "2023-03-01", Actor: "seed"}}}}
		batch.Entities = append(batch.Entities, e)
		ids = append(ids, e.ID)
	}
	if _, err := f.store.Commit(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkApply files a first application (validation, codice fiscale and
// territory checks, one atomic commit) on the in-memory store.
func BenchmarkApply(b *testing.B) {
	f := newFixture(b, registry.Options{})
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		first10 := fmt.Sprintf("8%06d001", i+1)
		i++
		if _, _, err := f.reg.Apply(ctx, registry.Staff("bench"), application(body(first10+checkDigit(first10), "Ente"), "2025-01-10", registry.SectionI)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublicListing pages through 10,000 bodies as the public viewer
// (Section II bodies filtered out, published fields only): listed each
// time by a Registry over the store without its PublicVersion, and kept
// (the same pages answered again from memory).
func BenchmarkPublicListing(b *testing.B) {
	f := newFixture(b, registry.Options{})
	seed(b, f, 10_000)
	b.Run("listed", func(b *testing.B) {
		benchPublicListing(b, registry.New(plainStore{f.store}, registry.Options{Now: f.clock.Now}))
	})
	b.Run("kept", func(b *testing.B) { benchPublicListing(b, f.reg) })
}

func benchPublicListing(b *testing.B, reg *registry.Registry) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		flt := registry.Filter{Limit: registry.MaxLimit}
		n := 0
		for {
			p, err := reg.Entities(ctx, registry.Public(), flt)
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.Entities)
			if p.Next == "" {
				break
			}
			flt.Cursor = p.Next
		}
		if n != 6666 {
			b.Fatalf("listed %d", n)
		}
	}
}

// BenchmarkEnrolledOn answers "was X enrolled in Section I on D" among
// 10,000 bodies.
func BenchmarkEnrolledOn(b *testing.B) {
	f := newFixture(b, registry.Options{})
	ids := seed(b, f, 10_000)
	ctx := context.Background()
	d := day("2024-06-01")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := f.reg.EnrolledOn(ctx, ids[i%len(ids)], registry.SectionI, d); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkYearlyUpdate computes the yearly list of 10,000 bodies.
func BenchmarkYearlyUpdate(b *testing.B) {
	f := newFixture(b, registry.Options{})
	ids := seed(b, f, 10_000)
	filings := make([]registry.Filing, 0, len(ids))
	for i, id := range ids {
		if i%10 != 0 {
			filings = append(filings, registry.Filing{EntityID: id, FiledAt: day("2025-01-20")})
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.reg.YearlyUpdate(ctx, registry.Staff("bench"), 2024, filings); err != nil {
			b.Fatal(err)
		}
	}
}
