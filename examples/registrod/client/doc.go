// Package client is the typed Go client of registrod's HTTP API (package
// examples/registrod/api), shared by the regional mirror, the load test and
// the tests: a method for every route, answers decoded into the API's own
// types (registry.Entity, api.EventPage, api.FilingInfo, api.FeedPage,
// api.Receipt, registry.YearlyList, eligibility.Decision, …).
//
//	c, err := client.New("https://registro.example.org", token, client.Options{})
//	for e, err := range c.Entities(ctx, client.EntityQuery{Region: "12"}) { … }
//
// New takes the service's base URL and a bearer token ("" is the anonymous
// public); WithToken gives a client of another caller over the same
// connection pool.
//
// # Pagination
//
// Listings are iterators (iter.Seq2[T, error]) that follow the service's
// cursors: Entities the opaque next cursor of GET /v1/entities, Events the
// sequence number of the change feed (until a page comes back empty), Feed
// the regional feed's (while it says more), AccessRequests the next cursor
// of the Section II access requests. An
// error ends an iteration as its last pair; breaking out of the loop stops
// fetching. EntityPage and EventPage read one page, for a caller that keeps
// its own position (the regional mirror saves the feed's Last); FeedPage and
// AccessRequestPage likewise.
//
// # Conditional requests and idempotency
//
// IfNoneMatch(etag) makes a read conditional: Entity, Schema and OpenAPI
// then return ErrNotModified while the resource still has that ETag (Entity
// returns the ETag; ReadResponse gives it for any call). A body's ETag, for
// staff and the body itself, is the record version and a digest of the
// page's reporting status (`"v7.3fa2…"`); ETagVersion reads the version,
// which is what a write compares. IfMatch(etag) makes a write conditional on
// what was read before: ReplaceEntity and PatchEntity send it, and a body
// changed meanwhile is an *Error of kind conflict (412); SaveDraft does the
// same with a draft's ETag. Every POST that writes carries an
// Idempotency-Key — a random one unless WithIdempotencyKey gives it (or
// Options.NewIdempotencyKey makes them) — sent unchanged on every retry, so
// that a filing retried after a timeout is filed once; ReadResponse says
// whether the service replayed an earlier answer. Validate and Eligibility
// write nothing and send no key unless given one: retrying them is harmless,
// and the service stores a row for each key it sees. An application is sent
// as multipart/form-data whose boundary is a digest of its parts, so the
// same call is the same request.
//
// # Retries and deadlines
//
// Each attempt runs under Options.Timeout (default 30 s) within the
// caller's context. A 429 of the service's rate limit is waited out as its
// Retry-After says and sent again, up to Options.MaxRetries times (default
// 4), unless the wait is longer than Options.MaxRetryWait (default 30 s) or
// than the context's deadline allows: then the 429 is returned at once. No
// other answer is retried.
//
// # Errors
//
// An answer other than 2xx or 304 is an *Error carrying the RFC 9457
// problem the service sent (status, type, title, detail, the request ID and,
// for an invalid document, the problems with their JSON Pointers:
// Error.Problems). Read it with errors.As. Error implements
// problem.Kinded, so problem.KindOf(err) gives back the kind of the domain
// error the service answered with — the inverse of the service's one table
// (invalid 422, not_found 404, conflict and failed_precondition 409,
// forbidden 403, internal 500) — and errors.Is(err, problem.ErrInvalid)
// holds for an invalid document, as it does for the problem.List a local
// validator returns. The errors of HTTP itself map to what the caller can
// do: a bad request (400, 405, 413, 415, 428, 431) is invalid, a stale
// If-Match (412) a conflict, 401 forbidden,
// 429, 501 and 503 internal (try later). A 304 is ErrNotModified; network
// failures and timeouts are wrapped as net/http returns them
// (errors.Is(err, context.DeadlineExceeded)).
//
// # Adding a route
//
// Each method (routes*.go) is a few lines: build the call with its method,
// escaped path, query and JSON body, and decode the answer with send[T];
// a listing wraps its page method in paginate. A new route of the service
// is one such function and, when its answer has no type yet in package api
// or the domain, that type.
//
// # Concurrency
//
// A Client is safe for concurrent use; it keeps no state between calls.
package client
