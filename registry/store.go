package registry

import (
	"context"
	"errors"
)

// Errors a Store returns; callers branch on them with errors.Is.
var (
	// ErrNotFound: no record with that ID (or codice fiscale).
	ErrNotFound = errors.New("registry: not found")
	// ErrConflict: a write lost a race or broke uniqueness — a stale
	// version, an ID or body codice fiscale already taken. Nothing of the
	// batch was written; read again and retry.
	ErrConflict = errors.New("registry: conflict")
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
type Store interface {
	// Entity returns the entity with id, or ErrNotFound.
	Entity(ctx context.Context, id string) (Entity, error)
	// EntityByCodiceFiscale returns the entity whose body codice fiscale is
	// cf, or ErrNotFound.
	EntityByCodiceFiscale(ctx context.Context, cf string) (Entity, error)
	// Entities returns one page of the entities matching f, in ascending
	// order of ID. Page.Next is the cursor of the following page ("" on the
	// last page). An invalid cursor is an error (not ErrNotFound).
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
	// Events are appended in batch order; the store assigns their Seq.
	// Commit returns the events with their Seq.
	Commit(ctx context.Context, b Batch) ([]Event, error)
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
	// Cursor is Page.Next of the previous page ("": the first page).
	Cursor string
	// Limit is the page size: 0 means DefaultLimit, more than MaxLimit
	// means MaxLimit; negative is an error.
	Limit int
}

// Page is one page of a listing.
type Page struct {
	Entities []Entity `json:"entities"`
	// Next is the cursor of the next page, "" when this is the last.
	Next string `json:"next,omitempty"`
}

// EventFilter selects events for Store.Events.
type EventFilter struct {
	// EntityID selects the events of one body ("": all).
	EntityID string
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
}
