package memstore

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/openregistro/registro/registry"
)

// apiTokens are the API tokens of a Store (registry.APITokenStore), apart
// from the register's records: they have their own lock.
type apiTokens struct {
	mu     sync.RWMutex
	byID   map[string]registry.APIToken
	byHash map[registry.TokenHash]string
}

// CreateAPIToken implements registry.APITokenStore.
func (s *Store) CreateAPIToken(ctx context.Context, t registry.APIToken, hash registry.TokenHash) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := &s.tokens
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.byID == nil {
		k.byID, k.byHash = map[string]registry.APIToken{}, map[registry.TokenHash]string{}
	}
	if _, ok := k.byID[t.ID]; ok || t.ID == "" {
		return fmt.Errorf("memstore: API token %q: %w", t.ID, registry.ErrConflict)
	}
	if _, ok := k.byHash[hash]; ok {
		return fmt.Errorf("memstore: API token secret taken: %w", registry.ErrConflict)
	}
	k.byID[t.ID] = utcToken(t)
	k.byHash[hash] = t.ID
	return nil
}

// APITokenByHash implements registry.APITokenStore.
func (s *Store) APITokenByHash(ctx context.Context, hash registry.TokenHash) (registry.APIToken, error) {
	if err := ctx.Err(); err != nil {
		return registry.APIToken{}, err
	}
	k := &s.tokens
	k.mu.RLock()
	defer k.mu.RUnlock()
	id, ok := k.byHash[hash]
	if !ok {
		return registry.APIToken{}, registry.ErrNotFound
	}
	return k.byID[id], nil
}

// APITokens implements registry.APITokenStore.
func (s *Store) APITokens(ctx context.Context) ([]registry.APIToken, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := &s.tokens
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]registry.APIToken, 0, len(k.byID))
	for _, t := range k.byID {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// RevokeAPIToken implements registry.APITokenStore.
func (s *Store) RevokeAPIToken(ctx context.Context, id, by string, at time.Time) (registry.APIToken, error) {
	if err := ctx.Err(); err != nil {
		return registry.APIToken{}, err
	}
	k := &s.tokens
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.byID[id]
	if !ok {
		return registry.APIToken{}, fmt.Errorf("memstore: API token %q: %w", id, registry.ErrNotFound)
	}
	if !t.Revoked() {
		t.RevokedBy, t.RevokedAt = by, at.UTC()
		k.byID[id] = t
	}
	return t, nil
}

// utcToken returns t with its times in UTC, as SQL stores return them.
func utcToken(t registry.APIToken) registry.APIToken {
	t.ExpiresAt, t.CreatedAt = t.ExpiresAt.UTC(), t.CreatedAt.UTC()
	if !t.RevokedAt.IsZero() {
		t.RevokedAt = t.RevokedAt.UTC()
	}
	return t
}
