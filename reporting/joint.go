package reporting

import (
	"fmt"
	"slices"

	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting/internal/lp"
)

// keys returns the cell index of every cell of the layout by its key
// (table, row code or "total", column code); the header's is "header".
func (l *layout) keys() map[string]int {
	m := make(map[string]int, l.n+1)
	for _, t := range l.tables {
		for r := 0; r <= len(t.rows); r++ {
			code := "total"
			if r < len(t.rows) {
				code = t.rows[r].code
			}
			for c, col := range t.cols {
				m[t.id+"\x00"+code+"\x00"+col.Code] = t.cell(r, c)
			}
		}
	}
	m["header"] = l.n
	return m
}

// PublicReports returns the public reports of several scopes of one year
// (normally every scope that is published: the nation, the macro-areas and
// the regions; [AllScopes] lists them), with disclosure control decided
// jointly, in the order of aggs. The aggregators must have read the same
// questionnaires, each in its own scope, with the same year, threshold,
// code lists and territory: [Set] feeds them so in one pass, and its
// Reports calls PublicReports.
//
// Disclosure control applied to each report alone (Report) does not hold
// when a reader holds several: a macro-area's figure minus its other
// regions' figures gives a region's suppressed cell. PublicReports protects
// every suppressed Section II cell of every report against a reader who
// holds them all (see the package doc).
func PublicReports(aggs ...*Aggregator) ([]*Report, error) {
	if len(aggs) == 0 {
		return nil, nil
	}
	first := aggs[0]
	seen := map[Scope]bool{}
	for _, a := range aggs {
		switch {
		case a.l.year != first.l.year:
			return nil, fmt.Errorf("%w: years %d and %d", ErrMismatch, first.l.year, a.l.year)
		case a.opts.Threshold != first.opts.Threshold:
			return nil, fmt.Errorf("%w: thresholds %d and %d", ErrMismatch, first.opts.Threshold, a.opts.Threshold)
		case a.l.terr != first.l.terr || a.l.lists != first.l.lists:
			return nil, fmt.Errorf("%w: different code lists or territories", ErrMismatch)
		}
		sc := a.l.scope
		sc.Label.IT, sc.Label.EN = "", ""
		if seen[sc] {
			return nil, fmt.Errorf("%w: %s %q given twice", ErrMismatch, a.l.scope.Kind, a.l.scope.Code)
		}
		seen[sc] = true
	}
	j := newJoint(aggs)
	j.protect(first.opts.Threshold)
	out := make([]*Report, len(aggs))
	for i, a := range aggs {
		supp := make([]bool, a.l.n+1)
		for c := range supp {
			supp[c] = j.cells[j.off[i]+c].suppressed
		}
		out[i] = a.report(supp)
	}
	return out, nil
}

// AllScopes returns the options of every scope of a year's publication: the
// nation, the macro-areas and the regions, each with opts' other fields.
func AllScopes(opts Options) []Options {
	opts.Region, opts.MacroArea = "", ""
	out := []Options{opts}
	terr := opts.Territory
	if terr == nil {
		terr = territory.Default()
	}
	for _, m := range territory.MacroAreas() {
		o := opts
		o.MacroArea = string(m)
		out = append(out, o)
	}
	for _, r := range terr.Regions() {
		o := opts
		o.Region = r.Code
		out = append(out, o)
	}
	return out
}

// joint is the disclosure problem of several reports read together: the
// cells of every report one after the other (report i from off[i], each
// with its header and then its out-of-scope count and a known constant),
// the relations within each report and between them.
type joint struct {
	cells  []sCell
	rels   []sRel
	off    []int
	header []int // per report: the header's filings
	oos    []int // per report: the out-of-scope count, hidden with the header
}

func newJoint(aggs []*Aggregator) *joint {
	j := &joint{}
	keys := make([]map[string]int, len(aggs))
	for i, a := range aggs {
		cells, rels := a.disclosure()
		// Each report alone first: the usual pattern, and a start.
		suppressComponents(cells, rels, a.opts.Threshold)
		off := len(j.cells)
		j.off = append(j.off, off)
		j.cells = append(j.cells, cells...)
		for _, r := range rels {
			if !r.holds(cells) {
				continue
			}
			terms := make([]sTerm, len(r.terms))
			for k, tm := range r.terms {
				terms[k] = sTerm{off + tm.cell, tm.coef}
			}
			j.rels = append(j.rels, sRel{terms: terms, le: r.le})
		}
		// filings + out of scope = questionnaires read - superseded.
		header := off + a.l.n
		oos, read := len(j.cells), len(j.cells)+1
		j.cells = append(j.cells,
			sCell{value: a.outOfScope, class: classHeader, suppressed: j.cells[header].suppressed},
			sCell{value: a.filings + a.outOfScope, class: classHeader, fixed: true})
		j.oos = append(j.oos, oos)
		j.header = append(j.header, header)
		j.rels = append(j.rels, eqRel([]int{header, oos}, read))
		keys[i] = a.l.keys()
	}
	// A macro-area's figures are the sums of its regions', the nation's
	// of its macro-areas' (a sum of some of the parts is at most the
	// whole when not every part is given).
	for p, pa := range aggs {
		var parts []int
		want := 0
		for c, ca := range aggs {
			switch {
			case pa.l.scope.Kind == ScopeCountry && ca.l.scope.Kind == ScopeMacroArea,
				pa.l.scope.Kind == ScopeMacroArea && ca.l.scope.Kind == ScopeRegion && pa.l.regions[ca.l.scope.Code]:
				parts = append(parts, c)
			}
		}
		switch pa.l.scope.Kind {
		case ScopeCountry:
			want = len(territory.MacroAreas())
		case ScopeMacroArea:
			want = len(pa.l.regions)
		}
		if len(parts) == 0 {
			continue
		}
		for key, pc := range keys[p] {
			var members []int
			for _, c := range parts {
				if cc, ok := keys[c][key]; ok {
					members = append(members, j.off[c]+cc)
				}
			}
			r := eqRel(members, j.off[p]+pc)
			r.le = len(parts) < want
			if r.holds(j.cells) {
				j.rels = append(j.rels, r)
			}
		}
	}
	// Map order must not decide anything: sort the relations.
	slices.SortFunc(j.rels, func(a, b sRel) int {
		for k := range min(len(a.terms), len(b.terms)) {
			if d := a.terms[k].cell - b.terms[k].cell; d != 0 {
				return d
			}
		}
		return len(a.terms) - len(b.terms)
	})
	return j
}

// protect suppresses complements until every suppressed sensitive cell of
// every report keeps its protection against a reader holding them all.
// Each round audits the groups of linked suppressed cells that changed
// (linear programming), and gives every cell still too exposed one more
// complement: from the relations that pin it down when there are any
// (where it is the only hidden cell), else from any relation it is in,
// else from the relations of its group; preferring the cell that opens the
// fewest relations without a hidden cell, then Section II cells, then
// Section I cells, totals and headers, the smallest first. Suppressing
// only widens the reader's ranges, so the rounds end.
func (j *joint) protect(threshold int) {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	t := int64(threshold)
	cells, rels := j.cells, j.rels
	touch := make([][]int, len(cells))
	for ri, r := range rels {
		for _, tm := range r.terms {
			if !slices.Contains(touch[tm.cell], ri) {
				touch[tm.cell] = append(touch[tm.cell], ri)
			}
		}
	}
	dirty := make([]bool, len(cells))
	for i := range cells {
		dirty[i] = cells[i].suppressed
	}
	for {
		for i, o := range j.oos {
			cells[o].suppressed = cells[j.header[i]].suppressed
		}
		exposed := j.audit(touch, dirty, t)
		clear(dirty)
		if len(exposed) == 0 {
			return
		}
		added := false
		for _, k := range exposed {
			// A relation of k that got a complement this round may be
			// enough: see at the next audit.
			if slices.ContainsFunc(touch[k], func(ri int) bool {
				return slices.ContainsFunc(rels[ri].terms, func(tm sTerm) bool { return dirty[tm.cell] })
			}) {
				continue
			}
			c := j.complement(touch, k)
			if c < 0 || cells[c].suppressed {
				continue
			}
			cells[c].suppressed = true
			dirty[c] = true
			added = true
		}
		if !added {
			// Nothing left to hide the exposed cells behind: hide every
			// published non-zero figure of their reports.
			for _, k := range exposed {
				r := j.reportOf(k)
				end := len(cells)
				if r+1 < len(j.off) {
					end = j.off[r+1]
				}
				for c := j.off[r]; c < end; c++ {
					if !cells[c].suppressed && !cells[c].fixed && cells[c].value != 0 {
						cells[c].suppressed, dirty[c] = true, true
						added = true
					}
				}
			}
			if !added {
				return
			}
		}
	}
}

// reportOf returns the report of cell k.
func (j *joint) reportOf(k int) int {
	r, _ := slices.BinarySearch(j.off, k+1)
	return r - 1
}

// audit returns the suppressed sensitive cells whose range, for a reader
// holding every report, is below their need, among the groups of linked
// suppressed cells that hold a dirty cell.
func (j *joint) audit(touch [][]int, dirty []bool, t int64) []int {
	cells, rels := j.cells, j.rels
	parent := make([]int, len(cells))
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
	for _, r := range rels {
		first := -1
		for _, tm := range r.terms {
			if !cells[tm.cell].suppressed {
				continue
			}
			if first < 0 {
				first = tm.cell
			} else if a, b := find(first), find(tm.cell); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	check := map[int]bool{}
	for i := range cells {
		if dirty[i] && cells[i].suppressed {
			check[find(i)] = true
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i := range cells {
		if !cells[i].suppressed || !check[find(i)] {
			continue
		}
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	var exposed []int
	for _, root := range roots {
		g := groups[root]
		col := make(map[int]int, len(g))
		for v, i := range g {
			col[i] = v
		}
		p := &lp.Problem{N: len(g), Lower: make([]float64, len(g))}
		for v := range p.Lower {
			p.Lower[v] = 1
		}
		seenRel := map[int]bool{}
		for _, i := range g {
			for _, ri := range touch[i] {
				if seenRel[ri] {
					continue
				}
				seenRel[ri] = true
				var c lp.Constraint
				c.LE = rels[ri].le
				for _, tm := range rels[ri].terms {
					if v, ok := col[tm.cell]; ok {
						c.Var = append(c.Var, v)
						c.Coef = append(c.Coef, tm.coef)
					} else {
						c.RHS -= tm.coef * float64(cells[tm.cell].value)
					}
				}
				p.Constraints = append(p.Constraints, c)
			}
		}
		var vars []int
		var need []float64
		var who []int
		for v, i := range g {
			if cells[i].sensitive {
				vars = append(vars, v)
				need = append(need, cells[i].need(t))
				who = append(who, i)
			}
		}
		if len(vars) == 0 {
			continue
		}
		w, ok := p.Widths(vars, need)
		if !ok {
			exposed = append(exposed, who...) // cannot happen: the true figures are a solution
			continue
		}
		for x, i := range who {
			if w[x] < need[x] {
				exposed = append(exposed, i)
			}
		}
	}
	slices.Sort(exposed)
	return exposed
}

// complement returns the published non-zero cell to suppress next for the
// exposed cell k, or -1: among the candidates, the one whose suppression
// opens the fewest relations without a hidden cell (each would be a new
// pattern to protect, in its report or across scopes), then by class and
// value (better).
func (j *joint) complement(touch [][]int, k int) int {
	cells, rels := j.cells, j.rels
	usable := func(c int) bool { return !cells[c].suppressed && !cells[c].fixed && cells[c].value > 0 }
	// fresh counts the relations of c that suppressing it would open (no
	// hidden cell yet): each is a new pattern to protect, so the complement
	// opening the fewest cascades least.
	fresh := func(c int) int {
		n := 0
		for _, ri := range touch[c] {
			if !slices.ContainsFunc(rels[ri].terms, func(tm sTerm) bool { return cells[tm.cell].suppressed }) {
				n++
			}
		}
		return n
	}
	pick := func(cand []int) int {
		best, bestFresh := -1, 0
		for _, c := range cand {
			f := fresh(c)
			if best < 0 || f < bestFresh || (f == bestFresh && better(cells, c, best)) {
				best, bestFresh = c, f
			}
		}
		return best
	}
	var pinning, any []int
	for _, ri := range touch[k] {
		hidden := 0
		for _, tm := range rels[ri].terms {
			if cells[tm.cell].suppressed {
				hidden++
			}
		}
		for _, tm := range rels[ri].terms {
			if usable(tm.cell) {
				any = append(any, tm.cell)
				if hidden == 1 && !rels[ri].le {
					pinning = append(pinning, tm.cell)
				}
			}
		}
	}
	if c := pick(pinning); c >= 0 {
		return c
	}
	if c := pick(any); c >= 0 {
		return c
	}
	// Every neighbour is hidden or zero: look among the relations of the
	// hidden cells linked to k.
	seen := map[int]bool{k: true}
	queue := []int{k}
	var far []int
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, ri := range touch[i] {
			for _, tm := range rels[ri].terms {
				switch {
				case usable(tm.cell):
					far = append(far, tm.cell)
				case cells[tm.cell].suppressed && !seen[tm.cell]:
					seen[tm.cell] = true
					queue = append(queue, tm.cell)
				}
			}
		}
	}
	return pick(far)
}

// better reports whether cell a is a better complement than b: a Section II
// cell before a Section I cell, a total and a header, then the smaller,
// then the first.
func better(cells []sCell, a, b int) bool {
	ca, cb := cells[a], cells[b]
	if ca.class != cb.class {
		return ca.class < cb.class
	}
	if ca.value != cb.value {
		return ca.value < cb.value
	}
	return a < b
}
