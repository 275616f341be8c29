package eligibility

import (
	"fmt"

	"github.com/openregistro/registro/schemas/problem"
)

// ErrUnknownValue is wrapped by the Parse functions and UnmarshalText methods
// of [Outcome] and [Verdict] for a word they do not know. Its kind is
// problem.KindInvalid.
var ErrUnknownValue = problem.NewError(problem.KindInvalid, "eligibility: unknown value")

// Outcome is what one rule concluded about one application for one section.
// Persisted values never change meaning.
type Outcome int

// The outcomes. The zero value is not an outcome.
const (
	// Pass: the requirement is met, on the facts shown.
	Pass Outcome = iota + 1
	// Fail: the requirement is not met, on the facts shown.
	Fail
	// Missing: a fact or document the rule needs is absent or unknown, so the
	// rule cannot decide. Unknown facts are never read as false.
	Missing
	// NotApplicable: the rule is in force but does not concern this
	// application (for example the statute rules for an ONLUS body).
	NotApplicable
)

var outcomeNames = [...]string{Pass: "pass", Fail: "fail", Missing: "missing", NotApplicable: "not_applicable"}

// String returns "pass", "fail", "missing" or "not_applicable".
func (o Outcome) String() string {
	if o >= Pass && o <= NotApplicable {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Valid reports whether o is one of the four outcomes.
func (o Outcome) Valid() bool { return o >= Pass && o <= NotApplicable }

// ParseOutcome parses "pass", "fail", "missing" or "not_applicable".
func ParseOutcome(s string) (Outcome, error) {
	for o := Pass; o <= NotApplicable; o++ {
		if outcomeNames[o] == s {
			return o, nil
		}
	}
	return 0, fmt.Errorf("%w: outcome %q (want pass, fail, missing or not_applicable)", ErrUnknownValue, s)
}

// MarshalText encodes the outcome as its name.
func (o Outcome) MarshalText() ([]byte, error) {
	if !o.Valid() {
		return nil, fmt.Errorf("%w: outcome %d", ErrUnknownValue, int(o))
	}
	return []byte(o.String()), nil
}

// UnmarshalText decodes an outcome name.
func (o *Outcome) UnmarshalText(b []byte) error {
	v, err := ParseOutcome(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// Verdict is the conclusion for one requested section, or for the whole
// application. Persisted values never change meaning.
type Verdict int

// The verdicts. The zero value is not a verdict.
const (
	// Eligible: every rule in force passed or did not apply.
	Eligible Verdict = iota + 1
	// NotEligible: at least one rule failed.
	NotEligible
	// Incomplete: no rule failed, but at least one could not decide because a
	// document or fact is missing.
	Incomplete
)

var verdictNames = [...]string{Eligible: "eligible", NotEligible: "not_eligible", Incomplete: "incomplete"}

// String returns "eligible", "not_eligible" or "incomplete".
func (v Verdict) String() string {
	if v >= Eligible && v <= Incomplete {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Valid reports whether v is one of the three verdicts.
func (v Verdict) Valid() bool { return v >= Eligible && v <= Incomplete }

// ParseVerdict parses "eligible", "not_eligible" or "incomplete".
func ParseVerdict(s string) (Verdict, error) {
	for v := Eligible; v <= Incomplete; v++ {
		if verdictNames[v] == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: verdict %q (want eligible, not_eligible or incomplete)", ErrUnknownValue, s)
}

// MarshalText encodes the verdict as its name.
func (v Verdict) MarshalText() ([]byte, error) {
	if !v.Valid() {
		return nil, fmt.Errorf("%w: verdict %d", ErrUnknownValue, int(v))
	}
	return []byte(v.String()), nil
}

// UnmarshalText decodes a verdict name.
func (v *Verdict) UnmarshalText(b []byte) error {
	p, err := ParseVerdict(string(b))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// verdictOf folds outcomes: any fail → not eligible; otherwise any missing →
// incomplete; otherwise eligible.
func verdictOf(outcomes ...Outcome) Verdict {
	v := Eligible
	for _, o := range outcomes {
		switch o {
		case Fail:
			return NotEligible
		case Missing:
			v = Incomplete
		}
	}
	return v
}

// worst folds section verdicts into the application's: not eligible beats
// incomplete beats eligible.
func worst(vs ...Verdict) Verdict {
	out := Eligible
	for _, v := range vs {
		if v == NotEligible {
			return NotEligible
		}
		if v == Incomplete {
			out = Incomplete
		}
	}
	return out
}
