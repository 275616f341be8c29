package reporting

import (
	"fmt"

	"github.com/openregistro/registro/schemas/problem"
)

// Part is one part of the ministry's annual report on the register.
type Part string

// The parts of the report, in the order they are published.
const (
	PartBodies    Part = "bodies"              // Part 1: the bodies, both sections
	PartSectionI  Part = "section_i_projects"  // Part 2: Section I projects
	PartSectionII Part = "section_ii_projects" // Part 3: Section II projects and programmes
	PartUkraine   Part = "focus_ukraine"       // Focus: activities for Ukrainian citizens (from 2022)
)

// Parts lists the parts in publication order.
func Parts() []Part { return []Part{PartBodies, PartSectionI, PartSectionII, PartUkraine} }

// Unit is what the values of a table count.
type Unit string

// The units of the tables.
const (
	UnitBodies    Unit = "bodies"
	UnitProjects  Unit = "projects"
	UnitPersons   Unit = "persons"
	UnitPlaces    Unit = "places"
	UnitEuroCents Unit = "euro_cents"
)

// ScopeKind says what territory a report covers.
type ScopeKind string

// The scopes a report can have.
const (
	ScopeCountry   ScopeKind = "country"
	ScopeRegion    ScopeKind = "region"
	ScopeMacroArea ScopeKind = "macro_area"
)

// Scope is the territory a report covers: the whole country, one region
// (ISTAT code "01".."20") or one macro-area (NUTS1 code "ITC".."ITG").
type Scope struct {
	Kind  ScopeKind    `json:"kind"`
	Code  string       `json:"code,omitempty"`
	Label problem.Text `json:"label"`
}

// Report is the annual statistical report for one reporting year and scope.
// Its JSON form is the stable, documented exchange format (report.schema.json);
// the other renderers read the same value.
type Report struct {
	// Year is the reporting year (the activities of year Year, filed by 30
	// January of Year+1).
	Year int `json:"year"`
	// Scope is the territory covered.
	Scope Scope `json:"scope"`
	// Public is true when disclosure control was applied (small Section II
	// cells and their complements suppressed).
	Public bool `json:"public"`
	// Threshold is the smallest Section II count published (public reports).
	Threshold int `json:"threshold,omitempty"`
	// Filings is the number of questionnaires counted in the scope, one per
	// body (the latest revision); absent
	// in a public report when it would disclose a suppressed cell (it equals
	// the distinct bodies of bodies.section).
	Filings *int64 `json:"filings,omitempty"`
	// OutOfScope is the number of questionnaires read but outside the scope
	// (another region, another year, or a body unknown to the register);
	// absent when Filings is (the two add up to the questionnaires read).
	OutOfScope *int64 `json:"outOfScope,omitempty"`
	// Superseded is the number of questionnaires not counted because the
	// same body filed a later revision for the year (each body is counted
	// once, with its latest questionnaire).
	Superseded int64 `json:"superseded"`
	// UnknownCodes counts answers whose code is not in the year's code list;
	// they are left out of the tables (validation should have rejected them).
	UnknownCodes int64 `json:"unknownCodes"`
	// PreviousYear is the year the changes are computed against (0: none).
	PreviousYear int `json:"previousYear,omitempty"`
	// Tables holds every table, grouped by part in publication order.
	Tables []Table `json:"tables"`
	// Service holds the service-quality indicators, when computed.
	Service *ServiceKPIs `json:"service,omitempty"`
}

// Column is one column of a table.
type Column struct {
	// Code identifies the column: "section_i", "section_ii", "value",
	// "persons", "foreign_born".
	Code  string       `json:"code"`
	Label problem.Text `json:"label"`
	// Sensitive marks Section II columns, subject to disclosure control.
	Sensitive bool `json:"sensitive,omitempty"`
	// ShareBase, when set, is the code of the column whose cell in the same
	// row is the denominator of this column's shares (the foreign-born share
	// of each kind of staff); empty means the column's total.
	ShareBase string `json:"shareBase,omitempty"`
}

// Table is one table of the report: rows of a classification (a code list)
// by one or more columns, with a total row.
type Table struct {
	// ID is stable across years, e.g. "bodies.legal_form",
	// "section_i_projects.funds".
	ID    string       `json:"id"`
	Part  Part         `json:"part"`
	Title problem.Text `json:"title"`
	// Unit is what the total row counts, and every row without a Unit of
	// its own.
	Unit Unit `json:"unit" jsonschema:"enum=bodies,enum=projects,enum=persons,enum=places,enum=euro_cents"`
	// Multi is true when a unit may fall in several rows (multiple answers):
	// the rows then add up to more than the total, and their shares to more
	// than 1 (each share stays at most 1).
	Multi   bool     `json:"multi,omitempty"`
	Columns []Column `json:"columns"`
	Rows    []Row    `json:"rows"`
	// Total is the number of units (or the sum, for amounts) per column;
	// the denominator of the shares.
	Total Row `json:"total"`
}

// Row is one row of a table.
type Row struct {
	// Code is the code-list code of the row ("total" for the total row).
	Code  string       `json:"code"`
	Label problem.Text `json:"label"`
	// Unit, when set, is what this row counts, unlike the table's total
	// (people reached by the bodies of the total, say): its cells have a
	// Mean per unit of the total, never a Share.
	Unit Unit `json:"unit,omitempty" jsonschema:"enum=bodies,enum=projects,enum=persons,enum=places,enum=euro_cents"`
	// Cells has one cell per column of the table.
	Cells []Cell `json:"cells"`
}

// Cell is one published figure.
type Cell struct {
	// Value is the count or amount; absent when suppressed or not
	// collected.
	Value *int64 `json:"value,omitempty"`
	// Suppressed is true when disclosure control hid the value.
	Suppressed bool `json:"suppressed,omitempty"`
	// NotCollected is true when the questionnaire does not ask for this
	// figure (the foreign-born among cultural mediators): absent, not 0.
	NotCollected bool `json:"notCollected,omitempty"`
	// Share is Value over the column's total (or the ShareBase cell),
	// rounded to 4 decimals; absent for the total row, for rows with a Unit
	// of their own, when the total is 0, or when suppressed. It never
	// exceeds 1 on consistent input: a share counts units of the total.
	Share *float64 `json:"share,omitempty"`
	// Mean is Value per unit of the column's total (places per body, say),
	// rounded to 2 decimals, for rows with a Unit of their own; absent when
	// the total is 0 or either is suppressed.
	Mean *float64 `json:"mean,omitempty"`
	// Previous is the same cell in the previous year's report, when given
	// and published there.
	Previous *int64 `json:"previous,omitempty"`
	// Change is (Value-Previous)/Previous, rounded to 4 decimals; absent
	// when either side is missing or Previous is 0.
	Change *float64 `json:"change,omitempty"`
}

// Table returns the table with id.
func (r *Report) Table(id string) (*Table, bool) {
	for i := range r.Tables {
		if r.Tables[i].ID == id {
			return &r.Tables[i], true
		}
	}
	return nil, false
}

// Cell returns the cell of row code rowCode (or "total") and column code
// colCode.
func (t *Table) Cell(rowCode, colCode string) (Cell, bool) {
	c := -1
	for i, col := range t.Columns {
		if col.Code == colCode {
			c = i
		}
	}
	if c < 0 {
		return Cell{}, false
	}
	if rowCode == "total" {
		return t.Total.Cells[c], true
	}
	for _, r := range t.Rows {
		if r.Code == rowCode {
			return r.Cells[c], true
		}
	}
	return Cell{}, false
}

// Compare fills Previous and Change in r from prev, the report of an earlier
// year for the same scope, matching tables by ID, rows and columns by code.
// Cells suppressed in either report get no change. A public report is
// compared only with a public one, so that no unsuppressed figure of the
// previous year reaches it.
func (r *Report) Compare(prev *Report) error {
	if prev == nil {
		return nil
	}
	if prev.Year >= r.Year {
		return fmt.Errorf("%w: previous report is for %d, not before %d", ErrMismatch, prev.Year, r.Year)
	}
	if prev.Scope.Kind != r.Scope.Kind || prev.Scope.Code != r.Scope.Code {
		return fmt.Errorf("%w: previous report covers %s %q, this one %s %q", ErrMismatch, prev.Scope.Kind, prev.Scope.Code, r.Scope.Kind, r.Scope.Code)
	}
	if r.Public && !prev.Public {
		return fmt.Errorf("%w: a public report can only be compared with a public one (the previous report is not suppressed)", ErrMismatch)
	}
	r.PreviousYear = prev.Year
	for ti := range r.Tables {
		t := &r.Tables[ti]
		pt, ok := prev.Table(t.ID)
		if !ok {
			continue
		}
		apply := func(row *Row) {
			for ci := range row.Cells {
				pc, ok := pt.Cell(row.Code, t.Columns[ci].Code)
				if !ok || pc.Value == nil {
					continue
				}
				c := &row.Cells[ci]
				p := *pc.Value
				c.Previous = &p
				if c.Value != nil && p != 0 {
					ch := round4(float64(*c.Value-p) / float64(p))
					c.Change = &ch
				}
			}
		}
		for i := range t.Rows {
			apply(&t.Rows[i])
		}
		apply(&t.Total)
	}
	return nil
}
