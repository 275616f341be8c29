package reporting

import (
	"fmt"

	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas/problem"
)

// rowDef is one row of a table definition.
type rowDef struct {
	code  string
	label problem.Text
	// partition is true for the rows that split the total (a unit falls in
	// exactly one of them): they and the total form a line a reader can
	// solve, which disclosure control must respect.
	partition bool
	// within is true for the rows of a multiple-answer table that count
	// units of the total at most once each (row ≤ total), another relation
	// disclosure control respects.
	within    bool
	sensitive bool
	// unit, when set, is what the row counts, unlike the table's total.
	unit Unit
	// notCollected lists the codes of the columns the questionnaire does
	// not ask for in this row.
	notCollected []string
}

// tableDef is the shape of one table: rows × columns, plus a total row,
// stored in the aggregate's flat cell vector from offset off.
type tableDef struct {
	id       string
	part     Part
	title    problem.Text
	unit     Unit
	multi    bool
	rows     []rowDef
	cols     []Column
	total    problem.Text
	totalKey string // tables whose totals count the same units share a key
	rowIndex map[string]int
	off      int
}

func (t *tableDef) size() int { return (len(t.rows) + 1) * len(t.cols) }

// cell returns the index in the cell vector of row r (len(rows) = total), column c.
func (t *tableDef) cell(r, c int) int { return t.off + r*len(t.cols) + c }

// layout is the fixed list of tables for one reporting year and scope. It is
// immutable after newLayout and shared by every aggregator of a run.
type layout struct {
	year    int
	yearEnd string // "YYYY-12-31"
	scope   Scope
	regions map[string]bool // regions in scope
	tables  []*tableDef
	byID    map[string]*tableDef
	n       int
	lists   *codelist.Set
	terr    *territory.Territory
	// Tables used by the extractor, resolved once.
	bSection, bLegalForm, bQualification, bRegion, bMacroArea, bGeoScope,
	bNetworkKind, bNetworkLevel, bSector, bPartnership, bOtherRegister,
	bRepSex, bRepNationality, bDifficulty *tableDef
	proj                                             [2]projTables // by section index 0 (I), 1 (II)
	progVictims, progPhases, progFigures, progLabour *tableDef
	ukSummary, ukActivity                            *tableDef
}

type projTables struct {
	count, activity, sector, axis, funds, sex, age, citizenship, focus, hr *tableDef
}

var (
	colsSections = func() []Column {
		return []Column{
			{Code: "section_i", Label: label("col.section_i")},
			{Code: "section_ii", Label: label("col.section_ii"), Sensitive: true},
		}
	}
)

func (l *layout) add(t *tableDef) *tableDef {
	t.rowIndex = make(map[string]int, len(t.rows))
	for i, r := range t.rows {
		t.rowIndex[r.code] = i
	}
	t.off = l.n
	l.n += t.size()
	l.tables = append(l.tables, t)
	l.byID[t.id] = t
	return t
}

// codeRows returns one partition row per code of list valid in year.
func (l *layout) codeRows(list string, partition bool, extra ...string) []rowDef {
	var rows []rowDef
	for _, it := range l.lists.MustList(list).In(l.year) {
		rows = append(rows, rowDef{code: it.Code, label: it.Label, partition: partition})
	}
	for _, e := range extra {
		rows = append(rows, rowDef{code: e, label: label("row." + e), partition: partition})
	}
	return rows
}

// newLayout builds the tables of reporting year year for scope.
func newLayout(year int, scope Scope, lists *codelist.Set, terr *territory.Territory) (*layout, error) {
	if year < 2019 || year > 2100 {
		return nil, fmt.Errorf("%w: %d (the register's reports start with 2019)", ErrYear, year)
	}
	l := &layout{year: year, yearEnd: fmt.Sprintf("%04d-12-31", year), scope: scope, lists: lists, terr: terr, byID: map[string]*tableDef{}, regions: map[string]bool{}}
	var regionRows, areaRows []rowDef
	areaSeen := map[territory.MacroArea]bool{}
	for _, r := range terr.Regions() {
		switch scope.Kind {
		case ScopeRegion:
			if r.Code != scope.Code {
				continue
			}
		case ScopeMacroArea:
			if string(r.MacroArea) != scope.Code {
				continue
			}
		}
		l.regions[r.Code] = true
		regionRows = append(regionRows, rowDef{code: r.Code, label: problem.Text{IT: r.Name, EN: r.Name}, partition: true})
		areaSeen[r.MacroArea] = true
	}
	for _, m := range territory.MacroAreas() {
		if areaSeen[m] {
			areaRows = append(areaRows, rowDef{code: string(m), label: problem.Text{IT: m.Name("it"), EN: m.Name("en")}, partition: true})
		}
	}
	title := func(list string) problem.Text { return l.lists.MustList(list).Title() }
	body := func(id string, t problem.Text, rows []rowDef, multi bool) *tableDef {
		return l.add(&tableDef{id: "bodies." + id, part: PartBodies, title: t, unit: UnitBodies, multi: multi,
			rows: rows, cols: colsSections(), total: label("total.bodies"), totalKey: "bodies"})
	}

	// Part 1.
	l.bSection = l.add(&tableDef{id: "bodies.section", part: PartBodies, title: problem.Text{IT: "Enti per sezione", EN: "Bodies by section"},
		unit: UnitBodies, multi: true, cols: []Column{{Code: "bodies", Label: label("col.bodies")}},
		rows: []rowDef{
			{code: "section_i", label: label("row.section_i")},
			{code: "section_ii", label: label("row.section_ii"), sensitive: true},
			{code: "both", label: label("row.both"), sensitive: true},
		}, total: label("total.bodies_distinct"), totalKey: "bodies_distinct"})
	l.bLegalForm = body("legal_form", title(codelist.LegalForm), l.codeRows(codelist.LegalForm, true), false)
	l.bQualification = body("qualification", title(codelist.Qualification), l.codeRows(codelist.Qualification, false, "none"), true)
	l.bRegion = body("region", problem.Text{IT: "Regione della sede legale", EN: "Region of the legal seat"}, regionRows, false)
	l.bMacroArea = body("macro_area", problem.Text{IT: "Ripartizione geografica", EN: "Macro-area"}, areaRows, false)
	l.bGeoScope = body("geo_scope", title(codelist.GeoScope), l.codeRows(codelist.GeoScope, true), false)
	l.bNetworkKind = body("network_kind", problem.Text{IT: "Adesione a reti, per tipo", EN: "Network membership, by kind"}, l.codeRows(codelist.NetworkKind, false, "none"), true)
	l.bNetworkLevel = body("network_level", problem.Text{IT: "Adesione a reti, per livello", EN: "Network membership, by level"}, l.codeRows(codelist.NetworkLevel, false), true)
	l.bSector = body("sector", problem.Text{IT: "Settori prevalenti di attività", EN: "Prevalent sectors of activity"}, l.codeRows(codelist.Sector, false), true)
	l.bPartnership = body("partnership", problem.Text{IT: "Progetti in partenariato", EN: "Working in partnership on projects"},
		[]rowDef{{code: "with_partners", label: label("row.with_partners"), partition: true}, {code: "without_partners", label: label("row.without_partners"), partition: true}}, false)
	l.bOtherRegister = body("other_register", problem.Text{IT: "Iscrizione ad altri registri", EN: "Other registers"}, l.codeRows(codelist.OtherRegister, false, "none"), true)
	l.bRepSex = body("legal_rep_sex", problem.Text{IT: "Rappresentanti legali per sesso", EN: "Legal representatives by sex"}, l.codeRows(codelist.Sex, true), false)
	l.bRepNationality = body("legal_rep_nationality", problem.Text{IT: "Rappresentanti legali per cittadinanza", EN: "Legal representatives by nationality"}, l.codeRows(codelist.NationalityClass, true), false)
	if year >= 2024 {
		l.bDifficulty = body("difficulty", problem.Text{IT: "Criticità incontrate", EN: "Difficulties met"}, l.codeRows(codelist.Difficulty, false, "none"), true)
	}

	// Parts 2 and 3.
	for si, part := range []Part{PartSectionI, PartSectionII} {
		sens := si == 1
		val := func() []Column { return []Column{{Code: "value", Label: label("col.value"), Sensitive: sens}} }
		pre := string(part) + "."
		key := string(part) + "."
		mk := func(id string, t problem.Text, unit Unit, rows []rowDef, multi bool, total, tkey string, cols []Column) *tableDef {
			if sens {
				for i := range rows {
					rows[i].sensitive = true
				}
			}
			return l.add(&tableDef{id: pre + id, part: part, title: t, unit: unit, multi: multi, rows: rows, cols: cols, total: label(total), totalKey: key + tkey})
		}
		pt := &l.proj[si]
		pt.count = mk("projects", problem.Text{IT: "Progetti", EN: "Projects"}, UnitProjects,
			[]rowDef{{code: "with_partners", label: label("row.with_partners")}, {code: "ongoing", label: label("row.ongoing")}, {code: "with_ukrainians", label: label("row.with_ukrainians")}},
			true, "total.projects", "projects", val())
		pt.activity = mk("activity_type", problem.Text{IT: "Progetti per tipo di attività", EN: "Projects by activity type"}, UnitProjects, l.codeRows(codelist.ActivityType, false), true, "total.projects", "projects", val())
		pt.sector = mk("sector", problem.Text{IT: "Progetti per settore", EN: "Projects by sector"}, UnitProjects, l.codeRows(codelist.Sector, false), true, "total.projects", "projects", val())
		pt.axis = mk("portale_axis", problem.Text{IT: "Progetti per asse del Portale Integrazione Migranti", EN: "Projects by Portale Integrazione Migranti axis"}, UnitProjects, l.codeRows(codelist.PortaleAxis, false), true, "total.projects", "projects", val())
		pt.funds = mk("funds", problem.Text{IT: "Fondi per fonte", EN: "Funds by source"}, UnitEuroCents, l.codeRows(codelist.FundSource, true, "not_stated"), false, "total.funds", "funds", val())
		pt.sex = mk("beneficiaries_sex", problem.Text{IT: "Beneficiari per sesso", EN: "Beneficiaries by sex"}, UnitPersons, l.codeRows(codelist.Sex, true, "not_stated"), false, "total.beneficiaries", "beneficiaries", val())
		pt.age = mk("beneficiaries_age", problem.Text{IT: "Beneficiari per classe di età", EN: "Beneficiaries by age band"}, UnitPersons, l.codeRows(codelist.AgeBand, true, "not_stated"), false, "total.beneficiaries", "beneficiaries", val())
		pt.citizenship = mk("beneficiaries_citizenship", problem.Text{IT: "Beneficiari per area di cittadinanza", EN: "Beneficiaries by citizenship area"}, UnitPersons, l.codeRows(codelist.CitizenshipArea, true, "not_stated"), false, "total.beneficiaries", "beneficiaries", val())
		focus := []rowDef{{code: "minors", label: label("row.minors")}, {code: "unaccompanied_minors", label: label("row.unaccompanied_minors")}}
		if year >= 2022 {
			focus = append(focus, rowDef{code: "ukrainian", label: label("row.ukrainian")})
		}
		pt.focus = mk("beneficiaries_focus", problem.Text{IT: "Beneficiari: minori e cittadini ucraini", EN: "Beneficiaries: minors and Ukrainian citizens"}, UnitPersons, focus, true, "total.beneficiaries", "beneficiaries", val())
		hrRows := append(l.codeRows(codelist.HRKind, true), rowDef{code: "cultural_mediators", label: label("row.cultural_mediators"),
			notCollected: []string{"foreign_born"}}) // the questionnaire asks how many, not where they were born
		pt.hr = mk("human_resources", problem.Text{IT: "Risorse umane per tipo di rapporto", EN: "Human resources by kind"}, UnitPersons, hrRows, true, "total.persons", "hr",
			[]Column{{Code: "persons", Label: label("col.persons"), Sensitive: sens}, {Code: "foreign_born", Label: label("col.foreign_born"), Sensitive: sens}})
		// The foreign-born share is of the people in the same row.
		pt.hr.cols[1].ShareBase = "persons"
	}
	sensRows := func(rows []rowDef) []rowDef {
		for i := range rows {
			rows[i].sensitive = true
		}
		return rows
	}
	val := []Column{{Code: "value", Label: label("col.value"), Sensitive: true}}
	p3 := string(PartSectionII) + "."
	l.progVictims = l.add(&tableDef{id: p3 + "programme_victims", part: PartSectionII, title: problem.Text{IT: "Vittime prese in carico per forma di sfruttamento", EN: "Victims taken in charge by form of exploitation"},
		unit: UnitPersons, rows: sensRows(l.codeRows(codelist.ExploitationForm, true)), cols: val, total: label("total.victims"), totalKey: p3 + "victims"})
	l.progPhases = l.add(&tableDef{id: p3 + "programme_phases", part: PartSectionII, title: problem.Text{IT: "Enti per fase del programma", EN: "Bodies by programme phase"},
		unit: UnitBodies, multi: true, rows: sensRows(l.codeRows(codelist.ProgrammePhase, false)), cols: val, total: label("total.bodies_programme"), totalKey: p3 + "programme_bodies"})
	l.progFigures = l.add(&tableDef{id: p3 + "programme_figures", part: PartSectionII, title: problem.Text{IT: "Accoglienza e permessi art. 18", EN: "Reception and art. 18 permits"},
		unit: UnitBodies, multi: true, rows: sensRows([]rowDef{{code: "residential_places", label: label("row.residential_places"), unit: UnitPlaces}, {code: "permits_requested", label: label("row.permits_requested"), unit: UnitPersons}, {code: "permits_obtained", label: label("row.permits_obtained"), unit: UnitPersons}}),
		cols: val, total: label("total.bodies_programme"), totalKey: p3 + "programme_bodies"})
	if year >= 2024 {
		rows := append([]rowDef{{code: "people_involved", label: label("row.people_involved")}}, l.codeRows(codelist.LabourOutcome, false)...)
		for i := range rows {
			rows[i].unit = UnitPersons
		}
		l.progLabour = l.add(&tableDef{id: p3 + "labour_inclusion", part: PartSectionII, title: problem.Text{IT: "Inclusione socio-lavorativa", EN: "Social and labour inclusion"},
			unit: UnitBodies, multi: true, rows: sensRows(rows), cols: val, total: label("total.bodies_labour"), totalKey: p3 + "labour_bodies"})
	}
	if year >= 2022 {
		pu := string(PartUkraine) + "."
		l.ukSummary = l.add(&tableDef{id: pu + "summary", part: PartUkraine, title: problem.Text{IT: "Attività per cittadini ucraini", EN: "Activities for Ukrainian citizens"},
			unit: UnitBodies, multi: true, cols: colsSections(), total: label("total.bodies"), totalKey: "bodies",
			rows: []rowDef{{code: "bodies_active", label: label("row.bodies_active")}, {code: "focus_beneficiaries", label: label("row.focus_beneficiaries"), unit: UnitPersons},
				{code: "projects_ukrainians", label: label("row.projects_ukrainians"), unit: UnitProjects}, {code: "ukrainians_projects", label: label("row.ukrainians_projects"), unit: UnitPersons}}})
		l.ukActivity = l.add(&tableDef{id: pu + "activity_type", part: PartUkraine, title: problem.Text{IT: "Enti attivi per cittadini ucraini, per tipo di attività", EN: "Bodies active for Ukrainian citizens, by activity type"},
			unit: UnitBodies, multi: true, cols: colsSections(), rows: l.codeRows(codelist.ActivityType, false), total: label("total.bodies_active"), totalKey: pu + "active"})
	}
	for _, t := range l.tables {
		if !t.multi {
			continue
		}
		switch t {
		case l.proj[0].hr, l.proj[1].hr:
			continue // mediators are not a kind of staff
		}
		for i := range t.rows {
			t.rows[i].within = t.rows[i].unit == ""
		}
	}
	return l, nil
}
