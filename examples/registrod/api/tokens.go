package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// The API tokens of machine clients (regions' systems, integrators'
// software), issued, listed and revoked by the ministry's staff. The register
// keeps only each token's SHA-256: the secret is in the answer to its
// issue, once.

// issueTokenRequest is the body of POST /v1/api-tokens.
type issueTokenRequest struct {
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	EntityID  string    `json:"entityId,omitempty"`
	Region    string    `json:"region,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// issuedToken is the answer to POST /v1/api-tokens.
type issuedToken struct {
	Token  registry.APIToken `json:"token"`
	Secret string            `json:"secret"`
}

// tokenList is the answer to GET /v1/api-tokens.
type tokenList struct {
	Tokens []registry.APIToken `json:"tokens"`
}

// staffViewer returns the registry viewer of a staff caller, and the problem
// of anyone else (401 anonymous, 403 other roles): the register decides
// again (registry's policy), this only spares the others a useless read.
func (s *server) staffViewer(r *request, what problem.Text) (registry.Viewer, error) {
	if r.caller.anonymous {
		return registry.Viewer{}, newError(kindUnauthorized, msg(what.IT+": serve un token", what.EN+": a token is needed"))
	}
	return s.viewer(r.Context(), r.caller)
}

// issueToken issues an API token: 201 with the token and its secret.
func (s *server) issueToken(w http.ResponseWriter, r *request) error {
	v, err := s.staffViewer(r, msg("emettere un token", "issuing a token"))
	if err != nil {
		return err
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	var in issueTokenRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.Decode(&struct{}{}) != io.EOF {
		if err == nil {
			err = errors.New("data after the JSON object")
		}
		return problem.List{problem.New("", "type", "json", nil,
			"il corpo deve essere un oggetto JSON {name, role, entityId?, region?, expiresAt}: "+err.Error(),
			"the body must be a JSON object {name, role, entityId?, region?, expiresAt}: "+err.Error())}
	}
	role, err := registry.ParseRole(in.Role)
	if err != nil {
		return problem.List{problem.New("/role", "enum", "token_role", map[string]any{"enum": []string{"public", "body", "staff", "region"}},
			"ruolo: public, body, staff o region", "role: public, body, staff or region")}
	}
	t, secret, err := s.deps.Registry.IssueAPIToken(r.Context(), v, registry.APIToken{
		Name: in.Name, Role: role, EntityID: in.EntityID, Region: in.Region, ExpiresAt: in.ExpiresAt})
	if err != nil {
		return err
	}
	s.log.Info("API token issued", "request_id", r.id, "token", t.ID, "name", t.Name, "role", t.Role.String(), "by", t.CreatedBy)
	w.Header().Set("Location", "/v1/api-tokens/"+t.ID)
	writeJSON(w, http.StatusCreated, issuedToken{Token: t, Secret: secret})
	return nil
}

// listTokens lists the API tokens, without secrets.
func (s *server) listTokens(w http.ResponseWriter, r *request) error {
	v, err := s.staffViewer(r, msg("elencare i token", "listing tokens"))
	if err != nil {
		return err
	}
	list, err := s.deps.Registry.APITokens(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenList{Tokens: list})
	return nil
}

// revokeToken revokes an API token and answers it.
func (s *server) revokeToken(w http.ResponseWriter, r *request) error {
	v, err := s.staffViewer(r, msg("revocare un token", "revoking a token"))
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if len(id) > 64 {
		return badParam("id", id, "l'ID di un token", "a token's ID")
	}
	t, err := s.deps.Registry.RevokeAPIToken(r.Context(), v, id)
	if errors.Is(err, registry.ErrNotFound) {
		return newError(kindNotFound, msg("nessun token con questo ID", "no token with this ID"))
	}
	if err != nil {
		return err
	}
	s.log.Info("API token revoked", "request_id", r.id, "token", t.ID, "name", t.Name, "by", t.RevokedBy)
	writeJSON(w, http.StatusOK, t)
	return nil
}

// tokenRoutes are the routes of the API tokens.
func (s *server) tokenRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/api-tokens", op: "listApiTokens", tag: "clients", access: accessToken, h: s.listTokens},
		{method: "POST", path: "/v1/api-tokens", op: "issueApiToken", tag: "clients", access: accessToken, h: s.issueToken},
		{method: "DELETE", path: "/v1/api-tokens/{id}", op: "revokeApiToken", tag: "clients", access: accessToken, h: s.revokeToken},
	}
}
