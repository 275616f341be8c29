package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openregistro/registro/questionnaire"
)

// Idempotency keys expire (migration 0009 indexes their creation time).
// Only rows of idempotency_keys are deleted: a filing stored with a key
// stays, and nothing references a key row.

var _ questionnaire.IdempotencyExpirer = (*Filings)(nil)

// PurgeIdempotency implements questionnaire.IdempotencyExpirer.
func (fs *Filings) PurgeIdempotency(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int64
	err := fs.s.write(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `DELETE FROM idempotency_keys
WHERE (subject, idem_key) IN (SELECT subject, idem_key FROM idempotency_keys
	WHERE created_at < ? ORDER BY created_at, subject, idem_key LIMIT ?)`, formatTime(cutoff), limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge idempotency keys: %w", err)
	}
	return int(n), nil
}

// ExpireIdempotency implements questionnaire.IdempotencyExpirer.
//
// The key is read first, outside any transaction: a key that is missing or
// not expired (every key of a request, but for a retry past the retention)
// costs no write.
func (fs *Filings) ExpireIdempotency(ctx context.Context, subject, key string, cutoff time.Time) (bool, error) {
	s := fs.s
	var created string
	err := s.reads.QueryRowContext(ctx, s.d.q(`SELECT created_at FROM idempotency_keys WHERE subject = ? AND idem_key = ?`),
		subject, key).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlstore: expire idempotency key: %w", err)
	}
	if created >= formatTime(cutoff) {
		return false, nil
	}
	var n int64
	err = s.write(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `DELETE FROM idempotency_keys
WHERE subject = ? AND idem_key = ? AND created_at < ?`, subject, key, formatTime(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlstore: expire idempotency key: %w", err)
	}
	return n > 0, nil
}
