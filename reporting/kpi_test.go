package reporting_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/reporting"
)

func TestKPIs(t *testing.T) {
	cases := []reporting.Case{
		{Received: "2024-01-10", Decided: "2024-02-09"}, // 30 days
		{Received: "2024-02-01", Decided: "2024-05-01"}, // 90 days: within
		{Received: "2024-03-01", Decided: "2024-06-15"}, // 106 days: late
		{Received: "2024-04-01", Decided: "2024-04-11"}, // 10 days
		{Received: "2024-09-01"},                        // open, 121 days by 2024-12-31: past term
		{Received: "2024-12-01"},                        // open, within term
		{Received: "2024-11-01", Decided: "2025-01-15"}, // decided after asOf: open, 60 days
		{Received: "2023-12-31", Decided: "2024-01-02"}, // outside the period
		{Received: "2025-01-02"},                        // after asOf
	}
	k, err := reporting.NewKPIs("2024-01-01", "2024-12-31", "2024-12-31", 0)
	require.NoError(t, err)
	for _, c := range cases {
		k.Add(c)
	}
	got := k.Result()
	require.EqualValues(t, 7, got.Received)
	require.EqualValues(t, 4, got.Concluded)
	require.EqualValues(t, 3, got.DecidedWithinTerm)
	require.EqualValues(t, 1, got.OpenPastTerm)
	require.InDelta(t, 0.5714, *got.ConcludedShare, 1e-9)
	require.InDelta(t, 0.75, *got.WithinTermShare, 1e-9)
	// Days sorted: 10, 30, 90, 106 → nearest-rank median = 2nd = 30, p90 = 4th = 106.
	require.Equal(t, 30, *got.MedianDays)
	require.Equal(t, 106, *got.P90Days)

	// Split and merge gives the same.
	a, _ := reporting.NewKPIs("2024-01-01", "2024-12-31", "2024-12-31", 0)
	b, _ := reporting.NewKPIs("2024-01-01", "2024-12-31", "2024-12-31", 0)
	for i, c := range cases {
		if i%2 == 0 {
			a.Add(c)
		} else {
			b.Add(c)
		}
	}
	require.NoError(t, a.Merge(b))
	require.Equal(t, got, a.Result())

	other, _ := reporting.NewKPIs("2024-01-01", "2024-12-31", "2025-01-31", 0)
	require.ErrorIs(t, a.Merge(other), reporting.ErrMismatch)
}

func TestKPIErrors(t *testing.T) {
	for _, tc := range []struct{ name, from, to, asOf string }{
		{"bad from", "2024-13-01", "2024-12-31", "2024-12-31"},
		{"reversed", "2024-12-31", "2024-01-01", "2024-12-31"},
		{"empty as-of", "2024-01-01", "2024-12-31", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reporting.NewKPIs(registry.Date(tc.from), registry.Date(tc.to), registry.Date(tc.asOf), 90)
			require.Error(t, err)
		})
	}
}

func TestCasesFromHistory(t *testing.T) {
	e := registry.Entity{ID: "E1", Enrolments: []registry.Enrolment{
		{Section: registry.SectionI, History: []registry.Transition{
			{To: registry.StatusApplied, On: "2024-01-10", ApplicationID: "A1"},
			{From: registry.StatusApplied, To: registry.StatusUnderReview, On: "2024-01-20", ApplicationID: "A1"},
			{From: registry.StatusUnderReview, To: registry.StatusRejected, On: "2024-03-01", ApplicationID: "A1"},
			{From: registry.StatusRejected, To: registry.StatusApplied, On: "2024-06-01", ApplicationID: "A2"},
		}},
		{Section: registry.SectionII, History: []registry.Transition{
			{To: registry.StatusApplied, On: "2024-01-10", ApplicationID: "A1"},
			{From: registry.StatusApplied, To: registry.StatusEnrolled, On: "2024-04-01", ApplicationID: "A1"},
		}},
	}}
	got := reporting.Cases(&e)
	require.Equal(t, []reporting.Case{
		{ID: "A1", Received: "2024-01-10", Decided: "2024-04-01"},
		{ID: "A2", Received: "2024-06-01"},
	}, got)
}

func TestCompareGuards(t *testing.T) {
	mk := func(year int, private bool, region string) *reporting.Report {
		a, err := reporting.New(year, reporting.Options{Region: region})
		require.NoError(t, err)
		for _, d := range docs(t, 30, year, 2) {
			a.Add(&d)
		}
		if private {
			return a.Report()
		}
		return publicReport(t, a)
	}
	for _, tc := range []struct {
		name      string
		cur, prev *reporting.Report
		ok        bool
	}{
		{"public with public", mk(2024, false, ""), mk(2023, false, ""), true},
		{"private with private", mk(2024, true, ""), mk(2023, true, ""), true},
		{"public with private", mk(2024, false, ""), mk(2023, true, ""), false},
		{"same year", mk(2024, false, ""), mk(2024, false, ""), false},
		{"other scope", mk(2024, false, ""), mk(2023, false, "03"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cur.Compare(tc.prev)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, tc.prev.Year, tc.cur.PreviousYear)
				return
			}
			require.ErrorIs(t, err, reporting.ErrMismatch)
		})
	}
}
