// Package reportingtest generates plausible annual questionnaires for tests
// and benchmarks of package reporting. Every document is valid for its
// year: written with questionnaire's Validator.Marshal (which leaves out the
// fields the year does not have), it passes the whole validation pipeline
// (a test checks a large sample of every year). Each body has its own valid
// tax code, and legal forms follow the published shares of social
// cooperatives (CoopShareI, CoopShareII). The same seed always gives the
// same documents.
package reportingtest

import (
	"fmt"
	"math/rand/v2"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

// Generator produces documents for one reporting year.
type Generator struct {
	rng   *rand.Rand
	year  int
	lists *codelist.Set
	regs  []string
}

// New returns a generator for year seeded with seed.
func New(seed uint64, year int) *Generator {
	regs := make([]string, 20)
	for i := range regs {
		regs[i] = fmt.Sprintf("%02d", i+1)
	}
	return &Generator{rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), year: year, lists: codelist.Default(), regs: regs}
}

func (g *Generator) pick(list string) string {
	c := g.lists.MustList(list).Codes(g.year)
	return c[g.rng.IntN(len(c))]
}

func (g *Generator) some(list string, max int) []string {
	c := g.lists.MustList(list).Codes(g.year)
	n := 1 + g.rng.IntN(min(max, len(c)))
	perm := g.rng.Perm(len(c))
	out := make([]string, n)
	for i := range out {
		out[i] = c[perm[i]]
	}
	return out
}

// split breaks total into parts over the codes of list.
func (g *Generator) split(list string, total int) map[string]int {
	codes := g.lists.MustList(list).Codes(g.year)
	out := map[string]int{}
	left := total
	for i, c := range codes {
		if i == len(codes)-1 {
			out[c] = left
			break
		}
		v := 0
		if left > 0 {
			v = g.rng.IntN(left/2 + 1)
		}
		out[c] = v
		left -= v
	}
	return out
}

// Document returns the n-th document (n numbers the body).
func (g *Generator) Document(n int) questionnaire.Document {
	r := g.rng
	d := questionnaire.Document{ReportingYear: g.year}
	switch x := r.IntN(100); {
	case x < 80:
		d.Sections = []string{"I"}
	case x < 92:
		d.Sections = []string{"I", "II"}
	default:
		d.Sections = []string{"II"}
	}
	// Skewed towards the North, as the register is.
	reg := g.regs[min(r.IntN(20), r.IntN(20))]
	d.Body = questionnaire.Body{
		TaxCode: bodyTaxCode(n), RegisterID: fmt.Sprintf("R%07d", n), Name: fmt.Sprintf("Ente %d", n),
		LegalForm: g.legalForm(d.Sections), Region: reg, GeoScope: g.pick(codelist.GeoScope),
		Sectors:             g.some(codelist.Sector, 3),
		LegalRepresentative: questionnaire.LegalRepresentative{Sex: g.pick(codelist.Sex), Nationality: g.pick(codelist.NationalityClass)},
	}
	if r.IntN(2) == 0 {
		d.Body.Qualifications = g.some(codelist.Qualification, 2)
	}
	for range r.IntN(3) {
		d.Body.Networks = append(d.Body.Networks, questionnaire.Network{Name: "Rete", Kind: g.pick(codelist.NetworkKind), Level: g.pick(codelist.NetworkLevel)})
	}
	if r.IntN(3) == 0 {
		d.Body.OtherRegisters = []questionnaire.OtherRegistration{{Register: g.pick(codelist.OtherRegister)}}
	}
	if g.year >= 2024 {
		d.Body.Difficulties = g.some(codelist.Difficulty, 3)
	}
	d.Filer = questionnaire.Filer{TaxCode: "RCCMNL83S18D969H", FirstName: "Manuela", LastName: "Rocca"}
	np := r.IntN(6)
	for i := range np {
		sec := d.Sections[r.IntN(len(d.Sections))]
		ben := r.IntN(400)
		p := questionnaire.Project{
			Title: fmt.Sprintf("Progetto %d", i+1), Section: sec,
			StartDate: fmt.Sprintf("%d-%02d-01", g.year-r.IntN(2), 1+r.IntN(12)), Objectives: "Integrazione",
			ActivityTypes: g.some(codelist.ActivityType, 3), Sectors: g.some(codelist.Sector, 2),
			PortaleAxes: g.some(codelist.PortaleAxis, 2), Regions: []string{reg},
		}
		if r.IntN(2) == 0 {
			// Ends after it starts, during the year or the next.
			y, m := g.year+r.IntN(2), 1+r.IntN(12)
			if start := p.StartDate[:7]; fmt.Sprintf("%d-%02d", y, m) < start {
				y = g.year + 1
			}
			p.EndDate = fmt.Sprintf("%d-%02d-28", y, m)
		}
		if r.IntN(2) == 0 {
			p.Partners = []questionnaire.Partner{{Name: "Comune", Kind: g.pick(codelist.PartnerKind), Role: g.pick(codelist.PartnerRole)}}
		}
		total := int64(r.IntN(20_000_000))
		left := total
		for _, src := range g.some(codelist.FundSource, 3) {
			v := left / 2
			left -= v
			p.Funds.BySource = append(p.Funds.BySource, questionnaire.FundAmount{Source: src, AmountCents: v})
		}
		p.Funds.TotalCents = total - left
		p.Beneficiaries.Total = ben
		for k, v := range sorted(g.split(codelist.Sex, ben)) {
			p.Beneficiaries.BySex = append(p.Beneficiaries.BySex, questionnaire.SexCount{Sex: k, Count: v})
		}
		for k, v := range sorted(g.split(codelist.AgeBand, ben)) {
			p.Beneficiaries.ByAgeBand = append(p.Beneficiaries.ByAgeBand, questionnaire.AgeBandCount{AgeBand: k, Count: v})
			if k == "0_17" && v > 0 {
				p.Beneficiaries.UnaccompaniedMinors = r.IntN(v + 1)
			}
		}
		if r.IntN(4) > 0 {
			for k, v := range sorted(g.split(codelist.CitizenshipArea, ben)) {
				p.Beneficiaries.ByCitizenship = append(p.Beneficiaries.ByCitizenship, questionnaire.CitizenshipCount{Area: k, Count: v})
			}
		}
		if g.year >= 2022 && r.IntN(3) == 0 {
			p.Beneficiaries.UkrainianCitizens = r.IntN(ben/4 + 1)
		}
		staff := 0
		for _, k := range g.some(codelist.HRKind, 3) {
			c := r.IntN(30)
			staff += c
			p.HumanResources.ByKind = append(p.HumanResources.ByKind, questionnaire.StaffCount{Kind: k, Count: c, ForeignBorn: r.IntN(c + 1)})
		}
		// Mediators are among the people employed.
		p.HumanResources.CulturalMediators = r.IntN(min(4, staff+1))
		d.Projects = append(d.Projects, p)
	}
	if d.Projects == nil {
		d.Projects = []questionnaire.Project{}
	}
	if len(d.Sections) == 2 || d.Sections[0] == "II" {
		pr := &questionnaire.SectionIIProgramme{Phases: g.some(codelist.ProgrammePhase, 3),
			ResidentialPlaces: r.IntN(40), PermitsRequested: r.IntN(20)}
		pr.PermitsObtained = r.IntN(pr.PermitsRequested + 1)
		for _, f := range g.some(codelist.ExploitationForm, 3) {
			pr.VictimsByExploitation = append(pr.VictimsByExploitation, questionnaire.VictimCount{Form: f, Count: r.IntN(30)})
		}
		if g.year >= 2024 {
			pr.LabourInclusion = &questionnaire.LabourInclusion{PeopleInvolved: r.IntN(30)}
			for _, o := range g.some(codelist.LabourOutcome, 2) {
				pr.LabourInclusion.Outcomes = append(pr.LabourInclusion.Outcomes, questionnaire.OutcomeCount{Outcome: o, Count: r.IntN(10)})
			}
		}
		d.SectionII = pr
	}
	if g.year >= 2022 {
		f := &questionnaire.UkraineFocus{}
		if r.IntN(100) < 43 {
			f.Active = true
			f.Beneficiaries = r.IntN(200)
			f.ActivityTypes = g.some(codelist.ActivityType, 2)
		}
		d.UkraineFocus = f
	}
	return d
}

// bodyTaxCode returns a valid, distinct 11-digit codice fiscale of a body
// for every n below 999,999,900: a progressive number (never all zeros),
// a provincial office code 001–100 and the check digit.
func bodyTaxCode(n int) string {
	const serials = 9_999_999
	first10 := fmt.Sprintf("%07d%03d", 1+n%serials, 1+(n/serials)%100)
	return first10 + string(codicefiscale.CheckDigit(first10))
}

// Legal forms, calibrated on the ministry's reports: social cooperatives
// (types A and B and their consortia) are 47 % of the bodies of Section I
// and 44 % of Section II (report 2023); the split among cooperatives and
// among the other forms is modelled (as in examples/synth).
var (
	coopForms  = []weight{{"social_cooperative_a", 0.64}, {"social_cooperative_b", 0.26}, {"social_cooperative_consortium", 0.10}}
	otherForms = []weight{{"association_unrecognised", 0.38}, {"association_recognised", 0.28}, {"foundation", 0.11},
		{"religious_body", 0.10}, {"social_enterprise", 0.06}, {"committee", 0.02}, {"other", 0.05}}
)

// CoopShareI and CoopShareII are the published shares of social
// cooperatives among the bodies of Section I and of Section II only.
const (
	CoopShareI  = 0.47
	CoopShareII = 0.44
)

type weight struct {
	code string
	w    float64
}

// draw picks a code with probability proportional to its weight.
func (g *Generator) draw(ws []weight) string {
	total := 0.0
	for _, x := range ws {
		total += x.w
	}
	v := g.rng.Float64() * total
	for _, x := range ws {
		if v < x.w {
			return x.code
		}
		v -= x.w
	}
	return ws[len(ws)-1].code
}

// legalForm draws the legal form of a body in sections.
func (g *Generator) legalForm(sections []string) string {
	share := CoopShareI
	if len(sections) == 1 && sections[0] == "II" {
		share = CoopShareII
	}
	if g.rng.Float64() < share {
		return g.draw(coopForms)
	}
	return g.draw(otherForms)
}

// sorted iterates a map in key order (so documents do not depend on map order).
func sorted(m map[string]int) func(func(string, int) bool) {
	return func(yield func(string, int) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		for i := 1; i < len(keys); i++ {
			for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
				keys[j], keys[j-1] = keys[j-1], keys[j]
			}
		}
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// Entity returns a register entity matching d (ID d.Body.RegisterID, seat in
// d.Body.Region) with enrolment histories in d's sections: most applications
// decided, some late, some still open, so the service indicators and the
// yearly list have something to show. n varies the dates.
func Entity(d *questionnaire.Document, n int) registry.Entity {
	t := territory.Default()
	var prov territory.Province
	for _, p := range t.Provinces() {
		if p.RegionCode == d.Body.Region {
			prov = p
			break
		}
	}
	comune := ""
	if cs := t.ComuniOf(prov.Code); len(cs) > 0 {
		comune = cs[0].Code
	}
	e := registry.Entity{ID: d.Body.RegisterID, CodiceFiscale: d.Body.TaxCode, Name: d.Body.Name, LegalForm: d.Body.LegalForm,
		Seat: registry.Address{Street: "Via Roma 1", PostCode: "00100", Comune: comune, Province: prov.Sigla, Region: d.Body.Region},
		PEC:  "ente@pec.it", LegalRepresentative: registry.Person{FirstName: "Manuela", LastName: "Rocca", CodiceFiscale: "RCCMNL83S18D969H", Sex: d.Body.LegalRepresentative.Sex}}
	year := d.ReportingYear
	applied := registry.Date(fmt.Sprintf("%04d-01-01", year)).AddDays(n % 360)
	if n%3 != 0 {
		// Most bodies enrolled years before.
		applied = registry.Date(fmt.Sprintf("%04d-03-01", year-2)).AddDays(n % 300)
	}
	app := fmt.Sprintf("A%07d", n)
	for _, s := range d.Sections {
		sec := registry.SectionI
		if s == "II" {
			sec = registry.SectionII
		}
		hist := []registry.Transition{{To: registry.StatusApplied, On: applied, Actor: "ente", ApplicationID: app}}
		en := registry.Enrolment{Section: sec, Status: registry.StatusApplied, ApplicationID: app, AppliedOn: applied, DecisionDue: applied.AddDays(90)}
		if n%17 != 0 {
			decided := applied.AddDays(20 + n%100)
			hist = append(hist, registry.Transition{From: registry.StatusApplied, To: registry.StatusEnrolled, On: decided, Actor: "ministero", ApplicationID: app})
			en.Status, en.DecreeNumber, en.DecreeDate = registry.StatusEnrolled, fmt.Sprint("D", n), decided
		}
		en.History = hist
		e.Enrolments = append(e.Enrolments, en)
	}
	return e
}
