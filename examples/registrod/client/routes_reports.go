package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// The methods of the readiness probe, the API tokens, the drafts and filed
// reports, the regional feed and the open data.

// Ready calls GET /readyz: nil when the service's database answers (a 503,
// while it starts or when the database does not answer, is an *Error).
func (c *Client) Ready(ctx context.Context, opts ...CallOption) error {
	_, err := send[map[string]string](ctx, c, newCall(http.MethodGet, "/readyz", nil, nil, opts))
	return err
}

// TokenRequest is the body of POST /v1/api-tokens.
type TokenRequest struct {
	// Name says whose the token is ("Regione Lazio, SIR").
	Name string `json:"name"`
	// Role is "public", "body", "staff" or "region".
	Role string `json:"role"`
	// EntityID is the body of a "body" token; Region the ISTAT code of a
	// "region" token's region.
	EntityID string `json:"entityId,omitempty"`
	Region   string `json:"region,omitempty"`
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time `json:"expiresAt"`
}

// IssuedToken is the answer of POST /v1/api-tokens.
type IssuedToken struct {
	// Token describes the token; Secret is the bearer token itself, given
	// this once (the register keeps only its SHA-256).
	Token  registry.APIToken `json:"token"`
	Secret string            `json:"secret"`
}

// APITokens calls GET /v1/api-tokens: the API tokens, without their
// secrets, for staff (others are forbidden).
func (c *Client) APITokens(ctx context.Context, opts ...CallOption) ([]registry.APIToken, error) {
	l, err := send[struct {
		Tokens []registry.APIToken `json:"tokens"`
	}](ctx, c, newCall(http.MethodGet, "/v1/api-tokens", nil, nil, opts))
	return l.Tokens, err
}

// IssueAPIToken calls POST /v1/api-tokens: issues a token (staff only) and
// returns it with its secret. A bad role or region is an *Error of kind
// invalid.
func (c *Client) IssueAPIToken(ctx context.Context, req TokenRequest, opts ...CallOption) (IssuedToken, error) {
	body, err := jsonBody(req)
	if err != nil {
		return IssuedToken{}, err
	}
	return send[IssuedToken](ctx, c, newCall(http.MethodPost, "/v1/api-tokens", nil, body, opts))
}

// RevokeAPIToken calls DELETE /v1/api-tokens/{id}: revokes token id (staff
// only) and returns it as revoked.
func (c *Client) RevokeAPIToken(ctx context.Context, id string, opts ...CallOption) (registry.APIToken, error) {
	return send[registry.APIToken](ctx, c, newCall(http.MethodDelete, "/v1/api-tokens/"+url.PathEscape(id), nil, nil, opts))
}

// reportPath is the path of body id's report resource kind ("drafts",
// "reports") on year.
func reportPath(id, kind string, year int) string {
	return "/v1/entities/" + url.PathEscape(id) + "/" + kind + "/" + strconv.Itoa(year)
}

// Draft calls GET /v1/entities/{id}/drafts/{year}: body id's draft of its
// report on year, for the body itself and staff, and its ETag (`"d3"`, for
// SaveDraft). A draft the token may not read is not found, as one that does
// not exist.
func (c *Client) Draft(ctx context.Context, id string, year int, opts ...CallOption) (registry.Draft, string, error) {
	cl := newCall(http.MethodGet, reportPath(id, "drafts", year), nil, nil, opts)
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	d, err := send[registry.Draft](ctx, c, cl)
	return d, cl.resp.ETag, err
}

// SaveDraft calls PUT /v1/entities/{id}/drafts/{year}: saves doc (JSON, in
// any state of completion but with the questionnaire's shape) as body id's
// draft, replacing the draft at etag (the ETag of the last Draft or
// SaveDraft), or creating it when etag is "" (If-None-Match: *). It returns
// the draft as stored and its new ETag. A stale etag is an *Error of kind
// conflict (412); a draft that exists, with etag "", too.
func (c *Client) SaveDraft(ctx context.Context, id string, year int, doc []byte, etag string, opts ...CallOption) (registry.Draft, string, error) {
	cond := IfMatch(etag)
	if etag == "" {
		cond = func(cl *call) { cl.header.Set("If-None-Match", "*") }
	}
	cl := newCall(http.MethodPut, reportPath(id, "drafts", year), nil, doc, append(opts, cond))
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	d, err := send[registry.Draft](ctx, c, cl)
	return d, cl.resp.ETag, err
}

// Report calls GET /v1/entities/{id}/reports/{year}: the current revision
// of body id's report on year, with its receipt, for the body itself and
// staff (anyone else: not found).
func (c *Client) Report(ctx context.Context, id string, year int, opts ...CallOption) (api.FiledReport, error) {
	return send[api.FiledReport](ctx, c, newCall(http.MethodGet, reportPath(id, "reports", year), nil, nil, opts))
}

// ReportRevisions calls GET /v1/entities/{id}/reports/{year}/revisions: the
// revisions of body id's report on year, oldest first, without documents.
func (c *Client) ReportRevisions(ctx context.Context, id string, year int, opts ...CallOption) ([]api.FilingInfo, error) {
	l, err := send[api.RevisionList](ctx, c, newCall(http.MethodGet, reportPath(id, "reports", year)+"/revisions", nil, nil, opts))
	return l.Items, err
}

// ReportRevision calls GET
// /v1/entities/{id}/reports/{year}/revisions/{revision}: one revision (from
// 1) of body id's report on year, with its document.
func (c *Client) ReportRevision(ctx context.Context, id string, year, revision int, opts ...CallOption) (api.FiledReport, error) {
	return send[api.FiledReport](ctx, c, newCall(http.MethodGet,
		reportPath(id, "reports", year)+"/revisions/"+strconv.Itoa(revision), nil, nil, opts))
}

// FeedPage calls GET /v1/feed: the page of the token's region's change feed
// after after (0: from the start), at most limit entries (0: the service's
// default). Its Last is the after of the next page, and More says whether
// to ask again at once. Only region tokens read it.
func (c *Client) FeedPage(ctx context.Context, after int64, limit int, opts ...CallOption) (api.FeedPage, error) {
	q := url.Values{"after": {strconv.FormatInt(after, 10)}}
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return send[api.FeedPage](ctx, c, newCall(http.MethodGet, "/v1/feed", q, nil, opts))
}

// Feed iterates over the region's change feed from after to its current
// end (until a page says no more), page by page; the Seq of the last entry
// seen is the after of a later call. An error ends the iteration, as its
// last pair.
func (c *Client) Feed(ctx context.Context, after int64, limit int, opts ...CallOption) iter.Seq2[api.FeedItem, error] {
	return paginate(after, func(after int64) ([]api.FeedItem, int64, bool, error) {
		p, err := c.FeedPage(ctx, after, limit, opts...)
		return p.Items, p.Last, p.More && p.Last > after, err
	})
}

// OpenDataset calls GET /v1/open-data: the description of the open data
// (licence, downloads, dictionary).
func (c *Client) OpenDataset(ctx context.Context, opts ...CallOption) (api.OpenDataset, error) {
	return send[api.OpenDataset](ctx, c, newCall(http.MethodGet, "/v1/open-data", nil, nil, opts))
}

// OpenDataCSV calls GET /v1/open-data/section-i.csv: Section I as CSV (RFC
// 4180, UTF-8, a header row of the dictionary's names), the bytes as
// served. With IfNoneMatch it returns ErrNotModified while unchanged.
func (c *Client) OpenDataCSV(ctx context.Context, opts ...CallOption) ([]byte, error) {
	cl := newCall(http.MethodGet, "/v1/open-data/section-i.csv", nil, nil, opts)
	cl.accept = "text/csv, application/problem+json"
	return c.do(ctx, cl)
}

// OpenDataJSON calls GET /v1/open-data/section-i.json: Section I as JSON,
// with its licence.
func (c *Client) OpenDataJSON(ctx context.Context, opts ...CallOption) (api.OpenDataList, error) {
	return send[api.OpenDataList](ctx, c, newCall(http.MethodGet, "/v1/open-data/section-i.json", nil, nil, opts))
}
