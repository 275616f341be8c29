package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// An application is filed in one multipart/form-data request (RFC 7578):
// a part named "application" holding the application as JSON (the published
// application schema), then one part named "file" per attachment, whose
// filename is the name the application gives it in attachments[].name. Each
// file is a PDF (signed PAdES or not) or a CAdES envelope (.p7m: a CMS
// SignedData, DER or base64, registry.CheckP7M); the
// register decides which by the content, and a part whose declared
// Content-Type says otherwise is refused. The answer is the receipt. The same
// request, with the completed application, answers a request to complete
// it.

// Limits of the multipart requests.
const (
	// maxParts is the most parts a multipart request may have: the
	// application and its files.
	maxParts = registry.MaxAttachments + 1
	// maxPartHeaderBytes caps the headers of one part.
	maxPartHeaderBytes = 8 << 10
)

// maxUploadBytes is the largest multipart request: the JSON body limit for
// the application and the register's limit for each of its files, capped
// at 64 MiB.
func (s *server) maxUploadBytes() int64 {
	return min(s.opts.MaxBodyBytes+int64(registry.MaxAttachments)*s.deps.Registry.MaxAttachmentBytes(), 64<<20)
}

// upload is a parsed multipart application.
type upload struct {
	app   *eligibility.Application
	files []registry.Upload
	raw   []byte // the whole body, for the Idempotency-Key
}

// readUpload reads a multipart application request. Its cost is bounded:
// the whole body by maxUploadBytes, the JSON part by MaxBodyBytes, each file
// by the register's attachment limit (past it: 413), the parts by maxParts.
func (s *server) readUpload(w http.ResponseWriter, r *request) (*upload, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, newError(kindUnsupportedMedia, msg(
			"la domanda si invia come multipart/form-data: una parte «application» (JSON) e una parte «file» per allegato",
			"an application is sent as multipart/form-data: an \"application\" part (JSON) and one \"file\" part per attachment"))
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxUploadBytes()))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, &httpError{kind: kindBadRequest, cause: err, detail: msg(
			"impossibile leggere il corpo della richiesta", "the request body could not be read")}
	}
	up := &upload{raw: raw}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	fileLimit := s.deps.Registry.MaxAttachmentBytes()
	var appJSON []byte
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, badMultipart(err)
		}
		if n >= maxParts {
			return nil, newError(kindBadRequest, msg(
				fmt.Sprintf("al più %d parti: la domanda e %d allegati", maxParts, registry.MaxAttachments),
				fmt.Sprintf("at most %d parts: the application and %d attachments", maxParts, registry.MaxAttachments)))
		}
		switch part.FormName() {
		case "application":
			if appJSON != nil {
				return nil, newError(kindBadRequest, msg("la parte «application» è ripetuta", "the \"application\" part is repeated"))
			}
			if appJSON, err = readPart(part, s.opts.MaxBodyBytes, "application"); err != nil {
				return nil, err
			}
		case "file":
			name := part.FileName()
			if name == "" || len(name) > 255 {
				return nil, newError(kindBadRequest, msg("ogni parte «file» deve avere un filename di 1–255 caratteri",
					"every \"file\" part needs a filename of 1–255 characters"))
			}
			content, err := readPart(part, fileLimit, name)
			if err != nil {
				return nil, err
			}
			if err := declaredType(part.Header.Get("Content-Type"), name, content); err != nil {
				return nil, err
			}
			up.files = append(up.files, registry.Upload{Name: name, Content: content})
		default:
			return nil, newError(kindBadRequest, msg(
				fmt.Sprintf("parte %q sconosciuta: sono ammesse «application» e «file»", part.FormName()),
				fmt.Sprintf("unknown part %q: \"application\" and \"file\" are allowed", part.FormName())))
		}
	}
	if appJSON == nil {
		return nil, newError(kindBadRequest, msg("manca la parte «application» (la domanda in JSON)",
			"the \"application\" part (the application as JSON) is missing"))
	}
	app, err := eligibility.DecodeApplication(bytes.NewReader(appJSON))
	if err != nil {
		return nil, err
	}
	up.app = app
	return up, nil
}

func badMultipart(err error) error {
	return &httpError{kind: kindBadRequest, cause: err, detail: msg(
		"corpo multipart/form-data malformato", "malformed multipart/form-data body")}
}

// readPart reads one part, at most limit bytes (else 413).
func readPart(part *multipart.Part, limit int64, what string) ([]byte, error) {
	if len(fmt.Sprint(part.Header)) > maxPartHeaderBytes {
		return nil, newError(kindBadRequest, msg("intestazioni di una parte troppo grandi", "a part's headers are too large"))
	}
	data, err := io.ReadAll(io.LimitReader(part, limit+1))
	if err != nil {
		return nil, badMultipart(err)
	}
	if int64(len(data)) > limit {
		return nil, newError(kindTooLarge, msg(
			fmt.Sprintf("la parte %q supera %d byte", what, limit),
			fmt.Sprintf("part %q exceeds %d bytes", what, limit)))
	}
	return data, nil
}

// declaredType refuses a file whose declared Content-Type is a document
// type other than the one its content shows (application/octet-stream and
// no type declare nothing).
func declaredType(ct, name string, content []byte) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt == "application/octet-stream" {
		return nil
	}
	if mt == "application/x-pkcs7-mime" {
		mt = registry.MediaP7M
	}
	sniffed, ok := registry.SniffAttachment(content)
	if !ok {
		return nil // the register refuses it, with the attachment's path
	}
	if mt != sniffed {
		return newError(kindUnsupportedMedia, msg(
			fmt.Sprintf("il file %q è dichiarato %s ma il contenuto è %s", name, mt, sniffed),
			fmt.Sprintf("file %q is declared %s but its content is %s", name, mt, sniffed)))
	}
	return nil
}

// Receipt is the answer to an application filed online.
type Receipt struct {
	ApplicationID string `json:"applicationId"`
	EntityID      string `json:"entityId"`
	// Protocol is the protocol number, "YYYY/NNNNNN".
	Protocol string `json:"protocol"`
	// ReceivedAt is the time of receipt.
	ReceivedAt time.Time `json:"receivedAt"`
	// DecisionDue is the last day of the decision term.
	DecisionDue registry.Date      `json:"decisionDue"`
	Sections    []registry.Section `json:"sections"`
	// Attachments are the attachments with their digest, size and type.
	Attachments []registry.Attachment `json:"attachments"`
	// Eligibility is the eligibility decision computed at receipt.
	Eligibility *registry.Assessment `json:"eligibility,omitempty"`
}

func receiptOf(a registry.Application) Receipt {
	rc := Receipt{ApplicationID: a.ID, EntityID: a.EntityID, Sections: a.Sections, Attachments: a.Attachments}
	if a.Receipt != nil {
		rc.Protocol, rc.ReceivedAt, rc.DecisionDue, rc.Eligibility = a.Receipt.Protocol, a.Receipt.ReceivedAt, a.Receipt.DecisionDue, a.Receipt.Eligibility
	}
	return rc
}

// apply files an application with its attachments (POST /v1/applications).
func (s *server) apply(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("una domanda richiede un token", "an application needs a token"))
	}
	up, err := s.readUpload(w, r)
	if err != nil {
		return err
	}
	return s.idempotentWrite(w, r, up.raw, func() (written, error) {
		v, err := s.viewer(r.Context(), r.caller)
		if err != nil {
			return written{}, err
		}
		a, _, err := s.deps.Registry.Submit(r.Context(), v, registry.Submission{
			Application: up.app.Application, Unstated: up.app.Unknown, Files: up.files})
		if err != nil {
			return written{}, err
		}
		return written{status: http.StatusCreated, v: receiptOf(a),
			header: map[string]string{"Location": "/v1/applications/" + a.ID}}, nil
	})
}

// validateApplication checks an application without filing it
// (POST /v1/applications/validate): the problems a front-end shows next to
// the application's fields before it is sent with its attachments. An
// invalid application is not an HTTP error: the answer is 200 with
// valid: false, as for questionnaires.
func (s *server) validateApplication(w http.ResponseWriter, r *request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return newError(kindUnsupportedMedia, msg(
			"il corpo deve essere la domanda in JSON (Content-Type application/json)",
			"the body must be the application as JSON (Content-Type application/json)"))
	}
	return s.validateOne(w, r, func(data []byte) (problem.List, error) {
		return applicationProblems(s.deps.Registry.Validator(), data)
	})
}

// applicationProblems returns every problem of the application data: the
// published application schema's, as AJV reports them (instancePath,
// keyword, params, schemaPath), then the register's rules a schema cannot
// state — the comuni valid on the application's date and consistent with
// province and region, the order of dates — when the application decodes. A rule the schema already reported
// at the same field is not repeated.
func applicationProblems(val *registry.Validator, data []byte) (problem.List, error) {
	schema, err := schemas.Get("application")
	if err != nil {
		return nil, err
	}
	probs := schema.Validate(data)
	app, err := eligibility.DecodeApplication(bytes.NewReader(data))
	if err == nil {
		err = val.Application(&app.Application)
	}
	var more problem.List
	if err != nil && !errors.As(err, &more) {
		return nil, err
	}
	seen := make(map[string]bool, len(probs))
	for _, p := range probs {
		seen[p.InstancePath+" "+p.Code] = true
	}
	for _, p := range more {
		if registerOnly(p) && !seen[p.InstancePath+" "+p.Code] {
			probs = append(probs, p)
		}
	}
	probs.Sort()
	return probs, nil
}

// registerOnly reports whether p is one of the register's rules that the
// application schema cannot state (see registry.Validator.Application): the
// territory on a day and the order of dates. The rest of the register's
// rules say what the schema says (a part declared absent but given is the
// schema's declared_absent too).
func registerOnly(p problem.Problem) bool {
	return p.Keyword == "register" || p.Keyword == "dateOrder"
}

// ApplicationStatus is an application as its body and staff follow it.
type ApplicationStatus struct {
	Application registry.Application `json:"application"`
	// Sections are the requested sections with the status this application
	// brought each to (applied, under_review, enrolled, rejected, cancelled).
	Sections []SectionStatus `json:"sections"`
	// AwaitingCompletion reports an unanswered request to complete it.
	AwaitingCompletion bool `json:"awaitingCompletion"`
}

// SectionStatus is the status of one requested section.
type SectionStatus struct {
	Section registry.Section `json:"section"`
	Status  registry.Status  `json:"status"`
}

// statusOf returns a's status: for each requested section, the last
// transition of the body's enrolment made on this application.
func statusOf(a registry.Application, e registry.Entity) ApplicationStatus {
	out := ApplicationStatus{Application: a, Sections: []SectionStatus{}, AwaitingCompletion: a.Receipt.Open()}
	for _, sec := range a.Sections {
		st := SectionStatus{Section: sec, Status: registry.StatusApplied}
		if en, ok := e.Enrolment(sec); ok {
			for _, t := range en.History {
				if t.ApplicationID == a.ID {
					st.Status = t.To
				}
			}
		}
		out.Sections = append(out.Sections, st)
	}
	return out
}

// applicationStatus loads application id and its body as v sees them.
func (s *server) applicationStatus(r *request, v registry.Viewer, id string) (ApplicationStatus, error) {
	a, err := s.deps.Registry.Application(r.Context(), v, id)
	if err != nil {
		return ApplicationStatus{}, err
	}
	e, err := s.deps.Registry.Entity(r.Context(), v, a.EntityID)
	if err != nil {
		return ApplicationStatus{}, err
	}
	return statusOf(a, e), nil
}

// application answers GET /v1/applications/{id}: the body's own and staff;
// anyone else (the anonymous public too) gets 404, as for an ID that does
// not exist.
func (s *server) application(w http.ResponseWriter, r *request) error {
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	st, err := s.applicationStatus(r, v, r.PathValue("id"))
	if err != nil {
		return notFoundApplication(err, r.PathValue("id"))
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// notFoundApplication words a registry.ErrNotFound about an application.
func notFoundApplication(err error, id string) error {
	if errors.Is(err, registry.ErrNotFound) {
		return &httpError{kind: kindNotFound, cause: err, detail: msg(
			"nessuna domanda "+strconv.Quote(id)+" visibile al chiamante", "no application "+strconv.Quote(id)+" visible to the caller")}
	}
	return err
}

// completionRequest is the body of POST …/completion-requests.
type completionRequest struct {
	Note string `json:"note"`
}

// requestCompletion records staff's request to complete an application.
func (s *server) requestCompletion(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("serve un token del personale", "a staff token is needed"))
	}
	data, in, err := decodeBody[completionRequest](s, w, r)
	if err != nil {
		return err
	}
	return s.idempotentWrite(w, r, data, func() (written, error) {
		v, err := s.viewer(r.Context(), r.caller)
		if err != nil {
			return written{}, err
		}
		if _, err := s.deps.Registry.RequestCompletion(r.Context(), v, r.PathValue("id"), in.Note); err != nil {
			return written{}, notFoundApplication(err, r.PathValue("id"))
		}
		st, err := s.applicationStatus(r, v, r.PathValue("id"))
		if err != nil {
			return written{}, err
		}
		return written{status: http.StatusCreated, v: st}, nil
	})
}

// complete answers a request to complete an application: the same
// multipart request as apply, with the completed application; files are
// needed only for new attachments.
func (s *server) complete(w http.ResponseWriter, r *request) error {
	up, err := s.readUpload(w, r)
	if err != nil {
		return err
	}
	return s.idempotentWrite(w, r, up.raw, func() (written, error) {
		v, err := s.viewer(r.Context(), r.caller)
		if err != nil {
			return written{}, err
		}
		a, err := s.deps.Registry.Complete(r.Context(), v, r.PathValue("id"), up.app.Application, up.files, up.app.Unknown)
		if err != nil {
			return written{}, notFoundApplication(err, r.PathValue("id"))
		}
		return written{status: http.StatusOK, v: receiptOf(a)}, nil
	})
}

// ReviewQueue is the answer of GET /v1/review-queue.
type ReviewQueue struct {
	Items []registry.QueueItem `json:"items"`
}

// reviewQueue lists the pending applications, overdue first, with their
// eligibility decisions (staff only).
func (s *server) reviewQueue(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("la coda di istruttoria richiede un token", "the review queue needs a token"))
	}
	limit, err := limitParam(r, registry.DefaultLimit, registry.MaxLimit)
	if err != nil {
		return err
	}
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	items, err := s.deps.Registry.ReviewQueue(r.Context(), v, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ReviewQueue{Items: items})
	return nil
}

// entityApplications lists a body's applications with their status: the
// body itself and staff; anyone else gets 404, as for an unknown body.
func (s *server) entityApplications(w http.ResponseWriter, r *request) error {
	id := r.PathValue("id")
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	apps, err := s.deps.Registry.Applications(r.Context(), v, id)
	if errors.Is(err, registry.ErrForbidden) {
		return noBody(err, id)
	}
	if err != nil {
		return err
	}
	e, err := s.deps.Registry.Entity(r.Context(), v, id)
	if err != nil {
		return noBody(err, id)
	}
	out := struct {
		Items []ApplicationStatus `json:"items"`
	}{Items: []ApplicationStatus{}}
	for _, a := range apps {
		out.Items = append(out.Items, statusOf(a, e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// noBody is the 404 of a body the caller may not see (or that does not
// exist: the same answer).
func noBody(err error, id string) error {
	if errors.Is(err, registry.ErrNotFound) || errors.Is(err, registry.ErrForbidden) {
		return &httpError{kind: kindNotFound, cause: err, detail: msg(
			"nessun ente "+strconv.Quote(id)+" visibile al chiamante", "no body "+strconv.Quote(id)+" visible to the caller")}
	}
	return err
}

// applicationRoutes returns the routes of applications: filing, following,
// completing, the review queue and a body's applications.
func (s *server) applicationRoutes() []routeDef {
	return []routeDef{
		{method: "POST", path: "/v1/applications", op: "fileApplication", tag: "applications", access: accessToken, h: s.apply},
		{method: "POST", path: "/v1/applications/validate", op: "validateApplication", tag: "applications", access: accessOpen, h: s.validateApplication},
		{method: "GET", path: "/v1/applications/{id}", op: "getApplication", tag: "applications", access: accessToken, h: s.application},
		{method: "GET", path: "/v1/applications/{id}/attachments/{sha256}", op: "getAttachment", tag: "applications", access: accessToken, h: s.attachment},
		{method: "POST", path: "/v1/applications/{id}/completion-requests", op: "requestCompletion", tag: "applications", access: accessToken, h: s.requestCompletion},
		{method: "POST", path: "/v1/applications/{id}/completion", op: "completeApplication", tag: "applications", access: accessToken, h: s.complete},
		{method: "GET", path: "/v1/review-queue", op: "reviewQueue", tag: "applications", access: accessToken, h: s.reviewQueue},
		{method: "GET", path: "/v1/entities/{id}/applications", op: "listEntityApplications", tag: "applications", access: accessToken, h: s.entityApplications},
	}
}
