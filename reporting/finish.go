package reporting

import (
	"math"
	"slices"

	"github.com/openregistro/registro/schemas/problem"
)

// Report builds the private report of the aggregator's scope from the
// counters (shares are computed here, never before): every figure, Section
// II included, for viewers entitled to Section II data; Report.Public is
// false. The aggregator is left unchanged and may go on reading.
//
// Report never applies disclosure control: a public report comes only from
// [Set.Reports] or [PublicReports], which decide it jointly over every
// scope published, so that no report of one scope is published alone by
// mistake (a region's report next to the nation's can disclose what each
// hides; see the package doc).
func (a *Aggregator) Report() *Report { return a.report(nil) }

// report builds the report with the given suppression pattern (nil for a
// private report): one flag per cell, and the header's last.
func (a *Aggregator) report(supp []bool) *Report {
	l := a.l
	public := supp != nil
	r := &Report{Year: l.year, Scope: l.scope, Public: public, Superseded: a.superseded, UnknownCodes: a.unknown}
	if supp == nil || !supp[l.n] {
		f, o := a.filings, a.outOfScope
		r.Filings, r.OutOfScope = &f, &o
	}
	if public {
		r.Threshold = a.opts.Threshold
	}
	for _, t := range l.tables {
		tab := Table{ID: t.id, Part: t.part, Title: t.title, Unit: t.unit, Multi: t.multi,
			Columns: append([]Column(nil), t.cols...)}
		nr := len(t.rows)
		mkRow := func(r int, code string, lab problem.Text) Row {
			row := Row{Code: code, Label: lab, Cells: make([]Cell, len(t.cols))}
			if r < nr && t.rows[r].unit != t.unit {
				row.Unit = t.rows[r].unit
			}
			for c := range t.cols {
				i := t.cell(r, c)
				if r < nr && slices.Contains(t.rows[r].notCollected, t.cols[c].Code) {
					row.Cells[c] = Cell{NotCollected: true}
					continue
				}
				if supp != nil && supp[i] {
					row.Cells[c] = Cell{Suppressed: true}
					continue
				}
				v := a.vals[i]
				row.Cells[c].Value = &v
				if r == nr {
					continue
				}
				if t.rows[r].unit != "" && t.rows[r].unit != t.unit {
					// Not units of the total: a mean per unit, not a share.
					base := a.vals[t.cell(nr, c)]
					if base > 0 && (supp == nil || !supp[t.cell(nr, c)]) {
						m := math.Round(float64(v)/float64(base)*100) / 100
						row.Cells[c].Mean = &m
					}
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

// disclosure returns the cells of the report (the header's filings last)
// and the relations a reader can use between them.
//
// Sensitive cells are those of Section II: the Section II column of Part 1
// and of the focus, the rows about Section II bodies, and every cell of
// Part 3. The relations a reader can use are listed in the package doc;
// each is used only when the values satisfy it.
func (a *Aggregator) disclosure() ([]sCell, []sRel) {
	l := a.l
	header := l.n
	cells := make([]sCell, l.n+1)
	for _, t := range l.tables {
		for r := 0; r <= len(t.rows); r++ {
			for c := range t.cols {
				i := t.cell(r, c)
				sens := t.cols[c].Sensitive || t.part == PartSectionII
				if r < len(t.rows) && t.rows[r].sensitive {
					sens = true
				}
				class := classOther
				switch {
				case r == len(t.rows):
					class = classTotal
				case sens:
					class = classSensitive
				}
				cells[i] = sCell{value: a.vals[i], contrib: a.contrib[i], sensitive: sens,
					amount: t.unit == UnitEuroCents, class: class}
			}
		}
	}
	cells[header] = sCell{value: a.filings, class: classHeader}
	var rels []sRel
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
				if t.multi && rd.within {
					rels = append(rels, leRel(t.cell(r, c), t.cell(nr, c)))
				}
			}
			if len(members) > 0 {
				rels = append(rels, eqRel(members, t.cell(nr, c)))
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
			rels = append(rels, eqRel([]int{t}, ts[0]))
		}
	}
	// Bodies in Section I + in Section II = distinct bodies + in both, and
	// the header's filings are the distinct bodies.
	bs := l.bSection
	sI, sII, both, distinct := bs.cell(bs.rowIndex["section_i"], 0), bs.cell(bs.rowIndex["section_ii"], 0), bs.cell(bs.rowIndex["both"], 0), bs.cell(len(bs.rows), 0)
	rels = append(rels, eqRel([]int{sI, sII}, distinct, both), leRel(both, sI), leRel(both, sII),
		eqRel([]int{header}, distinct))
	// Part 1 column totals equal the section rows of bodies.section.
	for c, code := range []string{"section_i", "section_ii"} {
		if ts := totalsByKey["bodies|"+code]; len(ts) > 0 {
			rels = append(rels, eqRel([]int{ts[0]}, bs.cell(bs.rowIndex[code], 0)))
		}
		// Regions add up to their macro-area.
		for ar, ad := range l.bMacroArea.rows {
			var members []int
			for rr, rd := range l.bRegion.rows {
				if reg, ok := l.terr.Region(rd.code); ok && string(reg.MacroArea) == ad.code {
					members = append(members, l.bRegion.cell(rr, c))
				}
			}
			if len(members) > 0 {
				rels = append(rels, eqRel(members, l.bMacroArea.cell(ar, c)))
			}
		}
	}
	// The same figure in two tables.
	for si := range 2 {
		pt := l.proj[si]
		// Foreign-born staff are among the staff of their kind.
		for r, rd := range pt.hr.rows {
			if rd.partition {
				rels = append(rels, leRel(pt.hr.cell(r, 1), pt.hr.cell(r, 0)))
			}
		}
		if l.ukSummary != nil {
			uk := l.ukSummary
			rels = append(rels,
				eqRel([]int{uk.cell(uk.rowIndex["bodies_active"], si)}, l.ukActivity.cell(len(l.ukActivity.rows), si)),
				eqRel([]int{uk.cell(uk.rowIndex["projects_ukrainians"], si)}, pt.count.cell(pt.count.rowIndex["with_ukrainians"], 0)),
				eqRel([]int{uk.cell(uk.rowIndex["ukrainians_projects"], si)}, pt.focus.cell(pt.focus.rowIndex["ukrainian"], 0)))
		}
	}
	// Bodies running the programme are Section II bodies; those reporting
	// labour inclusion run the programme.
	prog := l.progPhases.cell(len(l.progPhases.rows), 0)
	rels = append(rels, leRel(prog, sII))
	if l.progLabour != nil {
		rels = append(rels, leRel(l.progLabour.cell(len(l.progLabour.rows), 0), prog))
	}
	return cells, rels
}
