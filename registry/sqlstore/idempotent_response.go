package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openregistro/registro/registry"
)

// The answers of registrod's idempotent writes (migration 0006): a key is
// first remembered (RememberIdempotency, which makes a concurrent request
// with the same key wait for no one: it is refused), the write is made, and
// its answer is saved with the key; a retry reads it back.

// SaveIdempotentResponse saves the answer (status and body) of the request
// that remembered key; a key that already has an answer keeps it.
//
// Errors: ErrNotFound (wrapped) when the key is not remembered; database
// errors.
func (fs *Filings) SaveIdempotentResponse(ctx context.Context, subject, key string, status int, body []byte) error {
	s := fs.s
	return s.write(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `UPDATE idempotency_keys SET response_status = ?, response_body = ?
WHERE subject = ? AND idem_key = ? AND response_status IS NULL`, status, body, subject, key)
		if err != nil {
			return fmt.Errorf("sqlstore: save idempotent response: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: save idempotent response: %w", err)
		} else if n > 0 {
			return nil
		}
		var st sql.NullInt64
		err = tx.QueryRowContext(ctx, s.d.q(`SELECT response_status FROM idempotency_keys WHERE subject = ? AND idem_key = ?`),
			subject, key).Scan(&st)
		if err == nil && st.Valid {
			return nil // answered already: the first answer stays
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: save idempotent response: %w", err)
		}
		return fmt.Errorf("sqlstore: idempotency key %q of %q: %w", key, subject, registry.ErrNotFound)
	})
}

// IdempotentResponse returns the saved answer of key.
//
// Errors: ErrNotFound (wrapped) when the key is not remembered or has no
// answer yet; database errors.
func (fs *Filings) IdempotentResponse(ctx context.Context, subject, key string) (status int, body []byte, err error) {
	var st sql.NullInt64
	err = fs.s.reads.QueryRowContext(ctx, fs.s.d.q(`SELECT response_status, response_body FROM idempotency_keys
WHERE subject = ? AND idem_key = ?`), subject, key).Scan(&st, &body)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !st.Valid) {
		return 0, nil, fmt.Errorf("sqlstore: idempotent response of %q: %w", key, registry.ErrNotFound)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("sqlstore: read idempotent response: %w", err)
	}
	return int(st.Int64), body, nil
}

// ForgetIdempotency removes a remembered key that has no answer and names
// no filing (a write that failed for a reason a retry may not meet again),
// so that the key may be used again.
func (fs *Filings) ForgetIdempotency(ctx context.Context, subject, key string) error {
	return fs.s.write(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `DELETE FROM idempotency_keys
WHERE subject = ? AND idem_key = ? AND response_status IS NULL AND revision IS NULL`, subject, key)
		if err != nil {
			return fmt.Errorf("sqlstore: forget idempotency key: %w", err)
		}
		return nil
	})
}
