package reporting_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/reporting/internal/lp"
)

// headerKey stands for the report header's filings.
var headerKey = cellKey{"header", "filings", ""}

// reader plays a reader of one public report who knows every published
// figure (zeros included, so every suppressed cell is at least 1), the
// header, and every relation between figures that holds in the register's
// data: the rows of a partitioned table add up to its total; a body, a
// project or a person falls at most once in a row of a multiple-answer
// table (row ≤ total); the Part 1 tables, the focus and bodies.section
// share their totals; Section I + Section II - both = distinct bodies =
// the header's filings; the regions of a macro-area add up to it; the focus
// on Ukraine repeats figures of Parts 2 and 3; foreign-born staff are among
// the staff of their kind; programme bodies are Section II bodies. The
// relations are written here from the published tables alone, apart from
// the package's code, and each is used only when the private report's
// figures satisfy it (so that the reader's conclusions are true).
//
// It returns, for each suppressed Section II cell, the range (max - min)
// the reader can narrow it down to by linear programming: that covers the
// derivations of issue 22 (a header equal to a suppressed total; suppressed
// cells adding up to their number; regions against their macro-area; the
// same figure in two tables) and any combination of them.
func reader(t *testing.T, pub, priv *reporting.Report) map[cellKey]float64 {
	t.Helper()
	truth := map[cellKey]float64{headerKey: float64(*priv.Filings)}
	known := map[cellKey]float64{}
	unknown := map[cellKey]int{}
	var order []cellKey
	sensitive := map[cellKey]bool{}
	addUnknown := func(k cellKey) {
		unknown[k] = len(order)
		order = append(order, k)
	}
	if pub.Filings != nil {
		known[headerKey] = float64(*pub.Filings)
	} else {
		require.Nil(t, pub.OutOfScope, "out of scope published with the filings suppressed")
		addUnknown(headerKey)
	}
	for ti, tab := range pub.Tables {
		ptab := priv.Tables[ti]
		for ri, row := range append(append([]reporting.Row(nil), tab.Rows...), tab.Total) {
			prow := ptab.Total
			if ri < len(tab.Rows) {
				prow = ptab.Rows[ri]
			}
			for ci, c := range row.Cells {
				k := cellKey{tab.ID, row.Code, tab.Columns[ci].Code}
				if c.NotCollected {
					continue
				}
				truth[k] = float64(*prow.Cells[ci].Value)
				if c.Suppressed {
					addUnknown(k)
					sensitive[k] = tab.Columns[ci].Sensitive || tab.Part == reporting.PartSectionII ||
						(tab.ID == "bodies.section" && row.Code != "section_i" && row.Code != "total")
				} else {
					known[k] = float64(*c.Value)
				}
			}
		}
	}
	// Relations: sum(plus) - sum(minus) = 0 (or ≤ 0).
	type rel struct {
		plus, minus []cellKey
		le          bool
	}
	var rels []rel
	eq := func(plus []cellKey, minus ...cellKey) { rels = append(rels, rel{plus: plus, minus: minus}) }
	le := func(small, big cellKey) {
		rels = append(rels, rel{plus: []cellKey{small}, minus: []cellKey{big}, le: true})
	}
	perPerson := map[string]bool{ // multiple-answer tables whose rows are not units of the total
		"section_i_projects.human_resources": true, "section_ii_projects.human_resources": true,
		"section_ii_projects.programme_figures": true, "section_ii_projects.labour_inclusion": true,
	}
	for _, tab := range pub.Tables {
		for _, col := range tab.Columns {
			total := cellKey{tab.ID, "total", col.Code}
			var parts []cellKey
			for _, row := range tab.Rows {
				k := cellKey{tab.ID, row.Code, col.Code}
				switch {
				case !tab.Multi:
					parts = append(parts, k)
				case perPerson[tab.ID]:
					if row.Code != "cultural_mediators" && col.Code == "persons" {
						parts = append(parts, k)
					}
				case tab.ID == "focus_ukraine.summary" && row.Code != "bodies_active":
				default:
					le(k, total)
				}
			}
			if len(parts) > 0 {
				eq(parts, total)
			}
			if tab.Part == reporting.PartBodies && tab.ID != "bodies.section" || tab.ID == "focus_ukraine.summary" {
				eq([]cellKey{total}, cellKey{"bodies.section", col.Code, "bodies"})
			}
		}
	}
	for _, p := range []string{"section_i_projects", "section_ii_projects"} {
		for _, group := range [][]string{{"projects", "activity_type", "sector", "portale_axis"}, {"beneficiaries_sex", "beneficiaries_age", "beneficiaries_citizenship", "beneficiaries_focus"}} {
			for _, id := range group[1:] {
				eq([]cellKey{{p + "." + id, "total", "value"}}, cellKey{p + "." + group[0], "total", "value"})
			}
		}
		hr := p + ".human_resources"
		if tab, ok := pub.Table(hr); ok {
			for _, row := range tab.Rows {
				if row.Code != "cultural_mediators" {
					le(cellKey{hr, row.Code, "foreign_born"}, cellKey{hr, row.Code, "persons"})
				}
			}
		}
	}
	col := map[string]string{"section_i_projects": "section_i", "section_ii_projects": "section_ii"}
	if _, ok := pub.Table("focus_ukraine.summary"); ok {
		for p, c := range col {
			eq([]cellKey{{"focus_ukraine.summary", "projects_ukrainians", c}}, cellKey{p + ".projects", "with_ukrainians", "value"})
			eq([]cellKey{{"focus_ukraine.summary", "ukrainians_projects", c}}, cellKey{p + ".beneficiaries_focus", "ukrainian", "value"})
			eq([]cellKey{{"focus_ukraine.summary", "bodies_active", c}}, cellKey{"focus_ukraine.activity_type", "total", c})
		}
	}
	const p3 = "section_ii_projects."
	eq([]cellKey{{p3 + "programme_figures", "total", "value"}}, cellKey{p3 + "programme_phases", "total", "value"})
	le(cellKey{p3 + "programme_phases", "total", "value"}, cellKey{"bodies.section", "section_ii", "bodies"})
	if _, ok := pub.Table(p3 + "labour_inclusion"); ok {
		le(cellKey{p3 + "labour_inclusion", "total", "value"}, cellKey{p3 + "programme_phases", "total", "value"})
	}
	bs := func(row string) cellKey { return cellKey{"bodies.section", row, "bodies"} }
	eq([]cellKey{bs("section_i"), bs("section_ii")}, bs("total"), bs("both"))
	le(bs("both"), bs("section_i"))
	le(bs("both"), bs("section_ii"))
	eq([]cellKey{headerKey}, bs("total"))
	terr := territory.Default()
	for _, c := range []string{"section_i", "section_ii"} {
		for _, m := range territory.MacroAreas() {
			var members []cellKey
			for _, reg := range terr.Regions() {
				if _, in := truth[cellKey{"bodies.region", reg.Code, c}]; in && reg.MacroArea == m {
					members = append(members, cellKey{"bodies.region", reg.Code, c})
				}
			}
			if _, in := truth[cellKey{"bodies.macro_area", string(m), c}]; in {
				eq(members, cellKey{"bodies.macro_area", string(m), c})
			}
		}
	}

	// Keep the true relations over existing cells, grouped by the unknowns
	// they link.
	parent := make([]int, len(order))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			x = parent[x]
		}
		return x
	}
	var kept []rel
	for _, r := range rels {
		s, ok := 0.0, true
		for _, k := range r.plus {
			v, in := truth[k]
			ok = ok && in
			s += v
		}
		for _, k := range r.minus {
			v, in := truth[k]
			ok = ok && in
			s -= v
		}
		if !ok || (r.le && s > 0) || (!r.le && s != 0) {
			continue
		}
		kept = append(kept, r)
		first := -1
		for _, k := range append(append([]cellKey(nil), r.plus...), r.minus...) {
			if j, u := unknown[k]; u {
				if first < 0 {
					first = j
				} else if a, b := find(first), find(j); a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	problems := map[int]*lp.Problem{}
	local := map[cellKey]int{}
	for j, k := range order {
		root := find(j)
		p, ok := problems[root]
		if !ok {
			p = &lp.Problem{}
			problems[root] = p
		}
		local[k] = p.N
		p.N++
		p.Lower = append(p.Lower, 1)
	}
	for _, r := range kept {
		var c lp.Constraint
		c.LE = r.le
		root := -1
		for s, ks := range [][]cellKey{r.plus, r.minus} {
			sg := 1.0
			if s == 1 {
				sg = -1
			}
			for _, k := range ks {
				if j, u := unknown[k]; u {
					root = find(j)
					c.Var = append(c.Var, local[k])
					c.Coef = append(c.Coef, sg)
				} else {
					c.RHS -= sg * known[k]
				}
			}
		}
		if root >= 0 {
			problems[root].Constraints = append(problems[root].Constraints, c)
		}
	}
	out := map[cellKey]float64{}
	for j, k := range order {
		if !sensitive[k] {
			continue
		}
		lo, hi, ok := problems[find(j)].Range(local[k])
		require.True(t, ok, "the true figures are a solution")
		require.True(t, truth[k] >= lo-1e-6 && truth[k] <= hi+1e-6, "%v = %v outside [%v, %v]", k, truth[k], lo, hi)
		out[k] = math.Floor(hi+1e-6) - math.Ceil(lo-1e-6) // the cells are integers
	}
	return out
}

// need is the uncertainty a suppressed Section II cell must keep.
func need(k cellKey, priv *reporting.Report, threshold int) float64 {
	thr := float64(threshold)
	tab, _ := priv.Table(k.table)
	if tab.Unit == reporting.UnitEuroCents {
		c, _ := tab.Cell(k.row, k.col)
		return math.Max(thr, math.Ceil(reporting.AmountProtection*float64(*c.Value)))
	}
	return thr
}

// scopes returns the options of every scope: the nation, every region and
// every macro-area.
func scopes() []reporting.Options {
	out := []reporting.Options{{}}
	for _, r := range territory.Default().Regions() {
		out = append(out, reporting.Options{Region: r.Code})
	}
	for _, m := range territory.MacroAreas() {
		out = append(out, reporting.Options{MacroArea: string(m)})
	}
	return out
}

// attackAll attacks the public report of every scope built from ds and
// returns how many suppressed Section II cells it examined.
func attackAll(t *testing.T, year int, ds []questionnaire.Document, threshold int) int {
	t.Helper()
	examined := 0
	for _, o := range scopes() {
		name := "nation"
		switch {
		case o.Region != "":
			name = "region " + o.Region
		case o.MacroArea != "":
			name = "macro-area " + o.MacroArea
		}
		o.Threshold = threshold
		pub, err := reporting.New(year, o)
		require.NoError(t, err)
		o.Private = true
		priv, err := reporting.New(year, o)
		require.NoError(t, err)
		for i := range ds {
			pub.Add(&ds[i])
			priv.Add(&ds[i])
		}
		pr, fr := pub.Report(), priv.Report()
		thr := threshold
		if thr == 0 {
			thr = reporting.DefaultThreshold
		}
		for k, w := range reader(t, pr, fr) {
			examined++
			if n := need(k, fr, thr); w < n-1e-6 {
				t.Errorf("%s: suppressed %s/%s/%s narrowed to a range of %v (< %v)", name, k.table, k.row, k.col, w, n)
			}
		}
	}
	return examined
}

// synthDocs returns the questionnaires of a generated register, as the demo
// files them.
func synthDocs(t *testing.T, year int, seed uint64, scale float64) []questionnaire.Document {
	t.Helper()
	reg, err := synth.Generate(synth.Config{Year: year, Seed: seed, Scale: scale})
	require.NoError(t, err)
	var ds []questionnaire.Document
	for _, b := range reg.Bodies {
		if b.Filing != nil {
			ds = append(ds, b.Filing.Document)
		}
	}
	return ds
}

// TestNoSuppressedCellDerivable attacks every public report (the nation,
// every region, every macro-area) of the demo's register (2024, seed 1,
// scale 1) and of generated registers at other seeds, sizes and years.
func TestNoSuppressedCellDerivable(t *testing.T) {
	for _, tc := range []struct {
		year      int
		seed      uint64
		scale     float64
		threshold int
	}{
		{2024, 1, 1, 0}, // the demo
		{2024, 7, 0.3, 0},
		{2023, 3, 1, 0},
		{2022, 11, 2, 0},
		{2024, 5, 0.5, 5},
	} {
		t.Run(fmt.Sprintf("year %d seed %d scale %v threshold %d", tc.year, tc.seed, tc.scale, tc.threshold), func(t *testing.T) {
			if testing.Short() && tc.seed != 1 {
				t.Skip("short: the demo's register only")
			}
			ds := synthDocs(t, tc.year, tc.seed, tc.scale)
			n := attackAll(t, tc.year, ds, tc.threshold)
			require.NotZero(t, n, "the register should have small Section II cells")
			t.Logf("%d questionnaires, %d suppressed Section II cells examined over %d reports", len(ds), n, len(scopes()))
		})
	}
}

// TestSharesAreShares: on consistent input no published share exceeds 1
// (a share counts units of its total), and rows counting something else
// than the total carry their unit and a mean, never a share.
func TestSharesAreShares(t *testing.T) {
	for _, tc := range []struct {
		year  int
		seed  uint64
		scale float64
	}{{2024, 1, 1}, {2022, 4, 0.5}, {2025, 9, 1}} {
		t.Run(fmt.Sprintf("year %d seed %d scale %v", tc.year, tc.seed, tc.scale), func(t *testing.T) {
			ds := synthDocs(t, tc.year, tc.seed, tc.scale)
			for _, o := range scopes() {
				for _, private := range []bool{false, true} {
					o.Private = private
					a, err := reporting.New(tc.year, o)
					require.NoError(t, err)
					for i := range ds {
						a.Add(&ds[i])
					}
					r := a.Report()
					for _, tab := range r.Tables {
						require.NotEmpty(t, tab.Unit, tab.ID)
						for _, row := range tab.Rows {
							for ci, c := range row.Cells {
								if c.Share != nil {
									require.LessOrEqual(t, *c.Share, 1.0, "%s %v: %s/%s/%s", o, private, tab.ID, row.Code, tab.Columns[ci].Code)
									require.Empty(t, row.Unit, "%s/%s has a unit of its own and a share", tab.ID, row.Code)
								}
								if c.Mean != nil {
									require.NotEmpty(t, row.Unit, "%s/%s has a mean but no unit", tab.ID, row.Code)
								}
							}
						}
					}
				}
			}
		})
	}
}
