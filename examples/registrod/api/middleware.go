package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// The kinds of the errors the middleware answers.
const (
	kindHeaderTooLarge errKind = iota + 100 // 431
	kindNotImplemented                      // 501
)

// DefaultRequestTimeout is the deadline of a request when
// Options.RequestTimeout is 0.
const DefaultRequestTimeout = 15 * time.Second

// DefaultMaxInFlight is how many requests per CPU the handler works on at
// once when Options.MaxInFlight is 0.
const DefaultMaxInFlight = 16

// DefaultMaxHeaderBytes caps the request line and headers when
// Options.MaxHeaderBytes is 0.
const DefaultMaxHeaderBytes = 64 << 10

// maxEchoedPath is the most bytes of a request path a problem or a log line
// repeats.
const maxEchoedPath = 128

// maxPathBytes is the longest path any route answers (the longest real one
// is under 64 bytes): a longer one is a 404 before routing, so that no
// handler repeats a long path value in its problems or logs.
const maxPathBytes = 256

// shortPath returns p cut to maxEchoedPath bytes (on a rune boundary, with
// "…" when cut) and made valid UTF-8 without NUL, for problems and logs.
func shortPath(p string) string {
	cut := len(p) > maxEchoedPath
	if cut {
		n := maxEchoedPath
		for n > 0 && !utf8.RuneStart(p[n]) {
			n--
		}
		p = p[:n]
	}
	p = strings.ReplaceAll(strings.ToValidUTF8(p, "\uFFFD"), "\x00", "\uFFFD")
	if cut {
		p += "…"
	}
	return p
}

// headerBytes is the size of the request line and headers as received
// (approximately: names, values and separators).
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// checkRequest refuses, before any handler or store sees them, request
// headers beyond Options.MaxHeaderBytes (431), paths longer than
// maxPathBytes (404: no resource has one) and text that no store can
// hold: a path or a query parameter (name or value) with invalid UTF-8 or
// NUL, or a query string that does not decode (400).
func (s *server) checkRequest(r *http.Request) *httpError {
	if n := headerBytes(r); n > s.opts.MaxHeaderBytes {
		return newError(kindHeaderTooLarge, msg(
			fmt.Sprintf("la riga di richiesta e le intestazioni superano %d byte", s.opts.MaxHeaderBytes),
			fmt.Sprintf("the request line and headers exceed %d bytes", s.opts.MaxHeaderBytes)))
	}
	if len(r.URL.Path) > maxPathBytes {
		return newError(kindNotFound, msg("nessuna risorsa "+shortPath(r.URL.Path), "no resource "+shortPath(r.URL.Path)))
	}
	if !schemas.ValidText(r.URL.Path) {
		return newError(kindBadRequest, msg(
			"il percorso contiene byte UTF-8 non validi o il carattere NUL: è atteso testo UTF-8 valido senza NUL",
			"the path holds invalid UTF-8 or the NUL character: valid UTF-8 text without NUL is expected"))
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return newError(kindBadRequest, msg(
			"la stringa di interrogazione non è decodificabile: sono attese coppie nome=valore con codifica percentuale valida",
			"the query string cannot be decoded: name=value pairs with valid percent-encoding are expected"))
	}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		ok := schemas.ValidText(k)
		for _, v := range q[k] {
			ok = ok && schemas.ValidText(v)
		}
		if !ok {
			name := shortPath(k)
			return newError(kindBadRequest, msg(
				fmt.Sprintf("parametro %s non valido: contiene byte UTF-8 non validi o il carattere NUL; è atteso testo UTF-8 valido senza NUL", name),
				fmt.Sprintf("bad %s parameter: it holds invalid UTF-8 or the NUL character; valid UTF-8 text without NUL is expected", name)))
		}
	}
	return nil
}

// handlerPanic is a panic of a handler, with the stack where it happened.
type handlerPanic struct {
	v     any
	stack []byte
	// streamed is set when the handler had started streaming its answer:
	// the panic then aborts the response instead of answering a problem.
	streamed bool
}

// serveWithDeadline runs h on a buffer, so that when r's context ends first
// (Options.RequestTimeout) the answer is a 503 problem, written at once, and
// whatever the handler writes later is dropped. The handler's work stops
// where it looks at its context (the stores, the questionnaire decoder); the
// bounds of schemas.CheckJSON keep every step between two looks short. A
// panic of h is returned.
//
// A handler that streams its answer (the NDJSON validation) flushes it
// (http.ResponseController): from then on what it writes goes out at once,
// and it answers its own deadline, at the end of what it has sent; past
// the deadline serveWithDeadline waits streamGrace for it to do so, then
// drops whatever it writes later. A panic after the first flush cannot be
// a problem any more: it is returned with streamed set.
func (s *server) serveWithDeadline(w http.ResponseWriter, r *http.Request, h http.Handler) *handlerPanic {
	release, ok := s.admit(r)
	if !ok {
		s.writeTimeout(w, r)
		return nil
	}
	bw := &bufferedWriter{header: http.Header{}, dst: w}
	for k, v := range w.Header() {
		bw.header[k] = v
	}
	done := make(chan *handlerPanic, 1)
	go func() {
		defer release() // when the work ends, even past the deadline
		defer func() {
			if v := recover(); v != nil {
				done <- &handlerPanic{v: v, stack: debug.Stack()}
				return
			}
			done <- nil
		}()
		h.ServeHTTP(bw, r)
	}()
	select {
	case p := <-done:
		if p != nil {
			p.streamed = bw.discard()
			return p
		}
		bw.finish()
		return nil
	case <-r.Context().Done():
		if bw.stop() {
			// The answer is under way: the handler ends it, having seen its
			// context end.
			t := time.NewTimer(streamGrace)
			defer t.Stop()
			select {
			case p := <-done:
				if p != nil {
					p.streamed = bw.discard()
				}
				return p
			case <-t.C:
				bw.discard()
				return nil
			}
		}
		s.writeTimeout(w, r)
		return nil
	}
}

// admit waits for one of the Options.MaxInFlight turns of work, within r's
// deadline: ok is false when the deadline came first. release gives the
// turn back. The liveness and readiness probes never wait.
func (s *server) admit(r *http.Request) (release func(), ok bool) {
	if s.inFlight == nil || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
		return func() {}, true
	}
	select {
	case s.inFlight <- struct{}{}:
		return func() { <-s.inFlight }, true
	case <-r.Context().Done():
		return nil, false
	}
}

// writeTimeout answers a request whose deadline has passed: 503, retry
// later.
func (s *server) writeTimeout(w http.ResponseWriter, r *http.Request) {
	id, _ := r.Context().Value(ctxKey{}).(string)
	req := &request{Request: r, id: id}
	req.lang, _ = negotiateLang(r)
	s.writeProblem(w, req, &httpError{kind: kindUnavailable, cause: r.Context().Err(), detail: msg(
		fmt.Sprintf("la richiesta non è stata completata entro %s ed è stata interrotta: riprovare più tardi", s.opts.RequestTimeout),
		fmt.Sprintf("the request did not complete within %s and was stopped: retry later", s.opts.RequestTimeout))})
}

// streamGrace is how long, past the deadline, a handler that streams its
// answer has to end it.
const streamGrace = 2 * time.Second

// bufferedWriter holds a handler's response until it returns; after discard
// it drops everything. Flushing it (FlushError, through
// http.ResponseController) writes what it holds to dst and makes every
// later write go through at once: the response is then streamed.
type bufferedWriter struct {
	mu        sync.Mutex
	dst       http.ResponseWriter
	header    http.Header
	sent      http.Header // the header as it was when the status was written
	code      int
	buf       bytes.Buffer
	dropped   bool
	streaming bool
}

// Header returns the header map; once the response is discarded, a fresh
// one that nobody reads.
func (b *bufferedWriter) Header() http.Header {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped {
		return http.Header{}
	}
	return b.header
}

func (b *bufferedWriter) WriteHeader(code int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.code == 0 && code >= 200 {
		b.code, b.sent = code, b.header.Clone()
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped {
		return 0, context.DeadlineExceeded
	}
	if b.code == 0 {
		b.code, b.sent = http.StatusOK, b.header.Clone()
	}
	if b.streaming {
		return b.dst.Write(p)
	}
	return b.buf.Write(p)
}

// FlushError sends what is held and streams from then on (see
// bufferedWriter); http.ResponseController.Flush calls it.
func (b *bufferedWriter) FlushError() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped {
		return context.DeadlineExceeded
	}
	if !b.streaming {
		b.streaming = true
		b.send()
	}
	return http.NewResponseController(b.dst).Flush()
}

// EnableFullDuplex lets the handler read the request's body while it writes
// its answer (HTTP/1.1; see http.ResponseController.EnableFullDuplex).
func (b *bufferedWriter) EnableFullDuplex() error {
	return http.NewResponseController(b.dst).EnableFullDuplex()
}

// SetReadDeadline bounds the reads of the request's body (see
// http.ResponseController.SetReadDeadline).
func (b *bufferedWriter) SetReadDeadline(d time.Time) error {
	return http.NewResponseController(b.dst).SetReadDeadline(d)
}

// stop drops everything written from now on, unless the response is
// already streamed (it then reports true and drops nothing).
func (b *bufferedWriter) stop() (streaming bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.streaming {
		b.dropped = true
		b.buf = bytes.Buffer{}
	}
	return b.streaming
}

// discard drops everything from now on and reports whether the response
// was already streamed.
func (b *bufferedWriter) discard() (streamed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.dropped = true
	b.buf = bytes.Buffer{}
	return b.streaming
}

// finish writes the held response to dst (nothing when it was streamed).
func (b *bufferedWriter) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.streaming {
		b.send()
	}
}

// send writes the status, the header and what is held to dst; b.mu is
// held.
func (b *bufferedWriter) send() {
	if b.code == 0 {
		b.code, b.sent = http.StatusOK, b.header
	}
	dst := b.dst.Header()
	for k := range dst {
		if _, ok := b.sent[k]; !ok {
			delete(dst, k)
		}
	}
	for k, v := range b.sent {
		dst[k] = v
	}
	b.dst.WriteHeader(b.code)
	_, _ = b.dst.Write(b.buf.Bytes()) // the client went away: nothing to do
	b.buf = bytes.Buffer{}
}

// ConnProblem returns the status line's text, the Content-Type and the body
// of the problem for an error that net/http answers itself, before any
// handler runs (431 for headers beyond the server's hard limit, 400 for a
// malformed request, 501 for an unknown transfer encoding): the same
// problem+json shape as every other error. It suits
// server.Options.ConnError.
func ConnProblem(status int) (contentType string, body []byte) {
	k := kindBadRequest
	switch status {
	case http.StatusRequestHeaderFieldsTooLarge:
		k = kindHeaderTooLarge
	case http.StatusNotImplemented:
		k = kindNotImplemented
	}
	slug, st, title := k.info()
	p := Problem{Type: ProblemTypeBase + slug, Title: title.EN, Status: st, Detail: connDetails[k].EN, Messages: connDetails[k]}
	b, _ := jsonBytes(p) // a Problem always encodes
	return "application/problem+json", b
}

var connDetails = map[errKind]problem.Text{
	kindBadRequest:     msg("la richiesta HTTP è malformata", "the HTTP request is malformed"),
	kindHeaderTooLarge: msg("la riga di richiesta e le intestazioni sono troppo grandi", "the request line and headers are too large"),
	kindNotImplemented: msg("codifica di trasferimento non supportata", "unsupported transfer encoding"),
}
