package questionnaire

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
)

// maxDepth bounds nesting as encoding/json does, so both decoders reject the
// same documents.
const maxDepth = 10000

// syntaxError stops decoding at the first malformed byte.
type syntaxError struct{ msg string }

// ctxStop stops decoding when the context ends.
type ctxStop struct{ err error }

// ctxEvery is how many values the decoder reads between two looks at its
// context.
const ctxEvery = 1024

// decoder is a strict, single-pass JSON decoder driven by the type plans: it
// reports every unknown property, every value of the wrong type, every
// property that does not exist in the reporting year and every missing
// required property — all of them, each with its JSON Pointer — and never
// panics on bad input.
type decoder struct {
	// ctx is checked every ctxEvery values: decoding stops when it ends.
	ctx   context.Context
	err   error // ctx's error when decoding stopped for it
	n     int   // values decoded
	data  []byte
	i     int
	year  int
	depth int
	path  []string
	probs problem.List
	// bad holds the pointers of values that are missing or failed to decode;
	// later stages ignore what lies at or under them to avoid cascades.
	bad []string
	// rules, when set, checks every present field with the compiled fast
	// rules and reports each failure as go-playground/validator would.
	rules *structRules
	// empties are the present but empty optional strings, recorded when
	// rules is nil for go-playground/validator's Var (which checks them
	// where the struct's omitempty skips them).
	empties []emptyCheck
	// rootSeen has bit j set when the root object holds field j of the
	// document's plan (whatever its value).
	rootSeen uint64
}

type emptyCheck struct {
	path string
	rule string
}

func (d *decoder) ptr() string { return problem.Pointer(d.path...) }

// decode decodes d.data into v (a *Document's element) following plan. It
// reports a syntax error as one invalid_json problem and returns false.
func (d *decoder) decode(v reflect.Value, plan *typePlan) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if cs, isCtx := r.(ctxStop); isCtx {
				d.err = cs.err
				ok = false
				return
			}
			se, isSyntax := r.(syntaxError)
			if !isSyntax {
				panic(r)
			}
			d.probs = append(d.probs, invalidJSON(se.msg))
			ok = false
		}
	}()
	d.ws()
	d.value(v, plan)
	d.ws()
	if d.i < len(d.data) {
		d.fail("unexpected data after the JSON value")
	}
	return true
}

func invalidJSON(msg string) problem.Problem {
	p := problem.New("", "json", "invalid_json", map[string]any{"error": msg},
		"il documento non è JSON valido: "+msg,
		"the document is not valid JSON: "+msg)
	p.SchemaPath = "#"
	return p
}

func (d *decoder) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	panic(syntaxError{fmt.Sprintf("%s (offset %d)", msg, d.i)})
}

func (d *decoder) ws() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) peek() byte {
	if d.i >= len(d.data) {
		d.fail("unexpected end of JSON input")
	}
	return d.data[d.i]
}

// value decodes one JSON value into v.
func (d *decoder) value(v reflect.Value, plan *typePlan) {
	d.tick()
	c := d.peek()
	switch {
	case c == '{':
		switch plan.kind {
		case kStruct:
			d.object(v, plan)
			return
		case kPtr:
			if plan.elem.kind == kStruct {
				nv := reflect.New(plan.elem.typ)
				d.object(nv.Elem(), plan.elem)
				v.Set(nv)
				return
			}
		}
	case c == '[':
		if plan.kind == kSlice {
			d.array(v, plan)
			return
		}
	case c == '"':
		if plan.kind == kString {
			v.SetString(d.str())
			return
		}
	case c == 't' || c == 'f':
		if plan.kind == kBool {
			v.SetBool(d.literal())
			return
		}
	case c == '-' || (c >= '0' && c <= '9'):
		if plan.kind == kInt {
			if n, ok := d.integer(); ok {
				v.SetInt(n)
			} else {
				d.typeProblem(plan)
			}
			return
		}
	case c == 'n':
	default:
		d.fail("invalid character %q looking for beginning of value", c)
	}
	d.skip()
	d.typeProblem(plan)
}

func (d *decoder) typeProblem(plan *typePlan) {
	path := d.ptr()
	d.bad = append(d.bad, path)
	d.probs = append(d.probs, typeProblem(path, plan.jsonType))
}

var typeNames = map[string][2]string{
	"object":  {"un oggetto", "object"},
	"array":   {"un elenco", "array"},
	"string":  {"un testo", "string"},
	"integer": {"un numero intero", "integer"},
	"boolean": {"vero o falso", "boolean"},
}

func typeProblem(path, jsonType string) problem.Problem {
	n := typeNames[jsonType]
	p := problem.New(path, "type", "type", map[string]any{"type": jsonType},
		"deve essere "+n[0], "must be "+n[1])
	p.SchemaPath = schemaPathOf(path, "type")
	return p
}

// object decodes a JSON object into the struct v.
func (d *decoder) object(v reflect.Value, plan *typePlan) {
	d.enter()
	d.i++ // '{'
	var seen uint64
	d.ws()
	if d.peek() == '}' {
		d.i++
	} else {
		for {
			d.ws()
			if d.peek() != '"' {
				d.fail("invalid character %q looking for beginning of object key string", d.peek())
			}
			key, raw := d.key()
			d.ws()
			if d.peek() != ':' {
				d.fail("invalid character %q after object key", d.peek())
			}
			d.i++
			d.ws()
			fi := -1
			for j := range plan.fields {
				if (raw != nil && string(raw) == plan.fields[j].name) || (raw == nil && key == plan.fields[j].name) {
					fi = j
					break
				}
			}
			switch {
			case fi < 0:
				if raw != nil {
					key = string(raw)
				}
				d.unknown(key, nil)
				d.skip()
			case !plan.fields[fi].inYear(d.year):
				d.unknown(plan.fields[fi].name, &plan.fields[fi])
				d.skip()
			default:
				f := &plan.fields[fi]
				seen |= 1 << fi
				fv := v.Field(f.index)
				fv.Set(reflect.Zero(fv.Type())) // a repeated key: the last one wins
				d.path = append(d.path, f.name)
				d.value(fv, f.plan)
				d.path = d.path[:len(d.path)-1]
			}
			d.ws()
			c := d.peek()
			d.i++
			if c == '}' {
				break
			}
			if c != ',' {
				d.i--
				d.fail("invalid character %q after object key:value pair", c)
			}
		}
	}
	d.depth--
	if d.depth == 0 {
		d.rootSeen = seen
	}
	for j := range plan.fields {
		f := &plan.fields[j]
		if seen&(1<<j) != 0 {
			d.path = append(d.path, f.name)
			fv := v.Field(f.index)
			switch {
			case d.rules != nil:
				d.check(fv, f)
			case f.emptyRule != "" && fv.Len() == 0:
				d.empties = append(d.empties, emptyCheck{path: d.ptr(), rule: f.emptyRule})
			}
			d.path = d.path[:len(d.path)-1]
		}
		if seen&(1<<j) != 0 || f.omitempty || !f.inYear(d.year) {
			continue
		}
		parent := d.ptr()
		d.bad = append(d.bad, problem.Join(parent, f.name))
		p := problem.Required(parent, f.name)
		p.SchemaPath = schemaPathOf(parent, "required")
		d.probs = append(d.probs, p)
	}
}

// check applies the compiled rules of a present field (the last value of a
// repeated key) as AJV applies the keywords they become: every failing rule
// of the value is reported, and every element is checked (dive) whatever
// the array's own rules found; an element reports its first failing rule
// (they cannot fail together: a code list, a pattern, an enum). Each
// problem is worded as go-playground/validator words it (which stops at a
// value's first failing rule, and dives only into a passing array). A
// present but empty optional string is checked too, as JSON Schema checks
// every present property; its messages name no field, as go-playground's
// Var does. Failures at or under a value that did not decode are not
// reported.
func (d *decoder) check(v reflect.Value, f *fieldPlan) {
	if v.Kind() == reflect.Pointer {
		return
	}
	name := f.name
	if f.emptyRule != "" && v.Len() == 0 {
		name = ""
	}
	for i := range f.rules.self {
		if r := &f.rules.self[i]; !d.rules.fastOne(v, r, d.year) {
			d.ruleProblem(v, r, name)
		}
	}
	if len(f.rules.each) == 0 || v.Kind() != reflect.Slice {
		return
	}
	for i := range v.Len() {
		e := v.Index(i)
		for k := range f.rules.each {
			if r := &f.rules.each[k]; !d.rules.fastOne(e, r, d.year) {
				idx := strconv.Itoa(i)
				d.path = append(d.path, idx)
				d.ruleProblem(e, r, name+"["+idx+"]")
				d.path = d.path[:len(d.path)-1]
				break
			}
		}
	}
}

func (d *decoder) ruleProblem(v reflect.Value, r *fastRule, field string) {
	path := d.ptr()
	if under(path, d.bad) {
		return
	}
	d.probs = append(d.probs, d.rules.fail(v, r, field, path, d.year))
}

// unknown reports a property the document's year does not have.
func (d *decoder) unknown(key string, f *fieldPlan) {
	parent := d.ptr()
	p := problem.New(parent, "additionalProperties", "unknown_field", map[string]any{"additionalProperty": key},
		fmt.Sprintf("il campo %q non è previsto", key),
		fmt.Sprintf("must NOT have additional property '%s'", key))
	if f != nil {
		p.Code = "not_in_year"
		p.Messages = yearMessages(key, f.since, f.until)
		p.Message = p.Messages.EN
	}
	p.SchemaPath = schemaPathOf(parent, "additionalProperties")
	d.probs = append(d.probs, p)
}

func yearMessages(field string, since, until int) problem.Text {
	switch {
	case since != 0 && until != 0:
		return problem.Text{
			IT: fmt.Sprintf("il campo %q esiste solo negli anni di riferimento dal %d al %d", field, since, until),
			EN: fmt.Sprintf("field '%s' exists only in reporting years %d to %d", field, since, until),
		}
	case since != 0:
		return problem.Text{
			IT: fmt.Sprintf("il campo %q esiste solo dall'anno di riferimento %d", field, since),
			EN: fmt.Sprintf("field '%s' exists only from reporting year %d", field, since),
		}
	default:
		return problem.Text{
			IT: fmt.Sprintf("il campo %q esiste solo fino all'anno di riferimento %d", field, until),
			EN: fmt.Sprintf("field '%s' exists only up to reporting year %d", field, until),
		}
	}
}

func (d *decoder) enter() {
	d.depth++
	if d.depth > maxDepth {
		d.fail("exceeded max depth")
	}
}

// array decodes a JSON array into the slice v.
func (d *decoder) array(v reflect.Value, plan *typePlan) {
	d.enter()
	d.i++ // '['
	s := reflect.MakeSlice(plan.typ, 0, 4)
	v.Set(s)
	d.ws()
	if d.peek() == ']' {
		d.i++
	} else {
		for n := 0; ; n++ {
			d.ws()
			if v.Len() == v.Cap() {
				v.Grow(v.Cap())
			}
			v.SetLen(n + 1)
			d.path = append(d.path, strconv.Itoa(n))
			d.value(v.Index(n), plan.elem)
			d.path = d.path[:len(d.path)-1]
			d.ws()
			c := d.peek()
			d.i++
			if c == ']' {
				break
			}
			if c != ',' {
				d.i--
				d.fail("invalid character %q after array element", c)
			}
		}
	}
	d.depth--
}

// key reads an object key: raw is the key's bytes when it has no escapes
// (no allocation), otherwise key is the decoded string.
func (d *decoder) key() (key string, raw []byte) {
	start := d.i + 1
	for j := start; j < len(d.data); j++ {
		c := d.data[j]
		if c == '"' {
			d.i = j + 1
			return "", d.data[start:j]
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return d.str(), nil
		}
	}
	d.i = len(d.data)
	d.fail("unexpected end of JSON input")
	return "", nil
}

// str reads a JSON string.
func (d *decoder) str() string {
	start := d.i
	simple := true
	for j := start + 1; j < len(d.data); j++ {
		c := d.data[j]
		switch {
		case c == '"':
			d.i = j + 1
			if simple {
				return string(d.data[start+1 : j])
			}
			var s string
			if err := json.Unmarshal(d.data[start:j+1], &s); err != nil {
				d.i = start
				d.fail("invalid string: %v", err)
			}
			return s
		case c == '\\':
			simple = false
			j++
		case c < 0x20:
			d.i = j
			d.fail("invalid character %q in string literal", c)
		case c >= 0x80:
			simple = false
		}
	}
	d.i = len(d.data)
	d.fail("unexpected end of JSON input")
	return ""
}

// literal reads true or false.
func (d *decoder) literal() bool {
	if strings.HasPrefix(string(d.data[d.i:min(d.i+5, len(d.data))]), "true") {
		d.i += 4
		return true
	}
	if strings.HasPrefix(string(d.data[d.i:min(d.i+5, len(d.data))]), "false") {
		d.i += 5
		return false
	}
	d.fail("invalid literal")
	return false
}

// number scans a JSON number and returns its text and whether it has a
// fraction or exponent.
func (d *decoder) number() (string, bool) {
	start := d.i
	j := d.i
	if j < len(d.data) && d.data[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(d.data) && d.data[j] >= '0' && d.data[j] <= '9' {
			j++
		}
		return j - k
	}
	if j < len(d.data) && d.data[j] == '0' {
		j++
	} else if digits() == 0 {
		d.i = j
		d.fail("invalid number")
	}
	float := false
	if j < len(d.data) && d.data[j] == '.' {
		j++
		float = true
		if digits() == 0 {
			d.i = j
			d.fail("invalid number")
		}
	}
	if j < len(d.data) && (d.data[j] == 'e' || d.data[j] == 'E') {
		j++
		float = true
		if j < len(d.data) && (d.data[j] == '+' || d.data[j] == '-') {
			j++
		}
		if digits() == 0 {
			d.i = j
			d.fail("invalid number")
		}
	}
	d.i = j
	return string(d.data[start:j]), float
}

// integer reads a number that must be an integer. Integral numbers written
// with a fraction or exponent (1.0, 1e2) are integers, as in JSON Schema;
// values beyond int64 are clamped, so that the field's range rule reports
// them. ok is false for a number with a fractional part.
func (d *decoder) integer() (int64, bool) {
	s, float := d.number()
	if !float {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil { // out of range
			if s[0] == '-' {
				return math.MinInt64, true
			}
			return math.MaxInt64, true
		}
		return n, true
	}
	if mant, exp, found := strings.Cut(strings.ToLower(s), "e"); found {
		if e, err := strconv.Atoi(exp); err != nil || e > 400 || e < -400 {
			switch {
			case strings.Trim(mant, "-0.") == "":
				return 0, true
			case strings.HasPrefix(exp, "-"):
				return 0, false
			case s[0] == '-':
				return math.MinInt64, true
			}
			return math.MaxInt64, true
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() {
		return 0, false
	}
	n := r.Num()
	switch {
	case n.IsInt64():
		return n.Int64(), true
	case n.Sign() < 0:
		return math.MinInt64, true
	}
	return math.MaxInt64, true
}

// tick counts a value and stops decoding when the context has ended.
func (d *decoder) tick() {
	d.n++
	if d.n%ctxEvery == 0 && d.ctx != nil {
		if err := d.ctx.Err(); err != nil {
			panic(ctxStop{err})
		}
	}
}

// skip consumes one JSON value of any shape, checking its syntax.
func (d *decoder) skip() {
	d.tick()
	switch c := d.peek(); {
	case c == '{':
		d.enter()
		d.i++
		d.ws()
		if d.peek() == '}' {
			d.i++
			d.depth--
			return
		}
		for {
			d.ws()
			if d.peek() != '"' {
				d.fail("invalid character %q looking for beginning of object key string", d.peek())
			}
			d.str()
			d.ws()
			if d.peek() != ':' {
				d.fail("invalid character %q after object key", d.peek())
			}
			d.i++
			d.ws()
			d.skip()
			d.ws()
			c := d.peek()
			d.i++
			if c == '}' {
				d.depth--
				return
			}
			if c != ',' {
				d.i--
				d.fail("invalid character %q after object key:value pair", c)
			}
		}
	case c == '[':
		d.enter()
		d.i++
		d.ws()
		if d.peek() == ']' {
			d.i++
			d.depth--
			return
		}
		for {
			d.ws()
			d.skip()
			d.ws()
			c := d.peek()
			d.i++
			if c == ']' {
				d.depth--
				return
			}
			if c != ',' {
				d.i--
				d.fail("invalid character %q after array element", c)
			}
		}
	case c == '"':
		d.str()
	case c == 't' || c == 'f':
		d.literal()
	case c == 'n':
		if !strings.HasPrefix(string(d.data[d.i:min(d.i+4, len(d.data))]), "null") {
			d.fail("invalid literal")
		}
		d.i += 4
	case c == '-' || (c >= '0' && c <= '9'):
		d.number()
	default:
		d.fail("invalid character %q looking for beginning of value", c)
	}
}

// pointerEscaper escapes a JSON Pointer token (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// schemaPathOf renders the JSON Schema keyword location that checks the
// value at instance path: array indexes become "items" and object
// properties "properties/NAME", as in an inline schema; Validator.finish
// rewrites it as AJV writes it for the published schema (ajvPaths).
func schemaPathOf(path, keyword string) string {
	toks, _ := problem.Tokens(path)
	var b strings.Builder
	b.WriteString("#")
	for _, t := range toks {
		if t != "" && t[0] >= '0' && t[0] <= '9' {
			b.WriteString("/items")
			continue
		}
		b.WriteString("/properties/")
		pointerEscaper.WriteString(&b, t)
	}
	b.WriteString("/")
	b.WriteString(keyword)
	return b.String()
}
