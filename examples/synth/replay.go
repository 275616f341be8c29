package synth

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/openregistro/registro/registry"
)

// ReplayOptions are the optional knobs of Register.Replay.
type ReplayOptions struct {
	// SetClock is called with the instant of every step before it runs (9:00
	// on the step's day): the registry's Options.Now should read what it
	// sets. Nil means the registry's own clock, which then must not be
	// before the steps' days.
	SetClock func(time.Time)
	// Decide returns the decision on a body's application at its decision
	// date: StatusEnrolled, StatusRejected, or StatusUnderReview to leave it
	// pending under review. entityID is the ID the register assigned. Nil
	// means the generated Body.Outcome. Package eligibility makes a good
	// Decide: see examples/registro's demo.
	Decide func(ctx context.Context, b *Body, entityID string, at time.Time) (registry.Status, error)
	// Step, when set, is called after every step (for progress).
	Step func()
	// Applicant and Staff name the actors of the events ("applicant" and
	// "staff" when empty): every body applies as an authenticated person
	// named Applicant (a new body's application), and the staff viewer
	// Staff decides.
	Applicant, Staff string
}

// Replayed is what Replay did.
type Replayed struct {
	// IDs holds the register ID of every body, by codice fiscale.
	IDs map[string]string
	// Applied, Enrolled, Rejected and UnderReview count the bodies.
	Applied, Enrolled, Rejected, UnderReview int
}

// Replay applies, enrols and rejects along the generated timeline through
// reg, so that every enrolment carries its real history and events: each
// body applies on AppliedOn (a Section II applicant names the first body
// enrolled in Section II as its partner, and the partnership is recorded) and
// is decided on DecidedOn, by
// opts.Decide or as generated. Enrolments get decrees numbered in order.
//
// It stops at the first error, which names the body; what was written
// before stays written (each step is one atomic write of the registry).
func (g *Register) Replay(ctx context.Context, reg *registry.Registry, opts ReplayOptions) (Replayed, error) {
	if opts.Applicant == "" {
		opts.Applicant = "applicant"
	}
	if opts.Staff == "" {
		opts.Staff = "staff"
	}
	type step struct {
		at     time.Time
		decide bool
		body   *Body
	}
	var steps []step
	for i := range g.Bodies {
		b := &g.Bodies[i]
		steps = append(steps, step{at: b.AppliedOn, body: b})
		if !b.DecidedOn.IsZero() {
			steps = append(steps, step{at: b.DecidedOn, decide: true, body: b})
		}
	}
	sort.SliceStable(steps, func(i, j int) bool {
		if !steps[i].at.Equal(steps[j].at) {
			return steps[i].at.Before(steps[j].at)
		}
		return !steps[i].decide && steps[j].decide
	})
	rp := &replayer{reg: reg, opts: opts, out: Replayed{IDs: map[string]string{}}}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return rp.out, err
		}
		if opts.SetClock != nil {
			opts.SetClock(st.at.Add(9 * time.Hour))
		}
		var err error
		if st.decide {
			err = rp.decide(ctx, st.body, st.at)
		} else {
			err = rp.apply(ctx, st.body)
		}
		if err != nil {
			return rp.out, err
		}
		if opts.Step != nil {
			opts.Step()
		}
	}
	return rp.out, nil
}

// replayer holds the state of one Replay.
type replayer struct {
	reg     *registry.Registry
	opts    ReplayOptions
	out     Replayed
	partner string // the first body enrolled in Section II
	decrees int
}

// apply files b's application.
func (rp *replayer) apply(ctx context.Context, b *Body) error {
	a := b.Application(rp.partner)
	_, e, err := rp.reg.Apply(ctx, registry.Viewer{Subject: rp.opts.Applicant}, a)
	if err != nil {
		return fmt.Errorf("synth: application of %s: %w", b.Entity.Name, err)
	}
	rp.out.IDs[b.Entity.CodiceFiscale] = e.ID
	// The register records the Section II partnership agreement, so that
	// the eligibility rule finds it among the register's partnerships.
	if p := a.Partnership; p != nil && p.PartnerID != "" {
		rec := *p
		rec.ID, rec.Version, rec.EntityID = "", 0, e.ID
		if _, err := rp.reg.AddPartnership(ctx, registry.Staff(rp.opts.Staff), rec); err != nil {
			return fmt.Errorf("synth: partnership of %s: %w", b.Entity.Name, err)
		}
	}
	rp.out.Applied++
	return nil
}

// decide records the decision on b's application at at.
func (rp *replayer) decide(ctx context.Context, b *Body, at time.Time) error {
	id := rp.out.IDs[b.Entity.CodiceFiscale]
	outcome := b.Outcome
	if rp.opts.Decide != nil {
		var err error
		if outcome, err = rp.opts.Decide(ctx, b, id, at); err != nil {
			return fmt.Errorf("synth: review of %s: %w", b.Entity.Name, err)
		}
	}
	day := registry.DateOf(at)
	for _, s := range b.Sections {
		var err error
		switch outcome {
		case registry.StatusEnrolled:
			rp.decrees++
			_, err = rp.reg.Enrol(ctx, registry.Staff(rp.opts.Staff), id, s, registry.Decree{Number: fmt.Sprintf("%d/%d", rp.decrees, at.Year()), Date: day})
			if err == nil && s == registry.SectionII && rp.partner == "" {
				rp.partner = id
			}
		case registry.StatusRejected:
			_, err = rp.reg.Reject(ctx, registry.Staff(rp.opts.Staff), id, s, registry.Rejection{Date: day, Reason: "Requisiti non dimostrati", LegalBasis: "art. 53 DPR 394/1999"})
		case registry.StatusUnderReview:
			_, err = rp.reg.StartReview(ctx, registry.Staff(rp.opts.Staff), id, s, day)
		default:
			err = fmt.Errorf("decision %q: want enrolled, rejected or under_review", outcome)
		}
		if err != nil {
			return fmt.Errorf("synth: decision on %s: %w", b.Entity.Name, err)
		}
	}
	switch outcome {
	case registry.StatusEnrolled:
		rp.out.Enrolled++
	case registry.StatusRejected:
		rp.out.Rejected++
	default:
		rp.out.UnderReview++
	}
	return nil
}

// Clock is a settable clock, safe for concurrent use: pass Now as the
// registry's Options.Now and Set as ReplayOptions.SetClock, and the register
// lives on the generated timeline. The zero value reads the zero time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the time last set.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
