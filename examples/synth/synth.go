// Package synth generates a realistic synthetic register — bodies, their
// enrolment history and their annual questionnaires — calibrated on the
// figures the ministry publishes in its annual reports: the number of bodies per
// section and year, the number of projects, the share of social cooperatives,
// the stronger presence in the North, the prevailing sectors and the share of
// bodies working for Ukrainian citizens. Everything the reports do not publish
// is modelled, with the distributions written as data in weights.go.
//
// The output is deterministic for a seed: the same Config gives the same
// register, byte for byte. Every codice fiscale passes package codicefiscale,
// every seat is a real ISTAT comune, and every questionnaire a body files
// passes the questionnaire pipeline for its year.
//
// synth is for demos, benchmarks and tests; it is not part of the register's
// rules and nothing in the core imports it.
//
// # Concurrency
//
// Generate is a pure function of its Config and safe for concurrent use.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
)

// Config says what to generate.
type Config struct {
	// Year is the reporting year (2019–2025).
	Year int
	// Seed makes the output reproducible.
	Seed uint64
	// Scale multiplies the published sizes (0 means 1).
	Scale float64
	// NonFiling is the share of enrolled bodies that do not file the annual
	// report (0 means the modelled default of 5%; negative means none).
	NonFiling float64
	// Late is the share of filings made after the deadline (0 means the
	// modelled default of 4%; negative means none).
	Late float64
}

// Register is a generated register for one reporting year.
type Register struct {
	Year    int
	Figures Figures
	// Bodies are in the order they applied.
	Bodies []Body
	// Deadline is the annual report deadline (30 January of Year+1).
	Deadline time.Time
}

// Body is one generated body with its enrolment history and its filing.
type Body struct {
	// Entity is the body as it applies: no ID, version or enrolments (the
	// register assigns those). Entity.Name is unique within the register.
	Entity registry.Entity
	// Sections are the sections the body applies for.
	Sections []registry.Section
	// AppliedOn is the application date.
	AppliedOn time.Time
	// DecidedOn is the decision date; zero while the application is pending.
	DecidedOn time.Time
	// Outcome is StatusEnrolled, StatusRejected or StatusApplied (pending).
	Outcome registry.Status
	// Filing is the annual report for Year, nil when the body did not file
	// (or was not enrolled during the year).
	Filing *Filing
	// Flaw names what makes a rejected application fall short of the
	// requirements ("" for the others): FlawShortExperience.
	Flaw string
}

// FlawShortExperience marks an application whose activities cover only 18
// of the 24 months before it (art. 52 c.1 lett. a DPR 394/1999), the
// modelled reason for every rejection.
const FlawShortExperience = "short_experience"

// Filing is a questionnaire and when it was filed.
type Filing struct {
	Document questionnaire.Document
	FiledAt  time.Time
}

// Generate builds a register calibrated on the figures of cfg.Year.
func Generate(cfg Config) (*Register, error) {
	fig, err := FiguresFor(cfg.Year)
	if err != nil {
		return nil, err
	}
	scale := cfg.Scale
	if scale == 0 {
		scale = 1
	}
	if scale < 0 || math.IsNaN(scale) || scale > 1000 {
		return nil, fmt.Errorf("synth: scale %v out of range (0, 1000]", cfg.Scale)
	}
	nonFiling := defaultShare(cfg.NonFiling, 0.05)
	late := defaultShare(cfg.Late, 0.04)

	r := rand.New(rand.NewPCG(cfg.Seed, uint64(cfg.Year)))
	g := &gen{r: r, year: cfg.Year, fig: fig, terr: territory.Default(), names: map[string]bool{}}
	g.indexTerritory()

	nI := int(math.Round(float64(fig.SectionI) * scale))
	nII := int(math.Round(float64(fig.SectionII) * scale))
	both := int(math.Round(float64(nII) * 0.6)) // modelled: 60% of Section II bodies are also in Section I
	deadline := time.Date(cfg.Year+1, time.January, 30, 0, 0, 0, 0, time.UTC)
	reg := &Register{Year: cfg.Year, Figures: fig, Deadline: deadline}

	// Projects per body are drawn so that the totals match the published
	// figures on average: 1 + Poisson(mean-1).
	meanI := float64(fig.ProjectsI) / float64(fig.SectionI)
	meanII := float64(fig.ProjectsII) / float64(fig.SectionII)

	serial := 0
	add := func(sections []registry.Section) {
		serial++
		secII := len(sections) == 2 || sections[0] == registry.SectionII
		b := g.body(serial, sections)
		// Enrolled bodies applied between 2000 and the reporting year.
		b.AppliedOn = g.sinceSeat(&b, g.date(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(cfg.Year, 6, 30, 0, 0, 0, 0, time.UTC)))
		b.DecidedOn = b.AppliedOn.AddDate(0, 0, g.decisionDays())
		b.Outcome = registry.StatusEnrolled
		if r.Float64() >= nonFiling {
			doc := g.document(&b, sections, meanI, meanII, secII)
			filed := g.date(time.Date(cfg.Year+1, 1, 2, 0, 0, 0, 0, time.UTC), deadline)
			if r.Float64() < late {
				filed = g.date(deadline.AddDate(0, 0, 1), deadline.AddDate(0, 0, 45))
			}
			b.Filing = &Filing{Document: doc, FiledAt: filed}
		}
		reg.Bodies = append(reg.Bodies, b)
	}
	for i := 0; i < nI; i++ {
		if i < both {
			add([]registry.Section{registry.SectionI, registry.SectionII})
		} else {
			add([]registry.Section{registry.SectionI})
		}
	}
	for i := both; i < nII; i++ {
		add([]registry.Section{registry.SectionII})
	}
	// Applications of the reporting year that were rejected or are still
	// pending (modelled: 8% of the register's size). The bodies enrolled
	// during the year are among the calibrated ones above, so the enrolled
	// count matches the published figure exactly.
	extra := int(math.Round(float64(nI+nII-both) * 0.08))
	for i := 0; i < extra; i++ {
		serial++
		sections := []registry.Section{registry.SectionI}
		if r.Float64() < 0.15 {
			sections = []registry.Section{registry.SectionII}
		}
		b := g.body(serial, sections)
		b.AppliedOn = g.sinceSeat(&b, g.date(time.Date(cfg.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(cfg.Year, 12, 31, 0, 0, 0, 0, time.UTC)))
		b.Outcome = registry.StatusApplied
		if decided := b.AppliedOn.AddDate(0, 0, g.decisionDays()); decided.Year() == cfg.Year && r.Float64() < 0.7 {
			b.DecidedOn = decided
			b.Outcome = registry.StatusRejected
			b.Flaw = FlawShortExperience
		}
		reg.Bodies = append(reg.Bodies, b)
	}
	sort.SliceStable(reg.Bodies, func(i, j int) bool { return reg.Bodies[i].AppliedOn.Before(reg.Bodies[j].AppliedOn) })
	return reg, nil
}

func defaultShare(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return math.Min(v, 1)
}

type gen struct {
	r     *rand.Rand
	year  int
	fig   Figures
	terr  *territory.Territory
	names map[string]bool
	// regionsByArea and provincesByRegion index the territory once.
	regionsByArea     map[string][]territory.Region
	provincesByRegion map[string][]territory.Province
}

func (g *gen) indexTerritory() {
	g.regionsByArea = map[string][]territory.Region{}
	g.provincesByRegion = map[string][]territory.Province{}
	for _, p := range g.terr.Provinces() {
		g.provincesByRegion[p.RegionCode] = append(g.provincesByRegion[p.RegionCode], p)
	}
	for _, reg := range g.terr.Regions() {
		g.regionsByArea[string(reg.MacroArea)] = append(g.regionsByArea[string(reg.MacroArea)], reg)
	}
}

// seat draws a comune: a macro-area, then a region weighted by its number of
// provinces, then a province, then its capital (70%) or another comune.
// Only comuni that exist from the start of the reporting year are drawn.
func (g *gen) seat() (territory.Comune, territory.Province) {
	regs := g.regionsByArea[macroAreas.draw(g.r)]
	var w weighted
	for _, reg := range regs {
		w = append(w, struct {
			code string
			w    float64
		}{reg.Code, float64(len(g.provincesByRegion[reg.Code]))})
	}
	prov := pick(g.r, g.provincesByRegion[w.draw(g.r)])
	yearStart := time.Date(g.year, 1, 1, 0, 0, 0, 0, time.UTC)
	var comuni []territory.Comune
	for _, c := range g.terr.ComuniOf(prov.Code) {
		if !c.ValidFrom.After(yearStart) {
			comuni = append(comuni, c)
		}
	}
	if g.r.Float64() < 0.7 {
		for _, c := range comuni {
			if c.Capital {
				return c, prov
			}
		}
	}
	return pick(g.r, comuni), prov
}

// sinceSeat returns day, or the day the body's comune took its current code
// when that is later (Monza's 108033 dates from 2009): an application names
// the comune valid on its date.
func (g *gen) sinceSeat(b *Body, day time.Time) time.Time {
	if c, ok := g.terr.Comune(b.Entity.Seat.Comune); ok && c.ValidFrom.After(day) {
		return c.ValidFrom
	}
	return day
}

func (g *gen) date(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	if days <= 0 {
		return from
	}
	return from.AddDate(0, 0, g.r.IntN(days+1))
}

// decisionDays models the days from application to decision: most within the
// 90-day term, about 6% later.
func (g *gen) decisionDays() int {
	if g.r.Float64() < 0.06 {
		return 91 + g.r.IntN(60)
	}
	return 25 + g.r.IntN(66)
}

func (g *gen) poisson(mean float64) int {
	// Knuth's method; means here are small.
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= g.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
