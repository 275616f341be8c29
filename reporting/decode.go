package reporting

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

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
// decodes over the earlier one, invalid UTF-8 becomes U+FFFD. Values of the
// other fields are checked for JSON syntax only. It is meant for documents
// already validated at filing (package questionnaire does the validation).
//
// The JSON is read by the streaming tokenizer of
// github.com/go-json-experiment/json/jsontext (the upstream of the
// standard library's encoding/json/jsontext), which checks the syntax,
// unescapes, and bounds the nesting at 10,000 levels as encoding/json does;
// DecodeDocument adds the walk over the fields the report reads.
func DecodeDocument(data []byte, doc *questionnaire.Document) error {
	d := decoders.Get().(*jdec)
	d.src.Reset()
	d.src.Write(data)
	d.dec.Reset(&d.src, decodeOpts...)
	d.err = nil
	d.document(doc)
	if d.err == nil {
		if _, err := d.dec.ReadToken(); err != io.EOF {
			d.fail("data after the document")
		}
	}
	err := d.err
	d.src.Reset()
	if d.src.Cap() <= 1<<20 {
		decoders.Put(d)
	}
	return err
}

// decodeOpts are encoding/json's rules: a repeated key decodes over the
// earlier one, invalid UTF-8 is replaced.
var decodeOpts = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decoders reuses the tokenizers and their buffers.
var decoders = sync.Pool{New: func() any { return &jdec{dec: new(jsontext.Decoder)} }}

// jdec walks a questionnaire's tokens, keeping the first error.
type jdec struct {
	dec *jsontext.Decoder
	src bytes.Buffer // the input: the tokenizer reads it in place
	err error
	buf []byte // unescaping scratch
}

func (d *jdec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d: %s", ErrSyntax, d.dec.InputOffset(), fmt.Sprintf(format, args...))
	}
}

// syntax records an error of the tokenizer (a *jsontext.SyntacticError
// names the offset and the JSON Pointer).
func (d *jdec) syntax(err error) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %v", ErrSyntax, err)
	}
}

// peek returns the kind of the next token ('n', 't', 'f', '"', '0', '{',
// '[', '}' or ']'), or 0 after an error.
func (d *jdec) peek() byte {
	if d.err != nil {
		return 0
	}
	k := d.dec.PeekKind()
	if k == 0 {
		_, err := d.dec.ReadToken()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		d.syntax(err)
	}
	return byte(k)
}

// token consumes the next token (a delimiter or a literal).
func (d *jdec) token() {
	if _, err := d.dec.ReadToken(); err != nil {
		d.syntax(err)
	}
}

// null consumes a null literal if there is one.
func (d *jdec) null() bool {
	if d.peek() == 'n' {
		d.token()
		return true
	}
	return false
}

// object calls field for each key of an object (the value follows).
func (d *jdec) object(field func(key string)) {
	switch d.peek() {
	case 'n':
		d.token()
		return
	case '{':
	case 0:
		return
	default:
		d.fail("expected an object")
		return
	}
	d.token()
	for d.err == nil {
		switch d.peek() {
		case '}':
			d.token()
			return
		case '"':
			field(d.rawString())
		}
	}
}

// array calls elem for each element of an array; it reports whether the
// value was an array (false for null).
func (d *jdec) array(elem func()) bool {
	switch d.peek() {
	case 'n':
		d.token()
		return false
	case '[':
	case 0:
		return false
	default:
		d.fail("expected an array")
		return false
	}
	d.token()
	for d.err == nil {
		if d.peek() == ']' {
			d.token()
			return true
		}
		elem()
	}
	return true
}

// rawString reads a string (the next token), unescaped; the strings a
// questionnaire repeats are interned.
func (d *jdec) rawString() string {
	v, err := d.dec.ReadValue()
	if err != nil {
		d.syntax(err)
		return ""
	}
	if len(v) < 2 || v[0] != '"' {
		d.fail("expected a string")
		return ""
	}
	in := v[1 : len(v)-1]
	if bytes.IndexByte(in, '\\') < 0 {
		if s, ok := interned()[string(in)]; ok {
			return s
		}
		if utf8.Valid(in) {
			return string(in)
		}
	}
	// Escapes or invalid UTF-8 (replaced with U+FFFD: the error says so).
	d.buf, _ = jsontext.AppendUnquote(d.buf[:0], v)
	if s, ok := interned()[string(d.buf)]; ok {
		return s
	}
	return string(d.buf)
}

// str decodes a string field into *p (null leaves it).
func (d *jdec) str(p *string) {
	switch d.peek() {
	case 'n':
		d.token()
	case '"':
		*p = d.rawString()
	case 0:
	default:
		d.fail("expected a string")
	}
}

// integer decodes an integer field into *p (null leaves it); like
// encoding/json, a fraction, an exponent or an overflow is an error.
func (d *jdec) integer(p *int64) {
	switch d.peek() {
	case 'n':
		d.token()
		return
	case '0':
	case 0:
		return
	default:
		d.fail("expected a number")
		return
	}
	v, err := d.dec.ReadValue()
	if err != nil {
		d.syntax(err)
		return
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		d.fail("number %s is not an integer", v)
		return
	}
	*p = n
}

func (d *jdec) integerInt(p *int) {
	v := int64(*p)
	d.integer(&v)
	*p = int(v)
}

func (d *jdec) boolean(p *bool) {
	switch d.peek() {
	case 'n':
		d.token()
	case 't':
		d.token()
		*p = true
	case 'f':
		d.token()
		*p = false
	case 0:
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
	if d.err != nil {
		return
	}
	if err := d.dec.SkipValue(); err != nil {
		d.syntax(err)
	}
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
