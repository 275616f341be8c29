package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/openregistro/registro/registry"
)

var _ registry.GrantStore = (*Store)(nil)

// Grant implements registry.GrantStore.
func (s *Store) Grant(ctx context.Context, id string) (registry.Grant, error) {
	if err := ctx.Err(); err != nil {
		return registry.Grant{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.grants[id]
	if !ok {
		return registry.Grant{}, fmt.Errorf("memstore: grant %q: %w", id, registry.ErrNotFound)
	}
	return g, nil
}

// AllGrants implements registry.GrantStore.
func (s *Store) AllGrants(ctx context.Context, after string, limit int) ([]registry.Grant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, errors.New("memstore: grants: limit below 1")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []registry.Grant{}
	for _, g := range s.grants {
		if g.ID > after {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b registry.Grant) int { return cmp.Compare(a.ID, b.ID) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
