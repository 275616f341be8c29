// Package lp finds the range a variable can take under linear constraints:
// the smallest and largest value of x_k subject to A x (= or ≤) b and
// x ≥ lower bounds. Package reporting uses it to audit disclosure control
// (how precisely a reader can pin down a suppressed cell from everything
// published), and its tests use it to attack the public reports.
//
// The solver is a dense two-phase simplex with Bland's rule (it cannot
// cycle). The systems it is given are small (tens to a few hundred
// unknowns) with coefficients 0 and ±1, for which float64 arithmetic with a
// tolerance is exact enough.
package lp

import "math"

// Constraint is sum(Coef[j]·x[Var[j]]) = RHS, or ≤ RHS when LE.
type Constraint struct {
	Var  []int
	Coef []float64
	RHS  float64
	LE   bool
}

// Problem is a set of constraints over N unknowns x[0..N-1], each at least
// Lower[i].
type Problem struct {
	N           int
	Lower       []float64
	Constraints []Constraint
}

const eps = 1e-7

// Range returns the minimum and maximum of x[k] over the feasible set;
// hi is +Inf when x[k] is unbounded above. ok is false when the
// constraints have no solution.
func (p *Problem) Range(k int) (lo, hi float64, ok bool) {
	obj := make([]float64, p.N)
	obj[k] = 1
	hi, ok = p.maximize(obj)
	if !ok {
		return 0, 0, false
	}
	obj[k] = -1
	mlo, _ := p.maximize(obj)
	return -mlo, hi, true
}

// maximize returns max obj·x (+Inf when unbounded) and whether the problem
// is feasible. It substitutes y = x - Lower ≥ 0.
func (p *Problem) maximize(obj []float64) (float64, bool) {
	m := len(p.Constraints)
	n := p.N
	// Columns: y (n), one slack per LE row, one artificial per row.
	nSlack := 0
	for _, c := range p.Constraints {
		if c.LE {
			nSlack++
		}
	}
	cols := n + nSlack + m
	width := cols + 1 // last column: right-hand side
	t := make([][]float64, m)
	basis := make([]int, m)
	si := n
	offset := 0.0
	for j, o := range obj {
		offset += o * p.Lower[j]
	}
	for i, c := range p.Constraints {
		row := make([]float64, width)
		rhs := c.RHS
		for j, v := range c.Var {
			row[v] += c.Coef[j]
			rhs -= c.Coef[j] * p.Lower[v]
		}
		if c.LE {
			row[si] = 1
			si++
		}
		row[cols] = rhs
		if rhs < 0 {
			for j := range row {
				row[j] = -row[j]
			}
		}
		row[n+nSlack+i] = 1
		basis[i] = n + nSlack + i
		t[i] = row
	}
	artificial := func(j int) bool { return j >= n+nSlack && j < cols }

	// Phase 1: maximize -sum(artificials).
	cost := make([]float64, width)
	for i := range t {
		for j := range width {
			if !artificial(j) {
				cost[j] += t[i][j]
			}
		}
	}
	if !run(t, basis, cost, func(j int) bool { return artificial(j) }) {
		return 0, false // cannot happen: phase 1 is bounded
	}
	if cost[cols] > eps*(1+math.Abs(cost[cols])) {
		return 0, false
	}
	// Drive artificials out of the basis where possible.
	for i := range t {
		if !artificial(basis[i]) {
			continue
		}
		for j := range n + nSlack {
			if math.Abs(t[i][j]) > eps {
				pivot(t, basis, nil, i, j)
				break
			}
		}
	}
	// Phase 2: reduced costs of the objective.
	cost = make([]float64, width)
	for j, o := range obj {
		cost[j] = o
	}
	for i, b := range basis {
		if f := cost[b]; f != 0 {
			for j := range width {
				cost[j] -= f * t[i][j]
			}
		}
	}
	if !run(t, basis, cost, func(j int) bool { return artificial(j) }) {
		return math.Inf(1), true
	}
	return -cost[cols] + offset, true
}

// run pivots until no reduced cost is positive (true) or the objective is
// unbounded (false). cost[j] is the reduced cost of column j; cost[last] is
// minus the objective's value. Columns for which skip is true never enter.
func run(t [][]float64, basis []int, cost []float64, skip func(int) bool) bool {
	width := len(cost)
	for {
		e := -1
		for j := range width - 1 {
			if !skip(j) && cost[j] > eps {
				e = j
				break
			}
		}
		if e < 0 {
			return true
		}
		l := -1
		best := math.Inf(1)
		for i := range t {
			if a := t[i][e]; a > eps {
				r := t[i][width-1] / a
				if r < best-eps || (r <= best+eps && l >= 0 && basis[i] < basis[l]) {
					best, l = r, i
				}
			}
		}
		if l < 0 {
			return false
		}
		pivot(t, basis, cost, l, e)
	}
}

func pivot(t [][]float64, basis []int, cost []float64, l, e int) {
	row := t[l]
	inv := 1 / row[e]
	for j := range row {
		row[j] *= inv
	}
	row[e] = 1
	for i := range t {
		if i == l {
			continue
		}
		if f := t[i][e]; f != 0 {
			for j := range row {
				t[i][j] -= f * row[j]
			}
			t[i][e] = 0
		}
	}
	if cost != nil {
		if f := cost[e]; f != 0 {
			for j := range row {
				cost[j] -= f * row[j]
			}
			cost[e] = 0
		}
	}
	basis[l] = e
}

// Solver keeps a feasible basis of a Problem, so that many objectives can
// be optimised in a row, each from where the last one ended (a warm start):
// phase 1 runs once. Rows found redundant in phase 1 are dropped.
type Solver struct {
	p     *Problem
	t     [][]float64 // m rows of n+nSlack columns plus the right-hand side
	basis []int
	cost  []float64
}

// Solver runs phase 1 and returns a solver at a feasible basis, or false
// when the constraints have no solution.
//
// The artificial variables of phase 1 start in the basis and never enter
// it again, so their columns are not stored: a row whose basic variable is
// artificial is marked by a negative basis entry.
func (p *Problem) Solver() (*Solver, bool) {
	m, n := len(p.Constraints), p.N
	nSlack := 0
	for _, c := range p.Constraints {
		if c.LE {
			nSlack++
		}
	}
	cols := n + nSlack
	width := cols + 1
	t := make([][]float64, m)
	basis := make([]int, m)
	si := n
	for i, c := range p.Constraints {
		row := make([]float64, width)
		rhs := c.RHS
		for j, v := range c.Var {
			row[v] += c.Coef[j]
			rhs -= c.Coef[j] * p.Lower[v]
		}
		if c.LE {
			row[si] = 1
			si++
		}
		row[cols] = rhs
		if rhs < 0 {
			for j := range row {
				row[j] = -row[j]
			}
		}
		basis[i] = -1 - i
		t[i] = row
	}
	cost := make([]float64, width)
	for i := range t {
		for j := range width {
			cost[j] += t[i][j]
		}
	}
	runFast(t, basis, cost)
	if cost[cols] > eps*(1+math.Abs(cost[cols])) {
		return nil, false
	}
	// Drive the artificials out of the basis; a row that keeps one is
	// redundant (all its coefficients are 0) and goes.
	for i := range t {
		if basis[i] < 0 {
			for j := range cols {
				if math.Abs(t[i][j]) > eps {
					pivot(t, basis, nil, i, j)
					break
				}
			}
		}
	}
	kept := t[:0]
	keptBasis := basis[:0]
	for i := range t {
		if basis[i] >= 0 {
			kept = append(kept, t[i])
			keptBasis = append(keptBasis, basis[i])
		}
	}
	return &Solver{p: p, t: kept, basis: keptBasis, cost: make([]float64, width)}, true
}

// Maximize returns max obj·x over the feasible set and a point x reaching
// it; value is +Inf (and x nil) when the objective is unbounded above. The
// solver stays at a feasible basis either way.
func (s *Solver) Maximize(obj []float64) (value float64, x []float64) {
	width := len(s.cost)
	cost := s.cost
	clear(cost)
	offset := 0.0
	for j, o := range obj {
		cost[j] = o
		offset += o * s.p.Lower[j]
	}
	for i, b := range s.basis {
		if f := cost[b]; f != 0 {
			row := s.t[i]
			for j := range width {
				cost[j] -= f * row[j]
			}
		}
	}
	if !runFast(s.t, s.basis, cost) {
		return math.Inf(1), nil
	}
	x = append([]float64(nil), s.p.Lower...)
	for i, b := range s.basis {
		if b < s.p.N {
			x[b] += s.t[i][width-1]
		}
	}
	return -cost[width-1] + offset, x
}

// runFast pivots until no reduced cost is positive (true) or the
// objective is unbounded (false), choosing the steepest reduced cost
// (Dantzig's rule), which needs far fewer pivots on large problems, and
// falling back to Bland's rule (which cannot cycle) after a run of
// degenerate pivots. Negative basis entries are artificial variables,
// whose columns are not stored.
func runFast(t [][]float64, basis []int, cost []float64) bool {
	width := len(cost)
	degenerate := 0
	bland := false
	for {
		e, best := -1, eps
		for j := range width - 1 {
			if cost[j] > best {
				e, best = j, cost[j]
				if bland {
					break
				}
			}
		}
		if e < 0 {
			return true
		}
		l := -1
		ratio := math.Inf(1)
		for i := range t {
			if a := t[i][e]; a > eps {
				r := t[i][width-1] / a
				if r < ratio-eps || (r <= ratio+eps && l >= 0 && basis[i] < basis[l]) {
					ratio, l = r, i
				}
			}
		}
		if l < 0 {
			return false
		}
		if ratio <= eps {
			degenerate++
			bland = bland || degenerate > 50
		} else {
			degenerate = 0
		}
		sparsePivot(t, basis, cost, l, e)
	}
}

// sparsePivot is pivot over the non-zero entries of the pivot row only:
// the tableaux of the register's relations stay sparse.
func sparsePivot(t [][]float64, basis []int, cost []float64, l, e int) {
	row := t[l]
	inv := 1 / row[e]
	nz := make([]int, 0, 64)
	for j := range row {
		if row[j] != 0 {
			row[j] *= inv
			nz = append(nz, j)
		}
	}
	row[e] = 1
	for i := range t {
		if i == l {
			continue
		}
		ti := t[i]
		if f := ti[e]; f != 0 {
			for _, j := range nz {
				ti[j] -= f * row[j]
			}
			ti[e] = 0
		}
	}
	if cost != nil {
		if f := cost[e]; f != 0 {
			for _, j := range nz {
				cost[j] -= f * row[j]
			}
			cost[e] = 0
		}
	}
	basis[l] = e
}

// Widths returns, for each variable vars[i], how wide a range of integers
// it can take: floor(max) - ceil(min) over the feasible set (+Inf when
// unbounded above). Only what is needed is computed: a width is exact when
// it is below need[i], and otherwise a lower bound of at least need[i],
// witnessed by feasible points met while optimising other variables. ok is
// false when the constraints have no solution.
func (p *Problem) Widths(vars []int, need []float64) (w []float64, ok bool) {
	s, ok := p.Solver()
	if !ok {
		return nil, false
	}
	lo := make([]float64, p.N)
	hi := make([]float64, p.N)
	for j := range lo {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	see := func(x []float64) {
		for j, v := range x {
			lo[j], hi[j] = math.Min(lo[j], v), math.Max(hi[j], v)
		}
	}
	_, x := s.Maximize(make([]float64, p.N))
	see(x)
	width := func(k int) float64 { return math.Floor(hi[k]+1e-6) - math.Ceil(lo[k]-1e-6) }
	obj := make([]float64, p.N)
	w = make([]float64, len(vars))
	for i, k := range vars {
		if width(k) < need[i] {
			obj[k] = 1
			v, x := s.Maximize(obj)
			if x == nil {
				hi[k] = v
			} else {
				see(x)
			}
			if width(k) < need[i] {
				obj[k] = -1
				_, x := s.Maximize(obj)
				see(x)
			}
			obj[k] = 0
		}
		w[i] = width(k)
	}
	return w, true
}
