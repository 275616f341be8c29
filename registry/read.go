package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// publicView keeps only the published fields of e (publicBody): ID, name,
// legal form and the seat (street, postcode, comune, province, region).
func publicView(e *Entity) Entity { return publicBodyOf(e).entity() }

// publicBody is the published fields of a body, the one place that names
// them: publicView is made of it, the public's kept pages hold it, and two
// bodies look alike to the public when theirs are equal.
type publicBody struct {
	id, name, legalForm string
	seat                Address
}

// publicBodyOf returns the published fields of e.
func publicBodyOf(e *Entity) publicBody {
	return publicBody{id: e.ID, name: e.Name, legalForm: e.LegalForm, seat: e.Seat}
}

// entity returns b as an Entity whose other fields are empty.
func (b publicBody) entity() Entity {
	return Entity{ID: b.id, Name: b.name, LegalForm: b.legalForm, Seat: b.seat}
}

// visibleSections returns the sections in which v may see e on day as a
// published entry: Section I when enrolled (own or by extension), Section II
// when enrolled and a grant of v covers e's region.
func (r *Registry) visibleSections(ctx context.Context, v *Viewer, e *Entity, day Date) ([]Section, error) {
	var out []Section
	ok, err := r.enrolledOn(ctx, e, SectionI, day)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, SectionI)
	}
	if slices.ContainsFunc(v.Grants, func(g Grant) bool { return g.covers(e.Seat.Region, day) }) {
		if en, ok := e.Enrolment(SectionII); ok && r.statusOn(en, day) == StatusEnrolled {
			out = append(out, SectionII)
		}
	}
	return out, nil
}

// fullAccess reports whether v sees everything about e.
func fullAccess(v *Viewer, e *Entity) bool {
	return v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID != "" && v.EntityID == e.ID)
}

// view returns what v may see of e today and whether v may see it at all.
func (r *Registry) view(ctx context.Context, v *Viewer, e *Entity) (Entity, bool, error) {
	if fullAccess(v, e) {
		return *e, true, nil
	}
	secs, err := r.visibleSections(ctx, v, e, r.today())
	if err != nil || len(secs) == 0 {
		return Entity{}, false, err
	}
	return publicView(e), true, nil
}

// Entity returns body id as v may see it. A body v may not see at all is
// ErrNotFound, with the same error as a body that does not exist, so that
// its existence does not leak.
//
// Errors: ErrNotFound; store errors.
func (r *Registry) Entity(ctx context.Context, v Viewer, id string) (Entity, error) {
	notFound := fmt.Errorf("registry: entity %q: %w", id, ErrNotFound)
	e, err := r.entity(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Entity{}, notFound
	}
	if err != nil {
		return Entity{}, err
	}
	out, ok, err := r.view(ctx, &v, &e)
	if err != nil {
		return Entity{}, err
	}
	if !ok {
		return Entity{}, notFound
	}
	return out, nil
}

// Entities returns one page of the bodies matching f, as v may see them.
// The listing is exactly the listing of a register holding only what v may
// see (Section I bodies enrolled today for everyone; Section II bodies
// enrolled today in the regions of v's grants; v's own body whole; every
// body for staff): the filters, the page size and the cursors are computed
// over those bodies only, so a page is full unless it is the last and
// Page.Next never names a body v may not see. For a viewer other than staff
// Section and Status match what the viewer sees (an enrolment in force
// today, in a section visible to v), but on v's own body, which v sees whole.
//
// The public's pages (RolePublic, no grants) are kept when the store is a
// PublicVersioner: the same request on the same day is answered from
// memory until a write changes what the public sees (Batch.Public). The
// page is the one the store would list again, and what it returns is the
// caller's to modify.
//
// Errors: ErrForbidden for a BranchOf filter by a viewer other than staff;
// ErrInvalidCursor (wrapped) for a cursor no listing made; store errors (a
// negative limit).
func (r *Registry) Entities(ctx context.Context, v Viewer, f Filter) (Page, error) {
	if v.Role != RoleStaff && f.BranchOf != "" {
		return Page{}, fmt.Errorf("%w: filter on branches", ErrForbidden)
	}
	if _, err := ParseCursor(f.Cursor); err != nil {
		return Page{}, err
	}
	sf := f
	sf.Visible, sf.Candidates = nil, nil
	today := r.today()
	if v.Role != RoleStaff {
		// The store filters on stored data and calls back for the rest:
		// branches enrolled by extension have no Section I enrolment of
		// their own, and an enrolment's status in force today comes from
		// its history.
		sf.Section, sf.Status = 0, ""
		sf.Candidates = candidates(&v, &f, today)
		sf.Visible = func(ctx context.Context, e *Entity) (bool, error) {
			return r.visibleIn(ctx, &v, e, &f, today)
		}
	}
	list := func() (Page, error) {
		p, err := r.store.Entities(ctx, sf)
		if err != nil {
			return Page{}, err
		}
		if v.Role == RoleStaff {
			return p, nil
		}
		for i := range p.Entities {
			if !fullAccess(&v, &p.Entities[i]) {
				p.Entities[i] = publicView(&p.Entities[i])
			}
		}
		return p, nil
	}
	if pv, ok := r.store.(PublicVersioner); ok && publicViewer(&v) {
		return r.publicEntities(ctx, pv, &f, today, list)
	}
	return list()
}

// visibleIn reports whether v sees e on day in a listing filtered by f: the
// rule of view, for Filter.Visible. A filter matches only what the viewer
// sees (an enrolment in force in a section visible to v), or it would leak
// a Section II enrolment or a pending application.
func (r *Registry) visibleIn(ctx context.Context, v *Viewer, e *Entity, f *Filter, day Date) (bool, error) {
	if fullAccess(v, e) {
		return enrolmentMatches(e, f.Section, f.Status), nil
	}
	if f.Status != "" && f.Status != StatusEnrolled {
		return false, nil
	}
	secs, err := r.visibleSections(ctx, v, e, day)
	if err != nil || len(secs) == 0 {
		return false, err
	}
	return f.Section == 0 || slices.Contains(secs, f.Section), nil
}

// candidates returns, in stored data, a superset of the bodies visibleIn
// accepts for v and f (see Filter.Candidates): v's own body; bodies with a
// Section I enrolment and branches, unless f asks for Section II; bodies with
// a Section II enrolment in the regions of v's grants in force today, unless
// f asks for Section I.
func candidates(v *Viewer, f *Filter, today Date) *Candidates {
	c := &Candidates{}
	if v.Role == RoleBody {
		c.ID = v.EntityID
	}
	if f.Status != "" && f.Status != StatusEnrolled {
		return c // only v's own body can match
	}
	c.SectionI = f.Section != SectionII
	if f.Section == SectionI {
		return c
	}
	regions := []string{}
	for _, g := range v.Grants {
		if !g.effective() || !within(today, g.From, g.Until) {
			continue
		}
		c.SectionII = true
		if g.Region == "" {
			regions = nil
			break
		}
		if !slices.Contains(regions, g.Region) {
			regions = append(regions, g.Region)
		}
	}
	if c.SectionII {
		c.SectionIIRegions = regions
	}
	return c
}

// Applications returns the applications of body id. Only staff and the body
// itself may read them (ErrForbidden otherwise).
func (r *Registry) Applications(ctx context.Context, v Viewer, id string) ([]Application, error) {
	if !(v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID == id && id != "")) {
		return nil, fmt.Errorf("%w: applications of body %s", ErrForbidden, id)
	}
	return r.store.Applications(ctx, id)
}

// Events returns the events matching f. Staff see every event; a body sees
// the events of its own entity; anyone else gets ErrForbidden.
func (r *Registry) Events(ctx context.Context, v Viewer, f EventFilter) ([]Event, error) {
	switch {
	case v.Role == RoleStaff:
	case v.Role == RoleBody && v.EntityID != "":
		if f.EntityID != "" && f.EntityID != v.EntityID {
			return nil, fmt.Errorf("%w: events of another body", ErrForbidden)
		}
		f.EntityID = v.EntityID
	default:
		return nil, fmt.Errorf("%w: events", ErrForbidden)
	}
	return r.store.Events(ctx, f)
}

// enrolmentMatches applies the Section/Status part of a Filter to stored data.
func enrolmentMatches(e *Entity, s Section, st Status) bool {
	if s == 0 && st == "" {
		return true
	}
	return slices.ContainsFunc(e.Enrolments, func(en Enrolment) bool {
		return (s == 0 || en.Section == s) && (st == "" || en.Status == st)
	})
}
