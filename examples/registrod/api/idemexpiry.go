package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/openregistro/registro/questionnaire"
)

// DefaultIdempotencyRetention is how long an Idempotency-Key is kept when
// Options.IdempotencyRetention is 0: a retry within it is answered as the
// first request; past it the key is forgotten and a request with it is a
// new request.
const DefaultIdempotencyRetention = 24 * time.Hour

// Bounds of PurgeIdempotencyKeys: at most idemPurgeBatches statements of
// idemPurgeBatch keys each, so that one purge holds the database briefly
// however many keys have expired (the next purge goes on).
const (
	idemPurgeBatch   = 500
	idemPurgeBatches = 20
)

// retention is the options' key retention: 0 means the default, negative
// means keys never expire.
func (o Options) retention() time.Duration {
	if o.IdempotencyRetention == 0 {
		return DefaultIdempotencyRetention
	}
	return o.IdempotencyRetention
}

// keyExpiry returns the store's key expirer and the cutoff before which a
// key is forgotten; ok is false when keys do not expire (a store that keeps
// them, or a negative retention).
func (s *server) keyExpiry() (st questionnaire.IdempotencyExpirer, cutoff time.Time, ok bool) {
	st, ok = s.deps.Filings.(questionnaire.IdempotencyExpirer)
	ret := s.opts.retention()
	if !ok || ret < 0 {
		return nil, time.Time{}, false
	}
	return st, s.deps.Registry.Now().Add(-ret), true
}

// keyExpired reports whether rec was stored before the cutoff: expireKey
// would forget it.
func (s *server) keyExpired(rec questionnaire.IdempotencyRecord) bool {
	_, cutoff, ok := s.keyExpiry()
	return ok && rec.CreatedAt.Before(cutoff)
}

// expireKey forgets k when it was stored more than the retention ago, so
// that the request is a new one: called before a key is looked up. Stores
// that do not expire keys keep them.
func (s *server) expireKey(ctx context.Context, k questionnaire.IdempotencyKey) error {
	st, cutoff, ok := s.keyExpiry()
	if !ok {
		return nil
	}
	_, err := st.ExpireIdempotency(ctx, k.Subject, k.Key, cutoff)
	return err
}

// PurgeIdempotencyKeys deletes the Idempotency-Keys filings stored before
// cutoff (their records only: the filings stored with them stay), in
// bounded batches (at most 10 000 keys a call), and returns how many it
// deleted. A store that does not expire keys (not a
// questionnaire.IdempotencyExpirer) is left as it is.
func PurgeIdempotencyKeys(ctx context.Context, filings questionnaire.FilingStore, cutoff time.Time) (int, error) {
	st, ok := filings.(questionnaire.IdempotencyExpirer)
	if !ok {
		return 0, nil
	}
	total := 0
	for range idemPurgeBatches {
		n, err := st.PurgeIdempotency(ctx, cutoff, idemPurgeBatch)
		total += n
		if err != nil || n < idemPurgeBatch {
			return total, err
		}
	}
	return total, nil
}

// RunIdempotencyPurge purges, at every tick until ctx ends, the keys of
// filings stored more than retention before now() (PurgeIdempotencyKeys).
// A negative retention purges nothing; 0 means
// DefaultIdempotencyRetention.
func RunIdempotencyPurge(ctx context.Context, filings questionnaire.FilingStore, retention time.Duration, now func() time.Time, ticks <-chan time.Time, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	retention = Options{IdempotencyRetention: retention}.retention()
	if retention < 0 {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			n, err := PurgeIdempotencyKeys(ctx, filings, now().Add(-retention))
			if err != nil {
				log.Error("idempotency keys purge", "error", err, "purged", n)
				continue
			}
			if n > 0 {
				log.Info("idempotency keys purged", "purged", n, "retention", retention.String())
			}
		}
	}
}
