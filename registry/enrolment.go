package registry

import (
	"fmt"

	"github.com/openregistro/registro/schemas/problem"
)

// Status is where an enrolment in one section stands.
//
//	applied → under_review → enrolled | rejected
//	enrolled → cancelled
//	rejected | cancelled → applied (a new application)
//
// An application may also be decided straight from applied. Every other
// move is an error (*TransitionError).
type Status string

// The enrolment statuses. The zero value "" means "never applied".
const (
	StatusApplied     Status = "applied"
	StatusUnderReview Status = "under_review"
	StatusEnrolled    Status = "enrolled"
	StatusRejected    Status = "rejected"
	StatusCancelled   Status = "cancelled"
)

// Statuses lists every status in lifecycle order.
var Statuses = [...]Status{StatusApplied, StatusUnderReview, StatusEnrolled, StatusRejected, StatusCancelled}

// ErrUnknownStatus is wrapped by ParseStatus for an unknown status. Its kind
// is problem.KindInvalid.
var ErrUnknownStatus = problem.NewError(problem.KindInvalid, "registry: unknown status")

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// String returns the status as stored ("under_review").
func (s Status) String() string { return string(s) }

// Pending reports whether an application is waiting for a decision.
func (s Status) Pending() bool { return s == StatusApplied || s == StatusUnderReview }

// ParseStatus parses a status as stored.
func ParseStatus(v string) (Status, error) {
	s := Status(v)
	if !s.Valid() {
		return "", fmt.Errorf("%w %q", ErrUnknownStatus, v)
	}
	return s, nil
}

// MarshalText encodes a valid status.
func (s Status) MarshalText() ([]byte, error) {
	if s != "" && !s.Valid() {
		return nil, fmt.Errorf("%w %q", ErrUnknownStatus, string(s))
	}
	return []byte(s), nil
}

// UnmarshalText decodes a status; "" stays the zero value.
func (s *Status) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = ""
		return nil
	}
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// CanMove reports whether the state machine allows the move from → to.
func CanMove(from, to Status) bool {
	switch to {
	case StatusApplied:
		return from == "" || from == StatusRejected || from == StatusCancelled
	case StatusUnderReview:
		return from == StatusApplied
	case StatusEnrolled, StatusRejected:
		return from == StatusApplied || from == StatusUnderReview
	case StatusCancelled:
		return from == StatusEnrolled
	}
	return false
}

// ErrTransition is matched (errors.Is) by every *TransitionError. Its kind
// is problem.KindFailedPrecondition.
var ErrTransition = problem.NewError(problem.KindFailedPrecondition, "registry: illegal transition")

// TransitionError reports a move the state machine does not allow.
type TransitionError struct {
	EntityID string
	Section  Section
	From, To Status
}

// Error names the section and both statuses.
func (e *TransitionError) Error() string {
	from := string(e.From)
	if from == "" {
		from = "none"
	}
	return fmt.Sprintf("registry: illegal transition of body %s in section %s from %s to %s", e.EntityID, e.Section, from, e.To)
}

// Is makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// Kind returns problem.KindFailedPrecondition: the request is well formed but
// the body's current status does not allow it.
func (e *TransitionError) Kind() problem.Kind { return problem.KindFailedPrecondition }

// Enrolment is a body's standing in one section: the current cycle
// (application, decision, cancellation) plus the history of every
// transition, across re-applications.
type Enrolment struct {
	Section Section `json:"section"`
	Status  Status  `json:"status"`
	// ApplicationID is the application of the current cycle.
	ApplicationID string `json:"applicationId,omitempty"`
	// AppliedOn is the date of the current cycle's application.
	AppliedOn Date `json:"appliedOn,omitempty"`
	// DecisionDue is the last day of the 90-day decision term (art. 54 c.2
	// DPR 394/1999): AppliedOn + 90 days, plus the days a completion
	// request suspends it (Registry.SuspendedDays).
	DecisionDue Date `json:"decisionDue,omitempty"`
	// DecreeNumber and DecreeDate identify the ministerial decree of
	// enrolment; the enrolment takes effect on DecreeDate.
	DecreeNumber string `json:"decreeNumber,omitempty"`
	DecreeDate   Date   `json:"decreeDate,omitempty"`
	// Tacit marks an enrolment by silence after the 90 days (only under
	// SilenceMeansAcceptance); it takes effect the day after DecisionDue.
	Tacit bool `json:"tacit,omitempty"`
	// RejectedOn and RejectionReason record a rejection.
	RejectedOn      Date   `json:"rejectedOn,omitempty"`
	RejectionReason string `json:"rejectionReason,omitempty"`
	// CancelledOn (the day of notification, from which cancellation takes
	// effect), CancellationReason (a code of the cancellation_reason list)
	// and LegalBasis record a cancellation; LegalBasis is also the rule a
	// rejection applied.
	CancelledOn        Date   `json:"cancelledOn,omitempty"`
	CancellationReason string `json:"cancellationReason,omitempty"`
	LegalBasis         string `json:"legalBasis,omitempty"`
	// History is every transition of this section, oldest first.
	History []Transition `json:"history,omitempty"`
}

// Transition is one move of an enrolment's state machine.
type Transition struct {
	From Status `json:"from,omitempty"`
	To   Status `json:"to"`
	// On is the day the move takes legal effect (application date, decree
	// date, notification of cancellation).
	On Date `json:"on"`
	// Actor is who made the move.
	Actor string `json:"actor"`
	// ApplicationID is the application of the cycle.
	ApplicationID string `json:"applicationId,omitempty"`
	// Note is the decree number, the reason of a rejection or cancellation.
	Note string `json:"note,omitempty"`
}

// StatusOn returns the status in force on day, according to the history:
// the target of the last transition that took effect on or before day ("" if
// none). Transitions are applied in history order.
func (en Enrolment) StatusOn(day Date) Status {
	var s Status
	for _, t := range en.History {
		if t.On <= day {
			s = t.To
		}
	}
	return s
}

// historyProblems checks that e's enrolments are consistent: known sections,
// each at most once, known statuses, and a history of legal transitions in
// date order that ends in the current status. Entities built by the
// Registry always are; imported ones must be.
func historyProblems(e *Entity) problem.List {
	var l problem.List
	seen := map[Section]bool{}
	for j, en := range e.Enrolments {
		at := problem.Pointer("enrolments", problem.Index(j))
		if !en.Section.Valid() {
			l = append(l, problem.New(at+"/section", "enum", "enum", map[string]any{"allowedValues": []string{"I", "II"}},
				"sezione sconosciuta", "unknown section"))
		} else if seen[en.Section] {
			l = append(l, problem.New(at+"/section", "uniqueItems", "duplicate_section", nil,
				"sezione ripetuta", "section repeated"))
		}
		seen[en.Section] = true
		if !en.Status.Valid() {
			l = append(l, problem.New(at+"/status", "enum", "enum", nil, "stato sconosciuto", "unknown status"))
			continue
		}
		var (
			prev Status
			last Date
		)
		for k, t := range en.History {
			tp := problem.Join(at, "history", problem.Index(k))
			switch {
			case !t.On.Valid():
				l = append(l, problem.New(tp+"/on", "format", "format", map[string]any{"format": "date"},
					"deve essere una data AAAA-MM-GG", `must match format "date"`))
			case t.On.Before(last):
				l = append(l, dateOrder(tp+"/on", "previous transition", last))
			}
			if t.From != prev || !CanMove(prev, t.To) {
				l = append(l, problem.New(tp, "register", "illegal_transition", map[string]any{"from": string(t.From), "to": string(t.To)},
					fmt.Sprintf("transizione non ammessa da %q a %q", t.From, t.To),
					fmt.Sprintf("illegal transition from %q to %q", t.From, t.To)))
			}
			prev, last = t.To, max(last, t.On)
		}
		if prev != en.Status {
			l = append(l, problem.New(at+"/status", "register", "status_history_mismatch", map[string]any{"history": string(prev)},
				"lo stato non corrisponde all'ultima transizione della storia",
				"the status is not the target of the last transition of the history"))
		}
	}
	return l
}
