package client

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// This file has one method per route of the service (api.Routes), each a
// few lines over send and paginate. A new route's method is one more such
// function, with its answer's type.

// Status calls GET /status: the service's status, a problem details object
// of status 200 when the service and its database answer. A 503 is an
// *Error.
func (c *Client) Status(ctx context.Context, opts ...CallOption) (api.Problem, error) {
	return send[api.Problem](ctx, c, newCall(http.MethodGet, "/status", nil, nil, opts))
}

// Health calls GET /healthz: nil when the service and its database answer.
func (c *Client) Health(ctx context.Context, opts ...CallOption) error {
	_, err := send[map[string]string](ctx, c, newCall(http.MethodGet, "/healthz", nil, nil, opts))
	return err
}

// OpenAPI calls GET /v1/openapi.json: the service's OpenAPI 3.1 document.
// With IfNoneMatch it returns ErrNotModified while the document is the one
// of that ETag (ReadResponse gives the ETag).
func (c *Client) OpenAPI(ctx context.Context, opts ...CallOption) ([]byte, error) {
	return c.do(ctx, newCall(http.MethodGet, "/v1/openapi.json", nil, nil, opts))
}

// SchemaList is the answer of GET /v1/schemas.
type SchemaList struct {
	// Version is the schemas' version; BaseURI the prefix of their $id.
	Version string `json:"version"`
	BaseURI string `json:"baseUri"`
	// Items are the published schemas.
	Items []SchemaEntry `json:"items"`
}

// SchemaEntry is one published schema.
type SchemaEntry struct {
	// Name is the schema's name, for Schema.
	Name string `json:"name"`
	// ID is its $id.
	ID string `json:"id"`
	// URLs are where the service serves it, by language ("it", "en").
	URLs map[string]string `json:"urls"`
}

// Schemas calls GET /v1/schemas: the published JSON Schemas.
func (c *Client) Schemas(ctx context.Context, opts ...CallOption) (SchemaList, error) {
	return send[SchemaList](ctx, c, newCall(http.MethodGet, "/v1/schemas", nil, nil, opts))
}

// Schema calls GET /v1/schemas/{name}: the JSON Schema name ("entity"), in
// the client's language; for the questionnaire, year is its reporting year
// (0 for any other schema). With IfNoneMatch it returns ErrNotModified while
// the schema is the one of that ETag. An unknown name is an *Error of kind
// not found.
func (c *Client) Schema(ctx context.Context, name string, year int, opts ...CallOption) ([]byte, error) {
	q := url.Values{}
	if year != 0 {
		q.Set("year", strconv.Itoa(year))
	}
	return c.do(ctx, newCall(http.MethodGet, "/v1/schemas/"+url.PathEscape(name), q, nil, opts))
}

// Validate calls POST /v1/questionnaires/{year}/validate: the problems of
// the questionnaire doc (JSON) for reporting year year, complete or, with
// draft, as a draft (required fields may be missing). An invalid document
// is a result with Valid false, not an error. The call writes nothing and
// carries no Idempotency-Key.
func (c *Client) Validate(ctx context.Context, year int, doc []byte, draft bool, opts ...CallOption) (api.ValidationResult, error) {
	q := url.Values{}
	if draft {
		q.Set("draft", "true")
	}
	return send[api.ValidationResult](ctx, c,
		safeCall("/v1/questionnaires/"+strconv.Itoa(year)+"/validate", q, doc, opts))
}

// File calls POST /v1/filings/{year}: files the annual report doc (the
// exact bytes are stored) for reporting year year, as the token's body (or
// any body, for staff). An invalid document is an *Error of kind invalid
// whose Problems name each field by its JSON Pointer; another body's
// document is forbidden. The call carries an Idempotency-Key, so sending it
// again with the same key (WithIdempotencyKey) files it once.
func (c *Client) File(ctx context.Context, year int, doc []byte, opts ...CallOption) (api.FilingInfo, error) {
	return send[api.FilingInfo](ctx, c, newCall(http.MethodPost, "/v1/filings/"+strconv.Itoa(year), nil, doc, opts))
}

// EntityQuery selects bodies for Entities and EntityPage; the zero value
// selects every body the token may see.
type EntityQuery struct {
	// Section, Status, Region (ISTAT code), Province (sigla), LegalForm and
	// Name (a part of the name) filter the bodies; zero values do not.
	Section   registry.Section
	Status    registry.Status
	Region    string
	Province  string
	LegalForm string
	Name      string
	// Limit is the page size (1…registry.MaxLimit; 0: the service's
	// default).
	Limit int
}

// values returns q as the listing's query parameters, from cursor on.
func (q EntityQuery) values(cursor string) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Section != 0 {
		v.Set("section", q.Section.String())
	}
	set("status", string(q.Status))
	set("region", q.Region)
	set("province", q.Province)
	set("legalForm", q.LegalForm)
	set("q", q.Name)
	set("cursor", cursor)
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// EntityPage is a page of GET /v1/entities.
type EntityPage struct {
	// Items are the bodies, as the token may see them.
	Items []registry.Entity `json:"items"`
	// Next is the opaque cursor of the next page ("" on the last).
	Next string `json:"next,omitempty"`
}

// EntityPage calls GET /v1/entities: the page of the bodies matching q that
// starts at cursor ("" for the first; otherwise the Next of an earlier
// page). A token other than staff's (or the body's own) gets only the
// published fields of each body.
func (c *Client) EntityPage(ctx context.Context, q EntityQuery, cursor string, opts ...CallOption) (EntityPage, error) {
	return send[EntityPage](ctx, c, newCall(http.MethodGet, "/v1/entities", q.values(cursor), nil, opts))
}

// Entities iterates over every body matching q that the token may see,
// following the listing's cursors, in the service's order. An error ends
// the iteration, as its last pair.
func (c *Client) Entities(ctx context.Context, q EntityQuery, opts ...CallOption) iter.Seq2[registry.Entity, error] {
	return paginate("", func(cursor string) ([]registry.Entity, string, bool, error) {
		p, err := c.EntityPage(ctx, q, cursor, opts...)
		return p.Items, p.Next, p.Next != "", err
	})
}

// Entity calls GET /v1/entities/{id}: body id as the token may see it, and
// its ETag (for staff and the body itself the record version and a digest
// of the reporting status, `"v7.3fa2…"`: ETagVersion reads the version). A
// body the token may not see is an *Error of kind not found, as one that
// does not exist. With IfNoneMatch(etag) it returns ErrNotModified while the
// body is unchanged. EntityView gives the page's reporting status as well.
func (c *Client) Entity(ctx context.Context, id string, opts ...CallOption) (registry.Entity, string, error) {
	v, etag, err := c.EntityView(ctx, id, opts...)
	return v.Entity, etag, err
}

// EntityView is the page of GET /v1/entities/{id}: the body and, beside its
// fields, its reporting status.
type EntityView struct {
	// Entity is the body as the token may see it.
	Entity registry.Entity
	// Reporting is the last report filed, the next due and the overdue
	// ones, as the token may see them.
	Reporting registry.ReportingStatus
}

// UnmarshalJSON reads the page: the body's fields and "reporting" in one
// object.
func (v *EntityView) UnmarshalJSON(b []byte) error {
	var r struct {
		Reporting registry.ReportingStatus `json:"reporting"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	if err := json.Unmarshal(b, &v.Entity); err != nil {
		return err
	}
	v.Reporting = r.Reporting
	return nil
}

// EntityView calls GET /v1/entities/{id} as Entity does, and returns the
// whole page: the body and its reporting status.
func (c *Client) EntityView(ctx context.Context, id string, opts ...CallOption) (EntityView, string, error) {
	cl := newCall(http.MethodGet, "/v1/entities/"+url.PathEscape(id), nil, nil, opts)
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	v, err := send[EntityView](ctx, c, cl)
	return v, cl.resp.ETag, err
}

// ReplaceEntity calls PUT /v1/entities/{id}: replaces the declared data of
// body e.ID with e's, if the body is still at etag (the ETag of the Entity
// call that read it, whose version part the service compares: see
// ETagVersion), and returns the body as
// stored and its new ETag. A body changed meanwhile is an *Error of kind
// conflict (412): read it again and retry. Staff and the body itself may
// replace it.
func (c *Client) ReplaceEntity(ctx context.Context, e registry.Entity, etag string, opts ...CallOption) (registry.Entity, string, error) {
	body, err := jsonBody(e)
	if err != nil {
		return registry.Entity{}, "", err
	}
	cl := newCall(http.MethodPut, "/v1/entities/"+url.PathEscape(e.ID), nil, body, append(opts, IfMatch(etag)))
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	out, err := send[registry.Entity](ctx, c, cl)
	return out, cl.resp.ETag, err
}

// PatchEntity calls PATCH /v1/entities/{id}: changes some of the declared
// data of body id by a JSON merge patch (RFC 7396: a map or a struct whose
// fields are the ones to change, null removing one), if the body is still at
// etag; it returns the body as stored and its new ETag. Errors as
// ReplaceEntity's.
func (c *Client) PatchEntity(ctx context.Context, id string, patch any, etag string, opts ...CallOption) (registry.Entity, string, error) {
	body, err := jsonBody(patch)
	if err != nil {
		return registry.Entity{}, "", err
	}
	cl := newCall(http.MethodPatch, "/v1/entities/"+url.PathEscape(id), nil, body, append(opts, IfMatch(etag)))
	if cl.resp == nil {
		cl.resp = &Response{}
	}
	out, err := send[registry.Entity](ctx, c, cl)
	return out, cl.resp.ETag, err
}

// EntityEvents iterates over the history of body id (GET
// /v1/entities/{id}/events), its events after the Seq after, oldest first,
// page by page, for staff and the body itself; for anyone else the body is
// not found. An error ends the iteration, as its last pair.
func (c *Client) EntityEvents(ctx context.Context, id string, after int64, opts ...CallOption) iter.Seq2[registry.Event, error] {
	return paginate(after, func(after int64) ([]registry.Event, int64, bool, error) {
		q := url.Values{"after": {strconv.FormatInt(after, 10)}, "limit": {strconv.Itoa(registry.MaxLimit)}}
		p, err := send[api.EventPage](ctx, c, newCall(http.MethodGet, "/v1/entities/"+url.PathEscape(id)+"/events", q, nil, opts))
		return p.Items, p.Last, len(p.Items) > 0, err
	})
}

// EventQuery selects events of the change feed.
type EventQuery struct {
	// After is the Seq of the last event already read (0: from the first).
	After int64
	// Kinds and Region (the ISTAT code of the body's region) filter the
	// events; empty values do not.
	Kinds  []registry.EventKind
	Region string
	// Limit is the page size (1…registry.MaxLimit; 0: the service's
	// default).
	Limit int
}

// EventPage calls GET /v1/events: the page of the change feed after
// q.After, oldest first (for staff tokens; another is forbidden). Its Last
// is the After of the next page.
func (c *Client) EventPage(ctx context.Context, q EventQuery, opts ...CallOption) (api.EventPage, error) {
	v := url.Values{"after": {strconv.FormatInt(q.After, 10)}}
	for _, k := range q.Kinds {
		v.Add("kind", string(k))
	}
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return send[api.EventPage](ctx, c, newCall(http.MethodGet, "/v1/events", v, nil, opts))
}

// Events iterates over the change feed from q.After to its current end
// (until a page comes back empty), page by page. An error ends the
// iteration, as its last pair.
func (c *Client) Events(ctx context.Context, q EventQuery, opts ...CallOption) iter.Seq2[registry.Event, error] {
	return paginate(q.After, func(after int64) ([]registry.Event, int64, bool, error) {
		q.After = after
		p, err := c.EventPage(ctx, q, opts...)
		return p.Items, p.Last, len(p.Items) > 0, err
	})
}

// YearlyList calls GET /v1/yearly-list/{year}: the yearly list of reporting
// year year as the token may see it, for one recipient (its code, "01"…) or
// every one the token may see ("").
func (c *Client) YearlyList(ctx context.Context, year int, recipient string, opts ...CallOption) (registry.YearlyList, error) {
	q := url.Values{}
	if recipient != "" {
		q.Set("recipient", recipient)
	}
	return send[registry.YearlyList](ctx, c, newCall(http.MethodGet, "/v1/yearly-list/"+strconv.Itoa(year), q, nil, opts))
}

// Eligibility calls POST /v1/eligibility: the decision on an application
// (an *eligibility.Application, or its JSON as []byte) as of asOf (the
// zero Date: the service's today). An application that cannot be evaluated
// is an *Error of kind invalid with its problems. The call writes nothing
// and carries no Idempotency-Key.
func (c *Client) Eligibility(ctx context.Context, app any, asOf registry.Date, opts ...CallOption) (eligibility.Decision, error) {
	body, err := jsonBody(app)
	if err != nil {
		return eligibility.Decision{}, err
	}
	q := url.Values{}
	if !asOf.IsZero() {
		q.Set("asOf", asOf.String())
	}
	return send[eligibility.Decision](ctx, c, safeCall("/v1/eligibility", q, body, opts))
}
