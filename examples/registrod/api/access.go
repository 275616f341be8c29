package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/openregistro/registro/registry"
)

// needToken is the 401 of a route that answers only the holders of a token.
func needToken(r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("questa operazione richiede un token", "this operation needs a token"))
	}
	return nil
}

// tokenViewer is the start of a route for the holders of a token: 401
// without one, else the caller's viewer.
func (s *server) tokenViewer(r *request) (registry.Viewer, error) {
	if err := needToken(r); err != nil {
		return registry.Viewer{}, err
	}
	return s.viewer(r.Context(), r.caller)
}

// writeRequest is the start of a write route with a JSON body: 401 without
// a token, the body read within the size limit, and the caller's viewer.
func (s *server) writeRequest(w http.ResponseWriter, r *request) ([]byte, registry.Viewer, error) {
	if err := needToken(r); err != nil {
		return nil, registry.Viewer{}, err
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return nil, registry.Viewer{}, err
	}
	v, err := s.viewer(r.Context(), r.caller)
	return data, v, err
}

// emptyBody is the start of a write route whose body carries nothing: 401
// without a token; the body, read within the size limit, must be empty or
// an empty JSON object (a field is a 422 problem). It returns the body,
// which an Idempotency-Key still binds.
func (s *server) emptyBody(w http.ResponseWriter, r *request) ([]byte, error) {
	if err := needToken(r); err != nil {
		return nil, err
	}
	data, err := s.readBody(w, r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := decodeStrict(data, &struct{}{}); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// AccessRequestPage is a page of Section II access requests and grants.
type AccessRequestPage struct {
	Items []registry.Grant `json:"items"`
	// Next is the cursor of the next page (pass it as ?cursor=); absent on
	// the last page.
	Next string `json:"next,omitempty"`
}

func accessRequestPath(id string) string { return "/v1/access-requests/" + id }

// requestAccess records a motivated request for the Section II list of a
// region: a regional office for its own region, another named office for
// any region, staff for a named grantee. The request shows nothing until
// staff grant it.
func (s *server) requestAccess(w http.ResponseWriter, r *request) error {
	data, v, err := s.writeRequest(w, r)
	if err != nil {
		return err
	}
	return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
		var in registry.AccessRequest
		if err := decodeStrict(data, &in); err != nil {
			return answer{}, err
		}
		g, err := s.deps.Registry.RequestSectionII(ctx, v, in)
		if err != nil {
			return answer{}, err
		}
		return answer{http.StatusCreated, g, accessRequestPath(g.ID)}, nil
	}, func(ctx context.Context, id string) (answer, bool, error) {
		g, err := s.deps.Registry.AccessRequest(ctx, v, id)
		if err != nil {
			return answer{}, false, nil // not written: write
		}
		return answer{http.StatusCreated, g, accessRequestPath(g.ID)}, true, nil
	})
}

// accessRequests lists the requests and grants the caller may see: every
// one for staff (?status= selects one status), its own for anyone else
// with a token; a body's token gets 403.
func (s *server) accessRequests(w http.ResponseWriter, r *request) error {
	if err := needToken(r); err != nil {
		return err
	}
	q := r.URL.Query()
	var f registry.GrantFilter
	if v := q.Get("status"); v != "" {
		st, err := registry.ParseGrantStatus(v)
		if err != nil {
			return badParam("status", v, "requested, granted o refused", "requested, granted or refused")
		}
		f.Status = st
	}
	if v := q.Get("cursor"); v != "" {
		if len(v) > 64 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			return badParam("cursor", v[:min(len(v), 20)], "il campo next di una pagina", "the next field of a page")
		}
		f.After = v
	}
	limit, err := limitParam(r, registry.DefaultLimit, registry.MaxLimit)
	if err != nil {
		return err
	}
	f.Limit = limit
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	gs, next, err := s.deps.Registry.AccessRequests(r.Context(), v, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, AccessRequestPage{Items: gs, Next: next})
	return nil
}

// accessRequest returns one request or grant: staff any, anyone else its
// own (404 for another's and for the anonymous public, as for an unknown
// one).
func (s *server) accessRequest(w http.ResponseWriter, r *request) error {
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	g, err := s.deps.Registry.AccessRequest(r.Context(), v, r.PathValue("rid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// decideAccess grants (with an expiry) or refuses (with a reason) a pending
// request: staff only, audited as events of the register.
func (s *server) decideAccess(grant bool) handlerFunc {
	return func(w http.ResponseWriter, r *request) error {
		rid := r.PathValue("rid")
		data, v, err := s.writeRequest(w, r)
		if err != nil {
			return err
		}
		want := registry.GrantRefused
		if grant {
			want = registry.GrantGranted
		}
		return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
			var (
				g   registry.Grant
				err error
			)
			if grant {
				var d registry.GrantDecision
				if err := decodeStrict(data, &d); err != nil {
					return answer{}, err
				}
				g, err = s.deps.Registry.GrantRequest(ctx, v, rid, d)
			} else {
				var rf registry.Refusal
				if err := decodeStrict(data, &rf); err != nil {
					return answer{}, err
				}
				g, err = s.deps.Registry.RefuseRequest(ctx, v, rid, rf)
			}
			if err != nil {
				return answer{}, err
			}
			return answer{status: http.StatusOK, body: g}, nil
		}, func(ctx context.Context, _ string) (answer, bool, error) {
			g, err := s.deps.Registry.AccessRequest(ctx, v, rid)
			if err != nil || g.Status != want || v.Role != registry.RoleStaff {
				return answer{}, false, nil
			}
			return answer{status: http.StatusOK, body: g}, true, nil
		})
	}
}

// accessRoutes returns the routes of the Section II list on motivated
// request: requests, their decisions, the grants.
func (s *server) accessRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/access-requests", op: "listAccessRequests", tag: "register", access: accessToken, h: s.accessRequests},
		{method: "POST", path: "/v1/access-requests", op: "requestSectionIIAccess", tag: "register", access: accessToken, h: s.requestAccess},
		{method: "GET", path: "/v1/access-requests/{rid}", op: "getAccessRequest", tag: "register", access: accessToken, h: s.accessRequest},
		{method: "POST", path: "/v1/access-requests/{rid}/grant", op: "grantSectionIIAccess", tag: "register", access: accessToken, h: s.decideAccess(true)},
		{method: "POST", path: "/v1/access-requests/{rid}/refuse", op: "refuseSectionIIAccess", tag: "register", access: accessToken, h: s.decideAccess(false)},
	}
}
