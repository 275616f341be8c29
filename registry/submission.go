package registry

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// The event kinds of the completion of an application: staff's request
// (After is the Completion) and the body's answer (Before and After are the
// application before and after).
const (
	EventCompletionRequested EventKind = "application.completion_requested"
	EventApplicationComplete EventKind = "application.completed"
)

// ErrNoCompletionRequest is wrapped by Complete for an application with no
// unanswered completion request, and by RequestCompletion for one that
// already has one or is no longer pending. Its kind is
// problem.KindFailedPrecondition.
var ErrNoCompletionRequest = problem.NewError(problem.KindFailedPrecondition,
	"registry: no completion request can be answered or made on this application now")

// Upload is an attachment file as the applicant sent it: the name the
// application's Attachments give it, and its content.
type Upload struct {
	Name    string
	Content []byte
}

// Submission is an application filed online: the record, the facts it does
// not state (for the eligibility decision) and its attachment files.
type Submission struct {
	Application Application
	// Unstated are the JSON Pointers of the facts the application does not
	// state ("/body/statute/nonProfit"), as eligibility.DecodeApplication
	// finds them; passed to Options.Assess.
	Unstated []string
	// Files are the attachment files: exactly one per entry of
	// Application.Attachments, matched by name.
	Files []Upload
}

// Submit files an application with its attachment files, as Apply does: each
// file is sniffed (a PDF or a CAdES .p7m envelope), size-limited
// (Options.MaxAttachmentBytes), and stored once by SHA-256 in the
// application's transaction; the application's Attachments get the digest,
// size and media type of their file.
//
// Errors: as Apply; a problem.List also for an attachment without its file
// (or a file no attachment names), a file that is neither PDF nor P7M, one
// over the size limit, a declared digest the content does not have.
func (r *Registry) Submit(ctx context.Context, v Viewer, s Submission) (Application, Entity, error) {
	return r.receive(ctx, v, s.Application, intake{unstated: s.Unstated, files: s.Files, withFiles: true})
}

// attach matches the files to a's Attachments by name and fills in their
// digest, size and media type. An attachment whose digest is one of keep's
// (the attachments of the application being completed) may come without a
// file: it is kept as it was.
func (r *Registry) attach(a *Application, files []Upload, keep []Attachment) ([]AttachmentFile, error) {
	var probs problem.List
	if len(a.Attachments) > MaxAttachments {
		return nil, problem.List{problem.New("/attachments", "maxItems", "too_many_attachments",
			map[string]any{"limit": MaxAttachments},
			fmt.Sprintf("al più %d allegati", MaxAttachments), fmt.Sprintf("at most %d attachments", MaxAttachments))}
	}
	byName := map[string]int{}
	for i, f := range files {
		if _, dup := byName[f.Name]; dup {
			probs = append(probs, problem.New("/attachments", "register", "attachment_file_repeated", map[string]any{"name": f.Name},
				fmt.Sprintf("il file %q è inviato due volte", f.Name), fmt.Sprintf("file %q is sent twice", f.Name)))
			continue
		}
		byName[f.Name] = i
	}
	used := map[string]bool{}
	var out []AttachmentFile
	limit := r.maxAttachmentBytes()
	for i := range a.Attachments {
		at := &a.Attachments[i]
		path := problem.Pointer("attachments", problem.Index(i))
		fi, ok := byName[at.Name]
		if !ok {
			if k := slices.IndexFunc(keep, func(o Attachment) bool { return o.SHA256 != "" && o.SHA256 == at.SHA256 }); k >= 0 {
				*at = keep[k]
				continue
			}
			probs = append(probs, problem.New(path, "register", "attachment_file_missing", map[string]any{"name": at.Name},
				fmt.Sprintf("manca il file dell'allegato %q", at.Name), fmt.Sprintf("the file of attachment %q is missing", at.Name)))
			continue
		}
		used[at.Name] = true
		content := files[fi].Content
		if int64(len(content)) > limit {
			probs = append(probs, problem.New(path, "register", "attachment_too_large", map[string]any{"limit": limit},
				fmt.Sprintf("l'allegato %q supera %d byte", at.Name, limit), fmt.Sprintf("attachment %q exceeds %d bytes", at.Name, limit)))
			continue
		}
		af, err := NewAttachmentFile(path, content)
		if err != nil {
			var pl problem.List
			if errors.As(err, &pl) {
				probs = append(probs, pl...)
				continue
			}
			return nil, err
		}
		if at.SHA256 != "" && at.SHA256 != af.SHA256 {
			probs = append(probs, problem.New(path+"/sha256", "register", "attachment_digest_mismatch", nil,
				"l'impronta dichiarata non è quella del file", "the declared digest is not the file's"))
			continue
		}
		at.SHA256, at.Size, at.MediaType = af.SHA256, af.Size, af.MediaType
		if !slices.ContainsFunc(out, func(o AttachmentFile) bool { return o.SHA256 == af.SHA256 }) {
			out = append(out, af)
		}
	}
	for _, f := range files {
		if !used[f.Name] {
			probs = append(probs, problem.New("/attachments", "register", "attachment_file_unnamed", map[string]any{"name": f.Name},
				fmt.Sprintf("nessun allegato della domanda si chiama %q", f.Name), fmt.Sprintf("no attachment of the application is named %q", f.Name)))
		}
	}
	if len(probs) > 0 {
		probs.Sort()
		return nil, probs
	}
	return out, nil
}

// receipt returns a's Receipt: the next protocol number of the year of
// receipt, the time of receipt, the decision due date and the eligibility
// decision.
func (r *Registry) receipt(ctx context.Context, a *Application, unstated []string) (*Receipt, error) {
	now := r.now()
	el, err := r.assess(ctx, a, unstated, now)
	if err != nil {
		return nil, err
	}
	last, err := r.store.LastProtocol(ctx, now.Year())
	if err != nil {
		return nil, err
	}
	n := 0
	if last != "" {
		if _, num, ok := cutProtocol(last); ok {
			n = num
		} else {
			return nil, fmt.Errorf("registry: stored protocol %q is malformed", last)
		}
	}
	return &Receipt{Protocol: FormatProtocol(now.Year(), n+1), ReceivedAt: now, DecisionDue: r.DecisionDue(a.Date), Eligibility: el}, nil
}

// FormatProtocol returns protocol number n of year: "2026/000123".
func FormatProtocol(year, n int) string { return fmt.Sprintf("%04d/%06d", year, n) }

// cutProtocol splits "YYYY/NNNNNN".
func cutProtocol(p string) (year, n int, ok bool) {
	if len(p) != 11 || p[4] != '/' {
		return 0, 0, false
	}
	y, err1 := strconv.Atoi(p[:4])
	n, err2 := strconv.Atoi(p[5:])
	return y, n, err1 == nil && err2 == nil
}

// assess runs Options.Assess, when set.
func (r *Registry) assess(ctx context.Context, a *Application, unstated []string, now time.Time) (*Assessment, error) {
	if r.opts.Assess == nil {
		return nil, nil
	}
	return r.opts.Assess(ctx, a, slices.Clone(unstated), now)
}

// pendingFor reports whether e has an enrolment pending on application id.
func pendingFor(e *Entity, id string) bool {
	return slices.ContainsFunc(e.Enrolments, func(en Enrolment) bool { return en.ApplicationID == id && en.Status.Pending() })
}

// Application returns application id as v may see it: staff see every
// application, a body its own; anyone else gets ErrNotFound, as for an ID
// that does not exist.
//
// Errors: ErrNotFound; store errors.
func (r *Registry) Application(ctx context.Context, v Viewer, id string) (Application, error) {
	a, err := r.store.Application(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID != "" && v.EntityID == a.EntityID) {
		return a, nil
	}
	return Application{}, fmt.Errorf("registry: application %q: %w", id, ErrNotFound)
}

// RequestCompletion records staff's request that the body complete its
// application id (what is missing or must be corrected is in note), as an
// event. The application must be pending and have no unanswered request.
// The first request suspends the decision term (SuspendedDays): the due date
// of the receipt and of the pending enrolments moves accordingly.
//
// Errors: ErrForbidden for anyone but staff; ErrNotFound; a problem.List for
// an empty or overlong note; ErrNoCompletionRequest (wrapped) when the
// application is decided or already awaits an answer; ErrConflict.
func (r *Registry) RequestCompletion(ctx context.Context, v Viewer, id, note string) (Application, error) {
	if err := authorize(v, opRequestCompletion); err != nil {
		return Application{}, err
	}
	if note == "" || len(note) > 5000 {
		return Application{}, invalid("/note", "note", "serve una nota di al più 5000 caratteri",
			"a note of at most 5000 characters is required", map[string]any{"maxLength": 5000})
	}
	a, err := r.store.Application(ctx, id)
	if err != nil {
		return Application{}, err
	}
	e, err := r.entity(ctx, a.EntityID)
	if err != nil {
		return Application{}, err
	}
	if !pendingFor(&e, a.ID) || a.Receipt == nil || a.Receipt.Open() {
		return Application{}, fmt.Errorf("registry: request completion of application %q: %w", id, ErrNoCompletionRequest)
	}
	c := Completion{RequestedAt: r.now(), RequestedBy: v.Actor(), Note: note}
	a.Receipt.Completions = append(a.Receipt.Completions, c)
	ev := r.event(v.Actor(), EventCompletionRequested, a.EntityID, a.ID, nil, c)
	ev.Note = "completion requested"
	b := Batch{Applications: []Application{a}, Events: []Event{ev}}
	if len(a.Receipt.Completions) == 1 {
		// The first request suspends the decision term (suspension.go).
		before := e.Clone()
		r.suspend(&a, &e)
		b.Entities = []Entity{e}
		b.Events = append(b.Events, r.event(v.Actor(), EventEntityUpdated, e.ID, e.ID, before, e))
	}
	if err := r.commit(ctx, b); err != nil {
		return Application{}, err
	}
	a.Version++
	return a, nil
}

// Complete answers the open completion request of application id with the
// completed application next (its sections, body and date are those of the
// application; everything else may change) and the files of its new
// attachments; an attachment that keeps the digest of one of the
// application's attachments needs no file. The application is validated
// and assessed again, keeps its protocol number and time of receipt, its
// decision due date ends the suspension of the term (SuspendedDays), and the
// body's declared data is updated from it; the answer is an event.
//
// Errors: ErrForbidden for a viewer other than the body and staff;
// ErrNotFound; ErrNoCompletionRequest (wrapped) without an open request; a
// problem.List for invalid input or a changed section, body or date;
// ErrConflict.
func (r *Registry) Complete(ctx context.Context, v Viewer, id string, next Application, files []Upload, unstated []string) (Application, error) {
	a, err := r.store.Application(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if err := authorize(v, opComplete, a.EntityID); err != nil {
		if v.Role != RoleStaff && v.EntityID != a.EntityID {
			// Another body's application does not exist for v.
			return Application{}, fmt.Errorf("registry: application %q: %w", id, ErrNotFound)
		}
		return Application{}, err
	}
	if !a.Receipt.Open() {
		return Application{}, fmt.Errorf("registry: complete application %q: %w", id, ErrNoCompletionRequest)
	}
	e, err := r.entity(ctx, a.EntityID)
	if err != nil {
		return Application{}, err
	}
	if !pendingFor(&e, a.ID) {
		return Application{}, fmt.Errorf("registry: complete application %q: %w", id, ErrNoCompletionRequest)
	}
	next = next.Clone()
	next.ID, next.Version, next.EntityID, next.Receipt = a.ID, a.Version, a.EntityID, a.Receipt.clone()
	newFiles, err := r.attach(&next, files, a.Attachments)
	if err != nil {
		return Application{}, err
	}
	if err := r.val.Application(&next); err != nil {
		return Application{}, err
	}
	switch {
	case next.Date != a.Date:
		return Application{}, invalid("/date", "unchanged", "la data della domanda non cambia", "the application date does not change", map[string]any{"value": string(a.Date)})
	case !slices.Equal(next.Sections, a.Sections):
		return Application{}, invalid("/sections", "unchanged", "le sezioni richieste non cambiano", "the requested sections do not change", nil)
	case next.Body.CodiceFiscale != a.Body.CodiceFiscale:
		return Application{}, invalid("/body/taxCode", "unchanged", "il codice fiscale dell'ente non cambia", "the body's codice fiscale does not change", nil)
	}
	el, err := r.assess(ctx, &next, unstated, r.now())
	if err != nil {
		return Application{}, err
	}
	next.Receipt.Eligibility = el
	last := &next.Receipt.Completions[len(next.Receipt.Completions)-1]
	last.AnsweredAt, last.AnsweredBy = r.now(), v.Actor()
	before := e.Clone()
	e = r.mergeDeclared(e, next.Body, next.Date)
	r.suspend(&next, &e) // the answer ends the suspension of the term
	events := []Event{r.event(v.Actor(), EventApplicationComplete, a.EntityID, a.ID, a, next)}
	events[0].Note = "application completed"
	events = append(events, r.event(v.Actor(), EventEntityUpdated, e.ID, e.ID, before, e))
	if err := r.commit(ctx, Batch{Entities: []Entity{e}, Applications: []Application{next}, Events: events, Attachments: newFiles}); err != nil {
		return Application{}, err
	}
	next.Version++
	return next, nil
}

// QueueItem is one pending application in the review queue.
type QueueItem struct {
	ApplicationID string `json:"applicationId"`
	EntityID      string `json:"entityId"`
	// Name is the body's name.
	Name string `json:"name"`
	// Sections are the pending sections of the application, with their
	// status (applied or under_review).
	Sections []QueueSection `json:"sections"`
	Protocol string         `json:"protocol,omitempty"`
	Date     Date           `json:"date"`
	// DecisionDue is the last day of the decision term; Overdue reports that
	// it has passed.
	DecisionDue Date `json:"decisionDue"`
	Overdue     bool `json:"overdue"`
	// AwaitingCompletion reports an unanswered completion request.
	AwaitingCompletion bool `json:"awaitingCompletion"`
	// Eligibility is the decision stored at receipt, rule by rule.
	Eligibility *Assessment `json:"eligibility,omitempty"`
}

// QueueSection is a pending section of a queued application.
type QueueSection struct {
	Section Section `json:"section"`
	Status  Status  `json:"status"`
}

// ReviewQueue returns the pending applications (a section applied or under
// review), by decision due date, earliest first — so the overdue ones come
// first — then by application date and ID; at most limit of them (0:
// DefaultLimit; clamped to MaxLimit). Staff only.
//
// Errors: ErrForbidden; store errors.
func (r *Registry) ReviewQueue(ctx context.Context, v Viewer, limit int) ([]QueueItem, error) {
	if v.Role != RoleStaff {
		return nil, fmt.Errorf("%w: the review queue", ErrForbidden)
	}
	switch {
	case limit <= 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	today := r.today()
	byApp := map[string]*QueueItem{}
	for _, st := range []Status{StatusApplied, StatusUnderReview} {
		f := Filter{Status: st, Limit: MaxLimit}
		for {
			p, err := r.store.Entities(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, e := range p.Entities {
				for _, en := range e.Enrolments {
					if en.Status != st {
						continue
					}
					it, ok := byApp[en.ApplicationID]
					if !ok {
						it = &QueueItem{ApplicationID: en.ApplicationID, EntityID: e.ID, Name: e.Name, Date: en.AppliedOn,
							DecisionDue: en.DecisionDue, Overdue: en.DecisionDue != "" && today.After(en.DecisionDue)}
						byApp[en.ApplicationID] = it
					}
					it.Sections = append(it.Sections, QueueSection{Section: en.Section, Status: en.Status})
				}
			}
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
		}
	}
	items := make([]*QueueItem, 0, len(byApp))
	for _, it := range byApp {
		slices.SortFunc(it.Sections, func(a, b QueueSection) int { return cmp.Compare(a.Section, b.Section) })
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b *QueueItem) int {
		return cmp.Or(cmp.Compare(a.DecisionDue, b.DecisionDue), cmp.Compare(a.Date, b.Date), cmp.Compare(a.ApplicationID, b.ApplicationID))
	})
	out := []QueueItem{}
	for _, it := range items[:min(limit, len(items))] {
		if it.ApplicationID != "" {
			a, err := r.store.Application(ctx, it.ApplicationID)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
			if rc := a.Receipt; rc != nil {
				it.Protocol, it.AwaitingCompletion, it.Eligibility = rc.Protocol, rc.Open(), rc.Eligibility
			}
		}
		out = append(out, *it)
	}
	return out, nil
}

// Silence returns the register's policy for silence after the decision
// term (Options.Silence).
func (r *Registry) Silence() SilencePolicy { return r.opts.Silence }
