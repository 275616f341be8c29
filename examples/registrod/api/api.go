package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// DefaultMaxBodyBytes is the largest request body accepted when
// Options.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 4 << 20

// Deps are what the handler works over. Registry, Filings, Validator and Desk
// are required; NewDeps wires them the standard way.
type Deps struct {
	// Registry is the register, with its rules and clock.
	Registry *registry.Registry
	// Filings keeps the annual reports.
	Filings questionnaire.FilingStore
	// Validator checks questionnaires for the validate endpoint. It must not
	// have a Register: the register-aware rules would tell any caller which
	// bodies are enrolled in Section II.
	Validator *questionnaire.Validator
	// Desk files annual reports into Filings with the register-aware rules.
	Desk *questionnaire.Desk
	// Tokens are the callers that may authenticate.
	Tokens Tokens
	// OIDC, when not nil, verifies the bearer JWTs of people who log in
	// through an identity provider (see NewOIDC).
	OIDC *OIDC
	// Logger receives one line per request and every internal error; nil
	// discards.
	Logger *slog.Logger
}

// NewDeps wires reg and filings: a register-free validator for the validate
// endpoint, with reg's code lists and territory, and a desk that files
// through reg (who may file, the deadline and
// the register-aware rules are reg's answers; see questionnaire.Desk).
func NewDeps(reg *registry.Registry, filings questionnaire.FilingStore, tokens Tokens, logger *slog.Logger) (Deps, error) {
	if reg == nil || filings == nil {
		return Deps{}, errors.New("api: NewDeps needs a registry and a filing store")
	}
	plain, err := questionnaire.New(questionnaire.Options{Lists: reg.CodeLists(), Territory: reg.Territory()})
	if err != nil {
		return Deps{}, err
	}
	return Deps{
		Registry:  reg,
		Filings:   filings,
		Validator: plain,
		Desk:      questionnaire.NewDesk(plain, filings, reg),
		Tokens:    tokens,
		Logger:    logger,
	}, nil
}

// Options are the optional knobs of New. The zero value is usable.
type Options struct {
	// MaxBodyBytes caps request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// CacheMaxAge is the max-age of the Cache-Control header of the schemas
	// and the OpenAPI document; 0 means one hour. Every other response is
	// Cache-Control: no-store (they may hold personal data).
	CacheMaxAge time.Duration
	// RequestTimeout is the deadline of every request, from its headers to
	// its answer: past it the request's work stops and the answer is a 503
	// problem. 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxInFlight is how many requests the handler works on at once; the
	// others wait their turn, in no set order, within their deadline (one
	// still waiting at RequestTimeout is answered 503, as any request past
	// it). /healthz and /readyz never wait. A request holds its turn until
	// its work ends — a streamed answer (an export, NDJSON validation) until
	// it is sent, at the latest at its deadline. Past the machine's cores, more
	// requests at once only share the CPU thinner and starve the store's
	// committer, which every write waits for: at 256 callers on deadline day
	// a filing's p99 went from seconds to half a second with a limit (see
	// BENCHMARKS.md). 0 means DefaultMaxInFlight per CPU
	// (runtime.GOMAXPROCS); a negative value means no limit.
	MaxInFlight int
	// MaxHeaderBytes caps the request line and headers: past it the answer
	// is a 431 problem. 0 means DefaultMaxHeaderBytes. (A server's own
	// http.Server.MaxHeaderBytes should be larger, so that this problem is
	// the one clients see.)
	MaxHeaderBytes int
	// RateLimit is the sustained requests per second each caller (its
	// authenticated identity, else its address) may make: past its burst the
	// answer is a 429 problem with Retry-After, and every response carries
	// X-RateLimit-Limit, -Remaining and -Reset. 0 means DefaultRateLimit; a
	// negative value means no limit (and no X-RateLimit headers).
	RateLimit float64
	// RateBurst is the requests a caller may make at once (the size of its
	// bucket); 0 means DefaultRateBurst.
	RateBurst int
	// CORSOrigins are the origins ("https://app.example.org", or "*" for
	// any) whose front-ends may call the API from a browser: their requests
	// get Access-Control-Allow-Origin and their preflights are answered. None
	// (the default) means no CORS header at all.
	CORSOrigins []string
	// IdempotencyRetention is how long an Idempotency-Key is kept: a retry
	// within it is answered as the first request, past it the key is
	// forgotten and a request with it is a new request. 0 means
	// DefaultIdempotencyRetention; negative means keys never expire.
	// Expired keys are forgotten when used again; RunIdempotencyPurge
	// deletes the others.
	IdempotencyRetention time.Duration
	// Metrics, when set, records every request (see NewMetrics).
	Metrics *Metrics
}

// server is the handler New returns.
type server struct {
	deps   Deps
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	routes []routeDef
	limits *limiters // nil: no rate limit
	// inFlight holds a token for each request being worked on
	// (Options.MaxInFlight); nil: no limit.
	inFlight chan struct{}
	open     openData      // the cached open data (opendata.go)
	annual   annualReports // the cached annual reports (annualreport.go)
}

// handlerFunc is a route's handler: it writes the response or returns an
// error, which becomes a problem.
type handlerFunc func(w http.ResponseWriter, r *request) error

// request is an incoming request with what the service knows of it.
type request struct {
	*http.Request
	id     string
	lang   problem.Lang
	caller caller
}

// access is who may call a route, as the OpenAPI document states it (the
// handler itself decides by the caller's role).
type access int

const (
	// accessOpen routes answer everyone; a token, when given, must be valid.
	accessOpen access = iota
	// accessAnyone routes answer the anonymous public and, with more, the
	// holders of a token.
	accessAnyone
	// accessToken routes need a token.
	accessToken
)

// security is the OpenAPI security requirement of a.
func (a access) security() []any {
	bearer := map[string]any{"bearer": []any{}}
	switch a {
	case accessAnyone:
		return []any{map[string]any{}, bearer}
	case accessToken:
		return []any{bearer}
	}
	return []any{map[string]any{}}
}

// routeDef is one route: the method, the ServeMux path pattern, the
// OpenAPI operation ID and tag, who may call it, whether its body is the
// questionnaire of the path's {year} (the document then has one path per
// published year), and its handler. The OpenAPI document is generated from
// these values and openapi-source.json (see OpenAPI).
type routeDef struct {
	method, path string
	op           string
	tag          string
	access       access
	yearBody     bool
	h            handlerFunc
}

// Route is one route of the API, as registered on the ServeMux and described
// in the OpenAPI document.
type Route struct {
	Method string // "GET", "POST"
	Path   string // a ServeMux path pattern, also the OpenAPI path ("/v1/entities/{id}")
	// Operation is the route's OpenAPI operation ID (for a route with a
	// questionnaire body, the prefix of one operation per year).
	Operation string
}

// Routes returns every route New registers, in registration order.
func Routes() []Route {
	var out []Route
	for _, rd := range (&server{}).table() {
		out = append(out, Route{rd.method, rd.path, rd.op})
	}
	return out
}

// table lists the routes: each resource's file returns its own (status and
// schemas in schemas.go, questionnaires in questionnaires.go, the register
// in register.go), in registration order.
func (s *server) table() []routeDef {
	return slices.Concat(s.schemaRoutes(), s.questionnaireRoutes(), s.registerRoutes(),
		s.applicationRoutes(), s.decisionRoutes(),
		s.referentRoutes(), s.relationRoutes(), s.accessRoutes(), s.tokenRoutes(),
		s.reportRoutes(), s.feedRoutes(), s.openDataRoutes(), s.annualReportRoutes(), s.meRoutes(), s.territoryRoutes())
}

// New returns the HTTP handler of the API over deps. It panics if a required
// dependency (Registry, Filings, Validator, Desk) is nil: that is a wiring
// mistake, not a request's.
func New(deps Deps, opts Options) http.Handler {
	if deps.Registry == nil || deps.Filings == nil || deps.Validator == nil || deps.Desk == nil {
		panic("api.New: Registry, Filings, Validator and Desk are required (see NewDeps)")
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.CacheMaxAge <= 0 {
		opts.CacheMaxAge = time.Hour
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &server{
		deps: deps,
		opts: opts,
		log:  log,
		mux:  http.NewServeMux(),
	}
	s.limits = newLimiters(opts.RateLimit, opts.RateBurst, nil)
	switch n := opts.MaxInFlight; {
	case n == 0:
		s.inFlight = make(chan struct{}, DefaultMaxInFlight*runtime.GOMAXPROCS(0))
	case n > 0:
		s.inFlight = make(chan struct{}, n)
	}
	s.routes = s.table()
	for _, rd := range s.routes {
		s.mux.Handle(rd.method+" "+rd.path, s.wrap(rd.h))
	}
	return s
}

// ctxKey keys the request ID in a request's context.
type ctxKey struct{}

// ServeHTTP runs the middleware chain, in this order: request ID (and the
// no-store default) → recover (serveWithDeadline turns a handler's panic
// into a 500 problem) → log (one line per request, deferred) → deadline →
// CORS → rate limit (which authenticates a request with credentials, see
// rateKey) → the request checks (header size, path, query text) → routing
// (unknown paths and methods are problems) → authenticate (wrap, per route,
// reusing the rate limiter's) → the handler, whose error becomes a problem.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID(r.Header.Get("X-Request-ID"))
	w.Header().Set("X-Request-ID", id)
	// Responses may hold personal data: no cache keeps them unless a
	// handler says otherwise (the schemas, the OpenAPI document).
	w.Header().Set("Cache-Control", "no-store")
	rec := &recorder{ResponseWriter: w}
	defer s.observe(r, rec)()
	ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), ctxKey{}, id), s.opts.RequestTimeout)
	defer cancel()
	r = r.WithContext(ctx)
	defer func() {
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", id), slog.String("client", clientHost(r)), slog.String("method", r.Method), slog.String("path", shortPath(r.URL.Path)),
			slog.Int("status", rec.status()), slog.Int64("bytes", rec.n), slog.Duration("duration", time.Since(start)))
	}()
	if s.cors(rec, r) {
		return
	}
	if s.limits != nil {
		var key string
		key, r = s.rateKey(r)
		if ok, wait := s.limits.allow(key, rec.Header()); !ok {
			req := &request{Request: r, id: id}
			req.lang, _ = negotiateLang(r)
			s.writeProblem(rec, req, rateLimited(wait))
			return
		}
	}
	if he := s.checkRequest(r); he != nil {
		req := &request{Request: r, id: id}
		req.lang, _ = negotiateLang(r)
		s.writeProblem(rec, req, he)
		return
	}
	var h http.Handler = s.mux
	if _, pattern := s.mux.Handler(r); pattern == "" {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.unrouted(w, r, id) })
	}
	if p := s.serveWithDeadline(rec, r, h); p != nil {
		if p.v == http.ErrAbortHandler {
			panic(p.v)
		}
		s.log.LogAttrs(r.Context(), slog.LevelError, "panic",
			slog.String("request_id", id), slog.Any("panic", p.v), slog.String("stack", string(p.stack)))
		if p.streamed {
			panic(http.ErrAbortHandler) // the answer is under way: cut it
		}
		s.writeProblem(rec, &request{Request: r, id: id, lang: problem.EN}, classify(errors.New("panic")))
	}
}

// unrouted answers a request no route matches: 405 with Allow when the path
// exists under other methods, 404 otherwise.
func (s *server) unrouted(w http.ResponseWriter, r *http.Request, id string) {
	req := &request{Request: r, id: id}
	req.lang, _ = negotiateLang(r)
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH"} {
		if m == r.Method || (m == "GET" && r.Method == "HEAD") {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		e := newError(kindMethodNotAllowed, msg("metodo "+r.Method+" non consentito su "+shortPath(r.URL.Path),
			"method "+r.Method+" not allowed on "+shortPath(r.URL.Path)))
		e.allow = allow
		s.writeProblem(w, req, e)
		return
	}
	s.writeProblem(w, req, newError(kindNotFound, msg("nessuna risorsa "+shortPath(r.URL.Path), "no resource "+shortPath(r.URL.Path))))
}

// wrap negotiates the language, authenticates the caller and turns the
// handler's error into a problem.
func (s *server) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := r.Context().Value(ctxKey{}).(string)
		req := &request{Request: r, id: id}
		var err error
		req.lang, err = negotiateLang(r)
		if a, ok := r.Context().Value(authKey{}).(*authResult); ok && err == nil {
			req.caller, err = a.c, a.err // authenticated by the rate limiter
		} else if err == nil {
			req.caller, err = s.authenticate(r.Context(), r)
		}
		if err == nil {
			err = h(w, req)
		}
		if err != nil {
			he := classify(err)
			level := slog.LevelDebug
			if he.kind == kindInternal {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "request failed", slog.String("request_id", id),
				slog.String("subject", req.caller.Subject), slog.String("error", he.Error()))
			s.writeProblem(w, req, he)
		}
	})
}

// problemFor returns the problem details of e for r.
func problemFor(r *request, e *httpError) Problem {
	slug, status, title := e.kind.info()
	return Problem{
		Type:      ProblemTypeBase + slug,
		Title:     title.In(r.lang),
		Status:    status,
		Detail:    e.detail.In(r.lang),
		Instance:  shortPath(r.URL.Path),
		Messages:  e.detail,
		RequestID: r.id,
		Errors:    e.errors.Localize(r.lang),
	}
}

// writeProblem writes e as application/problem+json.
func (s *server) writeProblem(w http.ResponseWriter, r *request, e *httpError) {
	p := problemFor(r, e)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Del("ETag")
	switch e.kind {
	case kindUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="registro"`)
	case kindMethodNotAllowed:
		for _, m := range e.allow {
			w.Header().Add("Allow", m)
		}
	}
	writeJSONAs(w, "application/problem+json", p.Status, p)
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONAs(w, "application/json", status, v)
}

func writeJSONAs(w http.ResponseWriter, contentType string, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing to do
}

// readBody reads the request body, at most Options.MaxBodyBytes, checking
// that it is declared as JSON (or not declared).
func (s *server) readBody(w http.ResponseWriter, r *request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return nil, newError(kindUnsupportedMedia, msg(
			"il corpo deve essere JSON (Content-Type application/json)",
			"the body must be JSON (Content-Type application/json)"))
	}
	body := http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, &httpError{kind: kindBadRequest, cause: err, detail: msg(
			"impossibile leggere il corpo della richiesta", "the request body could not be read")}
	}
	return data, nil
}

// isJSON reports whether a Content-Type is JSON (application/json or an
// application/…+json type), whatever its parameters.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// requestID returns the client's X-Request-ID when it is a short token of
// letters, digits and -_. , else a new random one.
func requestID(given string) string {
	if n := len(given); n > 0 && n <= 64 {
		ok := true
		for i := 0; i < n && ok; i++ {
			c := given[i]
			ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		}
		if ok {
			return given
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	code  int
	n     int64
	wrote bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	n, err := r.ResponseWriter.Write(b)
	r.n += int64(n)
	return n, err
}

func (r *recorder) status() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.code
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
