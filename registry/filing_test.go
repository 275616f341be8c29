package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecordFiling(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	a := f.enrolled(t, body(cfBodyA, "Ente A"), "2023-01-10", "2023-03-01", registry.SectionI)
	b := f.enrolled(t, body(cfBodyB, "Ente B"), "2023-02-10", "2023-04-01", registry.SectionI)
	f.clock.Set("2025-01-20")

	first := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	ev, err := f.reg.RecordFiling(ctx, registry.Staff("desk"), a.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: first})
	require.NoError(t, err)
	assert.Equal(t, registry.EventReportFiled, ev.Kind)
	assert.NotZero(t, ev.Seq)
	_, err = f.reg.RecordFiling(ctx, registry.Staff("desk"), a.ID, registry.ReportFiled{Year: 2024, Revision: 2, FiledAt: first.Add(48 * time.Hour)})
	require.NoError(t, err)
	_, err = f.reg.RecordFiling(ctx, registry.Staff("desk"), b.ID, registry.ReportFiled{Year: 2023, Revision: 1, FiledAt: first})
	require.NoError(t, err)

	filed, err := f.reg.FiledReports(ctx, 2024)
	require.NoError(t, err)
	assert.Equal(t, []registry.Filing{{EntityID: a.ID, FiledAt: first}}, filed, "the first revision counts, other years do not")

	list, err := f.reg.YearlyUpdate(ctx, registry.Staff("ministry"), 2024, filed)
	require.NoError(t, err)
	regular, excluded := list.Totals()
	assert.Equal(t, 1, regular)
	assert.Equal(t, 1, excluded)

	tests := []struct {
		name string
		id   string
		rf   registry.ReportFiled
		want error
	}{
		{"unknown body", "nope", registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: first}, registry.ErrNotFound},
		{"no year", a.ID, registry.ReportFiled{Revision: 1, FiledAt: first}, problem.ErrInvalid},
		{"no revision", a.ID, registry.ReportFiled{Year: 2024, FiledAt: first}, problem.ErrInvalid},
		{"no time", a.ID, registry.ReportFiled{Year: 2024, Revision: 1}, problem.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.events(t))
			_, err := f.reg.RecordFiling(ctx, registry.Staff("desk"), tt.id, tt.rf)
			assert.True(t, errors.Is(err, tt.want), "%v", err)
			assert.Len(t, f.events(t), before, "nothing written")
		})
	}
}

// eventCounter is a Store that records the event filters it is asked.
type eventCounter struct {
	registry.Store
	mu      sync.Mutex
	filters []registry.EventFilter
}

func (c *eventCounter) Events(ctx context.Context, f registry.EventFilter) ([]registry.Event, error) {
	c.mu.Lock()
	c.filters = append(c.filters, f)
	c.mu.Unlock()
	return c.Store.Events(ctx, f)
}

// TestFiledReportsReadsOnlyNewFilings checks that FiledReports asks the
// store only for filing events (an indexed filter) appended since its last
// call, and still sees filings recorded through another Registry.
func TestFiledReportsReadsOnlyNewFilings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	a := f.enrolled(t, body(cfBodyA, "Ente A"), "2023-01-10", "2023-03-01", registry.SectionI)
	b := f.enrolled(t, body(cfBodyB, "Ente B"), "2023-02-10", "2023-04-01", registry.SectionI)
	f.clock.Set("2025-01-20")
	counter := &eventCounter{Store: f.store}
	reg := registry.New(counter, registry.Options{Now: f.clock.Now})
	first := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	// Filing events as the register records them, written by "another
	// process" straight into the shared store.
	record := func(id string, rf registry.ReportFiled) registry.Event {
		after, err := json.Marshal(rf)
		require.NoError(t, err)
		evs, err := f.store.Commit(ctx, registry.Batch{Events: []registry.Event{{At: first, Actor: "desk",
			Kind: registry.EventReportFiled, EntityID: id, RecordID: fmt.Sprintf("%s/%d/%d", id, rf.Year, rf.Revision), After: after}}})
		require.NoError(t, err)
		return evs[0]
	}
	rec := record(a.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: first})

	tests := []struct {
		name      string
		record    func()
		want      []registry.Filing
		wantAfter int64
	}{
		{"first call reads every filing event", nil, []registry.Filing{{EntityID: a.ID, FiledAt: first}}, 0},
		{"nothing new", nil, []registry.Filing{{EntityID: a.ID, FiledAt: first}}, rec.Seq},
		{"a filing recorded by another process", func() {
			record(b.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: first.Add(time.Hour)})
		}, []registry.Filing{{EntityID: a.ID, FiledAt: first}, {EntityID: b.ID, FiledAt: first.Add(time.Hour)}}, rec.Seq},
		{"an amendment does not count", func() {
			record(a.ID, registry.ReportFiled{Year: 2024, Revision: 2, FiledAt: first.Add(48 * time.Hour)})
		}, []registry.Filing{{EntityID: a.ID, FiledAt: first}, {EntityID: b.ID, FiledAt: first.Add(time.Hour)}}, rec.Seq + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.record != nil {
				tt.record()
			}
			counter.filters = nil
			got, err := reg.FiledReports(ctx, 2024)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			require.NotEmpty(t, counter.filters)
			assert.Equal(t, []registry.EventKind{registry.EventReportFiled}, counter.filters[0].Kinds, "only filing events")
			assert.Equal(t, tt.wantAfter, counter.filters[0].After, "only events after the last one read")
		})
	}
	other, err := reg.FiledReports(ctx, 2023)
	require.NoError(t, err)
	assert.Empty(t, other)
}

// entityCounter is a Store that counts listings.
type entityCounter struct {
	registry.Store
	mu       sync.Mutex
	listings int
}

func (c *entityCounter) Entities(ctx context.Context, f registry.Filter) (registry.Page, error) {
	c.mu.Lock()
	c.listings++
	c.mu.Unlock()
	return c.Store.Entities(ctx, f)
}

// TestFiledYearlyUpdateCached checks that the yearly list is computed again
// only when the log has grown, and that what it returns is the caller's.
func TestFiledYearlyUpdateCached(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	a := f.enrolled(t, body(cfBodyA, "Ente A"), "2023-01-10", "2023-03-01", registry.SectionI)
	f.enrolled(t, body(cfBodyB, "Ente B"), "2023-02-10", "2023-04-01", registry.SectionI)
	f.clock.Set("2025-01-20")
	counter := &entityCounter{Store: f.store}
	reg := registry.New(counter, registry.Options{Now: f.clock.Now})
	staff := registry.Staff("ministry")
	totals := func(l registry.YearlyList) [2]int { r, e := l.Totals(); return [2]int{r, e} }

	tests := []struct {
		name         string
		change       func()
		wantTotals   [2]int
		wantListings bool
	}{
		{"first call computes", nil, [2]int{0, 2}, true},
		{"unchanged log: from the cache", nil, [2]int{0, 2}, false},
		{"a filing: computed again", func() {
			after, err := json.Marshal(registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)})
			require.NoError(t, err)
			_, err = f.store.Commit(ctx, registry.Batch{Events: []registry.Event{{Actor: "desk",
				Kind: registry.EventReportFiled, EntityID: a.ID, RecordID: a.ID + "/2024/1", After: after}}})
			require.NoError(t, err)
		}, [2]int{1, 1}, true},
		{"unchanged again", nil, [2]int{1, 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.change != nil {
				tt.change()
			}
			counter.listings = 0
			l, err := reg.FiledYearlyUpdate(ctx, staff, 2024)
			require.NoError(t, err)
			assert.Equal(t, tt.wantTotals, totals(l))
			assert.Equal(t, tt.wantListings, counter.listings > 0, "listings: %d", counter.listings)
			// The caller may modify what it gets.
			l.Recipients = l.Recipients[:0]
		})
	}
	_, err := reg.FiledYearlyUpdate(ctx, registry.Public(), 2024)
	assert.ErrorIs(t, err, registry.ErrForbidden)
}
