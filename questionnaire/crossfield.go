package questionnaire

import (
	"fmt"
	"strings"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// The stable codes of the rules only the Go pipeline checks (beyond what a
// JSON Schema can express). Codes never change meaning.
const (
	CodeYearMismatch = "year_mismatch"
	// CodeDuplicateSection is no longer reported: a section listed twice,
	// like any repeated code in an array of codes, is the schema's
	// uniqueItems (code unique_items, from the validate tag unique), which
	// the JSON Schema and the Go pipeline check alike.
	//
	// Deprecated: look for code unique_items (schemas.CodeUniqueItems).
	CodeDuplicateSection   = "duplicate_section"
	CodeSectionIIBlock     = "section_ii_block"
	CodeBranchesNotAllowed = "branches_not_allowed"
	CodeProjectSection     = "project_section_not_declared"
	CodeEndBeforeStart     = "end_before_start"
	CodeOutsideYear        = "project_outside_year"
	CodeFundsSum           = "funds_sum_mismatch"
	CodeBreakdownSum       = "breakdown_sum_mismatch"
	// CodeDuplicateCode: the same code twice in a keyed array of objects
	// (funds by source, beneficiaries by sex, age band or citizenship, staff
	// by kind, victims by form of exploitation, labour outcomes). JSON
	// Schema's uniqueItems compares whole objects, so {source, amount} pairs
	// with the same source and different amounts pass it: this rule stays in
	// Go. Arrays of plain codes use the validate tag unique instead.
	CodeDuplicateCode         = "duplicate_code"
	CodeMinorsExceedTotal     = "minors_exceed_total"
	CodeMinorsExceedAgeBand   = "minors_exceed_age_band"
	CodeUkrainiansExceedTotal = "ukrainians_exceed_total"
	CodeForeignBornExceed     = "foreign_born_exceed_count"
	CodeMediatorsExceedStaff  = "mediators_exceed_staff"
	CodePermitsExceed         = "permits_obtained_exceed_requested"
	CodeUkraineInactive       = "ukraine_inactive_with_beneficiaries"
	CodeBodyNotFound          = "body_not_found"
	CodeRegisterIDMismatch    = "register_id_mismatch"
	CodeSectionNotEnrolled    = "section_not_enrolled"
	CodeFilerNotEnabled       = "filer_not_enabled"
	CodeLateFiling            = "late_filing"
	// CodeTaxCodeCheck: a codice fiscale of the right shape fails its check
	// character/digit or office code (finer than the schema's pattern).
	CodeTaxCodeCheck = "tax_code_check"
	// CodeTerritoryUnknown: a territory code of the right shape that names no
	// region, province or comune (finer than the schema's pattern).
	CodeTerritoryUnknown = "territory_unknown"
)

// crossCheck applies the cross-field rules. It skips every rule that reads a
// value at or under a pointer in bad (missing or undecodable), so one error
// is not reported twice in another form.
type crossCheck struct {
	def *Definition
	doc *Document
	bad []string
	// present reports whether the root object holds a property, whatever
	// its value (nil: never).
	present func(name string) bool
	out     problem.List
}

func (c *crossCheck) clean(ptr string) bool {
	for _, b := range c.bad {
		if b == ptr || strings.HasPrefix(b, ptr+"/") || strings.HasPrefix(ptr, b+"/") {
			return false
		}
	}
	return true
}

func (c *crossCheck) add(path, keyword, code string, params map[string]any, it, en string) {
	c.out = append(c.out, problem.New(path, keyword, code, params, it, en))
}

func (c *crossCheck) run() problem.List {
	d, doc := c.def, c.doc
	if c.clean("/reportingYear") && doc.ReportingYear != d.Year {
		p := problem.New("/reportingYear", "const", CodeYearMismatch, map[string]any{"allowedValue": d.Year},
			fmt.Sprintf("l'anno di riferimento è %d, ma il documento è validato per il %d", doc.ReportingYear, d.Year),
			fmt.Sprintf("reporting year is %d, but the document is validated for %d", doc.ReportingYear, d.Year))
		p.SchemaPath = "#/properties/reportingYear/const"
		c.out = append(c.out, p)
	}
	c.conditionals()
	for i := range doc.Projects {
		c.project(i)
	}
	if b := doc.SectionII; b != nil && c.clean("/sectionII") {
		c.sectionII(b)
	}
	if f := doc.UkraineFocus; f != nil && c.clean("/ukraineFocus") && !f.Active && f.Beneficiaries > 0 {
		c.add("/ukraineFocus/beneficiaries", "const", CodeUkraineInactive, map[string]any{"allowedValue": 0},
			"se l'ente non ha svolto attività per cittadini ucraini, i beneficiari devono essere 0",
			"must be 0 when the body did not work for Ukrainian citizens (active is false)")
	}
	return c.out
}

func (c *crossCheck) conditionals() {
	for _, cond := range c.def.Conditionals {
		// The block's condition is the schema's "if", evaluated as JSON
		// Schema does even when a value it reads is invalid: a sections
		// that is not an array, or a geoScope that is not a string, makes
		// it false, and an item of the wrong type matches no section. The
		// decoded document gives exactly that (such values decode empty).
		holds := cond.Holds(c.doc)
		present := c.present != nil && c.present(cond.Property)
		switch {
		case holds && !present && cond.Presence == RequiredExactlyWhen:
			p := problem.Required("", cond.Property)
			p.Code = cond.Code
			p.Messages = problem.Text{
				IT: fmt.Sprintf("manca il blocco %q, obbligatorio per %s", cond.Property, describe(cond, "it")),
				EN: fmt.Sprintf("must have required property '%s' (%s)", cond.Property, describe(cond, "en")),
			}
			p.Message = p.Messages.EN
			p.SchemaPath = "#/allOf/then/required"
			c.out = append(c.out, p)
		case !holds && present:
			c.add("/"+cond.Property, "not", cond.Code, map[string]any{"property": cond.Property},
				fmt.Sprintf("il blocco %q è ammesso solo per %s", cond.Property, describe(cond, "it")),
				fmt.Sprintf("property '%s' is allowed only %s", cond.Property, describe(cond, "en")))
		}
	}
}

func describe(cond Conditional, lang string) string {
	switch cond.Property {
	case "sectionII":
		if lang == "it" {
			return "gli enti iscritti alla Sezione II"
		}
		return "for bodies enrolled in Section II"
	case "branches":
		if lang == "it" {
			return "gli enti nazionali iscritti alla Sezione I"
		}
		return "for national bodies (geoScope national) enrolled in Section I"
	}
	return cond.Property
}

var dateLayout = "2006-01-02"

func (c *crossCheck) project(i int) {
	doc := c.doc
	p := &doc.Projects[i]
	base := problem.Pointer("projects", problem.Index(i))
	at := func(toks ...string) string { return problem.Join(base, toks...) }

	if c.clean(at("section")) && c.clean("/sections") && p.Section != "" && !contains(doc.Sections, p.Section) {
		c.add(at("section"), "enum", CodeProjectSection, map[string]any{"allowedValues": doc.Sections},
			fmt.Sprintf("il progetto è della Sezione %s, che il documento non dichiara", p.Section),
			fmt.Sprintf("the project belongs to Section %s, which the document does not declare", p.Section))
	}
	start, errS := time.Parse(dateLayout, p.StartDate)
	end, errE := time.Parse(dateLayout, p.EndDate)
	hasEnd := p.EndDate != "" && errE == nil
	if c.clean(at("startDate")) && errS == nil && c.clean(at("endDate")) && (p.EndDate == "" || hasEnd) {
		if hasEnd && end.Before(start) {
			c.add(at("endDate"), "dateOrder", CodeEndBeforeStart, map[string]any{"startDate": p.StartDate},
				fmt.Sprintf("la data di fine non può precedere quella di inizio (%s)", p.StartDate),
				fmt.Sprintf("must not be before the start date (%s)", p.StartDate))
		}
		y := c.def.Year
		first := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
		if start.After(last) || (hasEnd && end.Before(first)) {
			c.add(base, "dateRange", CodeOutsideYear, map[string]any{"year": y},
				fmt.Sprintf("il progetto deve svolgersi almeno in parte nell'anno di riferimento %d", y),
				fmt.Sprintf("the project must run at least in part in reporting year %d", y))
		}
	}

	if c.clean(at("funds")) {
		var sum int64
		seen := map[string]bool{}
		for j, a := range p.Funds.BySource {
			sum += a.AmountCents
			if seen[a.Source] {
				c.dup(at("funds", "bySource", problem.Index(j), "source"), a.Source)
			}
			seen[a.Source] = true
		}
		if sum != p.Funds.TotalCents {
			c.add(at("funds"), "sum", CodeFundsSum, map[string]any{"total": p.Funds.TotalCents, "sum": sum},
				fmt.Sprintf("la somma dei fondi per fonte (%d centesimi) deve essere pari al totale dichiarato (%d centesimi)", sum, p.Funds.TotalCents),
				fmt.Sprintf("funds by source add up to %d cents, not the declared total of %d cents", sum, p.Funds.TotalCents))
		}
	}

	b := &p.Beneficiaries
	bb := at("beneficiaries")
	if c.clean(bb) {
		type part struct {
			name   string
			codes  []string
			counts []int
			field  string
		}
		var parts []part
		sx := part{name: "bySex", field: "sex"}
		for _, x := range b.BySex {
			sx.codes, sx.counts = append(sx.codes, x.Sex), append(sx.counts, x.Count)
		}
		ag := part{name: "byAgeBand", field: "ageBand"}
		minorsBand := -1
		for _, x := range b.ByAgeBand {
			ag.codes, ag.counts = append(ag.codes, x.AgeBand), append(ag.counts, x.Count)
			if x.AgeBand == "0_17" {
				minorsBand = x.Count
			}
		}
		ct := part{name: "byCitizenship", field: "area"}
		for _, x := range b.ByCitizenship {
			ct.codes, ct.counts = append(ct.codes, x.Area), append(ct.counts, x.Count)
		}
		parts = append(parts, sx, ag, ct)
		for _, pt := range parts {
			if len(pt.codes) == 0 {
				continue
			}
			sum := 0
			seen := map[string]bool{}
			for j, code := range pt.codes {
				sum += pt.counts[j]
				if seen[code] {
					c.dup(problem.Join(bb, pt.name, problem.Index(j), pt.field), code)
				}
				seen[code] = true
			}
			if sum != b.Total {
				c.add(problem.Join(bb, pt.name), "sum", CodeBreakdownSum, map[string]any{"total": b.Total, "sum": sum},
					fmt.Sprintf("la ripartizione somma a %d, ma il totale dei beneficiari è %d", sum, b.Total),
					fmt.Sprintf("the breakdown adds up to %d, but the total of beneficiaries is %d", sum, b.Total))
			}
		}
		if b.UnaccompaniedMinors > b.Total {
			c.add(problem.Join(bb, "unaccompaniedMinors"), "maximum", CodeMinorsExceedTotal,
				map[string]any{"comparison": "<=", "limit": b.Total},
				fmt.Sprintf("i minori non accompagnati (%d) non possono superare il totale dei beneficiari (%d)", b.UnaccompaniedMinors, b.Total),
				fmt.Sprintf("unaccompanied minors (%d) must not exceed the total of beneficiaries (%d)", b.UnaccompaniedMinors, b.Total))
		} else if minorsBand >= 0 && b.UnaccompaniedMinors > minorsBand {
			c.add(problem.Join(bb, "unaccompaniedMinors"), "maximum", CodeMinorsExceedAgeBand,
				map[string]any{"comparison": "<=", "limit": minorsBand},
				fmt.Sprintf("i minori non accompagnati (%d) non possono superare i beneficiari di 0–17 anni (%d)", b.UnaccompaniedMinors, minorsBand),
				fmt.Sprintf("unaccompanied minors (%d) must not exceed the beneficiaries aged 0-17 (%d)", b.UnaccompaniedMinors, minorsBand))
		}
		if b.UkrainianCitizens > b.Total {
			c.add(problem.Join(bb, "ukrainianCitizens"), "maximum", CodeUkrainiansExceedTotal,
				map[string]any{"comparison": "<=", "limit": b.Total},
				fmt.Sprintf("i cittadini ucraini (%d) non possono superare il totale dei beneficiari (%d)", b.UkrainianCitizens, b.Total),
				fmt.Sprintf("Ukrainian citizens (%d) must not exceed the total of beneficiaries (%d)", b.UkrainianCitizens, b.Total))
		}
	}

	hr := at("humanResources")
	if c.clean(hr) {
		staff := 0
		seen := map[string]bool{}
		for j, s := range p.HumanResources.ByKind {
			staff += s.Count
			if seen[s.Kind] {
				c.dup(problem.Join(hr, "byKind", problem.Index(j), "kind"), s.Kind)
			}
			seen[s.Kind] = true
			if s.ForeignBorn > s.Count {
				c.add(problem.Join(hr, "byKind", problem.Index(j), "foreignBorn"), "maximum", CodeForeignBornExceed,
					map[string]any{"comparison": "<=", "limit": s.Count},
					fmt.Sprintf("le persone nate all'estero (%d) non possono superare il numero (%d)", s.ForeignBorn, s.Count),
					fmt.Sprintf("foreign-born people (%d) must not exceed the count (%d)", s.ForeignBorn, s.Count))
			}
		}
		if m := p.HumanResources.CulturalMediators; m > staff {
			c.add(problem.Join(hr, "culturalMediators"), "maximum", CodeMediatorsExceedStaff,
				map[string]any{"comparison": "<=", "limit": staff},
				fmt.Sprintf("i mediatori culturali (%d) non possono superare le persone impiegate (%d)", m, staff),
				fmt.Sprintf("cultural mediators (%d) must not exceed the people employed (%d)", m, staff))
		}
	}
}

func (c *crossCheck) sectionII(b *SectionIIProgramme) {
	seen := map[string]bool{}
	for j, v := range b.VictimsByExploitation {
		if seen[v.Form] {
			c.dup(problem.Pointer("sectionII", "victimsByExploitation", problem.Index(j), "form"), v.Form)
		}
		seen[v.Form] = true
	}
	if b.PermitsObtained > b.PermitsRequested {
		c.add("/sectionII/permitsObtained", "maximum", CodePermitsExceed,
			map[string]any{"comparison": "<=", "limit": b.PermitsRequested},
			fmt.Sprintf("i permessi ottenuti (%d) non possono superare quelli richiesti (%d)", b.PermitsObtained, b.PermitsRequested),
			fmt.Sprintf("permits obtained (%d) must not exceed permits requested (%d)", b.PermitsObtained, b.PermitsRequested))
	}
	if li := b.LabourInclusion; li != nil {
		seen := map[string]bool{}
		for j, o := range li.Outcomes {
			if seen[o.Outcome] {
				c.dup(problem.Pointer("sectionII", "labourInclusion", "outcomes", problem.Index(j), "outcome"), o.Outcome)
			}
			seen[o.Outcome] = true
		}
	}
}

func (c *crossCheck) dup(path, code string) {
	c.add(path, "uniqueItems", CodeDuplicateCode, map[string]any{"value": code},
		fmt.Sprintf("il codice %q compare più di una volta", code),
		fmt.Sprintf("code '%s' appears more than once", code))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
