package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas/problem"
)

// maxParamLen caps the length of free-text query parameters.
const maxParamLen = 200

// jsonBytes encodes v as JSON followed by a newline, without HTML escaping.
func jsonBytes(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// badParam is the 400 problem of a query parameter.
func badParam(name, value, wantIT, wantEN string) error {
	return newError(kindBadRequest, msg(
		fmt.Sprintf("parametro %s non valido (%q): %s", name, value, wantIT),
		fmt.Sprintf("bad %s parameter (%q): %s", name, value, wantEN)))
}

// limitParam parses ?limit= (1…max; empty means def).
func limitParam(r *request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, badParam("limit", v, fmt.Sprintf("un intero tra 1 e %d", max), fmt.Sprintf("an integer from 1 to %d", max))
	}
	return n, nil
}

// entityFilter reads the filters of the entities listing; region and
// province are checked against terr (the register's territory).
func entityFilter(r *request, terr *territory.Territory) (registry.Filter, error) {
	q := r.URL.Query()
	var f registry.Filter
	for _, k := range []string{"section", "status", "region", "province", "legalForm", "q", "cursor", "limit"} {
		if v := q.Get(k); len(v) > maxParamLen {
			return f, badParam(k, v[:20]+"…", fmt.Sprintf("al più %d caratteri", maxParamLen), fmt.Sprintf("at most %d characters", maxParamLen))
		}
	}
	if v := q.Get("section"); v != "" {
		s, err := registry.ParseSection(v)
		if err != nil {
			return f, badParam("section", v, "I o II", "I or II")
		}
		f.Section = s
	}
	if v := q.Get("status"); v != "" {
		st, err := registry.ParseStatus(v)
		if err != nil {
			return f, badParam("status", v, "applied, under_review, enrolled, rejected o cancelled",
				"applied, under_review, enrolled, rejected or cancelled")
		}
		f.Status = st
	}
	if v := q.Get("region"); v != "" {
		if _, ok := terr.Region(v); !ok {
			return f, badParam("region", v, "un codice ISTAT di regione (\"01\"–\"20\")", "an ISTAT region code (\"01\"–\"20\")")
		}
		f.Region = v
	}
	if v := q.Get("province"); v != "" {
		if _, ok := terr.ProvinceBySigla(v); !ok {
			return f, badParam("province", v, "la sigla di una provincia (\"RM\")", "a province's sigla (\"RM\")")
		}
		f.Province = v
	}
	f.LegalForm = q.Get("legalForm")
	f.Name = q.Get("q")
	f.Cursor = q.Get("cursor")
	if _, err := registry.ParseCursor(f.Cursor); err != nil {
		return f, badCursor(err)
	}
	limit, err := limitParam(r, registry.DefaultLimit, registry.MaxLimit)
	if err != nil {
		return f, err
	}
	f.Limit = limit
	return f, nil
}

// badCursor is the 400 problem of a cursor no listing made
// (registry.ErrInvalidCursor): the same for every cursor, whatever it
// names, so that it tells nothing about any body.
func badCursor(err error) error {
	const it, en = "il cursore non è il campo next di una pagina dell'elenco",
		"the cursor is not the next field of a page of the listing"
	return &httpError{kind: kindBadRequest, cause: err, detail: msg("parametro cursor non valido: "+it, "bad cursor parameter: "+en),
		errors: problem.List{problem.New("/cursor", "format", "cursor", nil, it, en)}}
}

// entities lists the bodies as the caller may see them: the registry
// computes filters, page sizes and cursors over those bodies only, so the
// listing is that of a register holding nothing else.
func (s *server) entities(w http.ResponseWriter, r *request) error {
	f, err := entityFilter(r, s.deps.Registry.Territory())
	if err != nil {
		return err
	}
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	page, err := s.deps.Registry.Entities(r.Context(), v, f)
	if errors.Is(err, registry.ErrInvalidCursor) {
		return badCursor(err)
	}
	if err != nil {
		return err
	}
	out := struct {
		Items []any  `json:"items"`
		Next  string `json:"next,omitempty"`
	}{Items: make([]any, 0, len(page.Entities)), Next: page.Next}
	for i := range page.Entities {
		out.Items = append(out.Items, render(v, page.Entities[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// PublishedEntity is a body as the public sees it: the published fields of
// the Section I list (name, legal form, address, comune, province, region), and of the Section II list for a caller
// holding a grant.
type PublishedEntity struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	LegalForm string           `json:"legalForm"`
	Seat      registry.Address `json:"seat"`
}

// render returns e as the JSON value v gets: the whole entity for staff and
// for a body's own entity (the registry gave them everything), the
// published fields for everyone else (the registry already left the others
// empty; this only drops the empty fields from the JSON).
func render(v registry.Viewer, e registry.Entity) any {
	if v.Role == registry.RoleStaff || (v.Role == registry.RoleBody && v.EntityID == e.ID) {
		return e
	}
	return PublishedEntity{ID: e.ID, Name: e.Name, LegalForm: e.LegalForm, Seat: e.Seat}
}

// notFoundFloor is the least time GET /v1/entities/{id} takes to answer
// 404. A body the caller may not see costs the register a little more work
// than an ID that does not exist (its record is read and judged); the floor
// hides that difference, so that the time of the answer tells nothing.
const notFoundFloor = 5 * time.Millisecond

// entity returns one body as the caller may see it, with an ETag; 404 for
// one it may not see, exactly as for an ID that does not exist (same
// status, same body, answered no sooner than notFoundFloor).
//
// The ETag is the record version ("v7") for a caller who sees the whole
// record (staff, the body itself), and a digest of the representation for
// anyone else: the version counts changes to unpublished fields too, which
// would tell the public that something hidden changed. If-None-Match is
// answered 304.
func (s *server) entity(w http.ResponseWriter, r *request) error {
	start := time.Now()
	id := r.PathValue("id")
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	e, err := s.deps.Registry.Entity(r.Context(), v, id)
	if errors.Is(err, registry.ErrNotFound) {
		t := time.NewTimer(time.Until(start.Add(notFoundFloor)))
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
		return &httpError{kind: kindNotFound, cause: err, detail: msg(
			"nessun ente "+strconv.Quote(id)+" visibile al chiamante", "no body "+strconv.Quote(id)+" visible to the caller")}
	}
	if err != nil {
		return err
	}
	out, err := s.entityPage(r.Context(), v, e, render(v, e))
	if err != nil {
		return err
	}
	b, err := jsonBytes(out)
	if err != nil {
		return err
	}
	etag := pageETag(v, e, out, b)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Vary", "Authorization")
	if matchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
	return nil
}

// EntityETag returns the ETag of GET /v1/entities/{id} for e as v sees it,
// whose JSON representation is body: the record version, `"v7"`, for a
// viewer who sees the whole record (staff, the body itself); otherwise a
// digest of body, which changes only when what the viewer sees changes.
func EntityETag(v registry.Viewer, e registry.Entity, body []byte) string {
	if v.Role == registry.RoleStaff || (v.Role == registry.RoleBody && v.EntityID == e.ID) {
		return `"v` + strconv.FormatInt(e.Version, 10) + `"`
	}
	sum := sha256.Sum256(body)
	return `"p` + hex.EncodeToString(sum[:12]) + `"`
}

// EventPage is a page of the change feed.
type EventPage struct {
	// Items are the events, oldest first.
	Items []registry.Event `json:"items"`
	// Last is the Seq of the last event of the page (the after of the next
	// request), or the request's after when the page is empty.
	Last int64 `json:"last"`
}

// events is the change feed, for staff: the events after ?after=, at most
// ?limit=, of the kinds ?kind= (repeated or comma-separated; none: every
// kind) and of the bodies of region ?region= (see registry.EventFilter).
func (s *server) events(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("il flusso delle modifiche richiede un token", "the change feed needs a token"))
	}
	if r.caller.Role != registry.RoleStaff {
		return newError(kindForbidden, msg("il flusso delle modifiche è riservato al personale del ministero",
			"the change feed is reserved to the ministry's staff"))
	}
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badParam("after", v, "un numero di sequenza ≥ 0", "a sequence number ≥ 0")
		}
		after = n
	}
	limit, err := limitParam(r, registry.DefaultLimit, registry.MaxLimit)
	if err != nil {
		return err
	}
	f := registry.EventFilter{After: after, Limit: limit}
	q := r.URL.Query()
	for _, k := range q["kind"] {
		for _, k := range strings.Split(k, ",") {
			if k == "" || len(k) > 64 || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz._") != "" {
				return badParam("kind", k, "un tipo di evento (\"questionnaire.filed\")", "an event kind (\"questionnaire.filed\")")
			}
			f.Kinds = append(f.Kinds, registry.EventKind(k))
		}
	}
	if v := q.Get("region"); v != "" {
		if _, ok := s.deps.Registry.Territory().Region(v); !ok {
			return badParam("region", v, "un codice ISTAT di regione (\"01\"–\"20\")", "an ISTAT region code (\"01\"–\"20\")")
		}
		f.Region = v
	}
	evs, err := s.deps.Registry.Events(r.Context(), registry.Staff(r.caller.Subject), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, eventPage(evs, after))
	return nil
}

// eventPage is the page of events evs read after the sequence number
// after: Last is the last event's, else after again (nothing newer yet).
func eventPage(evs []registry.Event, after int64) EventPage {
	out := EventPage{Items: evs, Last: after}
	if out.Items == nil {
		out.Items = []registry.Event{}
	}
	if n := len(evs); n > 0 {
		out.Last = evs[n-1].Seq
	}
	return out
}

// yearlyList computes the yearly list of a reporting year from the stored
// filings, and shows the caller what it may see of it.
//
// Staff see everything. Anyone else sees the bodies as in a public listing:
// a Section II enrolment only where the caller's grants show the body in
// Section II, no body only in Section II otherwise, and no body's codice
// fiscale but the caller's own. A region caller sees its region's recipients.
func (s *server) yearlyList(w http.ResponseWriter, r *request) error {
	y := r.PathValue("year")
	year, err := strconv.Atoi(y)
	if err != nil {
		return newError(kindBadRequest, msg("anno non valido: "+strconv.Quote(y), "bad year: "+strconv.Quote(y)))
	}
	if year < questionnaire.FirstYear || year > questionnaire.LastYear {
		return newError(kindNotFound, msg(
			fmt.Sprintf("nessun elenco per l'anno %d (anni %d–%d)", year, questionnaire.FirstYear, questionnaire.LastYear),
			fmt.Sprintf("no yearly list for %d (years %d–%d)", year, questionnaire.FirstYear, questionnaire.LastYear)))
	}
	recipients, err := s.recipientsFor(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	// From the register's own log of filings; computed again only when the
	// log has grown, so an anonymous request does not pass over the register.
	list, err := s.deps.Registry.FiledYearlyUpdate(ctx, registry.Staff("registrod"), year)
	if err != nil {
		return err
	}
	if recipients != nil {
		list.Recipients = slices.DeleteFunc(list.Recipients, func(rl registry.RecipientList) bool {
			return !slices.Contains(recipients, rl.Recipient.Code)
		})
	}
	v, err := s.viewer(ctx, r.caller)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list.For(v, registry.DateOf(s.deps.Registry.Now())))
	return nil
}

// recipientsFor returns the recipient codes the request asks for (?recipient=)
// or a region caller is limited to; nil means every recipient.
func (s *server) recipientsFor(r *request) ([]string, error) {
	terr := s.deps.Registry.Territory()
	var mine []string
	if r.caller.Role == registry.RoleRegion {
		for _, rc := range terr.Recipients() {
			if rc.RegionCode == r.caller.Region {
				mine = append(mine, rc.Code)
			}
		}
	}
	v := r.URL.Query().Get("recipient")
	if v == "" {
		return mine, nil
	}
	if !slices.ContainsFunc(terr.Recipients(), func(rc territory.Recipient) bool { return rc.Code == v }) {
		return nil, badParam("recipient", v, "il codice di un destinatario (\"01\"–\"22\")", "a recipient code (\"01\"–\"22\")")
	}
	if mine != nil && !slices.Contains(mine, v) {
		return nil, newError(kindForbidden, msg("una regione vede solo i propri destinatari", "a region sees only its own recipients"))
	}
	return []string{v}, nil
}

// eligibility evaluates an application against the enrolment requirements,
// as of ?asOf= (default: today). Staff get the register's answers to the
// Section II partner rule; anyone else gets "missing" there, so that the
// endpoint does not tell who is enrolled in Section II.
func (s *server) eligibility(w http.ResponseWriter, r *request) error {
	asOf := s.deps.Registry.Now()
	if v := r.URL.Query().Get("asOf"); v != "" {
		d, err := registry.ParseDate(v)
		if err != nil {
			return badParam("asOf", v, "una data AAAA-MM-GG", "a date YYYY-MM-DD")
		}
		asOf = d.Time()
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	if err := s.rememberRequest(w, r, data); err != nil {
		return err
	}
	app, err := eligibility.DecodeApplication(bytes.NewReader(data))
	if err != nil {
		return err
	}
	// The register as the caller reads it, for staff; for anyone else no
	// register (the rules that need one answer "missing").
	var reader eligibility.Register
	if r.caller.Role == registry.RoleStaff {
		v, err := s.viewer(r.Context(), r.caller)
		if err != nil {
			return err
		}
		reader = s.deps.Registry.ReaderFor(v)
	}
	d, err := eligibility.New(reader, eligibility.Options{Codelists: s.deps.Registry.CodeLists(), Territory: s.deps.Registry.Territory()}).Evaluate(r.Context(), app, asOf)
	if err != nil {
		return err // a problem.List (422) when the application cannot be evaluated
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// registerRoutes returns the register's routes: bodies, the change feed, the yearly list, eligibility.
func (s *server) registerRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/entities", op: "listEntities", tag: "register", access: accessAnyone, h: s.entities},
		{method: "GET", path: "/v1/entities/{id}", op: "getEntity", tag: "register", access: accessAnyone, h: s.entity},
		{method: "GET", path: "/v1/events", op: "listEvents", tag: "register", access: accessToken, h: s.events},
		{method: "GET", path: "/v1/yearly-list/{year}", op: "yearlyList", tag: "register", access: accessAnyone, h: s.yearlyList},
		{method: "POST", path: "/v1/eligibility", op: "checkEligibility", tag: "register", access: accessAnyone, h: s.eligibility},
	}
}
