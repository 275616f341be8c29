package reporting_test

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/reporting/internal/lp"
)

// The header's figures, as cells of no table.
var (
	headerKey     = cellKey{"header", "filings", ""}
	outOfScopeKey = cellKey{"header", "outOfScope", ""}
	supersededKey = cellKey{"header", "superseded", ""}
)

// scopedReport is one published report with the private report of the
// same scope (the truth the attack is checked against).
type scopedReport struct {
	name      string
	pub, priv *reporting.Report
}

// sKey names a cell of the report of one scope.
type sKey struct {
	scope string
	cellKey
}

// rel is a relation between cells: sum(plus) - sum(minus) = 0, or ≤ 0
// when le.
type rel struct {
	plus, minus []sKey
	le          bool
}

// world is what a reader holding a set of public reports knows, with the
// truth behind it.
type world struct {
	truth     map[sKey]float64
	known     map[sKey]float64
	unknown   map[sKey]int
	order     []sKey
	sensitive map[sKey]bool
	rels      []rel
	// need returns the width a suppressed sensitive cell must keep.
	need func(sKey) float64
}

// reader plays a reader of a set of public reports of one year (any
// scopes: the nation, regions, macro-areas) who knows every published
// figure (zeros included, so every suppressed cell is at least 1), the
// headers, and every relation between figures that holds in the register's
// data. Within a report: the rows of a partitioned table add up to its
// total; a body, a project or a person falls at most once in a row of a
// multiple-answer table (row ≤ total); the Part 1 tables, the focus and
// bodies.section share their totals; Section I + Section II - both =
// distinct bodies = the header's filings; the regions of a macro-area add
// up to it; the focus on Ukraine repeats figures of Parts 2 and 3;
// foreign-born staff are among the staff of their kind; programme bodies
// are Section II bodies. Across reports: every figure of a macro-area's
// report is the sum of the same figure in its regions' reports, and every
// figure of the nation's the sum of the macro-areas'; every report's
// filings, out-of-scope and superseded questionnaires add up to the same
// number of questionnaires read. The relations are written here from the
// published tables alone, apart from the package's code, and each is used
// only when the private reports' figures satisfy it (so that the reader's
// conclusions are true).
//
// It returns, for each suppressed Section II cell, the range (max - min)
// the reader can narrow it down to by linear programming (exact when
// narrower than the cell needs, else a lower bound of at least that): that covers the
// derivations of issue 22 (a header equal to a suppressed total; suppressed
// cells adding up to their number; regions against their macro-area, in one
// report or across reports; the same figure in two tables) and any
// combination of them.
func reader(t *testing.T, threshold int, reports ...scopedReport) map[sKey]float64 {
	t.Helper()
	priv := map[string]*reporting.Report{}
	for _, r := range reports {
		priv[r.name] = r.priv
	}
	if threshold == 0 {
		threshold = reporting.DefaultThreshold
	}
	w := &world{truth: map[sKey]float64{}, known: map[sKey]float64{}, unknown: map[sKey]int{}, sensitive: map[sKey]bool{},
		need: func(k sKey) float64 { return need(k.cellKey, priv[k.scope], threshold) }}
	for _, r := range reports {
		w.addReport(t, r)
	}
	w.crossScope(reports)
	return w.ranges(t)
}

func (w *world) addUnknown(k sKey) {
	w.unknown[k] = len(w.order)
	w.order = append(w.order, k)
}

// addReport adds the figures of one report and the relations within it.
func (w *world) addReport(t *testing.T, r scopedReport) {
	s := r.name
	key := func(k cellKey) sKey { return sKey{s, k} }
	pub, priv := r.pub, r.priv
	w.truth[key(headerKey)] = float64(*priv.Filings)
	w.truth[key(outOfScopeKey)] = float64(*priv.OutOfScope)
	w.truth[key(supersededKey)] = float64(priv.Superseded)
	w.known[key(supersededKey)] = float64(pub.Superseded)
	if pub.Filings != nil {
		w.known[key(headerKey)] = float64(*pub.Filings)
		w.known[key(outOfScopeKey)] = float64(*pub.OutOfScope)
	} else {
		require.Nil(t, pub.OutOfScope, "%s: out of scope published with the filings suppressed", s)
		w.addUnknown(key(headerKey))
		w.addUnknown(key(outOfScopeKey))
	}
	for ti, tab := range pub.Tables {
		ptab := priv.Tables[ti]
		for ri, row := range append(append([]reporting.Row(nil), tab.Rows...), tab.Total) {
			prow := ptab.Total
			if ri < len(tab.Rows) {
				prow = ptab.Rows[ri]
			}
			for ci, c := range row.Cells {
				k := key(cellKey{tab.ID, row.Code, tab.Columns[ci].Code})
				if c.NotCollected {
					continue
				}
				w.truth[k] = float64(*prow.Cells[ci].Value)
				if c.Suppressed {
					w.addUnknown(k)
					w.sensitive[k] = tab.Columns[ci].Sensitive || tab.Part == reporting.PartSectionII ||
						(tab.ID == "bodies.section" && row.Code != "section_i" && row.Code != "total")
				} else {
					w.known[k] = float64(*c.Value)
				}
			}
		}
	}
	eq := func(plus []cellKey, minus ...cellKey) {
		r := rel{}
		for _, k := range plus {
			r.plus = append(r.plus, key(k))
		}
		for _, k := range minus {
			r.minus = append(r.minus, key(k))
		}
		w.rels = append(w.rels, r)
	}
	le := func(small, big cellKey) {
		w.rels = append(w.rels, rel{plus: []sKey{key(small)}, minus: []sKey{key(big)}, le: true})
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
				if _, in := w.truth[key(cellKey{"bodies.region", reg.Code, c})]; in && reg.MacroArea == m {
					members = append(members, cellKey{"bodies.region", reg.Code, c})
				}
			}
			if _, in := w.truth[key(cellKey{"bodies.macro_area", string(m), c})]; in {
				eq(members, cellKey{"bodies.macro_area", string(m), c})
			}
		}
	}
}

// crossScope adds the relations between the reports of different scopes:
// a macro-area's figures are the sums of its regions', the nation's the
// sums of the macro-areas', each only when every part is in the set; and
// every report counts the same questionnaires read.
func (w *world) crossScope(reports []scopedReport) {
	byName := map[string]bool{}
	for _, r := range reports {
		byName[r.name] = true
	}
	terr := territory.Default()
	parts := func(r scopedReport) []string {
		var out []string
		switch r.pub.Scope.Kind {
		case reporting.ScopeCountry:
			for _, m := range territory.MacroAreas() {
				out = append(out, string(m))
			}
		case reporting.ScopeMacroArea:
			for _, reg := range terr.Regions() {
				if string(reg.MacroArea) == r.pub.Scope.Code {
					out = append(out, reg.Code)
				}
			}
		}
		return out
	}
	var keys []sKey
	for k := range w.truth {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b sKey) int {
		return cmpStrings(a.scope+"|"+a.table+"|"+a.row+"|"+a.col, b.scope+"|"+b.table+"|"+b.row+"|"+b.col)
	})
	for _, r := range reports {
		ps := parts(r)
		if len(ps) == 0 || !slices.ContainsFunc(ps, func(p string) bool { return byName[p] }) {
			continue
		}
		if slices.ContainsFunc(ps, func(p string) bool { return !byName[p] }) {
			continue // the parts are not all published
		}
		for _, k := range keys {
			if k.scope != r.name || k.cellKey == outOfScopeKey || k.cellKey == supersededKey {
				continue
			}
			var members []sKey
			for _, p := range ps {
				if _, in := w.truth[sKey{p, k.cellKey}]; in {
					members = append(members, sKey{p, k.cellKey})
				}
			}
			w.rels = append(w.rels, rel{plus: members, minus: []sKey{k}})
		}
	}
	// filings + out of scope + superseded = questionnaires read, the same
	// in every report.
	for _, r := range reports[1:] {
		a, b := reports[0].name, r.name
		w.rels = append(w.rels, rel{
			plus:  []sKey{{a, headerKey}, {a, outOfScopeKey}, {a, supersededKey}},
			minus: []sKey{{b, headerKey}, {b, outOfScopeKey}, {b, supersededKey}}})
	}
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ranges solves the reader's linear programmes: the true relations, over
// the unknowns they link, one programme per group of linked unknowns.
func (w *world) ranges(t *testing.T) map[sKey]float64 {
	order, unknown, known, truth := w.order, w.unknown, w.known, w.truth
	parent := make([]int, len(order))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	var kept []rel
	for _, r := range w.rels {
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
		for _, k := range append(append([]sKey(nil), r.plus...), r.minus...) {
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
	local := map[sKey]int{}
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
		for s, ks := range [][]sKey{r.plus, r.minus} {
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
	if testing.Verbose() {
		big := 0
		for _, p := range problems {
			big = max(big, p.N)
		}
		t.Logf("%d unknowns in %d groups, the largest of %d", len(order), len(problems), big)
	}
	// Every sensitive unknown of a group, with the width it needs.
	type ask struct {
		vars []int
		keys []sKey
		need []float64
	}
	asks := map[int]*ask{}
	for j, k := range order {
		if !w.sensitive[k] {
			continue
		}
		a, ok := asks[find(j)]
		if !ok {
			a = &ask{}
			asks[find(j)] = a
		}
		a.vars = append(a.vars, local[k])
		a.keys = append(a.keys, k)
		a.need = append(a.need, w.need(k))
	}
	out := map[sKey]float64{}
	for root, a := range asks {
		widths, ok := problems[root].Widths(a.vars, a.need)
		require.True(t, ok, "the true figures are a solution")
		for i, k := range a.keys {
			out[k] = widths[i]
		}
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

// scopes returns the options of every scope: the nation, every macro-area
// and every region.
func scopes() []reporting.Options {
	out := []reporting.Options{{}}
	for _, m := range territory.MacroAreas() {
		out = append(out, reporting.Options{MacroArea: string(m)})
	}
	for _, r := range territory.Default().Regions() {
		out = append(out, reporting.Options{Region: r.Code})
	}
	return out
}

// scopeName names a scope in the attack's keys.
func scopeName(o reporting.Options) string {
	switch {
	case o.Region != "":
		return o.Region
	case o.MacroArea != "":
		return o.MacroArea
	}
	return "nation"
}

// attackAll attacks the set of public reports of every scope built from
// ds, read together, and returns how many suppressed Section II cells it
// examined.
func attackAll(t *testing.T, year int, ds []questionnaire.Document, threshold int) int {
	t.Helper()
	var set []scopedReport
	var pubs []*reporting.Aggregator
	for _, o := range scopes() {
		o.Threshold = threshold
		pub, err := reporting.New(year, o)
		require.NoError(t, err)
		priv, err := reporting.New(year, o)
		require.NoError(t, err)
		for i := range ds {
			pub.Add(&ds[i])
			priv.Add(&ds[i])
		}
		pubs = append(pubs, pub)
		set = append(set, scopedReport{name: scopeName(o), priv: priv.Report()})
	}
	reports, err := reporting.PublicReports(pubs...)
	require.NoError(t, err)
	for i := range set {
		set[i].pub = reports[i]
	}
	thr := threshold
	if thr == 0 {
		thr = reporting.DefaultThreshold
	}
	priv := map[string]*reporting.Report{}
	for _, r := range set {
		priv[r.name] = r.priv
	}
	examined := 0
	for k, w := range reader(t, threshold, set...) {
		examined++
		if n := need(k.cellKey, priv[k.scope], thr); w < n-1e-6 {
			t.Errorf("%s: suppressed %s/%s/%s narrowed to a range of %v (< %v)", k.scope, k.table, k.row, k.col, w, n)
		}
	}
	return examined
}

// synthDocs returns the questionnaires of a generated register, as the demo
// files them.
func synthDocs(t testing.TB, year int, seed uint64, scale float64) []questionnaire.Document {
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

// TestNoSuppressedCellDerivable attacks the public reports of every scope
// (the nation, every macro-area, every region), read together, of the
// demo's register (2024, seed 1, scale 1) and of generated registers at
// other seeds, sizes and years. Each takes minutes: it runs with
// REGISTRO_DISCLOSURE=demo (the demo's register; .ci/run) or full.
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
			switch mode := os.Getenv("REGISTRO_DISCLOSURE"); {
			case raceEnabled || (mode != "demo" && mode != "full"):
				t.Skip("the joint attack takes minutes: set REGISTRO_DISCLOSURE=demo (as .ci/run does, without -race) or full")
			case tc.seed != 1 && mode != "full":
				t.Skip("the demo's register only: set REGISTRO_DISCLOSURE=full for the other seeds and sizes")
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
					a, err := reporting.New(tc.year, o)
					require.NoError(t, err)
					for i := range ds {
						a.Add(&ds[i])
					}
					r := a.Report()
					if !private {
						r = publicReport(t, a)
					}
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
