package registry

import (
	"encoding/json"
	"time"
)

// EventKind names what an event records. Kinds are stable strings.
type EventKind string

// The event kinds.
const (
	EventEntityCreated       EventKind = "entity.created"
	EventEntityUpdated       EventKind = "entity.updated"
	EventEntityRemoved       EventKind = "entity.removed"
	EventApplicationFiled    EventKind = "application.filed"
	EventEnrolmentChanged    EventKind = "enrolment.changed"
	EventBranchAdded         EventKind = "branch.added"
	EventBranchEnded         EventKind = "branch.ended"
	EventBranchRemoved       EventKind = "branch.removed"
	EventPartnershipAdded    EventKind = "partnership.added"
	EventPartnershipUpdated  EventKind = "partnership.updated"
	EventPartnershipRemoved  EventKind = "partnership.removed"
	EventReferentRequested   EventKind = "referent.requested"
	EventReferentEnabled     EventKind = "referent.enabled"
	EventReferentRevoked     EventKind = "referent.revoked"
	EventSectionIIGranted    EventKind = "access.section_ii_granted"
	EventRepresentativeNamed EventKind = "entity.legal_representative_changed"
	// EventReportFiled records an annual report filed by a body (art. 54
	// c.3 DPR 394/1999); its After is a ReportFiled.
	EventReportFiled EventKind = "questionnaire.filed"
)

// Event is one change to the register: the audit trail and the base of a
// change feed. Every write of the Registry commits its events in the same
// atomic batch as the change.
//
// Before and After are the JSON of the record (Entity, Application,
// Partnership or Grant) before and after the change; Before is null for a
// creation and After is null for a removal. Events carry personal data and
// are shown only to staff viewers.
type Event struct {
	// Seq is the event's position in the store's log, assigned by the store
	// on commit: 1, 2, 3, … strictly increasing, with no gaps.
	Seq int64 `json:"seq"`
	// At is when the change was made (the Registry's clock).
	At time.Time `json:"at"`
	// Actor is who made it.
	Actor string `json:"actor"`
	// Kind is what happened.
	Kind EventKind `json:"kind"`
	// EntityID is the body concerned ("" for a grant of access).
	EntityID string `json:"entityId,omitempty"`
	// RecordID is the record changed: the entity, application, partnership
	// or grant ID.
	RecordID string `json:"recordId"`
	// Section is the section concerned, when there is one.
	Section Section `json:"section,omitempty"`
	// Note is a short human-readable summary ("applied → enrolled").
	Note string `json:"note,omitempty"`
	// Regions are the ISTAT codes of the regions of the seat of the body
	// EntityID that the event concerns, ascending: the seat after the
	// batch that recorded the event and, when the batch moved or deleted
	// the body, the seat before it. The store sets them on commit (what a
	// caller puts here is ignored); EventFilter.Region selects on them.
	Regions []string `json:"regions,omitempty"`
	// Before and After are the record before and after the change.
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}
