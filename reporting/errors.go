package reporting

import "errors"

// Sentinel errors, tested with errors.Is.
var (
	// ErrMismatch is returned when two aggregates or reports that must
	// share a year, scope and layout do not (Merge, Compare).
	ErrMismatch = errors.New("reporting: mismatched aggregates")
	// ErrScope is returned for an unknown region or macro-area code.
	ErrScope = errors.New("reporting: unknown scope")
	// ErrYear is returned for a reporting year outside the supported range.
	ErrYear = errors.New("reporting: unsupported year")
)
