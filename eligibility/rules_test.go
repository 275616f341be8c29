package eligibility_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
)

const (
	I  = registry.SectionI
	II = registry.SectionII
)

type ruleCase struct {
	name    string
	section registry.Section
	edit    func(a *eligibility.Application, r *fakeRegister)
	noReg   bool // evaluate without a register
	want    eligibility.Outcome
	absent  bool // the rule must not be in force
}

// runRuleCases evaluates the typical application, edited, and checks the
// outcome of rule id.
func runRuleCases(t *testing.T, id string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app, reg := typical(), newRegister()
			if tc.edit != nil {
				tc.edit(app, reg)
			}
			var d *eligibility.Decision
			if tc.noReg {
				d = evaluate(t, app, nil)
			} else {
				d = evaluate(t, app, reg)
			}
			sd, ok := d.Section(tc.section)
			if !ok {
				t.Fatalf("section %s not in decision", tc.section)
			}
			r, ok := sd.Result(id)
			if tc.absent {
				if ok {
					t.Fatalf("rule %s in force, want absent (outcome %s)", id, r.Outcome)
				}
				return
			}
			if !ok {
				t.Fatalf("rule %s not in force", id)
			}
			if r.Outcome != tc.want {
				t.Fatalf("outcome %s, want %s (%s; facts %+v)", r.Outcome, tc.want, r.Message.EN, r.Facts)
			}
			if r.Message.IT == "" || r.Message.EN == "" || r.Basis == "" {
				t.Fatalf("result lacks message or basis: %+v", r)
			}
			// The section verdict follows the outcomes.
			switch tc.want {
			case eligibility.Fail:
				if sd.Verdict != eligibility.NotEligible {
					t.Fatalf("section verdict %s after a fail", sd.Verdict)
				}
			case eligibility.Missing:
				if sd.Verdict == eligibility.Eligible {
					t.Fatalf("section verdict eligible with a missing rule")
				}
			}
		})
	}
}

func unknown(ptrs ...string) func(a *eligibility.Application, r *fakeRegister) {
	return func(a *eligibility.Application, _ *fakeRegister) { a.Unknown = append(a.Unknown, ptrs...) }
}

func TestTypicalIsEligible(t *testing.T) {
	d := evaluate(t, typical(), newRegister())
	if d.Verdict != eligibility.Eligible {
		for _, sd := range d.Sections {
			for _, r := range sd.Results {
				if r.Outcome == eligibility.Fail || r.Outcome == eligibility.Missing {
					t.Errorf("section %s: %s %s: %s", sd.Section, r.Rule, r.Outcome, r.Message.EN)
				}
			}
		}
		t.Fatalf("verdict %s, want eligible", d.Verdict)
	}
	if len(d.Sections) != 2 {
		t.Fatalf("%d sections, want 2", len(d.Sections))
	}
}

func TestPrivateBody(t *testing.T) {
	runRuleCases(t, eligibility.RulePrivateBody, []ruleCase{
		{name: "association", section: I, want: eligibility.Pass},
		{name: "public body", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.LegalForm = "public_body" }, want: eligibility.Fail},
		{name: "international body", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.LegalForm = "international_body" }, want: eligibility.Fail},
		{name: "other form", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.LegalForm = "other" }, want: eligibility.Missing},
		{name: "no form", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.LegalForm = "" }, want: eligibility.Missing},
		{name: "unknown code", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.LegalForm = "spa" }, want: eligibility.Missing},
		// The legal nature (issue 21).
		{name: "nature: public body", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.LegalNature = registry.NaturePublic }, want: eligibility.Fail},
		{name: "nature: body of international law", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.LegalNature = registry.NatureInternational
		}, want: eligibility.Fail},
		{name: "nature: private, form other", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.LegalNature, a.Body.LegalForm = registry.NaturePrivate, "other"
		}, want: eligibility.Pass},
		{name: "nature: public beats a private form", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.LegalNature, a.Body.LegalForm = registry.NaturePublic, "foundation"
		}, want: eligibility.Fail},
	})
}

func TestStatuteRequirements(t *testing.T) {
	type field struct {
		id, ptr string
		set     func(*registry.Statute, *bool)
		onlus   bool
	}
	fields := []field{
		{eligibility.RuleSocialAims, "/body/statute/socialAims", func(s *registry.Statute, v *bool) { s.SocialAims = v }, false},
		{eligibility.RuleNonProfit, "/body/statute/nonProfit", func(s *registry.Statute, v *bool) { s.NonProfit = v }, false},
		{eligibility.RuleDemocraticOrder, "/body/statute/democraticOrder", func(s *registry.Statute, v *bool) { s.DemocraticOrder = v }, true},
		{eligibility.RuleElectiveOffices, "/body/statute/electiveOffices", func(s *registry.Statute, v *bool) { s.ElectiveOffices = v }, true},
		{eligibility.RuleAdmissionCriteria, "/body/statute/admissionCriteria", func(s *registry.Statute, v *bool) { s.AdmissionCriteria = v }, true},
	}
	for _, f := range fields {
		t.Run(f.id, func(t *testing.T) {
			onlusWant := eligibility.Fail
			if f.onlus {
				onlusWant = eligibility.NotApplicable
			}
			runRuleCases(t, f.id, []ruleCase{
				{name: "provided", section: I, want: eligibility.Pass},
				{name: "not provided", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { f.set(&a.Body.Statute, new(false)) }, want: eligibility.Fail},
				{name: "not provided, section II", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { f.set(&a.Body.Statute, new(false)) }, want: eligibility.Fail},
				{name: "unknown is missing, not false", section: I, edit: unknown(f.ptr), want: eligibility.Missing},
				{name: "nil (not stated in Go) is missing, not false", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { f.set(&a.Body.Statute, nil) }, want: eligibility.Missing},
				{name: "ONLUS", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
					f.set(&a.Body.Statute, new(false))
					a.Body.Qualifications = []string{"onlus"}
				}, want: onlusWant},
			})
		})
	}
}

func TestSeatInItaly(t *testing.T) {
	runRuleCases(t, eligibility.RuleSeatInItaly, []ruleCase{
		{name: "Roma", section: I, want: eligibility.Pass},
		{name: "not a comune", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Seat.Comune = "999999" }, want: eligibility.Fail},
		{name: "not stated", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Seat.Comune = "" }, want: eligibility.Missing},
		// The comune valid on the application's date (issue 24).
		{name: "Misiliscemi, created 2021", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Seat.Comune = "081025" }, want: eligibility.Pass},
		{name: "Porretta Terme, suppressed 2015", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Seat.Comune = "037049" }, want: eligibility.Fail},
		{name: "Porretta Terme, on a 2015 application", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.Seat.Comune = "037049"
			a.Date = "2015-06-01"
		}, want: eligibility.Pass},
		// The seat country (issue 21).
		{name: "seat abroad", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.SeatCountry = "FR" }, want: eligibility.Fail},
		{name: "seat abroad, section II", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.SeatCountry = "CH" }, want: eligibility.Fail},
		{name: "seat country Italy", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.SeatCountry = "IT" }, want: eligibility.Pass},
	})
}

func TestAnnualAccounts(t *testing.T) {
	runRuleCases(t, eligibility.RuleAnnualAccounts, []ruleCase{
		{name: "both", section: I, want: eligibility.Pass},
		{name: "no accounts", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Statute.AnnualAccounts = new(false) }, want: eligibility.Fail},
		{name: "no approval rules", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Statute.AccountsApproval = new(false) }, want: eligibility.Fail},
		{name: "approval unknown", section: I, edit: unknown("/body/statute/accountsApproval"), want: eligibility.Missing},
		{name: "approval nil", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Statute.AccountsApproval = nil }, want: eligibility.Missing},
		{name: "known false beats unknown", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.Statute.AnnualAccounts = new(false)
			a.Unknown = []string{"/body/statute/accountsApproval"}
		}, want: eligibility.Fail},
		{name: "ONLUS still needs accounts", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.Qualifications = []string{"onlus"}
			a.Body.Statute.AnnualAccounts = new(false)
		}, want: eligibility.Fail},
	})
}

func TestNoDisqualification(t *testing.T) {
	runRuleCases(t, eligibility.RuleNoDisqualification, []ruleCase{
		{name: "declared", section: I, want: eligibility.Pass},
		{name: "not declared", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Declarations.NoDisqualification = new(false) }, want: eligibility.Fail},
		{name: "declaration unknown", section: II, edit: unknown("/declarations/noDisqualification"), want: eligibility.Missing},
		{name: "declaration nil", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Declarations.NoDisqualification = nil }, want: eligibility.Missing},
		{name: "no members named", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Body.Members = nil }, want: eligibility.Missing},
		{name: "no legal representative", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.LegalRepresentative.CodiceFiscale = ""
		}, want: eligibility.Missing},
		// Person by person (issue 21).
		{name: "every person declares no condition", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Unknown = []string{"/declarations/noDisqualification"}
			a.Declarations.Persons = everyone(a, nil)
		}, want: eligibility.Pass},
		{name: "a member declares a conviction", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Declarations.Persons = everyone(a, map[string][]string{"MRSMSR81D60Z611H": {"criminal_conviction"}})
		}, want: eligibility.Fail},
		{name: "the legal representative declares a prevention measure", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Declarations.Persons = everyone(a, map[string][]string{"RCCMNL83S18D969H": {"prevention_measure"}})
		}, want: eligibility.Fail},
		{name: "a person not covered, no body-wide declaration", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Unknown = []string{"/declarations/noDisqualification"}
			a.Declarations.Persons = everyone(a, nil)[:2]
		}, want: eligibility.Missing},
	})
}

// everyone declares for the legal representative and every member, with the
// conditions given by codice fiscale.
func everyone(a *eligibility.Application, conds map[string][]string) []registry.PersonDeclaration {
	out := []registry.PersonDeclaration{{CodiceFiscale: a.Body.LegalRepresentative.CodiceFiscale, Conditions: conds[a.Body.LegalRepresentative.CodiceFiscale]}}
	for _, mb := range a.Body.Members {
		out = append(out, registry.PersonDeclaration{CodiceFiscale: mb.Person.CodiceFiscale, Conditions: conds[mb.Person.CodiceFiscale]})
	}
	return out
}

func TestExperience(t *testing.T) {
	// The application is dated 2024-03-01: the window is 2022-03-01..2024-02-29.
	only := func(acts ...registry.Activity) func(a *eligibility.Application, _ *fakeRegister) {
		return func(a *eligibility.Application, _ *fakeRegister) { a.Activities = acts }
	}
	sec := []string{"socio_cultural_integration"}
	area := []string{"labour_exploitation"}
	t.Run("section I", func(t *testing.T) {
		runRuleCases(t, eligibility.RuleExperienceI, []ruleCase{
			{name: "24 months exactly", section: I, edit: only(registry.Activity{Title: "x", Start: "2022-03-01", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Pass},
			{name: "23 months", section: I, edit: only(registry.Activity{Title: "x", Start: "2022-04-01", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Fail},
			{name: "one day short", section: I, edit: only(registry.Activity{Title: "x", Start: "2022-03-02", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Fail},
			{name: "ended the day before the application", section: I, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", End: "2024-02-29", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Pass},
			{name: "ended two days before", section: I, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", End: "2024-02-28", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Fail},
			{name: "gap in the middle", section: I, edit: only(
				registry.Activity{Title: "a", Start: "2021-01-01", End: "2022-12-31", Sectors: sec, Target: registry.TargetForeigners},
				registry.Activity{Title: "b", Start: "2023-02-01", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Fail},
			{name: "overlapping activities close the gap", section: I, edit: only(
				registry.Activity{Title: "a", Start: "2021-01-01", End: "2023-01-31", Sectors: sec, Target: registry.TargetForeigners},
				registry.Activity{Title: "b", Start: "2022-12-01", End: "2023-06-30", Sectors: sec, Target: registry.TargetForeigners},
				registry.Activity{Title: "c", Start: "2023-07-01", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Pass},
			{name: "only Section II activities", section: I, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Areas: area}), want: eligibility.Missing},
			{name: "no activities", section: I, edit: only(), want: eligibility.Missing},
			// Whom the activity served and who carried it out (issue 21).
			{name: "not aimed at foreigners", section: I, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Sectors: sec, Target: registry.TargetGeneral}), want: eligibility.Fail},
			{name: "target not stated", section: I, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Sectors: sec}), want: eligibility.Missing},
			{name: "target not stated, and too short anyway", section: I, edit: only(registry.Activity{Title: "x", Start: "2023-01-01", Sectors: sec}), want: eligibility.Fail},
			{name: "carried out by the national body", section: I, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Sectors: sec,
				Target: registry.TargetForeigners, CarriedOutBy: "01404480202"}), want: eligibility.Fail},
			{name: "carried out by the applicant, named", section: I, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Sectors: sec,
				Target: registry.TargetForeigners, CarriedOutBy: "00743110157"}), want: eligibility.Pass},
		})
	})
	t.Run("section II", func(t *testing.T) {
		runRuleCases(t, eligibility.RuleExperienceII, []ruleCase{
			{name: "24 months exactly", section: II, edit: only(registry.Activity{Title: "x", Start: "2022-03-01", Areas: area}), want: eligibility.Pass},
			{name: "23 months", section: II, edit: only(registry.Activity{Title: "x", Start: "2022-04-01", Areas: area}), want: eligibility.Fail},
			{name: "integration only", section: II, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Sectors: sec, Target: registry.TargetForeigners}), want: eligibility.Missing},
			{name: "area not in the list", section: II, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Areas: []string{"housing"}}), want: eligibility.Missing},
			// Explicit negatives and who carried it out (issue 21).
			{name: "no activity in the areas, declared", section: II, edit: func(a *eligibility.Application, r *fakeRegister) {
				only(registry.Activity{Title: "x", Start: "2020-01-01", Sectors: sec, Target: registry.TargetForeigners})(a, r)
				a.DeclaredAbsent = []string{registry.AbsentSectionIIActivities}
			}, want: eligibility.Fail},
			{name: "declared none, yet one in the areas", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
				a.DeclaredAbsent = []string{registry.AbsentSectionIIActivities}
			}, want: eligibility.Missing},
			{name: "in an area, not aimed at foreigners", section: II, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Areas: area, Target: registry.TargetGeneral}), want: eligibility.Fail},
			{name: "in an area, carried out by the national body", section: II, edit: only(registry.Activity{Title: "x", Start: "2020-01-01", Areas: area, CarriedOutBy: "01404480202"}), want: eligibility.Fail},
		})
	})
}

func TestExperienceGapsAreFacts(t *testing.T) {
	app := typical()
	app.Activities = []registry.Activity{
		{Title: "a", Start: "2022-05-01", End: "2023-01-31", Sectors: []string{"work_employment"}, Target: registry.TargetForeigners},
		{Title: "b", Start: "2023-03-01", Sectors: []string{"work_employment"}, Target: registry.TargetForeigners},
	}
	sd, _ := evaluate(t, app, newRegister()).Section(I)
	r, _ := sd.Result(eligibility.RuleExperienceI)
	var gaps []string
	for _, f := range r.Facts {
		if f.Name == "gaps" {
			gaps = f.Value.([]string)
		}
	}
	want := []string{"2022-03-01..2022-04-30", "2023-02-01..2023-02-28"}
	if !slices.Equal(gaps, want) {
		t.Fatalf("gaps %v, want %v", gaps, want)
	}
}

func TestProgramme(t *testing.T) {
	runRuleCases(t, eligibility.RuleProgramme, []ruleCase{
		{name: "four areas", section: II, want: eligibility.Pass},
		{name: "no health operator", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Programme.Operators[0].Areas = []string{"psychological"}
		}, want: eligibility.Fail},
		{name: "no operators", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Programme.Operators = nil }, want: eligibility.Missing},
		{name: "no programme", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Programme = nil }, want: eligibility.Missing},
		{name: "no programme, declared", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Programme, a.DeclaredAbsent = nil, []string{registry.AbsentProgramme}
		}, want: eligibility.Fail},
		{name: "programme and declared absent", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.DeclaredAbsent = []string{registry.AbsentProgramme}
		}, want: eligibility.Missing},
		{name: "run by another body", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Programme.CarriedOutBy = "01404480202" }, want: eligibility.Fail},
		{name: "run by the applicant, named", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Programme.CarriedOutBy = "00743110157" }, want: eligibility.Pass},
		{name: "not for section I", section: I, absent: true},
	})
}

func TestHousing(t *testing.T) {
	runRuleCases(t, eligibility.RuleHousing, []ruleCase{
		{name: "one facility", section: II, want: eligibility.Pass},
		{name: "no places", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Housing[0].Places = 0 }, want: eligibility.Fail},
		{name: "none", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Housing = nil }, want: eligibility.Missing},
		{name: "none, declared", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Housing, a.DeclaredAbsent = nil, []string{registry.AbsentHousing}
		}, want: eligibility.Fail},
		{name: "given and declared absent", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.DeclaredAbsent = []string{registry.AbsentHousing}
		}, want: eligibility.Missing},
	})
}

func TestPartnership(t *testing.T) {
	runRuleCases(t, eligibility.RulePartnership, []ruleCase{
		{name: "partner enrolled long before", section: II, want: eligibility.Pass},
		{name: "partner enrolled on the application date", section: II, edit: func(_ *eligibility.Application, r *fakeRegister) {
			r.enrolledII["E-PARTNER"] = "2024-03-01"
		}, want: eligibility.Pass},
		{name: "partner enrolled the day after the application", section: II, edit: func(_ *eligibility.Application, r *fakeRegister) {
			r.enrolledII["E-PARTNER"] = "2024-03-02"
		}, want: eligibility.Fail},
		{name: "partner in the register, never in Section II", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Partnership.PartnerID = "E-NATIONAL"
		}, want: eligibility.Fail},
		{name: "partner not in the register", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Partnership.PartnerID = "E-NOBODY"
		}, want: eligibility.Fail},
		{name: "partner is the applicant", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Partnership.PartnerID = "E-1"
		}, want: eligibility.Fail},
		{name: "agreement starts after the application", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Partnership.Start = "2024-03-02"
		}, want: eligibility.Fail},
		{name: "agreement ended before the application", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Partnership.End = "2024-02-29"
		}, want: eligibility.Fail},
		{name: "no register: not taken on trust", section: II, noReg: true, want: eligibility.Missing},
		{name: "no agreement", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Partnership = nil }, want: eligibility.Missing},
		// The register's partnership records (issue 21).
		{name: "agreement not recorded in the register", section: II, edit: func(_ *eligibility.Application, r *fakeRegister) {
			r.partnerships = nil
		}, want: eligibility.Missing},
		{name: "recorded partnership ended before the application", section: II, edit: func(_ *eligibility.Application, r *fakeRegister) {
			r.partnerships[0].End = "2024-02-29"
		}, want: eligibility.Missing},
		{name: "recorded with another partner only", section: II, edit: func(_ *eligibility.Application, r *fakeRegister) {
			r.partnerships[0].PartnerID = "E-OTHER"
			r.enrolledII["E-OTHER"] = "2019-01-01"
		}, want: eligibility.Missing},
		{name: "first application: no records yet, partner enrolled", section: II, edit: func(_ *eligibility.Application, r *fakeRegister) {
			delete(r.entities, "E-1")
		}, want: eligibility.Pass},
		{name: "no agreement, declared", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Partnership, a.DeclaredAbsent = nil, []string{registry.AbsentPartnership}
		}, want: eligibility.Fail},
		{name: "agreement and declared absent", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.DeclaredAbsent = []string{registry.AbsentPartnership}
		}, want: eligibility.Missing},
		{name: "no partner named", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Partnership.PartnerID = "" }, want: eligibility.Missing},
	})
}

func TestGDPR(t *testing.T) {
	runRuleCases(t, eligibility.RuleGDPR, []ruleCase{
		{name: "adopted", section: II, want: eligibility.Pass},
		{name: "adopted after the application", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.GDPR.AdoptedOn = "2024-03-02" }, want: eligibility.Fail},
		{name: "no measures for hosted beneficiaries", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.GDPR.BeneficiaryMeasures = " " }, want: eligibility.Missing},
		{name: "none", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.GDPR = nil }, want: eligibility.Missing},
		{name: "none, declared", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.GDPR, a.DeclaredAbsent = nil, []string{registry.AbsentGDPR}
		}, want: eligibility.Fail},
		{name: "given and declared absent", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.DeclaredAbsent = []string{registry.AbsentGDPR}
		}, want: eligibility.Missing},
	})
}

func TestBranchOwn(t *testing.T) {
	runRuleCases(t, eligibility.RuleBranchOwn, []ruleCase{
		{name: "not a branch", section: II, want: eligibility.NotApplicable},
		{name: "national body listing branches", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Branches = []registry.BranchRef{{CodiceFiscale: "00618280499", Name: "Sede di Bologna", Comune: "037006"}}
		}, want: eligibility.NotApplicable},
		{name: "branch with its own codice fiscale", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.BranchOf = "E-NATIONAL"
		}, want: eligibility.Pass},
		{name: "branch using the national body's codice fiscale", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.BranchOf = "E-NATIONAL"
			a.Body.CodiceFiscale = "01404480202"
		}, want: eligibility.Fail},
		{name: "national body not in the register", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.BranchOf = "E-NOBODY"
		}, want: eligibility.Fail},
		{name: "no register", section: II, noReg: true, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.BranchOf = "E-NATIONAL"
		}, want: eligibility.Missing},
		// Who carried out the programme and the activities (issue 21).
		{name: "branch with the national body's programme", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.BranchOf = "E-NATIONAL"
			a.Programme.CarriedOutBy = "01404480202"
		}, want: eligibility.Fail},
		{name: "branch listing the national body's activities: judged without them", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Body.BranchOf = "E-NATIONAL"
			a.Activities[2].CarriedOutBy = "01404480202"
		}, want: eligibility.Pass},
		{name: "not for section I", section: I, absent: true},
	})
}

func TestAttachments(t *testing.T) {
	drop := func(kind string) func(a *eligibility.Application, _ *fakeRegister) {
		return func(a *eligibility.Application, _ *fakeRegister) {
			a.Attachments = slices.DeleteFunc(a.Attachments, func(at registry.Attachment) bool { return at.Kind == kind })
		}
	}
	runRuleCases(t, eligibility.RuleAttachments, []ruleCase{
		{name: "complete I", section: I, want: eligibility.Pass},
		{name: "complete II", section: II, want: eligibility.Pass},
		{name: "no statute, I", section: I, edit: drop("statute"), want: eligibility.Missing},
		{name: "no programme: section I unaffected", section: I, edit: drop("programme"), want: eligibility.Pass},
		{name: "no programme: section II incomplete", section: II, edit: drop("programme"), want: eligibility.Missing},
	})
}

func TestOnlineSignature(t *testing.T) {
	dated := func(d string) func(a *eligibility.Application, _ *fakeRegister) {
		return func(a *eligibility.Application, _ *fakeRegister) {
			a.Date = registry.Date(d)
			a.Signature.SignedAt = registry.Date(d)
		}
	}
	runRuleCases(t, eligibility.RuleOnlineSignature, []ruleCase{
		{name: "legal representative, verified", section: I, want: eligibility.Pass},
		{name: "signed by someone else", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Signature.SignerCodiceFiscale = "CNTCHR83T41D969D"
		}, want: eligibility.Fail},
		{name: "same code, other case", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Signature.SignerCodiceFiscale = "rccmnl83s18d969h"
		}, want: eligibility.Pass},
		{name: "not verified", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Signature.Verified = new(false) }, want: eligibility.Fail},
		{name: "verification nil", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Signature.Verified = nil }, want: eligibility.Missing},
		{name: "verification unknown", section: II, edit: unknown("/signature/verified"), want: eligibility.Missing},
		{name: "not a digital format", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Signature.Format = "scan" }, want: eligibility.Fail},
		{name: "no signer", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Signature.SignerCodiceFiscale = "" }, want: eligibility.Missing},
		{name: "14 May 2023: not in force", section: I, edit: dated("2023-05-14"), absent: true},
		{name: "15 May 2023: in force", section: I, edit: dated("2023-05-15"), want: eligibility.Pass},
		{name: "14 May 2023, signed by someone else: not judged", section: I, edit: func(a *eligibility.Application, r *fakeRegister) {
			dated("2023-05-14")(a, r)
			a.Signature.SignerCodiceFiscale = "CNTCHR83T41D969D"
		}, absent: true},
		{name: "15 May 2023, signed by someone else", section: I, edit: func(a *eligibility.Application, r *fakeRegister) {
			dated("2023-05-15")(a, r)
			a.Signature.SignerCodiceFiscale = "CNTCHR83T41D969D"
		}, want: eligibility.Fail},
		// The channel and the declared absence of a signature (issue 21).
		{name: "filed online", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Channel = registry.ChannelOnline }, want: eligibility.Pass},
		{name: "paper after 15 May 2023", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Channel, a.Signature = registry.ChannelPaper, registry.Signature{}
		}, want: eligibility.Fail},
		{name: "paper on 14 May 2023, unsigned: not judged", section: I, edit: func(a *eligibility.Application, r *fakeRegister) {
			dated("2023-05-14")(a, r)
			a.Channel, a.Signature = registry.ChannelPaper, registry.Signature{}
		}, absent: true},
		{name: "not signed, declared", section: II, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.Signature, a.DeclaredAbsent = registry.Signature{}, []string{registry.AbsentSignature}
		}, want: eligibility.Fail},
		{name: "no signature stated", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) { a.Signature = registry.Signature{} }, want: eligibility.Missing},
		{name: "signed and declared unsigned", section: I, edit: func(a *eligibility.Application, _ *fakeRegister) {
			a.DeclaredAbsent = []string{registry.AbsentSignature}
		}, want: eligibility.Missing},
	})
}

func TestRegisterErrorStopsEvaluation(t *testing.T) {
	reg := newRegister()
	boom := errors.New("disk on fire")
	reg.err = boom
	_, err := eligibility.New(reg, eligibility.Options{}).Evaluate(t.Context(), typical(), day(t, "2025-01-01"))
	if !errors.Is(err, eligibility.ErrRule) || !errors.Is(err, boom) {
		t.Fatalf("err = %v, want ErrRule wrapping the register's error", err)
	}
}
