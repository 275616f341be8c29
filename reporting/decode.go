package reporting

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/schemas/problem"
)

// ErrSyntax is wrapped by DecodeDocument for input that is not JSON or whose
// fields the report reads have the wrong type. Its kind is problem.KindInvalid.
var ErrSyntax = problem.NewError(problem.KindInvalid, "reporting: malformed questionnaire JSON")

// DecodeDocument decodes the JSON of a questionnaire into doc, filling only
// the fields the report reads (the sections, the body's classifications,
// each project's section, end date, classifications, partners' count,
// funds, beneficiaries and human resources, the Section II programme and
// the Ukrainian focus). It is several times faster than encoding/json for
// the aggregation's needs and agrees with it on every field it fills: keys
// match case-insensitively, null leaves a value unchanged, a repeated key
// decodes over the earlier one. Values of the other fields are checked for
// JSON syntax only. It is meant for documents already validated at filing
// (package questionnaire does the validation).
func DecodeDocument(data []byte, doc *questionnaire.Document) error {
	d := jdec{b: data}
	d.ws()
	d.document(doc)
	d.ws()
	if d.err == nil && d.i < len(d.b) {
		d.fail("data after the document")
	}
	return d.err
}

type jdec struct {
	b     []byte
	i     int
	err   error
	depth int
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

func (d *jdec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d: %s", ErrSyntax, d.i, fmt.Sprintf(format, args...))
	}
	d.i = len(d.b)
}

func (d *jdec) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jdec) peek() byte {
	d.ws()
	if d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

// null consumes a null literal if there is one.
func (d *jdec) null() bool {
	if d.peek() == 'n' {
		d.literal("null")
		return true
	}
	return false
}

func (d *jdec) literal(s string) {
	if len(d.b)-d.i < len(s) || string(d.b[d.i:d.i+len(s)]) != s {
		d.fail("invalid literal")
		return
	}
	d.i += len(s)
}

// object calls field for each key of an object (the value follows).
func (d *jdec) object(field func(key string)) {
	if d.null() {
		return
	}
	if d.peek() != '{' {
		d.fail("expected an object")
		return
	}
	if d.depth++; d.depth > maxDepth {
		d.fail("exceeded max depth")
		return
	}
	defer func() { d.depth-- }()
	d.i++
	if d.peek() == '}' {
		d.i++
		return
	}
	for d.err == nil {
		if d.peek() != '"' {
			d.fail("expected a key")
			return
		}
		k := d.rawString()
		if d.peek() != ':' {
			d.fail("expected ':'")
			return
		}
		d.i++
		d.ws()
		field(k)
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return
		default:
			d.fail("expected ',' or '}'")
		}
	}
}

// array calls elem for each element of an array; it reports whether the
// value was an array (false for null).
func (d *jdec) array(elem func()) bool {
	if d.null() {
		return false
	}
	if d.peek() != '[' {
		d.fail("expected an array")
		return false
	}
	if d.depth++; d.depth > maxDepth {
		d.fail("exceeded max depth")
		return false
	}
	defer func() { d.depth-- }()
	d.i++
	if d.peek() == ']' {
		d.i++
		return true
	}
	for d.err == nil {
		d.ws()
		elem()
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			d.fail("expected ',' or ']'")
		}
	}
	return true
}

// rawString reads a string (the cursor on its quote), unescaping it.
func (d *jdec) rawString() string {
	d.i++ // opening quote
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if v, ok := interned()[string(s)]; ok {
				return v
			}
			return validUTF8(s)
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			d.fail("control character in string")
			return ""
		}
		d.i++
	}
	d.fail("unterminated string")
	return ""
}

func (d *jdec) escaped(start int) string {
	var sb strings.Builder
	sb.Write(d.b[start:d.i])
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return validUTF8([]byte(sb.String()))
		case c < 0x20:
			d.fail("control character in string")
			return ""
		case c != '\\':
			sb.WriteByte(c)
			d.i++
			continue
		}
		d.i++
		if d.i >= len(d.b) {
			break
		}
		e := d.b[d.i]
		d.i++
		switch e {
		case '"', '\\', '/':
			sb.WriteByte(e)
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return ""
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					if x, ok := d.hex4(); ok {
						r2 = x
					} else {
						return ""
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						sb.WriteRune(dec)
						continue
					}
					d.i = save
				}
				r = utf8.RuneError
			}
			sb.WriteRune(r)
		default:
			d.fail("invalid escape")
			return ""
		}
	}
	d.fail("unterminated string")
	return ""
}

// validUTF8 returns s as a string with each invalid byte replaced by
// U+FFFD, as encoding/json does.
func validUTF8(s []byte) string {
	ascii := true
	for _, c := range s {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii || utf8.Valid(s) {
		return string(s)
	}
	var sb strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.Write(s[:n])
		}
		s = s[n:]
	}
	return sb.String()
}

// skipString checks a string without building it.
func (d *jdec) skipString() {
	d.i++
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return
		case c < 0x20:
			d.fail("control character in string")
			return
		case c == '\\':
			d.i++
			if d.i >= len(d.b) {
				break
			}
			switch d.b[d.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i++
			case 'u':
				d.i++
				if _, ok := d.hex4(); !ok {
					return
				}
			default:
				d.fail("invalid escape")
				return
			}
			continue
		}
		d.i++
	}
	d.fail("unterminated string")
}

// interned holds the strings a questionnaire repeats — its JSON keys, the
// codes of the default code lists, the sections and region codes — so that
// decoding them allocates nothing. Built once, never modified. It is an
// allocation cache, not a check: the codes of an operator's replaced lists
// decode the same, they are only not interned.
var interned = sync.OnceValue(func() map[string]string {
	m := map[string]string{"I": "I", "II": "II"}
	for i := 1; i <= 22; i++ {
		c := fmt.Sprintf("%02d", i)
		m[c] = c
	}
	lists := codelist.Default()
	for _, name := range lists.Names() {
		for _, c := range lists.MustList(name).Codes(0) {
			m[c] = c
		}
	}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				m[name] = name
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[questionnaire.Document]())
	return m
})

func (d *jdec) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		d.fail("short \\u escape")
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 32)
	if err != nil {
		d.fail("invalid \\u escape")
		return 0, false
	}
	d.i += 4
	return rune(v), true
}

// str decodes a string field into *p (null leaves it).
func (d *jdec) str(p *string) {
	if d.null() {
		return
	}
	if d.peek() != '"' {
		d.fail("expected a string")
		return
	}
	*p = d.rawString()
}

// number returns the literal of a JSON number, checking its grammar.
func (d *jdec) number() string {
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.b) && d.b[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		d.fail("invalid number")
		return ""
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			d.fail("invalid number")
			return ""
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			d.fail("invalid number")
			return ""
		}
	}
	return string(d.b[start:d.i])
}

// integer decodes an integer field into *p (null leaves it); like
// encoding/json, a fraction, an exponent or an overflow is an error.
func (d *jdec) integer(p *int64) {
	if d.null() {
		return
	}
	c := d.peek()
	if c != '-' && (c < '0' || c > '9') {
		d.fail("expected a number")
		return
	}
	s := d.number()
	if d.err != nil {
		return
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		d.fail("number %s is not an integer", s)
		return
	}
	*p = v
}

func (d *jdec) integerInt(p *int) {
	v := int64(*p)
	d.integer(&v)
	*p = int(v)
}

func (d *jdec) boolean(p *bool) {
	switch d.peek() {
	case 'n':
		d.literal("null")
	case 't':
		d.literal("true")
		*p = true
	case 'f':
		d.literal("false")
		*p = false
	default:
		d.fail("expected a boolean")
	}
}

func (d *jdec) strings(p *[]string) {
	var out []string
	if *p != nil {
		out = (*p)[:0]
	}
	if d.array(func() {
		i := grow(&out)
		d.str(&out[i])
	}) {
		if out == nil {
			out = []string{}
		}
		*p = out
	}
}

// skip consumes any JSON value, checking its syntax.
func (d *jdec) skip() {
	switch c := d.peek(); {
	case c == '{':
		d.object(func(string) { d.skip() })
	case c == '[':
		d.array(d.skip)
	case c == '"':
		d.skipString()
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		d.number()
	default:
		d.fail("unexpected character")
	}
}

// key returns k, or the first of known that equals k case-insensitively
// (encoding/json's rule), or "" when none does.
func key(k string, known ...string) string {
	for _, x := range known {
		if x == k {
			return x
		}
	}
	for _, x := range known {
		if strings.EqualFold(x, k) {
			return x
		}
	}
	return ""
}

func (d *jdec) document(doc *questionnaire.Document) {
	d.object(func(k string) {
		switch key(k, "reportingYear", "sections", "body", "filer", "projects", "sectionII", "ukraineFocus", "branches") {
		case "reportingYear":
			d.integerInt(&doc.ReportingYear)
		case "sections":
			d.strings(&doc.Sections)
		case "body":
			d.body(&doc.Body)
		case "projects":
			d.projects(&doc.Projects)
		case "sectionII":
			if d.null() {
				doc.SectionII = nil
				return
			}
			if doc.SectionII == nil {
				doc.SectionII = new(questionnaire.SectionIIProgramme)
			}
			d.programme(doc.SectionII)
		case "ukraineFocus":
			if d.null() {
				doc.UkraineFocus = nil
				return
			}
			if doc.UkraineFocus == nil {
				doc.UkraineFocus = new(questionnaire.UkraineFocus)
			}
			f := doc.UkraineFocus
			d.object(func(k string) {
				switch key(k, "active", "beneficiaries", "activityTypes") {
				case "active":
					d.boolean(&f.Active)
				case "beneficiaries":
					d.integerInt(&f.Beneficiaries)
				case "activityTypes":
					d.strings(&f.ActivityTypes)
				default:
					d.skip()
				}
			})
		default:
			d.skip()
		}
	})
}

func (d *jdec) body(b *questionnaire.Body) {
	d.object(func(k string) {
		switch key(k, "taxCode", "registerId", "name", "legalForm", "qualifications", "region", "geoScope", "networks", "sectors", "otherRegisters", "legalRepresentative", "difficulties") {
		case "registerId":
			d.str(&b.RegisterID)
		case "legalForm":
			d.str(&b.LegalForm)
		case "qualifications":
			d.strings(&b.Qualifications)
		case "region":
			d.str(&b.Region)
		case "geoScope":
			d.str(&b.GeoScope)
		case "networks":
			list := sliceFrom(b.Networks)
			if d.array(func() {
				i := grow(&list)
				d.object(func(k string) {
					switch key(k, "name", "kind", "level") {
					case "kind":
						d.str(&list[i].Kind)
					case "level":
						d.str(&list[i].Level)
					default:
						d.skip()
					}
				})
			}) {
				b.Networks = nonNil(list)
			}
		case "sectors":
			d.strings(&b.Sectors)
		case "otherRegisters":
			list := sliceFrom(b.OtherRegisters)
			if d.array(func() {
				i := grow(&list)
				d.object(func(k string) {
					if key(k, "register", "runtsSection", "name") == "register" {
						d.str(&list[i].Register)
					} else {
						d.skip()
					}
				})
			}) {
				b.OtherRegisters = nonNil(list)
			}
		case "legalRepresentative":
			r := &b.LegalRepresentative
			d.object(func(k string) {
				switch key(k, "sex", "nationality") {
				case "sex":
					d.str(&r.Sex)
				case "nationality":
					d.str(&r.Nationality)
				default:
					d.skip()
				}
			})
		case "difficulties":
			d.strings(&b.Difficulties)
		default:
			d.skip()
		}
	})
}

// sliceFrom and grow reproduce encoding/json's slice decoding: the slice is
// reset to length 0 and grown element by element, each new element zero
// unless it reuses a previous element's storage within capacity (then it
// decodes over the old value, as encoding/json does).
func sliceFrom[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return s[:0]
}

func grow[T any](s *[]T) int {
	if len(*s) < cap(*s) {
		*s = (*s)[:len(*s)+1]
	} else {
		var zero T
		*s = append(*s, zero)
	}
	return len(*s) - 1
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (d *jdec) projects(p *[]questionnaire.Project) {
	list := sliceFrom(*p)
	if !d.array(func() {
		i := grow(&list)
		d.project(&list[i])
	}) {
		return
	}
	*p = nonNil(list)
}

func (d *jdec) project(p *questionnaire.Project) {
	d.object(func(k string) {
		switch key(k, "title", "section", "startDate", "endDate", "objectives", "activityTypes", "sectors", "portaleAxes", "regions", "provinces", "partners", "results", "funds", "beneficiaries", "humanResources") {
		case "section":
			d.str(&p.Section)
		case "endDate":
			d.str(&p.EndDate)
		case "activityTypes":
			d.strings(&p.ActivityTypes)
		case "sectors":
			d.strings(&p.Sectors)
		case "portaleAxes":
			d.strings(&p.PortaleAxes)
		case "partners":
			// Only their number is reported: each partner is checked and
			// counted, its fields skipped.
			list := sliceFrom(p.Partners)
			if d.array(func() {
				grow(&list)
				if d.peek() != '{' && d.peek() != 'n' {
					d.fail("expected an object")
				}
				d.skip()
			}) {
				p.Partners = nonNil(list)
			}
		case "funds":
			f := &p.Funds
			d.object(func(k string) {
				switch key(k, "totalCents", "bySource") {
				case "totalCents":
					d.integer(&f.TotalCents)
				case "bySource":
					list := sliceFrom(f.BySource)
					if d.array(func() {
						i := grow(&list)
						d.object(func(k string) {
							switch key(k, "source", "amountCents") {
							case "source":
								d.str(&list[i].Source)
							case "amountCents":
								d.integer(&list[i].AmountCents)
							default:
								d.skip()
							}
						})
					}) {
						f.BySource = nonNil(list)
					}
				default:
					d.skip()
				}
			})
		case "beneficiaries":
			d.beneficiaries(&p.Beneficiaries)
		case "humanResources":
			h := &p.HumanResources
			d.object(func(k string) {
				switch key(k, "byKind", "culturalMediators") {
				case "byKind":
					list := sliceFrom(h.ByKind)
					if d.array(func() {
						i := grow(&list)
						d.object(func(k string) {
							switch key(k, "kind", "count", "foreignBorn") {
							case "kind":
								d.str(&list[i].Kind)
							case "count":
								d.integerInt(&list[i].Count)
							case "foreignBorn":
								d.integerInt(&list[i].ForeignBorn)
							default:
								d.skip()
							}
						})
					}) {
						h.ByKind = nonNil(list)
					}
				case "culturalMediators":
					d.integerInt(&h.CulturalMediators)
				default:
					d.skip()
				}
			})
		default:
			d.skip()
		}
	})
}

// counts decodes an array of {codeKey: string, "count": int} objects.
func counts[T any](d *jdec, p *[]T, codeKey string, code func(*T) *string, count func(*T) *int) {
	list := sliceFrom(*p)
	if d.array(func() {
		i := grow(&list)
		d.object(func(k string) {
			switch key(k, codeKey, "count") {
			case codeKey:
				d.str(code(&list[i]))
			case "count":
				d.integerInt(count(&list[i]))
			default:
				d.skip()
			}
		})
	}) {
		*p = nonNil(list)
	}
}

func (d *jdec) beneficiaries(b *questionnaire.Beneficiaries) {
	d.object(func(k string) {
		switch key(k, "total", "bySex", "byAgeBand", "byCitizenship", "unaccompaniedMinors", "ukrainianCitizens") {
		case "total":
			d.integerInt(&b.Total)
		case "bySex":
			counts(d, &b.BySex, "sex", func(x *questionnaire.SexCount) *string { return &x.Sex }, func(x *questionnaire.SexCount) *int { return &x.Count })
		case "byAgeBand":
			counts(d, &b.ByAgeBand, "ageBand", func(x *questionnaire.AgeBandCount) *string { return &x.AgeBand }, func(x *questionnaire.AgeBandCount) *int { return &x.Count })
		case "byCitizenship":
			counts(d, &b.ByCitizenship, "area", func(x *questionnaire.CitizenshipCount) *string { return &x.Area }, func(x *questionnaire.CitizenshipCount) *int { return &x.Count })
		case "unaccompaniedMinors":
			d.integerInt(&b.UnaccompaniedMinors)
		case "ukrainianCitizens":
			d.integerInt(&b.UkrainianCitizens)
		default:
			d.skip()
		}
	})
}

func (d *jdec) programme(pr *questionnaire.SectionIIProgramme) {
	d.object(func(k string) {
		switch key(k, "victimsByExploitation", "phases", "residentialPlaces", "permitsRequested", "permitsObtained", "labourInclusion") {
		case "victimsByExploitation":
			counts(d, &pr.VictimsByExploitation, "form", func(x *questionnaire.VictimCount) *string { return &x.Form }, func(x *questionnaire.VictimCount) *int { return &x.Count })
		case "phases":
			d.strings(&pr.Phases)
		case "residentialPlaces":
			d.integerInt(&pr.ResidentialPlaces)
		case "permitsRequested":
			d.integerInt(&pr.PermitsRequested)
		case "permitsObtained":
			d.integerInt(&pr.PermitsObtained)
		case "labourInclusion":
			if d.null() {
				pr.LabourInclusion = nil
				return
			}
			if pr.LabourInclusion == nil {
				pr.LabourInclusion = new(questionnaire.LabourInclusion)
			}
			li := pr.LabourInclusion
			d.object(func(k string) {
				switch key(k, "peopleInvolved", "outcomes") {
				case "peopleInvolved":
					d.integerInt(&li.PeopleInvolved)
				case "outcomes":
					counts(d, &li.Outcomes, "outcome", func(x *questionnaire.OutcomeCount) *string { return &x.Outcome }, func(x *questionnaire.OutcomeCount) *int { return &x.Count })
				default:
					d.skip()
				}
			})
		default:
			d.skip()
		}
	})
}
