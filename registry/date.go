package registry

import (
	"fmt"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// Date is a calendar day written "YYYY-MM-DD", as every date of the register
// is exchanged in JSON. The zero value "" means "no date" (an open end, a
// decision not taken yet).
//
// Two valid Dates compare correctly as strings: a < b means a is earlier.
type Date string

// DateLayout is the layout of a Date for time.Parse.
const DateLayout = "2006-01-02"

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return Date(t.Format(DateLayout)) }

// ErrDate is wrapped by ParseDate for a string that is not a day written
// YYYY-MM-DD. Its kind is problem.KindInvalid.
var ErrDate = problem.NewError(problem.KindInvalid, "registry: not a day written YYYY-MM-DD")

// ParseDate parses "YYYY-MM-DD" and rejects anything else, including days
// that do not exist, with an error wrapping ErrDate.
func ParseDate(s string) (Date, error) {
	if _, err := time.Parse(DateLayout, s); err != nil {
		return "", fmt.Errorf("%w: %q", ErrDate, s)
	}
	return Date(s), nil
}

// IsZero reports whether d is the empty date.
func (d Date) IsZero() bool { return d == "" }

// Valid reports whether d is a day written "YYYY-MM-DD".
func (d Date) Valid() bool {
	_, err := time.Parse(DateLayout, string(d))
	return err == nil
}

// Time returns midnight UTC of d, or the zero time when d is not valid.
func (d Date) Time() time.Time {
	t, err := time.Parse(DateLayout, string(d))
	if err != nil {
		return time.Time{}
	}
	return t
}

// AddDays returns the day n days after d (before, when n is negative). It
// returns "" when d is not valid.
func (d Date) AddDays(n int) Date {
	t := d.Time()
	if t.IsZero() {
		return ""
	}
	return DateOf(t.AddDate(0, 0, n))
}

// Before reports whether d is a day earlier than e. Both must be valid.
func (d Date) Before(e Date) bool { return d < e }

// After reports whether d is a day later than e. Both must be valid.
func (d Date) After(e Date) bool { return d > e }

// String returns d as written.
func (d Date) String() string { return string(d) }

// within reports whether day falls in [from, until], an empty until meaning
// open-ended and an empty from meaning "since always".
func within(day, from, until Date) bool {
	if from != "" && day < from {
		return false
	}
	if until != "" && day > until {
		return false
	}
	return true
}
