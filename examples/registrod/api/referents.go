package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// decodeStrict decodes data, a request body, into v: one JSON value whose
// fields are all v's. Not JSON is a 400; an unknown field or a value of
// the wrong type is a 422 problem at its JSON Pointer.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, more := dec.Token(); more != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		path := "/" + strings.ReplaceAll(te.Field, ".", "/")
		if te.Field == "" {
			path = ""
		}
		return problem.List{problem.New(path, "type", "type", map[string]any{"type": jsonType(te.Type.Kind().String())},
			"tipo di valore errato: atteso "+jsonType(te.Type.Kind().String()),
			"wrong type of value: "+jsonType(te.Type.Kind().String())+" expected")}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return problem.List{problem.New("", "additionalProperties", "additional_property",
			map[string]any{"additionalProperty": name},
			"campo sconosciuto: "+name, "unknown field: "+name)}
	}
	return &httpError{kind: kindBadRequest, cause: err, detail: msg(
		"il corpo della richiesta non è un oggetto JSON valido", "the request body is not a valid JSON object")}
}

// jsonType names the JSON type of a Go kind.
func jsonType(kind string) string {
	switch {
	case kind == "string":
		return "string"
	case kind == "bool":
		return "boolean"
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "slice", kind == "array":
		return "array"
	}
	return "object"
}

// answer is the response of a write: its status, its body and, for a
// creation, the Location of what it created.
type answer struct {
	status   int
	body     any
	location string
}

// writeOnce runs a POST that writes to the register, honouring its
// Idempotency-Key with the service's key store (as filings do):
//
//   - without a key, do runs;
//   - with a new key, the key is stored, then do runs, with the ID of what
//     it creates derived from the caller and the key (registry.WithRecordID);
//   - with a key already stored for the same request, done says whether
//     the first attempt's write is in the register (a record with the
//     derived ID, which done gets, or a move already made): if so its answer is given again,
//     marked Idempotent-Replayed, and nothing is written; if not (the
//     first attempt failed, or has not finished), do runs again;
//   - with a key stored for another request, the answer is a 422.
func (s *server) writeOnce(w http.ResponseWriter, r *request, data []byte,
	do func(ctx context.Context) (answer, error), done func(ctx context.Context, id string) (answer, bool, error)) error {
	ctx := r.Context()
	k, withKey, err := idempotencyKey(r, data)
	if err != nil {
		return err
	}
	if withKey {
		st, err := s.idempotencyStore()
		if err != nil {
			return err
		}
		if err := s.expireKey(ctx, k); err != nil {
			return err
		}
		// The record ID is derived from the key and when it was stored: a
		// key used again once expired names a new record.
		at := s.deps.Registry.Now()
		err = st.RememberIdempotency(ctx, k, at)
		var rec questionnaire.IdempotencyRecord
		if errors.Is(err, questionnaire.ErrIdempotencyKeyUsed) {
			if rec, err = st.Idempotency(ctx, k.Subject, k.Key); err != nil {
				return err
			}
			at, err = rec.CreatedAt, questionnaire.ErrIdempotencyKeyUsed
		}
		sum := sha256.Sum256([]byte(k.Subject + "\x00" + k.Key + "\x00" + at.UTC().String()))
		id := "k" + hex.EncodeToString(sum[:8])
		ctx = registry.WithRecordID(ctx, id)
		switch {
		case errors.Is(err, questionnaire.ErrIdempotencyKeyUsed):
			if rec.RequestHash != k.RequestHash {
				return keyReused()
			}
			a, ok, err := done(ctx, id)
			if err != nil {
				return err
			}
			if ok {
				w.Header().Set(ReplayedHeader, "true")
				s.writeAnswer(w, a)
				return nil
			}
		case err != nil:
			return err
		}
	}
	a, err := do(ctx)
	if err != nil {
		return err
	}
	s.writeAnswer(w, a)
	return nil
}

func (s *server) writeAnswer(w http.ResponseWriter, a answer) {
	if a.location != "" {
		w.Header().Set("Location", a.location)
	}
	writeJSON(w, a.status, a.body)
}

// ReferentPage is the list of a body's referents.
type ReferentPage struct {
	Items []registry.Referent `json:"items"`
}

// referentPath is the path of a body's referent.
func referentPath(entityID, referentID string) string {
	return "/v1/entities/" + entityID + "/referents/" + referentID
}

// referents lists the referents of a body, for staff and the body itself
// (personal data; 403 for anyone else, whether the body exists or not).
func (s *server) referents(w http.ResponseWriter, r *request) error {
	v, err := s.tokenViewer(r)
	if err != nil {
		return err
	}
	refs, err := s.deps.Registry.Referents(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ReferentPage{Items: refs})
	return nil
}

// findReferent returns referent rid of body id as v may read it.
func (s *server) findReferent(ctx context.Context, v registry.Viewer, id, rid string) (registry.Referent, bool, error) {
	refs, err := s.deps.Registry.Referents(ctx, v, id)
	if err != nil {
		return registry.Referent{}, false, err
	}
	i := slices.IndexFunc(refs, func(x registry.Referent) bool { return x.ID == rid })
	if i < 0 {
		return registry.Referent{}, false, nil
	}
	return refs[i], true, nil
}

// referent returns one referent of a body.
func (s *server) referent(w http.ResponseWriter, r *request) error {
	v, err := s.tokenViewer(r)
	if err != nil {
		return err
	}
	ref, ok, err := s.findReferent(r.Context(), v, r.PathValue("id"), r.PathValue("rid"))
	if err != nil {
		return err
	}
	if !ok {
		return newError(kindNotFound, msg("nessun referente con questo ID", "no referent with this ID"))
	}
	writeJSON(w, http.StatusOK, ref)
	return nil
}

// requestReferent records the body's request that a person be enabled to
// file its annual report: names, codice fiscale (checked), phone, e-mail.
// The register decides who may ask (the body itself, staff).
func (s *server) requestReferent(w http.ResponseWriter, r *request) error {
	id := r.PathValue("id")
	data, v, err := s.writeRequest(w, r)
	if err != nil {
		return err
	}
	return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
		var in registry.Referent
		if err := decodeStrict(data, &in); err != nil {
			return answer{}, err
		}
		if in.ID != "" || in.Status != "" || in.RequestedOn != "" || in.EnabledOn != "" || in.RevokedOn != "" {
			return answer{}, problem.List{problem.New("", "register", "register_managed", nil,
				"id, status e date del referente sono assegnati dal registro",
				"a referent's id, status and dates are set by the register")}
		}
		in.CodiceFiscale = normTaxCode(in.CodiceFiscale)
		ref, err := s.deps.Registry.RequestReferent(ctx, v, id, in)
		if err != nil {
			return answer{}, err
		}
		return answer{http.StatusCreated, ref, referentPath(id, ref.ID)}, nil
	}, func(ctx context.Context, rid string) (answer, bool, error) {
		ref, ok, err := s.findReferent(ctx, v, id, rid)
		if err != nil || !ok {
			return answer{}, false, err
		}
		return answer{http.StatusCreated, ref, referentPath(id, ref.ID)}, true, nil
	})
}

// moveReferent enables (staff) or revokes (staff, the body) a referent.
func (s *server) moveReferent(to registry.ReferentStatus) handlerFunc {
	return func(w http.ResponseWriter, r *request) error {
		data, err := s.emptyBody(w, r)
		if err != nil {
			return err
		}
		id, rid := r.PathValue("id"), r.PathValue("rid")
		v, err := s.viewer(r.Context(), r.caller)
		if err != nil {
			return err
		}
		return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
			move := s.deps.Registry.EnableReferent
			if to == registry.ReferentRevoked {
				move = s.deps.Registry.RevokeReferent
			}
			ref, err := move(ctx, v, id, rid)
			if err != nil {
				return answer{}, err
			}
			return answer{status: http.StatusOK, body: ref}, nil
		}, func(ctx context.Context, _ string) (answer, bool, error) {
			ref, ok, err := s.findReferent(ctx, v, id, rid)
			if err != nil || !ok || ref.Status != to {
				return answer{}, false, err
			}
			return answer{status: http.StatusOK, body: ref}, true, nil
		})
	}
}

// referentRoutes returns the routes of a body's referents: the people
// enabled to file its annual report besides its legal representative.
func (s *server) referentRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/entities/{id}/referents", op: "listReferents", tag: "register", access: accessToken, h: s.referents},
		{method: "POST", path: "/v1/entities/{id}/referents", op: "requestReferent", tag: "register", access: accessToken, h: s.requestReferent},
		{method: "GET", path: "/v1/entities/{id}/referents/{rid}", op: "getReferent", tag: "register", access: accessToken, h: s.referent},
		{method: "POST", path: "/v1/entities/{id}/referents/{rid}/enable", op: "enableReferent", tag: "register", access: accessToken, h: s.moveReferent(registry.ReferentEnabled)},
		{method: "POST", path: "/v1/entities/{id}/referents/{rid}/revoke", op: "revokeReferent", tag: "register", access: accessToken, h: s.moveReferent(registry.ReferentRevoked)},
	}
}
