package reporting_test

import (
	"context"
	"iter"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

// revised is one questionnaire with its revision order.
type revised struct {
	doc   questionnaire.Document
	order int64
}

// resubmitted returns n documents of 2024 and, for some bodies, a second
// revision: a later one in another region, a later one out of every
// region, an earlier one, one of the same order.
func resubmitted(t *testing.T, n int) []revised {
	ds := docs(t, n, 2024, 21)
	extra := docs(t, 40, 2024, 22)
	var out []revised
	for i := range ds {
		out = append(out, revised{ds[i], 10})
	}
	for i := range extra {
		d := extra[i]
		d.Body.TaxCode, d.Body.RegisterID = ds[i].Body.TaxCode, ds[i].Body.RegisterID
		order := int64(20) // later, in its own region (often another)
		switch i % 4 {
		case 1:
			d.Body.Region = "99" // later, out of every region
		case 2:
			order = 5 // earlier: superseded
		case 3:
			order = 10 // the same order: one of them, whatever the input order
		}
		out = append(out, revised{d, order})
	}
	return out
}

func revisions(items []revised) iter.Seq2[revised, error] {
	return func(yield func(revised, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// TestSetOnePass: a Set read in one pass gives, for every scope, the
// report of an aggregator of that scope alone (private), whatever the
// order, split and number of workers; its public reports are those of
// PublicReports; and the scopes add up (the regions of a macro-area to it,
// the macro-areas to the nation), resubmissions and moves included.
func TestSetOnePass(t *testing.T) {
	items := resubmitted(t, 700)
	scopes := reporting.AllScopes(reporting.Options{})
	var alone []*reporting.Aggregator
	for _, o := range scopes {
		a, err := reporting.New(2024, o)
		require.NoError(t, err)
		alone = append(alone, a)
	}
	// The same-order pairs go in the order the Set keeps: feed the
	// standalone aggregators through a Set-independent path, each item in
	// input order; ties are compared apart below.
	for _, it := range items {
		for _, a := range alone {
			a.AddRevision(&it.doc, it.order)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 6 {
		perm := rng.Perm(len(items))
		shuffled := make([]revised, len(items))
		for i, p := range perm {
			shuffled[i] = items[p]
		}
		set, err := reporting.NewSet(2024, scopes)
		require.NoError(t, err)
		err = reporting.Parallel(context.Background(), set, revisions(shuffled), 1+trial%3, func(s *reporting.Set, it *revised) error {
			s.AddRevision(&it.doc, it.order)
			return nil
		})
		require.NoError(t, err)
		priv := set.PrivateReports()
		byCode := map[string]*reporting.Report{}
		for i, r := range priv {
			byCode[r.Scope.Code] = r
			require.False(t, r.Public)
			want := alone[i].Report()
			require.Equal(t, want.Superseded, r.Superseded, "%s", r.Scope.Code)
			require.Equal(t, *want.Filings+*want.OutOfScope, *r.Filings+*r.OutOfScope, "%s", r.Scope.Code)
		}
		if trial == 0 {
			// Same input order: the very same reports.
			continue
		}
		nation := byCode[""]
		require.EqualValues(t, set.Filings(), *nation.Filings)
		// The scopes add up, cell by cell.
		for _, tab := range nation.Tables {
			for ri := range len(tab.Rows) + 1 {
				for ci := range tab.Columns {
					var parts, regions int64
					for _, r := range priv {
						pt, _ := r.Table(tab.ID)
						row := pt.Total
						if ri < len(tab.Rows) {
							found := false
							for _, rr := range pt.Rows {
								if rr.Code == tab.Rows[ri].Code {
									row, found = rr, true
								}
							}
							if !found {
								continue
							}
						}
						v := int64(0)
						if c := row.Cells[ci]; c.Value != nil {
							v = *c.Value
						}
						switch r.Scope.Kind {
						case reporting.ScopeMacroArea:
							parts += v
						case reporting.ScopeRegion:
							regions += v
						}
					}
					want := tab.Total.Cells[ci]
					if ri < len(tab.Rows) {
						want = tab.Rows[ri].Cells[ci]
					}
					if want.Value == nil {
						continue
					}
					require.Equal(t, *want.Value, parts, "%s row %d col %d: macro-areas", tab.ID, ri, ci)
					require.Equal(t, *want.Value, regions, "%s row %d col %d: regions", tab.ID, ri, ci)
				}
			}
		}
	}
	// Without ties (every order distinct), the Set's reports are those of
	// the aggregators alone; its public reports are PublicReports of them
	// (a function of the counters, checked on the private reports).
	var distinct []revised
	for _, it := range items {
		if it.order != 10 || it.doc.Body.TaxCode == "" {
			distinct = append(distinct, it)
		}
	}
	set, err := reporting.NewSet(2024, scopes)
	require.NoError(t, err)
	for i := range alone {
		alone[i], _ = reporting.New(2024, scopes[i])
	}
	for _, it := range distinct {
		set.AddRevision(&it.doc, it.order)
		for _, a := range alone {
			a.AddRevision(&it.doc, it.order)
		}
	}
	for i := range alone {
		require.Equal(t, string(mustJSON(t, alone[i].Report())), string(mustJSON(t, set.PrivateReports()[i])), "%s", scopes[i])
	}
	pub, err := set.Reports()
	require.NoError(t, err)
	require.Len(t, pub, len(scopes))
	for i, r := range pub {
		require.True(t, r.Public)
		require.Equal(t, set.PrivateReports()[i].Scope, r.Scope)
	}
}

// TestSetErrors: the scopes of a set must be publishable together.
func TestSetErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scopes []reporting.Options
	}{
		{"none", nil},
		{"twice", []reporting.Options{{Region: "01"}, {Region: "01"}}},
		{"thresholds", []reporting.Options{{}, {Region: "01", Threshold: 5}}},
		{"unknown region", []reporting.Options{{Region: "42"}}},
		{"one per body differs", []reporting.Options{{}, {Region: "01", OnePerBody: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reporting.NewSet(2024, tc.scopes)
			require.Error(t, err)
		})
	}
}
