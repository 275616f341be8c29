package problem

import (
	"errors"
	"fmt"
	"strconv"
)

// Kind says what kind of error an error is: what its caller can do about it,
// whatever package returned it. Services map kinds, never individual errors, to
// their answers (an HTTP status, an exit status), as go-cloud's gcerrors.Code
// does. The set is closed: these are all the kinds there are.
type Kind int

// The kinds. The zero value is KindInternal.
const (
	// KindInternal is an error that declares no kind: a bug, or a failure of
	// something underneath (a database, a disk, the network). The caller can
	// do nothing about it but report it or try later.
	KindInternal Kind = iota
	// KindInvalid is input the caller must correct: a document with problems
	// (a List), an unknown code, status or section, a malformed file.
	KindInvalid
	// KindNotFound is a thing that does not exist, or that the caller may not
	// know exists (a Section II body for the public).
	KindNotFound
	// KindConflict is a write that lost a race or broke uniqueness (a stale
	// version, a taken ID): nothing was written; read again and retry.
	KindConflict
	// KindFailedPrecondition is a well-formed request that the current state
	// does not allow (an enrolment transition the state machine refuses, a
	// referent already revoked): retrying will not help until the state
	// changes.
	KindFailedPrecondition
	// KindForbidden is an operation the caller's role does not allow.
	KindForbidden
)

// kindNames are the kinds' names, in the order of the constants.
var kindNames = [...]string{
	KindInternal:           "internal",
	KindInvalid:            "invalid",
	KindNotFound:           "not_found",
	KindConflict:           "conflict",
	KindFailedPrecondition: "failed_precondition",
	KindForbidden:          "forbidden",
}

// Kinds returns every kind, in the order of the constants (KindInternal
// first), for tables that must map each of them.
func Kinds() []Kind {
	out := make([]Kind, len(kindNames))
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

// String returns the kind's name in snake case ("not_found"), or "Kind(N)" for
// a value that is not one of the constants.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Kinded is implemented by errors that carry a kind: the sentinels of
// NewError, List, and error types of other packages (registry's
// TransitionError) that declare one.
type Kinded interface {
	error
	// Kind returns the error's kind.
	Kind() Kind
}

// NewError returns a sentinel error of kind k whose message is text, which
// by convention starts with the package's name ("registry: not found"). Like
// errors.New, each call returns a distinct error: callers compare with
// errors.Is, and wrap it (fmt.Errorf with %w) to add detail without losing
// the kind.
func NewError(k Kind, text string) error {
	return &kindError{kind: k, text: text}
}

// invalidf returns an error of kind KindInvalid with a formatted message.
func invalidf(format string, args ...any) error {
	return &kindError{kind: KindInvalid, text: fmt.Sprintf(format, args...)}
}

// kindError is an error with a kind: a sentinel of NewError, or an error of
// this package (invalidf).
type kindError struct {
	kind Kind
	text string
}

// Error returns the text given to NewError.
func (e *kindError) Error() string { return e.text }

// Kind returns the kind given to NewError.
func (e *kindError) Kind() Kind { return e.kind }

// KindOf returns the kind of err: the kind of the first error in its tree
// (as errors.As walks it, through Unwrap and wrapped joins) that implements
// Kinded, and KindInternal when none does. KindOf(nil) is KindInternal too;
// test err != nil first.
func KindOf(err error) Kind {
	var k Kinded
	if errors.As(err, &k) {
		return k.Kind()
	}
	return KindInternal
}
