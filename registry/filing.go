package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// ReportFiled is what the register records of an annual report filed by a
// body: the After of an EventReportFiled event. The report itself is kept by
// the filing store (package questionnaire); the register keeps the fact, so
// that the change feed carries it and the yearly update can be computed from
// the register's own log.
type ReportFiled struct {
	// Year is the reporting year.
	Year int `json:"year"`
	// Revision is 1 for the first filing and grows by one per amendment.
	Revision int `json:"revision"`
	// FiledAt is when this revision was filed.
	FiledAt time.Time `json:"filedAt"`
	// Late is true when the first filing came after the deadline.
	Late bool `json:"late,omitempty"`
	// FilerCodiceFiscale is who filed it (personal data: events are shown to
	// staff only).
	FilerCodiceFiscale string `json:"filerCodiceFiscale,omitempty"`
}

// RecordFiling records that the body entityID filed its annual report, as
// an EventReportFiled event, and returns the event as stored.
//
// Errors: a problem.List when the year, revision or time is missing;
// ErrNotFound when there is no such body; the store's error otherwise.
func (r *Registry) RecordFiling(ctx context.Context, actor, entityID string, f ReportFiled) (Event, error) {
	ev, err := r.FilingEvent(ctx, actor, entityID, f)
	if err != nil {
		return Event{}, err
	}
	evs, err := r.store.Commit(ctx, Batch{Events: []Event{ev}})
	if err != nil {
		return Event{}, fmt.Errorf("registry: record filing: %w", err)
	}
	if len(evs) == 1 {
		return evs[0], nil
	}
	return ev, nil
}

// FilingEvent returns the EventReportFiled that records f for entityID,
// checked as RecordFiling checks it, without writing it: for a filing store
// that commits the event in the same transaction as the filing (see
// questionnaire.Desk.RecordingTo).
//
// Errors: as RecordFiling's.
func (r *Registry) FilingEvent(ctx context.Context, actor, entityID string, f ReportFiled) (Event, error) {
	var probs problem.List
	if f.Year < 1999 {
		probs = append(probs, problem.New("/year", "minimum", "minimum", map[string]any{"comparison": ">=", "limit": 1999},
			"l'anno di riferimento deve essere dal 1999 in poi", "the reporting year must be 1999 or later"))
	}
	if f.Revision < 1 {
		probs = append(probs, problem.New("/revision", "minimum", "minimum", map[string]any{"comparison": ">=", "limit": 1},
			"la revisione parte da 1", "the revision starts at 1"))
	}
	if f.FiledAt.IsZero() {
		probs = append(probs, problem.Required("", "filedAt"))
	}
	if len(probs) > 0 {
		return Event{}, probs
	}
	if _, err := r.entity(ctx, entityID); err != nil {
		return Event{}, err
	}
	note := fmt.Sprintf("annual report %d, revision %d", f.Year, f.Revision)
	if f.Late {
		note += ", late"
	}
	ev := r.event(actor, EventReportFiled, entityID, fmt.Sprintf("%s/%d/%d", entityID, f.Year, f.Revision), nil, f)
	ev.Note = note
	return ev, nil
}

// FiledReports returns, from the register's log, the first filing of every
// body for reporting year year, in log order: the input of YearlyUpdate.
//
// The Registry keeps what it has read of the log's EventReportFiled events
// and reads only those appended since (EventFilter.Kinds, answered from an
// index), so a request for the yearly list costs one indexed query that
// usually returns nothing, not a scan of the log. Events appended by other
// processes sharing the store are seen as well.
//
// Errors: the store's; an EventReportFiled whose After does not decode.
func (r *Registry) FiledReports(ctx context.Context, year int) ([]Filing, error) {
	c := &r.filed
	c.mu.Lock()
	defer c.mu.Unlock()
	err := r.eachReportFiledAfter(ctx, c.last, func(ev *Event, rf *ReportFiled) {
		c.last = ev.Seq
		if c.years == nil {
			c.years = map[int]*yearFilings{}
		}
		y := c.years[rf.Year]
		if y == nil {
			y = &yearFilings{seen: map[string]bool{}}
			c.years[rf.Year] = y
		}
		if !y.seen[ev.EntityID] {
			y.seen[ev.EntityID] = true
			y.list = append(y.list, Filing{EntityID: ev.EntityID, FiledAt: rf.FiledAt})
		}
	})
	if err != nil {
		// What was read stays valid: c.last is the last event applied.
		return nil, err
	}
	if y := c.years[year]; y != nil {
		return slices.Clone(y.list), nil
	}
	return nil, nil
}

// filedCache is what FiledReports has read of the log.
type filedCache struct {
	mu    sync.Mutex
	last  int64 // Seq of the last EventReportFiled applied
	years map[int]*yearFilings
}

// yearFilings are the first filings of one reporting year, in log order.
type yearFilings struct {
	seen map[string]bool
	list []Filing
}

// FilingKey names one revision of one body's annual report.
type FilingKey struct {
	EntityID string
	Year     int
	Revision int
}

// RecordedFilings returns every filing revision the register's log holds,
// for checking it against the filing store (see
// questionnaire.RecordMissingFilings).
//
// Errors: the store's.
func (r *Registry) RecordedFilings(ctx context.Context) (map[FilingKey]bool, error) {
	out := map[FilingKey]bool{}
	err := r.eachReportFiled(ctx, func(ev *Event, rf *ReportFiled) {
		out[FilingKey{EntityID: ev.EntityID, Year: rf.Year, Revision: rf.Revision}] = true
	})
	return out, err
}

// eachReportFiled calls fn on every EventReportFiled of the log, in order.
func (r *Registry) eachReportFiled(ctx context.Context, fn func(*Event, *ReportFiled)) error {
	return r.eachReportFiledAfter(ctx, 0, fn)
}

// eachReportFiledAfter calls fn on every EventReportFiled of the log with a
// Seq after after, in order, reading only those (EventFilter.Kinds).
func (r *Registry) eachReportFiledAfter(ctx context.Context, after int64, fn func(*Event, *ReportFiled)) error {
	f := EventFilter{Kinds: []EventKind{EventReportFiled}, After: after, Limit: MaxLimit}
	for {
		evs, err := r.store.Events(ctx, f)
		if err != nil {
			return err
		}
		for i := range evs {
			var rf ReportFiled
			if err := json.Unmarshal(evs[i].After, &rf); err != nil {
				return fmt.Errorf("registry: event %d: %w", evs[i].Seq, err)
			}
			fn(&evs[i], &rf)
		}
		if len(evs) < f.Limit {
			return nil
		}
		f.After = evs[len(evs)-1].Seq
	}
}
