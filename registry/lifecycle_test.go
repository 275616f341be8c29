package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
)

func TestCanMove(t *testing.T) {
	allowed := map[[2]registry.Status]bool{
		{"", registry.StatusApplied}:                          true,
		{registry.StatusRejected, registry.StatusApplied}:     true,
		{registry.StatusCancelled, registry.StatusApplied}:    true,
		{registry.StatusApplied, registry.StatusUnderReview}:  true,
		{registry.StatusApplied, registry.StatusEnrolled}:     true,
		{registry.StatusApplied, registry.StatusRejected}:     true,
		{registry.StatusUnderReview, registry.StatusEnrolled}: true,
		{registry.StatusUnderReview, registry.StatusRejected}: true,
		{registry.StatusEnrolled, registry.StatusCancelled}:   true,
	}
	from := append([]registry.Status{""}, registry.Statuses[:]...)
	for _, f := range from {
		for _, to := range registry.Statuses {
			t.Run(string(f)+"→"+string(to), func(t *testing.T) {
				if got := registry.CanMove(f, to); got != allowed[[2]registry.Status{f, to}] {
					t.Errorf("CanMove(%q, %q) = %v", f, to, got)
				}
			})
		}
	}
}

func TestStatusText(t *testing.T) {
	for _, s := range registry.Statuses {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back registry.Status
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %q: %q, %v", s, back, err)
		}
	}
	if _, err := registry.ParseStatus("approved"); !errors.Is(err, registry.ErrUnknownStatus) {
		t.Errorf("ParseStatus(approved) = %v", err)
	}
}

// step is one move in a lifecycle table.
type step struct {
	op   string // review, enrol, reject, cancel, apply
	on   registry.Date
	want registry.Status // status after, when no error
	from registry.Status // for an illegal move: the from status named in the error
}

func (f *fixture) do(ctx context.Context, id string, s registry.Section, st step) (registry.Entity, error) {
	f.clock.Set(string(st.on))
	switch st.op {
	case "review":
		return f.reg.StartReview(ctx, registry.Staff("staff"), id, s, st.on)
	case "enrol":
		return f.reg.Enrol(ctx, registry.Staff("staff"), id, s, registry.Decree{Number: "DD-1", Date: st.on})
	case "reject":
		return f.reg.Reject(ctx, registry.Staff("staff"), id, s, registry.Rejection{Date: st.on, Reason: "manca esperienza", LegalBasis: "art. 53 DPR 394/1999"})
	case "cancel":
		return f.reg.Cancel(ctx, registry.Staff("staff"), id, s, registry.Cancellation{NotifiedOn: st.on, Reason: "incompatible_conduct",
			LegalBasis: "art. 54 c.4 DPR 394/1999"})
	case "apply":
		_, e, err := f.reg.Apply(ctx, registry.Staff("body"), application(body(cfBodyA, "Casa dei Popoli"), st.on, s))
		return e, err
	}
	panic(st.op)
}

var illegal = map[string]registry.Status{"review": registry.StatusUnderReview, "enrol": registry.StatusEnrolled,
	"reject": registry.StatusRejected, "cancel": registry.StatusCancelled, "apply": registry.StatusApplied}

func TestLifecycle(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"review then enrol", []step{{op: "review", on: "2025-02-01", want: registry.StatusUnderReview}, {op: "enrol", on: "2025-03-01", want: registry.StatusEnrolled}}},
		{"enrol straight from applied", []step{{op: "enrol", on: "2025-02-01", want: registry.StatusEnrolled}}},
		{"review then reject", []step{{op: "review", on: "2025-02-01", want: registry.StatusUnderReview}, {op: "reject", on: "2025-02-10", want: registry.StatusRejected}}},
		{"reject then re-apply then enrol", []step{{op: "reject", on: "2025-02-01", want: registry.StatusRejected}, {op: "apply", on: "2025-05-01", want: registry.StatusApplied}, {op: "enrol", on: "2025-06-01", want: registry.StatusEnrolled}}},
		{"enrol, cancel, re-apply", []step{{op: "enrol", on: "2025-02-01", want: registry.StatusEnrolled}, {op: "cancel", on: "2025-09-01", want: registry.StatusCancelled}, {op: "apply", on: "2025-10-01", want: registry.StatusApplied}}},
		{"cancel while applied", []step{{op: "cancel", on: "2025-02-01", from: registry.StatusApplied}}},
		{"review twice", []step{{op: "review", on: "2025-02-01", want: registry.StatusUnderReview}, {op: "review", on: "2025-02-02", from: registry.StatusUnderReview}}},
		{"apply while pending", []step{{op: "apply", on: "2025-02-01", from: registry.StatusApplied}}},
		{"apply while enrolled", []step{{op: "enrol", on: "2025-02-01", want: registry.StatusEnrolled}, {op: "apply", on: "2025-03-01", from: registry.StatusEnrolled}}},
		{"enrol twice", []step{{op: "enrol", on: "2025-02-01", want: registry.StatusEnrolled}, {op: "enrol", on: "2025-02-02", from: registry.StatusEnrolled}}},
		{"reject enrolled", []step{{op: "enrol", on: "2025-02-01", want: registry.StatusEnrolled}, {op: "reject", on: "2025-02-02", from: registry.StatusEnrolled}}},
		{"review rejected", []step{{op: "reject", on: "2025-02-01", want: registry.StatusRejected}, {op: "review", on: "2025-02-02", from: registry.StatusRejected}}},
		{"enrol cancelled", []step{{op: "enrol", on: "2025-02-01", want: registry.StatusEnrolled}, {op: "cancel", on: "2025-03-01", want: registry.StatusCancelled}, {op: "enrol", on: "2025-03-02", from: registry.StatusCancelled}}},
		{"cancel cancelled", []step{{op: "enrol", on: "2025-02-01", want: registry.StatusEnrolled}, {op: "cancel", on: "2025-03-01", want: registry.StatusCancelled}, {op: "cancel", on: "2025-03-02", from: registry.StatusCancelled}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, registry.Options{})
			e := f.mustApply(t, application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI))
			for i, st := range tc.steps {
				before := len(f.events(t))
				got, err := f.do(ctx, e.ID, registry.SectionI, st)
				if st.want == "" {
					var te *registry.TransitionError
					if !errors.As(err, &te) || !errors.Is(err, registry.ErrTransition) {
						t.Fatalf("step %d %s: error %v, want a TransitionError", i, st.op, err)
					}
					if te.From != st.from || te.To != illegal[st.op] || te.Section != registry.SectionI {
						t.Errorf("step %d: TransitionError %+v, want from %s to %s", i, te, st.from, illegal[st.op])
					}
					if msg := err.Error(); !strings.Contains(msg, "from "+string(st.from)) || !strings.Contains(msg, "to "+string(illegal[st.op])) {
						t.Errorf("message %q does not name from and to", msg)
					}
					if n := len(f.events(t)); n != before {
						t.Errorf("illegal move wrote %d events", n-before)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d %s: %v", i, st.op, err)
				}
				en, _ := got.Enrolment(registry.SectionI)
				if en.Status != st.want {
					t.Fatalf("step %d %s: status %s, want %s", i, st.op, en.Status, st.want)
				}
				stored, err := f.reg.Entity(ctx, registry.Staff("s"), e.ID)
				if err != nil {
					t.Fatal(err)
				}
				sen, _ := stored.Enrolment(registry.SectionI)
				if sen.Status != st.want || stored.Version != got.Version {
					t.Errorf("stored status %s v%d, returned v%d", sen.Status, stored.Version, got.Version)
				}
				if evs := f.events(t); len(evs) <= before {
					t.Errorf("step %d wrote no event", i)
				} else if last := evs[len(evs)-1]; last.Kind != registry.EventEnrolmentChanged || last.Section != registry.SectionI ||
					!strings.HasSuffix(last.Note, "→ "+string(st.want)) || last.Before == nil || last.After == nil {
					t.Errorf("step %d event %+v", i, last)
				}
			}
		})
	}
}

func TestDecisionFields(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI, registry.SectionII))
	for _, s := range registry.Sections {
		en, ok := e.Enrolment(s)
		if !ok || en.Status != registry.StatusApplied || en.AppliedOn != "2025-01-10" || en.DecisionDue != "2025-04-10" || en.ApplicationID == "" {
			t.Errorf("section %s enrolment after Apply: %+v", s, en)
		}
	}
	f.clock.Set("2025-03-01")
	e, err := f.reg.Enrol(ctx, registry.Staff("staff"), e.ID, registry.SectionI, registry.Decree{Number: "12/2025", Date: "2025-02-20"})
	if err != nil {
		t.Fatal(err)
	}
	en, _ := e.Enrolment(registry.SectionI)
	if en.DecreeNumber != "12/2025" || en.DecreeDate != "2025-02-20" {
		t.Errorf("decree not recorded: %+v", en)
	}
	e, err = f.reg.Cancel(ctx, registry.Staff("staff"), e.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2025-03-01",
		Reason: "requirements_lost", LegalBasis: "art. 54 c.4 DPR 394/1999"})
	if err != nil {
		t.Fatal(err)
	}
	en, _ = e.Enrolment(registry.SectionI)
	if en.CancelledOn != "2025-03-01" || en.CancellationReason != "requirements_lost" || en.LegalBasis == "" {
		t.Errorf("cancellation not recorded: %+v", en)
	}
	e, err = f.reg.Reject(ctx, registry.Staff("staff"), e.ID, registry.SectionII, registry.Rejection{Date: "2025-03-01", Reason: "programma assente", LegalBasis: "art. 53 DPR 394/1999"})
	if err != nil {
		t.Fatal(err)
	}
	en, _ = e.Enrolment(registry.SectionII)
	if en.RejectedOn != "2025-03-01" || en.RejectionReason != "programma assente" {
		t.Errorf("rejection not recorded: %+v", en)
	}
	if got := f.reg.DecisionDue("2024-12-01"); got != "2025-03-01" {
		t.Errorf("DecisionDue(2024-12-01) = %s", got)
	}
	custom := registry.New(f.store, registry.Options{DecisionDays: 30})
	if got := custom.DecisionDue("2025-01-01"); got != "2025-01-31" {
		t.Errorf("DecisionDue with 30 days = %s", got)
	}
}

func TestDecisionInputProblems(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
	f.clock.Set("2025-02-01")
	cases := []struct {
		name string
		run  func() error
		want map[string]string
	}{
		{"decree without number", func() error {
			_, err := f.reg.Enrol(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Decree{Date: "2025-01-20"})
			return err
		}, map[string]string{"/number": "required"}},
		{"decree with a bad date", func() error {
			_, err := f.reg.Enrol(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Decree{Number: "1", Date: "2025-13-01"})
			return err
		}, map[string]string{"/date": "format"}},
		{"decree in the future", func() error {
			_, err := f.reg.Enrol(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Decree{Number: "1", Date: "2025-02-02"})
			return err
		}, map[string]string{"/date": "future_date"}},
		{"decree before the application", func() error {
			_, err := f.reg.Enrol(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Decree{Number: "1", Date: "2025-01-09"})
			return err
		}, map[string]string{"/date": "date_order"}},
		{"rejection without reason", func() error {
			_, err := f.reg.Reject(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Rejection{Date: "2025-01-20"})
			return err
		}, map[string]string{"/reason": "required", "/legalBasis": "required"}},
		{"cancellation without legal basis and with an unknown reason", func() error {
			_, err := f.reg.Cancel(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2025-01-20", Reason: "whim"})
			return err
		}, map[string]string{"/legalBasis": "required", "/reason": "codelist"}},
		{"review on a bad day", func() error {
			_, err := f.reg.StartReview(ctx, registry.Staff("s"), e.ID, registry.SectionI, "yesterday")
			return err
		}, map[string]string{"/on": "format"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.events(t))
			got := problems(t, tc.run())
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("problems %v, want %s at %s", got, v, k)
				}
			}
			if n := len(f.events(t)); n != before {
				t.Errorf("invalid input wrote %d events", n-before)
			}
		})
	}
	if _, err := f.reg.StartReview(ctx, registry.Staff("s"), "nobody", registry.SectionI, "2025-01-20"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("StartReview of an unknown body: %v", err)
	}
	if _, err := f.reg.StartReview(ctx, registry.Staff("s"), e.ID, registry.Section(3), "2025-01-20"); !errors.Is(err, registry.ErrUnknownSection) {
		t.Errorf("StartReview of section 3: %v", err)
	}
}

func TestEnrolledOnHistory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2023-01-10", registry.SectionI))
	for _, st := range []step{{op: "enrol", on: "2023-03-01"}, {op: "cancel", on: "2024-06-30"}, {op: "apply", on: "2024-09-01"},
		{op: "review", on: "2024-09-15"}, {op: "enrol", on: "2024-11-20"}} {
		if _, err := f.do(ctx, e.ID, registry.SectionI, st); err != nil {
			t.Fatalf("%s: %v", st.op, err)
		}
	}
	cases := []struct {
		day  string
		want bool
	}{
		{"2023-01-09", false}, {"2023-02-28", false}, {"2023-03-01", true}, {"2024-06-29", true},
		{"2024-06-30", false}, {"2024-10-01", false}, {"2024-11-19", false}, {"2024-11-20", true}, {"2025-01-01", true},
	}
	for _, tc := range cases {
		t.Run(tc.day, func(t *testing.T) {
			got, err := f.reg.EnrolledOn(ctx, e.ID, registry.SectionI, day(tc.day))
			if err != nil || got != tc.want {
				t.Errorf("EnrolledOn(I, %s) = %v, %v; want %v", tc.day, got, err, tc.want)
			}
			if got, _ := f.reg.EnrolledOn(ctx, e.ID, registry.SectionII, day(tc.day)); got {
				t.Errorf("EnrolledOn(II, %s) = true for a Section I body", tc.day)
			}
		})
	}
	if _, err := f.reg.EnrolledOn(ctx, "nobody", registry.SectionI, day("2025-01-01")); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("EnrolledOn of an unknown body: %v", err)
	}
}

func TestSilencePolicy(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name       string
		policy     registry.SilencePolicy
		enrolledAt bool // on day 91
		tacit      bool
	}{
		{"default: no effect", registry.SilenceNoEffect, false, false},
		{"1999 text: acceptance", registry.SilenceMeansAcceptance, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, registry.Options{Silence: tc.policy})
			e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
			other := f.mustApply(t, application(body(cfBodyB, "Altra"), "2025-03-01", registry.SectionI))
			// Day 90 is still within the term.
			if got, _ := f.reg.EnrolledOn(ctx, e.ID, registry.SectionI, day("2025-04-10")); got {
				t.Error("enrolled on the last day of the term")
			}
			if got, _ := f.reg.EnrolledOn(ctx, e.ID, registry.SectionI, day("2025-04-11")); got != tc.enrolledAt {
				t.Errorf("EnrolledOn day 91 = %v, want %v", got, tc.enrolledAt)
			}
			f.clock.Set("2025-04-20")
			over, err := f.reg.ApplySilence(ctx, registry.Staff("system"))
			if err != nil {
				t.Fatal(err)
			}
			if len(over) != 1 || over[0].EntityID != e.ID || over[0].DecisionDue != "2025-04-10" || over[0].Tacit != tc.tacit {
				t.Fatalf("ApplySilence = %+v", over)
			}
			got, _ := f.reg.Entity(ctx, registry.Staff("s"), e.ID)
			en, _ := got.Enrolment(registry.SectionI)
			if tc.tacit {
				if en.Status != registry.StatusEnrolled || !en.Tacit || en.DecreeDate != "2025-04-11" {
					t.Errorf("tacit enrolment not recorded: %+v", en)
				}
				// Silence already accepted: rejecting now is illegal.
				if _, err := f.reg.Reject(ctx, registry.Staff("s"), other.ID, registry.SectionI, registry.Rejection{Date: "2025-04-20", Reason: "x", LegalBasis: "art. 53 DPR 394/1999"}); err != nil {
					t.Errorf("reject within the term: %v", err)
				}
			} else if en.Status != registry.StatusApplied {
				t.Errorf("status changed by silence: %+v", en)
			}
			// A second run finds nothing new under acceptance, the same under no effect.
			again, err := f.reg.ApplySilence(ctx, registry.Staff("system"))
			if err != nil || len(again) != map[bool]int{true: 0, false: 1}[tc.tacit] {
				t.Errorf("second ApplySilence = %+v, %v", again, err)
			}
		})
	}
	t.Run("rejection after the term under acceptance", func(t *testing.T) {
		f := newFixture(t, registry.Options{Silence: registry.SilenceMeansAcceptance})
		e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
		f.clock.Set("2025-05-01")
		_, err := f.reg.Reject(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Rejection{Date: "2025-05-01", Reason: "tardi", LegalBasis: "art. 53 DPR 394/1999"})
		var te *registry.TransitionError
		if !errors.As(err, &te) || te.From != registry.StatusEnrolled {
			t.Errorf("Reject after the term = %v, want a TransitionError from enrolled", err)
		}
	})
}

func TestCancelTacitEnrolmentNotYetRecorded(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{Silence: registry.SilenceMeansAcceptance})
	e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
	f.clock.Set("2025-06-01")
	got, err := f.reg.Cancel(ctx, registry.Staff("s"), e.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2025-06-01",
		Reason: "incompatible_conduct", LegalBasis: "art. 54 c.4 DPR 394/1999"})
	if err != nil {
		t.Fatal(err)
	}
	en, _ := got.Enrolment(registry.SectionI)
	var moves []string
	for _, h := range en.History {
		moves = append(moves, string(h.To)+"@"+string(h.On))
	}
	if want := "applied@2025-01-10 enrolled@2025-04-11 cancelled@2025-06-01"; strings.Join(moves, " ") != want || !en.Tacit {
		t.Errorf("history %v (tacit %v), want %s", moves, en.Tacit, want)
	}
	for d, want := range map[string]bool{"2025-04-10": false, "2025-05-01": true, "2025-06-01": false} {
		if ok, _ := f.reg.EnrolledOn(ctx, e.ID, registry.SectionI, day(d)); ok != want {
			t.Errorf("EnrolledOn(%s) = %v, want %v", d, ok, want)
		}
	}
	// Under the default policy the same cancellation is illegal.
	f2 := newFixture(t, registry.Options{})
	e2 := f2.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
	f2.clock.Set("2025-06-01")
	if _, err := f2.reg.Cancel(ctx, registry.Staff("s"), e2.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2025-06-01",
		Reason: "incompatible_conduct", LegalBasis: "art. 54"}); !errors.Is(err, registry.ErrTransition) {
		t.Errorf("cancel of a pending application under the default policy: %v", err)
	}
}
