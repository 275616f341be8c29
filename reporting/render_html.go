package reporting

import (
	"bytes"
	"fmt"
	"html"
	"strconv"

	"github.com/openregistro/registro/schemas/problem"
)

// barColours are the fills of the columns' bars (colour-blind safe).
var barColours = [...]string{"#0072b2", "#e69f00", "#009e73", "#cc79a7"}

// HTML renders r as one standalone HTML page in lang: inline CSS, every
// table as an HTML table next to an inline SVG bar chart of its rows (the
// region table is the map-like view by region), no scripts and no external
// assets, so it reads offline and prints.
func HTML(r *Report, lang string) []byte {
	lang = langOf(lang)
	esc := html.EscapeString
	var b bytes.Buffer
	title := fmt.Sprintf("%s %d — %s", label("report.title").In(problem.Lang(lang)), r.Year, r.Scope.Label.In(problem.Lang(lang)))
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="%s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{margin-top:2.5rem;border-bottom:2px solid #0072b2}h3{font-size:1.05rem;margin-top:1.8rem}
.t{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
table{border-collapse:collapse;font-size:.9rem}th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold;border-top:2px solid #888}
.note{font-size:.85rem;color:#555}svg text{font-size:11px;font-family:inherit}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:middle}
</style>
</head>
<body>
<h1>%s</h1>
`, lang, esc(title), esc(title))
	fmt.Fprintf(&b, "<p>%s: %s · %s: %s</p>\n", esc(label("report.year").In(problem.Lang(lang))), strconv.Itoa(r.Year),
		esc(label("report.filings").In(problem.Lang(lang))), esc(formatValue(r.Filings, UnitBodies, lang)))
	if r.Public {
		fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(fmt.Sprintf(label("report.suppressed").In(problem.Lang(lang)), r.Threshold)))
	}
	if r.PreviousYear != 0 {
		fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(fmt.Sprintf(label("report.previous").In(problem.Lang(lang)), r.PreviousYear)))
	}
	var part Part
	for i := range r.Tables {
		t := &r.Tables[i]
		if t.Part != part {
			part = t.Part
			fmt.Fprintf(&b, "<h2>%s</h2>\n", esc(label("part."+string(part)).In(problem.Lang(lang))))
		}
		fmt.Fprintf(&b, "<h3 id=\"%s\">%s <small>(%s)</small></h3>\n<div class=\"t\">\n<table>\n<thead><tr><th>%s</th>",
			esc(t.ID), esc(t.Title.In(problem.Lang(lang))), esc(label("unit."+string(t.Unit)).In(problem.Lang(lang))), esc(label("report.label").In(problem.Lang(lang))))
		changes := hasChanges(t)
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "<th class=\"n\">%s</th><th class=\"n\">%s</th>", esc(c.Label.In(problem.Lang(lang))), esc(label("report.share").In(problem.Lang(lang))))
			if changes {
				fmt.Fprintf(&b, "<th class=\"n\">%s</th>", esc(label("report.change").In(problem.Lang(lang))))
			}
		}
		b.WriteString("</tr></thead>\n<tbody>\n")
		for ri, row := range append(append([]Row(nil), t.Rows...), t.Total) {
			if ri == len(t.Rows) {
				b.WriteString("<tr class=\"total\">")
			} else {
				b.WriteString("<tr>")
			}
			fmt.Fprintf(&b, "<td>%s</td>", esc(row.Label.In(problem.Lang(lang))))
			for _, c := range row.Cells {
				s := ""
				if c.Share != nil {
					s = formatPercent(*c.Share, lang)
				}
				fmt.Fprintf(&b, "<td class=\"n\">%s</td><td class=\"n\">%s</td>", esc(cellText(c, t.Unit, lang)), esc(s))
				if changes {
					ch := ""
					if c.Change != nil {
						ch = formatChange(*c.Change, lang)
					}
					fmt.Fprintf(&b, "<td class=\"n\">%s</td>", esc(ch))
				}
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</tbody>\n</table>\n")
		barChart(&b, t, lang)
		b.WriteString("</div>\n")
		if t.Multi {
			fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(label("report.multi").In(problem.Lang(lang))))
		}
	}
	if s := r.Service; s != nil {
		fmt.Fprintf(&b, "<h2>%s</h2>\n<table>\n<tbody>\n", esc(label("service.title").In(problem.Lang(lang))))
		for _, kv := range serviceRows(s, lang, false) {
			fmt.Fprintf(&b, "<tr><td>%s</td><td class=\"n\">%s</td></tr>\n", esc(kv[1]), esc(kv[2]))
		}
		b.WriteString("</tbody>\n</table>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}

// barChart writes a horizontal bar chart of t's rows: one bar per column,
// each column scaled to its own largest row. Suppressed cells get no bar.
func barChart(b *bytes.Buffer, t *Table, lang string) {
	const labelW, barW, barH, gap = 210, 260, 10, 6
	nc := len(t.Columns)
	rowH := nc*barH + gap
	h := len(t.Rows)*rowH + gap
	if len(t.Columns) > 1 {
		h += 18
	}
	maxOf := make([]int64, nc)
	for _, row := range t.Rows {
		for c, cell := range row.Cells {
			if cell.Value != nil && *cell.Value > maxOf[c] {
				maxOf[c] = *cell.Value
			}
		}
	}
	w := labelW + barW + 90
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
		w, h, w, h, html.EscapeString(t.Title.In(problem.Lang(lang))))
	y := gap
	for _, row := range t.Rows {
		name := []rune(row.Label.In(problem.Lang(lang)))
		if len(name) > 34 {
			name = append(name[:33], '…')
		}
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW-6, y+nc*barH/2+4, html.EscapeString(string(name)))
		for c, cell := range row.Cells {
			by := y + c*barH
			if cell.Value == nil {
				fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" fill=\"#888\">%s</text>\n", labelW+2, by+barH-1, suppressedMark)
				continue
			}
			bw := 0
			if maxOf[c] > 0 {
				bw = int(*cell.Value * barW / maxOf[c])
			}
			fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", labelW, by, bw, barH-1, barColours[c%len(barColours)])
			fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\">%s</text>\n", labelW+bw+4, by+barH-1, html.EscapeString(formatValue(*cell.Value, t.Unit, lang)))
		}
		y += rowH
	}
	if nc > 1 {
		x := labelW
		for c, col := range t.Columns {
			fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
				x, y+4, barColours[c%len(barColours)], x+14, y+13, html.EscapeString(col.Label.In(problem.Lang(lang))))
			x += 110
		}
	}
	b.WriteString("</svg>\n")
}
