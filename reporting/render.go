package reporting

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
)

// Figures not collected are written as ":" (not available), the Eurostat
// flag.
const notCollectedMark = ":"

// Suppressed cells are written as "c" (confidential), the Eurostat flag,
// in every renderer but JSON (where "suppressed": true says it).
const suppressedMark = "c"

// File is one rendered file: a name relative to the output directory and
// its contents.
type File struct {
	Name string
	Data []byte
}

// langOf maps anything but "en" to Italian, the report's language.
func langOf(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "it"
}

// groupDigits writes the integer part with thousands separators.
func groupDigits(n int64, sep string) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatValue formats a value for people: thousands grouped, euro cents as
// euros with two decimals, in the conventions of lang.
// formatHeader formats a header figure, "c" when suppressed.
func formatHeader(v *int64, lang string) string {
	if v == nil {
		return suppressedMark
	}
	return formatValue(*v, UnitBodies, lang)
}

func formatValue(v int64, unit Unit, lang string) string {
	th, dec := ",", "."
	if lang == "it" {
		th, dec = ".", ","
	}
	if unit == UnitEuroCents {
		sign := ""
		if v < 0 {
			sign, v = "-", -v
		}
		return fmt.Sprintf("%s%s%s%02d", sign, groupDigits(v/100, th), dec, v%100)
	}
	return groupDigits(v, th)
}

// formatPercent formats a share (0.2534) as "25.3%" ("25,3%" in Italian).
func formatPercent(f float64, lang string) string {
	s := strconv.FormatFloat(f*100, 'f', 1, 64)
	if lang == "it" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

func formatChange(f float64, lang string) string {
	s := formatPercent(f, lang)
	if f > 0 {
		s = "+" + s
	}
	return s
}

// cellText is a cell's value for people.
func cellText(c Cell, unit Unit, lang string) string {
	if c.NotCollected {
		return notCollectedMark
	}
	if c.Suppressed || c.Value == nil {
		return suppressedMark
	}
	return formatValue(*c.Value, unit, lang)
}

// rowName is a row's label, with its unit in brackets when it has one of
// its own.
func rowName(row Row, lang string) string {
	if row.Unit == "" {
		return row.Label.In(problem.Lang(lang))
	}
	return row.Label.In(problem.Lang(lang)) + " (" + label("unit."+string(row.Unit)).In(problem.Lang(lang)) + ")"
}

// shareText is a cell's share, or its mean per unit of the total.
func shareText(c Cell, lang string) string {
	switch {
	case c.Share != nil:
		return formatPercent(*c.Share, lang)
	case c.Mean != nil:
		s := strconv.FormatFloat(*c.Mean, 'f', 2, 64)
		if lang == "it" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return fmt.Sprintf(label("report.mean").In(problem.Lang(lang)), s)
	}
	return ""
}

// hasNotCollected reports whether a cell of t was not collected.
func hasNotCollected(t *Table) bool {
	for _, r := range t.Rows {
		for _, c := range r.Cells {
			if c.NotCollected {
				return true
			}
		}
	}
	return false
}

// hasRowUnits reports whether a row of t has a unit of its own.
func hasRowUnits(t *Table) bool {
	for _, r := range t.Rows {
		if r.Unit != "" {
			return true
		}
	}
	return false
}

// hasChanges reports whether any cell of t carries a previous value.
func hasChanges(t *Table) bool {
	for _, r := range append([]Row{t.Total}, t.Rows...) {
		for _, c := range r.Cells {
			if c.Previous != nil {
				return true
			}
		}
	}
	return false
}

// CSV renders r as one CSV file per table with the default CSVOptions
// (UTF-8 with a byte order mark, ',' between fields); see CSVWith.
func CSV(r *Report, lang string) ([]File, error) { return CSVWith(r, lang, CSVOptions{}) }

// CSVWith renders r as one CSV file per table, named after the table's ID
// ("bodies.legal_form.csv"), plus "service.csv" when r has service
// indicators, encoded as o says. Columns: code, label (in lang), the row's
// unit when the table's rows have units of their own, then per report column
// its value and share (or, for rows with a unit of their own, the mean per
// unit of the total), and, when the previous year was given, its previous
// value and change. The header states units where a bare number would
// mislead: amounts are in euros with two decimals, in columns named CODE_eur
// ("funds_eur", "funds_eur_previous"), or in rows whose unit column says
// "euro"; counts are integers; shares and changes are decimal fractions (0.25
// is 25%). Suppressed cells hold "c", figures not collected ":".
func CSVWith(r *Report, lang string, o CSVOptions) ([]File, error) {
	lang = langOf(lang)
	var files []File
	for i := range r.Tables {
		t := &r.Tables[i]
		var buf bytes.Buffer
		w := o.newCSV(&buf)
		changes := hasChanges(t)
		units := hasRowUnits(t)
		suffix := ""
		if !units {
			suffix = csvUnitSuffix(t.Unit)
		}
		head := []string{"code", "label"}
		if units {
			head = append(head, "unit")
		}
		for _, c := range t.Columns {
			head = append(head, c.Code+suffix, c.Code+"_share")
			if units {
				head = append(head, c.Code+"_mean")
			}
			if changes {
				head = append(head, c.Code+suffix+"_previous", c.Code+"_change")
			}
		}
		if err := w.Write(head); err != nil {
			return nil, err
		}
		for _, row := range append(append([]Row(nil), t.Rows...), t.Total) {
			rec := []string{row.Code, row.Label.In(problem.Lang(lang))}
			u := row.Unit
			if u == "" {
				u = t.Unit
			}
			if units {
				rec = append(rec, csvUnitName(u))
			}
			for _, c := range row.Cells {
				v, s := suppressedMark, ""
				switch {
				case c.NotCollected:
					v = notCollectedMark
				case !c.Suppressed && c.Value != nil:
					v = o.value(*c.Value, u)
				}
				if c.Share != nil {
					s = o.float(*c.Share)
				}
				rec = append(rec, v, s)
				if units {
					m := ""
					if c.Mean != nil {
						m = o.mean(*c.Mean, u)
					}
					rec = append(rec, m)
				}
				if changes {
					p, ch := "", ""
					if c.Previous != nil {
						p = o.value(*c.Previous, u)
					}
					if c.Change != nil {
						ch = o.float(*c.Change)
					}
					rec = append(rec, p, ch)
				}
			}
			if err := w.Write(rec); err != nil {
				return nil, err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return nil, err
		}
		files = append(files, File{Name: t.ID + ".csv", Data: buf.Bytes()})
	}
	if s := r.Service; s != nil {
		var buf bytes.Buffer
		w := o.newCSV(&buf)
		for i, kv := range serviceRows(s, lang, true) {
			if i > 0 && o.Semicolon {
				kv[2] = o.decimal(kv[2])
			}
			if err := w.Write(kv); err != nil {
				return nil, err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return nil, err
		}
		files = append(files, File{Name: "service.csv", Data: buf.Bytes()})
	}
	return files, nil
}

// serviceRows lists the indicators as (code, label, value) rows; raw values
// for CSV, formatted ones for people.
func serviceRows(s *ServiceKPIs, lang string, raw bool) [][]string {
	num := func(v int64) string {
		if raw {
			return strconv.FormatInt(v, 10)
		}
		return formatValue(v, UnitBodies, lang)
	}
	share := func(f *float64) string {
		if f == nil {
			return ""
		}
		if raw {
			return strconv.FormatFloat(*f, 'f', -1, 64)
		}
		return formatPercent(*f, lang)
	}
	days := func(d *int) string {
		if d == nil {
			return ""
		}
		return strconv.Itoa(*d)
	}
	rows := [][]string{
		{"as_of", label("service.as_of").In(problem.Lang(lang)), string(s.AsOf)},
		{"received", label("service.received").In(problem.Lang(lang)), num(s.Received)},
		{"concluded", label("service.concluded").In(problem.Lang(lang)), num(s.Concluded)},
		{"concluded_share", label("service.concluded_share").In(problem.Lang(lang)), share(s.ConcludedShare)},
		{"decided_within_term", label("service.within_deadline").In(problem.Lang(lang)), num(s.DecidedWithinTerm)},
		{"within_term_share", label("service.within_share").In(problem.Lang(lang)), share(s.WithinTermShare)},
		{"median_days", label("service.median_days").In(problem.Lang(lang)), days(s.MedianDays)},
		{"p90_days", label("service.p90_days").In(problem.Lang(lang)), days(s.P90Days)},
		{"open_past_term", label("service.open_past").In(problem.Lang(lang)), num(s.OpenPastTerm)},
	}
	if raw {
		return append([][]string{{"code", "label", "value"}}, rows...)
	}
	return rows
}

// Markdown renders r as a Markdown document in lang: a heading with the
// year and scope, then one section per part and one table per report table
// (label, value and share per column, and the change from the previous
// year when given). Suppressed cells read "c", explained in a note.
func Markdown(r *Report, lang string) []byte {
	lang = langOf(lang)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s %d\n\n", label("report.title").In(problem.Lang(lang)), r.Year)
	fmt.Fprintf(&b, "- %s: %s\n", label("report.scope").In(problem.Lang(lang)), r.Scope.Label.In(problem.Lang(lang)))
	fmt.Fprintf(&b, "- %s: %s\n", label("report.filings").In(problem.Lang(lang)), formatHeader(r.Filings, lang))
	if r.Public {
		fmt.Fprintf(&b, "- "+label("report.suppressed").In(problem.Lang(lang))+"\n", r.Threshold)
	}
	if r.PreviousYear != 0 {
		fmt.Fprintf(&b, "- "+label("report.previous").In(problem.Lang(lang))+"\n", r.PreviousYear)
	}
	b.WriteString("\n")
	var part Part
	for i := range r.Tables {
		t := &r.Tables[i]
		if t.Part != part {
			part = t.Part
			fmt.Fprintf(&b, "## %s\n\n", label("part."+string(part)).In(problem.Lang(lang)))
		}
		fmt.Fprintf(&b, "### %s (%s)\n\n", t.Title.In(problem.Lang(lang)), label("unit."+string(t.Unit)).In(problem.Lang(lang)))
		changes := hasChanges(t)
		head := []string{label("report.label").In(problem.Lang(lang))}
		align := []string{":--"}
		for _, c := range t.Columns {
			head = append(head, c.Label.In(problem.Lang(lang)), label("report.share").In(problem.Lang(lang)))
			align = append(align, "--:", "--:")
			if changes {
				head = append(head, label("report.change").In(problem.Lang(lang)))
				align = append(align, "--:")
			}
		}
		b.WriteString("| " + strings.Join(head, " | ") + " |\n")
		b.WriteString("| " + strings.Join(align, " | ") + " |\n")
		for ri, row := range append(append([]Row(nil), t.Rows...), t.Total) {
			name := mdEscape(rowName(row, lang))
			if ri == len(t.Rows) {
				name = "**" + name + "**"
			}
			rec := []string{name}
			for _, c := range row.Cells {
				rec = append(rec, cellText(c, t.Unit, lang), shareText(c, lang))
				if changes {
					ch := ""
					if c.Change != nil {
						ch = formatChange(*c.Change, lang)
					}
					rec = append(rec, ch)
				}
			}
			b.WriteString("| " + strings.Join(rec, " | ") + " |\n")
		}
		if t.Multi {
			b.WriteString("\n_" + label("report.multi").In(problem.Lang(lang)) + "_\n")
		}
		if hasNotCollected(t) {
			b.WriteString("\n_" + label("report.not_collected").In(problem.Lang(lang)) + "_\n")
		}
		if hasRowUnits(t) {
			b.WriteString("\n_" + fmt.Sprintf(label("report.mean_note").In(problem.Lang(lang)), label("unit."+string(t.Unit)).In(problem.Lang(lang))) + "_\n")
		}
		b.WriteString("\n")
	}
	if s := r.Service; s != nil {
		fmt.Fprintf(&b, "## %s\n\n| | |\n| :-- | --: |\n", label("service.title").In(problem.Lang(lang)))
		for _, kv := range serviceRows(s, lang, false) {
			fmt.Fprintf(&b, "| %s | %s |\n", kv[1], kv[2])
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
