package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// statusUp is the detail of /status when the service is up.
var statusUp = msg("il servizio e la sua base dati rispondono", "the service and its database answer")

// status answers the guidelines' /status: a problem+json of status 200 when
// the store answers, 503 otherwise.
func (s *server) status(w http.ResponseWriter, r *request) error {
	if err := s.deps.Registry.Ping(r.Context()); err != nil {
		return &httpError{kind: kindUnavailable, cause: err, detail: msg(
			"la base dati non risponde", "the database does not answer")}
	}
	writeJSONAs(w, "application/problem+json", http.StatusOK, Problem{
		Type: "about:blank", Title: "OK", Status: http.StatusOK, Detail: statusUp.In(r.lang), Messages: statusUp, RequestID: r.id})
	return nil
}

// health answers liveness: 200 while the process serves requests, whatever
// the database (see ready).
func (s *server) health(w http.ResponseWriter, r *request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// openapi serves the OpenAPI document.
func (s *server) openapi(w http.ResponseWriter, r *request) error {
	s.serveCached(w, r, "application/vnd.oai.openapi+json", OpenAPI())
	return nil
}

// schemaEntry is one published schema in the list.
type schemaEntry struct {
	Name string `json:"name"`
	// ID is the schema's $id.
	ID string `json:"id"`
	// URLs are where this service serves it, per language.
	URLs map[problem.Lang]string `json:"urls"`
}

// schemaList lists the published schemas.
func (s *server) schemaList(w http.ResponseWriter, r *request) error {
	list := []schemaEntry{}
	for _, n := range schemas.Names() {
		list = append(list, schemaEntry{Name: n, ID: schemas.ID(n), URLs: map[problem.Lang]string{
			problem.IT: "/v1/schemas/" + n + "?lang=it", problem.EN: "/v1/schemas/" + n + "?lang=en"}})
	}
	b, err := jsonBytes(map[string]any{"version": schemas.Version, "baseUri": schemas.BaseURI, "items": list})
	if err != nil {
		return err
	}
	s.serveCached(w, r, "application/json", b)
	return nil
}

// schemaFile serves one schema: NAME (with or without ".json"), or
// "questionnaire" with ?year=; in ?lang= (or Accept-Language).
func (s *server) schemaFile(w http.ResponseWriter, r *request) error {
	name := strings.TrimSuffix(r.PathValue("name"), ".json")
	if y := r.URL.Query().Get("year"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil {
			return newError(kindBadRequest, msg("parametro year non valido: "+strconv.Quote(y), "bad year parameter: "+strconv.Quote(y)))
		}
		switch {
		case name == "questionnaire":
			name = fmt.Sprintf("questionnaire-%d", year)
		case name != fmt.Sprintf("questionnaire-%d", year):
			return newError(kindBadRequest, msg("year vale solo per lo schema questionnaire", "year applies only to the questionnaire schema"))
		}
	} else if name == "questionnaire" {
		return newError(kindBadRequest, msg("indicare l'anno: ?year=AAAA", "name the reporting year: ?year=YYYY"))
	}
	b, err := schemas.File(name, r.lang)
	if errors.Is(err, schemas.ErrUnknown) {
		return &httpError{kind: kindNotFound, cause: err, detail: msg(
			"nessuno schema "+strconv.Quote(name)+": l'elenco è in /v1/schemas",
			"no schema "+strconv.Quote(name)+": the list is at /v1/schemas")}
	}
	if err != nil {
		return err
	}
	s.serveCached(w, r, "application/schema+json", b)
	return nil
}

// serveCached writes b with a strong ETag and Cache-Control, answering 304
// to a matching If-None-Match.
func (s *server) serveCached(w http.ResponseWriter, r *request, contentType string, b []byte) {
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(s.opts.CacheMaxAge.Seconds())))
	h.Set("Vary", "Accept-Language")
	if matchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// matchETag reports whether an If-None-Match header matches etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func matchETag(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// schemaRoutes returns the status, health, OpenAPI and schema routes.
func (s *server) schemaRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/status", op: "status", tag: "status", access: accessOpen, h: s.status},
		{method: "GET", path: "/healthz", op: "health", tag: "status", access: accessOpen, h: s.health},
		{method: "GET", path: "/readyz", op: "ready", tag: "status", access: accessOpen, h: s.ready},
		{method: "GET", path: "/v1/openapi.json", op: "openapi", tag: "schemas", access: accessOpen, h: s.openapi},
		{method: "GET", path: "/v1/schemas", op: "listSchemas", tag: "schemas", access: accessOpen, h: s.schemaList},
		{method: "GET", path: "/v1/schemas/{name}", op: "getSchema", tag: "schemas", access: accessOpen, h: s.schemaFile},
	}
}
