package eligibility

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/schemas/problem"
)

// The IDs of the default rules, for [RuleSet.Replace] and [RuleSet.Without].
const (
	RulePrivateBody        = "private_body"
	RuleSocialAims         = "art53_social_aims"
	RuleNonProfit          = "art53_non_profit"
	RuleSeatInItaly        = "art53_seat_in_italy"
	RuleDemocraticOrder    = "art53_democratic_order"
	RuleElectiveOffices    = "art53_elective_offices"
	RuleAdmissionCriteria  = "art53_admission_criteria"
	RuleAnnualAccounts     = "art53_annual_accounts"
	RuleNoDisqualification = "art52_no_disqualification"
	RuleExperienceI        = "section1_experience"
	RuleExperienceII       = "section2_experience"
	RuleProgramme          = "section2_programme"
	RuleHousing            = "section2_housing"
	RulePartnership        = "section2_partnership"
	RuleGDPR               = "section2_gdpr"
	RuleBranchOwn          = "section2_branch_own"
	RuleAttachments        = "attachments"
	RuleOnlineSignature    = "online_signature"
)

// OnlineFrom returns the first application date on which applications are
// filed only online and signed digitally by the legal representative: 15 May
// 2023.
func OnlineFrom() time.Time { return time.Date(2023, time.May, 15, 0, 0, 0, 0, time.UTC) }

// ExperienceMonths is the experience required before the application date,
// for each section.
const ExperienceMonths = 24

// DefaultVersion is the version of the rule set [Default] returns.
const DefaultVersion = "2026.2"

// Default returns the rule set of artt. 52–54 DPR 394/1999: the exclusion of public
// bodies, the eight general requirements of art. 53 DPR 394/1999, the Section
// I and Section II requirements, the attachments and, for applications from
// 15 May 2023, the online filing with the legal representative's digital
// signature.
func Default() *RuleSet {
	s, err := NewRuleSet("default", DefaultVersion,
		PrivateBodyRule([]string{registry.NaturePublic, registry.NatureInternational}),
		statuteRule(RuleSocialAims, "a", "socialAims", false,
			m("fini sociali e di solidarietà", "social and solidarity aims"),
			func(st *registry.Statute) bool { return st.SocialAims }),
		statuteRule(RuleNonProfit, "b", "nonProfit", false,
			m("assenza di fini di lucro", "no profit motive"),
			func(st *registry.Statute) bool { return st.NonProfit }),
		seatRule(),
		statuteRule(RuleDemocraticOrder, "d", "democraticOrder", true,
			m("carattere democratico dell'ordinamento interno", "democratic internal order"),
			func(st *registry.Statute) bool { return st.DemocraticOrder }),
		statuteRule(RuleElectiveOffices, "e", "electiveOffices", true,
			m("elettività delle cariche associative", "elective offices"),
			func(st *registry.Statute) bool { return st.ElectiveOffices }),
		statuteRule(RuleAdmissionCriteria, "f", "admissionCriteria", true,
			m("criteri definiti di ammissione degli aderenti", "defined criteria for admitting members"),
			func(st *registry.Statute) bool { return st.AdmissionCriteria }),
		accountsRule(),
		disqualificationRule(),
		experienceRule(registry.SectionI),
		experienceRule(registry.SectionII),
		programmeRule(),
		housingRule(),
		partnershipRule(),
		gdprRule(),
		branchRule(),
		AttachmentsRule(DefaultAttachments()),
		signatureRule(),
	)
	if err != nil {
		panic("eligibility: default rule set is invalid: " + err.Error())
	}
	return s
}

func m(it, en string) problem.Text { return problem.Text{IT: it, EN: en} }

func mf(it, en string, args ...any) problem.Text {
	return problem.Text{IT: fmt.Sprintf(it, args...), EN: fmt.Sprintf(en, args...)}
}

func found(o Outcome, msg problem.Text, facts ...Fact) (Finding, error) {
	return Finding{Outcome: o, Facts: facts, Message: msg}, nil
}

var (
	sectionsI  = []registry.Section{registry.SectionI}
	sectionsII = []registry.Section{registry.SectionII}
)

const dpr = " DPR 394/1999"

// absentFact is the fact that the applicant declares code absent
// (declaredAbsent).
func absentFact(c *Case, code string) Fact {
	return KnownFact("declaredAbsent."+code, problem.Pointer("declaredAbsent"), c.Application.Declares(code))
}

// notGiven answers a requirement that the application does not give: fail
// when the applicant declares it absent, missing when it says nothing.
func notGiven(c *Case, code string, ptr string, declared, missing problem.Text) (Finding, error) {
	f := absentFact(c, code)
	if c.Application.Declares(code) {
		return found(Fail, declared, f, UnknownFact(code, ptr))
	}
	return found(Missing, missing, f, UnknownFact(code, ptr))
}

// contradicts answers a requirement both given and declared absent: bad
// input for registry.Validator and the schema, it reaches the rules only from
// a Go caller that skipped validation, and is missing.
func contradicts(c *Case, code string) (Finding, error) {
	return found(Missing, mf("«%s» è sia indicato sia dichiarato assente: dichiarazioni contraddittorie",
		"%q is both given and declared absent: the statements contradict each other", code), absentFact(c, code))
}

// boolFact returns the fact at ptr and whether it is known.
func boolFact(c *Case, name, ptr string, v bool) (Fact, bool) {
	if !c.Known(ptr) {
		return UnknownFact(name, ptr), false
	}
	return KnownFact(name, ptr, v), true
}

// PrivateBodyRule returns the rule excluding public bodies and bodies of
// international law (art. 52 c.1 DPR 394/1999: only private bodies). It reads
// the body's legal nature (body.legalNature) and legal form
// (body.legalForm): a nature or form in excluded fails; the nature "private"
// passes; without a nature, a form of the legal_form list passes, except
// "other", which says nothing about the body's nature and is missing.
func PrivateBodyRule(excluded []string) Rule {
	excluded = slices.Clone(excluded)
	return NewRule(Meta{
		ID: RulePrivateBody, Version: 2, Basis: "art. 52 c.1" + dpr,
		Title: m("ente od organismo privato (esclusi enti pubblici e organismi di diritto internazionale)",
			"private body (public bodies and bodies of international law are excluded)"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		body := &c.Application.Body
		form, nature := body.LegalForm, body.LegalNature
		ptr, nPtr := problem.Pointer("body", "legalForm"), problem.Pointer("body", "legalNature")
		nf := UnknownFact("body.legalNature", nPtr)
		if nature != "" {
			nf = KnownFact("body.legalNature", nPtr, nature)
		}
		f := UnknownFact("body.legalForm", ptr)
		if form != "" {
			f = KnownFact("body.legalForm", ptr, form)
		}
		switch {
		case nature != "" && slices.Contains(excluded, nature):
			return found(Fail, mf("la natura giuridica %q è di un ente pubblico o di diritto internazionale, esclusi dal registro",
				"legal nature %q is a public body or a body of international law, excluded from the register", nature), nf, f)
		case form != "" && slices.Contains(excluded, form):
			return found(Fail, mf("la forma giuridica %q è di un ente pubblico o di diritto internazionale, esclusi dal registro",
				"legal form %q is a public body or a body of international law, excluded from the register", form), nf, f)
		case nature == registry.NaturePrivate:
			return found(Pass, m("l'ente dichiara natura giuridica privata", "the body declares a private legal nature"), nf, f)
		case form == "":
			return found(Missing, m("né la natura né la forma giuridica sono indicate", "neither the legal nature nor the legal form is stated"), nf, f)
		case form == "other":
			return found(Missing, m("la forma giuridica «altro» non mostra che l'ente è privato e la natura giuridica non è indicata",
				"legal form \"other\" does not show that the body is private and the legal nature is not stated"), nf, f)
		}
		if l, ok := c.Codelists.List(codelist.LegalForm); ok && l.Contains(form, 0) {
			return found(Pass, mf("la forma giuridica %q è di un ente privato", "legal form %q is a private body's", form), nf, f)
		}
		return found(Missing, mf("forma giuridica %q sconosciuta", "unknown legal form %q", form), nf, f)
	})
}

// statuteRule returns one of the statute requirements of art. 53 c.1;
// onlusExempt marks requirements 4–6, which do not apply to ONLUS bodies.
func statuteRule(id, letter, field string, onlusExempt bool, title problem.Text, get func(*registry.Statute) bool) Rule {
	return NewRule(Meta{
		ID: id, Version: 1, Basis: "art. 53 c.1 lett. " + letter + dpr,
		Title: problem.Text{IT: "Statuto: " + title.IT, EN: "Statute: " + title.EN},
	}, func(_ context.Context, c *Case) (Finding, error) {
		body := &c.Application.Body
		if onlusExempt && slices.Contains(body.Qualifications, "onlus") {
			return found(NotApplicable, m("requisito non richiesto agli enti ONLUS", "requirement not asked of ONLUS bodies"),
				KnownFact("body.qualifications", problem.Pointer("body", "qualifications"), slices.Clone(body.Qualifications)))
		}
		ptr := problem.Pointer("body", "statute", field)
		f, known := boolFact(c, "statute."+field, ptr, get(&body.Statute))
		switch {
		case !known:
			return found(Missing, problem.Text{IT: "lo statuto non dice se prevede: " + title.IT, EN: "the statute does not say whether it provides: " + title.EN}, f)
		case get(&body.Statute):
			return found(Pass, problem.Text{IT: "lo statuto prevede: " + title.IT, EN: "the statute provides: " + title.EN}, f)
		}
		return found(Fail, problem.Text{IT: "lo statuto non prevede: " + title.IT, EN: "the statute does not provide: " + title.EN}, f)
	})
}

func seatRule() Rule {
	return NewRule(Meta{
		ID: RuleSeatInItaly, Version: 2, Basis: "art. 53 c.1 lett. c" + dpr,
		Title: m("sede legale in Italia", "legal seat in Italy"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		if country := c.Application.Body.SeatCountry; country != "" && country != "IT" {
			return found(Fail, mf("la sede legale è all'estero (%s)", "the legal seat is abroad (%s)", country),
				KnownFact("body.seatCountry", problem.Pointer("body", "seatCountry"), country))
		}
		code := c.Application.Body.Seat.Comune
		ptr := problem.Pointer("body", "seat", "comune")
		if code == "" {
			return found(Missing, m("comune della sede legale non indicato", "comune of the legal seat not stated"), UnknownFact("body.seat.comune", ptr))
		}
		f := KnownFact("body.seat.comune", ptr, code)
		// The comune must exist on the application's date: suppressed
		// before it, or created after it, it is no seat.
		if cm, ok := c.Territory.ComuneOn(code, c.Day); ok {
			return found(Pass, mf("sede legale a %s", "legal seat in %s", cm.Name), f)
		}
		if h := c.Territory.ComuneHistory(code); len(h) > 0 {
			return found(Fail, mf("il comune %s (%s) della sede legale non esisteva alla data della domanda (%s)",
				"comune %s (%s) of the legal seat did not exist on the application date (%s)", code, h[len(h)-1].Name, c.Day.Format(time.DateOnly)), f)
		}
		return found(Fail, mf("il comune %q della sede legale non è un comune italiano", "comune %q of the legal seat is not an Italian comune", code), f)
	})
}

func accountsRule() Rule {
	return NewRule(Meta{
		ID: RuleAnnualAccounts, Version: 1, Basis: "art. 53 c.1 lett. g" + dpr,
		Title: m("Statuto: bilancio o rendiconto annuale e modalità di approvazione definite",
			"Statute: annual balance sheet or financial statement with defined approval rules"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		st := &c.Application.Body.Statute
		fa, ka := boolFact(c, "statute.annualAccounts", problem.Pointer("body", "statute", "annualAccounts"), st.AnnualAccounts)
		fb, kb := boolFact(c, "statute.accountsApproval", problem.Pointer("body", "statute", "accountsApproval"), st.AccountsApproval)
		switch {
		case (ka && !st.AnnualAccounts) || (kb && !st.AccountsApproval):
			return found(Fail, m("manca il bilancio o rendiconto annuale o la definizione delle modalità di approvazione",
				"no annual accounts, or no defined rules for approving them"), fa, fb)
		case !ka || !kb:
			return found(Missing, m("non è indicato se l'ente redige il bilancio annuale e come lo approva",
				"it is not stated whether the body draws up annual accounts and how it approves them"), fa, fb)
		}
		return found(Pass, m("bilancio annuale redatto con modalità di approvazione definite",
			"annual accounts drawn up with defined approval rules"), fa, fb)
	})
}

// disqualificationRule checks the art. 52 declarations: one for the whole
// body (declarations.noDisqualification) or person by person
// (declarations.persons), covering the legal representative and every member
// of the governing and control bodies. A condition declared for any person
// fails; so does a body-wide declaration that is not made.
func disqualificationRule() Rule {
	return NewRule(Meta{
		ID: RuleNoDisqualification, Version: 2, Basis: "art. 53 c.1 lett. h; art. 52 c.3" + dpr,
		Title: m("assenza di condizioni interdittive a carico del legale rappresentante e dei componenti degli organi di amministrazione e controllo",
			"no disqualifying conditions on the legal representative or any member of the governing and control bodies"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		a := c.Application
		decl, known := boolFact(c, "declarations.noDisqualification", problem.Pointer("declarations", "noDisqualification"), a.Declarations.NoDisqualification)
		rep := a.Body.LegalRepresentative.CodiceFiscale
		repPtr := problem.Pointer("body", "legalRepresentative", "taxCode")
		repFact := KnownFact("body.legalRepresentative.taxCode", repPtr, rep)
		if rep == "" {
			repFact = UnknownFact("body.legalRepresentative.taxCode", repPtr)
		}
		members := make([]string, 0, len(a.Body.Members))
		var people []string // codici fiscali the declarations must cover
		if rep != "" {
			people = append(people, rep)
		}
		for _, mb := range a.Body.Members {
			members = append(members, mb.Organ+":"+mb.Role+":"+mb.Person.CodiceFiscale)
			if cf := mb.Person.CodiceFiscale; cf != "" && !slices.Contains(people, cf) {
				people = append(people, cf)
			}
		}
		memFact := KnownFact("body.members", problem.Pointer("body", "members"), members)
		if len(members) == 0 {
			memFact = UnknownFact("body.members", problem.Pointer("body", "members"))
		}
		facts := []Fact{decl, repFact, memFact}
		var declared, hit []string
		for _, pd := range a.Declarations.Persons {
			declared = append(declared, pd.CodiceFiscale)
			if len(pd.Conditions) > 0 {
				hit = append(hit, pd.CodiceFiscale+" ("+strings.Join(pd.Conditions, ", ")+")")
			}
		}
		var undeclared []string
		for _, cf := range people {
			if !slices.Contains(declared, cf) {
				undeclared = append(undeclared, cf)
			}
		}
		if len(a.Declarations.Persons) > 0 {
			facts = append(facts, KnownFact("declarations.persons", problem.Pointer("declarations", "persons"), declared))
			if len(undeclared) > 0 {
				facts = append(facts, KnownFact("undeclaredPersons", "", undeclared))
			}
		}
		if len(hit) > 0 {
			facts = append(facts, KnownFact("disqualifiedPersons", "", hit))
		}
		switch {
		case len(hit) > 0:
			return found(Fail, mf("condizioni interdittive dichiarate per: %s", "disqualifying conditions declared for: %s", strings.Join(hit, "; ")), facts...)
		case known && !a.Declarations.NoDisqualification:
			return found(Fail, m("la dichiarazione di assenza di condizioni interdittive (art. 52 c.3) non è resa",
				"the declaration that no disqualifying condition applies (art. 52 c.3) is not made"), facts...)
		case rep == "" || len(members) == 0:
			return found(Missing, m("la dichiarazione deve coprire il legale rappresentante e ogni componente degli organi: mancano i loro dati",
				"the declaration must cover the legal representative and every member of the bodies: their data are missing"), facts...)
		case len(a.Declarations.Persons) > 0 && len(undeclared) == 0:
			return found(Pass, mf("dichiarata persona per persona l'assenza di condizioni interdittive per il legale rappresentante e %d componenti degli organi",
				"no disqualifying condition declared person by person for the legal representative and %d members of the bodies", len(members)), facts...)
		case !known:
			return found(Missing, m("manca la dichiarazione sulle condizioni interdittive (art. 52 c.3)",
				"the declaration on disqualifying conditions (art. 52 c.3) is missing"), facts...)
		}
		return found(Pass, mf("dichiarata l'assenza di condizioni interdittive per il legale rappresentante e %d componenti degli organi",
			"no disqualifying condition declared for the legal representative and %d members of the bodies", len(members)), facts...)
	})
}

// experienceRule checks that the activities of the section cover the 24
// months before the application date without gaps. Only activities carried
// out by the applicant itself count (activities[].carriedOutBy empty or its
// own codice fiscale): a branch is judged on its own activities. For Section
// I an activity counts when it was aimed at foreigners (target
// "foreigners"); for Section II when it is in one of the Section II areas
// (areas) and not declared aimed at the general public. An activity whose
// target (Section I) or area (Section II) is not stated may not be counted:
// if the gaps close only with it, the rule answers missing; declared
// negatives (target "general", another body, section2_activities declared
// absent) leave the gaps and the rule fails.
func experienceRule(s registry.Section) Rule {
	meta := Meta{ID: RuleExperienceI, Version: 2, Basis: "art. 52 c.1 lett. a; art. 53" + dpr + "; art. 42 D.lgs. 286/1998",
		Sections: sectionsI,
		Title: m("esperienza specifica e stabile nell'integrazione sociale degli stranieri, svolta dal richiedente, nei 24 mesi prima della domanda",
			"specific, stable experience in the social integration of foreigners, of the applicant's own, in the 24 months before the application")}
	if s == registry.SectionII {
		meta = Meta{ID: RuleExperienceII, Version: 2, Basis: "art. 52 c.1 lett. b; art. 53" + dpr + "; art. 18 D.lgs. 286/1998",
			Sections: sectionsII,
			Title: m("esperienza propria nei 24 mesi prima della domanda in violenza contro le donne, prostituzione, tratta, abusi sui minori, grave sfruttamento lavorativo",
				"experience of the applicant's own in the 24 months before the application in violence against women, prostitution, trafficking, abuse of minors, severe labour exploitation")}
	}
	return NewRule(meta, func(_ context.Context, c *Case) (Finding, error) {
		a := c.Application
		from := c.Day.AddDate(0, -ExperienceMonths, 0)
		window := KnownFact("window", "", from.Format(time.DateOnly)+".."+c.Day.AddDate(0, 0, -1).Format(time.DateOnly))
		var areas []string
		if s == registry.SectionII {
			if l, ok := c.Codelists.List(codelist.ExperienceArea); ok {
				areas = l.Codes(0)
			}
		}
		declaredNone := s == registry.SectionII && a.Declares(registry.AbsentSectionIIActivities)
		own := func(by string) bool { return by == "" || by == a.Body.CodiceFiscale }
		var counted, unknown []span
		var used, unstated, others, general, undated []string
		for i, act := range a.Activities {
			ptr := problem.Pointer("activities", problem.Index(i))
			inArea := slices.ContainsFunc(act.Areas, func(x string) bool { return slices.Contains(areas, x) })
			var list *[]span
			switch {
			case !own(act.CarriedOutBy):
				others = append(others, ptr)
				continue
			case act.Target == registry.TargetGeneral:
				general = append(general, ptr)
				continue
			case s == registry.SectionI && act.Target == registry.TargetForeigners, s == registry.SectionII && inArea:
				list = &counted
			case s == registry.SectionII && declaredNone:
				continue // declared outside the Section II areas
			default:
				list = &unknown
			}
			start, end := act.Start.Time(), time.Time{}
			if !act.End.IsZero() {
				end = act.End.Time()
			}
			if start.IsZero() || (!act.End.IsZero() && (end.IsZero() || end.Before(start))) {
				undated = append(undated, ptr)
				continue
			}
			sp := span{start: start}
			if !end.IsZero() {
				sp.end = end.AddDate(0, 0, 1)
			}
			*list = append(*list, sp)
			if list == &counted {
				used = append(used, ptr)
			} else {
				unstated = append(unstated, ptr)
			}
		}
		facts := []Fact{window, KnownFact("activities", "", nonNil(used))}
		if len(a.Activities) == 0 {
			return found(Missing, m("nessuna attività indicata", "no activity stated"), window, UnknownFact("activities", problem.Pointer("activities")))
		}
		if len(counted) == 0 {
			facts[1] = UnknownFact("activities", problem.Pointer("activities"))
		}
		for _, x := range []struct {
			name string
			v    []string
		}{{"unstatedActivities", unstated}, {"activitiesByOthers", others}, {"activitiesNotForForeigners", general}, {"undatedActivities", undated}} {
			if len(x.v) > 0 {
				facts = append(facts, KnownFact(x.name, "", x.v))
			}
		}
		if declaredNone {
			facts = append(facts, KnownFact("declaredAbsent.section2_activities", problem.Pointer("declaredAbsent"), true))
			if len(counted) > 0 {
				return found(Missing, m("dichiarata l'assenza di attività negli ambiti della seconda sezione, ma alcune attività vi rientrano: dichiarazioni contraddittorie",
					"no activity in the Section II areas is declared, yet some activities are in them: the statements contradict each other"), facts...)
			}
		}
		gaps := uncovered(slices.Clone(counted), from, c.Day)
		if len(gaps) == 0 {
			if len(undated) > 0 {
				return found(Pass, mf("le attività coprono i %d mesi prima della domanda (alcune attività hanno date non valide e non sono state contate)",
					"the activities cover the %d months before the application (some activities have invalid dates and were not counted)", ExperienceMonths), facts...)
			}
			return found(Pass, mf("le attività coprono senza interruzioni i %d mesi prima della domanda",
				"the activities cover the %d months before the application without gaps", ExperienceMonths), facts...)
		}
		facts = append(facts, KnownFact("gaps", "", gaps))
		if len(unknown) > 0 && len(uncovered(append(slices.Clone(counted), unknown...), from, c.Day)) == 0 {
			if s == registry.SectionI {
				return found(Missing, mf("i %d mesi sono coperti solo contando attività che non dicono se erano rivolte agli stranieri (target)",
					"the %d months are covered only by counting activities that do not say whether they were aimed at foreigners (target)", ExperienceMonths), facts...)
			}
			return found(Missing, mf("i %d mesi sono coperti solo contando attività che non indicano l'ambito della seconda sezione (areas)",
				"the %d months are covered only by counting activities that do not state their Section II area (areas)", ExperienceMonths), facts...)
		}
		if len(counted) == 0 && len(unknown) == 0 && len(undated) > 0 {
			return found(Missing, m("nessuna attività ha date valide", "no activity has valid dates"), facts...)
		}
		if s == registry.SectionI {
			return found(Fail, mf("le attività rivolte agli stranieri e svolte dal richiedente non coprono i %d mesi prima della domanda: periodi scoperti %s",
				"the activities aimed at foreigners and carried out by the applicant do not cover the %d months before the application: gaps %s", ExperienceMonths, strings.Join(gaps, ", ")), facts...)
		}
		return found(Fail, mf("le attività svolte dal richiedente negli ambiti della seconda sezione non coprono i %d mesi prima della domanda: periodi scoperti %s",
			"the applicant's activities in the Section II areas do not cover the %d months before the application: gaps %s", ExperienceMonths, strings.Join(gaps, ", ")), facts...)
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// span is a half-open interval of days [start, end); a zero end is open.
type span struct{ start, end time.Time }

// uncovered returns the parts of [from, to) no span covers, as
// "YYYY-MM-DD..YYYY-MM-DD" (inclusive days), in order.
func uncovered(spans []span, from, to time.Time) []string {
	slices.SortFunc(spans, func(a, b span) int { return a.start.Compare(b.start) })
	var gaps []string
	add := func(a, b time.Time) {
		gaps = append(gaps, a.Format(time.DateOnly)+".."+b.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	cur := from
	for _, sp := range spans {
		if !cur.Before(to) {
			break
		}
		if sp.start.After(cur) {
			add(cur, minTime(sp.start, to))
		}
		if sp.end.IsZero() {
			return gaps
		}
		if sp.end.After(cur) {
			cur = sp.end
		}
	}
	if cur.Before(to) {
		add(cur, to)
	}
	return gaps
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func programmeRule() Rule {
	return NewRule(Meta{
		ID: RuleProgramme, Version: 2, Basis: "art. 52 c.1 lett. b; art. 53" + dpr + "; art. 18 D.lgs. 286/1998",
		Sections: sectionsII,
		Title: m("programma di assistenza e integrazione sociale con operatori competenti nelle aree psicologica, sanitaria, educativa e dell'assistenza sociale",
			"assistance and social-integration programme with operators competent in the psychological, health, educational and social-assistance areas"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		p := c.Application.Programme
		ptr := problem.Pointer("programme")
		if p == nil {
			return notGiven(c, registry.AbsentProgramme, ptr,
				m("il richiedente dichiara di non avere un programma di assistenza e integrazione sociale", "the applicant declares it has no assistance and social-integration programme"),
				m("manca il programma di assistenza e integrazione sociale", "the assistance and social-integration programme is missing"))
		}
		if c.Application.Declares(registry.AbsentProgramme) {
			return contradicts(c, registry.AbsentProgramme)
		}
		if by := p.CarriedOutBy; by != "" && by != c.Application.Body.CodiceFiscale {
			return found(Fail, mf("il programma è svolto da un altro ente (%s): per la seconda sezione il richiedente deve averne uno proprio",
				"the programme is run by another body (%s): for Section II the applicant must have its own", by),
				KnownFact("programme.carriedOutBy", problem.Pointer("programme", "carriedOutBy"), by))
		}
		var required []string
		if l, ok := c.Codelists.List(codelist.CompetenceArea); ok {
			required = l.Codes(0)
		}
		var covered []string
		for _, op := range p.Operators {
			for _, a := range op.Areas {
				if !slices.Contains(covered, a) {
					covered = append(covered, a)
				}
			}
		}
		slices.Sort(covered)
		var lacking []string
		for _, a := range required {
			if !slices.Contains(covered, a) {
				lacking = append(lacking, a)
			}
		}
		facts := []Fact{
			KnownFact("programme.operators", problem.Pointer("programme", "operators"), len(p.Operators)),
			KnownFact("programme.competenceAreas", problem.Pointer("programme", "operators"), nonNil(covered)),
		}
		if len(p.Operators) == 0 {
			return found(Missing, m("il programma non indica gli operatori", "the programme names no operators"), facts...)
		}
		if len(lacking) > 0 {
			facts = append(facts, KnownFact("lackingAreas", "", lacking))
			return found(Fail, mf("nessun operatore copre le aree: %s", "no operator covers the areas: %s", strings.Join(lacking, ", ")), facts...)
		}
		return found(Pass, mf("%d operatori coprono tutte le aree di competenza", "%d operators cover every competence area", len(p.Operators)), facts...)
	})
}

func housingRule() Rule {
	return NewRule(Meta{
		ID: RuleHousing, Version: 2, Basis: "art. 53" + dpr + "; art. 18 D.lgs. 286/1998",
		Sections: sectionsII,
		Title: m("disponibilità, a qualunque titolo, di strutture alloggiative adeguate al programma",
			"housing facilities suitable for the programme available under any title"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		h := c.Application.Housing
		if len(h) == 0 {
			return notGiven(c, registry.AbsentHousing, problem.Pointer("housing"),
				m("il richiedente dichiara di non disporre di strutture alloggiative", "the applicant declares it has no housing facility"),
				m("nessuna struttura alloggiativa indicata", "no housing facility stated"))
		}
		if c.Application.Declares(registry.AbsentHousing) {
			return contradicts(c, registry.AbsentHousing)
		}
		places := 0
		for _, f := range h {
			if f.Places > 0 {
				places += f.Places
			}
		}
		facts := []Fact{KnownFact("housing.facilities", problem.Pointer("housing"), len(h)), KnownFact("housing.places", "", places)}
		if places == 0 {
			return found(Fail, m("le strutture alloggiative indicate non hanno posti", "the housing facilities stated have no places"), facts...)
		}
		return found(Pass, mf("strutture alloggiative: %d; posti: %d", "housing facilities: %d; places: %d", len(h), places), facts...)
	})
}

func partnershipRule() Rule {
	return NewRule(Meta{
		ID: RulePartnership, Version: 2, Basis: "art. 53" + dpr + " (MLPS: accordo di partenariato con ente iscritto alla II sezione)",
		Sections: sectionsII,
		Title: m("accordo di partenariato con un ente iscritto alla seconda sezione alla data della domanda",
			"partnership agreement with a body enrolled in Section II on the application date"),
	}, func(ctx context.Context, c *Case) (Finding, error) {
		a := c.Application
		p := a.Partnership
		if p == nil {
			return notGiven(c, registry.AbsentPartnership, problem.Pointer("partnership"),
				m("il richiedente dichiara di non avere un accordo di partenariato", "the applicant declares it has no partnership agreement"),
				m("manca l'accordo di partenariato", "the partnership agreement is missing"))
		}
		if a.Declares(registry.AbsentPartnership) {
			return contradicts(c, registry.AbsentPartnership)
		}
		pidPtr := problem.Pointer("partnership", "partnerId")
		if p.PartnerID == "" {
			return found(Missing, m("l'accordo non indica l'ente partner", "the agreement does not name the partner"), UnknownFact("partnership.partnerId", pidPtr))
		}
		facts := []Fact{KnownFact("partnership.partnerId", pidPtr, p.PartnerID)}
		if a.EntityID != "" && p.PartnerID == a.EntityID {
			return found(Fail, m("l'ente partner è lo stesso richiedente", "the partner is the applicant itself"), facts...)
		}
		startPtr := problem.Pointer("partnership", "start")
		if !p.Start.Valid() {
			return found(Missing, m("manca la data di inizio dell'accordo", "the agreement's start date is missing"),
				append(facts, UnknownFact("partnership.start", startPtr))...)
		}
		facts = append(facts, KnownFact("partnership.start", startPtr, string(p.Start)))
		if p.End != "" {
			facts = append(facts, KnownFact("partnership.end", problem.Pointer("partnership", "end"), string(p.End)))
		}
		day := registry.DateOf(c.Day)
		if p.Start.After(day) || (p.End != "" && p.End.Before(day)) {
			return found(Fail, mf("l'accordo non è in vigore alla data della domanda (%s)", "the agreement is not in force on the application date (%s)", day), facts...)
		}
		if c.Register == nil {
			return found(Missing, m("nessun registro disponibile per verificare l'iscrizione del partner alla seconda sezione",
				"no register available to check the partner's Section II enrolment"), append(facts, UnknownFact("register.partnerEnrolledII", ""))...)
		}
		ok, err := c.Register.EnrolledOn(ctx, p.PartnerID, registry.SectionII, c.Day)
		switch {
		case errors.Is(err, registry.ErrNotFound):
			return found(Fail, mf("l'ente partner %q non è nel registro", "partner %q is not in the register", p.PartnerID),
				append(facts, KnownFact("register.partnerEnrolledII", "", false))...)
		case err != nil:
			return Finding{}, err
		}
		facts = append(facts, KnownFact("register.partnerEnrolledII", "", ok))
		if !ok {
			return found(Fail, mf("l'ente partner %q non era iscritto alla seconda sezione il %s", "partner %q was not enrolled in Section II on %s", p.PartnerID, day), facts...)
		}
		if pr, ok := c.Register.(PartnershipRegister); ok && a.EntityID != "" {
			recs, err := pr.SectionIIPartnerships(ctx, a.EntityID, c.Day)
			switch {
			case errors.Is(err, registry.ErrNotFound):
				// A first application: the register holds no records of the
				// applicant yet; the agreement stands on the partner's
				// enrolment.
				facts = append(facts, UnknownFact("register.partnershipRecorded", ""))
			case err != nil:
				return Finding{}, err
			default:
				rec := slices.ContainsFunc(recs, func(r registry.Partnership) bool { return r.Involves(p.PartnerID) })
				facts = append(facts, KnownFact("register.partnershipRecorded", "", rec))
				if !rec {
					return found(Missing, mf("il registro non ha un partenariato in vigore il %s tra il richiedente e %q: l'accordo non è verificato",
						"the register holds no partnership in force on %s between the applicant and %q: the agreement is not verified", day, p.PartnerID), facts...)
				}
				return found(Pass, mf("partenariato registrato con %q, iscritto alla seconda sezione il %s", "partnership recorded with %q, enrolled in Section II on %s", p.PartnerID, day), facts...)
			}
		}
		return found(Pass, mf("l'ente partner %q era iscritto alla seconda sezione il %s", "partner %q was enrolled in Section II on %s", p.PartnerID, day), facts...)
	})
}

func gdprRule() Rule {
	return NewRule(Meta{
		ID: RuleGDPR, Version: 2, Basis: "Reg. UE 2016/679; D.lgs. 196/2003 (mod. D.lgs. 101/2018)",
		Sections: sectionsII,
		Title: m("procedure di tutela dei dati personali, in particolare per i beneficiari ospitati",
			"personal-data protection procedures, especially for the beneficiaries hosted"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		g := c.Application.GDPR
		if g == nil {
			return notGiven(c, registry.AbsentGDPR, problem.Pointer("gdpr"),
				m("il richiedente dichiara di non avere procedure di tutela dei dati personali", "the applicant declares it has no personal-data protection procedures"),
				m("mancano le procedure di tutela dei dati personali", "the personal-data protection procedures are missing"))
		}
		if c.Application.Declares(registry.AbsentGDPR) {
			return contradicts(c, registry.AbsentGDPR)
		}
		var facts []Fact
		str := func(name, field, v string) {
			if v == "" {
				facts = append(facts, UnknownFact(name, problem.Pointer("gdpr", field)))
			} else {
				facts = append(facts, KnownFact(name, problem.Pointer("gdpr", field), v))
			}
		}
		str("gdpr.controller", "controller", g.Controller)
		str("gdpr.adoptedOn", "adoptedOn", string(g.AdoptedOn))
		measures := strings.TrimSpace(g.BeneficiaryMeasures) != ""
		facts = append(facts, KnownFact("gdpr.beneficiaryMeasures", problem.Pointer("gdpr", "beneficiaryMeasures"), measures))
		if g.Controller == "" || !g.AdoptedOn.Valid() || !measures {
			return found(Missing, m("procedure incomplete: titolare, data di adozione e misure per i beneficiari ospitati sono necessari",
				"procedures incomplete: the controller, the adoption date and the measures for hosted beneficiaries are needed"), facts...)
		}
		if g.AdoptedOn.After(registry.DateOf(c.Day)) {
			return found(Fail, mf("procedure adottate il %s, dopo la domanda", "procedures adopted on %s, after the application", g.AdoptedOn), facts...)
		}
		return found(Pass, mf("procedure adottate il %s, con misure per i beneficiari ospitati", "procedures adopted on %s, with measures for hosted beneficiaries", g.AdoptedOn), facts...)
	})
}

func branchRule() Rule {
	return NewRule(Meta{
		ID: RuleBranchOwn, Version: 2, Basis: "art. 52 c.1 lett. b" + dpr + " (MLPS: articolazioni territoriali)",
		Sections: sectionsII,
		Title: m("l'iscrizione alla seconda sezione non si estende alle articolazioni territoriali: ciascuna chiede per sé",
			"Section II enrolment never extends to branches: each applies on its own"),
	}, func(ctx context.Context, c *Case) (Finding, error) {
		a := c.Application
		if a.Body.BranchOf == "" {
			if len(a.Branches) > 0 {
				cfs := make([]string, len(a.Branches))
				for i, b := range a.Branches {
					cfs[i] = b.CodiceFiscale
				}
				return found(NotApplicable, mf("l'iscrizione alla seconda sezione non si estenderà alle %d articolazioni elencate: ciascuna deve chiederla per sé",
					"the Section II enrolment will not extend to the %d branches listed: each must apply on its own", len(cfs)),
					KnownFact("branches", problem.Pointer("branches"), cfs))
			}
			return found(NotApplicable, m("il richiedente non è un'articolazione territoriale", "the applicant is not a territorial branch"),
				KnownFact("body.branchOf", problem.Pointer("body", "branchOf"), ""))
		}
		facts := []Fact{KnownFact("body.branchOf", problem.Pointer("body", "branchOf"), a.Body.BranchOf),
			KnownFact("body.taxCode", problem.Pointer("body", "taxCode"), a.Body.CodiceFiscale)}
		if c.Register == nil {
			return found(Missing, m("nessun registro disponibile per verificare l'ente nazionale", "no register available to check the national body"),
				append(facts, UnknownFact("register.nationalBody.taxCode", ""))...)
		}
		nb, err := c.Register.Entity(ctx, a.Body.BranchOf)
		switch {
		case errors.Is(err, registry.ErrNotFound):
			return found(Fail, mf("l'ente nazionale %q non è nel registro", "national body %q is not in the register", a.Body.BranchOf), facts...)
		case err != nil:
			return Finding{}, err
		}
		facts = append(facts, KnownFact("register.nationalBody.taxCode", "", nb.CodiceFiscale))
		if a.Body.CodiceFiscale == "" {
			return found(Missing, m("manca il codice fiscale dell'articolazione", "the branch's codice fiscale is missing"), facts...)
		}
		if a.Body.CodiceFiscale == nb.CodiceFiscale {
			return found(Fail, m("l'articolazione chiede con il codice fiscale dell'ente nazionale: per la seconda sezione deve chiedere per sé, con i propri requisiti",
				"the branch applies with its national body's codice fiscale: for Section II it must apply on its own, with its own requirements"), facts...)
		}
		var national []string
		for i, act := range a.Activities {
			if act.CarriedOutBy == nb.CodiceFiscale {
				national = append(national, problem.Pointer("activities", problem.Index(i)))
			}
		}
		if len(national) > 0 {
			facts = append(facts, KnownFact("activitiesByNationalBody", "", national))
		}
		if p := a.Programme; p != nil && p.CarriedOutBy != "" {
			facts = append(facts, KnownFact("programme.carriedOutBy", problem.Pointer("programme", "carriedOutBy"), p.CarriedOutBy))
			if p.CarriedOutBy == nb.CodiceFiscale {
				return found(Fail, m("il programma indicato è dell'ente nazionale: l'articolazione deve avere un programma proprio",
					"the programme given is the national body's: the branch must have its own"), facts...)
			}
		}
		if len(national) > 0 {
			return found(Pass, mf("l'articolazione chiede per sé: i requisiti sono valutati sui suoi dati; %d attività dell'ente nazionale non sono contate",
				"the branch applies on its own: the requirements are judged on its own data; %d activities of the national body are not counted", len(national)), facts...)
		}
		return found(Pass, m("l'articolazione chiede per sé, con il proprio codice fiscale: i requisiti sono valutati sui suoi dati",
			"the branch applies on its own, with its own codice fiscale: the requirements are judged on its own data"), facts...)
	})
}

// DefaultAttachments returns the attachments the default rule set requires
// per section (modelled on the ministry's list of documents; a fresh map on
// every call).
func DefaultAttachments() map[registry.Section][]string {
	common := []string{"statute", "founding_act", "balance_sheet", "activity_report",
		"legal_rep_declaration", "board_declarations", "identity_document"}
	return map[registry.Section][]string{
		registry.SectionI:  common,
		registry.SectionII: append(slices.Clone(common), "programme", "operators_cv", "housing_availability", "partnership_agreement", "gdpr_procedures"),
	}
}

// AttachmentsRule returns the rule that every attachment required for the
// section (codes of the attachment_kind list) is attached; a missing one makes
// the application incomplete.
func AttachmentsRule(required map[registry.Section][]string) Rule {
	req := map[registry.Section][]string{}
	for s, kinds := range required {
		req[s] = slices.Clone(kinds)
	}
	return NewRule(Meta{
		ID: RuleAttachments, Version: 1, Basis: "art. 54 c.1" + dpr + " (MLPS: tutti gli allegati sono indispensabili)",
		Title: m("tutti gli allegati richiesti per la sezione", "every attachment required for the section"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		var present []string
		for _, at := range c.Application.Attachments {
			if at.Kind != "" && !slices.Contains(present, at.Kind) {
				present = append(present, at.Kind)
			}
		}
		slices.Sort(present)
		var lacking []string
		for _, k := range req[c.Section] {
			if !slices.Contains(present, k) {
				lacking = append(lacking, k)
			}
		}
		facts := []Fact{KnownFact("attachments", problem.Pointer("attachments"), nonNil(present)),
			KnownFact("required", "", nonNil(slices.Clone(req[c.Section])))}
		if len(lacking) > 0 {
			facts = append(facts, KnownFact("lacking", "", lacking))
			return found(Missing, mf("mancano allegati: %s", "attachments missing: %s", strings.Join(lacking, ", ")), facts...)
		}
		return found(Pass, m("tutti gli allegati richiesti sono presenti", "every required attachment is present"), facts...)
	})
}

func signatureRule() Rule {
	return NewRule(Meta{
		ID: RuleOnlineSignature, Version: 2, From: OnlineFrom(),
		Basis: "art. 54 c.1" + dpr + "; art. 65 D.lgs. 82/2005 (MLPS: solo online dal 15 maggio 2023)",
		Title: m("domanda online sottoscritta dal legale rappresentante con firma digitale",
			"application filed online, digitally signed by the legal representative"),
	}, func(_ context.Context, c *Case) (Finding, error) {
		a := c.Application
		sg := a.Signature
		rep := a.Body.LegalRepresentative.CodiceFiscale
		chPtr := problem.Pointer("channel")
		chFact := UnknownFact("channel", chPtr)
		if a.Channel != "" {
			chFact = KnownFact("channel", chPtr, a.Channel)
		}
		signed := sg != (registry.Signature{})
		switch {
		case a.Channel == registry.ChannelPaper:
			return found(Fail, m("dal 15 maggio 2023 la domanda si presenta solo online: la domanda cartacea non è ammessa",
				"from 15 May 2023 applications are filed online only: a paper application is not admitted"), chFact)
		case !signed && a.Declares(registry.AbsentSignature):
			return found(Fail, m("la domanda non è firmata digitalmente", "the application is not digitally signed"),
				chFact, absentFact(c, registry.AbsentSignature))
		case !signed:
			return found(Missing, m("mancano i dati della firma digitale", "the digital signature's data are missing"),
				chFact, absentFact(c, registry.AbsentSignature), UnknownFact("signature", problem.Pointer("signature")))
		case a.Declares(registry.AbsentSignature):
			return contradicts(c, registry.AbsentSignature)
		}
		facts := []Fact{chFact}
		add := func(name, ptr, v string) {
			if v == "" {
				facts = append(facts, UnknownFact(name, ptr))
			} else {
				facts = append(facts, KnownFact(name, ptr, v))
			}
		}
		add("signature.signerTaxCode", problem.Pointer("signature", "signerTaxCode"), sg.SignerCodiceFiscale)
		add("body.legalRepresentative.taxCode", problem.Pointer("body", "legalRepresentative", "taxCode"), rep)
		add("signature.format", problem.Pointer("signature", "format"), sg.Format)
		verified, vKnown := boolFact(c, "signature.verified", problem.Pointer("signature", "verified"), sg.Verified)
		facts = append(facts, verified)
		norm := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
		switch {
		case sg.Format != "" && !slices.Contains([]string{"cades", "pades", "xades"}, sg.Format):
			return found(Fail, mf("il formato %q non è una firma digitale (CAdES, PAdES, XAdES)", "format %q is not a digital signature (CAdES, PAdES, XAdES)", sg.Format), facts...)
		case vKnown && !sg.Verified:
			return found(Fail, m("la firma digitale non risulta verificata", "the digital signature is not verified"), facts...)
		case sg.SignerCodiceFiscale != "" && rep != "" && norm(sg.SignerCodiceFiscale) != norm(rep):
			return found(Fail, m("la domanda è firmata da una persona diversa dal legale rappresentante", "the application is signed by someone other than the legal representative"), facts...)
		case sg.SignerCodiceFiscale == "" || rep == "" || sg.Format == "" || !vKnown:
			return found(Missing, m("mancano i dati della firma digitale o del legale rappresentante", "the digital signature's or the legal representative's data are missing"), facts...)
		}
		return found(Pass, m("firmata digitalmente dal legale rappresentante, firma verificata", "digitally signed by the legal representative, signature verified"), facts...)
	})
}
