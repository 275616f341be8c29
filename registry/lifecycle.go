package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// Apply files an application: it validates it, creates the body on its first
// application (assigning its permanent ID) or updates its declared data, and
// moves the enrolment of every requested section to applied, with the
// decision due DecisionDays later. Body, application and events are written
// in one atomic batch.
//
// An application names its body by EntityID or, when that is empty, by the
// body's codice fiscale: a body already in the register is found by it.
//
// Errors: a problem.List for invalid input (including a date in the future
// or before the section's last transition, and a Body.BranchOf that is not in
// the register); *TransitionError when a requested section is pending or
// enrolled; ErrNotFound for an unknown EntityID; ErrConflict when another
// write changed the body meanwhile.
//
// The application gets a Receipt: a protocol number of the year of receipt
// (gap-free: ApplicationFiles), the time of receipt, the decision due date
// and, with Options.Assess, its eligibility decision. An ineligible
// application is stored with its decision; only bad input is refused.
// Apply takes the attachments as metadata (their files are not uploaded):
// Submit is Apply with the files.
func (r *Registry) Apply(ctx context.Context, v Viewer, a Application) (Application, Entity, error) {
	return r.receive(ctx, v, a, intake{})
}

// intake is what an application brings besides its record.
type intake struct {
	unstated  []string // JSON Pointers of the facts not stated (Options.Assess)
	files     []Upload // the uploaded files, when withFiles
	withFiles bool     // false: attachments are metadata only (Apply)
}

// receive files a, retrying when another application took the protocol
// number it was given (ApplicationFiles).
func (r *Registry) receive(ctx context.Context, v Viewer, a Application, in intake) (Application, Entity, error) {
	for try := 0; ; try++ {
		app, e, err := r.applyOnce(ctx, v, a, in)
		if err == nil {
			return app, e, nil
		}
		// A commit that failed returns the receipt it tried (the other
		// failures return none): when the protocol number it was given is
		// now taken, another application got there first, and this one
		// is received again with the next number.
		if !errors.Is(err, ErrConflict) || app.Receipt == nil || try == 4 {
			return Application{}, Entity{}, err
		}
		last, lerr := r.store.LastProtocol(ctx, app.Receipt.ReceivedAt.Year())
		if lerr != nil || last < app.Receipt.Protocol {
			return Application{}, Entity{}, err
		}
	}
}

func (r *Registry) applyOnce(ctx context.Context, v Viewer, a Application, in intake) (Application, Entity, error) {
	if a.EntityID != "" {
		if err := authorize(v, opApply, a.EntityID); err != nil {
			return Application{}, Entity{}, err
		}
	} else if err := authorizeNewBody(v); err != nil {
		return Application{}, Entity{}, err
	}
	actor := v.Actor()
	a = a.Clone()
	a.ID, a.Version, a.Receipt = "", 0, nil
	var files []AttachmentFile
	if in.withFiles {
		var err error
		if files, err = r.attach(&a, in.files, nil); err != nil {
			return Application{}, Entity{}, err
		}
	}
	if err := r.val.Application(&a); err != nil {
		return Application{}, Entity{}, err
	}
	if err := r.notFuture("/date", a.Date); err != nil {
		return Application{}, Entity{}, err
	}
	var (
		e      Entity
		before *Entity
	)
	switch {
	case a.EntityID != "":
		cur, err := r.entity(ctx, a.EntityID)
		if err != nil {
			return Application{}, Entity{}, err
		}
		if cur.CodiceFiscale != a.Body.CodiceFiscale {
			return Application{}, Entity{}, invalid("/body/taxCode", "codice_fiscale_mismatch",
				"il codice fiscale non è quello dell'ente indicato", "the codice fiscale is not the one of the body named by entityId", nil)
		}
		e, before = cur, &cur
	default:
		cur, err := r.store.EntityByCodiceFiscale(ctx, a.Body.CodiceFiscale)
		switch {
		case err == nil:
			// A body already in the register applies again through its
			// own viewer (or staff).
			if err := authorize(v, opApply, cur.ID); err != nil {
				return Application{}, Entity{}, err
			}
			e, before = cur, &cur
		case errors.Is(err, ErrNotFound):
			e = Entity{ID: r.opts.NewID()}
		default:
			return Application{}, Entity{}, err
		}
	}
	if b := a.Body.BranchOf; b != "" {
		if b == e.ID {
			return Application{}, Entity{}, invalid("/body/branchOf", "branch_of_self",
				"un ente non può essere articolazione di se stesso", "a body cannot be a branch of itself", nil)
		}
		if _, err := r.entity(ctx, b); errors.Is(err, ErrNotFound) {
			return Application{}, Entity{}, invalid("/body/branchOf", "unknown_entity",
				"ente nazionale non presente nel registro", "the national body is not in the register", map[string]any{"entityId": b})
		} else if err != nil {
			return Application{}, Entity{}, err
		}
	}
	if before != nil {
		e = before.Clone()
	}
	a.EntityID = e.ID
	a.ID = r.opts.NewID()
	e = r.mergeDeclared(e, a.Body, a.Date)
	rc, err := r.receipt(ctx, &a, in.unstated)
	if err != nil {
		return Application{}, Entity{}, err
	}
	a.Receipt = rc

	var events []Event
	for _, s := range a.Sections {
		en, idx := enrolmentOf(&e, s)
		if !CanMove(en.Status, StatusApplied) {
			return Application{}, Entity{}, &TransitionError{EntityID: e.ID, Section: s, From: en.Status, To: StatusApplied}
		}
		if last := lastOn(en); last != "" && a.Date.Before(last) {
			return Application{}, Entity{}, problem.List{dateOrder("/date", "last transition of section "+s.String(), last)}
		}
		prev := en
		en = Enrolment{
			Section: s, Status: StatusApplied, ApplicationID: a.ID, AppliedOn: a.Date,
			DecisionDue: r.DecisionDue(a.Date),
			History: append(slices.Clone(en.History), Transition{From: prev.Status, To: StatusApplied, On: a.Date,
				Actor: actor, ApplicationID: a.ID}),
		}
		setEnrolment(&e, idx, en)
		ev := r.event(actor, EventEnrolmentChanged, e.ID, e.ID, prev, en)
		ev.Section, ev.Note = s, moveNote(prev.Status, StatusApplied)
		events = append(events, ev)
	}
	if before == nil {
		events = append([]Event{r.event(actor, EventEntityCreated, e.ID, e.ID, nil, e)}, events...)
	} else {
		events = append([]Event{r.event(actor, EventEntityUpdated, e.ID, e.ID, before, e)}, events...)
		if before.LegalRepresentative.CodiceFiscale != e.LegalRepresentative.CodiceFiscale {
			events = append(events, r.event(actor, EventRepresentativeNamed, e.ID, e.ID,
				before.LegalRepresentative, e.LegalRepresentative))
		}
	}
	events = append(events[:1], append([]Event{r.event(actor, EventApplicationFiled, e.ID, a.ID, nil, a)}, events[1:]...)...)
	if err := r.commit(ctx, Batch{Entities: []Entity{e}, Applications: []Application{a}, Events: events, Attachments: files}); err != nil {
		return Application{Receipt: a.Receipt}, Entity{}, err
	}
	a.Version++
	e.Version++
	return a, e, nil
}

// mergeDeclared copies the fields a body declares from body into e, keeping
// the register-managed ones; a new legal representative moves the old one to
// FormerRepresentatives, with a mandate ending the day before on.
func (r *Registry) mergeDeclared(e, body Entity, on Date) Entity {
	old := e.LegalRepresentative
	oldSince := e.LegalRepresentativeSince
	keep := e
	e = body.Clone()
	e.ID, e.Version = keep.ID, keep.Version
	e.Enrolments, e.Referents, e.Branches = keep.Enrolments, keep.Referents, keep.Branches
	e.FormerRepresentatives = keep.FormerRepresentatives
	e.LegalRepresentativeSince = keep.LegalRepresentativeSince
	e.National = keep.National || body.National
	if e.BranchOf == "" {
		// Set by AddBranch; a declaration that omits it does not unlink.
		e.BranchOf = keep.BranchOf
	}
	if keep.Version == 0 {
		e.LegalRepresentativeSince = body.LegalRepresentativeSince
		e.FormerRepresentatives = nil
		return e
	}
	if old.CodiceFiscale != "" && old.CodiceFiscale != body.LegalRepresentative.CodiceFiscale {
		since := body.LegalRepresentativeSince
		if since == "" || since.After(on) {
			since = on
		}
		e.FormerRepresentatives = append(slices.Clone(e.FormerRepresentatives),
			Mandate{Person: old, From: oldSince, Until: since.AddDays(-1)})
		e.LegalRepresentativeSince = since
	}
	return e
}

func enrolmentOf(e *Entity, s Section) (Enrolment, int) {
	for i, en := range e.Enrolments {
		if en.Section == s {
			return en, i
		}
	}
	return Enrolment{Section: s}, -1
}

func setEnrolment(e *Entity, idx int, en Enrolment) {
	if idx < 0 {
		e.Enrolments = append(e.Enrolments, en)
		slices.SortFunc(e.Enrolments, func(a, b Enrolment) int { return int(a.Section) - int(b.Section) })
		return
	}
	e.Enrolments[idx] = en
}

func lastOn(en Enrolment) Date {
	if len(en.History) == 0 {
		return ""
	}
	return en.History[len(en.History)-1].On
}

func moveNote(from, to Status) string {
	f := string(from)
	if f == "" {
		f = "none"
	}
	return f + " → " + string(to)
}

// Decree identifies the ministerial decree of enrolment.
type Decree struct {
	Number string `json:"number" validate:"required,max=100"`
	Date   Date   `json:"date" validate:"required,datetime=2006-01-02"`
}

// Rejection records a rejected application: the reasons and the rule
// applied (a rejection is a motivated act, art. 3 L. 241/1990).
type Rejection struct {
	Date   Date   `json:"date" validate:"required,datetime=2006-01-02"`
	Reason string `json:"reason" validate:"required,max=5000"`
	// LegalBasis cites the rule applied ("art. 53 c.1 DPR 394/1999").
	LegalBasis string `json:"legalBasis" validate:"required,max=500"`
}

// Cancellation records a cancellation (art. 54 c.4 DPR 394/1999), effective
// from notification.
type Cancellation struct {
	// NotifiedOn is the day of notification, from which it takes effect.
	NotifiedOn Date `json:"notifiedOn" validate:"required,datetime=2006-01-02"`
	// Reason is a code of the cancellation_reason list.
	Reason string `json:"reason" validate:"required,codelist=cancellation_reason"`
	// LegalBasis cites the rule applied ("art. 54 c.4 DPR 394/1999").
	LegalBasis string `json:"legalBasis" validate:"required,max=500"`
}

// StartReview moves the enrolment of body id in section s from applied to
// under review, on day on.
//
// Errors: *TransitionError from any other status; a problem.List for a bad
// date; ErrNotFound; ErrConflict.
func (r *Registry) StartReview(ctx context.Context, v Viewer, id string, s Section, on Date) (Entity, error) {
	if err := authorize(v, opStartReview, id); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	return r.move(ctx, actor, id, s, StatusUnderReview, on, "/on", "", func(en *Enrolment) {})
}

// Enrol enrols body id in section s by decree d, effective on the decree's
// date. The application may be under review or still applied.
//
// Errors: *TransitionError from a status other than applied or under review;
// a problem.List for a missing decree number or a bad date; ErrNotFound;
// ErrConflict.
func (r *Registry) Enrol(ctx context.Context, v Viewer, id string, s Section, d Decree) (Entity, error) {
	if err := authorize(v, opEnrol, id); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	if err := finish(r.val.fields(&d)); err != nil {
		return Entity{}, err
	}
	return r.move(ctx, actor, id, s, StatusEnrolled, d.Date, "/date", "decree "+d.Number, func(en *Enrolment) {
		en.DecreeNumber, en.DecreeDate, en.Tacit = d.Number, d.Date, false
	})
}

// Reject rejects the pending application of body id in section s. The body
// may apply again later.
//
// Errors: as Enrol.
func (r *Registry) Reject(ctx context.Context, v Viewer, id string, s Section, rj Rejection) (Entity, error) {
	if err := authorize(v, opReject, id); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	if err := finish(r.val.fields(&rj)); err != nil {
		return Entity{}, err
	}
	return r.move(ctx, actor, id, s, StatusRejected, rj.Date, "/date", rj.Reason+": "+rj.LegalBasis, func(en *Enrolment) {
		en.RejectedOn, en.RejectionReason, en.LegalBasis = rj.Date, rj.Reason, rj.LegalBasis
	})
}

// Cancel cancels the enrolment of body id in section s, effective from the
// notification. The body may apply again later.
//
// Errors: *TransitionError unless the body is enrolled in s; a problem.List
// for a missing reason or legal basis or a bad date; ErrNotFound;
// ErrConflict.
func (r *Registry) Cancel(ctx context.Context, v Viewer, id string, s Section, c Cancellation) (Entity, error) {
	if err := authorize(v, opCancel, id); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	if err := finish(r.val.fields(&c)); err != nil {
		return Entity{}, err
	}
	return r.move(ctx, actor, id, s, StatusCancelled, c.NotifiedOn, "/notifiedOn", c.Reason+": "+c.LegalBasis, func(en *Enrolment) {
		en.CancelledOn, en.CancellationReason, en.LegalBasis = c.NotifiedOn, c.Reason, c.LegalBasis
	})
}

// move applies one transition of the state machine and commits it with its
// event.
func (r *Registry) move(ctx context.Context, actor, id string, s Section, to Status, on Date, path, note string, set func(*Enrolment)) (Entity, error) {
	if !s.Valid() {
		return Entity{}, fmt.Errorf("%w %d", ErrUnknownSection, int(s))
	}
	if err := r.notFuture(path, on); err != nil {
		return Entity{}, err
	}
	e, err := r.entity(ctx, id)
	if err != nil {
		return Entity{}, err
	}
	en, idx := enrolmentOf(&e, s)
	if to == StatusRejected && r.opts.Silence == SilenceMeansAcceptance && en.Status.Pending() &&
		en.DecisionDue != "" && on.After(en.DecisionDue) {
		// Under the 1999 text silence already accepted the application:
		// only a cancellation can end the enrolment now.
		return Entity{}, &TransitionError{EntityID: id, Section: s, From: StatusEnrolled, To: to}
	}
	prev := en
	if to == StatusCancelled && r.opts.Silence == SilenceMeansAcceptance && en.Status.Pending() &&
		en.DecisionDue != "" && on.After(en.DecisionDue) {
		// Enrolled by silence but not yet recorded (ApplySilence has not
		// run): record the tacit enrolment first, then cancel it.
		tacit := en.DecisionDue.AddDays(1)
		en.History = append(slices.Clone(en.History), Transition{From: en.Status, To: StatusEnrolled, On: tacit,
			Actor: actor, ApplicationID: en.ApplicationID, Note: "silence after " + en.DecisionDue.String()})
		en.Status, en.Tacit, en.DecreeDate = StatusEnrolled, true, tacit
	}
	if !CanMove(en.Status, to) {
		return Entity{}, &TransitionError{EntityID: id, Section: s, From: en.Status, To: to}
	}
	if last := lastOn(en); last != "" && on.Before(last) {
		return Entity{}, problem.List{dateOrder(path, "last transition", last)}
	}
	en.History = append(slices.Clone(en.History), Transition{From: en.Status, To: to, On: on, Actor: actor,
		ApplicationID: en.ApplicationID, Note: note})
	en.Status = to
	set(&en)
	setEnrolment(&e, idx, en)
	ev := r.event(actor, EventEnrolmentChanged, id, id, prev, en)
	ev.Section, ev.Note = s, moveNote(prev.Status, to)
	if err := r.commit(ctx, Batch{Entities: []Entity{e}, Events: []Event{ev}}); err != nil {
		return Entity{}, err
	}
	e.Version++
	return e, nil
}

// Overdue is an application still undecided after its decision term.
type Overdue struct {
	EntityID    string  `json:"entityId"`
	Section     Section `json:"section"`
	AppliedOn   Date    `json:"appliedOn"`
	DecisionDue Date    `json:"decisionDue"`
	// Tacit reports that ApplySilence recorded a tacit enrolment
	// (SilenceMeansAcceptance).
	Tacit bool `json:"tacit"`
}

// ApplySilence finds the applications undecided after their decision term
// as of today. Under SilenceNoEffect it only reports them; under
// SilenceMeansAcceptance it also enrols each body tacitly, effective the day
// after DecisionDue, with an event. Bodies are processed in ID order; on an
// error the ones already processed stay processed.
func (r *Registry) ApplySilence(ctx context.Context, v Viewer) ([]Overdue, error) {
	if err := authorize(v, opApplySilence); err != nil {
		return nil, err
	}
	actor := v.Actor()
	today := r.today()
	var out []Overdue
	for _, st := range []Status{StatusApplied, StatusUnderReview} {
		f := Filter{Status: st, Limit: MaxLimit}
		for {
			p, err := r.store.Entities(ctx, f)
			if err != nil {
				return out, err
			}
			for _, e := range p.Entities {
				for _, en := range e.Enrolments {
					if en.Status != st || en.DecisionDue == "" || !today.After(en.DecisionDue) {
						continue
					}
					o := Overdue{EntityID: e.ID, Section: en.Section, AppliedOn: en.AppliedOn, DecisionDue: en.DecisionDue}
					if r.opts.Silence == SilenceMeansAcceptance {
						due := en.DecisionDue
						if _, err := r.move(ctx, actor, e.ID, en.Section, StatusEnrolled, due.AddDays(1), "/date",
							"silence after "+due.String(), func(en *Enrolment) { en.Tacit = true; en.DecreeDate = due.AddDays(1) }); err != nil {
							return out, err
						}
						o.Tacit = true
					}
					out = append(out, o)
				}
			}
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
		}
	}
	return out, nil
}

// statusOn returns the status of en on day, counting, under
// SilenceMeansAcceptance, an application pending after its term as enrolled.
func (r *Registry) statusOn(en Enrolment, day Date) Status {
	var (
		s       Status
		applied Date
	)
	for _, t := range en.History {
		if t.On > day {
			break
		}
		s = t.To
		if t.To == StatusApplied {
			applied = t.On
		}
	}
	due := r.DecisionDue(applied)
	if applied == en.AppliedOn && en.DecisionDue != "" {
		due = en.DecisionDue // the current cycle's term, with its suspension
	}
	if s.Pending() && r.opts.Silence == SilenceMeansAcceptance && applied != "" && day.After(due) {
		return StatusEnrolled
	}
	return s
}

// EnrolledOn reports whether body id was enrolled in section s on the
// calendar day of day (in Options.Location): by its own enrolment or, for
// Section I only, by the extension of its national body's enrolment (the
// branch named in the statute and listed in a Section I application, and a
// branch on that day). It satisfies the small interface the eligibility rules
// consume.
//
// Errors: ErrNotFound for an unknown body; store errors.
func (r *Registry) EnrolledOn(ctx context.Context, id string, s Section, day time.Time) (bool, error) {
	if !s.Valid() {
		return false, fmt.Errorf("%w %d", ErrUnknownSection, int(s))
	}
	e, err := r.entity(ctx, id)
	if err != nil {
		return false, err
	}
	return r.enrolledOn(ctx, &e, s, r.day(day))
}

func (r *Registry) enrolledOn(ctx context.Context, e *Entity, s Section, d Date) (bool, error) {
	if en, ok := e.Enrolment(s); ok && r.statusOn(en, d) == StatusEnrolled {
		return true, nil
	}
	if s != SectionI || e.BranchOf == "" {
		return false, nil
	}
	nat, err := r.entity(ctx, e.BranchOf)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.extends(&nat, e.ID, d), nil
}

// extends reports whether national's Section I enrolment covers its branch
// branchID on d.
func (r *Registry) extends(national *Entity, branchID string, d Date) bool {
	en, ok := national.Enrolment(SectionI)
	if !ok || r.statusOn(en, d) != StatusEnrolled {
		return false
	}
	for _, b := range national.Branches {
		if b.EntityID == branchID && b.NamedInStatute && b.ApplicationID != "" && within(d, b.From, b.Until) {
			return true
		}
	}
	return false
}
