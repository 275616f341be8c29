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
	// The project's pointers are built only when a rule reads a bad value
	// or reports a problem: a valid project allocates nothing here.
	var baseStr string
	base := func() string {
		if baseStr == "" {
			baseStr = problem.Pointer("projects", problem.Index(i))
		}
		return baseStr
	}
	at := func(toks ...string) string { return problem.Join(base(), toks...) }
	clean := func(tok string) bool { return len(c.bad) == 0 || c.clean(at(tok)) }

	if clean("section") && c.clean("/sections") && p.Section != "" && !contains(doc.Sections, p.Section) {
		c.add(at("section"), "enum", CodeProjectSection, map[string]any{"allowedValues": doc.Sections},
			fmt.Sprintf("il progetto è della Sezione %s, che il documento non dichiara", p.Section),
			fmt.Sprintf("the project belongs to Section %s, which the document does not declare", p.Section))
	}
	start, okS := parseDate(p.StartDate)
	var end time.Time
	okE := false
	if p.EndDate != "" { // an ongoing project: no time.Parse error to build
		end, okE = parseDate(p.EndDate)
	}
	hasEnd := p.EndDate != "" && okE
	if clean("startDate") && okS && clean("endDate") && (p.EndDate == "" || hasEnd) {
		if hasEnd && end.Before(start) {
			c.add(at("endDate"), "dateOrder", CodeEndBeforeStart, map[string]any{"startDate": p.StartDate},
				fmt.Sprintf("la data di fine non può precedere quella di inizio (%s)", p.StartDate),
				fmt.Sprintf("must not be before the start date (%s)", p.StartDate))
		}
		y := c.def.Year
		first := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
		if start.After(last) || (hasEnd && end.Before(first)) {
			c.add(base(), "dateRange", CodeOutsideYear, map[string]any{"year": y},
				fmt.Sprintf("il progetto deve svolgersi almeno in parte nell'anno di riferimento %d", y),
				fmt.Sprintf("the project must run at least in part in reporting year %d", y))
		}
	}

	if clean("funds") {
		var sum int64
		for _, a := range p.Funds.BySource {
			sum += a.AmountCents
		}
		repeats(p.Funds.BySource, func(x *FundAmount) string { return x.Source }, func(j int) {
			c.dup(at("funds", "bySource", problem.Index(j), "source"), p.Funds.BySource[j].Source)
		})
		if sum != p.Funds.TotalCents {
			c.add(at("funds"), "sum", CodeFundsSum, map[string]any{"total": p.Funds.TotalCents, "sum": sum},
				fmt.Sprintf("la somma dei fondi per fonte (%d centesimi) deve essere pari al totale dichiarato (%d centesimi)", sum, p.Funds.TotalCents),
				fmt.Sprintf("funds by source add up to %d cents, not the declared total of %d cents", sum, p.Funds.TotalCents))
		}
	}

	b := &p.Beneficiaries
	if clean("beneficiaries") {
		breakdown(c, b.BySex, b.Total, "bySex", "sex", at, func(x *SexCount) (string, int) { return x.Sex, x.Count })
		minorsBand := -1
		for _, x := range b.ByAgeBand {
			if x.AgeBand == "0_17" {
				minorsBand = x.Count
			}
		}
		breakdown(c, b.ByAgeBand, b.Total, "byAgeBand", "ageBand", at, func(x *AgeBandCount) (string, int) { return x.AgeBand, x.Count })
		breakdown(c, b.ByCitizenship, b.Total, "byCitizenship", "area", at, func(x *CitizenshipCount) (string, int) { return x.Area, x.Count })
		if b.UnaccompaniedMinors > b.Total {
			c.add(at("beneficiaries", "unaccompaniedMinors"), "maximum", CodeMinorsExceedTotal,
				map[string]any{"comparison": "<=", "limit": b.Total},
				fmt.Sprintf("i minori non accompagnati (%d) non possono superare il totale dei beneficiari (%d)", b.UnaccompaniedMinors, b.Total),
				fmt.Sprintf("unaccompanied minors (%d) must not exceed the total of beneficiaries (%d)", b.UnaccompaniedMinors, b.Total))
		} else if minorsBand >= 0 && b.UnaccompaniedMinors > minorsBand {
			c.add(at("beneficiaries", "unaccompaniedMinors"), "maximum", CodeMinorsExceedAgeBand,
				map[string]any{"comparison": "<=", "limit": minorsBand},
				fmt.Sprintf("i minori non accompagnati (%d) non possono superare i beneficiari di 0–17 anni (%d)", b.UnaccompaniedMinors, minorsBand),
				fmt.Sprintf("unaccompanied minors (%d) must not exceed the beneficiaries aged 0-17 (%d)", b.UnaccompaniedMinors, minorsBand))
		}
		if b.UkrainianCitizens > b.Total {
			c.add(at("beneficiaries", "ukrainianCitizens"), "maximum", CodeUkrainiansExceedTotal,
				map[string]any{"comparison": "<=", "limit": b.Total},
				fmt.Sprintf("i cittadini ucraini (%d) non possono superare il totale dei beneficiari (%d)", b.UkrainianCitizens, b.Total),
				fmt.Sprintf("Ukrainian citizens (%d) must not exceed the total of beneficiaries (%d)", b.UkrainianCitizens, b.Total))
		}
	}

	if clean("humanResources") {
		staff := 0
		repeats(p.HumanResources.ByKind, func(x *StaffCount) string { return x.Kind }, func(j int) {
			c.dup(at("humanResources", "byKind", problem.Index(j), "kind"), p.HumanResources.ByKind[j].Kind)
		})
		for j := range p.HumanResources.ByKind {
			s := &p.HumanResources.ByKind[j]
			staff += s.Count
			if s.ForeignBorn > s.Count {
				c.add(at("humanResources", "byKind", problem.Index(j), "foreignBorn"), "maximum", CodeForeignBornExceed,
					map[string]any{"comparison": "<=", "limit": s.Count},
					fmt.Sprintf("le persone nate all'estero (%d) non possono superare il numero (%d)", s.ForeignBorn, s.Count),
					fmt.Sprintf("foreign-born people (%d) must not exceed the count (%d)", s.ForeignBorn, s.Count))
			}
		}
		if m := p.HumanResources.CulturalMediators; m > staff {
			c.add(at("humanResources", "culturalMediators"), "maximum", CodeMediatorsExceedStaff,
				map[string]any{"comparison": "<=", "limit": staff},
				fmt.Sprintf("i mediatori culturali (%d) non possono superare le persone impiegate (%d)", m, staff),
				fmt.Sprintf("cultural mediators (%d) must not exceed the people employed (%d)", m, staff))
		}
	}
}

// breakdown checks one breakdown of a project's beneficiaries (items, each
// a code and a count): every repeated code, then whether the counts add up
// to total. An empty breakdown is not checked.
func breakdown[T any](c *crossCheck, items []T, total int, name, field string, at func(...string) string, get func(*T) (string, int)) {
	if len(items) == 0 {
		return
	}
	sum := 0
	for j := range items {
		_, n := get(&items[j])
		sum += n
	}
	repeats(items, func(x *T) string { k, _ := get(x); return k }, func(j int) {
		code, _ := get(&items[j])
		c.dup(at("beneficiaries", name, problem.Index(j), field), code)
	})
	if sum != total {
		c.add(at("beneficiaries", name), "sum", CodeBreakdownSum, map[string]any{"total": total, "sum": sum},
			fmt.Sprintf("la ripartizione somma a %d, ma il totale dei beneficiari è %d", sum, total),
			fmt.Sprintf("the breakdown adds up to %d, but the total of beneficiaries is %d", sum, total))
	}
}

// repeats calls report, in order, with the index of every item whose code
// (key) is the code of an earlier item. Short arrays (the keyed arrays'
// schemas allow at most 11 items) are compared pairwise without allocating;
// longer ones through a map, so that the cost stays linear.
func repeats[T any](items []T, key func(*T) string, report func(j int)) {
	if len(items) <= 32 {
		for j := 1; j < len(items); j++ {
			k := key(&items[j])
			for i := range j {
				if key(&items[i]) == k {
					report(j)
					break
				}
			}
		}
		return
	}
	seen := make(map[string]bool, len(items))
	for j := range items {
		k := key(&items[j])
		if seen[k] {
			report(j)
		}
		seen[k] = true
	}
}

func (c *crossCheck) sectionII(b *SectionIIProgramme) {
	repeats(b.VictimsByExploitation, func(x *VictimCount) string { return x.Form }, func(j int) {
		c.dup(problem.Pointer("sectionII", "victimsByExploitation", problem.Index(j), "form"), b.VictimsByExploitation[j].Form)
	})
	if b.PermitsObtained > b.PermitsRequested {
		c.add("/sectionII/permitsObtained", "maximum", CodePermitsExceed,
			map[string]any{"comparison": "<=", "limit": b.PermitsRequested},
			fmt.Sprintf("i permessi ottenuti (%d) non possono superare quelli richiesti (%d)", b.PermitsObtained, b.PermitsRequested),
			fmt.Sprintf("permits obtained (%d) must not exceed permits requested (%d)", b.PermitsObtained, b.PermitsRequested))
	}
	if li := b.LabourInclusion; li != nil {
		repeats(li.Outcomes, func(x *OutcomeCount) string { return x.Outcome }, func(j int) {
			c.dup(problem.Pointer("sectionII", "labourInclusion", "outcomes", problem.Index(j), "outcome"), li.Outcomes[j].Outcome)
		})
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
