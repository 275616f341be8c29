package reporting

import "github.com/openregistro/registro/schemas/problem"

// Report builds the report from the counters: shares are computed here,
// never before, and for a public report (Options.Private false) disclosure
// control runs on the Section II cells. The aggregator is left unchanged and
// may go on reading.
func (a *Aggregator) Report() *Report {
	l := a.l
	public := !a.opts.Private
	var supp []bool
	if public {
		supp = a.suppression()
	}
	r := &Report{Year: l.year, Scope: l.scope, Public: public, Filings: a.filings,
		OutOfScope: a.outOfScope, UnknownCodes: a.unknown}
	if public {
		r.Threshold = a.opts.Threshold
	}
	for _, t := range l.tables {
		tab := Table{ID: t.id, Part: t.part, Title: t.title, Unit: t.unit, Multi: t.multi,
			Columns: append([]Column(nil), t.cols...)}
		nr := len(t.rows)
		mkRow := func(r int, code string, lab problem.Text) Row {
			row := Row{Code: code, Label: lab, Cells: make([]Cell, len(t.cols))}
			for c := range t.cols {
				i := t.cell(r, c)
				if supp != nil && supp[i] {
					row.Cells[c] = Cell{Suppressed: true}
					continue
				}
				v := a.vals[i]
				row.Cells[c].Value = &v
				if r == nr {
					continue
				}
				base := a.vals[t.cell(nr, c)]
				baseSupp := supp != nil && supp[t.cell(nr, c)]
				if sb := t.cols[c].ShareBase; sb != "" {
					for bc, col := range t.cols {
						if col.Code == sb {
							base = a.vals[t.cell(r, bc)]
							baseSupp = supp != nil && supp[t.cell(r, bc)]
						}
					}
				}
				if base > 0 && !baseSupp {
					s := round4(float64(v) / float64(base))
					row.Cells[c].Share = &s
				}
			}
			return row
		}
		for ri, rd := range t.rows {
			tab.Rows = append(tab.Rows, mkRow(ri, rd.code, rd.label))
		}
		tab.Total = mkRow(nr, "total", t.total)
		r.Tables = append(r.Tables, tab)
	}
	return r
}

// suppression returns, per cell, whether a public report hides it.
//
// Sensitive cells are those of Section II: the Section II column of Part 1
// and of the focus, the rows about Section II bodies, and every cell of
// Part 3. The lines a reader can use to recover a cell are: each column of
// a table whose rows partition its total; the regions of a macro-area
// adding up to the macro-area's cell; and the equal totals that several
// tables share (every table of Part 1 counts the same bodies).
func (a *Aggregator) suppression() []bool {
	l := a.l
	cells := make([]sCell, l.n)
	for _, t := range l.tables {
		for r := 0; r <= len(t.rows); r++ {
			for c := range t.cols {
				i := t.cell(r, c)
				sens := t.cols[c].Sensitive || t.part == PartSectionII
				if r < len(t.rows) && t.rows[r].sensitive {
					sens = true
				}
				cells[i] = sCell{value: a.vals[i], contrib: a.contrib[i], sensitive: sens}
			}
		}
	}
	var lines []sLine
	totalsByKey := map[string][]int{}
	var keys []string
	for _, t := range l.tables {
		nr := len(t.rows)
		for c := range t.cols {
			var members []int
			for r, rd := range t.rows {
				if rd.partition {
					members = append(members, t.cell(r, c))
				}
			}
			if len(members) > 0 {
				lines = append(lines, sLine{members: members, total: t.cell(nr, c)})
			}
			k := t.totalKey + "|" + t.cols[c].Code
			if _, ok := totalsByKey[k]; !ok {
				keys = append(keys, k)
			}
			totalsByKey[k] = append(totalsByKey[k], t.cell(nr, c))
		}
	}
	// Equal totals: chain each to the first of its key.
	for _, k := range keys {
		ts := totalsByKey[k]
		for _, t := range ts[1:] {
			lines = append(lines, sLine{members: []int{t}, total: ts[0]})
		}
	}
	// Bodies in Section I + in Section II = distinct bodies + in both.
	bs := l.bSection
	lines = append(lines, sLine{members: []int{bs.cell(bs.rowIndex["section_i"], 0), bs.cell(bs.rowIndex["section_ii"], 0)},
		total: bs.cell(len(bs.rows), 0), extra: []int{bs.cell(bs.rowIndex["both"], 0)}})
	// Part 1 column totals equal the section rows of bodies.section.
	for c, code := range []string{"section_i", "section_ii"} {
		if ts := totalsByKey["bodies|"+code]; len(ts) > 0 {
			lines = append(lines, sLine{members: []int{ts[0]}, total: l.bSection.cell(l.bSection.rowIndex[code], 0)})
		}
		// Regions add up to their macro-area.
		if l.bRegion != nil && l.bMacroArea != nil {
			for ar, ad := range l.bMacroArea.rows {
				var members []int
				for rr, rd := range l.bRegion.rows {
					if reg, ok := l.terr.Region(rd.code); ok && string(reg.MacroArea) == ad.code {
						members = append(members, l.bRegion.cell(rr, c))
					}
				}
				if len(members) > 0 {
					lines = append(lines, sLine{members: members, total: l.bMacroArea.cell(ar, c)})
				}
			}
		}
	}
	suppressComponents(cells, lines, a.opts.Threshold)
	out := make([]bool, l.n)
	for i, c := range cells {
		out[i] = c.suppressed
	}
	return out
}
