package eligibility

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas/problem"
)

// Application is an application to evaluate: the register's application
// plus what is not known about it.
//
// The register's types hold the yes/no facts (the statute facts, the art. 52
// declaration, the signature's verification, the GDPR record of processing)
// as *bool: nil is not stated, and a rule answers missing rather than
// reading it as false. Unknown lists further JSON Pointers of facts the
// application does not state: [DecodeApplication] fills it from the keys
// absent or null in the JSON; a Go caller may leave the *bool nil or list its
// pointer here.
type Application struct {
	registry.Application
	// Unknown holds JSON Pointers into the application ("/body/statute/nonProfit").
	Unknown []string `json:"-"`
}

// Known reports whether the fact at JSON Pointer ptr is stated.
func (a *Application) Known(ptr string) bool { return !slices.Contains(a.Unknown, ptr) }

// Register answers what the rules ask the register: was a body enrolled in a
// section on a day, and what it declared (the national body of a branch).
// Both are required: a rule never runs on half a register.
// registry.Registry.ReaderFor returns the register's own implementation, as
// a given viewer reads it. Implementations return an error wrapping
// registry.ErrNotFound for an unknown body and any other error when the
// register cannot be read.
type Register interface {
	// EnrolledOn reports whether body entityID was enrolled in section s on
	// the calendar day of day.
	EnrolledOn(ctx context.Context, entityID string, s registry.Section, day time.Time) (bool, error)
	// Entity reads a body, so that the Section II branch rule can compare a
	// branch with its national body.
	Entity(ctx context.Context, id string) (registry.Entity, error)
}

var _ Register = registry.Reader{} // the register's own adapter: Registry.ReaderFor

// PartnershipRegister is a Register that also holds the register's
// partnership records. With one, the Section II partnership rule checks the
// agreement of an applicant already in the register against the records in
// force on the application date. registry.Reader is one.
type PartnershipRegister interface {
	Register
	// SectionIIPartnerships returns the partnerships of body entityID in
	// force on the calendar day of day, confirmed by the other party, whose
	// other party was enrolled in Section II that day; an error wrapping registry.ErrNotFound when the
	// body is not in the register (or its records cannot be read).
	SectionIIPartnerships(ctx context.Context, entityID string, day time.Time) ([]registry.Partnership, error)
}

var _ PartnershipRegister = registry.Reader{}

// Case is what a rule sees: one application, the section being checked, the
// application date and the register.
type Case struct {
	// Application is the application evaluated; rules must not modify it.
	Application *Application
	// Section is the requested section being checked.
	Section registry.Section
	// Day is the application date (midnight UTC).
	Day time.Time
	// AsOf is the day of the evaluation (midnight UTC).
	AsOf time.Time
	// Register is the register to check facts against; nil when none was
	// given, in which case register-checked rules answer missing.
	Register Register
	// Codelists are the code lists in use.
	Codelists *codelist.Set
	// Territory is the territory in use (the seat rule's comuni).
	Territory *territory.Territory
}

// Known reports whether the fact at JSON Pointer ptr is stated.
func (c *Case) Known(ptr string) bool { return c.Application.Known(ptr) }

// Options are the optional knobs of a [Checker]. The zero value is usable.
type Options struct {
	// Rules is the rule set; nil means [Default].
	Rules *RuleSet
	// Codelists are the code lists; nil means codelist.Default().
	Codelists *codelist.Set
	// Territory is the territory the seat rule finds comuni in; nil means
	// territory.Default(). A checker over a register takes the register's
	// (registry.Registry.Territory), as its Codelists.
	Territory *territory.Territory
}

// Checker evaluates applications against a rule set. It is immutable and
// safe for concurrent use if its Register is.
type Checker struct {
	register  Register
	rules     *RuleSet
	codelists *codelist.Set
	territory *territory.Territory
}

// New returns a Checker that verifies register facts (the Section II partner)
// against register; register may be nil, and then those rules answer missing.
func New(register Register, opts Options) *Checker {
	c := &Checker{register: register, rules: opts.Rules, codelists: opts.Codelists, territory: opts.Territory}
	if c.rules == nil {
		c.rules = Default()
	}
	if c.territory == nil {
		c.territory = territory.Default()
	}
	if c.codelists == nil {
		c.codelists = codelist.Default()
	}
	return c
}

// Rules returns the checker's rule set.
func (c *Checker) Rules() *RuleSet { return c.rules }

// ErrRule is wrapped by Evaluate when a rule could not run (its error is
// wrapped too): a register that cannot be read, a cancelled context. It has
// no kind of its own: problem.KindOf reads the kind of the error it wraps
// (internal for a store that fails, forbidden for a register the viewer may
// not read).
var ErrRule = errors.New("eligibility: rule could not run")

// Evaluate checks app against the rules in force on its application date, for
// each section it requests, as of the day asOf (only its calendar day in UTC
// is used).
//
// It returns a problem.List (errors.Is(err, problem.ErrInvalid)) when app
// cannot be evaluated at all: no valid date, no valid section, a date after
// asOf. It returns an error wrapping ErrRule when a rule failed to run. An
// application that does not meet a requirement is not an error: it gets a
// decision with verdict not_eligible or incomplete.
func (c *Checker) Evaluate(ctx context.Context, app *Application, asOf time.Time) (*Decision, error) {
	if app == nil {
		return nil, problem.List{problem.New("", "type", "application_null", nil,
			"la domanda è vuota", "the application is empty")}
	}
	asOfDay := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	day, sections, err := checkInput(app, asOfDay)
	if err != nil {
		return nil, err
	}
	d := &Decision{
		Schema:          SchemaVersion,
		ApplicationID:   app.ID,
		EntityID:        app.EntityID,
		ApplicationDate: day.Format(time.DateOnly),
		AsOf:            asOfDay.Format(time.DateOnly),
		RuleSet:         RuleSetRef{Name: c.rules.Name(), Version: c.rules.Version()},
	}
	verdicts := make([]Verdict, 0, len(sections))
	for _, s := range sections {
		cs := &Case{Application: app, Section: s, Day: day, AsOf: asOfDay, Register: c.register, Codelists: c.codelists, Territory: c.territory}
		rules := c.rules.InForce(day, s)
		sd := SectionDecision{Section: s, Results: make([]Result, 0, len(rules))}
		outcomes := make([]Outcome, 0, len(rules))
		for _, r := range rules {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrRule, err)
			}
			m := r.Meta()
			f, err := r.Check(ctx, cs)
			if err != nil {
				return nil, fmt.Errorf("%w: %s (section %s): %w", ErrRule, m.ID, s, err)
			}
			if !f.Outcome.Valid() {
				return nil, fmt.Errorf("%w: %s (section %s) returned outcome %v", ErrRule, m.ID, s, f.Outcome)
			}
			facts := f.Facts
			if facts == nil {
				facts = []Fact{}
			}
			sd.Results = append(sd.Results, Result{
				Rule: m.ID, Version: m.Version, Basis: m.Basis, Title: m.Title,
				Outcome: f.Outcome, Facts: facts, Message: f.Message,
			})
			outcomes = append(outcomes, f.Outcome)
		}
		sd.Verdict = verdictOf(outcomes...)
		verdicts = append(verdicts, sd.Verdict)
		d.Sections = append(d.Sections, sd)
	}
	d.Verdict = worst(verdicts...)
	return d, nil
}

// checkInput returns the application day and the requested sections in
// order, or the problems that prevent any evaluation.
func checkInput(app *Application, asOf time.Time) (time.Time, []registry.Section, error) {
	var probs problem.List
	var day time.Time
	switch {
	case app.Date == "":
		probs = append(probs, problem.Required("", "date"))
	case !app.Date.Valid():
		probs = append(probs, problem.New("/date", "format", "date", map[string]any{"format": "date"},
			fmt.Sprintf("la data %q non è un giorno AAAA-MM-GG", app.Date),
			fmt.Sprintf("date %q is not a day written YYYY-MM-DD", app.Date)))
	default:
		day = app.Date.Time()
		if day.After(asOf) {
			probs = append(probs, problem.New("/date", "formatMaximum", "date_after_as_of",
				map[string]any{"limit": asOf.Format(time.DateOnly)},
				fmt.Sprintf("la domanda è datata %s, dopo la data di valutazione %s", app.Date, asOf.Format(time.DateOnly)),
				fmt.Sprintf("the application is dated %s, after the evaluation day %s", app.Date, asOf.Format(time.DateOnly))))
		}
	}
	var sections []registry.Section
	if len(app.Sections) == 0 {
		probs = append(probs, problem.Required("", "sections"))
	}
	for i, s := range app.Sections {
		switch {
		case !s.Valid():
			probs = append(probs, problem.New(problem.Pointer("sections", problem.Index(i)), "enum", "section",
				map[string]any{"allowedValues": []string{"I", "II"}},
				"la sezione deve essere I o II", "section must be I or II"))
		case slices.Contains(sections, s):
			probs = append(probs, problem.New(problem.Pointer("sections", problem.Index(i)), "uniqueItems", "section_repeated",
				nil, fmt.Sprintf("la sezione %s è richiesta due volte", s), fmt.Sprintf("section %s is requested twice", s)))
		default:
			sections = append(sections, s)
		}
	}
	if len(probs) > 0 {
		probs.Sort()
		return time.Time{}, nil, probs
	}
	slices.Sort(sections)
	return day, sections, nil
}
