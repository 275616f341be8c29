package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/schemas/problem"
)

// Defaults of Options.
const (
	// DefaultTimeout bounds one attempt of a request.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxRetries is how many times a request answered 429 is sent
	// again.
	DefaultMaxRetries = 4
	// DefaultMaxRetryWait is the longest Retry-After the client waits out.
	DefaultMaxRetryWait = 30 * time.Second
	// DefaultMaxResponseBytes caps the body of an answer the client reads.
	DefaultMaxResponseBytes = 64 << 20
)

// Options are the optional knobs of New. The zero value is usable.
type Options struct {
	// HTTPClient sends the requests; nil means http.DefaultClient. Its
	// Timeout, if any, applies as well as Timeout.
	HTTPClient *http.Client
	// Timeout bounds each attempt of a request, from sending it to reading
	// the whole answer (a context deadline, so it works with any
	// HTTPClient); 0 means DefaultTimeout, a negative value no bound but the
	// caller's context.
	Timeout time.Duration
	// MaxRetries is how many times a request answered 429 (the service's
	// rate limit) is sent again after waiting its Retry-After; 0 means
	// DefaultMaxRetries, a negative value none.
	MaxRetries int
	// MaxRetryWait is the longest Retry-After the client waits out: a 429
	// asking to wait longer, or longer than the context's deadline allows,
	// is returned at once. 0 means DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// Lang is the language of the service's messages (Accept-Language);
	// "" leaves it to the service (English).
	Lang problem.Lang
	// NewIdempotencyKey makes the Idempotency-Key of each POST (sent
	// unchanged on its retries); nil means 128 random bits in hexadecimal.
	// WithIdempotencyKey overrides it for one call.
	NewIdempotencyKey func() string
	// MaxResponseBytes caps the body of an answer; 0 means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// Client calls a registrod service. Build it with New; it is safe for
// concurrent use.
type Client struct {
	base  *url.URL
	token string
	hc    *http.Client
	opts  Options
}

// New returns a client of the service at baseURL ("https://host[/prefix]")
// that authenticates with the bearer token ("" sends no Authorization
// header: the anonymous public). It returns an error for a URL that is not
// absolute http or https, or a token holding white space.
func New(baseURL, token string, opts Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("client: service URL %q: want http(s)://host[/prefix]", baseURL)
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return nil, errors.New("client: the token contains white space")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = DefaultMaxRetryWait
	}
	if opts.NewIdempotencyKey == nil {
		opts.NewIdempotencyKey = randomKey
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = DefaultMaxResponseBytes
	}
	return &Client{base: u, token: token, hc: opts.HTTPClient, opts: opts}, nil
}

// WithToken returns a client like c that authenticates with token instead
// (sharing c's HTTP client and options): one client per caller of a test or
// a load.
func (c *Client) WithToken(token string) (*Client, error) {
	if strings.ContainsAny(token, " \t\r\n") {
		return nil, errors.New("client: the token contains white space")
	}
	d := *c
	d.token = token
	return &d, nil
}

// randomKey returns 128 random bits in hexadecimal.
func randomKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Response is what a call's answer said besides its body; pass one to
// ReadResponse to have it filled.
type Response struct {
	// Status is the HTTP status code of the last attempt.
	Status int
	// ETag is the answer's ETag ("" when none).
	ETag string
	// RequestID is the service's X-Request-ID, which its logs carry.
	RequestID string
	// Replayed is true when the service answered a POST as the first time
	// its Idempotency-Key was used (api.ReplayedHeader), writing nothing
	// again.
	Replayed bool
	// IdempotencyKey is the key a POST was sent with.
	IdempotencyKey string
	// Attempts is how many times the request was sent (more than one after
	// a 429).
	Attempts int
	// Header is the whole header of the answer.
	Header http.Header
}

// CallOption changes one call.
type CallOption func(*call)

// WithIdempotencyKey sends key as the Idempotency-Key of a POST instead of a
// generated one: the same key and the same request, sent again (after a
// timeout, by another process), are answered as the first time and write
// nothing again. A GET, and a POST that writes nothing (Validate,
// Eligibility: no key is generated for those), send it only when given.
func WithIdempotencyKey(key string) CallOption { return func(c *call) { c.key = key } }

// IfNoneMatch makes a read conditional: when etag (from an earlier answer)
// is still current, the call returns ErrNotModified instead of the resource.
func IfNoneMatch(etag string) CallOption {
	return func(c *call) { c.header.Set("If-None-Match", etag) }
}

// IfMatch makes a write conditional on the resource still having etag (the
// ETag of an earlier read: for a body, `"v7.3fa2…"`, of which the service
// compares only the record version, see ETagVersion): a write route answers
// 412 or 409 when it changed meanwhile.
func IfMatch(etag string) CallOption { return func(c *call) { c.header.Set("If-Match", etag) } }

// WithRequestID sends id as the request's X-Request-ID, so that the
// service's log line of the request carries it.
func WithRequestID(id string) CallOption { return func(c *call) { c.header.Set("X-Request-ID", id) } }

// ReadResponse fills r with what the answer said besides its body (status,
// ETag, request ID, replay), even when the call returns an error.
func ReadResponse(r *Response) CallOption { return func(c *call) { c.resp = r } }

// call is one request to make.
type call struct {
	method string
	path   string // escaped, from the service's root: "/v1/entities/R1"
	query  url.Values
	body   []byte // JSON; nil for none
	header http.Header
	key    string
	resp   *Response
	// accept is the Accept header ("": JSON and problems); contentType the
	// body's ("": JSON).
	accept, contentType string
	// safe marks a POST that writes nothing (validation, eligibility): it
	// is sent without an Idempotency-Key, since retrying it is harmless and
	// the service stores a row per key it sees.
	safe bool
}

// safeCall returns the call of a POST that writes nothing: no
// Idempotency-Key is generated for it (WithIdempotencyKey still sends one).
func safeCall(path string, query url.Values, body []byte, opts []CallOption) *call {
	cl := newCall(http.MethodPost, path, query, body, opts)
	cl.safe = true
	return cl
}

// newCall returns the call of method on path with opts applied.
func newCall(method, path string, query url.Values, body []byte, opts []CallOption) *call {
	cl := &call{method: method, path: path, query: query, body: body, header: http.Header{}}
	for _, o := range opts {
		o(cl)
	}
	return cl
}

// do sends cl, waiting out 429 answers, and returns the body of a 2xx
// answer; a 304 is ErrNotModified, any other status an *Error.
func (c *Client) do(ctx context.Context, cl *call) ([]byte, error) {
	if cl.method == http.MethodPost && cl.key == "" && !cl.safe {
		cl.key = c.opts.NewIdempotencyKey()
	}
	resp := cl.resp
	if resp == nil {
		resp = &Response{}
	}
	*resp = Response{IdempotencyKey: cl.key}
	for {
		resp.Attempts++
		body, err := c.once(ctx, cl, resp)
		var e *Error
		if !errors.As(err, &e) || e.Status != http.StatusTooManyRequests || resp.Attempts > c.opts.MaxRetries {
			return body, err
		}
		wait := max(e.RetryAfter, 100*time.Millisecond)
		if wait > c.opts.MaxRetryWait {
			return nil, err
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

// once sends cl once.
func (c *Client) once(ctx context.Context, cl *call, resp *Response) ([]byte, error) {
	if c.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	var rd io.Reader
	if cl.body != nil {
		rd = bytes.NewReader(cl.body)
	}
	req, u, err := c.newRequest(ctx, cl, rd)
	if err != nil {
		return nil, err
	}
	where := cl.method + " " + u.Redacted()
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", where, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, c.opts.MaxResponseBytes+1))
	if err == nil && int64(len(body)) > c.opts.MaxResponseBytes {
		err = fmt.Errorf("the answer is larger than %d bytes", c.opts.MaxResponseBytes)
	}
	resp.Status, resp.Header = res.StatusCode, res.Header
	resp.ETag, resp.RequestID = res.Header.Get("ETag"), res.Header.Get("X-Request-ID")
	resp.Replayed = res.Header.Get(api.ReplayedHeader) == "true"
	if err != nil {
		return nil, fmt.Errorf("client: %s: reading the answer: %w", where, err)
	}
	switch {
	case res.StatusCode == http.StatusNotModified:
		return nil, ErrNotModified
	case res.StatusCode/100 == 2:
		return body, nil
	}
	e := &Error{Method: cl.method, URL: u.Redacted(), Status: res.StatusCode, RetryAfter: retryAfter(res.Header.Get("Retry-After"))}
	var p api.Problem
	if json.Unmarshal(body, &p) == nil && p.Status != 0 {
		e.Problem = p
	}
	return nil, e
}

// newRequest returns the request of cl with body rd (nil for none) and its
// URL: the service's base, cl's path and query, and every header of the
// call (Accept, Content-Type, Idempotency-Key, Authorization,
// Accept-Language).
func (c *Client) newRequest(ctx context.Context, cl *call, rd io.Reader) (*http.Request, *url.URL, error) {
	u := *c.base
	raw := c.base.EscapedPath() + cl.path
	unescaped, err := url.PathUnescape(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("client: bad path %q: %w", cl.path, err)
	}
	u.Path, u.RawPath = unescaped, raw
	u.RawQuery = cl.query.Encode()
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), rd)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	for k, v := range cl.header {
		req.Header[k] = v
	}
	accept := cl.accept
	if accept == "" {
		accept = "application/json, application/problem+json"
	}
	req.Header.Set("Accept", accept)
	if rd != nil {
		ct := cl.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if cl.key != "" {
		req.Header.Set(api.IdempotencyKeyHeader, cl.key)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.opts.Lang != "" {
		req.Header.Set("Accept-Language", string(c.opts.Lang))
	}
	return req, &u, nil
}

// ETagVersion returns the record version a body's ETag names, for staff
// and the body itself (`"v7.3fa2…"` or `"v7"` → 7; the part after the dot
// is a digest of the page's reporting status, which changes with filings,
// not with the record): the version a write's If-Match is compared with
// (api.EntityETagVersion). ok is false for any other ETag, such as the
// digest of a published view.
func ETagVersion(etag string) (version int64, ok bool) { return api.EntityETagVersion(etag) }

// retryAfter parses a Retry-After value: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// send makes one call and decodes its JSON answer into a T: the one
// function every route's method is written with.
func send[T any](ctx context.Context, c *Client, cl *call) (T, error) {
	var v T
	body, err := c.do(ctx, cl)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return v, fmt.Errorf("client: %s %s: the answer is not the JSON expected: %w", cl.method, cl.path, err)
	}
	return v, nil
}

// paginate returns the items of the pages fetch gives, from the page at
// start on, until a page says there is no more (more false) or fails: the
// iterator of every paginated listing. The error, if any, is the last pair
// yielded.
func paginate[T, C any](start C, fetch func(C) (items []T, next C, more bool, err error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cur := start
		for {
			items, next, more, err := fetch(cur)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if !more {
				return
			}
			cur = next
		}
	}
}

// jsonBody returns v as a request body: []byte and json.RawMessage as they
// are (a questionnaire is filed with the exact bytes given), anything else
// marshalled.
func jsonBody(v any) ([]byte, error) {
	switch b := v.(type) {
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("client: encoding the request: %w", err)
	}
	return b, nil
}
