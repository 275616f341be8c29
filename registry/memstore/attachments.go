package memstore

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/openregistro/registro/registry"
)

// AttachmentFile implements registry.ApplicationFiles.
func (s *Store) AttachmentFile(ctx context.Context, sha string) (registry.AttachmentFile, error) {
	if err := ctx.Err(); err != nil {
		return registry.AttachmentFile{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.files[sha]
	if !ok {
		return registry.AttachmentFile{}, fmt.Errorf("attachment %q: %w", sha, registry.ErrNotFound)
	}
	f.Content = bytes.Clone(f.Content)
	return f, nil
}

// LastProtocol implements registry.ApplicationFiles.
func (s *Store) LastProtocol(ctx context.Context, year int) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	prefix := strconv.Itoa(year) + "/"
	last := ""
	for _, a := range s.applications {
		if p := protocolOf(&a); len(p) > len(prefix) && p[:len(prefix)] == prefix && p > last {
			last = p
		}
	}
	return last, nil
}

func protocolOf(a *registry.Application) string {
	if a.Receipt == nil {
		return ""
	}
	return a.Receipt.Protocol
}

// checkProtocols returns ErrConflict when an application of b holds the
// protocol number of another application, stored or in b. Called with the
// lock held, before anything is written.
func (s *Store) checkProtocols(b *registry.Batch) error {
	deleted := map[string]bool{}
	for _, d := range b.Deletes {
		if d.Kind == registry.KindApplication {
			deleted[d.ID] = true
		}
	}
	owner := map[string]string{}
	for _, a := range b.Applications {
		p := protocolOf(&a)
		if p == "" {
			continue
		}
		if other, ok := owner[p]; ok {
			return fmt.Errorf("applications %q and %q share protocol %q: %w", other, a.ID, p, registry.ErrConflict)
		}
		owner[p] = a.ID
	}
	if len(owner) == 0 {
		return nil
	}
	for id, a := range s.applications {
		if o, ok := owner[protocolOf(&a)]; ok && o != id && !deleted[id] {
			return fmt.Errorf("protocol %q belongs to application %q: %w", protocolOf(&a), id, registry.ErrConflict)
		}
	}
	return nil
}

// putFiles stores each file once by digest. Called with the lock held.
func (s *Store) putFiles(files []registry.AttachmentFile) {
	for _, f := range files {
		if _, ok := s.files[f.SHA256]; ok {
			continue
		}
		if s.files == nil {
			s.files = map[string]registry.AttachmentFile{}
		}
		f.Content = bytes.Clone(f.Content)
		s.files[f.SHA256] = f
	}
}
