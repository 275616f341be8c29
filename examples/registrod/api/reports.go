package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// FilingReceipt is what a body gets for a filing: the protocol number the
// register gave it, when it was filed, whether it was late, and where the
// filed report is read back.
type FilingReceipt struct {
	// Protocol is the filing's protocol number, "REG-YYYY-NNNNNNNN": the
	// year of filing and the Seq of the event that recorded it in the
	// register's log, unique and increasing. "" when the event is missing
	// (a store that writes filing and event apart failed between the two;
	// the start-up repair records it).
	Protocol string `json:"protocol"`
	// FiledAt is when the revision was filed.
	FiledAt time.Time `json:"filedAt"`
	// Late is true when the first filing of the year came after the
	// deadline (registry.Registry.Late).
	Late bool `json:"late"`
	// Report is the path of the filed revision.
	Report string `json:"report"`
}

// FiledReport is one revision of a filed annual report, as read back.
type FiledReport struct {
	FilingInfo
	// Document is the report as filed.
	Document json.RawMessage `json:"document"`
}

// RevisionList lists the revisions of a body's report on one year.
type RevisionList struct {
	Items []FilingInfo `json:"items"`
}

// protocolNumber formats the protocol number of the filing recorded by ev.
func protocolNumber(ev registry.Event) string {
	return fmt.Sprintf("REG-%04d-%08d", ev.At.Year(), ev.Seq)
}

// reportPath is the path of one revision of a body's report.
func reportPath(entityID string, year, revision int) string {
	return fmt.Sprintf("/v1/entities/%s/reports/%d/revisions/%d", entityID, year, revision)
}

// filingInfo returns the metadata and the receipt of f, filed for body
// entityID, as v reads them. recorded is f's register event when the caller
// has it (the filing it has just stored), or zero: then it is read from the
// register's log.
func (s *server) filingInfo(ctx context.Context, v registry.Viewer, entityID string, f questionnaire.Filing, recorded registry.Event, lang problem.Lang) (FilingInfo, error) {
	info := FilingInfo{EntityID: entityID, BodyTaxCode: f.BodyTaxCode, Year: f.Year, Revision: f.Revision,
		FiledAt: f.FiledAt, FilerTaxCode: f.FilerTaxCode, Late: f.Late, Warnings: f.Warnings.Localize(lang)}
	if info.Warnings == nil {
		info.Warnings = problem.List{}
	}
	info.Receipt = FilingReceipt{FiledAt: f.FiledAt, Late: f.Late, Report: reportPath(entityID, f.Year, f.Revision)}
	if recorded.Seq != 0 {
		info.Receipt.Protocol = protocolNumber(recorded)
		return info, nil
	}
	ev, err := s.deps.Registry.FilingRecord(ctx, v, entityID, f.Year, f.Revision)
	switch {
	case err == nil:
		info.Receipt.Protocol = protocolNumber(ev)
	case !errors.Is(err, registry.ErrNotFound):
		return FilingInfo{}, err
	}
	return info, nil
}

// reportBody returns the body of the path's {id} when the caller reads its
// filed reports (staff, the body itself), and a 404 otherwise, the same as
// for a body that does not exist.
func (s *server) reportBody(r *request) (registry.Viewer, registry.Entity, error) {
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return v, registry.Entity{}, err
	}
	id := r.PathValue("id")
	e, err := s.deps.Registry.Entity(r.Context(), v, id)
	if err == nil && (v.Role == registry.RoleStaff || (v.Role == registry.RoleBody && v.EntityID == id)) {
		return v, e, nil
	}
	if err != nil && !errors.Is(err, registry.ErrNotFound) {
		return v, e, err
	}
	return v, e, &httpError{kind: kindNotFound, cause: err, detail: msg(
		"nessuna relazione visibile al chiamante per questo ente", "no report visible to the caller for this body")}
}

// history returns every revision of the body's report on the path's year.
func (s *server) history(r *request) (registry.Viewer, registry.Entity, []questionnaire.Filing, error) {
	v, e, err := s.reportBody(r)
	if err != nil {
		return v, e, nil, err
	}
	year, err := reportingYear(r)
	if err != nil {
		return v, e, nil, err
	}
	hist, err := s.deps.Filings.History(r.Context(), e.CodiceFiscale, year)
	if errors.Is(err, registry.ErrNotFound) {
		return v, e, nil, &httpError{kind: kindNotFound, cause: err, detail: msg(
			fmt.Sprintf("nessuna relazione depositata per l'anno %d", year), fmt.Sprintf("no report filed for %d", year))}
	}
	return v, e, hist, err
}

// writeReport answers revision f of body e's report, with its receipt.
func (s *server) writeReport(w http.ResponseWriter, r *request, v registry.Viewer, e registry.Entity, f questionnaire.Filing) error {
	info, err := s.filingInfo(r.Context(), v, e.ID, f, registry.Event{}, r.lang)
	if err != nil {
		return err
	}
	doc := json.RawMessage(f.Document)
	if !json.Valid(doc) {
		return fmt.Errorf("api: filing %s/%d/%d: stored document is not JSON", e.ID, f.Year, f.Revision)
	}
	w.Header().Set("ETag", `"r`+strconv.Itoa(f.Revision)+`"`)
	writeJSON(w, http.StatusOK, FiledReport{FilingInfo: info, Document: doc})
	return nil
}

// currentReport answers the current revision of a body's report on a year.
func (s *server) currentReport(w http.ResponseWriter, r *request) error {
	v, e, hist, err := s.history(r)
	if err != nil {
		return err
	}
	return s.writeReport(w, r, v, e, hist[len(hist)-1])
}

// reportRevision answers one revision of a body's report on a year.
func (s *server) reportRevision(w http.ResponseWriter, r *request) error {
	v, e, hist, err := s.history(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("revision"))
	if err != nil || n < 1 || n > len(hist) {
		return newError(kindNotFound, msg("nessuna revisione "+strconv.Quote(r.PathValue("revision")),
			"no revision "+strconv.Quote(r.PathValue("revision"))))
	}
	return s.writeReport(w, r, v, e, hist[n-1])
}

// reportRevisions lists the revisions of a body's report on a year, oldest
// first, without the documents.
func (s *server) reportRevisions(w http.ResponseWriter, r *request) error {
	v, e, hist, err := s.history(r)
	if err != nil {
		return err
	}
	out := RevisionList{Items: make([]FilingInfo, 0, len(hist))}
	for _, f := range hist {
		info, err := s.filingInfo(r.Context(), v, e.ID, f, registry.Event{}, r.lang)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, info)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// EntityPage is GET /v1/entities/{id}: the body as the caller may see it
// (a registry.Entity or a PublishedEntity) and its reporting status.
type EntityPage struct {
	Body any
	// Reporting is the last report filed, the next due and the overdue
	// ones (registry.Registry.ReportingStatus), as the caller may see them.
	Reporting registry.ReportingStatus
}

// MarshalJSON writes the body's fields and "reporting" in one object.
func (p EntityPage) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(p.Body)
	if err != nil {
		return nil, err
	}
	rs, err := json.Marshal(p.Reporting)
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, errors.New("api: entity page: the body is not a JSON object")
	}
	out := append(b[:len(b)-1:len(b)-1], `,"reporting":`...)
	if len(b) == 2 {
		out = append(b[:1:1], `"reporting":`...)
	}
	out = append(out, rs...)
	return append(out, '}'), nil
}

// entityPage adds to out, body e as v sees it, its reporting status.
func (s *server) entityPage(ctx context.Context, v registry.Viewer, e registry.Entity, out any) (any, error) {
	st, err := s.deps.Registry.ReportingStatus(ctx, v, e.ID)
	if err != nil {
		return nil, err
	}
	return EntityPage{Body: out, Reporting: st}, nil
}

// pageETag returns the ETag of an entity page: EntityETag's version tag
// with a digest of the reporting status for a viewer who sees the whole
// record (the status changes with filings and the calendar, not with the
// record's version), and EntityETag's digest of the whole page otherwise.
func pageETag(v registry.Viewer, e registry.Entity, page any, body []byte) string {
	tag := EntityETag(v, e, body)
	p, ok := page.(EntityPage)
	if !ok || tag[1] != 'v' {
		return tag
	}
	rs, _ := json.Marshal(p.Reporting)
	sum := sha256.Sum256(rs)
	return tag[:len(tag)-1] + "." + hex.EncodeToString(sum[:6]) + `"`
}

// reportRoutes returns the routes of the annual reports: drafts and filed
// reports read back.
func (s *server) reportRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/entities/{id}/drafts/{year}", op: "getDraft", tag: "reports", access: accessToken, h: s.getDraft},
		{method: "PUT", path: "/v1/entities/{id}/drafts/{year}", op: "saveDraft", tag: "reports", access: accessToken, h: s.saveDraft},
		{method: "GET", path: "/v1/entities/{id}/reports/{year}", op: "getReport", tag: "reports", access: accessToken, h: s.currentReport},
		{method: "GET", path: "/v1/entities/{id}/reports/{year}/revisions", op: "listReportRevisions", tag: "reports", access: accessToken, h: s.reportRevisions},
		{method: "GET", path: "/v1/entities/{id}/reports/{year}/revisions/{revision}", op: "getReportRevision", tag: "reports", access: accessToken, h: s.reportRevision},
	}
}

// EntityETagVersion returns the record version an entity page's ETag names
// for a viewer who sees the whole record (`"v7.3fa2…"` or `"v7"` → 7), for
// a write route's If-Match; ok is false for any other value (a digest of a
// published view names no version).
func EntityETagVersion(etag string) (version int64, ok bool) {
	t := strings.TrimSpace(etag)
	if len(t) < 4 || t[0] != '"' || t[1] != 'v' || t[len(t)-1] != '"' {
		return 0, false
	}
	num, _, _ := strings.Cut(t[2:len(t)-1], ".")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
