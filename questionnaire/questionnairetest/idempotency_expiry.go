package questionnairetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
)

// runIdempotencyExpiryTests checks the expiry of idempotency keys of a
// store that expires them (questionnaire.IdempotencyExpirer): purges are
// bounded, oldest first, delete key records only (never a filing), and an
// expired key may be used again.
func runIdempotencyExpiryTests(t *testing.T, newStore func(t *testing.T) questionnaire.FilingStore) {
	ctx := context.Background()
	t0 := time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)
	if _, ok := newStore(t).(questionnaire.IdempotencyExpirer); !ok {
		return
	}
	filing := func(rev int, at time.Time) questionnaire.Filing {
		return questionnaire.Filing{BodyTaxCode: "80123450159", Year: 2024, Revision: rev, FiledAt: at,
			FilerTaxCode: "RCCMNL83S18D969H", Document: []byte(`{}`)}
	}
	key := func(name string) questionnaire.IdempotencyKey {
		return questionnaire.IdempotencyKey{Subject: "cf:RCCMNL83S18D969H", Key: name, RequestHash: "h-" + name}
	}
	t.Run("PurgeKeepsFilings", func(t *testing.T) {
		s := newStore(t).(questionnaire.IdempotencyExpirer)
		if err := s.Put(questionnaire.WithIdempotencyKey(ctx, key("filed")), filing(1, t0)); err != nil {
			t.Fatal(err)
		}
		if err := s.RememberIdempotency(ctx, key("old"), t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.RememberIdempotency(ctx, key("young"), t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		n, err := s.PurgeIdempotency(ctx, t0.Add(2*time.Hour), 100)
		if err != nil || n != 2 {
			t.Fatalf("purge: %d, %v; want 2", n, err)
		}
		for _, k := range []string{"filed", "old"} {
			if _, err := s.Idempotency(ctx, key(k).Subject, k); !errors.Is(err, registry.ErrNotFound) {
				t.Errorf("purged key %q: err = %v, want ErrNotFound", k, err)
			}
		}
		if rec, err := s.Idempotency(ctx, key("young").Subject, "young"); err != nil || rec.RequestHash != "h-young" {
			t.Errorf("kept key: %+v, %v", rec, err)
		}
		hist, err := s.History(ctx, "80123450159", 2024)
		if err != nil || len(hist) != 1 || hist[0].Revision != 1 {
			t.Fatalf("the filing of a purged key: %+v, %v", hist, err)
		}
		// The expired key is a new request: it stores the next revision.
		if err := s.Put(questionnaire.WithIdempotencyKey(ctx, key("filed")), filing(2, t0.Add(4*time.Hour))); err != nil {
			t.Fatalf("an expired key used again: %v", err)
		}
		if rec, err := s.Idempotency(ctx, key("filed").Subject, "filed"); err != nil || rec.Revision != 2 {
			t.Fatalf("the key used again: %+v, %v", rec, err)
		}
		if n, err := s.PurgeIdempotency(ctx, t0.Add(2*time.Hour), 100); err != nil || n != 0 {
			t.Fatalf("purge of nothing expired: %d, %v", n, err)
		}
	})
	t.Run("PurgeIsBoundedOldestFirst", func(t *testing.T) {
		s := newStore(t).(questionnaire.IdempotencyExpirer)
		for i := range 5 {
			// Remembered newest first, so that insertion order is not age.
			if err := s.RememberIdempotency(ctx, key(fmt.Sprint("k", i)), t0.Add(time.Duration(5-i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		cutoff := t0.Add(time.Hour)
		for _, want := range []int{2, 2, 1, 0} {
			n, err := s.PurgeIdempotency(ctx, cutoff, 2)
			if err != nil || n != want {
				t.Fatalf("purge: %d, %v; want %d", n, err, want)
			}
			if want == 2 {
				// The oldest go first (k4, k3, then k2, k1): the youngest,
				// k0, is still kept.
				if _, err := s.Idempotency(ctx, key("k0").Subject, "k0"); err != nil {
					t.Fatalf("the youngest key was purged first: %v", err)
				}
			}
		}
		if n, err := s.PurgeIdempotency(ctx, cutoff, 0); err != nil || n != 0 {
			t.Fatalf("purge with limit 0: %d, %v", n, err)
		}
	})
	t.Run("PurgeOldestFirst", func(t *testing.T) {
		s := newStore(t).(questionnaire.IdempotencyExpirer)
		for i := range 3 {
			if err := s.RememberIdempotency(ctx, key(fmt.Sprint("k", i)), t0.Add(time.Duration(3-i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.PurgeIdempotency(ctx, t0.Add(time.Hour), 2); err != nil || n != 2 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		// k0 is the youngest (stored last in time, first in order).
		if _, err := s.Idempotency(ctx, key("k0").Subject, "k0"); err != nil {
			t.Fatalf("the youngest key k0 was purged before older ones: %v", err)
		}
	})
	t.Run("ExpireOneKey", func(t *testing.T) {
		s := newStore(t).(questionnaire.IdempotencyExpirer)
		k := key("one")
		if err := s.RememberIdempotency(ctx, k, t0); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.ExpireIdempotency(ctx, k.Subject, k.Key, t0); err != nil || ok {
			t.Fatalf("expire a key stored at the cutoff: %v, %v; want false", ok, err)
		}
		if ok, err := s.ExpireIdempotency(ctx, "cf:other", k.Key, t0.Add(time.Hour)); err != nil || ok {
			t.Fatalf("expire another subject's key: %v, %v; want false", ok, err)
		}
		if ok, err := s.ExpireIdempotency(ctx, k.Subject, k.Key, t0.Add(time.Nanosecond)); err != nil || !ok {
			t.Fatalf("expire: %v, %v; want true", ok, err)
		}
		if err := s.RememberIdempotency(ctx, k, t0.Add(time.Hour)); err != nil {
			t.Fatalf("an expired key remembered again: %v", err)
		}
	})
}
