// Package api is the HTTP interface of registrod, Registro's reference
// service: the published JSON Schemas, questionnaire validation, filings of
// the annual report, the register as each caller may see it, the change feed,
// the yearly list, the eligibility check and the OpenAPI 3.1 document of every
// route (see Routes and OpenAPI: the document is generated from the route
// table, openapi-source.json and the embedded schemas).
//
// Every request passes one middleware chain (see server.ServeHTTP): request
// ID, recover, log, deadline, CORS (Options.CORSOrigins, off by default), a
// per-caller rate limit (Options.RateLimit, 429 with Retry-After and
// X-RateLimit-* headers), request checks, routing, authentication, and the
// handler, whose error becomes a problem.
//
// New returns an http.Handler built on the standard library's ServeMux with
// method and path patterns. Callers authenticate with "Authorization: Bearer
// TOKEN": a person's JWT from a trusted OpenID Connect issuer (Deps.OIDC; the
// register says which bodies they act for, named by the Registro-Entity
// header), a machine client's API token kept hashed in the register
// (/v1/api-tokens), or, in programs that embed the API, one of Deps.Tokens.
// A request without a token is the anonymous public: it sees only the
// bodies enrolled in Section I, with the published fields. Section II and
// personal data (codici fiscali of people, contacts) are decided by package
// registry's Viewer rules; this package only builds the viewer.
//
// # Errors
//
// Every error a client gets is an RFC 9457 problem details object
// (application/problem+json) with type, title, status and detail in Italian
// or English (from ?lang= or Accept-Language; English when neither names it or
// en), the detail in both languages under "messages", and the request ID.
//
// An error of the library is answered by its kind (problem.KindOf), never by
// its package or name, through one table; the type URI is ProblemTypeBase
// followed by the slug:
//
//	kind                 status  type                 for example
//	invalid              422     invalid-document     problem.List, registry.ErrUnknownStatus, codicefiscale.ErrCheck
//	not_found            404     not-found            registry.ErrNotFound (a body the caller may not see too),
//	                                                  questionnaire.ErrUnknownYear, schemas.ErrUnknown
//	conflict             409     conflict             registry.ErrConflict: a concurrent change; retry
//	failed_precondition  409     failed-precondition  registry.ErrTransition, registry.ErrReferentStatus: the
//	                                                  state does not allow it; retrying will not help
//	forbidden            403     forbidden            registry.ErrForbidden
//	internal             500     internal             an error of no kind (a store that fails); logged
//
// An invalid document's 422 carries the document's problems (the AJV
// ErrorObject shape of package problem) under "errors"; the validate endpoint
// instead answers 200 with {"valid": false, "errors": [...]}. No error of the
// library answers 500 unless it is internal.
//
// Errors of HTTP itself come before the table: bad parameters are 400, a
// missing or unknown token 401, a method a route does not have 405, an
// If-Match that names an old version 412, a body over Options.MaxBodyBytes
// (or an attachment over the register's limit) 413, a body that is not JSON
// (or an application that is not multipart/form-data) 415, a PUT or PATCH
// without If-Match 428, request headers
// too large 431, an unknown transfer encoding 501, a request cancelled or
// timed out 503. A panic in a handler is recovered, logged with
// its stack and answered 500; /readyz (not /healthz, which is liveness)
// answers 503 when the store does not.
//
// # Limits
//
// Every request runs under Options.RequestTimeout: past it the answer is a 503
// problem and the request's work stops where it looks at its context. Before
// any handler, request headers over Options.MaxHeaderBytes are a 431, a path
// or query parameter holding invalid UTF-8 or NUL is a 400 (no store sees it)
// and a path over 256 bytes is a 404; problems and logs repeat at most 128
// bytes of a path. JSON bodies pass schemas.CheckJSON first (bounded numbers,
// valid text). Every POST honours an Idempotency-Key (IdempotencyKeyHeader)
// except the NDJSON form of the validate endpoint, which refuses one.
//
// # Streamed validation
//
// The validate endpoint also takes an NDJSON body (application/x-ndjson, a
// questionnaire per line) and answers it as a stream: it reads one line at
// a time and writes each document's ValidationLine as soon as it is made, as
// NDJSON or, when Accept prefers application/json, as a JSON array, so that
// its memory does not depend on the number of documents. Such a request is
// bounded by ValidateStreamMaxLines lines, Options.MaxBodyBytes per line and
// Options.RequestTimeout (the body's reads share the deadline, so a client
// that stops sending does not hold the request). An error before the first
// verdict is an ordinary problem; after it, the answer's last item is the
// problem details object, and the documents after the last verdict were not
// checked.
// Responses are Cache-Control: no-store but the schemas and this document.
//
// # Concurrency
//
// The handler is safe for concurrent use when its Deps are (the registry over
// sqlstore or memstore, the questionnaire validators and desk are). It keeps no
// mutable state of its own.
package api
