package registry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas/problem"
)

// ErrForbidden is returned for an operation the viewer's role does not allow
// (events, applications and the yearly list of another body, a filter on
// data the viewer may not see). Its kind is problem.KindForbidden.
var ErrForbidden = problem.NewError(problem.KindForbidden, "registry: forbidden")

// SilencePolicy says what the register makes of an application still
// undecided when the decision term is over.
type SilencePolicy int

// The silence policies.
const (
	// SilenceNoEffect (the default): silence is not a decision. The
	// application stays pending and is reported as overdue by ApplySilence;
	// the body is not enrolled until a decree.
	SilenceNoEffect SilencePolicy = iota
	// SilenceMeansAcceptance follows the 1999 text of art. 54 c.2 DPR
	// 394/1999: an application not decided within the term is accepted. The
	// body counts as enrolled from the day after DecisionDue (EnrolledOn says
	// so at once), and ApplySilence records the tacit enrolment. After the
	// term a rejection is a *TransitionError (silence already accepted) and a
	// cancellation first records the tacit enrolment. A decree after the
	// term is still accepted and recorded.
	SilenceMeansAcceptance
)

// String returns "no_effect" or "acceptance".
func (p SilencePolicy) String() string {
	if p == SilenceMeansAcceptance {
		return "acceptance"
	}
	return "no_effect"
}

// DefaultDecisionDays is the decision term of art. 54 c.2 DPR 394/1999.
const DefaultDecisionDays = 90

// Options are the optional knobs of a Registry. The zero value is usable.
type Options struct {
	// Now is the clock. Nil means time.Now — the one place the package reads
	// the system clock; tests and replays inject their own.
	Now func() time.Time
	// NewID generates register IDs (entities, applications, partnerships,
	// referents, grants). Nil means 16 random hexadecimal digits from
	// crypto/rand. IDs must be unique and non-empty.
	NewID func() string
	// Location is the time zone that turns instants into calendar days
	// (filing times, today). Nil means UTC; operators in Italy set
	// Europe/Rome.
	Location *time.Location
	// CodeLists are the code lists checked by the codelist tags. Nil means
	// codelist.Default().
	CodeLists *codelist.Set
	// Territory is the territory checked by the sigla, comune and region
	// tags and used to split the yearly list. Nil means territory.Default().
	Territory *territory.Territory
	// Silence is the policy for silence after the decision term.
	Silence SilencePolicy
	// DecisionDays is the decision term in days; 0 means DefaultDecisionDays.
	DecisionDays int
	// FilingDeadline returns the last day to file the annual report on
	// year; nil means 30 January of year+1 (art. 54 c.3 DPR 394/1999).
	FilingDeadline func(year int) Date
	// Assess computes the eligibility decision of an application on
	// receipt (Apply, Submit, Complete), as of asOf; unstated are the JSON
	// Pointers of the facts the application does not state. The register
	// stores its answer in the application's Receipt. A problem.List error
	// is bad input (the application is refused, nothing is stored); an
	// ineligible application is not an error. Nil: no decision is stored.
	// (The eligibility package sits above the register, so the binaries
	// inject it here: see examples/internal/wire.)
	Assess func(ctx context.Context, a *Application, unstated []string, asOf time.Time) (*Assessment, error)
	// MaxAttachmentBytes caps one attachment file; 0 means
	// DefaultMaxAttachmentBytes.
	MaxAttachmentBytes int64
}

// Registry holds every rule of the register over a Store. Build it with New.
type Registry struct {
	store  Store
	opts   Options
	val    *Validator
	terr   *territory.Territory
	filed  filedCache  // what FiledReports has read of the log
	yearly yearlyCache // the lists FiledYearlyUpdate computed
	public publicCache // the public's listing pages (publiccache.go)
}

// New returns a Registry over store. Zero fields of opts take the defaults
// documented on Options.
func New(store Store, opts Options) *Registry {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.NewID == nil {
		opts.NewID = randomID
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Territory == nil {
		opts.Territory = territory.Default()
	}
	if opts.CodeLists == nil {
		opts.CodeLists = codelist.Default()
	}
	if opts.DecisionDays <= 0 {
		opts.DecisionDays = DefaultDecisionDays
	}
	if opts.FilingDeadline == nil {
		opts.FilingDeadline = func(year int) Date { return Date(fmt.Sprintf("%04d-01-30", year+1)) }
	}
	return &Registry{store: store, opts: opts, val: NewValidator(opts.CodeLists, opts.Territory), terr: opts.Territory}
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// Validator returns the validator the Registry uses.
func (r *Registry) Validator() *Validator { return r.val }

// Ping checks that the store answers a one-row query (a health check).
func (r *Registry) Ping(ctx context.Context) error {
	_, err := r.store.Entities(ctx, Filter{Limit: 1})
	return err
}

// CodeLists returns the code lists the Registry checks codes against: the
// ones every path built on it (the questionnaire validators, the eligibility
// rules, the reports) must use too.
func (r *Registry) CodeLists() *codelist.Set { return r.opts.CodeLists }

// Territory returns the territory the Registry checks places against and
// splits the yearly list by.
func (r *Registry) Territory() *territory.Territory { return r.terr }

// DecisionDue returns the last day of the decision term for an application
// filed on applied.
func (r *Registry) DecisionDue(applied Date) Date { return applied.AddDays(r.opts.DecisionDays) }

// FilingDeadline returns the last day to file the annual report on year.
func (r *Registry) FilingDeadline(year int) Date { return r.opts.FilingDeadline(year) }

// Deadline returns the last instant of the filing period of the annual
// report on year: the end of the day FilingDeadline(year) in the register's
// Location (23:59:59.999999999). A report filed after it is late. This is
// the one deadline of the register: the questionnaire desk, the yearly list,
// the services and the exports all read it.
func (r *Registry) Deadline(year int) time.Time {
	d := r.opts.FilingDeadline(year).Time()
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, r.opts.Location).Add(-time.Nanosecond)
}

// Late reports whether a report on year filed at filedAt is late.
func (r *Registry) Late(year int, filedAt time.Time) bool { return filedAt.After(r.Deadline(year)) }

// Location returns the time zone that turns the register's instants into
// calendar days.
func (r *Registry) Location() *time.Location { return r.opts.Location }

// Now returns the register's clock reading, in its Location: the one clock
// of everything built on the Registry.
func (r *Registry) Now() time.Time { return r.now() }

func (r *Registry) now() time.Time { return r.opts.Now().In(r.opts.Location) }

func (r *Registry) today() Date { return DateOf(r.now()) }

// day turns an instant into the register's calendar day.
func (r *Registry) day(t time.Time) Date { return DateOf(t.In(r.opts.Location)) }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Every record type marshals; a failure means an invalid enum value
		// slipped in, which validation prevents.
		return json.RawMessage(fmt.Sprintf(`{"marshalError":%q}`, err.Error()))
	}
	return b
}

func (r *Registry) event(actor string, kind EventKind, entityID, recordID string, before, after any) Event {
	ev := Event{At: r.now(), Actor: actor, Kind: kind, EntityID: entityID, RecordID: recordID}
	if before != nil {
		ev.Before = mustJSON(before)
	}
	if after != nil {
		ev.After = mustJSON(after)
	}
	return ev
}

// invalid returns a problem.List error with one problem.
func invalid(path, code, it, en string, params map[string]any) error {
	return problem.List{problem.New(path, "register", code, params, it, en)}
}

func checkDate(path string, d Date) error {
	if !d.Valid() {
		return problem.List{problem.New(path, "format", "format", map[string]any{"format": "date"},
			"deve essere una data AAAA-MM-GG", `must match format "date"`)}
	}
	return nil
}

// notFuture reports a date after today.
func (r *Registry) notFuture(path string, d Date) error {
	if err := checkDate(path, d); err != nil {
		return err
	}
	if t := r.today(); d.After(t) {
		return invalid(path, "future_date", "la data non può essere futura", "the date cannot be in the future",
			map[string]any{"limit": string(t)})
	}
	return nil
}

// entity loads an entity; a missing one is ErrNotFound, wrapped.
func (r *Registry) entity(ctx context.Context, id string) (Entity, error) {
	if id == "" {
		return Entity{}, fmt.Errorf("registry: empty entity ID: %w", ErrNotFound)
	}
	return r.store.Entity(ctx, id)
}

// commit writes a batch, dropping the events the store returns. It marks
// the batch Public when it may change what the public sees
// (publicChange), which every write of the Registry comes through.
func (r *Registry) commit(ctx context.Context, b Batch) error {
	b.Public = r.publicChange(ctx, &b)
	_, err := r.store.Commit(ctx, b)
	return err
}
