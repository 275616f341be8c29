package eligibility

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// Rule is one enrolment requirement, in one version, for one period.
//
// Check is only called for applications dated inside the rule's period and
// for the sections the rule names. It returns the outcome with the facts it
// used; an error is returned only when the rule could not run at all (a
// register lookup failed, the context ended), never for an application that
// does not meet the requirement. A rule must not keep state between calls:
// one rule value serves concurrent evaluations.
//
// Regional teams write their own rules with [NewRule] or by implementing this
// interface, and put them in a set with [RuleSet.With] or [RuleSet.Replace].
type Rule interface {
	Meta() Meta
	Check(ctx context.Context, c *Case) (Finding, error)
}

// Meta describes a rule: which requirement, on which legal basis, for which
// applications. Callers must not modify the Sections of a Meta a rule returns.
type Meta struct {
	// ID names the requirement ("art53_no_profit"): lowercase letters, digits
	// and underscores. Versions of one requirement share the ID.
	ID string
	// Version counts the rule's revisions, from 1.
	Version int
	// Basis is the legal basis, as a reader would cite it
	// ("art. 53 c.1 lett. b DPR 394/1999").
	Basis string
	// Title says what the rule requires, in Italian and English.
	Title problem.Text
	// From is the first application date the rule applies to (inclusive);
	// the zero time means since always.
	From time.Time
	// Until is the first application date the rule no longer applies to
	// (exclusive); the zero time means still in force.
	Until time.Time
	// Sections lists the sections the rule is checked for; empty means every
	// section requested.
	Sections []registry.Section
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// ErrInvalidRule is wrapped by the errors of [NewRuleSet] and the methods that
// derive sets, for a rule whose Meta is malformed or overlaps another version
// of the same requirement. Its kind is problem.KindInvalid.
var ErrInvalidRule = problem.NewError(problem.KindInvalid, "eligibility: invalid rule")

// ErrUnknownRule is wrapped by [RuleSet.Replace] and [RuleSet.Without] for an
// ID the set does not hold. Its kind is problem.KindNotFound.
var ErrUnknownRule = problem.NewError(problem.KindNotFound, "eligibility: unknown rule")

// Validate reports what is wrong with m, wrapping ErrInvalidRule.
func (m Meta) Validate() error {
	switch {
	case !idRE.MatchString(m.ID):
		return fmt.Errorf("%w: ID %q must match %s", ErrInvalidRule, m.ID, idRE)
	case m.Version < 1:
		return fmt.Errorf("%w %s: version %d must be at least 1", ErrInvalidRule, m.ID, m.Version)
	case m.Basis == "":
		return fmt.Errorf("%w %s: empty legal basis", ErrInvalidRule, m.ID)
	case m.Title.IT == "" || m.Title.EN == "":
		return fmt.Errorf("%w %s: title needs Italian and English", ErrInvalidRule, m.ID)
	case !m.From.IsZero() && !m.Until.IsZero() && !m.From.Before(m.Until):
		return fmt.Errorf("%w %s: period from %s until %s is empty", ErrInvalidRule, m.ID,
			m.From.Format(time.DateOnly), m.Until.Format(time.DateOnly))
	}
	for _, s := range m.Sections {
		if !s.Valid() {
			return fmt.Errorf("%w %s: %v is not a section", ErrInvalidRule, m.ID, s)
		}
	}
	return nil
}

// InForce reports whether the rule applies to an application dated day.
func (m Meta) InForce(day time.Time) bool {
	return (m.From.IsZero() || !day.Before(m.From)) && (m.Until.IsZero() || day.Before(m.Until))
}

// For reports whether the rule is checked for section s.
func (m Meta) For(s registry.Section) bool {
	return len(m.Sections) == 0 || slices.Contains(m.Sections, s)
}

func (m Meta) overlaps(o Meta) bool {
	// Half-open periods [From, Until) with zero meaning unbounded.
	aEndsBeforeB := !m.Until.IsZero() && !o.From.IsZero() && !m.Until.After(o.From)
	bEndsBeforeA := !o.Until.IsZero() && !m.From.IsZero() && !o.Until.After(m.From)
	return !aEndsBeforeB && !bEndsBeforeA
}

// Finding is what a rule's Check returns: the outcome, the facts it rests on
// and the message explaining it. The engine adds the rule's ID, version and
// legal basis to make a [Result].
type Finding struct {
	Outcome Outcome
	Facts   []Fact
	Message problem.Text
}

// NewRule returns a Rule from its metadata and a check function, the
// shortest way to write a regional rule.
func NewRule(meta Meta, check func(ctx context.Context, c *Case) (Finding, error)) Rule {
	meta.Sections = slices.Clone(meta.Sections)
	return funcRule{meta: meta, check: check}
}

type funcRule struct {
	meta  Meta
	check func(ctx context.Context, c *Case) (Finding, error)
}

func (r funcRule) Meta() Meta { return r.meta }

func (r funcRule) Check(ctx context.Context, c *Case) (Finding, error) { return r.check(ctx, c) }

// RuleSet is a named, versioned, immutable collection of rules. Derive a new
// set with With, Replace, Without and Named; the receiver never changes, so a
// set is safe for concurrent use.
type RuleSet struct {
	name    string
	version string
	rules   []Rule
}

// NewRuleSet returns a set named name at version version holding rules, in
// that order (the order of the results in a decision). Several versions of one
// requirement may share an ID when their periods do not overlap.
func NewRuleSet(name, version string, rules ...Rule) (*RuleSet, error) {
	if name == "" || version == "" {
		return nil, fmt.Errorf("%w: a rule set needs a name and a version", ErrInvalidRule)
	}
	for i, r := range rules {
		if r == nil {
			return nil, fmt.Errorf("%w: rule %d is nil", ErrInvalidRule, i)
		}
		m := r.Meta()
		if err := m.Validate(); err != nil {
			return nil, err
		}
		if fr, ok := r.(funcRule); ok && fr.check == nil {
			return nil, fmt.Errorf("%w %s: nil check function", ErrInvalidRule, m.ID)
		}
		for _, o := range rules[:i] {
			om := o.Meta()
			if om.ID != m.ID {
				continue
			}
			if om.Version == m.Version {
				return nil, fmt.Errorf("%w %s: version %d appears twice", ErrInvalidRule, m.ID, m.Version)
			}
			if om.overlaps(m) {
				return nil, fmt.Errorf("%w %s: versions %d and %d are both in force on some dates",
					ErrInvalidRule, m.ID, om.Version, m.Version)
			}
		}
	}
	return &RuleSet{name: name, version: version, rules: slices.Clone(rules)}, nil
}

// Name returns the set's name ("default", "regione-lazio", …).
func (s *RuleSet) Name() string { return s.name }

// Version returns the set's version.
func (s *RuleSet) Version() string { return s.version }

// Rules returns the rules of the set, in order.
func (s *RuleSet) Rules() []Rule { return slices.Clone(s.rules) }

// Named returns a copy of s under another name and version, so that
// decisions record which set produced them.
func (s *RuleSet) Named(name, version string) (*RuleSet, error) {
	return NewRuleSet(name, version, s.rules...)
}

// With returns a copy of s with rules added at the end. A rule may be a new
// requirement or a new version of an existing one for a period the others do
// not cover (for example a stricter version from a given date).
func (s *RuleSet) With(rules ...Rule) (*RuleSet, error) {
	return NewRuleSet(s.name, s.version, append(slices.Clone(s.rules), rules...)...)
}

// Replace returns a copy of s in which every version of the requirement
// rules[0].Meta().ID is replaced by rules (which must all share that ID), in
// the place of the first replaced rule. It returns an error wrapping
// ErrUnknownRule when s has no rule with that ID.
func (s *RuleSet) Replace(rules ...Rule) (*RuleSet, error) {
	if len(rules) == 0 || rules[0] == nil {
		return nil, fmt.Errorf("%w: Replace needs at least one rule", ErrInvalidRule)
	}
	id := rules[0].Meta().ID
	for _, r := range rules {
		if r == nil || r.Meta().ID != id {
			return nil, fmt.Errorf("%w: Replace takes versions of one requirement (%s)", ErrInvalidRule, id)
		}
	}
	out := make([]Rule, 0, len(s.rules)+len(rules))
	found := false
	for _, r := range s.rules {
		if r.Meta().ID != id {
			out = append(out, r)
			continue
		}
		if !found {
			out = append(out, rules...)
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("%w %q", ErrUnknownRule, id)
	}
	return NewRuleSet(s.name, s.version, out...)
}

// Without returns a copy of s without any version of the requirements ids.
// It returns an error wrapping ErrUnknownRule for an ID s does not hold.
func (s *RuleSet) Without(ids ...string) (*RuleSet, error) {
	out := slices.Clone(s.rules)
	for _, id := range ids {
		n := len(out)
		out = slices.DeleteFunc(out, func(r Rule) bool { return r.Meta().ID == id })
		if len(out) == n {
			return nil, fmt.Errorf("%w %q", ErrUnknownRule, id)
		}
	}
	return NewRuleSet(s.name, s.version, out...)
}

// InForce returns the rules that apply to an application dated day for
// section sec, in the set's order.
func (s *RuleSet) InForce(day time.Time, sec registry.Section) []Rule {
	var out []Rule
	for _, r := range s.rules {
		m := r.Meta()
		if m.InForce(day) && m.For(sec) {
			out = append(out, r)
		}
	}
	return out
}
