package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// The methods of a body's referents, branches and partnerships, and of the
// requests for Section II access.

// referentsPath is the path of body id's referents.
func referentsPath(id string) string { return "/v1/entities/" + url.PathEscape(id) + "/referents" }

// Referents calls GET /v1/entities/{id}/referents: the referents of body id
// (the people enabled to file its report besides its legal
// representative), for the body itself and staff (anyone else is
// forbidden).
func (c *Client) Referents(ctx context.Context, id string, opts ...CallOption) ([]registry.Referent, error) {
	p, err := send[api.ReferentPage](ctx, c, newCall(http.MethodGet, referentsPath(id), nil, nil, opts))
	return p.Items, err
}

// RequestReferent calls POST /v1/entities/{id}/referents: body id asks that
// person ref (names, codice fiscale, phone, e-mail; its ID, status and
// dates are the register's) be enabled to file its report, and gets the
// referent as recorded (status requested).
func (c *Client) RequestReferent(ctx context.Context, id string, ref registry.Referent, opts ...CallOption) (registry.Referent, error) {
	body, err := jsonBody(ref)
	if err != nil {
		return registry.Referent{}, err
	}
	return send[registry.Referent](ctx, c, newCall(http.MethodPost, referentsPath(id), nil, body, opts))
}

// Referent calls GET /v1/entities/{id}/referents/{rid}: one referent of
// body id.
func (c *Client) Referent(ctx context.Context, id, rid string, opts ...CallOption) (registry.Referent, error) {
	return send[registry.Referent](ctx, c, newCall(http.MethodGet, referentsPath(id)+"/"+url.PathEscape(rid), nil, nil, opts))
}

// EnableReferent calls POST /v1/entities/{id}/referents/{rid}/enable: staff
// enable a requested referent.
func (c *Client) EnableReferent(ctx context.Context, id, rid string, opts ...CallOption) (registry.Referent, error) {
	return send[registry.Referent](ctx, c, newCall(http.MethodPost, referentsPath(id)+"/"+url.PathEscape(rid)+"/enable", nil, []byte("{}"), opts))
}

// RevokeReferent calls POST /v1/entities/{id}/referents/{rid}/revoke:
// staff or the body revoke a referent.
func (c *Client) RevokeReferent(ctx context.Context, id, rid string, opts ...CallOption) (registry.Referent, error) {
	return send[registry.Referent](ctx, c, newCall(http.MethodPost, referentsPath(id)+"/"+url.PathEscape(rid)+"/revoke", nil, []byte("{}"), opts))
}

// AddBranch calls POST /v1/entities/{id}/branches: records that body
// branch is a territorial branch of the national body id from day from,
// and returns the branch as recorded.
func (c *Client) AddBranch(ctx context.Context, id, branch string, from registry.Date, opts ...CallOption) (registry.Branch, error) {
	body, err := jsonBody(api.BranchRequest{EntityID: branch, From: from})
	if err != nil {
		return registry.Branch{}, err
	}
	return send[registry.Branch](ctx, c, newCall(http.MethodPost, "/v1/entities/"+url.PathEscape(id)+"/branches", nil, body, opts))
}

// EndBranch calls POST /v1/entities/{id}/branches/{bid}/end: body bid stops
// being a branch of body id after day until.
func (c *Client) EndBranch(ctx context.Context, id, bid string, until registry.Date, opts ...CallOption) (registry.Branch, error) {
	body, err := jsonBody(api.BranchEnd{Until: until})
	if err != nil {
		return registry.Branch{}, err
	}
	return send[registry.Branch](ctx, c, newCall(http.MethodPost,
		"/v1/entities/"+url.PathEscape(id)+"/branches/"+url.PathEscape(bid)+"/end", nil, body, opts))
}

// Partnerships calls GET /v1/entities/{id}/partnerships: the partnerships
// of body id the token may see.
func (c *Client) Partnerships(ctx context.Context, id string, opts ...CallOption) ([]registry.Partnership, error) {
	p, err := send[api.PartnershipPage](ctx, c, newCall(http.MethodGet, "/v1/entities/"+url.PathEscape(id)+"/partnerships", nil, nil, opts))
	return p.Items, err
}

// AddPartnership calls POST /v1/partnerships: records partnership p (its
// ID and confirmation are the register's) and returns it as recorded.
func (c *Client) AddPartnership(ctx context.Context, p registry.Partnership, opts ...CallOption) (registry.Partnership, error) {
	body, err := jsonBody(p)
	if err != nil {
		return registry.Partnership{}, err
	}
	return send[registry.Partnership](ctx, c, newCall(http.MethodPost, "/v1/partnerships", nil, body, opts))
}

// Partnership calls GET /v1/partnerships/{pid}: one partnership, for its
// parties and staff (anyone else: not found).
func (c *Client) Partnership(ctx context.Context, pid string, opts ...CallOption) (registry.Partnership, error) {
	return send[registry.Partnership](ctx, c, newCall(http.MethodGet, "/v1/partnerships/"+url.PathEscape(pid), nil, nil, opts))
}

// ConfirmPartnership calls POST /v1/partnerships/{pid}/confirm: the other
// party confirms partnership pid.
func (c *Client) ConfirmPartnership(ctx context.Context, pid string, opts ...CallOption) (registry.Partnership, error) {
	return send[registry.Partnership](ctx, c, newCall(http.MethodPost, "/v1/partnerships/"+url.PathEscape(pid)+"/confirm", nil, []byte("{}"), opts))
}

// UpdatePartnership calls PUT /v1/partnerships/{pid}: replaces the terms
// of partnership pid, if it is still at etag (its ETag, `"v3"`, as
// Partnership's Response gives it, or "*"); it returns the partnership as
// stored and its new ETag. Changed terms await the other party's
// confirmation again. Errors: 428 without etag, 412 for a stale one, 404
// for anyone but the parties and staff.
func (c *Client) UpdatePartnership(ctx context.Context, pid string, terms api.PartnershipTerms, etag string, opts ...CallOption) (registry.Partnership, string, error) {
	body, err := jsonBody(terms)
	if err != nil {
		return registry.Partnership{}, "", err
	}
	cl := newCall(http.MethodPut, "/v1/partnerships/"+url.PathEscape(pid), nil, body, append(opts, IfMatch(etag)))
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	out, err := send[registry.Partnership](ctx, c, cl)
	return out, cl.resp.ETag, err
}

// AccessQuery selects requests for Section II access.
type AccessQuery struct {
	// Status selects one status (staff only; "" every one).
	Status registry.GrantStatus
	// Limit is the page size (0: the service's default).
	Limit int
}

// AccessRequestPage calls GET /v1/access-requests: the page of the
// requests and grants the token may see (staff every one, anyone else its
// own; a body's token is forbidden) that starts at cursor ("" the first).
func (c *Client) AccessRequestPage(ctx context.Context, q AccessQuery, cursor string, opts ...CallOption) (api.AccessRequestPage, error) {
	v := url.Values{}
	if q.Status != "" {
		v.Set("status", string(q.Status))
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return send[api.AccessRequestPage](ctx, c, newCall(http.MethodGet, "/v1/access-requests", v, nil, opts))
}

// AccessRequests iterates over the requests and grants matching q, page by
// page. An error ends the iteration, as its last pair.
func (c *Client) AccessRequests(ctx context.Context, q AccessQuery, opts ...CallOption) iter.Seq2[registry.Grant, error] {
	return paginate("", func(cursor string) ([]registry.Grant, string, bool, error) {
		p, err := c.AccessRequestPage(ctx, q, cursor, opts...)
		return p.Items, p.Next, p.Next != "", err
	})
}

// RequestAccess calls POST /v1/access-requests: a motivated request for the
// Section II list of a region; it returns the request as recorded (status
// requested).
func (c *Client) RequestAccess(ctx context.Context, req registry.AccessRequest, opts ...CallOption) (registry.Grant, error) {
	body, err := jsonBody(req)
	if err != nil {
		return registry.Grant{}, err
	}
	return send[registry.Grant](ctx, c, newCall(http.MethodPost, "/v1/access-requests", nil, body, opts))
}

// AccessRequest calls GET /v1/access-requests/{rid}: one request or grant,
// for staff and its requester (anyone else: not found).
func (c *Client) AccessRequest(ctx context.Context, rid string, opts ...CallOption) (registry.Grant, error) {
	return send[registry.Grant](ctx, c, newCall(http.MethodGet, "/v1/access-requests/"+url.PathEscape(rid), nil, nil, opts))
}

// GrantAccess calls POST /v1/access-requests/{rid}/grant: staff grant a
// pending request, with decision d (its expiry).
func (c *Client) GrantAccess(ctx context.Context, rid string, d registry.GrantDecision, opts ...CallOption) (registry.Grant, error) {
	body, err := jsonBody(d)
	if err != nil {
		return registry.Grant{}, err
	}
	return send[registry.Grant](ctx, c, newCall(http.MethodPost, "/v1/access-requests/"+url.PathEscape(rid)+"/grant", nil, body, opts))
}

// RefuseAccess calls POST /v1/access-requests/{rid}/refuse: staff refuse a
// pending request, with refusal r (its reason).
func (c *Client) RefuseAccess(ctx context.Context, rid string, r registry.Refusal, opts ...CallOption) (registry.Grant, error) {
	body, err := jsonBody(r)
	if err != nil {
		return registry.Grant{}, err
	}
	return send[registry.Grant](ctx, c, newCall(http.MethodPost, "/v1/access-requests/"+url.PathEscape(rid)+"/refuse", nil, body, opts))
}
