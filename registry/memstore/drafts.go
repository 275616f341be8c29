package memstore

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/openregistro/registro/registry"
)

// drafts are the drafts of annual reports, by body and year. They have a
// lock of their own: a draft is written alone, never in a Commit batch.
type drafts struct {
	mu sync.Mutex
	m  map[draftKey]registry.Draft
}

type draftKey struct {
	entityID string
	year     int
}

var _ registry.DraftStore = (*Store)(nil)

// Draft implements registry.DraftStore.
func (s *Store) Draft(ctx context.Context, entityID string, year int) (registry.Draft, error) {
	if err := ctx.Err(); err != nil {
		return registry.Draft{}, err
	}
	s.drafts.mu.Lock()
	defer s.drafts.mu.Unlock()
	d, ok := s.drafts.m[draftKey{entityID, year}]
	if !ok {
		return registry.Draft{}, fmt.Errorf("memstore: draft of %q for %d: %w", entityID, year, registry.ErrNotFound)
	}
	d.Document = slices.Clone(d.Document)
	return d, nil
}

// PutDraft implements registry.DraftStore.
func (s *Store) PutDraft(ctx context.Context, d registry.Draft) (registry.Draft, error) {
	if err := ctx.Err(); err != nil {
		return registry.Draft{}, err
	}
	s.drafts.mu.Lock()
	defer s.drafts.mu.Unlock()
	k := draftKey{d.EntityID, d.Year}
	cur, ok := s.drafts.m[k]
	switch {
	case d.Version < 0:
		return registry.Draft{}, fmt.Errorf("memstore: draft of %q for %d: negative version: %w", d.EntityID, d.Year, registry.ErrConflict)
	case d.Version == 0 && ok:
		return registry.Draft{}, fmt.Errorf("memstore: draft of %q for %d exists: %w", d.EntityID, d.Year, registry.ErrConflict)
	case d.Version > 0 && !ok:
		return registry.Draft{}, fmt.Errorf("memstore: draft of %q for %d: %w", d.EntityID, d.Year, registry.ErrNotFound)
	case d.Version > 0 && cur.Version != d.Version:
		return registry.Draft{}, fmt.Errorf("memstore: draft of %q for %d: version %d, stored %d: %w",
			d.EntityID, d.Year, d.Version, cur.Version, registry.ErrConflict)
	}
	if s.drafts.m == nil {
		s.drafts.m = map[draftKey]registry.Draft{}
	}
	d.Version++
	d.Document = slices.Clone(d.Document)
	s.drafts.m[k] = d
	d.Document = slices.Clone(d.Document)
	return d, nil
}
