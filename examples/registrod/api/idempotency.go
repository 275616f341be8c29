package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
)

// IdempotencyKeyHeader is the header of a POST's idempotency key: retried
// with the same key and the same request (path, query but lang, body), the
// POST answers as the first time and writes nothing again; with the same key
// and another request it is a 422 problem. Keys are the caller's own (its
// token's subject; the anonymous public shares one space, in which only the
// requests that write nothing are made).
const IdempotencyKeyHeader = "Idempotency-Key"

// ReplayedHeader is set to "true" on the answer to a retried POST.
const ReplayedHeader = "Idempotent-Replayed"

// maxIdempotencyKey is the longest key accepted.
const maxIdempotencyKey = 255

// idempotencyKey reads the request's Idempotency-Key (ok false when there is
// none) with the hash of the request it goes with. A key that is empty,
// longer than maxIdempotencyKey, sent twice or not visible ASCII is a 400.
func idempotencyKey(r *request, data []byte) (k questionnaire.IdempotencyKey, ok bool, err error) {
	vals := r.Header.Values(IdempotencyKeyHeader)
	if len(vals) == 0 {
		return k, false, nil
	}
	bad := len(vals) > 1 || len(vals[0]) == 0 || len(vals[0]) > maxIdempotencyKey
	for i := 0; !bad && i < len(vals[0]); i++ {
		bad = vals[0][i] < 0x21 || vals[0][i] > 0x7e
	}
	if bad {
		return k, false, newError(kindBadRequest, msg(
			"intestazione Idempotency-Key non valida: è attesa una sola chiave di 1–255 caratteri ASCII visibili",
			"bad Idempotency-Key header: one key of 1–255 visible ASCII characters is expected"))
	}
	q := r.URL.Query()
	q.Del("lang") // the language of the answer is not part of the request
	h := sha256.New()
	for _, part := range []string{r.Method, r.URL.Path, url.Values(q).Encode()} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(data)
	return questionnaire.IdempotencyKey{Subject: r.caller.Subject, Key: vals[0], RequestHash: hex.EncodeToString(h.Sum(nil))}, true, nil
}

// idempotencyStore returns the store that keeps keys, or a 400 when the
// service's filing store keeps none.
func (s *server) idempotencyStore() (questionnaire.IdempotencyStore, error) {
	st, ok := s.deps.Filings.(questionnaire.IdempotencyStore)
	if !ok {
		return nil, newError(kindBadRequest, msg(
			"questo servizio non conserva le chiavi Idempotency-Key: ripetere la richiesta senza",
			"this service keeps no Idempotency-Keys: send the request without one"))
	}
	return st, nil
}

// keyReused is the 422 of a key sent again with another request.
func keyReused() error {
	return newError(kindInvalid, msg(
		"la chiave Idempotency-Key è già stata usata per un'altra richiesta: usarne una nuova",
		"the Idempotency-Key was already used for another request: use a new one"))
}

// rememberRequest honours the Idempotency-Key of a POST that writes nothing
// (validate, eligibility): the first use stores the key and the request's
// hash; a retry of the same request is answered again (the answer is a
// function of the request) and marked replayed; another request with the
// key is a 422.
func (s *server) rememberRequest(w http.ResponseWriter, r *request, data []byte) error {
	k, ok, err := idempotencyKey(r, data)
	if err != nil || !ok {
		return err
	}
	st, err := s.idempotencyStore()
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.expireKey(ctx, k); err != nil {
		return err
	}
	err = st.RememberIdempotency(ctx, k, s.deps.Registry.Now())
	if !errors.Is(err, questionnaire.ErrIdempotencyKeyUsed) {
		return err
	}
	rec, err := st.Idempotency(ctx, k.Subject, k.Key)
	if err != nil {
		return err
	}
	if rec.RequestHash != k.RequestHash {
		return keyReused()
	}
	w.Header().Set(ReplayedHeader, "true")
	return nil
}

// fileIdempotent files data as v, honouring the request's Idempotency-Key:
// the key is stored with the filing in one transaction, and a retry of the
// same request returns the revision the first one stored (replayed true)
// without filing again; the key with another request is a 422. ev is the
// register event that recorded a new filing (questionnaire.Desk.FileRecorded),
// zero for a replay.
//
// A new key is the common case, so the filing is tried first and the key is
// read only when the filing fails: a stored key makes the write fail
// (questionnaire.ErrIdempotencyKeyUsed), and so does anything that has
// changed since the first request (the body's standing, the rules of the
// year, a later revision). Whatever the filing's error, a key found stored
// decides the answer — the first answer again, or a 422 for another
// request — and an expired key is forgotten and the filing tried once more.
// A retry costs a validation more than a read first would; every new
// filing saves that read.
func (s *server) fileIdempotent(ctx context.Context, r *request, v registry.Viewer, year int, data []byte) (f questionnaire.Filing, ev registry.Event, replayed bool, err error) {
	k, withKey, err := idempotencyKey(r, data)
	if err != nil {
		return f, ev, false, err
	}
	if !withKey {
		f, ev, err = s.deps.Desk.FileRecorded(ctx, v, year, data, s.deps.Registry.Now())
		return f, ev, false, err
	}
	st, err := s.idempotencyStore()
	if err != nil {
		return f, ev, false, err
	}
	file := func() (questionnaire.Filing, registry.Event, error) {
		return s.deps.Desk.FileRecorded(questionnaire.WithIdempotencyKey(ctx, k), v, year, data, s.deps.Registry.Now())
	}
	f, ev, err = file()
	for expired := false; err != nil && !errors.Is(err, questionnaire.ErrNotRecorded); {
		rec, lerr := st.Idempotency(ctx, k.Subject, k.Key)
		switch {
		case errors.Is(lerr, registry.ErrNotFound):
			return f, ev, false, err // the filing's own error
		case lerr != nil:
			return f, ev, false, lerr
		case !expired && s.keyExpired(rec):
			// Forgotten: the request is a new one.
			if err := s.expireKey(ctx, k); err != nil {
				return f, ev, false, err
			}
			expired = true
			f, ev, err = file()
			continue
		}
		f, replayed, err = s.replayFiling(ctx, st, k, rec)
		return f, registry.Event{}, replayed, err
	}
	return f, ev, false, err
}

// replayFiling answers a retry of a filing whose key k was stored with rec:
// the revision the first request stored, or a 422 when rec is another
// request's.
func (s *server) replayFiling(ctx context.Context, st questionnaire.IdempotencyStore, k questionnaire.IdempotencyKey, rec questionnaire.IdempotencyRecord) (questionnaire.Filing, bool, error) {
	if rec.RequestHash != k.RequestHash || rec.Revision == 0 {
		return questionnaire.Filing{}, false, keyReused()
	}
	hist, err := st.History(ctx, rec.BodyTaxCode, rec.Year)
	if err != nil {
		return questionnaire.Filing{}, false, err
	}
	for _, h := range hist {
		if h.Revision == rec.Revision {
			return h, true, nil
		}
	}
	return questionnaire.Filing{}, false, errors.New("api: the revision of an idempotency key is not in the filing history")
}
