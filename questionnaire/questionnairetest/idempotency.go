package questionnairetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
)

// runIdempotencyTests checks the idempotency keys of a store that keeps
// them (questionnaire.IdempotencyStore): a key is stored with its filing or
// not at all, once per subject.
func runIdempotencyTests(t *testing.T, newStore func(t *testing.T) questionnaire.FilingStore) {
	ctx := context.Background()
	at := time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)
	filing := func(rev int) questionnaire.Filing {
		return questionnaire.Filing{BodyTaxCode: "80123450159", Year: 2024, Revision: rev, FiledAt: at,
			FilerTaxCode: "RCCMNL83S18D969H", Document: []byte(`{}`)}
	}
	if _, ok := newStore(t).(questionnaire.IdempotencyStore); !ok {
		return
	}
	t.Run("IdempotencyKeyWithTheFiling", func(t *testing.T) {
		s := newStore(t).(questionnaire.IdempotencyStore)
		k := questionnaire.IdempotencyKey{Subject: "cf:RCCMNL83S18D969H", Key: "k1", RequestHash: "h1"}
		if _, err := s.Idempotency(ctx, k.Subject, k.Key); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("unknown key: err = %v, want ErrNotFound", err)
		}
		if err := s.Put(questionnaire.WithIdempotencyKey(ctx, k), filing(1)); err != nil {
			t.Fatal(err)
		}
		rec, err := s.Idempotency(ctx, k.Subject, k.Key)
		if err != nil || rec.IdempotencyKey != k || rec.BodyTaxCode != "80123450159" || rec.Year != 2024 || rec.Revision != 1 {
			t.Fatalf("record %+v, %v", rec, err)
		}
		// The same key again: nothing is written.
		if err := s.Put(questionnaire.WithIdempotencyKey(ctx, k), filing(2)); !errors.Is(err, questionnaire.ErrIdempotencyKeyUsed) {
			t.Fatalf("reused key: err = %v, want ErrIdempotencyKeyUsed", err)
		}
		if cur, err := s.Get(ctx, "80123450159", 2024); err != nil || cur.Revision != 1 {
			t.Fatalf("after a reused key: revision %d, %v", cur.Revision, err)
		}
		// A failed filing stores no key.
		k2 := questionnaire.IdempotencyKey{Subject: k.Subject, Key: "k2", RequestHash: "h2"}
		if err := s.Put(questionnaire.WithIdempotencyKey(ctx, k2), filing(1)); !errors.Is(err, registry.ErrConflict) {
			t.Fatalf("conflict: err = %v", err)
		}
		if _, err := s.Idempotency(ctx, k2.Subject, k2.Key); !errors.Is(err, registry.ErrNotFound) {
			t.Fatalf("key of a failed filing: err = %v, want ErrNotFound", err)
		}
		// Another subject's key of the same name is another key.
		k3 := questionnaire.IdempotencyKey{Subject: "cf:other", Key: "k1", RequestHash: "h3"}
		if err := s.Put(questionnaire.WithIdempotencyKey(ctx, k3), filing(2)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RememberIdempotency", func(t *testing.T) {
		s := newStore(t).(questionnaire.IdempotencyStore)
		k := questionnaire.IdempotencyKey{Subject: "", Key: "v1", RequestHash: "h"}
		if err := s.RememberIdempotency(ctx, k, at); err != nil {
			t.Fatal(err)
		}
		if err := s.RememberIdempotency(ctx, k, at); !errors.Is(err, questionnaire.ErrIdempotencyKeyUsed) {
			t.Fatalf("again: err = %v, want ErrIdempotencyKeyUsed", err)
		}
		rec, err := s.Idempotency(ctx, "", "v1")
		if err != nil || rec.RequestHash != "h" || rec.Revision != 0 || !rec.CreatedAt.Equal(at) {
			t.Fatalf("record %+v, %v", rec, err)
		}
	})
}
