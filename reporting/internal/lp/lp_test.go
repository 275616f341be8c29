package lp

import (
	"math"
	"testing"
)

func TestRange(t *testing.T) {
	eq := func(rhs float64, vars ...int) Constraint {
		c := Constraint{Var: vars, RHS: rhs}
		for range vars {
			c.Coef = append(c.Coef, 1)
		}
		return c
	}
	for _, tc := range []struct {
		name   string
		p      Problem
		k      int
		lo, hi float64
		ok     bool
	}{
		{"three cells summing to their count are each 1", Problem{N: 3, Lower: []float64{1, 1, 1}, Constraints: []Constraint{eq(3, 0, 1, 2)}}, 1, 1, 1, true},
		{"two cells summing to 6", Problem{N: 2, Lower: []float64{1, 1}, Constraints: []Constraint{eq(6, 0, 1)}}, 0, 1, 5, true},
		{"unbounded above", Problem{N: 2, Lower: []float64{1, 1}, Constraints: []Constraint{{Var: []int{0, 1}, Coef: []float64{1, -1}, RHS: 2}}}, 0, 3, math.Inf(1), true},
		{"upper bound from an inequality", Problem{N: 2, Lower: []float64{0, 1}, Constraints: []Constraint{{Var: []int{0, 1}, Coef: []float64{1, -1}, RHS: 0, LE: true}, eq(4, 1)}}, 0, 0, 4, true},
		{"infeasible", Problem{N: 2, Lower: []float64{1, 1}, Constraints: []Constraint{eq(1, 0, 1)}}, 0, 0, 0, false},
		{"redundant rows", Problem{N: 3, Lower: []float64{1, 1, 1}, Constraints: []Constraint{eq(10, 0, 1), eq(10, 0, 1), eq(7, 1, 2), {Var: []int{0, 2}, Coef: []float64{1, -1}, RHS: 3}}}, 2, 1, 6, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, ok := tc.p.Range(tc.k)
			if ok != tc.ok || (ok && (math.Abs(lo-tc.lo) > 1e-6 || !(math.Abs(hi-tc.hi) < 1e-6 || hi == tc.hi))) {
				t.Fatalf("Range = %v, %v, %v; want %v, %v, %v", lo, hi, ok, tc.lo, tc.hi, tc.ok)
			}
		})
	}
}

// TestWidthsAgreeWithRange: on random problems, Widths is exact below the
// need and a true lower bound above it.
func TestWidthsAgreeWithRange(t *testing.T) {
	rnd := uint64(1)
	next := func(n int) int {
		rnd = rnd*6364136223846793005 + 1442695040888963407
		return int((rnd >> 33) % uint64(n))
	}
	for iter := range 300 {
		n := 2 + next(8)
		x := make([]float64, n)
		for j := range x {
			x[j] = float64(1 + next(6))
		}
		p := Problem{N: n, Lower: make([]float64, n)}
		for j := range p.Lower {
			p.Lower[j] = 1
		}
		for range 1 + next(n) {
			var c Constraint
			for j := range n {
				if next(3) == 0 {
					coef := float64(1 - 2*next(2))
					c.Var = append(c.Var, j)
					c.Coef = append(c.Coef, coef)
					c.RHS += coef * x[j]
				}
			}
			if len(c.Var) == 0 {
				continue
			}
			if next(3) == 0 {
				c.LE = true
				c.RHS += float64(next(3))
			}
			p.Constraints = append(p.Constraints, c)
		}
		vars := make([]int, n)
		need := make([]float64, n)
		for j := range vars {
			vars[j] = j
			need[j] = float64(next(5))
		}
		w, ok := p.Widths(vars, need)
		if !ok {
			t.Fatalf("%d: a feasible problem reported infeasible", iter)
		}
		for j := range vars {
			lo, hi, ok := p.Range(j)
			if !ok {
				t.Fatalf("%d: Range infeasible", iter)
			}
			exact := math.Floor(hi+1e-6) - math.Ceil(lo-1e-6)
			switch {
			case w[j] < need[j] && w[j] != exact && !(math.IsInf(w[j], 1) && math.IsInf(exact, 1)):
				t.Fatalf("%d: x%d: width %v below the need %v but the exact width is %v", iter, j, w[j], need[j], exact)
			case w[j] > exact:
				t.Fatalf("%d: x%d: width %v above the exact %v", iter, j, w[j], exact)
			}
		}
	}
}
