package registry

import (
	"context"
	"fmt"
	"slices"
)

// publicView keeps only the published fields of e: ID, name, legal form and
// the seat (street, postcode, comune, province, region).
func publicView(e *Entity) Entity {
	return Entity{ID: e.ID, Name: e.Name, LegalForm: e.LegalForm, Seat: e.Seat}
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
func (r *Registry) view(ctx context.Context, v *Viewer, e *Entity, f *Filter) (Entity, bool, error) {
	if fullAccess(v, e) {
		return *e, true, nil
	}
	secs, err := r.visibleSections(ctx, v, e, r.today())
	if err != nil || len(secs) == 0 {
		return Entity{}, false, err
	}
	if f != nil {
		// A filter may only match on what the viewer sees, or it would leak
		// (a Section II enrolment, a pending application).
		if f.Section != 0 && !slices.Contains(secs, f.Section) {
			return Entity{}, false, nil
		}
		if f.Status != "" && f.Status != StatusEnrolled {
			return Entity{}, false, nil
		}
	}
	return publicView(e), true, nil
}

// Entity returns body id as v may see it. A body v may not see at all is
// ErrNotFound, so that its existence does not leak.
func (r *Registry) Entity(ctx context.Context, v Viewer, id string) (Entity, error) {
	e, err := r.entity(ctx, id)
	if err != nil {
		return Entity{}, err
	}
	out, ok, err := r.view(ctx, &v, &e, nil)
	if err != nil {
		return Entity{}, err
	}
	if !ok {
		return Entity{}, fmt.Errorf("registry: entity %q: %w", id, ErrNotFound)
	}
	return out, nil
}

// Entities returns one page of the bodies matching f, as v may see them. For
// a viewer other than staff the filter applies to what the viewer sees, and
// a page may hold fewer than f.Limit bodies even when more follow: keep
// following Page.Next until it is "".
//
// Errors: ErrForbidden for a BranchOf filter by a viewer other than staff;
// store errors (a negative limit).
func (r *Registry) Entities(ctx context.Context, v Viewer, f Filter) (Page, error) {
	if v.Role != RoleStaff && f.BranchOf != "" {
		return Page{}, fmt.Errorf("%w: filter on branches", ErrForbidden)
	}
	if v.Role == RolePublic && len(v.Grants) == 0 &&
		(f.Section == SectionII || (f.Status != "" && f.Status != StatusEnrolled)) {
		// Nothing of that can be visible: do not even ask the store.
		return Page{Entities: []Entity{}}, nil
	}
	// The store filters on stored data; the view then filters on what the
	// viewer sees (branches enrolled by extension have no Section I
	// enrolment of their own, so the store cannot be narrowed to it).
	sf := f
	if v.Role != RoleStaff {
		sf.Section, sf.Status = 0, ""
	}
	p, err := r.store.Entities(ctx, sf)
	if err != nil {
		return Page{}, err
	}
	out := Page{Entities: make([]Entity, 0, len(p.Entities)), Next: p.Next}
	for i := range p.Entities {
		e := &p.Entities[i]
		if fullAccess(&v, e) {
			if v.Role == RoleStaff || enrolmentMatches(e, f.Section, f.Status) {
				out.Entities = append(out.Entities, *e)
			}
			continue
		}
		ve, ok, err := r.view(ctx, &v, e, &f)
		if err != nil {
			return Page{}, err
		}
		if ok {
			out.Entities = append(out.Entities, ve)
		}
	}
	return out, nil
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
