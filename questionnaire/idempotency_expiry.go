package questionnaire

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// IdempotencyExpirer is an IdempotencyStore whose keys expire: a service
// keeps each key for a retention period, after which the key is forgotten
// and a request with it is a new request. Expiring a key deletes the key's
// record only, never the filing it names (the filing was stored with the
// key, in one transaction, but outlives it). MemStore and sqlstore's
// filings implement it.
type IdempotencyExpirer interface {
	IdempotencyStore
	// PurgeIdempotency deletes at most limit keys (limit > 0) stored before
	// cutoff, the oldest first, and returns how many it deleted: a caller
	// bounds the work of each call and calls again while it gets limit.
	PurgeIdempotency(ctx context.Context, cutoff time.Time, limit int) (int, error)
	// ExpireIdempotency deletes subject's key if it was stored before
	// cutoff, and reports whether it did.
	ExpireIdempotency(ctx context.Context, subject, key string, cutoff time.Time) (bool, error)
}

var _ IdempotencyExpirer = (*MemStore)(nil)

// PurgeIdempotency implements IdempotencyExpirer.
func (s *MemStore) PurgeIdempotency(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if limit <= 0 {
		return 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The oldest first: collect the expired keys, then delete the limit
	// oldest of them.
	var expired [][2]string
	for id, rec := range s.idem {
		if rec.CreatedAt.Before(cutoff) {
			expired = append(expired, id)
		}
	}
	if len(expired) > limit {
		sortByCreated(expired, s.idem)
		expired = expired[:limit]
	}
	for _, id := range expired {
		delete(s.idem, id)
	}
	return len(expired), nil
}

// sortByCreated sorts ids by the creation time of their records, then
// by subject and key.
func sortByCreated(ids [][2]string, recs map[[2]string]IdempotencyRecord) {
	slices.SortFunc(ids, func(a, b [2]string) int {
		if c := recs[a].CreatedAt.Compare(recs[b].CreatedAt); c != 0 {
			return c
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		return cmp.Compare(a[1], b[1])
	})
}

// ExpireIdempotency implements IdempotencyExpirer.
func (s *MemStore) ExpireIdempotency(ctx context.Context, subject, key string, cutoff time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := [2]string{subject, key}
	if rec, ok := s.idem[id]; ok && rec.CreatedAt.Before(cutoff) {
		delete(s.idem, id)
		return true, nil
	}
	return false, nil
}
