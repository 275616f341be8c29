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

// HTML renders r as one standalone HTML page in lang (Italian unless lang
// is "en"): a table of contents, then every table as an HTML table next to
// an inline SVG bar chart of its rows on one scale with an axis (the region
// table is the map-like view by region); inline CSS with print styles (a
// page per part), no scripts and no external assets, so it reads offline
// and prints.
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
nav ol{columns:2;font-size:.9rem}nav ol ol{columns:1}svg{max-width:100%%;height:auto}
@media print{body{margin:0;max-width:none;font-size:10pt}nav{break-after:page}h2{break-before:page}h3{break-after:avoid}.t{break-inside:avoid}a{color:inherit;text-decoration:none}}
</style>
</head>
<body>
<h1>%s</h1>
`, lang, esc(title), esc(title))
	fmt.Fprintf(&b, "<p>%s: %s · %s: %s</p>\n", esc(label("report.year").In(problem.Lang(lang))), strconv.Itoa(r.Year),
		esc(label("report.filings").In(problem.Lang(lang))), esc(formatHeader(r.Filings, lang)))
	if r.Public {
		fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(fmt.Sprintf(label("report.suppressed").In(problem.Lang(lang)), r.Threshold)))
	}
	if r.PreviousYear != 0 {
		fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(fmt.Sprintf(label("report.previous").In(problem.Lang(lang)), r.PreviousYear)))
	}
	// Table of contents.
	fmt.Fprintf(&b, "<nav>\n<h2>%s</h2>\n<ol>\n", esc(label("report.contents").In(problem.Lang(lang))))
	var part Part
	for i := range r.Tables {
		t := &r.Tables[i]
		if t.Part != part {
			if part != "" {
				b.WriteString("</ol></li>\n")
			}
			part = t.Part
			fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a><ol>\n", esc(string(part)), esc(label("part."+string(part)).In(problem.Lang(lang))))
		}
		fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a></li>\n", esc(t.ID), esc(t.Title.In(problem.Lang(lang))))
	}
	if part != "" {
		b.WriteString("</ol></li>\n")
	}
	if r.Service != nil {
		fmt.Fprintf(&b, "<li><a href=\"#service\">%s</a></li>\n", esc(label("service.title").In(problem.Lang(lang))))
	}
	b.WriteString("</ol>\n</nav>\n")
	part = ""
	for i := range r.Tables {
		t := &r.Tables[i]
		if t.Part != part {
			part = t.Part
			fmt.Fprintf(&b, "<h2 id=\"%s\">%s</h2>\n", esc(string(part)), esc(label("part."+string(part)).In(problem.Lang(lang))))
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
			fmt.Fprintf(&b, "<td>%s</td>", esc(rowName(row, lang)))
			for _, c := range row.Cells {
				fmt.Fprintf(&b, "<td class=\"n\">%s</td><td class=\"n\">%s</td>", esc(cellText(c, t.Unit, lang)), esc(shareText(c, lang)))
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
		if hasNotCollected(t) {
			fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(label("report.not_collected").In(problem.Lang(lang))))
		}
		if hasRowUnits(t) {
			fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(fmt.Sprintf(label("report.mean_note").In(problem.Lang(lang)), label("unit."+string(t.Unit)).In(problem.Lang(lang)))))
		}
	}
	if s := r.Service; s != nil {
		fmt.Fprintf(&b, "<h2 id=\"service\">%s</h2>\n<table>\n<tbody>\n", esc(label("service.title").In(problem.Lang(lang))))
		for _, kv := range serviceRows(s, lang, false) {
			fmt.Fprintf(&b, "<tr><td>%s</td><td class=\"n\">%s</td></tr>\n", esc(kv[1]), esc(kv[2]))
		}
		b.WriteString("</tbody>\n</table>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}

// textWidth estimates the width in pixels of s at the charts' 11px font:
// generous, so that no label is clipped.
func textWidth(s string) int { return int(float64(len([]rune(s)))*6.6) + 4 }

// niceStep returns a round tick step (1, 2 or 5 × 10^k) giving at most
// about five ticks up to max.
func niceStep(max int64) int64 {
	if max <= 0 {
		return 1
	}
	step := int64(1)
	for {
		for _, m := range []int64{1, 2, 5} {
			if max/(step*m) <= 5 {
				return step * m
			}
		}
		step *= 10
	}
}

// barChart writes a horizontal bar chart of t's rows: one bar per column,
// every bar of the chart on one scale, drawn as an axis with round ticks
// below the bars. The chart is as wide as its longest label and value, so
// nothing is clipped. Suppressed cells get no bar but their "c", cells not
// collected their ":". Tables whose rows count different things get no
// chart.
func barChart(b *bytes.Buffer, t *Table, lang string) {
	if hasRowUnits(t) {
		return // rows in different units share no scale
	}
	const barW, barH, gap, axisH = 260, 10, 6, 22
	nc := len(t.Columns)
	rowH := nc*barH + gap
	var max int64
	labelW, valueW := 0, 0
	for _, row := range t.Rows {
		labelW = maxInt(labelW, textWidth(row.Label.In(problem.Lang(lang))))
		for _, cell := range row.Cells {
			valueW = maxInt(valueW, textWidth(cellText(cell, t.Unit, lang)))
			if cell.Value != nil && *cell.Value > max {
				max = *cell.Value
			}
		}
	}
	labelW += 8
	step := niceStep(max)
	top := step * ((max + step - 1) / step) // the axis ends on a tick
	if top == 0 {
		top = step
	}
	tickText := func(v int64) string { return formatValue(v, t.Unit, lang) }
	lastTick := textWidth(tickText(top))
	w := labelW + barW + maxInt(valueW+8, lastTick/2+4)
	h := len(t.Rows)*rowH + gap + axisH
	legendY := h
	if nc > 1 {
		h += 18
	}
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
		w, h, w, h, html.EscapeString(t.Title.In(problem.Lang(lang))))
	x := func(v int64) int { return labelW + int(v*barW/top) }
	y := gap
	for _, row := range t.Rows {
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW-6, y+nc*barH/2+4, html.EscapeString(row.Label.In(problem.Lang(lang))))
		for c, cell := range row.Cells {
			by := y + c*barH
			if cell.Value == nil {
				fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" fill=\"#888\">%s</text>\n", labelW+2, by+barH-1, cellText(cell, t.Unit, lang))
				continue
			}
			bw := x(*cell.Value) - labelW
			fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", labelW, by, bw, barH-1, barColours[c%len(barColours)])
			fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\">%s</text>\n", labelW+bw+4, by+barH-1, html.EscapeString(formatValue(*cell.Value, t.Unit, lang)))
		}
		y += rowH
	}
	// The axis: one scale for every bar.
	fmt.Fprintf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n", labelW, y, labelW+barW, y)
	for v := int64(0); v <= top; v += step {
		fmt.Fprintf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
			x(v), y, x(v), y+4, x(v), y+15, html.EscapeString(tickText(v)))
	}
	if nc > 1 {
		lx := labelW
		for c, col := range t.Columns {
			fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
				lx, legendY+4, barColours[c%len(barColours)], lx+14, legendY+13, html.EscapeString(col.Label.In(problem.Lang(lang))))
			lx += 14 + textWidth(col.Label.In(problem.Lang(lang))) + 16
		}
	}
	b.WriteString("</svg>\n")
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
