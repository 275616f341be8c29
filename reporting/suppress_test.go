package reporting_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
)

// cellKey names a cell of a report.
type cellKey struct{ table, row, col string }

// attack plays a reader of the public report who knows every published
// cell and the relations between them (partitioned columns add up to their
// totals, regions to their macro-area, the Part 1 tables share their
// totals) and tries to recover suppressed cells: first by repeatedly solving
// relations with a single unknown, then by Gaussian elimination over all of
// them at once. It returns the suppressed cells it pinned down.
func attack(t *testing.T, r *reporting.Report) map[cellKey]float64 {
	t.Helper()
	known := map[cellKey]float64{}
	var unknown []cellKey
	for _, tab := range r.Tables {
		for _, row := range append(append([]reporting.Row(nil), tab.Rows...), tab.Total) {
			for ci, c := range row.Cells {
				k := cellKey{tab.ID, row.Code, tab.Columns[ci].Code}
				if c.NotCollected {
					continue
				}
				if c.Suppressed {
					unknown = append(unknown, k)
				} else {
					known[k] = float64(*c.Value)
				}
			}
		}
	}
	// Relations: sum(members) - total = 0.
	type rel struct{ members, minus []cellKey }
	var rels []rel
	for _, tab := range r.Tables {
		for _, col := range tab.Columns {
			var m []cellKey
			for _, row := range tab.Rows {
				if tab.Multi && !(tab.ID == "section_i_projects.human_resources" || tab.ID == "section_ii_projects.human_resources") {
					break
				}
				if row.Code == "cultural_mediators" {
					continue
				}
				m = append(m, cellKey{tab.ID, row.Code, col.Code})
			}
			if len(m) > 0 {
				rels = append(rels, rel{m, []cellKey{{tab.ID, "total", col.Code}}})
			}
			if tab.Part == reporting.PartBodies && tab.ID != "bodies.section" {
				rels = append(rels, rel{[]cellKey{{tab.ID, "total", col.Code}}, []cellKey{{"bodies.section", col.Code, "bodies"}}})
			}
		}
	}
	// Bodies in Section I + in Section II = distinct bodies + in both.
	rels = append(rels, rel{[]cellKey{{"bodies.section", "section_i", "bodies"}, {"bodies.section", "section_ii", "bodies"}},
		[]cellKey{{"bodies.section", "total", "bodies"}, {"bodies.section", "both", "bodies"}}})
	terr := territory.Default()
	for _, col := range []string{"section_i", "section_ii"} {
		for _, m := range territory.MacroAreas() {
			var members []cellKey
			for _, reg := range terr.Regions() {
				if reg.MacroArea == m {
					members = append(members, cellKey{"bodies.region", reg.Code, col})
				}
			}
			rels = append(rels, rel{members, []cellKey{{"bodies.macro_area", string(m), col}}})
		}
	}
	// Same totals across tables of Parts 2 and 3.
	for _, p := range []string{"section_i_projects", "section_ii_projects"} {
		for _, group := range [][]string{{"projects", "activity_type", "sector", "portale_axis"}, {"beneficiaries_sex", "beneficiaries_age", "beneficiaries_citizenship", "beneficiaries_focus"}} {
			for _, id := range group[1:] {
				rels = append(rels, rel{[]cellKey{{p + "." + id, "total", "value"}}, []cellKey{{p + "." + group[0], "total", "value"}}})
			}
		}
	}
	recovered := map[cellKey]float64{}
	// 1. Propagation.
	for changed := true; changed; {
		changed = false
		for _, rl := range rels {
			var unk []cellKey
			var sign []float64
			sum := 0.0
			for _, k := range rl.members {
				if v, ok := known[k]; ok {
					sum += v
				} else if _, exists := findCell(r, k); exists {
					unk = append(unk, k)
					sign = append(sign, 1)
				}
			}
			for _, k := range rl.minus {
				if v, ok := known[k]; ok {
					sum -= v
				} else if _, exists := findCell(r, k); exists {
					unk = append(unk, k)
					sign = append(sign, -1)
				}
			}
			if len(unk) == 1 {
				v := -sum / sign[0]
				known[unk[0]] = v
				recovered[unk[0]] = v
				changed = true
			}
		}
	}
	// 2. Elimination over the remaining unknowns.
	idx := map[cellKey]int{}
	var vars []cellKey
	for _, k := range unknown {
		if _, ok := known[k]; !ok {
			idx[k] = len(vars)
			vars = append(vars, k)
		}
	}
	var rows [][]float64
	for _, rl := range rels {
		row := make([]float64, len(vars)+1)
		any := false
		for s, ks := range [][]cellKey{rl.members, rl.minus} {
			sg := 1.0
			if s == 1 {
				sg = -1
			}
			for _, k := range ks {
				if j, ok := idx[k]; ok {
					row[j] += sg
					any = true
				} else if v, ok := known[k]; ok {
					row[len(vars)] -= sg * v
				}
			}
		}
		if any {
			rows = append(rows, row)
		}
	}
	n := len(vars)
	piv := make([]int, n)
	for j := range piv {
		piv[j] = -1
	}
	rk := 0
	for j := 0; j < n && rk < len(rows); j++ {
		p := -1
		for i := rk; i < len(rows); i++ {
			if math.Abs(rows[i][j]) > 1e-9 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[rk], rows[p] = rows[p], rows[rk]
		f := rows[rk][j]
		for jj := range rows[rk] {
			rows[rk][jj] /= f
		}
		for i := range rows {
			if i != rk && math.Abs(rows[i][j]) > 1e-9 {
				g := rows[i][j]
				for jj := range rows[i] {
					rows[i][jj] -= g * rows[rk][jj]
				}
			}
		}
		piv[j] = rk
		rk++
	}
	for j := 0; j < n; j++ {
		if piv[j] < 0 {
			continue
		}
		free := false
		for jj := 0; jj < n; jj++ {
			if piv[jj] < 0 && math.Abs(rows[piv[j]][jj]) > 1e-9 {
				free = true
			}
		}
		if !free {
			recovered[vars[j]] = rows[piv[j]][n]
		}
	}
	return recovered
}

func findCell(r *reporting.Report, k cellKey) (reporting.Cell, bool) {
	tab, ok := r.Table(k.table)
	if !ok {
		return reporting.Cell{}, false
	}
	return tab.Cell(k.row, k.col)
}

func TestSuppressedCellsCannotBeRecovered(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		o    reporting.Options
	}{
		{"small country", 40, reporting.Options{}},
		{"medium country", 400, reporting.Options{}},
		{"region", 300, reporting.Options{Region: "05"}},
		{"macro-area", 3000, reporting.Options{MacroArea: "ITG"}},
		{"threshold 10", 300, reporting.Options{Threshold: 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := docs(t, tc.n, 2024, 5)
			pub, err := reporting.New(2024, tc.o)
			require.NoError(t, err)
			full, err := reporting.New(2024, tc.o)
			require.NoError(t, err)
			for i := range ds {
				pub.Add(&ds[i])
				full.Add(&ds[i])
			}
			pr, fr := publicReport(t, pub), full.Report()
			thr := int64(tc.o.Threshold)
			if thr == 0 {
				thr = reporting.DefaultThreshold
			}
			suppressed := 0
			for ti, tab := range pr.Tables {
				for ri, row := range append(append([]reporting.Row(nil), tab.Rows...), tab.Total) {
					frow := fr.Tables[ti].Total
					if ri < len(tab.Rows) {
						frow = fr.Tables[ti].Rows[ri]
					}
					for ci, c := range row.Cells {
						if c.NotCollected {
							continue
						}
						if c.Suppressed {
							suppressed++
							require.Nil(t, c.Share)
							continue
						}
						// Published values are the true ones; a sensitive count
						// published is 0 or at least the threshold.
						require.Equal(t, *frow.Cells[ci].Value, *c.Value)
						sens := tab.Columns[ci].Sensitive || tab.Part == reporting.PartSectionII || (tab.ID == "bodies.section" && row.Code != "section_i" && row.Code != "total")
						if sens && tab.Unit != reporting.UnitEuroCents {
							require.False(t, *c.Value > 0 && *c.Value < thr, "%s/%s/%s = %d published", tab.ID, row.Code, tab.Columns[ci].Code, *c.Value)
						}
					}
				}
			}
			require.NotZero(t, suppressed, "the input should have small Section II cells")
			rec := attack(t, pr)
			for k, v := range rec {
				t.Errorf("suppressed cell %v recovered from the margins: %v", k, v)
			}
		})
	}
}

// TestSuppressBothSections: one body in both sections must not be
// recoverable as Section I + Section II - distinct bodies.
func TestSuppressBothSections(t *testing.T) {
	var ds []questionnaire.Document
	g := docs(t, 40, 2024, 3)
	for i := range g {
		d := g[i]
		switch {
		case i < 30:
			d.Sections = []string{"I"}
			d.SectionII = nil
		case i < 39:
			d.Sections = []string{"II"}
		default:
			d.Sections = []string{"I", "II"}
		}
		for j := range d.Projects {
			d.Projects[j].Section = d.Sections[0]
		}
		if d.Sections[len(d.Sections)-1] == "II" && d.SectionII == nil {
			d.SectionII = &questionnaire.SectionIIProgramme{Phases: []string{"first_assistance"}}
		}
		ds = append(ds, d)
	}
	a, err := reporting.New(2024, reporting.Options{})
	require.NoError(t, err)
	for i := range ds {
		a.Add(&ds[i])
	}
	r := publicReport(t, a)
	both, _ := findCell(r, cellKey{"bodies.section", "both", "bodies"})
	require.True(t, both.Suppressed)
	for k, v := range attack(t, r) {
		t.Errorf("suppressed cell %v recovered from the margins: %v", k, v)
	}
}
