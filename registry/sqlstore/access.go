package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/openregistro/registro/registry"
)

var _ registry.GrantStore = (*Store)(nil)

// Grant implements registry.GrantStore.
func (s *Store) Grant(ctx context.Context, id string) (registry.Grant, error) {
	var g registry.Grant
	v, err := s.readDoc(ctx, s.reads, &g, fmt.Sprintf("grant %q", id), "SELECT version, doc FROM grants WHERE id = ?", id)
	if err != nil {
		return registry.Grant{}, err
	}
	g.Version = v
	return g, nil
}

// AllGrants implements registry.GrantStore: a range scan of the primary key.
func (s *Store) AllGrants(ctx context.Context, after string, limit int) ([]registry.Grant, error) {
	if limit < 1 {
		return nil, errors.New("sqlstore: grants: limit below 1")
	}
	return readDocs(ctx, s, "grants", func(g *registry.Grant, v int64) { g.Version = v },
		"SELECT version, doc FROM grants WHERE id > ? ORDER BY id LIMIT ?", after, limit)
}
