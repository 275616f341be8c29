package eligibility_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/schemas/problem"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking):\n%s", name, got)
	}
}

func TestGolden(t *testing.T) {
	app := typical()
	app.Signature.SignerCodiceFiscale = "CNTCHR83T41D969D"
	app.Attachments = app.Attachments[:10]
	app.Unknown = []string{"/body/statute/electiveOffices"}
	d := evaluate(t, app, newRegister())
	js, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "decision.json", append(js, '\n'))
	for _, lang := range []problem.Lang{problem.IT, problem.EN} {
		var b bytes.Buffer
		if err := d.WriteText(&b, lang); err != nil {
			t.Fatal(err)
		}
		golden(t, "decision."+string(lang)+".txt", b.Bytes())
	}
}

func TestDeterministic(t *testing.T) {
	marshal := func(app *eligibility.Application) []byte {
		b, err := json.Marshal(evaluate(t, app, newRegister()))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := marshal(typical())
	for i := range 20 {
		if got := marshal(typical()); !bytes.Equal(got, first) {
			t.Fatalf("run %d gave different bytes", i)
		}
	}
	// The order of sections and attachments does not change the decision.
	app := typical()
	app.Sections = []registry.Section{registry.SectionII, registry.SectionI}
	slices.Reverse(app.Attachments)
	if got := marshal(app); !bytes.Equal(got, first) {
		t.Fatalf("reordered input gave different bytes:\n%s\n%s", got, first)
	}
	// A decision round-trips through JSON unchanged.
	var back eligibility.Decision
	if err := json.Unmarshal(first, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if !bytes.Equal(again, first) {
		t.Fatalf("decision does not round-trip:\n%s\n%s", again, first)
	}
}

func TestConcurrentEvaluate(t *testing.T) {
	c := eligibility.New(newRegister(), eligibility.Options{})
	want, _ := json.Marshal(evaluate(t, typical(), newRegister()))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			d, err := c.Evaluate(context.Background(), typical(), day(t, "2025-01-01"))
			if err != nil {
				t.Error(err)
				return
			}
			if got, _ := json.Marshal(d); !bytes.Equal(got, want) {
				t.Error("concurrent decision differs")
			}
		})
	}
	wg.Wait()
}

func TestVerdicts(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(a *eligibility.Application)
		overall eligibility.Verdict
		i, ii   eligibility.Verdict
	}{
		{"all met", func(*eligibility.Application) {}, eligibility.Eligible, eligibility.Eligible, eligibility.Eligible},
		{"section II incomplete", func(a *eligibility.Application) { a.Housing = nil }, eligibility.Incomplete, eligibility.Eligible, eligibility.Incomplete},
		{"section II fails", func(a *eligibility.Application) { a.Programme.Operators = a.Programme.Operators[:1] },
			eligibility.NotEligible, eligibility.Eligible, eligibility.NotEligible},
		{"fail beats missing", func(a *eligibility.Application) {
			a.Housing = nil
			a.Body.Statute.NonProfit = new(false)
		}, eligibility.NotEligible, eligibility.NotEligible, eligibility.NotEligible},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app := typical()
			tc.edit(app)
			d := evaluate(t, app, newRegister())
			sI, _ := d.Section(registry.SectionI)
			sII, _ := d.Section(registry.SectionII)
			if d.Verdict != tc.overall || sI.Verdict != tc.i || sII.Verdict != tc.ii {
				t.Fatalf("verdicts %s (I %s, II %s), want %s (I %s, II %s)", d.Verdict, sI.Verdict, sII.Verdict, tc.overall, tc.i, tc.ii)
			}
		})
	}
}

func TestEvaluateBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *eligibility.Application)
		path string
		code string
	}{
		{"no date", func(a *eligibility.Application) { a.Date = "" }, "", "required"},
		{"bad date", func(a *eligibility.Application) { a.Date = "2024-02-30" }, "/date", "date"},
		{"after asOf", func(a *eligibility.Application) { a.Date = "2025-01-02" }, "/date", "date_after_as_of"},
		{"no section", func(a *eligibility.Application) { a.Sections = nil }, "", "required"},
		{"bad section", func(a *eligibility.Application) { a.Sections = []registry.Section{3} }, "/sections/0", "section"},
		{"twice", func(a *eligibility.Application) { a.Sections = []registry.Section{2, 2} }, "/sections/1", "section_repeated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app := typical()
			tc.edit(app)
			_, err := eligibility.New(nil, eligibility.Options{}).Evaluate(context.Background(), app, day(t, "2025-01-01"))
			l, ok := problem.AsList(err)
			if !ok || !errors.Is(err, problem.ErrInvalid) || len(l) != 1 {
				t.Fatalf("err = %v, want one problem", err)
			}
			if l[0].InstancePath != tc.path || l[0].Code != tc.code {
				t.Fatalf("problem %s %s, want %s %s", l[0].InstancePath, l[0].Code, tc.path, tc.code)
			}
		})
	}
	if _, err := eligibility.New(nil, eligibility.Options{}).Evaluate(context.Background(), nil, time.Now()); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("nil application: err = %v", err)
	}
}

func TestEvaluateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := eligibility.New(nil, eligibility.Options{}).Evaluate(ctx, typical(), day(t, "2025-01-01"))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, eligibility.ErrRule) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestRegistryAsRegister checks the rules against the register's own
// EnrolledOn, over the in-memory store: the partner's Section II enrolment
// takes effect on its decree date.
func TestRegistryAsRegister(t *testing.T) {
	partner := registry.Entity{ID: "E-PARTNER", CodiceFiscale: "00595000217", Name: "Partner", Enrolments: []registry.Enrolment{{
		Section: registry.SectionII, Status: registry.StatusEnrolled, DecreeDate: "2024-03-02",
		History: []registry.Transition{
			{To: registry.StatusApplied, On: "2023-12-01", Actor: "test"},
			{From: registry.StatusApplied, To: registry.StatusEnrolled, On: "2024-03-02", Actor: "test"},
		},
	}}}
	store, err := memstore.Load([]registry.Entity{partner})
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(store, registry.Options{})
	for _, tc := range []struct {
		date string
		want eligibility.Outcome
	}{{"2024-03-01", eligibility.Fail}, {"2024-03-02", eligibility.Pass}} {
		app := typical()
		app.Date = registry.Date(tc.date)
		sd, _ := evaluate(t, app, reg.ReaderFor(registry.Staff("test"))).Section(registry.SectionII)
		if r, _ := sd.Result(eligibility.RulePartnership); r.Outcome != tc.want {
			t.Errorf("application of %s: %s, want %s (%s)", tc.date, r.Outcome, tc.want, r.Message.EN)
		}
	}
}

// TestIneligibleApplicationsGetADecision: an application that is well formed
// but does not meet a requirement is stored by Registry.Apply (no problem
// list) and the checker, reading the same register, finds it not eligible
// (issue 21).
func TestIneligibleApplicationsGetADecision(t *testing.T) {
	ctx := context.Background()
	partner := registry.Entity{ID: "E-PARTNER", CodiceFiscale: "00595000217", Name: "Partner", Enrolments: []registry.Enrolment{{
		Section: registry.SectionII, Status: registry.StatusEnrolled, DecreeDate: "2019-06-10",
		History: []registry.Transition{{To: registry.StatusEnrolled, On: "2019-06-10", Actor: "test"}},
	}}}
	cases := []struct {
		name string
		edit func(a *eligibility.Application, self string)
		rule string
	}{
		{"signer is not the legal representative", func(a *eligibility.Application, _ string) {
			a.Signature.SignerCodiceFiscale = "CNTCHR83T41D969D"
		}, eligibility.RuleOnlineSignature},
		{"partner is the applicant", func(a *eligibility.Application, self string) { a.Partnership.PartnerID = self }, eligibility.RulePartnership},
		{"public body", func(a *eligibility.Application, _ string) { a.Body.LegalNature = registry.NaturePublic }, eligibility.RulePrivateBody},
		{"seat abroad", func(a *eligibility.Application, _ string) { a.Body.SeatCountry = "FR" }, eligibility.RuleSeatInItaly},
		{"paper, unsigned, after 15 May 2023", func(a *eligibility.Application, _ string) {
			a.Channel, a.Signature = registry.ChannelPaper, registry.Signature{}
		}, eligibility.RuleOnlineSignature},
		{"housing declared absent", func(a *eligibility.Application, _ string) {
			a.Housing, a.DeclaredAbsent = nil, []string{registry.AbsentHousing}
		}, eligibility.RuleHousing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			store, err := memstore.Load([]registry.Entity{partner})
			if err != nil {
				t.Fatal(err)
			}
			reg := registry.New(store, registry.Options{Now: func() time.Time { return day(t, "2024-03-05") }})
			staff := registry.Staff("test")
			// A first application (Section I) makes the body; the second
			// (Section II) is the one judged.
			first := typical()
			first.ID, first.EntityID = "", ""
			first.Sections = []registry.Section{registry.SectionI}
			_, e, err := reg.Apply(ctx, staff, first.Application)
			if err != nil {
				t.Fatalf("first application: %v", err)
			}
			app := typical()
			app.ID, app.EntityID = "", e.ID
			app.Sections = []registry.Section{registry.SectionII}
			tc.edit(app, e.ID)
			stored, _, err := reg.Apply(ctx, staff, app.Application)
			if err != nil {
				t.Fatalf("Apply refused a well-formed application: %v", err)
			}
			if stored.ID == "" {
				t.Fatal("not stored")
			}
			d := evaluate(t, &eligibility.Application{Application: stored}, reg.ReaderFor(staff))
			if d.Verdict != eligibility.NotEligible {
				t.Fatalf("verdict %s, want not_eligible", d.Verdict)
			}
			failed := false
			for _, sd := range d.Sections {
				if r, ok := sd.Result(tc.rule); ok && r.Outcome == eligibility.Fail {
					failed = true
				}
			}
			if !failed {
				t.Fatalf("rule %s did not fail", tc.rule)
			}
		})
	}
}

func TestRuleSet(t *testing.T) {
	def := eligibility.Default()
	stricter := eligibility.NewRule(eligibility.Meta{
		ID: "regional_min_places", Version: 1, Basis: "DGR Lazio 123/2025 (example)",
		Title:    problem.Text{IT: "almeno 4 posti", EN: "at least 4 places"},
		From:     day(t, "2024-01-01"),
		Sections: []registry.Section{registry.SectionII},
	}, func(_ context.Context, c *eligibility.Case) (eligibility.Finding, error) {
		n := 0
		for _, h := range c.Application.Housing {
			n += h.Places
		}
		f := eligibility.KnownFact("housing.places", "/housing", n)
		if n < 4 {
			return eligibility.Finding{Outcome: eligibility.Fail, Facts: []eligibility.Fact{f},
				Message: problem.Text{IT: "meno di 4 posti", EN: "fewer than 4 places"}}, nil
		}
		return eligibility.Finding{Outcome: eligibility.Pass, Facts: []eligibility.Fact{f},
			Message: problem.Text{IT: "almeno 4 posti", EN: "at least 4 places"}}, nil
	})

	t.Run("With adds a regional rule", func(t *testing.T) {
		s, err := def.With(stricter)
		if err != nil {
			t.Fatal(err)
		}
		s, err = s.Named("regione-lazio", "2025.1")
		if err != nil {
			t.Fatal(err)
		}
		app := typical()
		app.Housing[0].Places = 3
		d, err := eligibility.New(newRegister(), eligibility.Options{Rules: s}).Evaluate(context.Background(), app, day(t, "2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		sd, _ := d.Section(registry.SectionII)
		if r, ok := sd.Result("regional_min_places"); !ok || r.Outcome != eligibility.Fail || sd.Verdict != eligibility.NotEligible {
			t.Fatalf("regional rule: %+v, verdict %s", r, sd.Verdict)
		}
		if d.RuleSet.Name != "regione-lazio" || d.RuleSet.Version != "2025.1" {
			t.Fatalf("rule set %+v", d.RuleSet)
		}
		if len(def.Rules()) != len(s.Rules())-1 {
			t.Fatal("With changed the default set")
		}
		// Before its From date the rule is not in force.
		app.Date, app.Signature.SignedAt = "2023-12-31", "2023-12-31"
		d, _ = eligibility.New(newRegister(), eligibility.Options{Rules: s}).Evaluate(context.Background(), app, day(t, "2025-01-01"))
		sd, _ = d.Section(registry.SectionII)
		if _, ok := sd.Result("regional_min_places"); ok {
			t.Fatal("rule in force before its From date")
		}
	})

	t.Run("Replace swaps a requirement in place", func(t *testing.T) {
		lenient := eligibility.AttachmentsRule(map[registry.Section][]string{registry.SectionI: {"statute"}})
		s, err := def.Replace(lenient)
		if err != nil {
			t.Fatal(err)
		}
		idx := func(rs *eligibility.RuleSet) int {
			return slices.IndexFunc(rs.Rules(), func(r eligibility.Rule) bool { return r.Meta().ID == eligibility.RuleAttachments })
		}
		if idx(s) != idx(def) {
			t.Fatal("Replace moved the rule")
		}
		app := typical()
		app.Attachments = app.Attachments[:1]
		app.Sections = []registry.Section{registry.SectionI}
		d, _ := eligibility.New(newRegister(), eligibility.Options{Rules: s}).Evaluate(context.Background(), app, day(t, "2025-01-01"))
		if d.Verdict != eligibility.Eligible {
			t.Fatalf("verdict %s with the lenient attachments rule", d.Verdict)
		}
	})

	t.Run("versions of one requirement for successive periods", func(t *testing.T) {
		v2 := func(from string) eligibility.Rule {
			return eligibility.NewRule(eligibility.Meta{ID: eligibility.RuleOnlineSignature, Version: 3, Basis: "x",
				Title: problem.Text{IT: "x", EN: "x"}, From: day(t, from)},
				func(context.Context, *eligibility.Case) (eligibility.Finding, error) {
					return eligibility.Finding{Outcome: eligibility.Pass, Message: problem.Text{IT: "v2", EN: "v2"}}, nil
				})
		}
		if _, err := def.With(v2("2024-01-01")); !errors.Is(err, eligibility.ErrInvalidRule) {
			t.Fatalf("overlapping version accepted: %v", err)
		}
		// Close the current version and open the next: each application sees exactly one.
		var v1 eligibility.Rule
		for _, r := range def.Rules() {
			if r.Meta().ID == eligibility.RuleOnlineSignature {
				v1 = r
			}
		}
		m := v1.Meta()
		m.Until = day(t, "2024-01-01")
		closed := eligibility.NewRule(m, v1.Check)
		s, err := def.Replace(closed, v2("2024-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		for date, want := range map[string]int{"2023-12-31": 2, "2024-01-01": 3} {
			rs := s.InForce(day(t, date), registry.SectionI)
			i := slices.IndexFunc(rs, func(r eligibility.Rule) bool { return r.Meta().ID == eligibility.RuleOnlineSignature })
			if i < 0 || rs[i].Meta().Version != want {
				t.Errorf("%s: version in force is not %d", date, want)
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		if _, err := def.Replace(stricter); !errors.Is(err, eligibility.ErrUnknownRule) {
			t.Errorf("Replace unknown: %v", err)
		}
		if _, err := def.Without("nope"); !errors.Is(err, eligibility.ErrUnknownRule) {
			t.Errorf("Without unknown: %v", err)
		}
		if _, err := def.With(def.Rules()[0]); !errors.Is(err, eligibility.ErrInvalidRule) {
			t.Errorf("duplicate accepted: %v", err)
		}
		bad := []eligibility.Meta{
			{ID: "Bad-ID", Version: 1, Basis: "x", Title: problem.Text{IT: "x", EN: "x"}},
			{ID: "ok", Version: 0, Basis: "x", Title: problem.Text{IT: "x", EN: "x"}},
			{ID: "ok", Version: 1, Title: problem.Text{IT: "x", EN: "x"}},
			{ID: "ok", Version: 1, Basis: "x", Title: problem.Text{EN: "x"}},
			{ID: "ok", Version: 1, Basis: "x", Title: problem.Text{IT: "x", EN: "x"}, From: day(t, "2024-01-01"), Until: day(t, "2024-01-01")},
			{ID: "ok", Version: 1, Basis: "x", Title: problem.Text{IT: "x", EN: "x"}, Sections: []registry.Section{7}},
		}
		for i, m := range bad {
			if _, err := eligibility.NewRuleSet("x", "1", eligibility.NewRule(m, nil)); !errors.Is(err, eligibility.ErrInvalidRule) {
				t.Errorf("bad meta %d accepted: %v", i, err)
			}
		}
		okMeta := eligibility.Meta{ID: "ok", Version: 1, Basis: "x", Title: problem.Text{IT: "x", EN: "x"}}
		if _, err := eligibility.NewRuleSet("x", "1", eligibility.NewRule(okMeta, nil)); !errors.Is(err, eligibility.ErrInvalidRule) {
			t.Errorf("nil check accepted: %v", err)
		}
		if _, err := eligibility.NewRuleSet("x", "1", nil); !errors.Is(err, eligibility.ErrInvalidRule) {
			t.Errorf("nil rule accepted: %v", err)
		}
		if _, err := eligibility.NewRuleSet("", "1"); !errors.Is(err, eligibility.ErrInvalidRule) {
			t.Errorf("empty name accepted")
		}
		s, err := def.Without(eligibility.RuleOnlineSignature, eligibility.RuleAttachments)
		if err != nil || len(s.Rules()) != len(def.Rules())-2 {
			t.Errorf("Without: %v", err)
		}
	})
}

func TestBrokenRule(t *testing.T) {
	bad := eligibility.NewRule(eligibility.Meta{ID: "broken", Version: 1, Basis: "x", Title: problem.Text{IT: "x", EN: "x"}},
		func(context.Context, *eligibility.Case) (eligibility.Finding, error) {
			return eligibility.Finding{}, nil
		})
	s, _ := eligibility.Default().With(bad)
	_, err := eligibility.New(nil, eligibility.Options{Rules: s}).Evaluate(context.Background(), typical(), day(t, "2025-01-01"))
	if !errors.Is(err, eligibility.ErrRule) || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnums(t *testing.T) {
	for _, o := range []eligibility.Outcome{eligibility.Pass, eligibility.Fail, eligibility.Missing, eligibility.NotApplicable} {
		b, _ := o.MarshalText()
		var back eligibility.Outcome
		if err := back.UnmarshalText(b); err != nil || back != o {
			t.Errorf("outcome %v does not round-trip", o)
		}
	}
	for _, v := range []eligibility.Verdict{eligibility.Eligible, eligibility.NotEligible, eligibility.Incomplete} {
		b, _ := v.MarshalText()
		var back eligibility.Verdict
		if err := back.UnmarshalText(b); err != nil || back != v {
			t.Errorf("verdict %v does not round-trip", v)
		}
	}
	var o eligibility.Outcome
	if err := o.UnmarshalText([]byte("maybe")); !errors.Is(err, eligibility.ErrUnknownValue) {
		t.Errorf("bad outcome: %v", err)
	}
	if _, err := eligibility.Outcome(0).MarshalText(); err == nil {
		t.Error("zero outcome marshalled")
	}
	if _, err := eligibility.ParseVerdict("ok"); !errors.Is(err, eligibility.ErrUnknownValue) {
		t.Errorf("bad verdict: %v", err)
	}
}

// TestDecisionTags: a decision satisfies its own validate tags, the rules
// the JSON Schema is generated from.
func TestDecisionTags(t *testing.T) {
	v := validator.New(validator.WithRequiredStructEnabled())
	app := typical()
	app.Housing = nil
	if err := v.Struct(evaluate(t, app, newRegister())); err != nil {
		t.Fatal(err)
	}
	if err := v.Struct(&eligibility.Decision{}); err == nil {
		t.Fatal("empty decision passes its tags")
	}
}
