package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// ErrReferentStatus is wrapped by the errors of EnableReferent and
// RevokeReferent for a move the referent's status does not allow. Its kind is
// problem.KindFailedPrecondition.
var ErrReferentStatus = problem.NewError(problem.KindFailedPrecondition, "registry: referent status does not allow this")

// update reads body id, lets fn change it and return the events, and commits
// both. fn returning an error writes nothing.
func (r *Registry) update(ctx context.Context, id string, fn func(e *Entity) ([]Event, error)) (Entity, error) {
	e, err := r.entity(ctx, id)
	if err != nil {
		return Entity{}, err
	}
	evs, err := fn(&e)
	if err != nil {
		return Entity{}, err
	}
	if err := r.commit(ctx, Batch{Entities: []Entity{e}, Events: evs}); err != nil {
		return Entity{}, err
	}
	e.Version++
	return e, nil
}

// UpdateEntity replaces the declared data of a body (see Entity) with e's,
// keeping the register-managed fields. e.Version must be the stored version.
// A new legal representative moves the old one to FormerRepresentatives,
// from e.LegalRepresentativeSince (or today).
//
// Errors: a problem.List for invalid data; ErrNotFound; ErrConflict for a
// stale version or a codice fiscale taken by another body.
func (r *Registry) UpdateEntity(ctx context.Context, v Viewer, e Entity) (Entity, error) {
	if err := authorize(v, opUpdateEntity, e.ID); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	if err := r.val.Entity(&e); err != nil {
		return Entity{}, err
	}
	if e.LegalRepresentativeSince != "" {
		if err := r.notFuture("/legalRepresentativeSince", e.LegalRepresentativeSince); err != nil {
			return Entity{}, err
		}
	}
	cur, err := r.entity(ctx, e.ID)
	if err != nil {
		return Entity{}, err
	}
	if cur.Version != e.Version {
		return Entity{}, fmt.Errorf("registry: body %s is at version %d, not %d: %w", e.ID, cur.Version, e.Version, ErrConflict)
	}
	if e.BranchOf == e.ID {
		return Entity{}, invalid("/branchOf", "branch_of_self", "un ente non può essere articolazione di se stesso",
			"a body cannot be a branch of itself", nil)
	}
	next := r.mergeDeclared(cur.Clone(), e, r.today())
	evs := []Event{r.event(actor, EventEntityUpdated, e.ID, e.ID, cur, next)}
	if cur.LegalRepresentative.CodiceFiscale != next.LegalRepresentative.CodiceFiscale {
		evs = append(evs, r.event(actor, EventRepresentativeNamed, e.ID, e.ID, cur.LegalRepresentative, next.LegalRepresentative))
	}
	if err := r.commit(ctx, Batch{Entities: []Entity{next}, Events: evs}); err != nil {
		return Entity{}, err
	}
	next.Version++
	return next, nil
}

// RequestReferent records a body's request that ref be enabled to file for
// it. The referent gets an ID and status requested, dated today. The
// request is the legal representative's (logged in as themselves, see
// PersonViewer) or staff's recording one: an enabled referent or a machine
// client acting for the body gets ErrForbidden.
//
// Errors: ErrForbidden; a problem.List for invalid data, for the legal representative
// (always enabled already) or for a person already requested or enabled;
// ErrNotFound; ErrConflict.
func (r *Registry) RequestReferent(ctx context.Context, v Viewer, id string, ref Referent) (Referent, error) {
	if err := authorize(v, opRequestReferent, id); err != nil {
		return Referent{}, err
	}
	if v.Role != RoleStaff {
		// Refuse before judging the data; checked again on the
		// record written, should the representative change meanwhile.
		e, err := r.entity(ctx, id)
		if err != nil {
			return Referent{}, err
		}
		if err := authorizeReferentRequest(v, &e); err != nil {
			return Referent{}, err
		}
	}
	actor := v.Actor()
	ref.ID, ref.Status, ref.EnabledOn, ref.RevokedOn = "", "", "", ""
	if err := r.val.Referent(&ref); err != nil {
		return Referent{}, err
	}
	ref.ID = r.newID(ctx)
	ref.Status = ReferentRequested
	ref.RequestedOn = r.today()
	_, err := r.update(ctx, id, func(e *Entity) ([]Event, error) {
		if err := authorizeReferentRequest(v, e); err != nil {
			return nil, err
		}
		if ref.CodiceFiscale == e.LegalRepresentative.CodiceFiscale {
			return nil, invalid("/taxCode", "referent_is_legal_representative",
				"il legale rappresentante è sempre abilitato", "the legal representative is always enabled", nil)
		}
		for _, o := range e.Referents {
			if o.CodiceFiscale == ref.CodiceFiscale && o.Status != ReferentRevoked {
				return nil, invalid("/taxCode", "referent_duplicate",
					"referente già richiesto o abilitato", "referent already requested or enabled", map[string]any{"referentId": o.ID})
			}
		}
		e.Referents = append(e.Referents, ref)
		return []Event{r.event(actor, EventReferentRequested, e.ID, ref.ID, nil, ref)}, nil
	})
	if err != nil {
		return Referent{}, err
	}
	return ref, nil
}

// EnableReferent enables a requested referent, after verification, from
// today.
//
// Errors: ErrReferentStatus (wrapped) unless the referent is requested;
// ErrNotFound for an unknown body or referent; ErrConflict.
func (r *Registry) EnableReferent(ctx context.Context, v Viewer, id, referentID string) (Referent, error) {
	if err := authorize(v, opEnableReferent, id); err != nil {
		return Referent{}, err
	}
	actor := v.Actor()
	return r.referentMove(ctx, actor, id, referentID, ReferentEnabled)
}

// RevokeReferent revokes a requested or enabled referent, from today.
//
// Errors: ErrReferentStatus (wrapped) for a referent already revoked;
// ErrNotFound; ErrConflict.
func (r *Registry) RevokeReferent(ctx context.Context, v Viewer, id, referentID string) (Referent, error) {
	if err := authorize(v, opRevokeReferent, id); err != nil {
		return Referent{}, err
	}
	actor := v.Actor()
	return r.referentMove(ctx, actor, id, referentID, ReferentRevoked)
}

func (r *Registry) referentMove(ctx context.Context, actor, id, referentID string, to ReferentStatus) (Referent, error) {
	var out Referent
	_, err := r.update(ctx, id, func(e *Entity) ([]Event, error) {
		i := slices.IndexFunc(e.Referents, func(x Referent) bool { return x.ID == referentID })
		if i < 0 {
			return nil, fmt.Errorf("registry: referent %s of body %s: %w", referentID, id, ErrNotFound)
		}
		e.Referents = slices.Clone(e.Referents)
		before := e.Referents[i]
		ref := before
		ok := (to == ReferentEnabled && ref.Status == ReferentRequested) ||
			(to == ReferentRevoked && (ref.Status == ReferentRequested || ref.Status == ReferentEnabled))
		if !ok {
			return nil, fmt.Errorf("%w: referent %s from %s to %s", ErrReferentStatus, referentID, ref.Status, to)
		}
		ref.Status = to
		kind := EventReferentEnabled
		if to == ReferentEnabled {
			ref.EnabledOn = r.today()
		} else {
			ref.RevokedOn = r.today()
			kind = EventReferentRevoked
		}
		e.Referents[i] = ref
		out = ref
		return []Event{r.event(actor, kind, id, referentID, before, ref)}, nil
	})
	return out, err
}

// MayFile reports whether the person with codice fiscale cf may file for
// body id on the calendar day of day: the legal representative in office
// that day (current or former), or a referent enabled on or before that day
// and not revoked by then. It does not check the body's enrolment.
//
// Errors: ErrNotFound for an unknown body.
func (r *Registry) MayFile(ctx context.Context, id, cf string, day time.Time) (bool, error) {
	e, err := r.entity(ctx, id)
	if err != nil {
		return false, err
	}
	return cf != "" && slices.Contains(filers(&e, r.day(day)), cf), nil
}

// AddBranch records that body branchID is a territorial branch of national
// body nationalID from day from. The branch's BranchOf is set and the
// national body marked National. Whether the branch is named in the
// statute (its codice fiscale in Statute.Branches) and listed in a Section I
// application of the national body (the latest one listing its codice
// fiscale or ID) is worked out from the stored data; only then does the
// Section I enrolment extend to it. Section II never extends.
//
// Errors: a problem.List for a bad date, a body that is its own branch or a
// branch of another body, a branch already linked; ErrNotFound; ErrConflict.
func (r *Registry) AddBranch(ctx context.Context, v Viewer, nationalID, branchID string, from Date) (Entity, error) {
	if err := authorize(v, opAddBranch, nationalID); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	if err := checkDate("/from", from); err != nil {
		return Entity{}, err
	}
	if nationalID == branchID {
		return Entity{}, invalid("/entityId", "branch_of_self", "un ente non può essere articolazione di se stesso",
			"a body cannot be a branch of itself", nil)
	}
	nat, err := r.entity(ctx, nationalID)
	if err != nil {
		return Entity{}, err
	}
	br, err := r.entity(ctx, branchID)
	if err != nil {
		return Entity{}, err
	}
	if br.BranchOf != "" && br.BranchOf != nationalID {
		return Entity{}, invalid("/entityId", "branch_of_other", "l'ente è già articolazione di un altro ente",
			"the body is already a branch of another body", map[string]any{"branchOf": br.BranchOf})
	}
	if slices.ContainsFunc(nat.Branches, func(b Branch) bool { return b.EntityID == branchID && b.Until == "" }) {
		return Entity{}, invalid("/entityId", "branch_duplicate", "articolazione già registrata",
			"branch already recorded", nil)
	}
	apps, err := r.store.Applications(ctx, nationalID)
	if err != nil {
		return Entity{}, err
	}
	b := Branch{EntityID: branchID, From: from, NamedInStatute: slices.Contains(nat.Statute.Branches, br.CodiceFiscale)}
	for _, a := range apps {
		if !a.Requests(SectionI) {
			continue
		}
		if slices.ContainsFunc(a.Branches, func(x BranchRef) bool {
			return x.CodiceFiscale == br.CodiceFiscale || (x.EntityID != "" && x.EntityID == branchID)
		}) {
			b.ApplicationID = a.ID
		}
	}
	natBefore, brBefore := nat.Clone(), br.Clone()
	nat.National = true
	nat.Branches = append(nat.Branches, b)
	br.BranchOf = nationalID
	evs := []Event{r.event(actor, EventBranchAdded, nationalID, branchID, nil, b)}
	if brBefore.BranchOf != nationalID {
		evs = append(evs, r.event(actor, EventEntityUpdated, branchID, branchID, brBefore, br))
	}
	if !natBefore.National {
		evs = append(evs, r.event(actor, EventEntityUpdated, nationalID, nationalID, natBefore, nat))
	}
	if err := r.commit(ctx, Batch{Entities: []Entity{nat, br}, Events: evs}); err != nil {
		return Entity{}, err
	}
	nat.Version++
	return nat, nil
}

// EndBranch records the last day until on which branchID is a branch of
// nationalID.
//
// Errors: a problem.List for a bad date or one before the branch's From;
// ErrNotFound for an unknown body or a branch not open; ErrConflict.
func (r *Registry) EndBranch(ctx context.Context, v Viewer, nationalID, branchID string, until Date) (Entity, error) {
	if err := authorize(v, opEndBranch, nationalID); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	if err := checkDate("/until", until); err != nil {
		return Entity{}, err
	}
	return r.update(ctx, nationalID, func(e *Entity) ([]Event, error) {
		i := slices.IndexFunc(e.Branches, func(b Branch) bool { return b.EntityID == branchID && b.Until == "" })
		if i < 0 {
			return nil, fmt.Errorf("registry: open branch %s of body %s: %w", branchID, nationalID, ErrNotFound)
		}
		e.Branches = slices.Clone(e.Branches)
		before := e.Branches[i]
		if until.Before(before.From) {
			return nil, invalid("/until", "date_order", "la data di fine precede l'inizio", "the end is before the start",
				map[string]any{"limit": string(before.From)})
		}
		e.Branches[i].Until = until
		return []Event{r.event(actor, EventBranchEnded, nationalID, branchID, before, e.Branches[i])}, nil
	})
}

// RemoveBranch deletes every record of branchID among nationalID's branches
// (to correct a mistake; EndBranch records a branch that closed). The
// removal is an event whose After is null.
//
// Errors: ErrNotFound for an unknown body or branch; ErrConflict.
func (r *Registry) RemoveBranch(ctx context.Context, v Viewer, nationalID, branchID string) (Entity, error) {
	if err := authorize(v, opRemoveBranch, nationalID); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	return r.update(ctx, nationalID, func(e *Entity) ([]Event, error) {
		var evs []Event
		kept := make([]Branch, 0, len(e.Branches))
		for _, b := range e.Branches {
			if b.EntityID == branchID {
				evs = append(evs, r.event(actor, EventBranchRemoved, nationalID, branchID, b, nil))
				continue
			}
			kept = append(kept, b)
		}
		if len(evs) == 0 {
			return nil, fmt.Errorf("registry: branch %s of body %s: %w", branchID, nationalID, ErrNotFound)
		}
		e.Branches = kept
		return evs, nil
	})
}

// AddPartnership records a partnership between p.EntityID and p.PartnerID,
// recorded by v's body (either party; RecordedBy) and awaiting the other
// party's confirmation (ConfirmPartnership).
//
// Errors: a problem.List for invalid data or a party not in the register;
// ErrConflict.
func (r *Registry) AddPartnership(ctx context.Context, v Viewer, p Partnership) (Partnership, error) {
	if err := authorize(v, opAddPartnership, p.EntityID, p.PartnerID); err != nil {
		return Partnership{}, err
	}
	actor := v.Actor()
	p.ID, p.Version = "", 0
	if p.EntityID == "" {
		return Partnership{}, invalid("", "required", "manca l'ente", "the body is missing", map[string]any{"missingProperty": "entityId"})
	}
	if err := r.val.Partnership(&p); err != nil {
		return Partnership{}, err
	}
	for _, party := range []struct{ path, id string }{{"/entityId", p.EntityID}, {"/partnerId", p.PartnerID}} {
		if _, err := r.entity(ctx, party.id); errors.Is(err, ErrNotFound) {
			return Partnership{}, invalid(party.path, "unknown_entity", "ente non presente nel registro",
				"body not in the register", map[string]any{"entityId": party.id})
		} else if err != nil {
			return Partnership{}, err
		}
	}
	p.ID = r.newID(ctx)
	p.RecordedBy, p.ConfirmedBy, p.ConfirmedOn = recorder(v), "", ""
	ev := r.event(actor, EventPartnershipAdded, p.EntityID, p.ID, nil, p)
	if err := r.commit(ctx, Batch{Partnerships: []Partnership{p}, Events: []Event{ev}}); err != nil {
		return Partnership{}, err
	}
	p.Version++
	return p, nil
}

// UpdatePartnership replaces a partnership's terms (for example to set its
// End). p.Version must be the stored version; the parties cannot change.
// New terms (objectives, content, modalities, dates) need the other party's
// confirmation again (ConfirmPartnership).
//
// Errors: a problem.List for invalid data or changed parties; ErrNotFound;
// ErrConflict.
func (r *Registry) UpdatePartnership(ctx context.Context, v Viewer, p Partnership) (Partnership, error) {
	if err := authorize(v, opUpdatePartnership, p.EntityID, p.PartnerID); err != nil {
		return Partnership{}, err
	}
	actor := v.Actor()
	if err := r.val.Partnership(&p); err != nil {
		return Partnership{}, err
	}
	cur, err := r.store.Partnership(ctx, p.ID)
	if err != nil {
		return Partnership{}, err
	}
	if cur.EntityID != p.EntityID || cur.PartnerID != p.PartnerID {
		return Partnership{}, invalid("/partnerId", "parties_changed", "le parti di un partenariato non cambiano",
			"the parties of a partnership cannot change", nil)
	}
	p.RecordedBy, p.ConfirmedBy, p.ConfirmedOn = cur.RecordedBy, cur.ConfirmedBy, cur.ConfirmedOn
	if !sameTerms(&cur, &p) {
		// New terms are the recording party's word until the other
		// confirms them.
		p.RecordedBy, p.ConfirmedBy, p.ConfirmedOn = recorder(v), "", ""
	}
	ev := r.event(actor, EventPartnershipUpdated, p.EntityID, p.ID, cur, p)
	if err := r.commit(ctx, Batch{Partnerships: []Partnership{p}, Events: []Event{ev}}); err != nil {
		return Partnership{}, err
	}
	p.Version++
	return p, nil
}

// RemovePartnership deletes partnership id at version (a record made by
// mistake; UpdatePartnership with an End records one that ended). The
// removal is an event whose After is null.
//
// Errors: ErrNotFound; ErrConflict for a stale version.
func (r *Registry) RemovePartnership(ctx context.Context, v Viewer, id string, version int64) error {
	if err := authorize(v, opRemovePartnership); err != nil {
		return err
	}
	actor := v.Actor()
	cur, err := r.store.Partnership(ctx, id)
	if err != nil {
		return err
	}
	ev := r.event(actor, EventPartnershipRemoved, cur.EntityID, id, cur, nil)
	return r.commit(ctx, Batch{Deletes: []Ref{{Kind: KindPartnership, ID: id, Version: version}}, Events: []Event{ev}})
}

// SectionIIPartnerships returns the partnerships of body id in force on the
// calendar day of day whose other party was enrolled in Section II that day.
// Only a partnership the other party confirmed counts (ConfirmedBy and
// ConfirmedOn set, see ConfirmPartnership): an agreement recorded by one
// party alone, or whose terms changed since, is that party's word only.
// Its own dates (Start, End) then say when it was in force.
//
// Errors: ErrNotFound for an unknown body; store errors.
func (r *Registry) SectionIIPartnerships(ctx context.Context, id string, day time.Time) ([]Partnership, error) {
	if _, err := r.entity(ctx, id); err != nil {
		return nil, err
	}
	d := r.day(day)
	ps, err := r.store.Partnerships(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []Partnership
	for _, p := range ps {
		if p.ConfirmedBy == "" || p.ConfirmedOn == "" || !within(d, p.Start, p.End) {
			continue
		}
		other, err := r.entity(ctx, p.Other(id))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ok, err := r.enrolledOn(ctx, &other, SectionII, d)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// InPartnershipWithSectionII reports whether body id was, on the calendar
// day of day, in a confirmed partnership with a body enrolled in Section II
// that day (see SectionIIPartnerships).
//
// Errors: as SectionIIPartnerships.
func (r *Registry) InPartnershipWithSectionII(ctx context.Context, id string, day time.Time) (bool, error) {
	ps, err := r.SectionIIPartnerships(ctx, id, day)
	return len(ps) > 0, err
}

// GrantSectionII gives g.Grantee access to the Section II list for the
// declared purpose, limited to g.Region when set, and records it as an
// event. The grant takes effect for viewers built with ViewerWithGrants.
//
// Errors: a problem.List for invalid data (a purpose is required);
// ErrConflict.
func (r *Registry) GrantSectionII(ctx context.Context, v Viewer, g Grant) (Grant, error) {
	if err := authorize(v, opGrantSectionII); err != nil {
		return Grant{}, err
	}
	actor := v.Actor()
	g.ID, g.Version = "", 0
	if err := r.val.Grant(&g); err != nil {
		return Grant{}, err
	}
	g.ID = r.opts.NewID()
	g.Status, g.RequestedBy, g.RequestedAt, g.RefusedBy, g.RefusedAt, g.RefusalReason = GrantGranted, "", time.Time{}, "", time.Time{}, ""
	g.GrantedBy, g.GrantedAt = actor, r.now()
	ev := r.event(actor, EventSectionIIGranted, "", g.ID, nil, g)
	ev.Section, ev.Note = SectionII, "purpose: "+g.Purpose
	if err := r.commit(ctx, Batch{Grants: []Grant{g}, Events: []Event{ev}}); err != nil {
		return Grant{}, err
	}
	g.Version++
	return g, nil
}

// ViewerWithGrants returns v with the Section II grants recorded for
// v.Subject: the granted ones (requests pending or refused show nothing and
// are left out; expired grants stay, and show nothing after their Until).
func (r *Registry) ViewerWithGrants(ctx context.Context, v Viewer) (Viewer, error) {
	if v.Subject == "" {
		return v, nil
	}
	gs, err := r.store.Grants(ctx, v.Subject)
	if err != nil {
		return Viewer{}, err
	}
	v.Grants = slices.DeleteFunc(gs, func(g Grant) bool { return !g.effective() })
	return v, nil
}
