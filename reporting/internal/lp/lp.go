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
