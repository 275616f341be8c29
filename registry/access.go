package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
)

// The Section II list is not published: it is given on a motivated request
// (art. 52 c.3 DPR 394/1999 keeps the Section II bodies' programmes for the
// protection of victims of trafficking, art. 18 D.lgs. 286/1998, away from
// the public). A regional office or another entitled office asks for the
// list of one region, stating its purpose; staff grant it for a period or
// refuse it. The request and the decision are one record, a Grant, whose
// Status moves requested → granted | refused, each move an event of the
// register's log. Only a granted Grant in force shows Section II bodies to
// its holder, in every read and export built on the Registry: listings,
// entity reads, the yearly list.

// GrantStatus is where a Section II access request stands.
type GrantStatus string

// The grant statuses. A Grant stored before requests existed has no status
// and counts as granted.
const (
	GrantRequested GrantStatus = "requested"
	GrantGranted   GrantStatus = "granted"
	GrantRefused   GrantStatus = "refused"
)

// Valid reports whether s is one of the statuses.
func (s GrantStatus) Valid() bool {
	return s == GrantRequested || s == GrantGranted || s == GrantRefused
}

// ParseGrantStatus parses a grant status as stored ("requested", "granted",
// "refused").
//
// Errors: a problem.List naming the allowed values, at path "/status".
func ParseGrantStatus(v string) (GrantStatus, error) {
	s := GrantStatus(v)
	if !s.Valid() {
		return "", problem.List{problem.New("/status", "enum", "enum",
			map[string]any{"allowedValues": []string{"requested", "granted", "refused"}},
			"stato sconosciuto: requested, granted o refused", "unknown status: requested, granted or refused")}
	}
	return s, nil
}

// The event kinds of a Section II access request (the grant itself is
// EventSectionIIGranted).
const (
	EventSectionIIRequested EventKind = "access.section_ii_requested"
	EventSectionIIRefused   EventKind = "access.section_ii_refused"
)

// ErrGrantStatus is wrapped by GrantRequest and RefuseRequest for a request
// already decided. Its kind is problem.KindFailedPrecondition.
var ErrGrantStatus = problem.NewError(problem.KindFailedPrecondition, "registry: access request already decided")

// The writes of this file, for the policy of authz.go.
const (
	opRequestSectionII op = "request Section II access"
	opRefuseSectionII  op = "refuse Section II access"
)

// GrantStore is the part of a Store that lists every Section II grant and
// request, for the staff's queue. Every Store implements it.
type GrantStore interface {
	// Grant returns the grant (or request) with id, or ErrNotFound.
	Grant(ctx context.Context, id string) (Grant, error)
	// AllGrants returns at most limit grants whose ID is greater than after,
	// in ascending order of ID, whatever their grantee and status.
	//
	// Errors: an error for a limit below 1; the context's error; database
	// errors.
	AllGrants(ctx context.Context, after string, limit int) ([]Grant, error)
}

// effective reports whether g may show anything: granted (or recorded
// without a status, before requests existed).
func (g Grant) effective() bool { return g.Status == "" || g.Status == GrantGranted }

// AccessRequest is a motivated request for the Section II list of a region.
type AccessRequest struct {
	// Grantee is who the access is for; only staff set it (recording a
	// request received on paper or by PEC). Anyone else asks for itself:
	// the grantee is its Viewer.Subject.
	Grantee string `json:"grantee,omitempty" validate:"omitempty,max=200"`
	// Region is the ISTAT code of the region whose Section II list is asked
	// for.
	Region string `json:"region" validate:"required,region"`
	// Purpose is the declared use: the reason the list is needed.
	Purpose string `json:"purpose" validate:"required,min=10,max=2000"`
}

// GrantDecision is the period for which staff grant a request.
type GrantDecision struct {
	// From is the first day of access; empty means today.
	From Date `json:"from,omitempty" validate:"omitempty,datetime=2006-01-02"`
	// Until is the last day of access: a grant always expires.
	Until Date `json:"until" validate:"required,datetime=2006-01-02"`
}

// Refusal is the reason staff give for refusing a request.
type Refusal struct {
	Reason string `json:"reason" validate:"required,min=3,max=2000"`
}

// authorizeRequest returns nil when v may ask for access to the Section II
// list: staff (recording a request for a named grantee), a regional office
// for its own region, a named office (a public viewer with a subject). A
// body and the anonymous public may not.
func authorizeRequest(v Viewer, region string) error {
	switch {
	case v.Role == RoleStaff:
		return nil
	case v.Role == RoleRegion && v.Subject != "" && v.Region != "" && v.Region == region:
		return nil
	case v.Role == RolePublic && v.Subject != "":
		return nil
	}
	return forbidden(v, opRequestSectionII)
}

// RequestSectionII records a motivated request for the Section II list of
// req.Region, for v (or, when v is staff, for req.Grantee). The request is
// a Grant with status requested and no period: it shows nothing until
// staff grant it (GrantRequest).
//
// Errors: ErrForbidden for a body's viewer, the anonymous public, or a
// regional office asking for another region's list; a problem.List for
// invalid data (a region and a purpose of at least 10 characters are
// required; staff must name the grantee) or for a request of the same
// grantee for the same region already pending; ErrConflict.
func (r *Registry) RequestSectionII(ctx context.Context, v Viewer, req AccessRequest) (Grant, error) {
	if err := authorizeRequest(v, req.Region); err != nil {
		return Grant{}, err
	}
	req.Purpose = strings.TrimSpace(req.Purpose)
	if v.Role != RoleStaff {
		req.Grantee = v.Subject
	}
	l := r.val.fields(&req)
	if v.Role == RoleStaff && strings.TrimSpace(req.Grantee) == "" {
		l = append(l, problem.New("", "required", "required", map[string]any{"missingProperty": "grantee"},
			"il personale indica per chi è la richiesta", "staff must name the grantee"))
	}
	if err := finish(l); err != nil {
		return Grant{}, err
	}
	held, err := r.store.Grants(ctx, req.Grantee)
	if err != nil {
		return Grant{}, err
	}
	if i := slices.IndexFunc(held, func(g Grant) bool { return g.Status == GrantRequested && g.Region == req.Region }); i >= 0 {
		return Grant{}, invalid("/region", "request_pending", "una richiesta per questa regione è già in attesa di decisione",
			"a request for this region is already awaiting a decision", map[string]any{"requestId": held[i].ID})
	}
	actor := v.Actor()
	g := Grant{ID: r.newID(ctx), Grantee: req.Grantee, Region: req.Region, Purpose: req.Purpose,
		Status: GrantRequested, RequestedBy: actor, RequestedAt: r.now()}
	ev := r.event(actor, EventSectionIIRequested, "", g.ID, nil, g)
	ev.Section, ev.Note = SectionII, "purpose: "+g.Purpose
	if err := r.commit(ctx, Batch{Grants: []Grant{g}, Events: []Event{ev}}); err != nil {
		return Grant{}, err
	}
	g.Version++
	return g, nil
}

// GrantRequest grants the pending request id for the period of d (from
// today when d.From is empty, until d.Until, which must not be before today
// nor before From). From then until it expires the grantee sees the Section
// II bodies seated in the request's region in every read of the Registry.
// The grant is an EventSectionIIGranted event, with the request before and
// the grant after.
//
// Errors: ErrForbidden unless v is staff; ErrNotFound for an unknown
// request; ErrGrantStatus (wrapped) for a request already decided; a
// problem.List for a bad period; ErrConflict.
func (r *Registry) GrantRequest(ctx context.Context, v Viewer, id string, d GrantDecision) (Grant, error) {
	if err := authorize(v, opGrantSectionII); err != nil {
		return Grant{}, err
	}
	if err := finish(r.val.fields(&d)); err != nil {
		return Grant{}, err
	}
	today := r.today()
	if d.From == "" {
		d.From = today
	}
	switch {
	case d.Until.Before(d.From):
		return Grant{}, problem.List{dateOrder("/until", "from", d.From)}
	case d.Until.Before(today):
		return Grant{}, problem.List{dateOrder("/until", "today", today)}
	}
	return r.decide(ctx, v, id, EventSectionIIGranted, func(g *Grant) {
		g.Status, g.From, g.Until = GrantGranted, d.From, d.Until
		g.GrantedBy, g.GrantedAt = v.Actor(), r.now()
	})
}

// RefuseRequest refuses the pending request id, giving the reason; the
// refusal is an EventSectionIIRefused event. A refused request shows
// nothing; the grantee may ask again.
//
// Errors: ErrForbidden unless v is staff; ErrNotFound; ErrGrantStatus
// (wrapped) for a request already decided; a problem.List for a missing
// reason; ErrConflict.
func (r *Registry) RefuseRequest(ctx context.Context, v Viewer, id string, rf Refusal) (Grant, error) {
	if err := authorize(v, opRefuseSectionII); err != nil {
		return Grant{}, err
	}
	rf.Reason = strings.TrimSpace(rf.Reason)
	if err := finish(r.val.fields(&rf)); err != nil {
		return Grant{}, err
	}
	return r.decide(ctx, v, id, EventSectionIIRefused, func(g *Grant) {
		g.Status, g.RefusedBy, g.RefusedAt, g.RefusalReason = GrantRefused, v.Actor(), r.now(), rf.Reason
	})
}

// decide moves the pending request id by set and commits it with its event.
func (r *Registry) decide(ctx context.Context, v Viewer, id string, kind EventKind, set func(*Grant)) (Grant, error) {
	cur, err := r.store.Grant(ctx, id)
	if err != nil {
		return Grant{}, err
	}
	if cur.Status != GrantRequested {
		return Grant{}, fmt.Errorf("%w: request %s is %s", ErrGrantStatus, id, cur.effectiveStatus())
	}
	g := cur
	set(&g)
	ev := r.event(v.Actor(), kind, "", id, cur, g)
	ev.Section, ev.Note = SectionII, string(cur.Status)+" → "+string(g.Status)
	if err := r.commit(ctx, Batch{Grants: []Grant{g}, Events: []Event{ev}}); err != nil {
		return Grant{}, err
	}
	g.Version++
	return g, nil
}

func (g Grant) effectiveStatus() GrantStatus {
	if g.Status == "" {
		return GrantGranted
	}
	return g.Status
}

// AccessRequest returns the request (or grant) id as v may see it: staff
// see every one, anyone else only its own (Grantee is its subject).
//
// Errors: ErrNotFound for an unknown request and for another's, alike.
func (r *Registry) AccessRequest(ctx context.Context, v Viewer, id string) (Grant, error) {
	notFound := fmt.Errorf("registry: access request %q: %w", id, ErrNotFound)
	if id == "" || (v.Role != RoleStaff && v.Subject == "") {
		return Grant{}, notFound
	}
	g, err := r.store.Grant(ctx, id)
	if err != nil {
		return Grant{}, notFound
	}
	if v.Role != RoleStaff && g.Grantee != v.Subject {
		return Grant{}, notFound
	}
	return g, nil
}

// GrantFilter selects requests and grants for AccessRequests.
type GrantFilter struct {
	// Status selects one status ("": every one).
	Status GrantStatus
	// After is the ID of the last grant of the previous page ("": the
	// first page).
	After string
	// Limit is the page size: 0 means DefaultLimit, more than MaxLimit
	// means MaxLimit.
	Limit int
}

// AccessRequests returns one page of the requests and grants v may see, in
// ascending order of ID, and the After of the next page ("" on the last):
// every one for staff, its own for anyone with a subject.
//
// Errors: ErrForbidden for the anonymous public and for a body's viewer;
// store errors.
func (r *Registry) AccessRequests(ctx context.Context, v Viewer, f GrantFilter) ([]Grant, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	keep := func(g Grant) bool { return f.Status == "" || g.effectiveStatus() == f.Status }
	var out []Grant
	switch {
	case v.Role == RoleStaff:
		after := f.After
		for len(out) <= limit {
			gs, err := r.store.AllGrants(ctx, after, MaxLimit)
			if err != nil {
				return nil, "", err
			}
			for _, g := range gs {
				if keep(g) {
					out = append(out, g)
				}
			}
			if len(gs) < MaxLimit {
				break
			}
			after = gs[len(gs)-1].ID
		}
	case v.Subject != "" && (v.Role == RoleRegion || v.Role == RolePublic):
		gs, err := r.store.Grants(ctx, v.Subject)
		if err != nil {
			return nil, "", err
		}
		for _, g := range gs {
			if g.ID > f.After && keep(g) {
				out = append(out, g)
			}
		}
	default:
		return nil, "", fmt.Errorf("%w: Section II access requests", ErrForbidden)
	}
	if out == nil {
		out = []Grant{}
	}
	if len(out) > limit {
		return out[:limit], out[limit-1].ID, nil
	}
	return out, "", nil
}

// ActiveGrants returns the grants of v in force on the register's today,
// the ones that show it Section II bodies: for a caller's answer to "what
// may I see".
func (r *Registry) ActiveGrants(v Viewer) []Grant {
	today := r.today()
	out := []Grant{}
	for _, g := range v.Grants {
		if g.effective() && within(today, g.From, g.Until) {
			out = append(out, g)
		}
	}
	return out
}

type recordIDKey struct{}

// WithRecordID returns a context that makes the next record a write of the
// Registry creates (a referent, a partnership, an access request) take id
// instead of a new one. A service that derives id from a request's
// idempotency key finds, on a retry, the record the first attempt created:
// the retry then fails (the ID or the person is taken) and the service
// answers with that record, writing nothing again. The ID must be unique
// to the request.
func WithRecordID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, recordIDKey{}, id)
}

// newID returns the ID WithRecordID put in ctx, or a new one.
func (r *Registry) newID(ctx context.Context) string {
	if id, ok := ctx.Value(recordIDKey{}).(string); ok && id != "" {
		return id
	}
	return r.opts.NewID()
}
