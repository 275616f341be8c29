package synth

import (
	"fmt"
	"sort"
)

// Figures are the sizes of the register in one reporting year that a
// synthetic register is calibrated on.
type Figures struct {
	// Year is the reporting year.
	Year int
	// SectionI and SectionII are the active bodies per section.
	SectionI, SectionII int
	// ProjectsI and ProjectsII are the projects reported per section.
	ProjectsI, ProjectsII int
	// SocialCoopShareI and SocialCoopShareII are the shares of social
	// cooperatives (types A and B and consortia) among the bodies of each
	// section.
	SocialCoopShareI, SocialCoopShareII float64
	// UkraineShareI and UkraineShareII are the shares of bodies that worked
	// for Ukrainian citizens (0 before 2022, when the focus began).
	UkraineShareI, UkraineShareII float64
	// Source says which figures are published and which are modelled.
	Source string
}

// published holds the figures of the ministry's annual reports on the
// register. Where a year's figure was not published it is modelled by
// interpolation and marked so in Source.
var published = map[int]Figures{
	2019: {2019, 789, 187, 3450, 430, 0.47, 0.44, 0, 0, "bodies published (report 2019); projects, shares modelled"},
	2020: {2020, 774, 157, 3300, 380, 0.47, 0.44, 0, 0, "bodies published (report 2020); projects, shares modelled"},
	2021: {2021, 792, 167, 3500, 400, 0.47, 0.44, 0, 0, "modelled: interpolated between 2020 and 2022"},
	2022: {2022, 809, 176, 3650, 405, 0.47, 0.44, 0.50, 0.48, "bodies published (report 2022); projects, shares modelled"},
	2023: {2023, 832, 178, 3700, 400, 0.47, 0.44, 0.45, 0.44, "bodies, social-cooperative shares published (report 2023); ~3,700/~400 projects"},
	2024: {2024, 834, 176, 3681, 418, 0.47, 0.44, 0.43, 0.42, "bodies, projects, Ukrainian shares published (report 2024); cooperative shares as 2023"},
	2025: {2025, 840, 178, 3700, 420, 0.47, 0.44, 0.38, 0.37, "modelled: 2024 trend extended"},
}

// FiguresFor returns the calibration figures of reporting year year
// (2019–2025).
func FiguresFor(year int) (Figures, error) {
	f, ok := published[year]
	if !ok {
		return Figures{}, fmt.Errorf("synth: no figures for reporting year %d (have %v)", year, Years())
	}
	return f, nil
}

// Years lists the reporting years with figures, in order.
func Years() []int {
	ys := make([]int, 0, len(published))
	for y := range published {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}
