package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/schemas/problem"
)

// ErrNotModified is returned by a conditional read (IfNoneMatch) when the
// service answers 304: the copy the caller holds, with that ETag, is current.
var ErrNotModified = errors.New("client: not modified")

// Error is an answer of the service other than 2xx and 304. Problem holds
// the RFC 9457 problem details the service sent (its zero value when the
// body was not one, as from a proxy). Read it with errors.As:
//
//	var e *client.Error
//	if errors.As(err, &e) { … e.Status, e.Problem.Detail, e.Problems() … }
//
// Error implements problem.Kinded, so problem.KindOf(err) gives the kind of
// the domain error the service answered with (see Kind), and errors.Is(err,
// problem.ErrInvalid) holds for an invalid document.
type Error struct {
	// Method and URL are the request's (the URL without its user
	// information).
	Method, URL string
	// Status is the HTTP status code.
	Status int
	// Problem is the problem details object of the answer.
	Problem api.Problem
	// RetryAfter is the answer's Retry-After (0 when none): how long the
	// service asks to wait before trying again (a 429, a 503).
	RetryAfter time.Duration
}

// Error names the request, the status and the service's explanation.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "client: %s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Problem.Detail != "" {
		b.WriteString(": " + e.Problem.Detail)
	}
	for i, p := range e.Problem.Errors {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problem.Errors)-i)
			break
		}
		fmt.Fprintf(&b, "; %s: %s", pointerOrRoot(p.InstancePath), p.Message)
	}
	return b.String()
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}

// Problems returns the problems of an invalid document, each with the JSON
// Pointer of its field (InstancePath), its rule and its messages; nil when
// the answer carried none.
func (e *Error) Problems() problem.List { return e.Problem.Errors }

// kindBySlug maps the slug of a problem's type (after api.ProblemTypeBase) to
// the kind of error it stands for. The domain kinds are those of the
// service's one table (see package api's # Errors); the errors of HTTP itself
// are mapped to what the caller can do about them: correct the request
// (invalid), get another token (forbidden), or try later (internal).
var kindBySlug = map[string]problem.Kind{
	"invalid-document":       problem.KindInvalid,
	"not-found":              problem.KindNotFound,
	"conflict":               problem.KindConflict,
	"failed-precondition":    problem.KindFailedPrecondition,
	"forbidden":              problem.KindForbidden,
	"internal":               problem.KindInternal,
	"bad-request":            problem.KindInvalid,
	"method-not-allowed":     problem.KindInvalid,
	"content-too-large":      problem.KindInvalid,
	"unsupported-media-type": problem.KindInvalid,
	"header-too-large":       problem.KindInvalid,
	"unauthorized":           problem.KindForbidden,
	"too-many-requests":      problem.KindInternal,
	"unavailable":            problem.KindInternal,
	"not-implemented":        problem.KindInternal,
	"precondition-failed":    problem.KindConflict,
	"precondition-required":  problem.KindInvalid,
}

// Kind returns the kind of the error the service answered with: from the
// problem's type URI (api.ProblemTypeBase + "not-found" is
// problem.KindNotFound, and so on), else from the status (an answer that is
// not one of the service's problems: 400, 405, 413, 415, 422, 428 and 431
// are invalid, 401 and 403 forbidden, 404 not found, 409 and 412 conflict
// (a stale If-Match: read again and retry), anything else internal).
func (e *Error) Kind() problem.Kind {
	if slug, ok := strings.CutPrefix(e.Problem.Type, api.ProblemTypeBase); ok {
		if k, ok := kindBySlug[slug]; ok {
			return k
		}
	}
	switch e.Status {
	case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusRequestHeaderFieldsTooLarge,
		http.StatusPreconditionRequired:
		return problem.KindInvalid
	case http.StatusUnauthorized, http.StatusForbidden:
		return problem.KindForbidden
	case http.StatusNotFound:
		return problem.KindNotFound
	case http.StatusConflict, http.StatusPreconditionFailed:
		return problem.KindConflict
	}
	return problem.KindInternal
}

// Is reports whether target is problem.ErrInvalid and the answer was an
// invalid document (kind invalid with problems), as for a problem.List.
func (e *Error) Is(target error) bool {
	return target == problem.ErrInvalid && e.Kind() == problem.KindInvalid && len(e.Problem.Errors) > 0
}
