// Package memstore is an in-memory registry.Store, for tests, examples and
// small embedded uses. It keeps everything in maps guarded by one RWMutex.
//
// # Errors
//
// The errors of registry.Store: registry.ErrNotFound (kind not_found) and
// registry.ErrConflict (kind conflict), wrapped with the record named;
// registry.ErrInvalidCursor (kind invalid, wrapped) for a cursor no listing
// made; ErrBadKind (kind invalid) for a delete of an unknown record kind; the
// error of a Filter.Visible; an error for a negative limit and the context's
// error for a cancelled context.
//
// # Concurrency
//
// A Store is safe for concurrent use. Commit holds the write lock for the
// whole batch, so batches are atomic and serialised.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// Store is an in-memory registry.Store. The zero value is not usable; call New.
type Store struct {
	mu           sync.RWMutex
	entities     map[string]registry.Entity
	ids          []string // entity IDs, ascending, for listings
	byCF         map[string]string
	applications map[string]registry.Application
	partnerships map[string]registry.Partnership
	grants       map[string]registry.Grant
	events       []registry.Event
	files        map[string]registry.AttachmentFile // by SHA-256 (attachments.go)
	tokens       apiTokens
	drafts       drafts // drafts.go
	// publicVersion counts the batches marked Public (PublicVersion).
	publicVersion int64
}

var (
	_ registry.Store           = (*Store)(nil)
	_ registry.PublicVersioner = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	return &Store{
		entities:     map[string]registry.Entity{},
		byCF:         map[string]string{},
		applications: map[string]registry.Application{},
		partnerships: map[string]registry.Partnership{},
		grants:       map[string]registry.Grant{},
	}
}

// Load returns a store holding entities as they are (each at version 1), with
// no events: a snapshot to compute on, such as the yearly list of a register
// exported to a file (registro report --entities). Entities must have IDs and
// distinct IDs and codici fiscali; nothing is validated, as a Registry would
// on Import.
//
// Errors: an error wrapping registry.ErrConflict for a repeated ID or codice
// fiscale.
func Load(entities []registry.Entity) (*Store, error) {
	s := New()
	b := registry.Batch{Entities: make([]registry.Entity, len(entities))}
	for i, e := range entities {
		e.Version = 0
		b.Entities[i] = e
	}
	if _, err := s.Commit(context.Background(), b); err != nil {
		return nil, err
	}
	return s, nil
}

// PublicVersion implements registry.PublicVersioner: it counts the
// committed batches marked Public.
func (s *Store) PublicVersion(ctx context.Context) (int64, bool, error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.publicVersion, true, nil
}

// Entity implements registry.Store.
func (s *Store) Entity(ctx context.Context, id string) (registry.Entity, error) {
	if err := ctx.Err(); err != nil {
		return registry.Entity{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.entities[id]
	if !ok {
		return registry.Entity{}, fmt.Errorf("entity %q: %w", id, registry.ErrNotFound)
	}
	return e.Clone(), nil
}

// EntityByCodiceFiscale implements registry.Store.
func (s *Store) EntityByCodiceFiscale(ctx context.Context, cf string) (registry.Entity, error) {
	if err := ctx.Err(); err != nil {
		return registry.Entity{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byCF[cf]
	if !ok {
		return registry.Entity{}, fmt.Errorf("entity with codice fiscale %q: %w", cf, registry.ErrNotFound)
	}
	return s.entities[id].Clone(), nil
}

func limit(n int) (int, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("memstore: negative limit %d", n)
	case n == 0:
		return registry.DefaultLimit, nil
	case n > registry.MaxLimit:
		return registry.MaxLimit, nil
	}
	return n, nil
}

func matches(e *registry.Entity, f *registry.Filter, name string) bool {
	if f.Region != "" && e.Seat.Region != f.Region {
		return false
	}
	if f.Province != "" && e.Seat.Province != f.Province {
		return false
	}
	if f.LegalForm != "" && e.LegalForm != f.LegalForm {
		return false
	}
	if f.BranchOf != "" && e.BranchOf != f.BranchOf {
		return false
	}
	if name != "" && !strings.Contains(strings.ToLower(e.Name), name) {
		return false
	}
	if f.Section != 0 || f.Status != "" {
		found := false
		for _, en := range e.Enrolments {
			if (f.Section == 0 || en.Section == f.Section) && (f.Status == "" || en.Status == f.Status) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Entities implements registry.Store. With f.Visible set it gathers the
// matching entities in chunks under the read lock and calls Visible on them
// with the lock released (registry.Paginate), until the page is full and one
// more visible entity shows that another page follows.
func (s *Store) Entities(ctx context.Context, f registry.Filter) (registry.Page, error) {
	name := strings.ToLower(f.Name)
	p, err := registry.Paginate(ctx, f, func(after string, chunk int) ([]registry.Entity, error) {
		return s.scan(&f, name, after, chunk), nil
	})
	if err != nil {
		return registry.Page{}, fmt.Errorf("memstore: %w", err)
	}
	return p, nil
}

// scan returns copies of up to max entities after the ID pos that match f
// and f.Candidates, in ID order, under the read lock.
func (s *Store) scan(f *registry.Filter, name, pos string, max int) []registry.Entity {
	s.mu.RLock()
	defer s.mu.RUnlock()
	start, found := slices.BinarySearch(s.ids, pos)
	if found {
		start++
	}
	var out []registry.Entity
	for _, id := range s.ids[start:] {
		e := s.entities[id]
		if !matches(&e, f, name) || !f.Candidates.Selects(&e) {
			continue
		}
		out = append(out, e.Clone())
		if len(out) == max {
			break
		}
	}
	return out
}

// Application implements registry.Store.
func (s *Store) Application(ctx context.Context, id string) (registry.Application, error) {
	if err := ctx.Err(); err != nil {
		return registry.Application{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.applications[id]
	if !ok {
		return registry.Application{}, fmt.Errorf("application %q: %w", id, registry.ErrNotFound)
	}
	return a.Clone(), nil
}

// Applications implements registry.Store.
func (s *Store) Applications(ctx context.Context, entityID string) ([]registry.Application, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []registry.Application{}
	for _, a := range s.applications {
		if a.EntityID == entityID {
			out = append(out, a.Clone())
		}
	}
	slices.SortFunc(out, func(a, b registry.Application) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Partnership implements registry.Store.
func (s *Store) Partnership(ctx context.Context, id string) (registry.Partnership, error) {
	if err := ctx.Err(); err != nil {
		return registry.Partnership{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.partnerships[id]
	if !ok {
		return registry.Partnership{}, fmt.Errorf("partnership %q: %w", id, registry.ErrNotFound)
	}
	return p, nil
}

// Partnerships implements registry.Store.
func (s *Store) Partnerships(ctx context.Context, entityID string) ([]registry.Partnership, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []registry.Partnership{}
	for _, p := range s.partnerships {
		if p.Involves(entityID) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b registry.Partnership) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Grants implements registry.Store.
func (s *Store) Grants(ctx context.Context, grantee string) ([]registry.Grant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []registry.Grant{}
	for _, g := range s.grants {
		if g.Grantee == grantee {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b registry.Grant) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Events implements registry.Store.
func (s *Store) Events(ctx context.Context, f registry.EventFilter) ([]registry.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, err := limit(f.Limit)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []registry.Event{}
	// Seq i+1 is at index i.
	start := int(min(max(f.After, 0), int64(len(s.events))))
	for _, ev := range s.events[start:] {
		if len(out) == n {
			break
		}
		if f.Matches(&ev) {
			out = append(out, ev.Clone())
		}
	}
	return out, nil
}

// put checks that a put or delete of the record kind/id at version may
// proceed, and marks it seen in this batch.
func put[T any](kind registry.RecordKind, m map[string]T, id string, version int64, seen map[string]bool) error {
	key := string(kind) + "\x00" + id
	if seen[key] {
		return fmt.Errorf("%s %q twice in one batch: %w", kind, id, registry.ErrConflict)
	}
	seen[key] = true
	if id == "" {
		return fmt.Errorf("%s without ID: %w", kind, registry.ErrConflict)
	}
	cur, ok := m[id]
	if version == 0 {
		if ok {
			return fmt.Errorf("%s %q already exists: %w", kind, id, registry.ErrConflict)
		}
		return nil
	}
	if !ok {
		return fmt.Errorf("%s %q: %w", kind, id, registry.ErrNotFound)
	}
	if got := versionOf(any(cur)); got != version {
		return fmt.Errorf("%s %q is at version %d, not %d: %w", kind, id, got, version, registry.ErrConflict)
	}
	return nil
}

func versionOf(v any) int64 {
	switch r := v.(type) {
	case registry.Entity:
		return r.Version
	case registry.Application:
		return r.Version
	case registry.Partnership:
		return r.Version
	case registry.Grant:
		return r.Version
	}
	return -1
}

// ErrBadKind is returned by Commit for a delete of an unknown record kind. Its
// kind is problem.KindInvalid.
var ErrBadKind = problem.NewError(problem.KindInvalid, "memstore: unknown record kind")

// Commit implements registry.Store.
func (s *Store) Commit(ctx context.Context, b registry.Batch) ([]registry.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	deleted := map[string]bool{} // entity IDs deleted in this batch
	// Check everything first; write nothing until all checks pass.
	for _, d := range b.Deletes {
		var err error
		switch d.Kind {
		case registry.KindEntity:
			err = put(d.Kind, s.entities, d.ID, d.Version, seen)
			deleted[d.ID] = true
		case registry.KindApplication:
			err = put(d.Kind, s.applications, d.ID, d.Version, seen)
		case registry.KindPartnership:
			err = put(d.Kind, s.partnerships, d.ID, d.Version, seen)
		case registry.KindGrant:
			err = put(d.Kind, s.grants, d.ID, d.Version, seen)
		default:
			err = fmt.Errorf("%w %q", ErrBadKind, d.Kind)
		}
		if err == nil && d.Version == 0 {
			err = fmt.Errorf("delete of %s %q needs its version: %w", d.Kind, d.ID, registry.ErrConflict)
		}
		if err != nil {
			return nil, err
		}
	}
	cfs := map[string]string{}
	for _, e := range b.Entities {
		if err := put(registry.KindEntity, s.entities, e.ID, e.Version, seen); err != nil {
			return nil, err
		}
		if other, ok := cfs[e.CodiceFiscale]; ok {
			return nil, fmt.Errorf("entities %q and %q share codice fiscale %q: %w", other, e.ID, e.CodiceFiscale, registry.ErrConflict)
		}
		cfs[e.CodiceFiscale] = e.ID
		if owner, ok := s.byCF[e.CodiceFiscale]; ok && owner != e.ID && !deleted[owner] {
			return nil, fmt.Errorf("codice fiscale %q belongs to entity %q: %w", e.CodiceFiscale, owner, registry.ErrConflict)
		}
	}
	for _, a := range b.Applications {
		if err := put(registry.KindApplication, s.applications, a.ID, a.Version, seen); err != nil {
			return nil, err
		}
	}
	for _, p := range b.Partnerships {
		if err := put(registry.KindPartnership, s.partnerships, p.ID, p.Version, seen); err != nil {
			return nil, err
		}
	}
	for _, g := range b.Grants {
		if err := put(registry.KindGrant, s.grants, g.ID, g.Version, seen); err != nil {
			return nil, err
		}
	}
	if err := s.checkProtocols(&b); err != nil {
		return nil, err
	}
	// The seat of every body the events name, before the batch.
	before := map[string]string{}
	for _, ev := range b.Events {
		if e, ok := s.entities[ev.EntityID]; ok {
			before[ev.EntityID] = e.Seat.Region
		}
	}
	// A CF freed by an entity of this batch that changes its own CF.
	for _, e := range b.Entities {
		if old, ok := s.entities[e.ID]; ok && old.CodiceFiscale != e.CodiceFiscale {
			if s.byCF[old.CodiceFiscale] == e.ID {
				delete(s.byCF, old.CodiceFiscale)
			}
		}
	}
	if b.Public {
		s.publicVersion++
	}
	for _, d := range b.Deletes {
		switch d.Kind {
		case registry.KindEntity:
			if s.byCF[s.entities[d.ID].CodiceFiscale] == d.ID {
				delete(s.byCF, s.entities[d.ID].CodiceFiscale)
			}
			delete(s.entities, d.ID)
			if i, ok := slices.BinarySearch(s.ids, d.ID); ok {
				s.ids = slices.Delete(s.ids, i, i+1)
			}
		case registry.KindApplication:
			delete(s.applications, d.ID)
		case registry.KindPartnership:
			delete(s.partnerships, d.ID)
		case registry.KindGrant:
			delete(s.grants, d.ID)
		}
	}
	added := 0
	for _, e := range b.Entities {
		e = e.Clone()
		e.Version++
		if _, ok := s.entities[e.ID]; !ok {
			s.ids = append(s.ids, e.ID)
			added++
		}
		s.entities[e.ID] = e
		s.byCF[e.CodiceFiscale] = e.ID
	}
	switch {
	case added == 1:
		// Move the one new ID into place: O(n), no sort.
		id := s.ids[len(s.ids)-1]
		i, _ := slices.BinarySearch(s.ids[:len(s.ids)-1], id)
		copy(s.ids[i+1:], s.ids[i:len(s.ids)-1])
		s.ids[i] = id
	case added > 1:
		slices.Sort(s.ids)
	}
	for _, a := range b.Applications {
		a = a.Clone()
		a.Version++
		s.applications[a.ID] = a
	}
	for _, p := range b.Partnerships {
		p.Version++
		s.partnerships[p.ID] = p
	}
	for _, g := range b.Grants {
		g.Version++
		s.grants[g.ID] = g
	}
	s.putFiles(b.Attachments)
	out := make([]registry.Event, len(b.Events))
	for i, ev := range b.Events {
		ev = ev.Clone()
		ev.Seq = int64(len(s.events)) + 1
		ev.Regions = registry.EventRegions(before[ev.EntityID], s.entities[ev.EntityID].Seat.Region)
		s.events = append(s.events, ev)
		out[i] = ev.Clone()
	}
	return out, nil
}
