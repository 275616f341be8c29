package questionnaire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// maxDepth bounds nesting as encoding/json does, so both decoders reject the
// same documents; jsontext enforces the same bound.
const maxDepth = 10000

// syntaxError stops decoding at the first malformed byte.
type syntaxError struct{ msg string }

// ctxStop stops decoding when the context ends.
type ctxStop struct{ err error }

// ctxEvery is how many values the decoder reads between two looks at its
// context (a power of two).
const ctxEvery = 1024

// decoder is a strict, single-pass JSON decoder driven by the type plans: it
// reports every unknown property, every value of the wrong type, every
// property that does not exist in the reporting year and every missing
// required property — all of them, each with its JSON Pointer — and never
// panics on bad input. The JSON text is read by a jsontext.Decoder
// (syntax, strings and escapes, nesting depth); what it refuses is reported
// as one invalid_json problem worded as encoding/json words it.
type decoder struct {
	// ctx is checked every ctxEvery values: decoding stops when it ends.
	ctx  context.Context
	err  error // ctx's error when decoding stopped for it
	n    int   // values decoded
	data []byte
	year int
	// path holds the JSON Pointer tokens of the value being decoded: the
	// tokenizer's list while decode runs.
	path []string
	// tok reads data; from is the input offset before its last read, set
	// only when fromSet (fail takes the tokenizer's offset otherwise: a
	// failed read does not move it).
	tok     *tokenizer
	from    int
	fromSet bool
	probs   problem.List
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
	// depth is the nesting of the object being decoded (1 for the root).
	depth int
	// wantKey is set while an object key (or the object's end) is awaited.
	wantKey bool
	// wantElem is set while an array element (or the array's end) is awaited.
	wantElem bool
	// unq holds an unquoted string that had escapes.
	unq []byte
	// esc is set when the last string read had an escape.
	esc bool
	// numOK is set when the last number a bounded decoder read is within
	// numberInBounds.
	numOK bool
	// text holds the string values of the document, one after the other:
	// each is a substring of what it has built (a Builder only appends, and
	// never copies what it built), so that decoding a document allocates
	// for its strings once, rarely twice, not once a value.
	text strings.Builder
	// strs is the unused tail of the block the []string values of the
	// document are carved from.
	strs []string
	// fast reads each token with one ReadToken, without peeking first: a
	// syntax error stops it as it stops a careful decoder, but its
	// message and the problems found before it may differ, so only the
	// first, bounded pass of Check is fast (Check decodes a document that
	// pass could not read again, carefully).
	fast bool
	// bounded asks scalar to look at every string and number for what
	// schemas.CheckJSON would refuse; unsure is set when one might be
	// refused (an escape, invalid UTF-8, a long number, an exponent), and
	// the caller then runs schemas.CheckJSON itself.
	bounded, unsure bool
}

// tokenizer is a jsontext.Decoder reading a document from memory, reused
// across documents (Reset) so that decoding one allocates nothing for it.
type tokenizer struct {
	buf bytes.Buffer
	dec *jsontext.Decoder
	// strScratch holds the elements of the arrays of strings being read
	// (nested arrays push on it), kept across documents.
	strScratch []string
	// path is the decoder's path, kept across documents.
	path []string
	// elems holds, per element type, the elements of the array of that
	// type being read, kept across documents.
	elems map[reflect.Type]*elemScratch
}

// elemScratch is where array reads the elements of an array before giving
// the slice exactly its length. busy is set while an array of the type is
// being read (an array of the same type nested in it is read in place).
type elemScratch struct {
	buf  reflect.Value // an addressable []T
	busy bool
}

// maxElemScratch bounds the elements a scratch keeps across documents.
const maxElemScratch = 64

// release clears the scratch lists, so that the pool keeps no value of the
// document, and drops the ones a huge array grew. The lists of elements
// are cleared by array as it ends: only a decoder stopped in the middle
// of one (stopped) leaves them to release.
func (t *tokenizer) release(stopped bool) {
	clear(t.strScratch)
	t.strScratch = t.strScratch[:0]
	if cap(t.strScratch) > 1024 {
		t.strScratch = nil // nor the scratch of a huge array
	}
	if !stopped {
		return
	}
	for typ, sc := range t.elems {
		if sc.buf.Cap() > maxElemScratch {
			delete(t.elems, typ)
			continue
		}
		sc.buf.Clear()
		sc.buf.SetLen(0)
		sc.busy = false
	}
}

// tokenizerOptions: a repeated key is allowed (the last value wins, as in
// encoding/json); text that is not UTF-8 never reaches the decoder
// (schemas.CheckJSON refuses it first) and is allowed here so that only
// syntax stops it. jsontext bounds nesting at maxDepth (its default).
var tokenizerOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
}

// boundedOptions are tokenizerOptions refusing invalid UTF-8: a decoder
// that looks for what schemas.CheckJSON refuses (bounded) leaves the
// UTF-8 of strings to the tokenizer, which reads every byte anyway; when it
// refuses some, the caller runs CheckJSON, and decodes again with
// tokenizerOptions when CheckJSON finds nothing.
var boundedOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(false),
}

var tokenizers = sync.Pool{New: func() any {
	t := new(tokenizer)
	t.dec = jsontext.NewDecoder(&t.buf, tokenizerOptions...)
	return t
}}

type emptyCheck struct {
	path string
	rule string
}

func (d *decoder) ptr() string { return problem.Pointer(d.path...) }

// decode decodes d.data into v (a *Document's element) following plan. It
// reports a syntax error as one invalid_json problem and returns false.
func (d *decoder) decode(v reflect.Value, plan *typePlan) (ok bool) {
	d.tok = tokenizers.Get().(*tokenizer)
	d.tok.buf = *bytes.NewBuffer(d.data) // read in place, not copied
	d.path = d.tok.path[:0]
	if d.bounded {
		d.tok.dec.Reset(&d.tok.buf, boundedOptions...)
	} else {
		d.tok.dec.Reset(&d.tok.buf, tokenizerOptions...)
	}
	defer func() {
		r := recover()
		d.tok.buf = bytes.Buffer{} // the pool keeps no document
		clear(d.path[:cap(d.path)])
		d.tok.path, d.path = d.path[:0], nil
		d.tok.release(r != nil)
		d.tok.dec.Reset(&d.tok.buf, tokenizerOptions...)
		tokenizers.Put(d.tok)
		d.tok = nil
		if r != nil {
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
	d.value(v, plan)
	// jsontext reads a stream of values: one document is one value.
	if end := skipSpace(d.data, int(d.tok.dec.InputOffset())); end < len(d.data) {
		d.failAt(end, "unexpected data after the JSON value")
	}
	return true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// failAt stops decoding at a syntax error at byte offset off.
func (d *decoder) failAt(off int, msg string) {
	panic(syntaxError{fmt.Sprintf("%s (offset %d)", msg, off)})
}

// fail stops decoding at the error jsontext reported, worded as the
// decoder has always worded it (encoding/json's terms, with the offset of
// the offending byte).
func (d *decoder) fail(err error) {
	if err == io.EOF {
		d.failAt(len(d.data), "unexpected end of JSON input")
	}
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		panic(syntaxError{err.Error()})
	}
	if !d.fromSet {
		d.from = int(d.tok.dec.InputOffset())
	}
	off := int(se.ByteOffset)
	if at := off; at < len(d.data) && d.data[at] == ',' && !strings.Contains(errText(se), "after object name") {
		// jsontext blames a separator followed by no value; encoding/json
		// blames what follows it.
		if p := lastNonSpace(d.data, at); p >= 0 && d.data[p] != '[' && d.data[p] != '{' && d.data[p] != ',' && d.data[p] != ':' {
			off = skipSpace(d.data, at+1)
			if off >= len(d.data) {
				d.failAt(len(d.data), "unexpected end of JSON input")
			}
		}
	}
	// start is where the token being read begins (or the unexpected byte).
	start := skipSpace(d.data, d.from)
	if start < len(d.data) && (d.data[start] == ',' || d.data[start] == ':') {
		start = skipSpace(d.data, start+1)
	}
	at := func(i int) byte {
		if i < len(d.data) {
			return d.data[i]
		}
		return 0
	}
	msg := ""
	if se.Err != nil {
		msg = se.Err.Error()
	}
	switch c := at(start); {
	case errors.Is(se.Err, io.ErrUnexpectedEOF):
		switch {
		case c == '"':
			d.stringError(start)
		case c == 't' || c == 'f' || c == 'n':
			d.failAt(start, "invalid literal")
		case (c == '-' || (c >= '0' && c <= '9')) && !isDigit(d.data[len(d.data)-1]):
			d.failAt(len(d.data), "invalid number")
		}
		d.failAt(len(d.data), "unexpected end of JSON input")
	case msg == "exceeded max depth":
		d.failAt(start, msg)
	case strings.Contains(msg, " in string"):
		d.stringError(start)
	case strings.Contains(msg, " in literal "):
		d.failAt(start, "invalid literal")
	case strings.Contains(msg, " in number "):
		d.failAt(off, "invalid number")
	case strings.Contains(msg, "member name must be a string"):
		d.failAt(off, fmt.Sprintf("invalid character %q looking for beginning of object key string", at(off)))
	case (at(off) == ']' || at(off) == '}') && lastNonSpace(d.data, off) >= 0 && d.data[lastNonSpace(d.data, off)] == ':':
		d.failAt(off, fmt.Sprintf("invalid character %q looking for beginning of value", at(off)))
	case strings.HasSuffix(msg, "at start of value") && d.wantElem && lastNonSpace(d.data, off) >= 0 &&
		d.data[lastNonSpace(d.data, off)] != '[' && d.data[lastNonSpace(d.data, off)] != ',':
		d.failAt(off, fmt.Sprintf("invalid character %q after array element", at(off)))
	case strings.HasSuffix(msg, "at start of value") && d.wantKey && lastNonSpace(d.data, off) >= 0 &&
		d.data[lastNonSpace(d.data, off)] != '{' && d.data[lastNonSpace(d.data, off)] != ',':
		d.failAt(off, fmt.Sprintf("invalid character %q after object key:value pair", at(off)))
	case strings.HasSuffix(msg, "at start of value") && d.wantKey:
		d.failAt(off, fmt.Sprintf("invalid character %q looking for beginning of object key string", at(off)))
	case strings.HasSuffix(msg, "at start of value"):
		d.failAt(off, fmt.Sprintf("invalid character %q looking for beginning of value", at(off)))
	case strings.Contains(msg, "at start of string"):
		d.failAt(off, fmt.Sprintf("invalid character %q looking for beginning of object key string", at(off)))
	case strings.Contains(msg, "after object name"):
		d.failAt(off, fmt.Sprintf("invalid character %q after object key", at(off)))
	case strings.Contains(msg, "after object value"):
		d.failAt(off, fmt.Sprintf("invalid character %q after object key:value pair", at(off)))
	case strings.Contains(msg, "after array element"), strings.Contains(msg, "after array value"):
		d.failAt(off, fmt.Sprintf("invalid character %q after array element", at(off)))
	}
	d.failAt(off, msg)
}

// lastNonSpace returns the offset of the last byte before i that is not
// white space, or -1.
func lastNonSpace(data []byte, i int) int {
	for i--; i >= 0; i-- {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
		default:
			return i
		}
	}
	return -1
}

func errText(se *jsontext.SyntacticError) string {
	if se.Err == nil {
		return ""
	}
	return se.Err.Error()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// stringError reports the string starting at byte start that jsontext
// refused, as encoding/json reports it: the first control character, an
// escape encoding/json refuses, or the end of the input.
func (d *decoder) stringError(start int) {
	for j := start + 1; j < len(d.data); j++ {
		switch c := d.data[j]; {
		case c == '"':
			var s string
			if err := json.Unmarshal(d.data[start:j+1], &s); err != nil {
				d.failAt(start, "invalid string: "+err.Error())
			}
			d.failAt(start, "invalid string")
		case c == '\\':
			j++
		case c < 0x20:
			d.failAt(j, fmt.Sprintf("invalid character %q in string literal", c))
		}
	}
	d.failAt(len(d.data), "unexpected end of JSON input")
}

func invalidJSON(msg string) problem.Problem {
	p := problem.New("", "json", "invalid_json", map[string]any{"error": msg},
		"il documento non è JSON valido: "+msg,
		"the document is not valid JSON: "+msg)
	p.SchemaPath = "#"
	return p
}

// value decodes one JSON value into v.
func (d *decoder) value(v reflect.Value, plan *typePlan) {
	k, raw := d.next()
	d.valueOf(k, raw, v, plan)
}

// valueOf decodes into v the JSON value whose first token, of kind k, was
// just read (raw is the text of a string, number or literal).
func (d *decoder) valueOf(k jsontext.Kind, raw []byte, v reflect.Value, plan *typePlan) {
	d.tick()
	switch k {
	case '{':
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
	case '[':
		if plan.kind == kSlice {
			d.array(v, plan)
			return
		}
	case '"':
		if plan.kind == kString {
			v.SetString(d.strValue(raw))
			return
		}
	case 't', 'f':
		if plan.kind == kBool {
			v.SetBool(k == 't')
			return
		}
	case '0':
		if plan.kind == kInt {
			if d.bounded && !d.numOK {
				// schemas.CheckJSON refuses it, and its problem replaces
				// the decoder's: no need to convert it.
				return
			}
			if n, ok := integer(raw); ok {
				v.SetInt(n)
			} else {
				d.typeProblem(plan)
			}
			return
		}
	}
	d.skipRest(k)
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

// object decodes a JSON object (its '{' read) into the struct v.
func (d *decoder) object(v reflect.Value, plan *typePlan) {
	d.depth++
	// seen has bit j set when the object holds field j; passed when its
	// value, a string, an integer or a list of strings, passed its rules
	// as it was read.
	var seen, passed uint64
	next := 0 // where the search for a key starts: keys usually come in the fields' order
	for {
		fi, name, end := d.key(plan, next)
		if end {
			break
		}
		if fi >= 0 {
			next = fi + 1
		}
		// The colon is checked before the key is judged, and the key before
		// its value (a fast decoder leaves it to the next read: the
		// problems of a document it cannot read are not reported).
		if !d.fast && d.tok.dec.PeekKind() == jsontext.KindInvalid {
			end := int(d.tok.dec.InputOffset())
			_, err := d.tok.dec.ReadToken()
			if p := skipSpace(d.data, end); p < len(d.data) && d.data[p] == ':' {
				switch {
				case fi < 0:
					d.unknown(string(name), nil)
				case !plan.fields[fi].inYear(d.year):
					d.unknown(plan.fields[fi].name, &plan.fields[fi])
				}
			}
			d.fail(err)
		}
		switch {
		case fi < 0:
			d.unknown(string(name), nil)
			d.skip()
		case !plan.fields[fi].inYear(d.year):
			d.unknown(plan.fields[fi].name, &plan.fields[fi])
			d.skip()
		default:
			f := &plan.fields[fi]
			fv := v.Field(f.index)
			if seen&(1<<fi) != 0 {
				fv.SetZero() // a repeated key: the last one wins
				passed &^= 1 << fi
			}
			seen |= 1 << fi
			k, raw := d.next()
			// A string or a small integer where one is expected, the usual
			// value, is set here, as valueOf would (no problem to report:
			// no path to push), and checked: when it passes its rules, the
			// loop below need not check it.
			if k == '"' && f.plan.kind == kString {
				d.tick()
				str := d.strValue(raw)
				fv.SetString(str)
				if d.rules != nil && d.rules.stringPasses(str, f.rules.self, d.year) {
					passed |= 1 << fi
				}
				continue
			}
			if k == '[' && f.plan.typ == stringsType { // a list of codes
				d.tick()
				d.path = append(d.path, f.name)
				list := d.strings(fv, f.plan)
				d.path = d.path[:len(d.path)-1]
				if d.rules != nil && d.rules.listPasses(list, &f.rules, d.year) {
					passed |= 1 << fi
				}
				continue
			}
			if k == '0' && f.plan.kind == kInt {
				if n, ok := smallInteger(raw); ok { // within numberInBounds
					d.tick()
					fv.SetInt(n)
					if intPasses(n, f.rules.self) {
						passed |= 1 << fi
					}
					continue
				}
			}
			d.path = append(d.path, f.name)
			d.valueOf(k, raw, fv, f.plan)
			d.path = d.path[:len(d.path)-1]
		}
	}
	d.depth--
	if d.depth == 0 {
		d.rootSeen = seen
	}
	for j := range plan.fields {
		f := &plan.fields[j]
		if seen&(1<<j) != 0 {
			switch {
			case d.rules != nil:
				if passed&(1<<j) == 0 && (len(f.rules.self) > 0 || len(f.rules.each) > 0) {
					d.check(v.Field(f.index), f)
				}
			case f.emptyRule != "" && v.Field(f.index).Len() == 0:
				d.path = append(d.path, f.name)
				d.empties = append(d.empties, emptyCheck{path: d.ptr(), rule: f.emptyRule})
				d.path = d.path[:len(d.path)-1]
			}
			continue
		}
		if f.omitempty || !f.inYear(d.year) {
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
	switch f.plan.kind {
	case kPtr:
		return
	case kInt:
		n := v.Int()
		for i := range f.rules.self {
			if r := &f.rules.self[i]; !fastInt(n, r) {
				d.ruleProblem(v, r, f.name, "", f.name)
			}
		}
		return
	case kString: // the usual field: its string read once
		str := v.String()
		for i := range f.rules.self {
			if r := &f.rules.self[i]; !d.rules.fastString(str, r, d.year) {
				name := f.name
				if f.emptyRule != "" && str == "" {
					name = ""
				}
				d.ruleProblem(v, r, f.name, "", name)
			}
		}
		return
	}
	name := f.name
	if f.emptyRule != "" && v.Len() == 0 {
		name = ""
	}
	for i := range f.rules.self {
		if r := &f.rules.self[i]; !d.rules.fastOne(v, r, d.year) {
			d.ruleProblem(v, r, f.name, "", name)
		}
	}
	if len(f.rules.each) == 0 || v.Kind() != reflect.Slice {
		return
	}
	if v.Type() == stringsType && v.CanAddr() { // the usual list of codes
		for i, str := range *v.Addr().Interface().(*[]string) {
			for k := range f.rules.each {
				if r := &f.rules.each[k]; !d.rules.fastString(str, r, d.year) {
					idx := strconv.Itoa(i)
					d.ruleProblem(v.Index(i), r, f.name, idx, name+"["+idx+"]")
					break
				}
			}
		}
		return
	}
	for i := range v.Len() {
		e := v.Index(i)
		for k := range f.rules.each {
			if r := &f.rules.each[k]; !d.rules.fastOne(e, r, d.year) {
				idx := strconv.Itoa(i)
				d.ruleProblem(e, r, f.name, idx, name+"["+idx+"]")
				break
			}
		}
	}
}

// ruleProblem reports rule r failing on v, the value of the field named
// key (at index idx of its array unless idx is ""), of the object being
// decoded; field is the name the problem's messages use.
func (d *decoder) ruleProblem(v reflect.Value, r *fastRule, key, idx, field string) {
	d.path = append(d.path, key)
	if idx != "" {
		d.path = append(d.path, idx)
	}
	path := d.ptr()
	d.path = d.path[:len(d.path)-1]
	if idx != "" {
		d.path = d.path[:len(d.path)-1]
	}
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

var stringsType = reflect.TypeFor[[]string]()

// array decodes a JSON array into the slice v: an empty array becomes an
// empty slice without allocating; the elements of another are read into
// the tokenizer's scratch list of their type, and v gets exactly its
// length, in one allocation.
func (d *decoder) array(v reflect.Value, plan *typePlan) {
	if plan.typ == stringsType {
		d.strings(v, plan)
		return
	}
	k, raw := d.elem()
	if k == ']' {
		v.Set(plan.empty) // never nil, even for []
		return
	}
	sc := d.tok.elems[plan.typ]
	if sc == nil {
		if d.tok.elems == nil {
			d.tok.elems = map[reflect.Type]*elemScratch{}
		}
		sc = &elemScratch{buf: reflect.New(plan.typ).Elem()}
		d.tok.elems[plan.typ] = sc
	}
	if sc.busy {
		d.arrayInPlace(k, raw, v, plan)
		return
	}
	sc.busy = true
	buf := sc.buf
	n := 0
	for ; k != ']'; n++ {
		if n == buf.Cap() {
			buf.Grow(max(4, n))
		}
		buf.SetLen(n + 1)
		d.path = append(d.path, strconv.Itoa(n))
		d.valueOf(k, raw, buf.Index(n), plan.elem)
		d.path = d.path[:len(d.path)-1]
		k, raw = d.elem()
	}
	v.SetZero()
	v.Grow(n)
	v.SetLen(n)
	reflect.Copy(v, buf)
	if buf.Cap() > maxElemScratch {
		sc.buf = reflect.New(plan.typ).Elem() // not kept: a huge array grew it
	} else {
		buf.Clear()
		buf.SetLen(0)
	}
	sc.busy = false
}

// arrayInPlace decodes the rest of a JSON array, whose first element's
// first token (k, raw) was read, into the slice v, growing v as it goes:
// array's way for an array nested in one of the same type.
func (d *decoder) arrayInPlace(k jsontext.Kind, raw []byte, v reflect.Value, plan *typePlan) {
	v.SetZero()
	v.Grow(4)
	for n := 0; k != ']'; n++ {
		if v.Len() == v.Cap() {
			v.Grow(v.Cap())
		}
		v.SetLen(n + 1)
		d.path = append(d.path, strconv.Itoa(n))
		d.valueOf(k, raw, v.Index(n), plan.elem)
		d.path = d.path[:len(d.path)-1]
		k, raw = d.elem()
	}
}

// noStrings is the empty []string an empty array of strings decodes to:
// not nil, and shared (its capacity is 0, so appending to it copies).
var noStrings = []string{}

// strings decodes a JSON array (its '[' read) into the []string v, which
// it returns, as array does, but reads the elements into the tokenizer's
// scratch list and gives v exactly its length, carved from a block shared
// by the document's arrays of strings: one allocation for most documents,
// none per array.
func (d *decoder) strings(v reflect.Value, plan *typePlan) []string {
	sc := &d.tok.strScratch
	mark := len(*sc)
	for n := 0; ; n++ {
		k, raw := d.elem()
		if k == ']' {
			break
		}
		if k == '"' { // as valueOf reads it, without reflection
			d.tick()
			*sc = append(*sc, d.strValue(raw))
			continue
		}
		*sc = append(*sc, "")
		d.path = append(d.path, strconv.Itoa(n))
		d.valueOf(k, raw, reflect.ValueOf(&(*sc)[mark+n]).Elem(), plan.elem)
		d.path = d.path[:len(d.path)-1]
	}
	n := len(*sc) - mark
	if n == 0 {
		*v.Addr().Interface().(*[]string) = noStrings
		return noStrings
	}
	if d.strs == nil || cap(d.strs)-len(d.strs) < n {
		d.strs = make([]string, 0, max(32, n)) // most documents have fewer
	}
	l := len(d.strs)
	out := d.strs[l : l+n : l+n] // never nil: an empty array is an empty slice
	d.strs = d.strs[:l+n]
	copy(out, (*sc)[mark:])
	clear((*sc)[mark:])
	*sc = (*sc)[:mark]
	*v.Addr().Interface().(*[]string) = out
	return out
}

// next reads the next token — a delimiter, or a whole string, number or
// literal, whose text it returns, valid until the next read — and returns
// its kind. A careful decoder (not fast) peeks first, so that a syntax
// error is met where the decoder has always met it, for the same message.
func (d *decoder) next() (jsontext.Kind, []byte) {
	if d.fast {
		k, raw := d.read()
		if raw != nil {
			d.note(raw)
		}
		return k, raw
	}
	k := d.peek()
	if k == '{' || k == '[' {
		d.token()
		return k, nil
	}
	return k, d.scalar()
}

// read is next for a fast decoder: one ReadToken, and the text of a
// string, number or literal taken from data, without note.
func (d *decoder) read() (jsontext.Kind, []byte) {
	from := int(d.tok.dec.InputOffset())
	tok, err := d.tok.dec.ReadToken()
	if err != nil {
		d.fail(err)
	}
	k := tok.Kind()
	switch k {
	case '{', '[', '}', ']':
		return k, nil
	}
	// The tokenizer read white space and a separator, then the token,
	// which ends at its offset now.
	start := skipSpace(d.data, from)
	if start < len(d.data) && (d.data[start] == ',' || d.data[start] == ':') {
		start = skipSpace(d.data, start+1)
	}
	end := int(d.tok.dec.InputOffset())
	if start >= end || end > len(d.data) {
		d.failAt(start, "invalid token") // never: the tokenizer read it there
	}
	return k, d.data[start:end]
}

// elem reads the first token of an array's next element (as next does),
// or the array's end (kind ']').
func (d *decoder) elem() (jsontext.Kind, []byte) {
	if !d.fast {
		if d.peekElem() == ']' {
			d.token()
			return ']', nil
		}
		return d.next()
	}
	d.wantElem = true
	k, raw := d.read()
	d.wantElem = false
	if raw != nil {
		d.note(raw)
	}
	return k, raw
}

// key reads the next key of an object decoded by plan and returns the
// index of its field (-1 for none; the search starts at from, as
// typePlan.field's) and its unquoted text, valid until the next read; end
// is set instead when the object ends (its '}' read).
func (d *decoder) key(plan *typePlan, from int) (fi int, name []byte, end bool) {
	if !d.fast {
		if d.peekKey() == '}' {
			d.token()
			return -1, nil, true
		}
		name = d.str()
		return plan.field(name, from), name, false
	}
	d.wantKey = true
	k, raw := d.read()
	d.wantKey = false
	switch {
	case k == '}':
		return -1, nil, true
	case k != '"':
		d.failAt(int(d.tok.dec.InputOffset()), "invalid object key") // never: the tokenizer reads keys as strings
	}
	// No field's name needs an escape (buildPlan): a key that is the name
	// of a field has none, and no unquoting.
	name = raw[1 : len(raw)-1]
	if fi = plan.field(name, from); fi >= 0 {
		return fi, name, false
	}
	d.note(raw)
	if d.esc {
		name = d.unquote(raw)
		fi = plan.field(name, from)
	}
	return fi, name, false
}

// note looks at the string, number or literal raw just read: esc tells
// whether it is a string with an escape, and a bounded decoder sets numOK
// for a number within numberInBounds, and unsure when schemas.CheckJSON
// might refuse the value (an escape, a number out of bounds).
func (d *decoder) note(raw []byte) {
	switch c := raw[0]; {
	case c == '"':
		d.esc = bytes.IndexByte(raw, '\\') >= 0
		if d.esc && d.bounded {
			d.unsure = true // the bounded tokenizer refuses invalid UTF-8: no NUL, no surrogate but escaped
		}
	case c == '-' || isDigit(c):
		d.esc = false
		if d.bounded {
			d.numOK = numberInBounds(raw)
			if !d.numOK {
				d.unsure = true
			}
		}
	default:
		d.esc = false
	}
}

// peek returns the kind of the next token, or stops decoding at a syntax
// error.
func (d *decoder) peek() jsontext.Kind {
	k := d.tok.dec.PeekKind()
	if k == jsontext.KindInvalid {
		_, err := d.tok.dec.ReadToken()
		d.fail(err)
	}
	return k
}

// peekKey is peek where an object key or the object's end is expected.
func (d *decoder) peekKey() jsontext.Kind {
	d.wantKey = true
	k := d.peek()
	d.wantKey = false
	if k != '"' && k != '}' {
		start := skipSpace(d.data, int(d.tok.dec.InputOffset()))
		if start < len(d.data) && d.data[start] == ',' {
			start = skipSpace(d.data, start+1)
		}
		if p := lastNonSpace(d.data, start); p >= 0 && d.data[p] != '{' && d.data[p] != ',' {
			d.failAt(start, fmt.Sprintf("invalid character %q after object key:value pair", d.data[start]))
		}
		d.failAt(start, fmt.Sprintf("invalid character %q looking for beginning of object key string", d.data[start]))
	}
	return k
}

// peekElem is peek where an array element or the array's end is expected.
func (d *decoder) peekElem() jsontext.Kind {
	d.wantElem = true
	k := d.peek()
	d.wantElem = false
	return k
}

// token reads a delimiter, or stops decoding at a syntax error.
func (d *decoder) token() {
	if _, err := d.tok.dec.ReadToken(); err != nil {
		d.fail(err)
	}
}

// scalar reads a number or a literal and returns its text, valid until the
// next read.
func (d *decoder) scalar() []byte {
	val, err := d.tok.dec.ReadValue()
	if err != nil {
		d.fail(err)
	}
	d.note(val)
	return val
}

// numberInBounds reports whether the JSON number raw (a whole, valid
// token) has at most schemas.MaxNumberDigits digits and an exponent within
// ±schemas.MaxNumberExponent, as schemas.CheckJSON counts them.
func numberInBounds(raw []byte) bool {
	if len(raw) <= schemas.MaxNumberDigits {
		e := false
		for _, c := range raw {
			e = e || c == 'e' || c == 'E'
		}
		if !e {
			return true // the usual case: too short to have too many digits
		}
	}
	digits, i := 0, 0
	for ; i < len(raw) && raw[i] != 'e' && raw[i] != 'E'; i++ {
		if raw[i] >= '0' && raw[i] <= '9' {
			digits++
		}
	}
	if digits > schemas.MaxNumberDigits {
		return false
	}
	exp := 0
	for i++; i < len(raw); i++ {
		if c := raw[i]; c >= '0' && c <= '9' {
			if exp <= schemas.MaxNumberExponent {
				exp = exp*10 + int(c-'0')
			}
		}
	}
	return exp <= schemas.MaxNumberExponent
}

// str reads a string (a value or an object key) and returns its text,
// valid until the next read: the bytes between the quotes when there is no
// escape, without allocating.
func (d *decoder) str() []byte {
	raw := d.scalar()
	if !d.esc {
		return raw[1 : len(raw)-1]
	}
	return d.unquote(raw)
}

// unquote returns the text of the string raw (just read), escapes undone,
// valid until the next unquote.
func (d *decoder) unquote(raw []byte) []byte {
	var err error
	if d.unq, err = jsontext.AppendUnquote(d.unq[:0], raw); err != nil {
		d.failString(raw, err)
	}
	return d.unq
}

// failString stops decoding at the string raw (just read) that could not
// be unquoted.
func (d *decoder) failString(raw []byte, err error) {
	d.from, d.fromSet = int(d.tok.dec.InputOffset())-len(raw), true
	d.fail(err)
}

// strValue returns the string value raw, just read, as a Go string, its
// escapes undone: a substring of text.
func (d *decoder) strValue(raw []byte) string {
	b := raw[1 : len(raw)-1]
	if d.esc {
		b = d.unquote(raw)
	}
	if len(b) == 0 {
		return ""
	}
	if d.text.Cap() == 0 {
		// String values are about a quarter of a document's bytes: this
		// usually holds them all.
		d.text.Grow(max(len(b), len(d.data)*3/8))
	}
	off := d.text.Len()
	d.text.Write(b)
	return d.text.String()[off:]
}

// integer converts a number that must be an integer. Integral numbers
// written with a fraction or exponent (1.0, 1e2) are integers, as in JSON
// Schema; values beyond int64 are clamped, so that the field's range rule
// reports them. ok is false for a number with a fractional part.
func integer(raw []byte) (int64, bool) {
	if n, ok := smallInteger(raw); ok {
		return n, true
	}
	s := string(raw)
	if !strings.ContainsAny(s, ".eE") {
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

// smallInteger reads a number of at most 18 digits, with an optional minus
// sign and no fraction or exponent, without allocating; ok is false for any
// other number (integer reads those).
func smallInteger(raw []byte) (int64, bool) {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if raw[0] == '-' {
		n = -n
	}
	return n, true
}

// tick counts a value and stops decoding when the context has ended (it
// looks every ctxEvery values; small enough to be inlined).
func (d *decoder) tick() {
	d.n++
	if d.n&(ctxEvery-1) == 0 {
		d.checkCtx()
	}
}

// checkCtx stops decoding when the context has ended. Not inlined, so
// that tick is.
//
//go:noinline
func (d *decoder) checkCtx() {
	if d.ctx != nil {
		if err := d.ctx.Err(); err != nil {
			panic(ctxStop{err})
		}
	}
}

// skip consumes one JSON value of any shape, checking its syntax and
// counting its values as tick does.
func (d *decoder) skip() {
	k, _ := d.next()
	d.tick()
	d.skipRest(k)
}

// skipRest consumes the rest of a value whose first token, of kind k, was
// read, as skip does.
func (d *decoder) skipRest(k jsontext.Kind) {
	switch k {
	case '{':
		for !d.skipKey() {
			d.skip()
		}
	case '[':
		for {
			k, _ := d.elem()
			if k == ']' {
				return
			}
			d.tick()
			d.skipRest(k)
		}
	}
}

// skipKey reads an object's next key, or its end: it reports whether the
// object ended.
func (d *decoder) skipKey() bool {
	if !d.fast {
		if d.peekKey() == '}' {
			d.token()
			return true
		}
		d.scalar()
		return false
	}
	d.wantKey = true
	k, raw := d.read()
	d.wantKey = false
	if k == '}' {
		return true
	}
	if raw != nil {
		d.note(raw)
	}
	return false
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
