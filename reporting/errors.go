package reporting

import "github.com/openregistro/registro/schemas/problem"

// Sentinel errors, tested with errors.Is.
var (
	// ErrMismatch is returned when two aggregates or reports that must share a
	// year, scope and layout do not (Merge, Compare). Its kind is
	// problem.KindInvalid.
	ErrMismatch = problem.NewError(problem.KindInvalid, "reporting: mismatched aggregates")
	// ErrScope is returned for an unknown region or macro-area code. Its kind
	// is problem.KindInvalid.
	ErrScope = problem.NewError(problem.KindInvalid, "reporting: unknown scope")
	// ErrYear is returned for a reporting year outside the supported range. Its
	// kind is problem.KindNotFound.
	ErrYear = problem.NewError(problem.KindNotFound, "reporting: unsupported year")
)
