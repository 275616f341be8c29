package questionnaire

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// Errors of FilingStore implementations (wrapped; test with errors.Is).
var (
	// ErrNotFound: no filing for that body and year.
	ErrNotFound = errors.New("questionnaire: filing not found")
	// ErrConflict: the revision is not the next one (a concurrent amendment).
	ErrConflict = errors.New("questionnaire: filing conflict")
)

// Filing is one accepted annual report: the document as filed, when, by
// whom, and its revision (1 for the first filing, +1 for each amendment).
type Filing struct {
	// BodyTaxCode is the filing body's 11-digit codice fiscale.
	BodyTaxCode string
	// Year is the reporting year.
	Year int
	// Revision is 1 for the first filing and grows by one per amendment.
	Revision int
	// FiledAt is when this revision was filed.
	FiledAt time.Time
	// FilerTaxCode is the personal codice fiscale of who filed it.
	FilerTaxCode string
	// Late is true when the first filing came after the deadline.
	Late bool
	// Document is the document as filed (JSON).
	Document []byte
	// Warnings are the problems of severity warning (a late filing).
	Warnings problem.List
}

// FilingStore persists filings. Implementations are small and dumb: every
// rule lives in Filer; a store only keeps revisions in order. All methods are
// safe for concurrent use.
type FilingStore interface {
	// Put stores f as the current filing of (f.BodyTaxCode, f.Year). f.Revision
	// must be exactly one more than the current revision (1 when there is
	// none); otherwise Put returns an error wrapping ErrConflict and stores
	// nothing. Earlier revisions stay in the history.
	Put(ctx context.Context, f Filing) error
	// Get returns the current filing of body for year, or an error wrapping
	// ErrNotFound.
	Get(ctx context.Context, bodyTaxCode string, year int) (Filing, error)
	// History returns every revision of body's filing for year, oldest first,
	// or an error wrapping ErrNotFound when there is none.
	History(ctx context.Context, bodyTaxCode string, year int) ([]Filing, error)
	// Year yields the current filing of every body for year, ordered by body
	// tax code. An error ends the sequence (yielded with a zero Filing).
	Year(ctx context.Context, year int) iter.Seq2[Filing, error]
}

// EventFilingStore is a FilingStore that can also append register events in
// the transaction that stores a filing (sqlstore's filings can: one
// database), so that a filing and its change-feed event are written together
// or not at all. PutWithEvents stores f as Put does and returns the events as
// stored.
type EventFilingStore interface {
	FilingStore
	PutWithEvents(ctx context.Context, f Filing, events []registry.Event) ([]registry.Event, error)
}

// Deadline returns the last instant of the filing period of reporting year
// year: the end of 30 January of year+1 in loc (nil: Italian winter time,
// UTC+1, which 30 January always is).
func Deadline(year int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.FixedZone("CET", 3600)
	}
	return time.Date(year+1, time.January, 31, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
}

// Desk files documents: it validates them completely, flags late filings and
// stores them, keeping the history of amendments.
type Desk struct {
	v        *Validator
	store    FilingStore
	deadline func(year int) time.Time
	reg      *registry.Registry // records every filing in its log; nil: no recording
}

// NewDesk returns a Desk. deadline gives the last instant of each year's
// filing period; nil means Deadline(year, nil).
func NewDesk(v *Validator, store FilingStore, deadline func(year int) time.Time) *Desk {
	if deadline == nil {
		deadline = func(y int) time.Time { return Deadline(y, nil) }
	}
	return &Desk{v: v, store: store, deadline: deadline}
}

// RecordingTo returns a copy of the desk that records every filing in reg's
// log (registry.EventReportFiled, the change feed) for the body with the
// document's tax code. With an EventFilingStore the filing and its event
// commit in one transaction; with another store the event is written right
// after the filing, and RecordMissingFilings repairs a failure between the
// two. A body the register does not hold is filed without an event.
func (f *Desk) RecordingTo(reg *registry.Registry) *Desk {
	d := *f
	d.reg = reg
	return &d
}

// File is FileAs with the actor "desk".
func (f *Desk) File(ctx context.Context, year int, data []byte, filedAt time.Time) (Filing, error) {
	return f.FileAs(ctx, "desk", year, data, filedAt)
}

// FileAs validates data as a complete report for year and stores it as a
// new filing (or as an amendment replacing the current one), filed at
// filedAt by actor (who is named in the register's event, when the desk
// records). It returns the stored filing. An invalid document returns a
// problem.List error (errors.Is(err, problem.ErrInvalid)); a concurrent
// amendment an error wrapping ErrConflict; a stored filing whose register
// event failed, the filing with ErrNotRecorded. A late filing is accepted
// with a late_filing warning.
func (f *Desk) FileAs(ctx context.Context, actor string, year int, data []byte, filedAt time.Time) (Filing, error) {
	doc, probs, err := f.v.Check(ctx, year, data, Complete)
	if err != nil {
		return Filing{}, err
	}
	if probs.HasErrors() {
		return Filing{}, probs
	}
	fl := Filing{
		BodyTaxCode:  doc.Body.TaxCode,
		Year:         year,
		Revision:     1,
		FiledAt:      filedAt,
		FilerTaxCode: doc.Filer.TaxCode,
		Document:     slices.Clone(data),
	}
	cur, err := f.store.Get(ctx, fl.BodyTaxCode, year)
	switch {
	case err == nil:
		fl.Revision = cur.Revision + 1
		fl.Late = cur.Late // lateness is decided by the first filing
	case errors.Is(err, ErrNotFound):
		fl.Late = filedAt.After(f.deadline(year))
	default:
		return Filing{}, err
	}
	if fl.Late {
		dl := f.deadline(year)
		fl.Warnings = problem.List{problem.New("", "deadline", CodeLateFiling,
			map[string]any{"deadline": dl.Format(time.RFC3339), "filedAt": filedAt.Format(time.RFC3339)},
			fmt.Sprintf("relazione presentata oltre il termine del %s", dl.Format("02/01/2006")),
			fmt.Sprintf("report filed after the deadline of %s", dl.Format("2 January 2006"))).AsWarning()}
	}
	if f.reg == nil {
		if err := f.store.Put(ctx, fl); err != nil {
			return Filing{}, err
		}
		return fl, nil
	}
	if err := f.putRecorded(ctx, actor, fl); err != nil {
		if errors.Is(err, ErrNotRecorded) {
			return fl, err // stored all the same
		}
		return Filing{}, err
	}
	return fl, nil
}

// ErrNotRecorded is wrapped by FileAs when the filing was stored but its
// register event could not be written (only with a store that is not an
// EventFilingStore); the filing is returned with it. RecordMissingFilings
// repairs the log.
var ErrNotRecorded = errors.New("questionnaire: filing stored without its register event")

// putRecorded stores fl with its register event.
func (f *Desk) putRecorded(ctx context.Context, actor string, fl Filing) error {
	e, err := f.reg.Store().EntityByCodiceFiscale(ctx, fl.BodyTaxCode)
	if errors.Is(err, registry.ErrNotFound) {
		return f.store.Put(ctx, fl) // nothing to record it against
	}
	if err != nil {
		return err
	}
	ev, err := f.reg.FilingEvent(ctx, actor, e.ID, registry.ReportFiled{Year: fl.Year, Revision: fl.Revision,
		FiledAt: fl.FiledAt, Late: fl.Late, FilerCodiceFiscale: fl.FilerTaxCode})
	if err != nil {
		return err
	}
	if es, ok := f.store.(EventFilingStore); ok {
		_, err := es.PutWithEvents(ctx, fl, []registry.Event{ev})
		return err
	}
	if err := f.store.Put(ctx, fl); err != nil {
		return err
	}
	// The filing is stored: its event follows even if the caller has gone.
	if _, err := f.reg.Store().Commit(context.WithoutCancel(ctx), registry.Batch{Events: []registry.Event{ev}}); err != nil {
		return fmt.Errorf("%w: %w", ErrNotRecorded, err)
	}
	return nil
}

// MemStore is an in-memory FilingStore, safe for concurrent use.
type MemStore struct {
	mu    sync.RWMutex
	years map[int]map[string][]Filing
}

var _ FilingStore = (*MemStore)(nil)

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{years: map[int]map[string][]Filing{}} }

func cloneFiling(f Filing) Filing {
	f.Document = slices.Clone(f.Document)
	f.Warnings = slices.Clone(f.Warnings)
	return f
}

// Put implements FilingStore.
func (s *MemStore) Put(ctx context.Context, f Filing) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	byBody := s.years[f.Year]
	if byBody == nil {
		byBody = map[string][]Filing{}
		s.years[f.Year] = byBody
	}
	hist := byBody[f.BodyTaxCode]
	if f.Revision != len(hist)+1 {
		return fmt.Errorf("%w: body %s year %d: revision %d, want %d", ErrConflict, f.BodyTaxCode, f.Year, f.Revision, len(hist)+1)
	}
	byBody[f.BodyTaxCode] = append(hist, cloneFiling(f))
	return nil
}

// Get implements FilingStore.
func (s *MemStore) Get(ctx context.Context, body string, year int) (Filing, error) {
	if err := ctx.Err(); err != nil {
		return Filing{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	hist := s.years[year][body]
	if len(hist) == 0 {
		return Filing{}, fmt.Errorf("%w: body %s year %d", ErrNotFound, body, year)
	}
	return cloneFiling(hist[len(hist)-1]), nil
}

// History implements FilingStore.
func (s *MemStore) History(ctx context.Context, body string, year int) ([]Filing, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	hist := s.years[year][body]
	if len(hist) == 0 {
		return nil, fmt.Errorf("%w: body %s year %d", ErrNotFound, body, year)
	}
	out := make([]Filing, len(hist))
	for i, f := range hist {
		out[i] = cloneFiling(f)
	}
	return out, nil
}

// Year implements FilingStore. It takes a snapshot of the year's current
// filings when iteration starts.
func (s *MemStore) Year(ctx context.Context, year int) iter.Seq2[Filing, error] {
	return func(yield func(Filing, error) bool) {
		s.mu.RLock()
		var cur []Filing
		for _, hist := range s.years[year] {
			cur = append(cur, cloneFiling(hist[len(hist)-1]))
		}
		s.mu.RUnlock()
		slices.SortFunc(cur, func(a, b Filing) int { return strings.Compare(a.BodyTaxCode, b.BodyTaxCode) })
		for _, f := range cur {
			if err := ctx.Err(); err != nil {
				yield(Filing{}, err)
				return
			}
			if !yield(f, nil) {
				return
			}
		}
	}
}
