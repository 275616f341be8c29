package registry

import (
	"context"
	"encoding/json"
	"errors"
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
// the register's own log. It holds the facts about the filing, never the
// document (questionnaire.Filing is the report as stored; Filing the input
// of a yearly list).
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
	FilerCodiceFiscale string `json:"filerTaxCode,omitempty"`
}

// RecordFiling records that the body entityID filed its annual report, as
// an EventReportFiled event, and returns the event as stored.
//
// Errors: a problem.List when the year, revision or time is missing;
// ErrNotFound when there is no such body; the store's error otherwise.
func (r *Registry) RecordFiling(ctx context.Context, v Viewer, entityID string, f ReportFiled) (Event, error) {
	ev, err := r.FilingEvent(ctx, v, entityID, f)
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
// questionnaire.Desk).
//
// Errors: as RecordFiling's.
func (r *Registry) FilingEvent(ctx context.Context, v Viewer, entityID string, f ReportFiled) (Event, error) {
	if err := authorize(v, opRecordFiling, entityID); err != nil {
		return Event{}, err
	}
	actor := v.Actor()
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
	if !memoHolds(ctx, entityID) {
		if _, err := r.entity(ctx, entityID); err != nil {
			return Event{}, err
		}
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

// ReportingDuty is what the register says of a body for the annual report
// of one reporting year: the facts the register-aware rules of the
// questionnaire check a filing against.
type ReportingDuty struct {
	// EntityID is the body's register ID.
	EntityID string
	// Sections are the sections the body was enrolled in at some time during
	// the year (its own enrolment or, for Section I, the extension of its
	// national body's), in section order.
	Sections []Section
	// Filers are the personal codici fiscali of who may file for the body
	// today (the register's clock: the day of a filing): the legal
	// representative in office and the referents enabled and not revoked
	// (see MayFile). A referent revoked no longer files, not even an
	// amendment of a year it filed for; one enabled after a deadline files
	// late reports and amendments.
	Filers []string
}

// ReportingDuty returns what the register says of the body with codice
// fiscale cf for the annual report of year, as v may see it: staff of any
// body, a body's viewer of its own.
//
// Errors: ErrNotFound when the register holds no such body or v may not see
// it (the two are indistinguishable, so the answer tells nothing about
// bodies v may not see); store errors.
func (r *Registry) ReportingDuty(ctx context.Context, v Viewer, cf string, year int) (ReportingDuty, error) {
	e, err := r.entityByCodiceFiscale(ctx, cf)
	if err != nil {
		return ReportingDuty{}, err
	}
	if !fullAccess(&v, &e) {
		return ReportingDuty{}, fmt.Errorf("registry: body with codice fiscale %s: %w", cf, ErrNotFound)
	}
	out := ReportingDuty{EntityID: e.ID}
	first, last := Date(fmt.Sprintf("%04d-01-01", year)), Date(fmt.Sprintf("%04d-12-31", year))
	for _, s := range []Section{SectionI, SectionII} {
		during, err := r.enrolledDuring(ctx, &e, s, first, last)
		if err != nil {
			return ReportingDuty{}, err
		}
		if during {
			out.Sections = append(out.Sections, s)
		}
	}
	out.Filers = filers(&e, r.today())
	return out, nil
}

// enrolledDuring reports whether e was enrolled in s on some day from first
// to last: on either end, or by a transition to enrolled in between.
func (r *Registry) enrolledDuring(ctx context.Context, e *Entity, s Section, first, last Date) (bool, error) {
	for _, d := range []Date{first, last} {
		ok, err := r.enrolledOn(ctx, e, s, d)
		if ok || err != nil {
			return ok, err
		}
	}
	if en, ok := e.Enrolment(s); ok {
		for _, t := range en.History {
			if t.To == StatusEnrolled && !t.On.Before(first) && !t.On.After(last) {
				return true, nil
			}
		}
	}
	return false, nil
}

// FilingBody returns the body with codice fiscale cf for which v files an
// annual report. Filing the report is the body's own act (its legal
// representative or a referent, art. 54 c.3 DPR 394/1999): only a body's
// viewer files, and only for itself. Staff record filings made elsewhere
// (RecordFiling, for imports and repairs) but file no report for a body.
//
// Errors: ErrForbidden when v may not file for it — including when the
// register holds no such body, so that the answer tells nothing about bodies
// v may not see; store errors.
func (r *Registry) FilingBody(ctx context.Context, v Viewer, cf string) (Entity, error) {
	e, err := r.entityByCodiceFiscale(ctx, cf)
	switch {
	case err == nil && v.Role == RoleBody && v.EntityID != "" && v.EntityID == e.ID:
		return e, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return Entity{}, err
	}
	return Entity{}, forbidden(v, opFileReport)
}
