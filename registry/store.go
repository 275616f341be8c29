package registry

import (
	"context"
	"slices"

	"github.com/openregistro/registro/schemas/problem"
)

// Errors a Store returns; callers branch on them with errors.Is. They are
// the errors of every store of the project (the questionnaire's filing
// stores too): one name per concept.
var (
	// ErrNotFound: no record with that ID (or codice fiscale), no filing
	// for that body and year. Its kind is problem.KindNotFound.
	ErrNotFound = problem.NewError(problem.KindNotFound, "registry: not found")
	// ErrConflict: a write lost a race or broke uniqueness — a stale
	// version, an ID or body codice fiscale already taken, a filing
	// revision that is not the next one. Nothing of the batch was written;
	// read again and retry. Its kind is problem.KindConflict.
	ErrConflict = problem.NewError(problem.KindConflict, "registry: conflict")
)

// Listing limits for Filter.Limit.
const (
	// DefaultLimit is the page size when Filter.Limit is 0.
	DefaultLimit = 50
	// MaxLimit is the largest page a store returns; larger limits are
	// clamped to it.
	MaxLimit = 1000
)

// Store persists the register. It is small and dumb: it stores records,
// enforces versions and uniqueness, and answers queries; every rule lives in
// Registry. Every implementation must pass registrytest.RunStoreTests.
//
// Reads return deep copies: a caller may modify what it gets without
// affecting the store. Implementations must be safe for concurrent use.
//
// Errors: besides those each method names, every method may return the
// context's error and the backend's (a database error, wrapped); those are
// never ErrNotFound or ErrConflict. A method that names no error returns
// only these.
type Store interface {
	APITokenStore
	DraftStore // the drafts of annual reports (draft.go)
	// Entity returns the entity with id, or ErrNotFound.
	Entity(ctx context.Context, id string) (Entity, error)
	// EntityByCodiceFiscale returns the entity whose body codice fiscale is
	// cf, or ErrNotFound.
	EntityByCodiceFiscale(ctx context.Context, cf string) (Entity, error)
	// Entities returns one page of the entities matching f, in ascending
	// order of ID. f.Visible and f.Candidates apply before the cursor and
	// the limit: the page holds min(limit, remaining) entities Visible
	// accepts, and Page.Next is CursorAfter of the last of them when more
	// follow, "" on the last page — never the ID of an entity Visible
	// rejected.
	//
	// Errors: ErrInvalidCursor (wrapped) for a cursor ParseCursor rejects;
	// an error for a negative limit; the error of f.Visible; the context's
	// error; database errors. Never ErrNotFound.
	Entities(ctx context.Context, f Filter) (Page, error)
	// Application returns the application with id, or ErrNotFound.
	Application(ctx context.Context, id string) (Application, error)
	// Applications returns the applications of a body in ascending order of
	// (Date, ID); none is an empty slice, not an error.
	Applications(ctx context.Context, entityID string) ([]Application, error)
	// Partnership returns the partnership with id, or ErrNotFound.
	Partnership(ctx context.Context, id string) (Partnership, error)
	// Partnerships returns the partnerships that have entityID as either
	// party (EntityID or PartnerID), in ascending order of ID.
	Partnerships(ctx context.Context, entityID string) ([]Partnership, error)
	// Grants returns the grants held by grantee, in ascending order of ID.
	Grants(ctx context.Context, grantee string) ([]Grant, error)
	// Events returns the events matching f in ascending order of Seq.
	//
	// Errors: an error for a negative limit; the context's error; database
	// errors.
	Events(ctx context.Context, f EventFilter) ([]Event, error)
	// Commit writes a batch atomically: every put and delete and every event,
	// or nothing.
	//
	// A record put with Version 0 is created (its ID must be non-empty and
	// not taken, else ErrConflict) and stored with Version 1. A record put
	// with Version n > 0 replaces the stored record whose version is n (else
	// ErrConflict; ErrNotFound if there is none) and is stored with Version
	// n+1. A delete names the version it removes, with the same errors. Two
	// entities may not share a codice fiscale (ErrConflict). A record may
	// appear at most once in a batch (ErrConflict otherwise).
	//
	// Events are appended in batch order; the store assigns their Seq and
	// their Regions (see Event.Regions: the seat of the body EntityID before
	// and after the batch). Commit returns the events with their Seq and
	// Regions.
	//
	// Errors: ErrConflict and ErrNotFound (wrapped) as above; the context's
	// error; database errors.
	Commit(ctx context.Context, b Batch) ([]Event, error)
	GrantStore
	ApplicationFiles
}

// Filter selects entities for Store.Entities. Zero fields match everything.
type Filter struct {
	// Section and Status select bodies having an enrolment in Section (if
	// set) with Status (if set); both refer to the same enrolment.
	Section Section
	Status  Status
	// Region is the ISTAT code of the seat's region.
	Region string
	// Province is the sigla of the seat's province.
	Province string
	// LegalForm is a legal_form code.
	LegalForm string
	// Name matches the bodies whose name contains it, ignoring case
	// (strings.ToLower on both sides).
	Name string
	// BranchOf selects the territorial branches of a national body.
	BranchOf string
	// Cursor is Page.Next of the previous page ("": the first page); see
	// CursorAfter and ParseCursor.
	Cursor string
	// Limit is the page size: 0 means DefaultLimit, more than MaxLimit
	// means MaxLimit; negative is an error.
	Limit int

	// Visible, when not nil, keeps only the entities it returns true for:
	// the listing is then exactly the listing of a store holding only
	// those. A store calls it after the fields above (but Cursor and
	// Limit) have matched, in ascending ID order, with no lock held and no
	// rows open (it may read the store); its error ends the listing.
	// Registry.Entities sets it from the viewer: it is where the rule of
	// who sees what lives, and a store only applies it.
	Visible func(ctx context.Context, e *Entity) (bool, error)
	// Candidates, when not nil, describes in stored data a superset of the
	// entities Visible accepts, so that a store can leave the others out
	// of its query. A store may ignore it: the page must be the same with
	// or without it.
	Candidates *Candidates
}

// Candidates is a superset of what a viewer may see, in terms of stored
// columns (see Filter.Candidates). An entity is a candidate when any of the
// fields below selects it; the zero value selects nothing.
type Candidates struct {
	// ID selects the entity with that ID ("": none), a body's own.
	ID string
	// SectionI selects the entities with a Section I enrolment (in any
	// status) and the territorial branches (BranchOf not empty), which may
	// be enrolled by extension.
	SectionI bool
	// SectionII selects the entities with a Section II enrolment (in any
	// status) seated in one of SectionIIRegions (nil: in any region).
	SectionII        bool
	SectionIIRegions []string
}

// Selects reports whether c selects e; stores without a query language use
// it, and it is the meaning SQL stores must give c.
func (c *Candidates) Selects(e *Entity) bool {
	if c == nil {
		return true
	}
	if c.ID != "" && e.ID == c.ID {
		return true
	}
	if c.SectionI && e.BranchOf != "" {
		return true
	}
	for _, en := range e.Enrolments {
		switch {
		case en.Section == SectionI && c.SectionI:
			return true
		case en.Section == SectionII && c.SectionII &&
			(c.SectionIIRegions == nil || slices.Contains(c.SectionIIRegions, e.Seat.Region)):
			return true
		}
	}
	return false
}

// Page is one page of a listing.
type Page struct {
	Entities []Entity `json:"entities"`
	// Next is the cursor of the next page, "" when this is the last.
	Next string `json:"next,omitempty"`
}

// EventFilter selects events for Store.Events. Zero fields match every
// event; the fields that are set must all match.
type EventFilter struct {
	// EntityID selects the events of one body ("": all).
	EntityID string
	// Kinds selects the events of these kinds (empty: every kind). Stores
	// answer it from an index on (kind, seq): the yearly list reads only
	// the EventReportFiled events this way.
	Kinds []EventKind
	// Region selects the events whose Regions hold this ISTAT region code
	// (""; every region): the feed of one region's bodies, including the
	// events of a body that moved out of it or was deleted there. Stores
	// answer it from an index on (region, seq).
	Region string
	// After selects events with Seq > After.
	After int64
	// Limit caps the number of events (0: DefaultLimit; clamped to MaxLimit;
	// negative is an error).
	Limit int
}

// RecordKind names the kinds of records a Store keeps.
type RecordKind string

// The record kinds.
const (
	KindEntity      RecordKind = "entity"
	KindApplication RecordKind = "application"
	KindPartnership RecordKind = "partnership"
	KindGrant       RecordKind = "grant"
)

// Ref names one stored version of a record, for a delete.
type Ref struct {
	Kind    RecordKind
	ID      string
	Version int64
}

// Batch is one atomic write: puts, deletes and the events that record them.
type Batch struct {
	Entities     []Entity
	Applications []Application
	Partnerships []Partnership
	Grants       []Grant
	Deletes      []Ref
	Events       []Event
	// Attachments are files to store once by SHA-256 (ApplicationFiles).
	Attachments []AttachmentFile
	// Public says the batch may change what the public sees today: a body
	// entering or leaving the public listing, or a published field (name,
	// legal form, seat) of a listed body. Registry sets it, judging by its
	// rules of view, and sets it whenever it cannot tell; a
	// PublicVersioner moves its version with it and with nothing else. A
	// batch committed to a store directly, not through a Registry, must
	// set it whenever it may change what the public sees, or a Registry
	// over that store would answer the public with the pages it kept.
	Public bool
}

// EventRegions returns the Regions of an event about a body seated in
// before ("" : not stored before the batch) and after ("": not stored after
// it): both, ascending, without blanks and repeats. Stores use it on
// commit.
func EventRegions(before, after string) []string {
	switch {
	case before == "" && after == "":
		return nil
	case before == "" || before == after:
		return []string{after}
	case after == "":
		return []string{before}
	case before < after:
		return []string{before, after}
	}
	return []string{after, before}
}

// Matches reports whether ev passes f's EntityID, Kinds and Region (not
// After and Limit); stores without a query language use it, and it is the
// meaning SQL stores must give those fields.
func (f *EventFilter) Matches(ev *Event) bool {
	return (f.EntityID == "" || ev.EntityID == f.EntityID) &&
		(len(f.Kinds) == 0 || slices.Contains(f.Kinds, ev.Kind)) &&
		(f.Region == "" || slices.Contains(ev.Regions, f.Region))
}
