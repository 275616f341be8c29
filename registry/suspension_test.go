package registry_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// TestCompletionSuspendsTerm: the first completion request suspends the
// decision term from the day of the request to the day of the answer, at
// most 30 days (art. 2 c. 7 L. 241/1990); the receipt, the enrolment and the
// queue carry the moved due date; a second request, or one made after the
// term has run, suspends nothing.
func TestCompletionSuspendsTerm(t *testing.T) {
	// Filed 2025-01-10: the 90-day due date is 2025-04-10.
	tests := []struct {
		name string
		// ask and answer are the days of the first request and its
		// answer ("": unanswered); again asks a second time and answers on
		// the day after.
		ask, answer  string
		again        string
		openDue, due registry.Date
	}{
		{"answered 12 days later", "2025-03-01", "2025-03-13", "", "2025-05-10", "2025-04-22"},
		{"answered the same day", "2025-03-01", "2025-03-01", "", "2025-05-10", "2025-04-10"},
		{"answered after 45 days: at most 30", "2025-03-01", "2025-04-15", "", "2025-05-10", "2025-05-10"},
		{"answered on the last day of the term", "2025-04-10", "2025-04-20", "", "2025-05-10", "2025-04-20"},
		{"unanswered", "2025-03-01", "", "", "2025-05-10", "2025-05-10"},
		{"a second request suspends nothing", "2025-02-01", "2025-02-06", "2025-03-01", "2025-05-10", "2025-04-15"},
		{"asked after the term ran", "2025-04-11", "2025-04-20", "", "2025-04-10", "2025-04-10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, registry.Options{Assess: (&stubAssess{}).assess})
			ctx := context.Background()
			staff := registry.Staff("s")
			f.clock.Set("2025-01-10")
			a, e, err := f.reg.Submit(ctx, registry.Viewer{Role: registry.RolePublic, Subject: "cf:" + cfRep}, submission(cfBodyA, "Casa"))
			if err != nil {
				t.Fatal(err)
			}
			owner := registry.Body("rep", e.ID)
			check := func(when string, want registry.Date) {
				t.Helper()
				got, err := f.reg.Application(ctx, staff, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Receipt.DecisionDue != want {
					t.Errorf("%s: receipt due %s, want %s", when, got.Receipt.DecisionDue, want)
				}
				en, err := f.reg.Entity(ctx, staff, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if s, _ := en.Enrolment(registry.SectionI); s.DecisionDue != want {
					t.Errorf("%s: enrolment due %s, want %s", when, s.DecisionDue, want)
				}
				q, err := f.reg.ReviewQueue(ctx, staff, 0)
				if err != nil || len(q) != 1 || q[0].DecisionDue != want {
					t.Errorf("%s: queue %+v, %v; want due %s", when, q, err, want)
				}
			}
			check("at receipt", "2025-04-10")
			f.clock.Set(tc.ask)
			if _, err := f.reg.RequestCompletion(ctx, staff, a.ID, "manca il bilancio"); err != nil {
				t.Fatal(err)
			}
			check("while asked", tc.openDue)
			if tc.answer == "" {
				return
			}
			f.clock.Set(tc.answer)
			cur, _ := f.reg.Application(ctx, staff, a.ID)
			if _, err := f.reg.Complete(ctx, owner, a.ID, cur, nil, nil); err != nil {
				t.Fatal(err)
			}
			if tc.again != "" {
				f.clock.Set(tc.again)
				if _, err := f.reg.RequestCompletion(ctx, staff, a.ID, "manca ancora il bilancio"); err != nil {
					t.Fatal(err)
				}
				check("asked again", tc.due)
				f.clock.Set(registry.Date(tc.again).AddDays(1).String())
				cur, _ := f.reg.Application(ctx, staff, a.ID)
				if _, err := f.reg.Complete(ctx, owner, a.ID, cur, nil, nil); err != nil {
					t.Fatal(err)
				}
			}
			check("answered", tc.due)
		})
	}
}

// TestSilenceDuringSuspension: under the 1999 text (silence accepts), an
// application waiting for the applicant's answer is not enrolled by silence
// when its 90 days run; it is once the suspended term has run.
func TestSilenceDuringSuspension(t *testing.T) {
	f := newFixture(t, registry.Options{Assess: (&stubAssess{}).assess, Silence: registry.SilenceMeansAcceptance})
	ctx := context.Background()
	staff := registry.Staff("system")
	f.clock.Set("2025-01-10")
	a, e, err := f.reg.Submit(ctx, registry.Viewer{Role: registry.RolePublic, Subject: "cf:" + cfRep}, submission(cfBodyA, "Casa"))
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set("2025-03-01")
	if _, err := f.reg.RequestCompletion(ctx, staff, a.ID, "manca il bilancio"); err != nil {
		t.Fatal(err)
	}
	silent := func(today string, want bool) {
		t.Helper()
		f.clock.Set(today)
		on, err := f.reg.EnrolledOn(ctx, e.ID, registry.SectionI, day(today))
		if err != nil || on != want {
			t.Errorf("%s: enrolled by silence %v, %v; want %v", today, on, err, want)
		}
		if want {
			return // ApplySilence would record it; checked below
		}
		over, err := f.reg.ApplySilence(ctx, staff)
		if err != nil || len(over) != 0 {
			t.Errorf("%s: silence fired on %+v, %v", today, over, err)
		}
	}
	silent("2025-04-11", false) // the 90 days ran, but the term is suspended
	silent("2025-05-10", false) // the last day of the longest suspension
	f.clock.Set("2025-03-21")   // answered after 20 days: due 2025-04-30
	cur, _ := f.reg.Application(ctx, staff, a.ID)
	if _, err := f.reg.Complete(ctx, registry.Body("rep", e.ID), a.ID, cur, nil, nil); err != nil {
		t.Fatal(err)
	}
	silent("2025-04-30", false)
	silent("2025-05-01", true)
	over, err := f.reg.ApplySilence(ctx, staff)
	if err != nil || len(over) != 1 || over[0].DecisionDue != "2025-04-30" || !over[0].Tacit {
		t.Fatalf("silence after the suspended term: %+v, %v", over, err)
	}
	en, _ := f.reg.Entity(ctx, staff, e.ID)
	if s, _ := en.Enrolment(registry.SectionI); s.Status != registry.StatusEnrolled || s.DecreeDate != "2025-05-01" {
		t.Errorf("tacit enrolment %+v", s)
	}
}

// The due date of an application filed on 10 January 2025 (90 days: 10
// April), asked to be completed on 1 March: while the request is open the
// term may be suspended up to 30 days; answered on 13 March, it was
// suspended 12.
func ExampleRegistry_SuspendedDays() {
	reg := registry.New(memstore.New(), registry.Options{Location: time.UTC})
	at := func(s string) time.Time { return day(s).Add(10 * time.Hour) }
	rc := &registry.Receipt{Completions: []registry.Completion{{RequestedAt: at("2025-03-01")}}}
	fmt.Println(reg.SuspendedDays("2025-01-10", rc), reg.DecisionDue("2025-01-10").AddDays(reg.SuspendedDays("2025-01-10", rc)))
	rc.Completions[0].AnsweredAt = at("2025-03-13")
	fmt.Println(reg.SuspendedDays("2025-01-10", rc), reg.DecisionDue("2025-01-10").AddDays(reg.SuspendedDays("2025-01-10", rc)))
	// Output:
	// 30 2025-05-10
	// 12 2025-04-22
}
