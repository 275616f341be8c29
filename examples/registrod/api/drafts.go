package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
)

// DraftETag returns the ETag of a draft of version version: `"d3"`. A save
// sends it back in If-Match.
func DraftETag(version int64) string { return `"d` + strconv.FormatInt(version, 10) + `"` }

// parseDraftETag returns the version an If-Match header names (ok false for
// anything but one DraftETag).
func parseDraftETag(h string) (int64, bool) {
	h = strings.TrimSpace(h)
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(h, `"d`), `"`), 10, 64)
	if err != nil || n < 1 || DraftETag(n) != h {
		return 0, false
	}
	return n, true
}

// saveDraft saves the caller's draft of its annual report on the path's
// year: any state of completion is accepted, but the document must have the
// shape of that year's questionnaire where it has something (the validator
// in draft mode: types, formats and code lists, nothing required). A first
// save is a creation (201; If-None-Match: * makes it conditional); every
// later save names the version it replaces in If-Match (the ETag of the
// last read or save): 412 when it is stale, 428 when it is missing, so
// that two sessions never overwrite each other unknowingly. Only the body
// itself saves (the register's decision: staff read drafts, do not write
// them).
func (s *server) saveDraft(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("una bozza si salva con un token", "saving a draft needs a token"))
	}
	year, err := reportingYear(r)
	if err != nil {
		return err
	}
	d := registry.Draft{EntityID: r.PathValue("id"), Year: year}
	ifMatch, ifNone := r.Header.Get("If-Match"), r.Header.Get("If-None-Match")
	switch {
	case ifMatch != "" && ifNone != "":
		return newError(kindBadRequest, msg("usare If-Match oppure If-None-Match, non entrambi",
			"send If-Match or If-None-Match, not both"))
	case ifMatch != "":
		v, ok := parseDraftETag(ifMatch)
		if !ok {
			return newError(kindBadRequest, msg(
				"If-Match deve essere l'ETag di una bozza (\"d3\")", "If-Match must be the ETag of a draft (\"d3\")"))
		}
		d.Version = v
	case ifNone != "" && strings.TrimSpace(ifNone) != "*":
		return newError(kindBadRequest, msg("If-None-Match accetta solo *", "If-None-Match accepts only *"))
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	// Who may save comes first, so that a 422 tells nothing of another
	// body: the register refuses before reading anything.
	if _, err := s.deps.Registry.SaveDraft(r.Context(), v, registry.Draft{EntityID: d.EntityID, Year: -1}); errors.Is(err, registry.ErrForbidden) {
		return err
	}
	_, probs, err := s.deps.Validator.Check(r.Context(), year, data, questionnaire.Draft)
	if err != nil {
		return err
	}
	if probs.HasErrors() {
		return probs
	}
	d.Document = data
	out, err := s.deps.Registry.SaveDraft(r.Context(), v, d)
	switch {
	case errors.Is(err, registry.ErrConflict) && d.Version == 0 && ifNone == "":
		return &httpError{kind: kindPreconditionRequired, cause: err, detail: msg(
			"la bozza esiste già: mandare If-Match con il suo ETag per sostituirla",
			"the draft exists: send If-Match with its ETag to replace it")}
	case errors.Is(err, registry.ErrConflict), errors.Is(err, registry.ErrNotFound) && d.Version > 0:
		return &httpError{kind: kindPreconditionFailed, cause: err, detail: msg(
			"la bozza è cambiata (o non esiste) rispetto alla versione indicata: rileggerla e riprovare",
			"the draft changed (or does not exist) since the version named: read it again and retry")}
	case err != nil:
		return err
	}
	status := http.StatusOK
	if out.Version == 1 {
		status = http.StatusCreated
		w.Header().Set("Location", draftPath(out.EntityID, out.Year))
	}
	w.Header().Set("ETag", DraftETag(out.Version))
	writeJSON(w, status, out)
	return nil
}

// draftPath is the path of a body's draft for a year.
func draftPath(entityID string, year int) string {
	return fmt.Sprintf("/v1/entities/%s/drafts/%d", entityID, year)
}

// getDraft answers a body's draft for the path's year, to the body itself
// and to staff, with its ETag (If-None-Match answers 304). Anyone else gets
// 404, as for a draft that does not exist, so that the answer tells nothing
// about the body.
func (s *server) getDraft(w http.ResponseWriter, r *request) error {
	year, err := reportingYear(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	d, err := s.deps.Registry.Draft(r.Context(), v, r.PathValue("id"), year)
	if errors.Is(err, registry.ErrForbidden) || errors.Is(err, registry.ErrNotFound) {
		return &httpError{kind: kindNotFound, cause: err, detail: msg(
			"nessuna bozza visibile al chiamante per questo ente e anno", "no draft visible to the caller for this body and year")}
	}
	if err != nil {
		return err
	}
	etag := DraftETag(d.Version)
	w.Header().Set("ETag", etag)
	if matchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
