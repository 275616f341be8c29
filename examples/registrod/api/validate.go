package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/schemas/problem"
)

// The media types of the validate endpoint: one JSON document in and its
// ValidationResult out, or NDJSON in (a document per line) and a
// ValidationLine per document out, as NDJSON or as a JSON array.
const (
	mediaJSON   = "application/json"
	mediaNDJSON = "application/x-ndjson"
)

// ValidateStreamMaxLines is the most lines an NDJSON body of the validate
// endpoint may have (blank ones included): past it the answer ends with a
// 413 problem. Each line holds at most Options.MaxBodyBytes (the limit of a
// single document), and the whole request runs under
// Options.RequestTimeout, so that a request is bounded in size, count and
// time; larger batches are sent as several requests.
const ValidateStreamMaxLines = 10_000

// ValidationResult is the answer of the validate endpoint to one JSON
// document.
type ValidationResult struct {
	Valid bool `json:"valid"`
	// Errors are every problem found (warnings included), localised; never
	// null.
	Errors problem.List `json:"errors"`
}

// ValidationLine is one item of the validate endpoint's answer to an NDJSON
// body: the verdict on the document of the body's line Line (counted from 1,
// blank lines included). The answer (NDJSON, or a JSON array) has one per
// document, in the body's order; when the request has to stop early (a line
// over the size limit, too many lines, the deadline, an unreadable body)
// its last item is instead a Problem, whose status says why.
type ValidationLine struct {
	Line  int  `json:"line"`
	Valid bool `json:"valid"`
	// Errors are every problem found (warnings included), localised; never
	// null.
	Errors problem.List `json:"errors"`
}

// validate checks questionnaires, complete or as drafts, without the
// register-aware rules: one JSON document, or an NDJSON stream of them
// (validateStream).
func (s *server) validate(w http.ResponseWriter, r *request) error {
	year, err := reportingYear(r)
	if err != nil {
		return err
	}
	draft, err := boolParam(r, "draft")
	if err != nil {
		return err
	}
	mode := questionnaire.Complete
	if draft {
		mode = questionnaire.Draft
	}
	ct := r.Header.Get("Content-Type")
	if mediaType(ct) == mediaNDJSON {
		return s.validateStream(w, r, year, mode)
	}
	if ct != "" && !isJSON(ct) {
		return newError(kindUnsupportedMedia, msg(
			"il corpo deve essere JSON (Content-Type application/json) o NDJSON (application/x-ndjson, un documento per riga)",
			"the body must be JSON (Content-Type application/json) or NDJSON (application/x-ndjson, one document per line)"))
	}
	return s.validateOne(w, r, func(data []byte) (problem.List, error) {
		_, probs, err := s.deps.Validator.Check(r.Context(), year, data, mode)
		return probs, err
	})
}

// validateOne answers a validate route's single JSON document: it reads the
// body (bounded by MaxBodyBytes, an Idempotency-Key remembered), finds its
// problems with check and writes its ValidationResult.
func (s *server) validateOne(w http.ResponseWriter, r *request, check func([]byte) (problem.List, error)) error {
	data, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	if err := s.rememberRequest(w, r, data); err != nil {
		return err
	}
	probs, err := check(data)
	if err != nil {
		return err
	}
	probs = localized(probs, r.lang)
	writeJSON(w, http.StatusOK, ValidationResult{Valid: !probs.HasErrors(), Errors: probs})
	return nil
}

// localized returns l in lang, never nil (the answers' errors are a list,
// never null).
func localized(l problem.List, lang problem.Lang) problem.List {
	if l = l.Localize(lang); l == nil {
		l = problem.List{}
	}
	return l
}

// validateStream answers an NDJSON body: it reads one line at a time and
// writes each document's ValidationLine as soon as it is made, so that its
// memory does not depend on the number of documents. The answer is NDJSON,
// or a JSON array when Accept prefers application/json. Before the first
// result an error is an ordinary problem; after it, the answer's last item.
// An Idempotency-Key is refused: the answer cannot be checked against the
// request before it is sent, and validating writes nothing, so a retry
// needs none.
func (s *server) validateStream(w http.ResponseWriter, r *request, year int, mode questionnaire.Mode) error {
	if len(r.Header.Values(IdempotencyKeyHeader)) > 0 {
		return newError(kindBadRequest, msg(
			"una validazione NDJSON non accetta Idempotency-Key: non scrive nulla, la si ripete così com'è",
			"an NDJSON validation takes no Idempotency-Key: it writes nothing, so it is retried as it is"))
	}
	out := &lineWriter{w: w, rc: http.NewResponseController(w),
		array: negotiate(r.Header.Get("Accept"), mediaNDJSON, mediaJSON) == mediaJSON}
	// stop ends the answer early with the problem of err: as the answer
	// itself when nothing was written yet, else as its last item.
	stop := func(err error) error {
		if out.n == 0 {
			return err
		}
		he := classify(err)
		if he.kind == kindInternal {
			s.log.ErrorContext(r.Context(), "request failed", "request_id", r.id, "error", err)
		}
		if out.write(problemFor(r, he), true) == nil {
			_ = out.end()
		}
		return nil
	}
	// Read the body while answering (HTTP/1.1 would otherwise stop reading
	// it once the answer starts); a writer that cannot is still answered,
	// after reading what it buffered.
	_ = out.rc.EnableFullDuplex()
	ctx := r.Context()
	// A client that stops sending does not hold the request past its
	// deadline: the read fails then, and the answer ends with a 503.
	if d, ok := ctx.Deadline(); ok {
		_ = out.rc.SetReadDeadline(d)
	}
	in := bufio.NewReaderSize(r.Body, 64<<10)
	var buf []byte
	docs := 0
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return stop(s.timedOut(err))
		}
		if n > ValidateStreamMaxLines {
			if _, err := in.Peek(1); err == io.EOF {
				break // exactly the limit
			}
			return stop(newError(kindTooLarge, msg(
				fmt.Sprintf("il corpo NDJSON supera %d righe: inviare al più %d documenti per richiesta", ValidateStreamMaxLines, ValidateStreamMaxLines),
				fmt.Sprintf("the NDJSON body has more than %d lines: send at most %d documents per request", ValidateStreamMaxLines, ValidateStreamMaxLines))))
		}
		var err error
		buf, err = readLine(in, buf, s.opts.MaxBodyBytes)
		if errors.Is(err, errLineTooLong) {
			return stop(newError(kindTooLarge, msg(
				fmt.Sprintf("la riga %d del corpo NDJSON supera %d byte (il limite di un documento)", n, s.opts.MaxBodyBytes),
				fmt.Sprintf("line %d of the NDJSON body exceeds %d bytes (the limit of one document)", n, s.opts.MaxBodyBytes))))
		}
		if err != nil && err != io.EOF {
			if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
				return stop(s.timedOut(ctx.Err()))
			}
			return stop(&httpError{kind: kindBadRequest, cause: err, detail: msg(
				fmt.Sprintf("impossibile leggere la riga %d del corpo della richiesta", n),
				fmt.Sprintf("line %d of the request body could not be read", n))})
		}
		if line := bytes.TrimSpace(buf); len(line) > 0 {
			docs++
			_, probs, cerr := s.deps.Validator.Check(ctx, year, line, mode)
			if cerr != nil {
				if ctx.Err() != nil {
					return stop(s.timedOut(ctx.Err()))
				}
				return stop(cerr)
			}
			probs = localized(probs, r.lang)
			// Flush when no more input is at hand: the client sees each
			// result without waiting for the next line.
			if werr := out.write(ValidationLine{Line: n, Valid: !probs.HasErrors(), Errors: probs}, in.Buffered() == 0); werr != nil {
				return nil // the client went away
			}
		}
		if err == io.EOF {
			break
		}
	}
	if docs == 0 {
		return newError(kindBadRequest, msg(
			"il corpo NDJSON non contiene alcun documento: è atteso un documento JSON per riga",
			"the NDJSON body holds no document: one JSON document per line is expected"))
	}
	return out.end()
}

// timedOut is the problem of a streamed request whose context ended.
func (s *server) timedOut(cause error) *httpError {
	return &httpError{kind: kindUnavailable, cause: cause, detail: msg(
		fmt.Sprintf("la richiesta non è stata completata entro %s ed è stata interrotta: i risultati inviati valgono, riprovare con il resto", s.opts.RequestTimeout),
		fmt.Sprintf("the request did not complete within %s and was stopped: the results sent stand, retry with the rest", s.opts.RequestTimeout))}
}

// errLineTooLong is readLine's error for a line over its limit.
var errLineTooLong = errors.New("api: line too long")

// readLine reads the next line of in into buf[:0] (its newline included)
// and returns it; errLineTooLong when it has more than limit bytes before
// its newline, io.EOF with the last line when the body ends.
func readLine(in *bufio.Reader, buf []byte, limit int64) ([]byte, error) {
	buf = buf[:0]
	for {
		frag, err := in.ReadSlice('\n')
		if n := int64(len(buf) + len(bytes.TrimSuffix(frag, []byte("\n")))); n > limit {
			return nil, errLineTooLong
		}
		buf = append(buf, frag...)
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}

// lineWriter writes the items of a streamed answer: NDJSON lines, or the
// elements of a JSON array.
type lineWriter struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	array bool
	n     int // items written
}

// start writes the status and the header before the first item.
func (lw *lineWriter) start() {
	h := lw.w.Header()
	if lw.array {
		h.Set("Content-Type", mediaJSON)
	} else {
		h.Set("Content-Type", mediaNDJSON)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	lw.w.WriteHeader(http.StatusOK)
}

// write writes v as the next item, flushing it to the client when flush is
// set or when it is the first (which starts the stream).
func (lw *lineWriter) write(v any, flush bool) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	first := lw.n == 0
	if first {
		lw.start()
	}
	lw.n++
	switch {
	case !lw.array:
		b = append(b, '\n')
	case first:
		b = append([]byte("[\n"), b...)
	default:
		b = append([]byte(",\n"), b...)
	}
	if _, err := lw.w.Write(b); err != nil {
		return err
	}
	if first || flush {
		return lw.rc.Flush()
	}
	return nil
}

// end ends the answer: the array's closing bracket.
func (lw *lineWriter) end() error {
	if lw.array && lw.n > 0 {
		_, _ = lw.w.Write([]byte("\n]\n")) // the client went away: nothing to do
	}
	return nil
}

// mediaType returns the media type of a Content-Type, lowercase and
// without parameters ("" when it does not parse).
func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return mt
}

// negotiate returns the offer that the Accept header prefers (RFC 9110
// §12.5.1: the highest q, an exact type before type/* before */*), the
// first offer when Accept is absent, names none of them or does not parse,
// or ranks them equal.
func negotiate(accept string, offers ...string) string {
	best, bestQ := offers[0], -1.0
	for _, offer := range offers {
		q, spec := -1.0, -1 // the q of the most specific range matching offer
		for _, part := range strings.Split(accept, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			s := -1
			switch {
			case mt == offer:
				s = 2
			case mt == "*/*":
				s = 0
			case strings.HasSuffix(mt, "/*") && strings.HasPrefix(offer, strings.TrimSuffix(mt, "*")):
				s = 1
			}
			if s <= spec {
				continue
			}
			spec, q = s, 1
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		if q > bestQ && q > 0 {
			best, bestQ = offer, q
		}
	}
	return best
}
