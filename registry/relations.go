package registry

import (
	"context"
	"fmt"
	"slices"

	"github.com/openregistro/registro/schemas/problem"
)

// EventPartnershipConfirmed records that the other party confirmed a
// partnership; its Before and After are the partnership.
const EventPartnershipConfirmed EventKind = "partnership.confirmed"

// ErrPartnershipStatus is wrapped by ConfirmPartnership for a partnership
// already confirmed, or confirmed by the party that recorded it. Its kind is
// problem.KindFailedPrecondition.
var ErrPartnershipStatus = problem.NewError(problem.KindFailedPrecondition, "registry: partnership cannot be confirmed")

// opConfirmPartnership is the confirmation of a partnership, for the policy.
const opConfirmPartnership op = "confirm partnership"

// filers returns the personal codici fiscali of who may file for e on day
// d: the legal representative in office that day (current or former), and
// the referents enabled on or before d and not revoked by then (a referent
// revoked on d no longer files that day).
func filers(e *Entity, d Date) []string {
	var out []string
	if cf := e.LegalRepresentative.CodiceFiscale; cf != "" && within(d, e.LegalRepresentativeSince, "") {
		out = append(out, cf)
	}
	for _, m := range e.FormerRepresentatives {
		if within(d, m.From, m.Until) && !slices.Contains(out, m.Person.CodiceFiscale) {
			out = append(out, m.Person.CodiceFiscale)
		}
	}
	for _, ref := range e.Referents {
		if ref.EnabledOn == "" || d.Before(ref.EnabledOn) || (ref.RevokedOn != "" && !d.Before(ref.RevokedOn)) {
			continue
		}
		if !slices.Contains(out, ref.CodiceFiscale) {
			out = append(out, ref.CodiceFiscale)
		}
	}
	return out
}

// recorder is the party a body's viewer records for; "" for staff.
func recorder(v Viewer) string {
	if v.Role == RoleBody {
		return v.EntityID
	}
	return ""
}

// sameTerms reports whether a and b state the same agreement.
func sameTerms(a, b *Partnership) bool {
	return a.Objectives == b.Objectives && a.Content == b.Content && a.Modalities == b.Modalities &&
		a.Start == b.Start && a.End == b.End
}

// ConfirmPartnership records that the party other than the one that
// recorded partnership id agrees to it, today: an agreement binds both
// parties, so each states it. Only that party's own viewer confirms (staff
// record no one's consent); a partnership recorded by staff may be
// confirmed by either party.
//
// Errors: ErrForbidden for a viewer that is not one of the parties' own;
// ErrNotFound; ErrPartnershipStatus (wrapped) when the partnership is
// already confirmed or v's body recorded it; ErrConflict.
func (r *Registry) ConfirmPartnership(ctx context.Context, v Viewer, id string) (Partnership, error) {
	cur, err := r.store.Partnership(ctx, id)
	if err != nil {
		return Partnership{}, err
	}
	if v.Role != RoleBody || v.EntityID == "" || !cur.Involves(v.EntityID) {
		return Partnership{}, forbidden(v, opConfirmPartnership)
	}
	switch {
	case cur.Confirmed():
		return Partnership{}, fmt.Errorf("%w: partnership %s already confirmed by %s", ErrPartnershipStatus, id, cur.ConfirmedBy)
	case cur.RecordedBy == v.EntityID:
		return Partnership{}, fmt.Errorf("%w: partnership %s was recorded by %s: the other party confirms it",
			ErrPartnershipStatus, id, v.EntityID)
	}
	p := cur
	p.ConfirmedBy, p.ConfirmedOn = v.EntityID, r.today()
	ev := r.event(v.Actor(), EventPartnershipConfirmed, p.EntityID, id, cur, p)
	ev.Note = "confirmed by " + v.EntityID
	if err := r.commit(ctx, Batch{Partnerships: []Partnership{p}, Events: []Event{ev}}); err != nil {
		return Partnership{}, err
	}
	p.Version++
	return p, nil
}

// Partnerships returns the partnerships of body id (as either party), for
// staff and for the body itself: the partners of a body may name a Section
// II body, so no one else reads them.
//
// Errors: ErrForbidden for anyone else; ErrNotFound for an unknown body;
// store errors.
func (r *Registry) Partnerships(ctx context.Context, v Viewer, id string) ([]Partnership, error) {
	if !(v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID != "" && v.EntityID == id)) {
		return nil, fmt.Errorf("%w: partnerships of body %s", ErrForbidden, id)
	}
	if _, err := r.entity(ctx, id); err != nil {
		return nil, err
	}
	return r.store.Partnerships(ctx, id)
}

// Partnership returns partnership id for staff and for either party.
//
// Errors: ErrNotFound for an unknown partnership and for one v may not
// read, alike; store errors.
func (r *Registry) Partnership(ctx context.Context, v Viewer, id string) (Partnership, error) {
	p, err := r.store.Partnership(ctx, id)
	if err != nil {
		return Partnership{}, err
	}
	if v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID != "" && p.Involves(v.EntityID)) {
		return p, nil
	}
	return Partnership{}, fmt.Errorf("registry: partnership %q: %w", id, ErrNotFound)
}

// Referents returns the referents of body id, whatever their status, for
// staff and for the body itself: they are personal data.
//
// Errors: ErrForbidden for anyone else (whether the body exists or not);
// ErrNotFound for an unknown body; store errors.
func (r *Registry) Referents(ctx context.Context, v Viewer, id string) ([]Referent, error) {
	if !(v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID != "" && v.EntityID == id)) {
		return nil, fmt.Errorf("%w: referents of body %s", ErrForbidden, id)
	}
	e, err := r.entity(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Referents == nil {
		return []Referent{}, nil
	}
	return e.Referents, nil
}
