package questionnaire

import (
	"context"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// ErrIdempotencyKeyUsed is wrapped by a store's Put (or PutWithEvents) when
// the idempotency key its context carries (WithIdempotencyKey) is already
// stored, and by RememberIdempotency: nothing is written. The caller reads
// the key's record (Idempotency) and answers as the first request did. Its
// kind is problem.KindConflict.
var ErrIdempotencyKeyUsed = problem.NewError(problem.KindConflict, "questionnaire: idempotency key already used")

// IdempotencyKey is an Idempotency-Key a caller sent with a request: retried
// with the same key and the same request, a write is made once.
type IdempotencyKey struct {
	// Subject is the caller whose key it is: keys of different callers
	// never meet.
	Subject string
	// Key is the key as the caller sent it.
	Key string
	// RequestHash identifies the request (a hex SHA-256 of what it asks):
	// a key reused for another request is an error of the caller.
	RequestHash string
}

// IdempotencyRecord is a stored key and what its first request wrote.
type IdempotencyRecord struct {
	IdempotencyKey
	// BodyTaxCode, Year and Revision name the filing revision the first
	// request stored; they are zero for a request that stored no filing.
	BodyTaxCode string
	Year        int
	Revision    int
	// CreatedAt is when the key was stored.
	CreatedAt time.Time
}

// IdempotencyStore is a FilingStore that keeps idempotency keys. Its Put
// (and PutWithEvents, for an EventFilingStore) stores the key of
// WithIdempotencyKey, when the context carries one, with the filing and in
// the same transaction: either both are written or neither; a key already
// stored fails the write with ErrIdempotencyKeyUsed. MemStore and sqlstore's
// filings implement it.
type IdempotencyStore interface {
	FilingStore
	// Idempotency returns the record of subject's key, or an error wrapping
	// registry.ErrNotFound.
	Idempotency(ctx context.Context, subject, key string) (IdempotencyRecord, error)
	// RememberIdempotency stores the key of a request that writes nothing
	// else; ErrIdempotencyKeyUsed when it is already stored.
	RememberIdempotency(ctx context.Context, k IdempotencyKey, at time.Time) error
}

type idemCtxKey struct{}

// WithIdempotencyKey returns a context that makes an IdempotencyStore's Put
// store k with the filing, in the same transaction.
func WithIdempotencyKey(ctx context.Context, k IdempotencyKey) context.Context {
	return context.WithValue(ctx, idemCtxKey{}, k)
}

// IdempotencyKeyFrom returns the key WithIdempotencyKey put in ctx.
func IdempotencyKeyFrom(ctx context.Context) (IdempotencyKey, bool) {
	k, ok := ctx.Value(idemCtxKey{}).(IdempotencyKey)
	return k, ok
}
