package synth

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
)

// document draws the annual questionnaire b files for the generator's year.
func (g *gen) document(b *Body, sections []registry.Section, meanI, meanII float64, secII bool) questionnaire.Document {
	e := &b.Entity
	y := g.year
	doc := questionnaire.Document{
		ReportingYear: y,
		Body: questionnaire.Body{
			TaxCode:        e.CodiceFiscale,
			Name:           e.Name,
			LegalForm:      e.LegalForm,
			Qualifications: e.Qualifications,
			Region:         e.Seat.Region,
			GeoScope:       geoScopes.draw(g.r),
			LegalRepresentative: questionnaire.LegalRepresentative{
				Sex: e.LegalRepresentative.Sex, Nationality: nationalityOf(e.LegalRepresentative.Citizenship),
			},
		},
		Filer: questionnaire.Filer{
			TaxCode: e.LegalRepresentative.CodiceFiscale, FirstName: e.LegalRepresentative.FirstName,
			LastName: e.LegalRepresentative.LastName,
		},
	}
	for _, s := range sections {
		doc.Sections = append(doc.Sections, s.String())
	}
	for _, r := range e.OtherRegisters {
		doc.Body.OtherRegisters = append(doc.Body.OtherRegisters, questionnaire.OtherRegistration{Register: r.Register, RUNTSSection: r.RUNTSSection})
	}
	if g.r.Float64() < 0.55 { // modelled: just over half belong to a network
		kind := "territorial"
		if g.r.Float64() < 0.4 {
			kind = "thematic"
		}
		doc.Body.Networks = []questionnaire.Network{{Name: "Rete " + pick(g.r, bodyWords), Kind: kind, Level: pick(g.r, []string{"local", "regional", "national", "international"})}}
	}
	if y >= 2024 {
		doc.Body.Difficulties = g.distinct(difficulties, 1+g.r.IntN(3))
	}

	var projects []questionnaire.Project
	for _, s := range sections {
		mean := meanI
		if s == registry.SectionII {
			mean = meanII
		}
		n := 1 + g.poisson(math.Max(mean-1, 0))
		for i := 0; i < n; i++ {
			projects = append(projects, g.project(e, s, i))
		}
	}
	doc.Projects = projects
	sectorSet := map[string]bool{}
	for _, p := range projects {
		for _, s := range p.Sectors {
			sectorSet[s] = true
		}
	}
	for s := range sectorSet {
		doc.Body.Sectors = append(doc.Body.Sectors, s)
	}
	sort.Strings(doc.Body.Sectors)

	if secII {
		doc.SectionII = g.programme(y)
	}
	if y >= 2022 {
		share := g.fig.UkraineShareI
		if secII && len(sections) == 1 {
			share = g.fig.UkraineShareII
		}
		uf := &questionnaire.UkraineFocus{}
		if g.r.Float64() < share {
			uf.Active = true
			uf.ActivityTypes = []string{pick(g.r, []string{"language_courses", "reception_services", "information_orientation", "psychological_support"})}
			for _, p := range doc.Projects {
				uf.Beneficiaries += p.Beneficiaries.UkrainianCitizens
			}
		} else {
			for i := range doc.Projects {
				doc.Projects[i].Beneficiaries.UkrainianCitizens = 0
			}
		}
		doc.UkraineFocus = uf
	}
	return doc
}

func nationalityOf(iso string) string {
	switch iso {
	case "IT":
		return "italian"
	case "RO", "FR", "DE", "ES", "PL", "BG":
		return "eu"
	}
	return "non_eu"
}

// distinct draws n different codes from d, sorted.
func (g *gen) distinct(d weighted, n int) []string {
	seen := map[string]bool{}
	for len(seen) < n && len(seen) < len(d) {
		seen[d.draw(g.r)] = true
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func (g *gen) project(e *registry.Entity, s registry.Section, i int) questionnaire.Project {
	y := g.year
	secII := s == registry.SectionII
	var sectors []string
	probs := projectSectors[secII]
	for _, code := range sortedKeys(probs) {
		if g.r.Float64() < probs[code] {
			sectors = append(sectors, code)
		}
	}
	if len(sectors) == 0 {
		sectors = []string{"social_assistance"}
	}
	actSet, axisSet := map[string]bool{}, map[string]bool{}
	for _, sec := range sectors {
		actSet[pick(g.r, sectorActivities[sec])] = true
		if ax, ok := sectorAxis[sec]; ok {
			axisSet[ax] = true
		}
	}
	start := g.date(time.Date(y-2, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 11, 30, 0, 0, 0, 0, time.UTC))
	p := questionnaire.Project{
		Title:         fmt.Sprintf("Progetto %s %d", pick(g.r, bodyWords), i+1),
		Section:       s.String(),
		StartDate:     start.Format(time.DateOnly),
		Objectives:    "Favorire l'integrazione sociale e l'autonomia delle persone straniere.",
		ActivityTypes: setToSorted(actSet),
		Sectors:       sectors,
		PortaleAxes:   setToSorted(axisSet),
		Regions:       []string{e.Seat.Region},
		Provinces:     []string{e.Seat.Province},
		Results:       "Obiettivi raggiunti come da piano di attività.",
	}
	if secII {
		p.Title = fmt.Sprintf("Programma art. 18 - %s %d", pick(g.r, bodyWords), i+1)
	}
	if g.r.Float64() < 0.7 { // modelled: 30% ongoing
		end := start.AddDate(0, 3+g.r.IntN(30), 0)
		if end.Year() < y {
			end = time.Date(y, time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		p.EndDate = end.Format(time.DateOnly)
	}
	if g.r.Float64() < 0.6 { // modelled: 60% of projects in partnership
		kind := pick(g.r, []string{"enrolled_body", "public_body", "school", "company", "other"})
		p.Partners = []questionnaire.Partner{{Name: "Partner " + pick(g.r, bodyWords), Kind: kind, Role: pick(g.r, []string{"lead", "partner"})}}
	}
	p.Funds = g.funds()
	p.Beneficiaries = g.beneficiaries(secII, y)
	p.HumanResources = g.staff()
	return p
}

func (g *gen) funds() questionnaire.Funds {
	total := int64(math.Exp(10+g.r.NormFloat64()*1.1)) * 100 // lognormal, median ~22,000 euro
	n := 1 + g.r.IntN(3)
	sources := g.distinct(fundSources, n)
	f := questionnaire.Funds{TotalCents: total}
	left := total
	for i, s := range sources {
		amt := left
		if i < len(sources)-1 {
			amt = left * int64(20+g.r.IntN(60)) / 100
		}
		f.BySource = append(f.BySource, questionnaire.FundAmount{Source: s, AmountCents: amt})
		left -= amt
	}
	return f
}

// split divides total into parts proportional to random weights (scaled by
// base, when given), summing exactly to total.
func (g *gen) split(total, parts int, base ...float64) []int {
	w := make([]float64, parts)
	var sum float64
	for i := range w {
		w[i] = 0.2 + g.r.Float64()
		if i < len(base) {
			w[i] *= base[i]
		}
		sum += w[i]
	}
	out := make([]int, parts)
	left := total
	for i := range out[:parts-1] {
		out[i] = int(float64(total) * w[i] / sum)
		left -= out[i]
	}
	out[parts-1] = left
	return out
}

func (g *gen) beneficiaries(secII bool, y int) questionnaire.Beneficiaries {
	total := int(math.Exp(3.6 + g.r.NormFloat64()*0.9)) // median ~37
	if secII {
		total = 3 + int(math.Exp(2.4+g.r.NormFloat64()*0.7))
	}
	b := questionnaire.Beneficiaries{Total: total}
	fem := total / 2
	if secII {
		fem = total * 3 / 4
	}
	b.BySex = []questionnaire.SexCount{{Sex: "female", Count: fem}, {Sex: "male", Count: total - fem}}
	ages := g.split(total, 4, 0.22, 0.42, 0.32, 0.04) // modelled: a young population
	for i, band := range []string{"0_17", "18_34", "35_64", "65_plus"} {
		b.ByAgeBand = append(b.ByAgeBand, questionnaire.AgeBandCount{AgeBand: band, Count: ages[i]})
	}
	areas := g.distinct(citizenshipAreas, 3)
	cit := g.split(total, len(areas))
	for i, a := range areas {
		b.ByCitizenship = append(b.ByCitizenship, questionnaire.CitizenshipCount{Area: a, Count: cit[i]})
	}
	if ages[0] > 0 {
		b.UnaccompaniedMinors = g.r.IntN(ages[0] + 1)
	}
	if y >= 2022 {
		b.UkrainianCitizens = g.r.IntN(total/5 + 1)
	}
	return b
}

func (g *gen) staff() questionnaire.HumanResources {
	hr := questionnaire.HumanResources{ByKind: []questionnaire.StaffCount{}}
	staff := 0
	for _, k := range []string{"employees", "collaborators", "volunteers", "civil_service"} {
		n := g.poisson(map[string]float64{"employees": 4, "collaborators": 2, "volunteers": 6, "civil_service": 0.5}[k])
		if n == 0 {
			continue
		}
		staff += n
		hr.ByKind = append(hr.ByKind, questionnaire.StaffCount{Kind: k, Count: n, ForeignBorn: g.r.IntN(n/3 + 1)})
	}
	// Mediators are among the people working on the project (the
	// questionnaire rejects more).
	hr.CulturalMediators = min(g.poisson(1), staff)
	return hr
}

func (g *gen) programme(y int) *questionnaire.SectionIIProgramme {
	p := &questionnaire.SectionIIProgramme{
		Phases:            []string{"first_assistance", "first_reception", "second_reception", "social_labour_inclusion"}[:2+g.r.IntN(3)],
		ResidentialPlaces: 4 + g.r.IntN(20),
	}
	for _, f := range g.distinct(exploitationForms, 1+g.r.IntN(3)) {
		p.VictimsByExploitation = append(p.VictimsByExploitation, questionnaire.VictimCount{Form: f, Count: 1 + g.poisson(6)})
	}
	p.PermitsRequested = g.poisson(5)
	p.PermitsObtained = g.r.IntN(p.PermitsRequested + 1)
	if y >= 2024 {
		li := &questionnaire.LabourInclusion{PeopleInvolved: 2 + g.poisson(8), Outcomes: []questionnaire.OutcomeCount{}}
		left := li.PeopleInvolved
		for _, o := range []string{"internship", "employment_contract", "vocational_course"} {
			n := g.r.IntN(left/2 + 1)
			if n > 0 {
				li.Outcomes = append(li.Outcomes, questionnaire.OutcomeCount{Outcome: o, Count: n})
			}
			left -= n
		}
		p.LabourInclusion = li
	}
	return p
}

func sortedKeys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func setToSorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
