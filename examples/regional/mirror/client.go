package mirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// Errors of the Client, matched with errors.Is on the *HTTPError it returns.
var (
	// ErrUnauthorized: the service answered 401 (a missing or unknown
	// token). Retrying does not help.
	ErrUnauthorized = errors.New("mirror: unauthorized")
	// ErrForbidden: the service answered 403 (the token's role may not do
	// this; the change feed is for staff tokens). Retrying does not help.
	ErrForbidden = errors.New("mirror: forbidden")
	// ErrNotFound: the service answered 404 (no such body, or one the token
	// may not see).
	ErrNotFound = errors.New("mirror: not found")
	// ErrServer: the service answered 5xx or 429; worth retrying later.
	ErrServer = errors.New("mirror: service unavailable")
)

// DefaultTimeout bounds one request when ClientOptions.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// maxResponseBytes caps a response body the client reads.
const maxResponseBytes = 64 << 20

// HTTPError is a response of the service other than 2xx.
type HTTPError struct {
	Method, URL string
	// Status is the HTTP status code.
	Status int
	// Problem is the RFC 9457 problem details the service sent, nil when the
	// body was not one.
	Problem *api.Problem
	// retryAfter is the Retry-After of a 429, in seconds (0: none).
	retryAfter int
}

// Error names the request, the status and the service's explanation.
func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mirror: %s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Problem != nil && e.Problem.Detail != "" {
		b.WriteString(": " + e.Problem.Detail)
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		b.WriteString(" (check the --token: the service does not know it)")
	case e.Status == http.StatusForbidden:
		b.WriteString(" (the token's role may not do this: the change feed needs a staff token)")
	}
	return b.String()
}

// Is matches ErrUnauthorized, ErrForbidden, ErrNotFound and ErrServer by
// status.
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrServer:
		return e.Status >= 500 || e.Status == http.StatusTooManyRequests
	}
	return false
}

// ClientOptions are the optional knobs of NewClient. The zero value is usable.
type ClientOptions struct {
	// HTTPClient sends the requests; nil means a client of its own with
	// Timeout.
	HTTPClient *http.Client
	// Timeout bounds each request (when HTTPClient is nil); 0 means
	// DefaultTimeout.
	Timeout time.Duration
}

// Client reads the register from a registrod service with a bearer token.
// It is safe for concurrent use.
type Client struct {
	base  *url.URL
	token string
	hc    *http.Client
}

// NewClient returns a client of the service at baseURL ("https://host[/prefix]")
// authenticating with token ("" sends no Authorization header: the anonymous
// public). It returns an error for a URL that is not absolute http or https.
func NewClient(baseURL, token string, opts ClientOptions) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mirror: service URL %q: want http(s)://host[/prefix]", baseURL)
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return nil, errors.New("mirror: the token contains white space")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	hc := opts.HTTPClient
	if hc == nil {
		t := opts.Timeout
		if t <= 0 {
			t = DefaultTimeout
		}
		hc = &http.Client{Timeout: t}
	}
	return &Client{base: u, token: token, hc: hc}, nil
}

// get sends GET path?query and decodes the JSON answer into v.
func (c *Client) get(ctx context.Context, path string, query url.Values, v any) error {
	for try := 1; ; try++ {
		err := c.getOnce(ctx, path, query, v)
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != http.StatusTooManyRequests || try == maxRateLimitedTries {
			return err
		}
		// The service's rate limit: wait as its Retry-After says.
		wait := time.Duration(he.retryAfter) * time.Second
		if wait <= 0 || wait > maxRetryAfter {
			wait = maxRetryAfter
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// maxRateLimitedTries is how many times get sends a request the service
// answers 429; maxRetryAfter caps the wait between two.
const (
	maxRateLimitedTries = 5
	maxRetryAfter       = 30 * time.Second
)

// getOnce sends one GET; see get.
func (c *Client) getOnce(ctx context.Context, path string, query url.Values, v any) error {
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("mirror: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("mirror: GET %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("mirror: GET %s: reading the answer: %w", u.Redacted(), err)
	}
	if resp.StatusCode/100 != 2 {
		he := &HTTPError{Method: http.MethodGet, URL: u.Redacted(), Status: resp.StatusCode}
		he.retryAfter, _ = strconv.Atoi(resp.Header.Get("Retry-After"))
		var p api.Problem
		if json.Unmarshal(body, &p) == nil && p.Status != 0 {
			he.Problem = &p
		}
		return he
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("mirror: GET %s: bad JSON answer: %w", u.Redacted(), err)
	}
	return nil
}

// Events returns the change feed's events with Seq > after, at most limit
// (1…registry.MaxLimit). The feed is for staff tokens: another token gets an
// error matching ErrForbidden.
func (c *Client) Events(ctx context.Context, after int64, limit int) (api.EventPage, error) {
	var p api.EventPage
	q := url.Values{"after": {strconv.FormatInt(after, 10)}, "limit": {strconv.Itoa(limit)}}
	err := c.get(ctx, "/v1/events", q, &p)
	return p, err
}

// Entity returns body id as the token may see it. A staff token gets the
// whole record; any other token only the published fields, so that the
// Entity lacks what the register's validation requires. A body the token may
// not see is an error matching ErrNotFound.
func (c *Client) Entity(ctx context.Context, id string) (registry.Entity, error) {
	var e registry.Entity
	err := c.get(ctx, "/v1/entities/"+url.PathEscape(id), nil, &e)
	return e, err
}

// Query selects bodies for Client.Entities.
type Query struct {
	// Region is the ISTAT code of the seat's region ("": all).
	Region string
	// Section selects the bodies the token sees in that section (0: all).
	Section registry.Section
}

// Entities returns every body matching q that the token may see, following
// the pages of the listing, in ascending order of ID. See Entity for what a
// token other than staff gets of each.
func (c *Client) Entities(ctx context.Context, q Query) ([]registry.Entity, error) {
	var out []registry.Entity
	cursor := ""
	for {
		v := url.Values{"limit": {strconv.Itoa(registry.MaxLimit)}}
		if q.Region != "" {
			v.Set("region", q.Region)
		}
		if q.Section != 0 {
			v.Set("section", q.Section.String())
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		var page struct {
			Items []registry.Entity `json:"items"`
			Next  string            `json:"next"`
		}
		if err := c.get(ctx, "/v1/entities", v, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out, nil
		}
		cursor = page.Next
	}
}
