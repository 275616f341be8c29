package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// responseStore keeps the answers of the POSTs that write the register (an
// application, a decision) with their Idempotency-Key. sqlstore's filing
// store is one.
type responseStore interface {
	questionnaire.IdempotencyStore
	// SaveIdempotentResponse saves the answer of the request that
	// remembered the key.
	SaveIdempotentResponse(ctx context.Context, subject, key string, status int, body []byte) error
	// IdempotentResponse returns the saved answer (registry.ErrNotFound:
	// none yet).
	IdempotentResponse(ctx context.Context, subject, key string) (int, []byte, error)
	// ForgetIdempotency removes a remembered key without answer.
	ForgetIdempotency(ctx context.Context, subject, key string) error
}

// kinds of the preconditions of PUT and PATCH (If-Match).
const (
	kindPreconditionFailed   errKind = iota + 150 // 412
	kindPreconditionRequired                      // 428
)

// written is the answer of a write: a status and a JSON value.
type written struct {
	status int
	v      any
	header map[string]string
}

// idempotentWrite runs write, a POST that changes the register, honouring
// the request's Idempotency-Key (computed on data, the request body):
//
//   - without a key, write runs and its answer is sent;
//   - with a new key, the key is remembered first (a concurrent request with
//     the same key is then answered 409), write runs, and its answer —
//     success or a problem of the request (4xx) — is saved with the key;
//     after a failure of the service (5xx) the key is forgotten, so that a
//     retry runs again;
//   - with a key already answered, the saved answer is sent again (header
//     Idempotent-Replayed: true) and nothing is written; with another
//     request it is a 422.
func (s *server) idempotentWrite(w http.ResponseWriter, r *request, data []byte, write func() (written, error)) error {
	k, withKey, err := idempotencyKey(r, data)
	if err != nil {
		return err
	}
	if !withKey {
		out, err := write()
		if err != nil {
			return err
		}
		for h, v := range out.header {
			w.Header().Set(h, v)
		}
		writeJSON(w, out.status, out.v)
		return nil
	}
	st, ok := s.deps.Filings.(responseStore)
	if !ok {
		return newError(kindBadRequest, msg(
			"questo servizio non conserva le chiavi Idempotency-Key: ripetere la richiesta senza",
			"this service keeps no Idempotency-Keys: send the request without one"))
	}
	ctx := r.Context()
	if err := s.expireKey(ctx, k); err != nil {
		return err
	}
	replay := func() error {
		rec, err := st.Idempotency(ctx, k.Subject, k.Key)
		if err != nil {
			return err
		}
		if rec.RequestHash != k.RequestHash {
			return keyReused()
		}
		status, body, err := st.IdempotentResponse(ctx, k.Subject, k.Key)
		if errors.Is(err, registry.ErrNotFound) {
			return &httpError{kind: errKind(problem.KindConflict), cause: err, detail: msg(
				"una richiesta con questa chiave Idempotency-Key è in corso: riprovare tra poco",
				"a request with this Idempotency-Key is in progress: retry shortly")}
		}
		if err != nil {
			return err
		}
		ct := "application/json"
		if status >= 400 {
			ct = "application/problem+json"
		}
		w.Header().Set(ReplayedHeader, "true")
		w.Header().Set("Content-Type", ct)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return nil
	}
	if _, err := st.Idempotency(ctx, k.Subject, k.Key); err == nil {
		return replay()
	} else if !errors.Is(err, registry.ErrNotFound) {
		return err
	}
	if err := st.RememberIdempotency(ctx, k, s.deps.Registry.Now()); errors.Is(err, questionnaire.ErrIdempotencyKeyUsed) {
		return replay()
	} else if err != nil {
		return err
	}
	out, werr := write()
	buf := &bufferWriter{header: http.Header{}}
	if werr != nil {
		he := classify(werr)
		if _, status, _ := he.kind.info(); status >= 500 {
			// The service failed, not the request: let a retry run again.
			if ferr := st.ForgetIdempotency(context.WithoutCancel(ctx), k.Subject, k.Key); ferr != nil {
				s.log.Error("forget idempotency key", "error", ferr)
			}
			return werr
		}
		s.writeProblem(buf, r, he)
	} else {
		for h, v := range out.header {
			w.Header().Set(h, v)
		}
		writeJSON(buf, out.status, out.v)
	}
	if err := st.SaveIdempotentResponse(context.WithoutCancel(ctx), k.Subject, k.Key, buf.status, buf.body); err != nil {
		s.log.Error("save idempotent response", "error", err)
	}
	for h, vs := range buf.header {
		w.Header()[h] = vs
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body)
	return nil
}

// bufferWriter is a ResponseWriter that keeps the answer.
type bufferWriter struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}
