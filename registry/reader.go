package registry

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Reader is the register as one viewer reads it, in the small shape other
// packages' rules consume (eligibility.Register): a body, and whether it was
// enrolled in a section on a day. Build it with Registry.ReaderFor; it is the
// one adapter of the register for such rules, so no caller writes its own.
type Reader struct {
	r *Registry
	v Viewer
}

// ReaderFor returns the register as v reads it.
func (r *Registry) ReaderFor(v Viewer) Reader { return Reader{r: r, v: v} }

// Viewer returns the viewer the Reader reads as.
func (rd Reader) Viewer() Viewer { return rd.v }

// Entity returns body id as the viewer may see it (Registry.Entity).
//
// Errors: ErrNotFound for an unknown body or one the viewer may not see.
func (rd Reader) Entity(ctx context.Context, id string) (Entity, error) {
	return rd.r.Entity(ctx, rd.v, id)
}

// EnrolledOn reports whether body id was enrolled in section s on the
// calendar day of day, as the viewer may know it: staff and the body itself
// as Registry.EnrolledOn answers; anyone else only for the sections the
// viewer may see the body in that day (Section I, and Section II with a grant
// covering the body's region), so that the answer says nothing of a Section
// II enrolment the viewer may not see.
//
// Errors: ErrNotFound for an unknown body or one the viewer may not see;
// store errors.
func (rd Reader) EnrolledOn(ctx context.Context, id string, s Section, day time.Time) (bool, error) {
	if !s.Valid() {
		return false, fmt.Errorf("%w %d", ErrUnknownSection, int(s))
	}
	e, err := rd.r.entity(ctx, id)
	if err != nil {
		return false, err
	}
	d := rd.r.day(day)
	if fullAccess(&rd.v, &e) {
		return rd.r.enrolledOn(ctx, &e, s, d)
	}
	secs, err := rd.r.visibleSections(ctx, &rd.v, &e, d)
	if err != nil {
		return false, err
	}
	if len(secs) == 0 {
		return false, fmt.Errorf("registry: entity %q: %w", id, ErrNotFound)
	}
	return slices.Contains(secs, s), nil
}

// SectionIIPartnerships returns the partnerships of body id in force on the
// calendar day of day whose other party was enrolled in Section II that day
// (Registry.SectionIIPartnerships), for a viewer who may read the body's
// records: staff and the body itself.
//
// Errors: ErrNotFound for an unknown body or one whose records the viewer
// may not read; store errors.
func (rd Reader) SectionIIPartnerships(ctx context.Context, id string, day time.Time) ([]Partnership, error) {
	e, err := rd.r.entity(ctx, id)
	if err != nil {
		return nil, err
	}
	if !fullAccess(&rd.v, &e) {
		return nil, fmt.Errorf("registry: partnerships of %q: %w", id, ErrNotFound)
	}
	return rd.r.SectionIIPartnerships(ctx, id, day)
}
