package questionnairetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// RunFilingStoreTests runs the conformance tests every FilingStore must pass.
// newStore returns an empty store for each subtest.
func RunFilingStoreTests(t *testing.T, newStore func(t *testing.T) questionnaire.FilingStore) {
	ctx := context.Background()
	at := time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)
	filing := func(body string, year, rev int) questionnaire.Filing {
		return questionnaire.Filing{
			BodyTaxCode: body, Year: year, Revision: rev, FiledAt: at.Add(time.Duration(rev) * time.Hour),
			FilerTaxCode: "RCCMNL83S18D969H", Document: []byte(fmt.Sprintf(`{"rev":%d}`, rev)),
		}
	}
	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Get(ctx, "80123450159", 2024); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("Get on empty store: err = %v, want ErrNotFound", err)
		}
		if _, err := s.History(ctx, "80123450159", 2024); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("History on empty store: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("PutGetRoundTrip", func(t *testing.T) {
		s := newStore(t)
		f := filing("80123450159", 2024, 1)
		f.Late = true
		f.Warnings = problem.List{problem.New("", "deadline", questionnaire.CodeLateFiling, nil, "tardi", "late").AsWarning()}
		if err := s.Put(ctx, f); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, f.BodyTaxCode, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if got.Revision != 1 || !got.Late || string(got.Document) != string(f.Document) ||
			!got.FiledAt.Equal(f.FiledAt) || got.FilerTaxCode != f.FilerTaxCode ||
			len(got.Warnings) != 1 || got.Warnings[0].Code != questionnaire.CodeLateFiling || got.Warnings[0].Severity != problem.Warning {
			t.Fatalf("Get = %+v, want %+v", got, f)
		}
		if _, err := s.Get(ctx, f.BodyTaxCode, 2023); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("other year: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("AmendmentsKeepHistory", func(t *testing.T) {
		s := newStore(t)
		for rev := 1; rev <= 3; rev++ {
			if err := s.Put(ctx, filing("80123450159", 2024, rev)); err != nil {
				t.Fatalf("revision %d: %v", rev, err)
			}
		}
		cur, err := s.Get(ctx, "80123450159", 2024)
		if err != nil || cur.Revision != 3 || string(cur.Document) != `{"rev":3}` {
			t.Fatalf("current = %+v, %v; want revision 3", cur, err)
		}
		hist, err := s.History(ctx, "80123450159", 2024)
		if err != nil || len(hist) != 3 {
			t.Fatalf("History = %d revisions, %v; want 3", len(hist), err)
		}
		for i, h := range hist {
			if h.Revision != i+1 || string(h.Document) != fmt.Sprintf(`{"rev":%d}`, i+1) {
				t.Fatalf("history[%d] = revision %d %s", i, h.Revision, h.Document)
			}
		}
	})
	t.Run("ConflictingRevision", func(t *testing.T) {
		s := newStore(t)
		if err := s.Put(ctx, filing("80123450159", 2024, 2)); !errors.Is(err, registry.ErrConflict) {
			t.Fatalf("first put with revision 2: err = %v, want ErrConflict", err)
		}
		if err := s.Put(ctx, filing("80123450159", 2024, 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, filing("80123450159", 2024, 1)); !errors.Is(err, registry.ErrConflict) {
			t.Fatalf("repeated revision 1: err = %v, want ErrConflict", err)
		}
		hist, _ := s.History(ctx, "80123450159", 2024)
		if len(hist) != 1 {
			t.Fatalf("a conflicting put stored something: %d revisions", len(hist))
		}
	})
	t.Run("ConcurrentAmendmentsOneWins", func(t *testing.T) {
		s := newStore(t)
		if err := s.Put(ctx, filing("80123450159", 2024, 1)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.Put(ctx, filing("80123450159", 2024, 2))
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, registry.ErrConflict) {
					t.Errorf("concurrent put: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d concurrent amendments to revision 2 succeeded, want 1", wins)
		}
	})
	t.Run("YearInOrder", func(t *testing.T) {
		s := newStore(t)
		bodies := []string{"80123450159", "00743110157", "01199250158"}
		for _, b := range bodies {
			if err := s.Put(ctx, filing(b, 2024, 1)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Put(ctx, filing("00743110157", 2024, 2)); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, filing("00743110157", 2023, 1)); err != nil {
			t.Fatal(err)
		}
		var got []string
		for f, err := range s.Year(ctx, 2024) {
			if err != nil {
				t.Fatal(err)
			}
			if f.Year != 2024 {
				t.Fatalf("Year(2024) yielded year %d", f.Year)
			}
			if f.BodyTaxCode == "00743110157" && f.Revision != 2 {
				t.Fatalf("Year yielded revision %d, want the current one (2)", f.Revision)
			}
			got = append(got, f.BodyTaxCode)
		}
		want := []string{"00743110157", "01199250158", "80123450159"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Year order = %v, want %v", got, want)
		}
		n := 0
		for range s.Year(ctx, 2024) {
			n++
			break
		}
		if n != 1 {
			t.Fatalf("early break yielded %d", n)
		}
		for _, err := range s.Year(ctx, 2030) {
			t.Fatalf("empty year yielded (err %v)", err)
		}
	})
	runIdempotencyTests(t, newStore)
	runIdempotencyExpiryTests(t, newStore)
	t.Run("CurrentRevisionAgreesWithGet", func(t *testing.T) {
		s := newStore(t)
		rs, ok := s.(questionnaire.RevisionStore)
		if !ok {
			t.Skip("the store is not a questionnaire.RevisionStore")
		}
		if _, _, err := rs.CurrentRevision(ctx, "80123450159", 2024); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("CurrentRevision on empty store: err = %v, want ErrNotFound", err)
		}
		for rev := 1; rev <= 3; rev++ {
			f := filing("80123450159", 2024, rev)
			f.Late = rev%2 == 1 // each revision keeps its own flag: the current one's must be read
			if err := s.Put(ctx, f); err != nil {
				t.Fatalf("revision %d: %v", rev, err)
			}
			got, late, err := rs.CurrentRevision(ctx, f.BodyTaxCode, 2024)
			cur, gerr := s.Get(ctx, f.BodyTaxCode, 2024)
			if err != nil || gerr != nil || got != cur.Revision || late != cur.Late || got != rev || late != f.Late {
				t.Fatalf("after revision %d: CurrentRevision = %d, %t, %v; Get = %d, %t, %v", rev, got, late, err, cur.Revision, cur.Late, gerr)
			}
		}
		if _, _, err := rs.CurrentRevision(ctx, "80123450159", 2023); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("other year: err = %v, want ErrNotFound", err)
		}
	})
}
