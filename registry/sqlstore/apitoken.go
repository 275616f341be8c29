package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/openregistro/registro/registry"
)

// The API tokens live in the api_tokens table (migration 0007): the hash of
// the secret, never the secret.

const apiTokenColumns = "id, token_hash, name, role, entity_id, region, expires_at, created_by, created_at, revoked_by, revoked_at"

// CreateAPIToken implements registry.APITokenStore.
func (s *Store) CreateAPIToken(ctx context.Context, t registry.APIToken, hash registry.TokenHash) error {
	if t.ID == "" {
		return fmt.Errorf("sqlstore: API token without ID: %w", registry.ErrConflict)
	}
	var revoked any
	if t.Revoked() {
		revoked = formatTime(t.RevokedAt)
	}
	return s.write(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, "INSERT INTO api_tokens ("+apiTokenColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			t.ID, hex.EncodeToString(hash[:]), t.Name, t.Role.String(), t.EntityID, t.Region,
			formatTime(t.ExpiresAt), t.CreatedBy, formatTime(t.CreatedAt), t.RevokedBy, revoked)
		if s.d.isUnique(err) {
			return fmt.Errorf("sqlstore: API token %q: ID or secret taken: %w", t.ID, registry.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("sqlstore: create API token: %w", err)
		}
		return nil
	})
}

// APITokenByHash implements registry.APITokenStore.
func (s *Store) APITokenByHash(ctx context.Context, hash registry.TokenHash) (registry.APIToken, error) {
	row := s.reads.QueryRowContext(ctx, s.d.q("SELECT "+apiTokenColumns+" FROM api_tokens WHERE token_hash = ?"), hex.EncodeToString(hash[:]))
	t, stored, err := scanAPIToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return registry.APIToken{}, registry.ErrNotFound
	}
	if err != nil {
		return registry.APIToken{}, err
	}
	if !registry.EqualTokenHash(stored, hash) {
		return registry.APIToken{}, registry.ErrNotFound
	}
	return t, nil
}

// APITokens implements registry.APITokenStore.
func (s *Store) APITokens(ctx context.Context) ([]registry.APIToken, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: API tokens: %w", err)
	}
	defer rows.Close()
	out := []registry.APIToken{}
	for rows.Next() {
		t, _, err := scanAPIToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: API tokens: %w", err)
	}
	return out, nil
}

// RevokeAPIToken implements registry.APITokenStore.
func (s *Store) RevokeAPIToken(ctx context.Context, id, by string, at time.Time) (registry.APIToken, error) {
	var t registry.APIToken
	err := s.write(ctx, func(ctx context.Context, tx *txn) error {
		if _, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
			by, formatTime(at), id); err != nil {
			return fmt.Errorf("sqlstore: revoke API token: %w", err)
		}
		var err error
		t, _, err = scanAPIToken(tx.QueryRowContext(ctx, s.d.q("SELECT "+apiTokenColumns+" FROM api_tokens WHERE id = ?"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: API token %q: %w", id, registry.ErrNotFound)
		}
		return err
	})
	return t, err
}

// scanAPIToken reads a row of apiTokenColumns.
func scanAPIToken(row interface{ Scan(...any) error }) (registry.APIToken, registry.TokenHash, error) {
	var (
		t                registry.APIToken
		hash, role       string
		expires, created string
		revoked          sql.NullString
		stored           registry.TokenHash
	)
	if err := row.Scan(&t.ID, &hash, &t.Name, &role, &t.EntityID, &t.Region, &expires, &t.CreatedBy, &created, &t.RevokedBy, &revoked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return t, stored, err
		}
		return t, stored, fmt.Errorf("sqlstore: read API token: %w", err)
	}
	b, err := hex.DecodeString(hash)
	if err != nil || len(b) != len(stored) {
		return t, stored, fmt.Errorf("sqlstore: API token %q: bad stored hash", t.ID)
	}
	copy(stored[:], b)
	if t.Role, err = registry.ParseRole(role); err != nil {
		return t, stored, fmt.Errorf("sqlstore: API token %q: %v", t.ID, err)
	}
	if t.ExpiresAt, err = parseTime(expires); err == nil {
		t.CreatedAt, err = parseTime(created)
	}
	if err == nil && revoked.Valid {
		t.RevokedAt, err = parseTime(revoked.String)
	}
	if err != nil {
		return t, stored, fmt.Errorf("sqlstore: API token %q: %v", t.ID, err)
	}
	return t, stored, nil
}
