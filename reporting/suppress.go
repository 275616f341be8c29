package reporting

import (
	"math"
	"slices"
)

// DefaultThreshold is the smallest Section II count published when
// Options.Threshold is zero: sensitive cells holding 1 or 2 (bodies, persons,
// projects, or contributing bodies for amounts) are suppressed.
const DefaultThreshold = 3

// sCell is one cell seen by the suppression algorithm.
type sCell struct {
	value      int64 // the published quantity
	contrib    int64 // bodies contributing a non-zero amount to it
	sensitive  bool  // Section II: subject to primary suppression
	suppressed bool
}

// sLine is one linear relation a reader can use to recover cells:
// sum(members) = total + sum(extra) (all indices into the cell slice).
type sLine struct {
	members []int
	total   int
	extra   []int
}

// cells returns every cell of the line.
func (l sLine) cells() []int {
	out := append(slices.Clone(l.members), l.total)
	return append(out, l.extra...)
}

// suppress applies primary suppression (sensitive cells with a value or a
// number of contributors between 1 and threshold-1) and then complementary
// suppression until no suppressed cell is uniquely determined by the lines.
//
// Complementary cells are chosen, among the cells sharing a line with a
// determined cell, as the one with the smallest positive value (so that the
// suppressed pair cannot be resolved as "x and 0"), then zero cells, then
// totals. The result depends only on the cells and lines, never on map order.
func suppress(cells []sCell, lines []sLine, threshold int) {
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
			c.suppressed = true
		}
	}
	// Lines touching each cell.
	touch := make([][]int, len(cells))
	for li, l := range lines {
		for _, m := range l.cells() {
			touch[m] = append(touch[m], li)
		}
	}
	isTotal := make([]bool, len(cells))
	for _, l := range lines {
		isTotal[l.total] = true
	}
	for {
		k := firstDetermined(cells, lines)
		if k < 0 {
			return
		}
		// Candidates: unsuppressed cells sharing a line with k.
		var cand []int
		for _, li := range touch[k] {
			l := lines[li]
			for _, m := range l.cells() {
				if !cells[m].suppressed && !slices.Contains(cand, m) {
					cand = append(cand, m)
				}
			}
		}
		if len(cand) == 0 {
			// Nothing left to hide it behind: every line through k is
			// fully suppressed yet k is determined through a chain; widen
			// to every unsuppressed cell of the component.
			for i := range cells {
				if !cells[i].suppressed && len(touch[i]) > 0 {
					cand = append(cand, i)
				}
			}
			if len(cand) == 0 {
				return // cannot happen: k determined needs a known cell
			}
		}
		rank := func(i int) (int, int64, int) {
			c := cells[i]
			switch {
			case isTotal[i]:
				return 2, c.value, i
			case c.value > 0:
				return 0, c.value, i
			default:
				return 1, 0, i
			}
		}
		slices.SortFunc(cand, func(a, b int) int {
			ga, va, ia := rank(a)
			gb, vb, ib := rank(b)
			if ga != gb {
				return ga - gb
			}
			if va != vb {
				if va < vb {
					return -1
				}
				return 1
			}
			return ia - ib
		})
		chosen := cand[0]
		for _, c := range cand {
			cells[c].suppressed = true
			ok := !determined(cells, lines, k)
			cells[c].suppressed = false
			if ok {
				chosen = c
				break
			}
		}
		cells[chosen].suppressed = true
	}
}

// firstDetermined returns the lowest index of a suppressed cell whose value
// follows from the lines and the published cells, or -1.
func firstDetermined(cells []sCell, lines []sLine) int {
	for _, k := range determinedSet(cells, lines) {
		return k
	}
	return -1
}

func determined(cells []sCell, lines []sLine, k int) bool {
	return slices.Contains(determinedSet(cells, lines), k)
}

// determinedSet returns, in increasing order, the suppressed cells that are
// uniquely determined by the linear system of the lines: cell k is determined
// exactly when the unit vector e_k lies in the row space of the system
// restricted to the suppressed cells, which reduced row echelon form shows as
// a pivot row with no entry in a free column.
func determinedSet(cells []sCell, lines []sLine) []int {
	var unknown []int
	col := map[int]int{}
	for i, c := range cells {
		if c.suppressed {
			col[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	var rows [][]float64
	for _, l := range lines {
		row := make([]float64, len(unknown))
		any := false
		add := func(i int, v float64) {
			if j, ok := col[i]; ok {
				row[j] += v
				any = true
			}
		}
		for _, m := range l.members {
			add(m, 1)
		}
		add(l.total, -1)
		for _, x := range l.extra {
			add(x, -1)
		}
		if any {
			rows = append(rows, row)
		}
	}
	// The coefficients are small integers (0, ±1) and the systems small, so
	// float64 elimination with partial pivoting is exact enough; eps
	// separates zero from the smallest pivot such systems produce.
	const eps = 1e-9
	n := len(unknown)
	pivotOf := make([]int, n) // column → row, -1 when free
	for j := range pivotOf {
		pivotOf[j] = -1
	}
	r := 0
	for j := 0; j < n && r < len(rows); j++ {
		p, best := -1, eps
		for i := r; i < len(rows); i++ {
			if v := math.Abs(rows[i][j]); v > best {
				p, best = i, v
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		inv := 1 / rows[r][j]
		for jj := range rows[r] {
			rows[r][jj] *= inv
		}
		for i := range rows {
			if i == r || math.Abs(rows[i][j]) <= eps {
				continue
			}
			f := rows[i][j]
			for jj := range rows[i] {
				rows[i][jj] -= f * rows[r][jj]
			}
		}
		pivotOf[j] = r
		r++
	}
	var out []int
	for j := 0; j < n; j++ {
		pr := pivotOf[j]
		if pr < 0 {
			continue
		}
		free := false
		for jj := 0; jj < n; jj++ {
			if pivotOf[jj] < 0 && math.Abs(rows[pr][jj]) > eps {
				free = true
				break
			}
		}
		if !free {
			out = append(out, unknown[j])
		}
	}
	return out
}

// suppressComponents runs suppress separately on each group of cells linked
// by lines (cells sharing no line cannot help recover each other), which
// keeps the linear algebra small. Cells on no line get primary suppression
// only.
func suppressComponents(cells []sCell, lines []sLine, threshold int) {
	parent := make([]int, len(cells))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra != rb {
			if ra < rb {
				parent[rb] = ra
			} else {
				parent[ra] = rb
			}
		}
	}
	for _, l := range lines {
		for _, m := range l.cells() {
			union(m, l.total)
		}
	}
	type comp struct {
		cells []int
		lines []int
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
	for li, l := range lines {
		c := comps[find(l.total)]
		c.lines = append(c.lines, li)
	}
	for _, r := range roots {
		c := comps[r]
		local := make(map[int]int, len(c.cells))
		sub := make([]sCell, len(c.cells))
		for j, i := range c.cells {
			local[i] = j
			sub[j] = cells[i]
		}
		subLines := make([]sLine, 0, len(c.lines))
		for _, li := range c.lines {
			l := lines[li]
			m := make([]int, len(l.members))
			for k, x := range l.members {
				m[k] = local[x]
			}
			var ex []int
			for _, x := range l.extra {
				ex = append(ex, local[x])
			}
			subLines = append(subLines, sLine{members: m, total: local[l.total], extra: ex})
		}
		suppress(sub, subLines, threshold)
		for j, i := range c.cells {
			cells[i] = sub[j]
		}
	}
}
