package reporting

import (
	"math"
	"slices"

	"github.com/openregistro/registro/reporting/internal/lp"
)

// DefaultThreshold is the smallest Section II count published when
// Options.Threshold is zero: sensitive cells holding 1 or 2 (bodies, persons,
// projects, or contributing bodies for amounts) are suppressed.
const DefaultThreshold = 3

// AmountProtection is the smallest uncertainty left on a suppressed Section
// II amount, as a fraction of the amount: a reader must not be able to pin
// down a suppressed amount to within 10 % (see the package doc).
const AmountProtection = 0.10

// The classes of cells, in the order complementary suppression prefers
// them.
const (
	classSensitive uint8 = iota // a Section II row cell
	classOther                  // a Section I row cell
	classTotal                  // a total
	classHeader                 // the report's header (filings): last resort
)

// sCell is one cell seen by the suppression algorithm.
type sCell struct {
	value      int64 // the published quantity
	contrib    int64 // bodies contributing a non-zero amount to it
	sensitive  bool  // Section II: subject to primary suppression and protection
	amount     bool  // an amount in euro cents (protected in proportion)
	class      uint8
	primary    bool // suppressed for being small: must keep its protection
	suppressed bool
	fixed      bool // always published (a constant the reader knows)
}

// sTerm is coef·x[cell].
type sTerm struct {
	cell int
	coef float64
}

// sRel is one relation a reader can use to narrow suppressed cells:
// sum(terms) = 0, or ≤ 0 when le.
type sRel struct {
	terms []sTerm
	le    bool
}

// eqRel returns sum(members) = total + sum(extra).
func eqRel(members []int, total int, extra ...int) sRel {
	r := sRel{}
	for _, m := range members {
		r.terms = append(r.terms, sTerm{m, 1})
	}
	r.terms = append(r.terms, sTerm{total, -1})
	for _, x := range extra {
		r.terms = append(r.terms, sTerm{x, -1})
	}
	return r
}

// leRel returns small ≤ big.
func leRel(small, big int) sRel {
	return sRel{terms: []sTerm{{small, 1}, {big, -1}}, le: true}
}

// holds reports whether the relation is true of the cells' values.
func (r sRel) holds(cells []sCell) bool {
	s := 0.0
	for _, t := range r.terms {
		s += t.coef * float64(cells[t.cell].value)
	}
	if r.le {
		return s <= 0
	}
	return s == 0
}

// need is the smallest range (max - min) a reader may be left with on a
// suppressed sensitive cell.
func (c sCell) need(threshold int64) float64 {
	if c.amount {
		return math.Max(float64(threshold), math.Ceil(AmountProtection*float64(c.value)))
	}
	return float64(threshold)
}

// suppress applies primary suppression (sensitive cells with a value or a
// number of contributors between 1 and threshold-1) and then complementary
// suppression until every suppressed sensitive cell keeps its protection
// (sCell.need) against a reader who knows every published cell, every
// relation, and that a suppressed cell is at least 1 (zeros are always
// published).
//
// The reader's best bounds on a cell are the minimum and maximum of a
// linear programme (package internal/lp). Suppressing a cell only widens
// them, and publishing a cell the reader can already work out changes
// nothing, so a cell once protected stays protected: cells are settled one
// at a time, in index order, until none is left. For an unprotected cell,
// candidates are the published non-zero cells sharing a relation with it,
// in order of class (Section II rows, Section I rows, totals, the header)
// then value; the first that alone protects it is suppressed, else the one
// that widens its range most, and the cell is examined again. A complement
// the reader can work out exactly protects nothing and is published again.
// The result depends only on the cells and relations, never on map order.
func suppress(cells []sCell, rels []sRel, threshold int) {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	t := int64(threshold)
	for i := range cells {
		c := &cells[i]
		if !c.sensitive {
			continue
		}
		if (c.value > 0 && c.value < t) || (c.contrib > 0 && c.contrib < t) {
			c.suppressed, c.primary = true, true
		}
	}
	touch := make([][]int, len(cells))
	for ri, r := range rels {
		for _, tm := range r.terms {
			if !slices.Contains(touch[tm.cell], ri) {
				touch[tm.cell] = append(touch[tm.cell], ri)
			}
		}
	}
	settled := make([]bool, len(cells))
	for again := true; again; {
		again = false
		for k := range cells {
			if !cells[k].sensitive || !cells[k].suppressed || settled[k] {
				continue
			}
			settled[k] = true
			if protect(cells, rels, touch, k, t) {
				again = true
			}
		}
	}
	// A complement the reader can work out exactly protects nothing:
	// publish it (that tells the reader nothing new, so no range narrows).
	for k := range cells {
		if cells[k].suppressed && !cells[k].primary && rangeOf(cells, rels, k) < 1 {
			cells[k].suppressed = false
		}
	}
}

// protect suppresses complements until the reader's range on suppressed
// sensitive cell k is at least its need, or publishes k when it is a
// complement the reader can work out exactly. It reports whether it
// suppressed anything.
func protect(cells []sCell, rels []sRel, touch [][]int, k int, t int64) bool {
	need := cells[k].need(t)
	added := false
	for {
		w := rangeOf(cells, rels, k)
		if w >= need {
			return added
		}
		if w < 1 && !cells[k].primary {
			cells[k].suppressed = false
			return added
		}
		var cand []int
		for _, ri := range touch[k] {
			for _, tm := range rels[ri].terms {
				if c := cells[tm.cell]; !c.suppressed && c.value > 0 && !slices.Contains(cand, tm.cell) {
					cand = append(cand, tm.cell)
				}
			}
		}
		if len(cand) == 0 {
			// Every neighbour is hidden or zero: look further, among
			// the cells sharing a relation with any suppressed cell.
			for i := range cells {
				if cells[i].suppressed || cells[i].value <= 0 {
					continue
				}
				for _, ri := range touch[i] {
					if slices.ContainsFunc(rels[ri].terms, func(tm sTerm) bool { return cells[tm.cell].suppressed }) {
						cand = append(cand, i)
						break
					}
				}
			}
		}
		if len(cand) == 0 {
			return added // nothing left to hide it behind (cannot happen while the header is published)
		}
		slices.SortFunc(cand, func(a, b int) int {
			ca, cb := cells[a], cells[b]
			if ca.class != cb.class {
				return int(ca.class) - int(cb.class)
			}
			if ca.value != cb.value {
				if ca.value < cb.value {
					return -1
				}
				return 1
			}
			return a - b
		})
		chosen, best := cand[0], -1.0
		for _, c := range cand {
			cells[c].suppressed = true
			w := rangeOf(cells, rels, k)
			cells[c].suppressed = false
			if w >= need {
				chosen = c
				break
			}
			if w > best {
				chosen, best = c, w
			}
		}
		cells[chosen].suppressed = true
		added = true
	}
}

// rangeOf returns max - min of cell k over what a reader can infer: the
// published cells' values, the relations, and every suppressed cell ≥ 1,
// with the bounds rounded inward to integers. It is +Inf when the cell is
// unbounded above.
func rangeOf(cells []sCell, rels []sRel, k int) float64 {
	p, col := readerProblem(cells, rels)
	lo, hi, ok := p.Range(col[k])
	if !ok {
		return 0 // inconsistent relations: treat as disclosed
	}
	// The cells are integers: the reader knows ceil(lo) ≤ x ≤ floor(hi).
	return math.Floor(hi+1e-6) - math.Ceil(lo-1e-6)
}

// readerProblem returns the reader's linear programme over the suppressed cells,
// and the cell → variable index.
func readerProblem(cells []sCell, rels []sRel) (*lp.Problem, map[int]int) {
	col := map[int]int{}
	for i, c := range cells {
		if c.suppressed {
			col[i] = len(col)
		}
	}
	p := &lp.Problem{N: len(col), Lower: make([]float64, len(col))}
	for j := range p.Lower {
		p.Lower[j] = 1
	}
	for _, r := range rels {
		var c lp.Constraint
		c.LE = r.le
		for _, tm := range r.terms {
			if j, ok := col[tm.cell]; ok {
				c.Var = append(c.Var, j)
				c.Coef = append(c.Coef, tm.coef)
			} else {
				c.RHS -= tm.coef * float64(cells[tm.cell].value)
			}
		}
		if len(c.Var) > 0 {
			p.Constraints = append(p.Constraints, c)
		}
	}
	return p, col
}

// suppressComponents runs suppress separately on each group of cells linked
// by relations (cells sharing no relation cannot help narrow each other),
// which keeps the linear programmes small. Relations that the values do not
// satisfy (inconsistent input, such as sources adding up to more than a
// project's declared funds) are left out: a reader cannot rely on them.
func suppressComponents(cells []sCell, rels []sRel, threshold int) {
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
	var kept []sRel
	for _, r := range rels {
		if !r.holds(cells) {
			continue
		}
		kept = append(kept, r)
		for _, tm := range r.terms[1:] {
			ra, rb := find(r.terms[0].cell), find(tm.cell)
			if ra != rb {
				parent[max(ra, rb)] = min(ra, rb)
			}
		}
	}
	type comp struct {
		cells []int
		rels  []int
	}
	comps := map[int]*comp{}
	var roots []int
	for i := range cells {
		r := find(i)
		c, ok := comps[r]
		if !ok {
			c = &comp{}
			comps[r] = c
			roots = append(roots, r)
		}
		c.cells = append(c.cells, i)
	}
	for ri, r := range kept {
		c := comps[find(r.terms[0].cell)]
		c.rels = append(c.rels, ri)
	}
	for _, root := range roots {
		c := comps[root]
		local := make(map[int]int, len(c.cells))
		sub := make([]sCell, len(c.cells))
		for j, i := range c.cells {
			local[i] = j
			sub[j] = cells[i]
		}
		subRels := make([]sRel, 0, len(c.rels))
		for _, ri := range c.rels {
			r := kept[ri]
			terms := make([]sTerm, len(r.terms))
			for k, tm := range r.terms {
				terms[k] = sTerm{local[tm.cell], tm.coef}
			}
			subRels = append(subRels, sRel{terms: terms, le: r.le})
		}
		suppress(sub, subRels, threshold)
		for j, i := range c.cells {
			cells[i] = sub[j]
		}
	}
}
