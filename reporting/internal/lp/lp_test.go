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
