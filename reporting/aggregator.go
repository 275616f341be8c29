package reporting

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas/problem"
)

// Options are the optional knobs of an aggregation. The zero value is a
// national, public report with the default code lists and territory.
type Options struct {
	// Region restricts the report to the bodies whose legal seat is in the
	// region with this ISTAT code ("01".."20").
	Region string
	// MacroArea restricts the report to a macro-area (NUTS1 "ITC".."ITG").
	// At most one of Region and MacroArea may be set.
	MacroArea string
	// Threshold is the smallest Section II count published (0: DefaultThreshold).
	Threshold int
	// Lists are the code lists (nil: codelist.Default()).
	Lists *codelist.Set
	// Territory is the territory (nil: territory.Default()).
	Territory *territory.Territory
	// OnePerBody declares that the input holds at most one questionnaire
	// per body (a FilingStore's Year yields only the current ones): the
	// aggregator then keeps no per-body record, and its memory stays flat
	// however many bodies it reads. Left false, a body's resubmission
	// replaces its earlier questionnaire (see AddRevision), at a few
	// hundred bytes per body.
	OnePerBody bool
}

// Aggregator accumulates questionnaires of one reporting year into integer
// counters. Its memory is fixed by the year's tables plus one small record
// per body (what its counted questionnaire added, so that a resubmission
// replaces it), never by the number of questionnaires read; two
// aggregators of the same year and scope merge exactly. The zero value is not usable: call New, or Fork an existing one.
type Aggregator struct {
	l    *layout
	opts Options
	// vals[i] is the value of cell i; contrib[i] is how many questionnaires
	// added a non-zero amount to it.
	vals, contrib []int64
	filings       int64
	outOfScope    int64
	unknown       int64
	superseded    int64
	// bodies holds, per body (tax code, else register ID), the revision
	// counted: one small record per body, so that a later revision of the
	// same body replaces it exactly, in any order.
	bodies map[string]*revision
	// Per-questionnaire scratch, reused: reset after each Add.
	scratch []int64
	touched []int32
	marked  []bool
	enc     []byte
}

// New returns an empty aggregator for reporting year year.
func New(year int, opts Options) (*Aggregator, error) {
	if opts.Lists == nil {
		opts.Lists = codelist.Default()
	}
	if opts.Territory == nil {
		opts.Territory = territory.Default()
	}
	if opts.Threshold <= 0 {
		opts.Threshold = DefaultThreshold
	}
	scope := Scope{Kind: ScopeCountry, Label: label("scope.country")}
	switch {
	case opts.Region != "" && opts.MacroArea != "":
		return nil, fmt.Errorf("%w: give a region or a macro-area, not both", ErrScope)
	case opts.Region != "":
		r, ok := opts.Territory.Region(opts.Region)
		if !ok {
			return nil, fmt.Errorf("%w: region %q (want an ISTAT code 01..20)", ErrScope, opts.Region)
		}
		scope = Scope{Kind: ScopeRegion, Code: r.Code, Label: problem.Text{IT: r.Name, EN: r.Name}}
	case opts.MacroArea != "":
		m, err := territory.ParseMacroArea(opts.MacroArea)
		if err != nil {
			return nil, fmt.Errorf("%w: macro-area %q (want ITC, ITH, ITI, ITF or ITG)", ErrScope, opts.MacroArea)
		}
		scope = Scope{Kind: ScopeMacroArea, Code: string(m), Label: problem.Text{IT: m.Name("it"), EN: m.Name("en")}}
	}
	l, err := newLayout(year, scope, opts.Lists, opts.Territory)
	if err != nil {
		return nil, err
	}
	return newAggregator(l, opts), nil
}

func newAggregator(l *layout, opts Options) *Aggregator {
	return &Aggregator{l: l, opts: opts, vals: make([]int64, l.n), contrib: make([]int64, l.n),
		scratch: make([]int64, l.n), marked: make([]bool, l.n), bodies: map[string]*revision{}}
}

// revision is the questionnaire of one body that an aggregator counts:
// its order (revision number or filing time), a hash of what it adds (to
// break ties the same way whatever the order of the input), whether it is
// in scope, and what it adds: the cells in increasing order, each as the
// varint gap from the previous cell and the varint amount (about 3 bytes a
// cell, a few hundred bytes a body).
type revision struct {
	order   int64
	hash    uint64
	inScope bool
	region  string // the body's region, when in scope
	adds    []byte
}

// newer reports whether r replaces s as the body's counted questionnaire.
func (r *revision) newer(s *revision) bool {
	if r.order != s.order {
		return r.order > s.order
	}
	return r.hash > s.hash
}

// apply adds (sign 1) or removes (sign -1) r's contribution: to the
// tables when r is in a's scope, else to the out-of-scope count.
func (a *Aggregator) apply(r *revision, sign int64) {
	if !r.inScope || !a.l.regions[r.region] {
		a.outOfScope += sign
		return
	}
	a.filings += sign
	i, b := uint64(0), r.adds
	for len(b) > 0 {
		gap, n := binary.Uvarint(b)
		v, m := binary.Varint(b[n:])
		b = b[n+m:]
		i += gap
		a.vals[i] += sign * v
		a.contrib[i] += sign // only non-zero amounts are recorded
	}
}

// keep records r as the questionnaire of body key: it is counted when it
// is the body's first or latest, and what it replaces is taken out.
func (a *Aggregator) keep(key string, r *revision) {
	old, ok := a.bodies[key]
	switch {
	case !ok:
		a.bodies[key] = r
		a.apply(r, 1)
	case r.newer(old):
		a.bodies[key] = r
		a.apply(old, -1)
		a.apply(r, 1)
		a.superseded++
	default:
		a.superseded++
	}
}

// Fork returns an empty aggregator with the same year, scope and options,
// to be filled on another goroutine and merged back.
func (a *Aggregator) Fork() *Aggregator { return newAggregator(a.l, a.opts) }

// Year returns the reporting year.
func (a *Aggregator) Year() int { return a.l.year }

// Filings returns the number of questionnaires counted so far (in scope,
// one per body).
func (a *Aggregator) Filings() int64 { return a.filings }

// Merge adds b's counters into a. Both must have the same year, scope and
// options (Fork guarantees it); b is left unchanged. Merging is exact and
// commutative: any split of the input merged in any order gives the same
// counters.
func (a *Aggregator) Merge(b *Aggregator) error {
	if b.l != a.l && (b.l.year != a.l.year || b.l.scope != a.l.scope || b.l.n != a.l.n) {
		return fmt.Errorf("%w: year %d %s %q vs year %d %s %q", ErrMismatch, a.l.year, a.l.scope.Kind, a.l.scope.Code, b.l.year, b.l.scope.Kind, b.l.scope.Code)
	}
	for i, v := range b.vals {
		a.vals[i] += v
	}
	for i, v := range b.contrib {
		a.contrib[i] += v
	}
	a.filings += b.filings
	a.outOfScope += b.outOfScope
	a.unknown += b.unknown
	a.superseded += b.superseded
	// A body counted on both sides: keep the latest, take out the other.
	for key, r := range b.bodies {
		old, ok := a.bodies[key]
		switch {
		case !ok:
			a.bodies[key] = r
		case r.newer(old):
			a.bodies[key] = r
			a.apply(old, -1)
			a.superseded++
		default:
			a.apply(r, -1)
			a.superseded++
		}
	}
	return nil
}

// put adds v to cell (table t, row code, column c) of the current
// questionnaire. Unknown codes are counted apart.
func (a *Aggregator) put(t *tableDef, code string, c int, v int64) {
	if t == nil || v == 0 {
		return
	}
	r, ok := t.rowIndex[code]
	if !ok {
		a.unknown++
		return
	}
	a.putAt(t.cell(r, c), v)
}

func (a *Aggregator) putTotal(t *tableDef, c int, v int64) {
	if t == nil || v == 0 {
		return
	}
	a.putAt(t.cell(len(t.rows), c), v)
}

func (a *Aggregator) putAt(i int, v int64) {
	a.scratch[i] += v
	if !a.marked[i] {
		a.marked[i] = true
		a.touched = append(a.touched, int32(i))
	}
}

// flush folds the current questionnaire's scratch into the counters.
func (a *Aggregator) flush() {
	for _, i := range a.touched {
		v := a.scratch[i]
		a.vals[i] += v
		if v != 0 {
			a.contrib[i]++
		}
		a.scratch[i] = 0
		a.marked[i] = false
	}
	a.touched = a.touched[:0]
}

// Add counts one questionnaire. A questionnaire of another reporting year,
// or of a body whose legal seat is outside the scope, is counted only in
// OutOfScope. Add does not validate the document (package questionnaire
// does); codes outside the year's code lists are counted in UnknownCodes and
// left out of the tables, and negative numbers are treated as 0. Add is
// AddRevision with order 0: of several questionnaires of the same body, one
// is counted.
func (a *Aggregator) Add(doc *questionnaire.Document) { a.AddRevision(doc, 0) }

// AddRevision counts one questionnaire of a body that may have filed more
// than one for the year (a resubmission): only the one with the highest
// order is counted per body (identified by its tax code, else its
// register ID), and the others in Report.Superseded. order is the revision
// number or the filing time (Unix nanoseconds); questionnaires of equal
// order are told apart by their content, so that the result does not
// depend on the order of the input. A later revision outside the scope
// takes the body out of the scope's counts.
func (a *Aggregator) AddRevision(doc *questionnaire.Document, order int64) {
	if doc == nil || doc.ReportingYear != a.l.year {
		a.outOfScope++
		return
	}
	key := doc.Body.TaxCode
	if key == "" {
		key = doc.Body.RegisterID
	}
	if a.opts.OnePerBody {
		key = ""
	}
	if !a.count(doc) {
		if key == "" {
			a.outOfScope++
			return
		}
		a.keep(key, &revision{order: order})
		return
	}
	if key == "" {
		a.filings++
		a.flush()
		return
	}
	buf, h := a.encode()
	r := &revision{order: order, inScope: true, region: doc.Body.Region, hash: h}
	if old, ok := a.bodies[key]; ok && !r.newer(old) {
		a.superseded++ // an earlier revision: nothing to keep
		return
	}
	r.adds = slices.Clone(buf)
	a.keep(key, r)
}

// encode returns what the current questionnaire adds (the scratch, which
// it resets) as revision.adds, in a buffer reused by the next call, and
// its hash: FNV-1a, never 0 (the hash of an out-of-scope revision).
func (a *Aggregator) encode() ([]byte, uint64) {
	slices.Sort(a.touched)
	buf := a.enc[:0]
	prev := int32(0)
	for _, i := range a.touched {
		v := a.scratch[i]
		a.scratch[i] = 0
		a.marked[i] = false
		if v == 0 {
			continue
		}
		buf = binary.AppendUvarint(buf, uint64(i-prev))
		buf = binary.AppendVarint(buf, v)
		prev = i
	}
	a.touched = a.touched[:0]
	a.enc = buf
	h := uint64(14695981039346656037)
	for _, c := range buf {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return buf, h | 1
}

// count fills the scratch with what doc adds to the tables, and reports
// whether doc is in scope (nothing is added otherwise).
func (a *Aggregator) count(doc *questionnaire.Document) bool {
	if !a.l.regions[doc.Body.Region] {
		return false
	}
	var in [2]bool
	for _, s := range doc.Sections {
		switch s {
		case "I":
			in[0] = true
		case "II":
			in[1] = true
		}
	}
	if !in[0] && !in[1] {
		return false
	}
	l := a.l
	b := &doc.Body

	a.putTotal(l.bSection, 0, 1)
	if in[0] {
		a.put(l.bSection, "section_i", 0, 1)
	}
	if in[1] {
		a.put(l.bSection, "section_ii", 0, 1)
	}
	if in[0] && in[1] {
		a.put(l.bSection, "both", 0, 1)
	}
	partnership := false
	for i := range doc.Projects {
		if len(doc.Projects[i].Partners) > 0 {
			partnership = true
		}
	}
	area := ""
	if r, ok := l.terr.Region(b.Region); ok {
		area = string(r.MacroArea)
	}
	for c := range 2 {
		if !in[c] {
			continue
		}
		for _, t := range []*tableDef{l.bLegalForm, l.bQualification, l.bRegion, l.bMacroArea, l.bGeoScope,
			l.bNetworkKind, l.bNetworkLevel, l.bSector, l.bPartnership, l.bOtherRegister, l.bRepSex, l.bRepNationality, l.bDifficulty} {
			a.putTotal(t, c, 1)
		}
		a.put(l.bLegalForm, b.LegalForm, c, 1)
		for _, q := range uniq(b.Qualifications) {
			a.put(l.bQualification, q, c, 1)
		}
		if len(b.Qualifications) == 0 {
			a.put(l.bQualification, "none", c, 1)
		}
		a.put(l.bRegion, b.Region, c, 1)
		a.put(l.bMacroArea, area, c, 1)
		a.put(l.bGeoScope, b.GeoScope, c, 1)
		var kbuf, lbuf [8]string
		kinds, levels := kbuf[:0], lbuf[:0]
		for _, n := range b.Networks {
			kinds = append(kinds, n.Kind)
			levels = append(levels, n.Level)
		}
		for _, k := range uniq(kinds) {
			a.put(l.bNetworkKind, k, c, 1)
		}
		if len(kinds) == 0 {
			a.put(l.bNetworkKind, "none", c, 1)
		}
		for _, k := range uniq(levels) {
			a.put(l.bNetworkLevel, k, c, 1)
		}
		for _, s := range uniq(b.Sectors) {
			a.put(l.bSector, s, c, 1)
		}
		if partnership {
			a.put(l.bPartnership, "with_partners", c, 1)
		} else {
			a.put(l.bPartnership, "without_partners", c, 1)
		}
		var rbuf [8]string
		regs := rbuf[:0]
		for _, o := range b.OtherRegisters {
			regs = append(regs, o.Register)
		}
		for _, r := range uniq(regs) {
			a.put(l.bOtherRegister, r, c, 1)
		}
		if len(regs) == 0 {
			a.put(l.bOtherRegister, "none", c, 1)
		}
		a.put(l.bRepSex, b.LegalRepresentative.Sex, c, 1)
		a.put(l.bRepNationality, b.LegalRepresentative.Nationality, c, 1)
		if l.bDifficulty != nil {
			for _, d := range uniq(b.Difficulties) {
				a.put(l.bDifficulty, d, c, 1)
			}
			if len(b.Difficulties) == 0 {
				a.put(l.bDifficulty, "none", c, 1)
			}
		}
	}

	// Projects, Parts 2 and 3.
	yearEnd := l.yearEnd
	var ukProjects [2]int64
	var ukPeople [2]int64
	for i := range doc.Projects {
		p := &doc.Projects[i]
		c := 0
		switch p.Section {
		case "I":
		case "II":
			c = 1
		default:
			a.unknown++
			continue
		}
		pt := &l.proj[c]
		for _, t := range []*tableDef{pt.count, pt.activity, pt.sector, pt.axis} {
			a.putTotal(t, 0, 1)
		}
		if len(p.Partners) > 0 {
			a.put(pt.count, "with_partners", 0, 1)
		}
		if p.EndDate == "" || p.EndDate > yearEnd {
			a.put(pt.count, "ongoing", 0, 1)
		}
		uk := nonNeg(int64(p.Beneficiaries.UkrainianCitizens))
		if uk > 0 {
			a.put(pt.count, "with_ukrainians", 0, 1)
			ukProjects[c]++
			ukPeople[c] += uk
		}
		for _, s := range uniq(p.ActivityTypes) {
			a.put(pt.activity, s, 0, 1)
		}
		for _, s := range uniq(p.Sectors) {
			a.put(pt.sector, s, 0, 1)
		}
		for _, s := range uniq(p.PortaleAxes) {
			a.put(pt.axis, s, 0, 1)
		}
		// Funds: the declared total, the sources, and what the sources
		// leave unexplained.
		total := nonNeg(p.Funds.TotalCents)
		a.putTotal(pt.funds, 0, total)
		var sum int64
		for _, f := range p.Funds.BySource {
			v := nonNeg(f.AmountCents)
			sum += v
			a.put(pt.funds, f.Source, 0, v)
		}
		a.put(pt.funds, "not_stated", 0, total-min(sum, total))

		ben := nonNeg(int64(p.Beneficiaries.Total))
		for _, t := range []*tableDef{pt.sex, pt.age, pt.citizenship, pt.focus} {
			a.putTotal(t, 0, ben)
		}
		sum = 0
		for _, x := range p.Beneficiaries.BySex {
			v := nonNeg(int64(x.Count))
			sum += v
			a.put(pt.sex, x.Sex, 0, v)
		}
		a.put(pt.sex, "not_stated", 0, ben-min(sum, ben))
		sum = 0
		var minors int64
		for _, x := range p.Beneficiaries.ByAgeBand {
			v := nonNeg(int64(x.Count))
			sum += v
			a.put(pt.age, x.AgeBand, 0, v)
			if x.AgeBand == "0_17" {
				minors += v
			}
		}
		a.put(pt.age, "not_stated", 0, ben-min(sum, ben))
		sum = 0
		for _, x := range p.Beneficiaries.ByCitizenship {
			v := nonNeg(int64(x.Count))
			sum += v
			a.put(pt.citizenship, x.Area, 0, v)
		}
		a.put(pt.citizenship, "not_stated", 0, ben-min(sum, ben))
		a.put(pt.focus, "minors", 0, minors)
		a.put(pt.focus, "unaccompanied_minors", 0, nonNeg(int64(p.Beneficiaries.UnaccompaniedMinors)))
		if l.year >= 2022 {
			a.put(pt.focus, "ukrainian", 0, uk)
		}
		var staff, foreign int64
		for _, h := range p.HumanResources.ByKind {
			n, f := nonNeg(int64(h.Count)), nonNeg(int64(h.ForeignBorn))
			staff += n
			foreign += f
			a.put(pt.hr, h.Kind, 0, n)
			a.put(pt.hr, h.Kind, 1, f)
		}
		a.putTotal(pt.hr, 0, staff)
		a.putTotal(pt.hr, 1, foreign)
		a.put(pt.hr, "cultural_mediators", 0, nonNeg(int64(p.HumanResources.CulturalMediators)))
	}

	// Section II programme.
	if in[1] && doc.SectionII != nil {
		pr := doc.SectionII
		var victims int64
		for _, v := range pr.VictimsByExploitation {
			n := nonNeg(int64(v.Count))
			victims += n
			a.put(l.progVictims, v.Form, 0, n)
		}
		a.putTotal(l.progVictims, 0, victims)
		a.putTotal(l.progPhases, 0, 1)
		for _, ph := range uniq(pr.Phases) {
			a.put(l.progPhases, ph, 0, 1)
		}
		a.putTotal(l.progFigures, 0, 1)
		a.put(l.progFigures, "residential_places", 0, nonNeg(int64(pr.ResidentialPlaces)))
		a.put(l.progFigures, "permits_requested", 0, nonNeg(int64(pr.PermitsRequested)))
		a.put(l.progFigures, "permits_obtained", 0, nonNeg(int64(pr.PermitsObtained)))
		if l.progLabour != nil && pr.LabourInclusion != nil {
			li := pr.LabourInclusion
			a.putTotal(l.progLabour, 0, 1)
			a.put(l.progLabour, "people_involved", 0, nonNeg(int64(li.PeopleInvolved)))
			for _, o := range li.Outcomes {
				a.put(l.progLabour, o.Outcome, 0, nonNeg(int64(o.Count)))
			}
		}
	}

	// Focus on Ukrainian citizens.
	if l.ukSummary != nil {
		for c := range 2 {
			if !in[c] {
				continue
			}
			a.putTotal(l.ukSummary, c, 1)
			a.put(l.ukSummary, "projects_ukrainians", c, ukProjects[c])
			a.put(l.ukSummary, "ukrainians_projects", c, ukPeople[c])
			if f := doc.UkraineFocus; f != nil && f.Active {
				a.put(l.ukSummary, "bodies_active", c, 1)
				a.put(l.ukSummary, "focus_beneficiaries", c, nonNeg(int64(f.Beneficiaries)))
				a.putTotal(l.ukActivity, c, 1)
				for _, t := range uniq(f.ActivityTypes) {
					a.put(l.ukActivity, t, c, 1)
				}
			}
		}
	}
	return true
}

func nonNeg(v int64) int64 {
	if v < 0 {
		return 0
	}
	return v
}

// uniq returns the distinct values of s in first-seen order; it does not
// allocate when s has no duplicates (the common case).
func uniq(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := 0; j < i; j++ {
			if s[i] == s[j] {
				return uniqSlow(s)
			}
		}
	}
	return s
}

func uniqSlow(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		dup := false
		for _, o := range out {
			if o == v {
				dup = true
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

func round4(f float64) float64 { return math.Round(f*10000) / 10000 }
