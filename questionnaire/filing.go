package questionnaire

import (
	"context"
	"encoding/json"
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

// FilingStore implementations return the register's errors (wrapped; test
// with errors.Is): registry.ErrNotFound when there is no filing for that body
// and year, registry.ErrConflict when the revision is not the next one (a
// concurrent amendment).

// Filing is one accepted annual report: the document as filed, when, by
// whom, and its revision (1 for the first filing, +1 for each amendment).
// Its JSON is the line of a register export (registro export's
// filings.ndjson), which imports back with the same metadata, warnings and
// document (compacted: encoding/json writes a json.RawMessage without its
// white space).
//
// It is one of the three shapes of a filing, which mean different things:
// this one is the report itself, as the filing store keeps it (the body by
// its codice fiscale, the exact bytes); registry.ReportFiled is the fact the
// register records in its log (the After of a questionnaire.filed event,
// without the document); registry.Filing is a yearly list's input, a body's
// register ID and when it filed, whatever the source (the register's log,
// or questionnaires read from files). What an API answers after a filing is
// its receipt, built from this one (see examples/registrod/api).
type Filing struct {
	// BodyTaxCode is the filing body's 11-digit codice fiscale.
	BodyTaxCode string `json:"bodyTaxCode"`
	// Year is the reporting year.
	Year int `json:"year"`
	// Revision is 1 for the first filing and grows by one per amendment.
	Revision int `json:"revision"`
	// FiledAt is when this revision was filed.
	FiledAt time.Time `json:"filedAt"`
	// FilerTaxCode is the personal codice fiscale of who filed it.
	FilerTaxCode string `json:"filerTaxCode"`
	// Late is true when the first filing came after the deadline.
	Late bool `json:"late,omitempty"`
	// Document is the document as filed (JSON, the exact bytes).
	Document json.RawMessage `json:"document"`
	// Warnings are the problems of severity warning (a late filing).
	Warnings problem.List `json:"warnings,omitempty"`
}

// FilingStore persists filings. Implementations are small and dumb: every
// rule lives in Filer; a store only keeps revisions in order. All methods are
// safe for concurrent use.
type FilingStore interface {
	// Put stores f as the current filing of (f.BodyTaxCode, f.Year). f.Revision
	// must be exactly one more than the current revision (1 when there is
	// none); otherwise Put returns an error wrapping registry.ErrConflict and stores
	// nothing. Earlier revisions stay in the history.
	Put(ctx context.Context, f Filing) error
	// Get returns the current filing of body for year, or an error wrapping
	// registry.ErrNotFound.
	Get(ctx context.Context, bodyTaxCode string, year int) (Filing, error)
	// History returns every revision of body's filing for year, oldest first,
	// or an error wrapping registry.ErrNotFound when there is none.
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

// RevisionStore is a FilingStore that can say which revision of a body's
// filing is current, and whether that filing was late, without reading its
// document (sqlstore's filings can). Desk numbers an amendment with it when
// its store offers it; errors are Get's.
type RevisionStore interface {
	FilingStore
	CurrentRevision(ctx context.Context, bodyTaxCode string, year int) (revision int, late bool, err error)
}

// Desk files documents: it validates them completely, flags late filings,
// stores them with the history of amendments and records each filing in the
// register's log (registry.EventReportFiled, the change feed). Who may file
// for which body, and when the filing period ends, are the register's
// answers (registry.Registry.FilingBody and Deadline): the desk restates
// neither.
type Desk struct {
	v     *Validator
	store FilingStore
	reg   *registry.Registry
}

// NewDesk returns a Desk that validates with v, with the register-aware
// rules answered by reg as the filer sees it, stores in store and records in
// reg's log. With an EventFilingStore the filing and its event commit in
// one transaction; with another store the event is written right after the
// filing, and RecordMissingFilings repairs a failure between the two.
func NewDesk(v *Validator, store FilingStore, reg *registry.Registry) *Desk {
	return &Desk{v: v, store: store, reg: reg}
}

// Deadline returns the last instant of the filing period of year: the
// register's (registry.Registry.Deadline).
func (f *Desk) Deadline(year int) time.Time { return f.reg.Deadline(year) }

// FileAs validates data as a complete report for year and stores it as a
// new filing (or as an amendment replacing the current one), filed at
// filedAt by the viewer v, who is checked and named in the register's event.
// It returns the stored filing. A late filing is accepted with a late_filing
// warning.
//
// Errors: registry.ErrForbidden when v may not file for the body the
// document names (only the body's own viewer files: see
// registry.Registry.FilingBody; checked before the document is validated
// against the register, so that the answer tells nothing about another
// body); a problem.List error (errors.Is(err, problem.ErrInvalid)) for an
// invalid document; an error wrapping registry.ErrConflict for a concurrent
// amendment; ErrNotRecorded, with the filing, when the filing was stored but
// its register event was not.
func (f *Desk) FileAs(ctx context.Context, v registry.Viewer, year int, data []byte, filedAt time.Time) (Filing, error) {
	fl, _, err := f.FileRecorded(ctx, v, year, data, filedAt)
	return fl, err
}

// FileRecorded files data as FileAs does and also returns the register
// event that recorded the filing, as stored (its Seq is the filing's place
// in the change feed, a receipt's protocol number; its EntityID the body's
// register ID), so that a caller answering with a receipt need not read it
// back. The event is zero when FileAs's errors say the filing was not
// recorded, and whenever err is not nil.
func (f *Desk) FileRecorded(ctx context.Context, v registry.Viewer, year int, data []byte, filedAt time.Time) (Filing, registry.Event, error) {
	body, err := f.filingBody(ctx, v, data)
	if err != nil {
		return Filing{}, registry.Event{}, err
	}
	doc, probs, err := f.v.WithRegister(FromRegistry(f.reg, v)).Check(ctx, year, data, Complete)
	if err != nil {
		return Filing{}, registry.Event{}, err
	}
	if probs.HasErrors() {
		return Filing{}, registry.Event{}, probs
	}
	if body.CodiceFiscale != doc.Body.TaxCode {
		// The head could not be read before validation: ask now.
		if body, err = f.reg.FilingBody(ctx, v, doc.Body.TaxCode); err != nil {
			return Filing{}, registry.Event{}, err
		}
	}
	fl := Filing{
		BodyTaxCode:  doc.Body.TaxCode,
		Year:         year,
		Revision:     1,
		FiledAt:      filedAt,
		FilerTaxCode: doc.Filer.TaxCode,
		Document:     slices.Clone(data),
	}
	rev, late, err := f.current(ctx, fl.BodyTaxCode, year)
	switch {
	case err == nil:
		fl.Revision = rev + 1
		fl.Late = late // lateness is decided by the first filing
	case errors.Is(err, registry.ErrNotFound):
		fl.Late = f.reg.Late(year, filedAt)
	default:
		return Filing{}, registry.Event{}, err
	}
	if fl.Late {
		dl := f.reg.Deadline(year)
		fl.Warnings = problem.List{problem.New("", "deadline", CodeLateFiling,
			map[string]any{"deadline": dl.Format(time.RFC3339), "filedAt": filedAt.Format(time.RFC3339)},
			fmt.Sprintf("relazione presentata oltre il termine del %s", dl.Format("02/01/2006")),
			fmt.Sprintf("report filed after the deadline of %s", dl.Format("2 January 2006"))).AsWarning()}
	}
	ev, err := f.putRecorded(ctx, v, body.ID, fl)
	if err != nil {
		if errors.Is(err, ErrNotRecorded) {
			return fl, registry.Event{}, err // stored all the same
		}
		return Filing{}, registry.Event{}, err
	}
	return fl, ev, nil
}

// current returns the revision of the current filing of body for year and
// whether it was late: from the store's RevisionStore when it has one,
// from the filing itself otherwise.
func (f *Desk) current(ctx context.Context, body string, year int) (int, bool, error) {
	if rs, ok := f.store.(RevisionStore); ok {
		return rs.CurrentRevision(ctx, body, year)
	}
	cur, err := f.store.Get(ctx, body, year)
	return cur.Revision, cur.Late, err
}

// filingBody reads the body's tax code from data and asks the register for
// whom v files. A document whose tax code cannot be read is left to the
// validator, and FileAs asks again once it is valid.
func (f *Desk) filingBody(ctx context.Context, v registry.Viewer, data []byte) (registry.Entity, error) {
	h, ok := ReadHead(data)
	if !ok || h.BodyTaxCode == nil || *h.BodyTaxCode == "" {
		return registry.Entity{}, nil // the validator says what is wrong
	}
	return f.reg.FilingBody(ctx, v, *h.BodyTaxCode)
}

// ErrNotRecorded is wrapped by FileAs when the filing was stored but its
// register event could not be written (only with a store that is not an
// EventFilingStore); the filing is returned with it. RecordMissingFilings
// repairs the log. Its kind is problem.KindInternal, whatever the kind of
// the error it wraps: the filing was accepted, only the log lags.
var ErrNotRecorded = problem.NewError(problem.KindInternal, "questionnaire: filing stored without its register event")

// putRecorded stores fl with its register event for body entityID and
// returns the event as stored.
func (f *Desk) putRecorded(ctx context.Context, v registry.Viewer, entityID string, fl Filing) (registry.Event, error) {
	rf := registry.ReportFiled{Year: fl.Year, Revision: fl.Revision, FiledAt: fl.FiledAt, Late: fl.Late,
		FilerCodiceFiscale: fl.FilerTaxCode}
	if es, ok := f.store.(EventFilingStore); ok {
		ev, err := f.reg.FilingEvent(ctx, v, entityID, rf)
		if err != nil {
			return registry.Event{}, err
		}
		evs, err := es.PutWithEvents(ctx, fl, []registry.Event{ev})
		if err != nil || len(evs) != 1 {
			return registry.Event{}, err
		}
		return evs[0], nil
	}
	if err := f.store.Put(ctx, fl); err != nil {
		return registry.Event{}, err
	}
	// The filing is stored: its event follows even if the caller has gone.
	ev, err := f.reg.RecordFiling(context.WithoutCancel(ctx), v, entityID, rf)
	if err != nil {
		return registry.Event{}, fmt.Errorf("%w: %w", ErrNotRecorded, err)
	}
	return ev, nil
}

// MemStore is an in-memory FilingStore that keeps idempotency keys
// (IdempotencyStore), safe for concurrent use.
type MemStore struct {
	mu    sync.RWMutex
	years map[int]map[string][]Filing
	idem  map[[2]string]IdempotencyRecord // by subject and key
}

var _ IdempotencyStore = (*MemStore)(nil)

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore {
	return &MemStore{years: map[int]map[string][]Filing{}, idem: map[[2]string]IdempotencyRecord{}}
}

// Idempotency implements IdempotencyStore.
func (s *MemStore) Idempotency(ctx context.Context, subject, key string) (IdempotencyRecord, error) {
	if err := ctx.Err(); err != nil {
		return IdempotencyRecord{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.idem[[2]string{subject, key}]
	if !ok {
		return IdempotencyRecord{}, fmt.Errorf("questionnaire: idempotency key: %w", registry.ErrNotFound)
	}
	return rec, nil
}

// RememberIdempotency implements IdempotencyStore.
func (s *MemStore) RememberIdempotency(ctx context.Context, k IdempotencyKey, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.idem[[2]string{k.Subject, k.Key}]; ok {
		return ErrIdempotencyKeyUsed
	}
	s.idem[[2]string{k.Subject, k.Key}] = IdempotencyRecord{IdempotencyKey: k, CreatedAt: at.UTC()}
	return nil
}

func cloneFiling(f Filing) Filing {
	f.Document = slices.Clone(f.Document)
	f.Warnings = slices.Clone(f.Warnings)
	return f
}

// Put implements FilingStore. With a key in ctx (WithIdempotencyKey) it
// stores the key with the filing, or nothing with ErrIdempotencyKeyUsed.
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
	k, withKey := IdempotencyKeyFrom(ctx)
	if _, used := s.idem[[2]string{k.Subject, k.Key}]; withKey && used {
		return ErrIdempotencyKeyUsed
	}
	hist := byBody[f.BodyTaxCode]
	if f.Revision != len(hist)+1 {
		return fmt.Errorf("questionnaire: filing of body %s year %d: revision %d, want %d: %w", f.BodyTaxCode, f.Year, f.Revision, len(hist)+1, registry.ErrConflict)
	}
	if withKey {
		s.idem[[2]string{k.Subject, k.Key}] = IdempotencyRecord{IdempotencyKey: k,
			BodyTaxCode: f.BodyTaxCode, Year: f.Year, Revision: f.Revision, CreatedAt: f.FiledAt.UTC()}
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
		return Filing{}, fmt.Errorf("questionnaire: filing of body %s year %d: %w", body, year, registry.ErrNotFound)
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
		return nil, fmt.Errorf("questionnaire: filing of body %s year %d: %w", body, year, registry.ErrNotFound)
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
