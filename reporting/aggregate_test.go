package reporting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/reporting/reportingtest"
)

// docs returns n generated documents of year.
func docs(tb testing.TB, n, year int, seed uint64) []questionnaire.Document {
	tb.Helper()
	g := reportingtest.New(seed, year)
	out := make([]questionnaire.Document, n)
	for i := range out {
		out[i] = g.Document(i)
	}
	return out
}

func seqOf(ds []questionnaire.Document) iter.Seq2[questionnaire.Document, error] {
	return func(yield func(questionnaire.Document, error) bool) {
		for _, d := range ds {
			if !yield(d, nil) {
				return
			}
		}
	}
}

func mustJSON(tb testing.TB, r *reporting.Report) []byte {
	tb.Helper()
	b, err := reporting.JSON(r)
	require.NoError(tb, err)
	return b
}

// publicReport is the public report of a alone (PublicReports of one).
func publicReport(tb testing.TB, a *reporting.Aggregator) *reporting.Report {
	tb.Helper()
	rs, err := reporting.PublicReports(a)
	require.NoError(tb, err)
	return rs[0]
}

func TestSplitMergeDeterministic(t *testing.T) {
	for _, opts := range []struct {
		name    string
		o       reporting.Options
		private bool
	}{
		{"public country", reporting.Options{}, false},
		{"private country", reporting.Options{}, true},
		{"public region", reporting.Options{Region: "03"}, false},
		{"public macro-area", reporting.Options{MacroArea: "ITF"}, false},
	} {
		rep := func(a *reporting.Aggregator) *reporting.Report {
			if opts.private {
				return a.Report()
			}
			return publicReport(t, a)
		}
		t.Run(opts.name, func(t *testing.T) {
			ds := docs(t, 600, 2024, 7)
			whole, err := reporting.New(2024, opts.o)
			require.NoError(t, err)
			for i := range ds {
				whole.Add(&ds[i])
			}
			want := mustJSON(t, rep(whole))
			rng := rand.New(rand.NewPCG(1, 2))
			for trial := range 20 {
				perm := rng.Perm(len(ds))
				parts := 1 + rng.IntN(12)
				aggs := make([]*reporting.Aggregator, parts)
				for i := range aggs {
					aggs[i] = whole.Fork()
				}
				for _, p := range perm {
					aggs[rng.IntN(parts)].Add(&ds[p])
				}
				// Merge in a random order, as a tree.
				for len(aggs) > 1 {
					i := rng.IntN(len(aggs) - 1)
					require.NoError(t, aggs[i].Merge(aggs[i+1]))
					aggs = append(aggs[:i+1], aggs[i+2:]...)
				}
				got := mustJSON(t, rep(aggs[0]))
				if !bytes.Equal(got, want) {
					t.Fatalf("trial %d (%d parts): report differs from the single-pass one", trial, parts)
				}
			}
		})
	}
}

func TestAggregateParallelMatchesSequential(t *testing.T) {
	ds := docs(t, 1500, 2023, 3)
	seq, err := reporting.New(2023, reporting.Options{})
	require.NoError(t, err)
	for i := range ds {
		seq.Add(&ds[i])
	}
	want := mustJSON(t, publicReport(t, seq))
	for _, workers := range []int{1, 2, 3, 8} {
		a, err := reporting.New(2023, reporting.Options{})
		require.NoError(t, err)
		require.NoError(t, reporting.AggregateParallel(context.Background(), a, seqOf(ds), workers))
		require.Equal(t, string(want), string(mustJSON(t, publicReport(t, a))), "workers=%d", workers)
	}
}

func TestMergeMismatch(t *testing.T) {
	a, err := reporting.New(2023, reporting.Options{})
	require.NoError(t, err)
	b, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	require.ErrorIs(t, a.Merge(b), reporting.ErrMismatch)
}

func TestScopeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		year int
		o    reporting.Options
		want error
	}{
		{"unknown region", 2024, reporting.Options{Region: "99"}, reporting.ErrScope},
		{"unknown macro-area", 2024, reporting.Options{MacroArea: "XX"}, reporting.ErrScope},
		{"both", 2024, reporting.Options{Region: "01", MacroArea: "ITC"}, reporting.ErrScope},
		{"year", 1990, reporting.Options{}, reporting.ErrYear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reporting.New(tc.year, tc.o)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestCountsAndScope(t *testing.T) {
	ds := docs(t, 300, 2024, 11)
	all, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	lom, err := reporting.New(2024, reporting.Options{Region: "03"})
	require.NoError(t, err)
	var nI, nII, nLom int64
	var funds int64
	for i := range ds {
		d := &ds[i]
		all.Add(d)
		lom.Add(d)
		for _, s := range d.Sections {
			if s == "I" {
				nI++
			} else {
				nII++
			}
		}
		if d.Body.Region == "03" {
			nLom++
		}
		for _, p := range d.Projects {
			if p.Section == "I" {
				funds += p.Funds.TotalCents
			}
		}
	}
	r := all.Report()
	require.EqualValues(t, len(ds), *r.Filings)
	tab, ok := r.Table("bodies.legal_form")
	require.True(t, ok)
	c, _ := tab.Cell("total", "section_i")
	require.Equal(t, nI, *c.Value)
	c, _ = tab.Cell("total", "section_ii")
	require.Equal(t, nII, *c.Value)
	ft, ok := r.Table("section_i_projects.funds")
	require.True(t, ok)
	c, _ = ft.Cell("total", "value")
	require.Equal(t, funds, *c.Value)
	lr := lom.Report()
	require.Equal(t, nLom, *lr.Filings)
	require.Equal(t, int64(len(ds))-nLom, *lr.OutOfScope)
	rt, _ := lr.Table("bodies.region")
	require.Len(t, rt.Rows, 1)
}

func TestAggregateFilings(t *testing.T) {
	ds := docs(t, 300, 2024, 4)
	want, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	store := questionnaire.NewMemStore()
	ctx := context.Background()
	for i := range ds {
		want.Add(&ds[i])
		b, err := json.Marshal(&ds[i])
		require.NoError(t, err)
		require.NoError(t, store.Put(ctx, questionnaire.Filing{BodyTaxCode: ds[i].Body.TaxCode, Year: 2024, Revision: 1, Document: b}))
	}
	got, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	require.NoError(t, reporting.AggregateFilings(ctx, got, store.Year(ctx, 2024), 2))
	require.Equal(t, string(mustJSON(t, want.Report())), string(mustJSON(t, got.Report())))

	// A broken document stops the run and names the body.
	require.NoError(t, store.Put(ctx, questionnaire.Filing{BodyTaxCode: "80000000999", Year: 2024, Revision: 1, Document: []byte("{")}))
	bad, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	err = reporting.AggregateFilings(ctx, bad, store.Year(ctx, 2024), 2)
	require.ErrorContains(t, err, "80000000999")
	require.Zero(t, bad.Filings(), "a failed run leaves the aggregator unchanged")
}

func TestAggregateParallelCancelled(t *testing.T) {
	a, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, reporting.AggregateParallel(ctx, a, seqOf(docs(t, 600, 2024, 1)), 2), context.Canceled)
	require.Zero(t, a.Filings())
}

// TestOneBodyOneCount: a body that files again for the year is counted
// once, with its latest revision, whatever the order and split of the input.
func TestOneBodyOneCount(t *testing.T) {
	ds := docs(t, 60, 2024, 8)
	first := ds[0]
	second := docs(t, 1, 2024, 99)[0]
	second.Body.TaxCode, second.Body.RegisterID, second.Body.Region = first.Body.TaxCode, first.Body.RegisterID, first.Body.Region
	moved := second
	moved.Body.Region = "99" // a later revision outside every region
	type item struct {
		doc   questionnaire.Document
		order int64
	}
	report := func(items []item, split int, o reporting.Options) *reporting.Report {
		a, err := reporting.New(2024, o)
		require.NoError(t, err)
		b := a.Fork()
		for i, it := range items {
			if i < split {
				a.AddRevision(&it.doc, it.order)
			} else {
				b.AddRevision(&it.doc, it.order)
			}
		}
		require.NoError(t, a.Merge(b))
		return a.Report()
	}
	var rest []item
	for _, d := range ds[1:] {
		rest = append(rest, item{d, 1})
	}
	want := report(append([]item{{second, 2}}, rest...), 0, reporting.Options{})
	for _, tc := range []struct {
		name  string
		items []item
		split int
	}{
		{"resubmission last", append(append([]item{{first, 1}}, rest...), item{second, 2}), 61},
		{"resubmission first", append([]item{{second, 2}, {first, 1}}, rest...), 61},
		{"split across merged aggregators", append(append([]item{{first, 1}}, rest...), item{second, 2}), 30},
		{"split, later one merged first", append([]item{{second, 2}}, append(rest, item{first, 1})...), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := report(tc.items, tc.split, reporting.Options{})
			require.EqualValues(t, 1, got.Superseded)
			require.Equal(t, *want.Filings, *got.Filings)
			got.Superseded = 0
			require.Equal(t, want, got)
		})
	}
	t.Run("same order: the same one whatever the input order", func(t *testing.T) {
		a := report(append([]item{{first, 0}, {second, 0}}, rest...), 62, reporting.Options{})
		b := report(append([]item{{second, 0}, {first, 0}}, rest...), 1, reporting.Options{})
		require.Equal(t, a, b)
		require.EqualValues(t, len(ds), *a.Filings)
	})
	t.Run("a later revision out of scope takes the body out", func(t *testing.T) {
		o := reporting.Options{Region: first.Body.Region}
		got := report([]item{{first, 1}, {moved, 2}}, 2, o)
		require.EqualValues(t, 0, *got.Filings)
		require.EqualValues(t, 1, *got.OutOfScope)
		require.EqualValues(t, 1, got.Superseded)
	})
}

// TestNotCollectedIsAbsent: the questionnaire asks how many cultural
// mediators worked on a project, not where they were born: that figure is
// absent, never 0, in every renderer.
func TestNotCollectedIsAbsent(t *testing.T) {
	a, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	for _, d := range docs(t, 50, 2024, 3) {
		a.Add(&d)
	}
	r := a.Report()
	for _, id := range []string{"section_i_projects.human_resources", "section_ii_projects.human_resources"} {
		t.Run(id, func(t *testing.T) {
			tab, ok := r.Table(id)
			require.True(t, ok)
			c, ok := tab.Cell("cultural_mediators", "foreign_born")
			require.True(t, ok)
			require.True(t, c.NotCollected)
			require.Nil(t, c.Value)
			require.Nil(t, c.Share)
			persons, _ := tab.Cell("cultural_mediators", "persons")
			require.NotNil(t, persons.Value)
		})
	}
	require.Contains(t, string(reporting.Markdown(r, "en")), "| of whom cultural mediators | ")
	require.Contains(t, string(reporting.Markdown(r, "en")), "\":\" not collected by the questionnaire.")
}
