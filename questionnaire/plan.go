package questionnaire

import (
	"fmt"
	"reflect"
	"strings"
)

// kind is the JSON shape a Go type decodes from.
type kind uint8

const (
	kStruct kind = iota
	kPtr
	kSlice
	kString
	kInt
	kBool
)

// typePlan is what the decoder knows of one Go type, derived once from the
// struct tags (the same tags the JSON Schema generator reads).
type typePlan struct {
	kind     kind
	typ      reflect.Type
	jsonType string      // "object", "array", "string", "integer", "boolean"
	fields   []fieldPlan // kStruct
	elem     *typePlan   // kPtr, kSlice
	// empty (kSlice) is an empty slice of the type, not nil: what an empty
	// array decodes to, without allocating.
	empty reflect.Value
}

// fieldPlan is one JSON property of a struct.
type fieldPlan struct {
	name      string
	index     int
	omitempty bool
	since     int
	until     int
	plan      *typePlan
	// emptyRule is the validate rule a present but empty optional string
	// must still satisfy (its `omitempty,` prefix removed): JSON Schema
	// checks a property whenever it is present, so the Go side must too.
	emptyRule string
	// rules are the field's validate rules compiled for the fast path.
	rules fieldRules
}

// field returns the index of the field named name, or -1, looking from
// index from on (then from the start): the index after the last key found
// makes the usual document, whose keys follow the fields' order, cost one
// comparison per key.
func (p *typePlan) field(name []byte, from int) int {
	n := len(p.fields)
	for k := range n {
		j := from + k
		if j >= n {
			j -= n
		}
		if string(name) == p.fields[j].name {
			return j
		}
	}
	return -1
}

// inYear reports whether the field exists in reporting year year.
func (f *fieldPlan) inYear(year int) bool {
	return (f.since == 0 || year >= f.since) && (f.until == 0 || year <= f.until)
}

// buildPlan derives the plan of t and of every type it reaches.
func buildPlan(t reflect.Type, seen map[reflect.Type]*typePlan) (*typePlan, error) {
	if p, ok := seen[t]; ok {
		return p, nil
	}
	p := &typePlan{typ: t}
	seen[t] = p
	switch t.Kind() {
	case reflect.Struct:
		p.kind, p.jsonType = kStruct, "object"
		if t.NumField() > 64 {
			return nil, fmt.Errorf("questionnaire: %s has more than 64 fields", t)
		}
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			tag := sf.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" || name == "-" {
				return nil, fmt.Errorf("questionnaire: %s.%s needs a json name", t, sf.Name)
			}
			if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == '"' || r == '\\' }) {
				// The decoder matches keys before undoing their escapes.
				return nil, fmt.Errorf("questionnaire: the json name of %s.%s needs an escape", t, sf.Name)
			}
			since, until, err := yearsOf(sf)
			if err != nil {
				return nil, err
			}
			fp, err := buildPlan(sf.Type, seen)
			if err != nil {
				return nil, err
			}
			rules, err := compileRules(sf.Tag.Get("validate"))
			if err != nil {
				return nil, err
			}
			f := fieldPlan{name: name, index: i, omitempty: opts == "omitempty", since: since, until: until, plan: fp, rules: rules}
			if rule, ok := strings.CutPrefix(sf.Tag.Get("validate"), "omitempty,"); ok && fp.kind == kString {
				f.emptyRule = rule
			}
			p.fields = append(p.fields, f)
		}
	case reflect.Pointer:
		elem, err := buildPlan(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		p.kind, p.elem, p.jsonType = kPtr, elem, elem.jsonType
	case reflect.Slice:
		elem, err := buildPlan(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		p.kind, p.elem, p.jsonType = kSlice, elem, "array"
		p.empty = reflect.MakeSlice(t, 0, 0)
	case reflect.String:
		p.kind, p.jsonType = kString, "string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		p.kind, p.jsonType = kInt, "integer"
	case reflect.Bool:
		p.kind, p.jsonType = kBool, "boolean"
	default:
		return nil, fmt.Errorf("questionnaire: unsupported type %s", t)
	}
	return p, nil
}
