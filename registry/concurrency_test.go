package registry_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestConcurrentWriters races referent requests and decisions on one body
// and applications of distinct bodies: with retries on ErrConflict nothing
// is lost, and every change has its event. Run with -race.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
	f.clock.Set("2025-01-15")
	before := len(f.events(t))
	// Distinct people, none of them the legal representative.
	people := []string{cfRefA, cfRefB, cfOutside, cfMember, cfRep2, "BRNPLA65C03G273J"}
	writers := len(people)
	var wg sync.WaitGroup
	errs := make(chan error, 3*writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, err := f.reg.RequestReferent(ctx, registry.Staff("body"), e.ID, registry.Referent{FirstName: "N", LastName: fmt.Sprint(w),
					CodiceFiscale: people[w], Phone: "0612345678", Email: "x@example.it"})
				if errors.Is(err, registry.ErrConflict) {
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
				}
				return
			}
		}()
	}
	// Concurrently, other bodies apply.
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first10 := fmt.Sprintf("8%06d001", 900000+w)
			b := body(first10+checkDigit(first10), fmt.Sprintf("Ente %d", w))
			if _, _, err := f.reg.Apply(ctx, registry.Staff("body"), application(b, "2025-01-10", registry.SectionII)); err != nil {
				errs <- fmt.Errorf("apply %d: %w", w, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := f.reg.Entity(ctx, registry.Staff("s"), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Referents) != writers {
		t.Errorf("referents = %d, want %d (an update was lost)", len(got.Referents), writers)
	}
	// One event per referent; created + filed + enrolment per application.
	if n := len(f.events(t)) - before; n != writers+writers*3 {
		t.Errorf("events = %d, want %d", n, writers+writers*3)
	}
}

// checkDigit computes the Luhn-style check digit of a body's codice fiscale
// (as for a partita IVA) for the test's generated codes.
func checkDigit(first10 string) string {
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(first10[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprint((10 - sum%10) % 10)
}
