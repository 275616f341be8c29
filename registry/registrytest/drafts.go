package registrytest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

// RunDraftStoreTests runs the conformance tests of registry.DraftStore
// against fresh, empty stores made by newStore: create, read, replace from
// the stored version only, one draft per body and year, copies on read, and
// exactly one winner among concurrent saves from the same version.
func RunDraftStoreTests(t *testing.T, newStore func(t *testing.T) registry.DraftStore) {
	ctx := context.Background()
	at := time.Date(2025, 1, 10, 9, 30, 0, 123456789, time.UTC)
	draft := func(version int64, doc string) registry.Draft {
		return registry.Draft{EntityID: "E1", Year: 2024, Version: version, Document: []byte(doc), SavedAt: at, SavedBy: "body:E1:cf:X"}
	}
	t.Run("create read replace", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Draft(ctx, "E1", 2024); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("Draft before any save: %v, want ErrNotFound", err)
		}
		d, err := s.PutDraft(ctx, draft(0, `{"a":1}`))
		if err != nil || d.Version != 1 {
			t.Fatalf("create: %+v, %v", d, err)
		}
		got, err := s.Draft(ctx, "E1", 2024)
		if err != nil || got.Version != 1 || string(got.Document) != `{"a":1}` || !got.SavedAt.Equal(at) || got.SavedBy != "body:E1:cf:X" {
			t.Fatalf("read: %+v, %v", got, err)
		}
		got.Document[2] = 'X' // a copy: the store keeps its own
		if again, _ := s.Draft(ctx, "E1", 2024); string(again.Document) != `{"a":1}` {
			t.Fatalf("the store shares its bytes: %s", again.Document)
		}
		d, err = s.PutDraft(ctx, draft(1, `{"a":2}`))
		if err != nil || d.Version != 2 {
			t.Fatalf("replace: %+v, %v", d, err)
		}
		if got, _ := s.Draft(ctx, "E1", 2024); got.Version != 2 || string(got.Document) != `{"a":2}` {
			t.Fatalf("after replace: %+v", got)
		}
	})
	t.Run("versions", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.PutDraft(ctx, draft(1, `{}`)); !errors.Is(err, registry.ErrNotFound) {
			t.Errorf("replace of no draft: %v, want ErrNotFound", err)
		}
		if _, err := s.PutDraft(ctx, draft(0, `{}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutDraft(ctx, draft(0, `{"b":1}`)); !errors.Is(err, registry.ErrConflict) {
			t.Errorf("second create: %v, want ErrConflict", err)
		}
		if _, err := s.PutDraft(ctx, draft(5, `{"b":1}`)); !errors.Is(err, registry.ErrConflict) {
			t.Errorf("stale version: %v, want ErrConflict", err)
		}
		if got, _ := s.Draft(ctx, "E1", 2024); got.Version != 1 || string(got.Document) != `{}` {
			t.Errorf("a refused save changed the draft: %+v", got)
		}
		other := draft(0, `{"c":1}`)
		other.Year = 2023
		if _, err := s.PutDraft(ctx, other); err != nil {
			t.Errorf("another year is another draft: %v", err)
		}
		other.EntityID, other.Year = "E2", 2024
		if _, err := s.PutDraft(ctx, other); err != nil {
			t.Errorf("another body is another draft: %v", err)
		}
	})
	t.Run("concurrent saves", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.PutDraft(ctx, draft(0, `{}`)); err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.PutDraft(ctx, draft(1, `{"n":1}`))
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, registry.ErrConflict):
				t.Errorf("concurrent save: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d concurrent saves from version 1 succeeded, want 1", won)
		}
		if got, _ := s.Draft(ctx, "E1", 2024); got.Version != 2 {
			t.Errorf("version %d after the race, want 2", got.Version)
		}
	})
}
