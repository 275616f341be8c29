package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// decodeBody reads the request's body within the size limit and decodes
// it strictly into a T (an unknown field or a wrong type is a 422 problem at
// its pointer). It returns the bytes too, which an Idempotency-Key binds.
func decodeBody[T any](s *server, w http.ResponseWriter, r *request) ([]byte, T, error) {
	var in T
	data, err := s.readBody(w, r)
	if err != nil {
		return nil, in, err
	}
	return data, in, decodeStrict(data, &in)
}

// sectionParam reads the {section} path value: I or II.
func sectionParam(r *request) (registry.Section, error) {
	v := r.PathValue("section")
	s, err := registry.ParseSection(v)
	if err != nil {
		return 0, &httpError{kind: kindNotFound, cause: err, detail: msg(
			"sezione "+strconv.Quote(v)+" inesistente: I o II", "no section "+strconv.Quote(v)+": I or II")}
	}
	return s, nil
}

// reviewRequest is the body of POST …/review.
type reviewRequest struct {
	On registry.Date `json:"on"`
}

// decision is a staff decision on the enrolment of a body in a section:
// decode the body into a fresh In, then apply it. The registry decides who
// may (staff) and whether the enrolment's status allows it.
func decision[In any](s *server, apply func(ctx context.Context, v registry.Viewer, id string, sec registry.Section, in In) (registry.Entity, error)) handlerFunc {
	return func(w http.ResponseWriter, r *request) error {
		if r.caller.anonymous {
			return newError(kindUnauthorized, msg("le decisioni richiedono un token del personale", "decisions need a staff token"))
		}
		sec, err := sectionParam(r)
		if err != nil {
			return err
		}
		data, in, err := decodeBody[In](s, w, r)
		if err != nil {
			return err
		}
		return s.idempotentWrite(w, r, data, func() (written, error) {
			v, err := s.viewer(r.Context(), r.caller)
			if err != nil {
				return written{}, err
			}
			e, err := apply(r.Context(), v, r.PathValue("id"), sec, in)
			if err != nil {
				return written{}, err
			}
			return written{status: http.StatusOK, v: render(v, e),
				header: map[string]string{"ETag": `"v` + strconv.FormatInt(e.Version, 10) + `"`}}, nil
		})
	}
}

// SilenceReport is the answer of POST /v1/silence.
type SilenceReport struct {
	// Policy is the register's silence policy: no_effect or acceptance.
	Policy string `json:"policy"`
	// Overdue are the applications undecided after their term; under the
	// acceptance policy each is now enrolled tacitly (tacit true).
	Overdue []registry.Overdue `json:"overdue"`
}

// silence applies the silence policy now (staff only).
func (s *server) silence(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("serve un token del personale", "a staff token is needed"))
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		var none struct{}
		if err := decodeStrict(data, &none); err != nil {
			return err
		}
	}
	return s.idempotentWrite(w, r, data, func() (written, error) {
		v, err := s.viewer(r.Context(), r.caller)
		if err != nil {
			return written{}, err
		}
		out, err := s.deps.Registry.ApplySilence(r.Context(), v)
		if err != nil {
			return written{}, err
		}
		if out == nil {
			out = []registry.Overdue{}
		}
		return written{status: http.StatusOK, v: SilenceReport{Policy: s.deps.Registry.Silence().String(), Overdue: out}}, nil
	})
}

// RunSilence applies reg's silence policy, as staff subject "registrod:silence",
// on every tick until ctx ends: registrod runs it on a ticker
// (--silence-every). Each run is logged; an error is logged and the next tick
// tries again.
func RunSilence(ctx context.Context, reg *registry.Registry, ticks <-chan time.Time, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			out, err := reg.ApplySilence(ctx, registry.Staff("registrod:silence"))
			if err != nil {
				log.Error("silence policy", "error", err)
				continue
			}
			tacit := 0
			for _, o := range out {
				if o.Tacit {
					tacit++
				}
			}
			log.Info("silence policy applied", "policy", reg.Silence().String(), "overdue", len(out), "tacit", tacit)
		}
	}
}

// ifMatchVersion reads If-Match: `"v7"` (the ETag of GET
// /v1/entities/{id} for staff and the body itself) gives 7, `*` gives
// current. Missing: 428. Anything else matches no version: 412.
func ifMatchVersion(r *request, current int64) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, newError(kindPreconditionRequired, msg(
			"serve l'intestazione If-Match con l'ETag dell'ente (\"v7\")",
			"the If-Match header with the body's ETag (\"v7\") is required"))
	}
	if h == "*" {
		return current, nil
	}
	stale := newError(kindPreconditionFailed, msg(
		"l'ente è cambiato dalla versione indicata in If-Match: rileggerlo e riprovare",
		"the body changed since the version If-Match names: read it again and retry"))
	// The page's ETag is the version and a digest of the reporting status
	// ("v7.3fa2…", reports.go): the version part is what a write matches.
	n, ok := EntityETagVersion(h)
	if !ok || n != current {
		return 0, stale
	}
	return n, nil
}

// putEntity replaces a body's declared data (PUT /v1/entities/{id}), at the
// version If-Match names.
func (s *server) putEntity(w http.ResponseWriter, r *request) error {
	return s.editEntity(w, r, func(cur registry.Entity, data []byte) (registry.Entity, error) {
		var e registry.Entity
		if err := decodeStrict(data, &e); err != nil {
			return e, err
		}
		return e, nil
	})
}

// patchEntity changes some of a body's declared data (PATCH
// /v1/entities/{id}, a JSON merge patch, RFC 7396), at the version
// If-Match names.
func (s *server) patchEntity(w http.ResponseWriter, r *request) error {
	return s.editEntity(w, r, func(cur registry.Entity, data []byte) (registry.Entity, error) {
		var patch any
		if err := decodeStrict(data, &patch); err != nil {
			return cur, err
		}
		if _, ok := patch.(map[string]any); !ok {
			return cur, problem.List{problem.New("", "type", "type", map[string]any{"type": "object"},
				"la patch deve essere un oggetto JSON", "the patch must be a JSON object")}
		}
		doc, err := json.Marshal(cur)
		if err != nil {
			return cur, err
		}
		var target any
		if err := json.Unmarshal(doc, &target); err != nil {
			return cur, err
		}
		merged, err := json.Marshal(mergePatch(target, patch, 0))
		if err != nil {
			return cur, err
		}
		var e registry.Entity
		if err := decodeStrict(merged, &e); err != nil {
			return cur, err
		}
		return e, nil
	})
}

// maxPatchDepth bounds the recursion of mergePatch (the JSON decoder's
// own limit is far deeper).
const maxPatchDepth = 32

// mergePatch applies an RFC 7396 merge patch to target.
func mergePatch(target, patch any, depth int) any {
	p, ok := patch.(map[string]any)
	if !ok || depth > maxPatchDepth {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v, depth+1)
	}
	return t
}

// editEntity is PUT and PATCH: the body's current record as the caller sees
// it (404 if it may not), the If-Match precondition (428, 412), the new
// data from build, then Registry.UpdateEntity, which decides who may
// (staff, the body itself) and validates. A version that changes meanwhile
// is 412 too.
func (s *server) editEntity(w http.ResponseWriter, r *request, build func(cur registry.Entity, data []byte) (registry.Entity, error)) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("la modifica di un ente richiede un token", "editing a body needs a token"))
	}
	id := r.PathValue("id")
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	cur, err := s.deps.Registry.Entity(r.Context(), v, id)
	if err != nil {
		return noBody(err, id)
	}
	if !(v.Role == registry.RoleStaff || (v.Role == registry.RoleBody && v.EntityID == id)) {
		return fmt.Errorf("api: edit body %s: %w", id, registry.ErrForbidden)
	}
	version, err := ifMatchVersion(r, cur.Version)
	if err != nil {
		return err
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	e, err := build(cur, data)
	if err != nil {
		return err
	}
	e.ID, e.Version = id, version
	next, err := s.deps.Registry.UpdateEntity(r.Context(), v, e)
	if errors.Is(err, registry.ErrConflict) {
		if now, rerr := s.deps.Registry.Entity(r.Context(), v, id); rerr == nil && now.Version != version {
			return &httpError{kind: kindPreconditionFailed, cause: err, detail: msg(
				"l'ente è cambiato nel frattempo: rileggerlo e riprovare", "the body changed meanwhile: read it again and retry")}
		}
	}
	if err != nil {
		return err
	}
	w.Header().Set("ETag", `"v`+strconv.FormatInt(next.Version, 10)+`"`)
	writeJSON(w, http.StatusOK, render(v, next))
	return nil
}

// entityEvents is the history of one body: its events, for the body itself
// and staff (404 for anyone else, as for an unknown body).
func (s *server) entityEvents(w http.ResponseWriter, r *request) error {
	id := r.PathValue("id")
	var after int64
	if q := r.URL.Query().Get("after"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 0 {
			return badParam("after", q, "un numero di sequenza ≥ 0", "a sequence number ≥ 0")
		}
		after = n
	}
	limit, err := limitParam(r, registry.DefaultLimit, registry.MaxLimit)
	if err != nil {
		return err
	}
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	if !(v.Role == registry.RoleStaff || (v.Role == registry.RoleBody && v.EntityID == id)) {
		return noBody(registry.ErrNotFound, id)
	}
	if _, err := s.deps.Registry.Entity(r.Context(), v, id); err != nil {
		return noBody(err, id)
	}
	evs, err := s.deps.Registry.Events(r.Context(), v, registry.EventFilter{EntityID: id, After: after, Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, eventPage(evs, after))
	return nil
}

// decisionRoutes returns the routes of staff's decisions and edits: the
// enrolment decisions per section, the silence policy, the edits of a body
// and its history.
func (s *server) decisionRoutes() []routeDef {
	return []routeDef{
		{method: "POST", path: "/v1/entities/{id}/sections/{section}/review", op: "startReview", tag: "decisions", access: accessToken,
			h: decision(s, func(ctx context.Context, v registry.Viewer, id string, sec registry.Section, in reviewRequest) (registry.Entity, error) {
				return s.deps.Registry.StartReview(ctx, v, id, sec, in.On)
			})},
		{method: "POST", path: "/v1/entities/{id}/sections/{section}/enrolment", op: "enrol", tag: "decisions", access: accessToken,
			h: decision(s, func(ctx context.Context, v registry.Viewer, id string, sec registry.Section, in registry.Decree) (registry.Entity, error) {
				return s.deps.Registry.Enrol(ctx, v, id, sec, in)
			})},
		{method: "POST", path: "/v1/entities/{id}/sections/{section}/rejection", op: "reject", tag: "decisions", access: accessToken,
			h: decision(s, func(ctx context.Context, v registry.Viewer, id string, sec registry.Section, in registry.Rejection) (registry.Entity, error) {
				return s.deps.Registry.Reject(ctx, v, id, sec, in)
			})},
		{method: "POST", path: "/v1/entities/{id}/sections/{section}/cancellation", op: "cancelEnrolment", tag: "decisions", access: accessToken,
			h: decision(s, func(ctx context.Context, v registry.Viewer, id string, sec registry.Section, in registry.Cancellation) (registry.Entity, error) {
				return s.deps.Registry.Cancel(ctx, v, id, sec, in)
			})},
		{method: "POST", path: "/v1/silence", op: "applySilence", tag: "decisions", access: accessToken, h: s.silence},
		{method: "PUT", path: "/v1/entities/{id}", op: "replaceEntity", tag: "decisions", access: accessToken, h: s.putEntity},
		{method: "PATCH", path: "/v1/entities/{id}", op: "patchEntity", tag: "decisions", access: accessToken, h: s.patchEntity},
		{method: "GET", path: "/v1/entities/{id}/events", op: "listEntityEvents", tag: "decisions", access: accessToken, h: s.entityEvents},
	}
}
