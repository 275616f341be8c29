package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
)

// ProblemTypeBase prefixes the type URI of every problem details object this
// package writes: ProblemTypeBase + "not-found", and so on.
const ProblemTypeBase = "https://schemas.openregistro.org/registro/v1/problems/"

// kindAnswer is how the service answers an error of one kind.
type kindAnswer struct {
	status int
	slug   string       // of the problem's type URI: ProblemTypeBase + slug
	title  problem.Text // the type's short summary
	detail problem.Text // the detail when the handler gives none
}

// kinds is the one table from the kind of an error (problem.KindOf, whatever
// package returned it) to the problem the service answers with. Every kind
// has a row, so no domain error answers 500 but an internal one; the package
// documentation and the README list the same table.
var kinds = map[problem.Kind]kindAnswer{
	problem.KindInvalid: {http.StatusUnprocessableEntity, "invalid-document",
		msg("Documento non valido", "Invalid document"),
		msg("i dati inviati non sono validi", "the data sent are not valid")},
	problem.KindNotFound: {http.StatusNotFound, "not-found",
		msg("Risorsa non trovata", "Not found"),
		msg("risorsa non trovata", "not found")},
	problem.KindConflict: {http.StatusConflict, "conflict",
		msg("Modifica concorrente", "Conflict"),
		msg("un'altra modifica è avvenuta nel frattempo: riprovare", "another change happened meanwhile: retry")},
	problem.KindFailedPrecondition: {http.StatusConflict, "failed-precondition",
		msg("Operazione non consentita nello stato attuale", "Not allowed in the current state"),
		msg("lo stato attuale non consente questa operazione: riprovare non serve finché non cambia",
			"the current state does not allow this: retrying will not help until it changes")},
	problem.KindForbidden: {http.StatusForbidden, "forbidden",
		msg("Operazione non consentita", "Forbidden"),
		msg("il ruolo del chiamante non consente questa operazione", "the caller's role does not allow this")},
	problem.KindInternal: {http.StatusInternalServerError, "internal",
		msg("Errore interno", "Internal error"),
		msg("errore interno: il dettaglio è nel log del servizio con l'ID della richiesta",
			"internal error: the details are in the service log under the request ID")},
}

// answerTo returns the row of kinds for k; a Kind outside the closed set
// (which only a conversion can make) is answered as internal.
func answerTo(k problem.Kind) kindAnswer {
	if a, ok := kinds[k]; ok {
		return a
	}
	return kinds[problem.KindInternal]
}

// errKind is the kind of problem an httpError answers with. The kinds of
// domain errors are the values of problem.Kind, answered by the kinds table;
// the kinds of errors that only HTTP has start at kindBadRequest, above
// every problem.Kind.
type errKind int

// The domain kinds handlers give the errors they build themselves; a handler
// that returns a domain error leaves its kind to classify.
const (
	kindInternal  = errKind(problem.KindInternal)
	kindInvalid   = errKind(problem.KindInvalid)
	kindNotFound  = errKind(problem.KindNotFound)
	kindForbidden = errKind(problem.KindForbidden)
)

// The kinds of errors of HTTP itself: no domain error is of one of these.
const (
	kindBadRequest errKind = iota + 50
	kindUnauthorized
	kindMethodNotAllowed
	kindTooLarge
	kindUnsupportedMedia
	kindUnavailable
	kindTooManyRequests
)

// info returns the slug of the kind's type URI, its status and its title:
// from the kinds table for a domain kind.
func (k errKind) info() (slug string, status int, title problem.Text) {
	switch k {
	case kindBadRequest:
		return "bad-request", http.StatusBadRequest, msg("Richiesta non valida", "Bad request")
	case kindUnauthorized:
		return "unauthorized", http.StatusUnauthorized, msg("Autenticazione richiesta", "Authentication required")
	case kindMethodNotAllowed:
		return "method-not-allowed", http.StatusMethodNotAllowed, msg("Metodo non consentito", "Method not allowed")
	case kindTooLarge:
		return "content-too-large", http.StatusRequestEntityTooLarge, msg("Contenuto troppo grande", "Content too large")
	case kindUnsupportedMedia:
		return "unsupported-media-type", http.StatusUnsupportedMediaType, msg("Tipo di contenuto non supportato", "Unsupported media type")
	case kindUnavailable:
		return "unavailable", http.StatusServiceUnavailable, msg("Servizio non disponibile", "Service unavailable")
	case kindTooManyRequests:
		return "too-many-requests", http.StatusTooManyRequests, msg("Troppe richieste", "Too many requests")
	case kindHeaderTooLarge:
		return "header-too-large", http.StatusRequestHeaderFieldsTooLarge, msg("Intestazioni troppo grandi", "Request header fields too large")
	case kindNotImplemented:
		return "not-implemented", http.StatusNotImplemented, msg("Non implementato", "Not implemented")
	case kindPreconditionFailed:
		return "precondition-failed", http.StatusPreconditionFailed, msg("Versione non più attuale", "Precondition failed")
	case kindPreconditionRequired:
		return "precondition-required", http.StatusPreconditionRequired, msg("If-Match richiesto", "Precondition required")
	}
	a := answerTo(problem.Kind(k))
	return a.slug, a.status, a.title
}

// msg returns a text in Italian and English.
func msg(it, en string) problem.Text { return problem.Text{IT: it, EN: en} }

// httpError is an error a handler returns to answer with a problem.
type httpError struct {
	kind   errKind
	detail problem.Text
	errors problem.List // the document's problems (kindInvalid)
	allow  []string     // the allowed methods (kindMethodNotAllowed)
	cause  error        // logged, never shown
}

func (e *httpError) Error() string {
	if e.cause != nil {
		return e.detail.EN + ": " + e.cause.Error()
	}
	return e.detail.EN
}

func (e *httpError) Unwrap() error { return e.cause }

func newError(k errKind, detail problem.Text) *httpError {
	return &httpError{kind: k, detail: detail}
}

// Problem is an RFC 9457 problem details object, as this package writes it.
type Problem struct {
	// Type is a URI naming the kind of problem (ProblemTypeBase + slug).
	Type string `json:"type"`
	// Title is the kind's short summary, in the request's language.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence, in the request's language.
	Detail string `json:"detail,omitempty"`
	// Instance is the request path (its first 128 bytes and "…" when longer).
	Instance string `json:"instance,omitempty"`
	// Messages holds Detail in Italian and English.
	Messages problem.Text `json:"messages"`
	// RequestID is the request's ID (also in the X-Request-ID header).
	RequestID string `json:"requestId,omitempty"`
	// Errors are the problems of an invalid document (status 422), in the
	// AJV ErrorObject shape of package problem.
	Errors problem.List `json:"errors,omitempty"`
}

// classify turns any error a handler returns into an httpError: an httpError
// as it is; the errors of HTTP itself (a body over the limit, a request
// cancelled or timed out) by their type; any other error by its kind, through
// the kinds table. The cause is logged, never shown.
func classify(err error) *httpError {
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &httpError{kind: kindTooLarge, cause: err, detail: msg(
			"il corpo della richiesta supera "+strconv.FormatInt(mbe.Limit, 10)+" byte",
			"the request body exceeds "+strconv.FormatInt(mbe.Limit, 10)+" bytes")}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &httpError{kind: kindUnavailable, cause: err, detail: msg(
			"la richiesta è stata interrotta", "the request was cancelled or timed out")}
	}
	k := problem.KindOf(err)
	he = &httpError{kind: errKind(k), cause: err, detail: answerTo(k).detail}
	if l, ok := problem.AsList(err); ok && k == problem.KindInvalid {
		he.errors = l
		he.detail = msg("il documento ha problemi: vedere errors", "the document has problems: see errors")
	}
	return he
}

// negotiateLang picks the language of messages among the shipped ones
// (problem.Languages): ?lang= (a shipped language's tag; anything else is an
// error), else the best match for Accept-Language by BCP 47 (it-CH is
// Italian; weights order the choice), else English.
func negotiateLang(r *http.Request) (problem.Lang, error) {
	if v := r.URL.Query().Get("lang"); v != "" {
		l, err := problem.ParseLang(v)
		if err != nil {
			names := make([]string, 0, 2)
			for _, l := range problem.Languages() {
				names = append(names, string(l))
			}
			return problem.EN, newError(kindBadRequest, msg(
				"parametro lang non valido: usare "+strings.Join(names, ", "),
				"bad lang parameter: use "+strings.Join(names, ", ")))
		}
		return l, nil
	}
	return problem.MatchLang(r.Header.Values("Accept-Language")...), nil
}
