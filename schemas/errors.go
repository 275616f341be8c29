package schemas

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The stable codes of the problems a Validator reports, one per JSON Schema
// keyword (plus invalid_json and not_in_year). Codes never change meaning.
const (
	CodeInvalidJSON       = "invalid_json"
	CodeRequired          = "required"
	CodeDependentRequired = "dependent_required"
	CodeUnknownField      = "unknown_field"
	CodeNotInYear         = "not_in_year"
	CodeType              = "type"
	CodeEnum              = "enum"
	CodeConst             = "const"
	CodeNotInList         = "not_in_list"
	CodeOneOf             = "one_of"
	CodeAnyOf             = "any_of"
	CodeNot               = "not"
	CodeFormat            = "format"
	CodePattern           = "pattern"
	CodeMinimum           = "minimum"
	CodeMaximum           = "maximum"
	CodeExclusiveMinimum  = "exclusive_minimum"
	CodeExclusiveMaximum  = "exclusive_maximum"
	CodeMultipleOf        = "multiple_of"
	CodeMinLength         = "min_length"
	CodeMaxLength         = "max_length"
	CodeMinItems          = "min_items"
	CodeMaxItems          = "max_items"
	CodeUniqueItems       = "unique_items"
	CodeMinProperties     = "min_properties"
	CodeMaxProperties     = "max_properties"
	CodeNotAllowed        = "not_allowed"
	CodeSchema            = "schema"
)

func invalidJSON(err error) problem.Problem {
	p := problem.New("", "json", CodeInvalidJSON, map[string]any{"error": err.Error()},
		"il documento non è JSON valido: "+err.Error(),
		"the document is not valid JSON: "+err.Error())
	p.SchemaPath = "#"
	return p
}

// mapper turns santhosh's error tree into problems.
type mapper struct {
	v   *Validator
	doc any
	out problem.List
}

// walk descends through wrapper errors ($ref, allOf, then, items…) to the
// errors of the keywords that failed.
func (m *mapper) walk(ve *jsonschema.ValidationError) {
	kw, _ := keywordOf(ve)
	switch {
	case kw == "enum":
		// A code list compiled as enum (see enumify): report it as the
		// published oneOf.
		parentLoc := strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/enum")
		if parent, ok := m.schemaAt(parentLoc).(map[string]any); ok {
			if codes, ok := constBranches(parent); ok {
				m.out = append(m.out, notInList(ve.InstanceLocation, parentLoc+"/oneOf", codes))
				return
			}
		}
	case kw == "oneOf" && len(ve.Causes) > 0:
		if parent, ok := m.schemaAt(strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/oneOf")).(map[string]any); ok {
			if codes, ok := constBranches(parent); ok {
				m.out = append(m.out, notInList(ve.InstanceLocation, ve.AbsoluteKeywordLocation, codes))
				return
			}
		}
		m.out = append(m.out, m.leaf(ve, kw))
		for _, c := range ve.Causes {
			m.walk(c)
		}
		return
	case kw == "anyOf" && len(ve.Causes) > 0:
		m.out = append(m.out, m.leaf(ve, kw))
		for _, c := range ve.Causes {
			m.walk(c)
		}
		return
	case len(ve.Causes) > 0:
		for _, c := range ve.Causes {
			m.walk(c)
		}
		return
	}
	start := len(m.out)
	switch kw {
	case "required":
		m.required(ve)
	case "additionalProperties":
		m.additional(ve)
	case "not":
		m.out = append(m.out, m.not(ve))
	default:
		m.out = append(m.out, m.leaf(ve, kw))
	}
	if code := m.blockCode(ve.AbsoluteKeywordLocation); code != "" {
		for i := start; i < len(m.out); i++ {
			m.out[i].Code = code
		}
	}
}

// blockCode returns the code a conditional block declares in its $comment
// ("code: section_ii_block") when loc lies in the block's then or else.
func (m *mapper) blockCode(loc string) string {
	base, frag, _ := strings.Cut(loc, "#")
	toks := schemaTokens(loc)
	for i := len(toks) - 3; i >= 0; i-- {
		if toks[i] != "allOf" || (toks[i+2] != "then" && toks[i+2] != "else") {
			continue
		}
		prefix := problem.Pointer(toks[:i+2]...)
		if !strings.HasPrefix(frag, prefix) {
			return ""
		}
		block, _ := m.schemaAt(base + "#" + prefix).(map[string]any)
		c, _ := block["$comment"].(string)
		if code, ok := strings.CutPrefix(c, "code: "); ok {
			return code
		}
		return ""
	}
	return ""
}

// not maps a failing "not". For {"not": {"required": [P]}} — a property
// forbidden in this case — params.property names P; otherwise params is {}
// as in AJV.
func (m *mapper) not(ve *jsonschema.ValidationError) problem.Problem {
	p := m.leaf(ve, "not")
	sub, _ := m.schemaAt(ve.AbsoluteKeywordLocation).(map[string]any)
	req, _ := sub["required"].([]any)
	if len(req) != 1 {
		return p
	}
	name := fmt.Sprint(req[0])
	p.Params = map[string]any{"property": name}
	p.Messages = problem.Text{
		IT: fmt.Sprintf("il campo %q non è ammesso in questo caso", name),
		EN: fmt.Sprintf("must NOT have property '%s' in this case", name),
	}
	p.Message = p.Messages.EN
	return p
}

// keywordOf returns the failing keyword and the schema path tokens of ve.
func keywordOf(ve *jsonschema.ValidationError) (string, []string) {
	toks := schemaTokens(ve.AbsoluteKeywordLocation)
	n := len(toks)
	if n >= 3 && (toks[n-3] == "dependentRequired") {
		return "dependentRequired", toks
	}
	if n == 0 {
		return "false schema", toks
	}
	last := toks[n-1]
	if _, ok := messages[last]; ok {
		return last, toks
	}
	if last == "oneOf" || last == "anyOf" {
		return last, toks
	}
	if ve.Message == "not allowed" {
		return "false schema", toks
	}
	return last, toks
}

func schemaTokens(abs string) []string {
	_, frag, _ := strings.Cut(abs, "#")
	t, err := problem.Tokens(frag)
	if err != nil {
		return nil
	}
	return t
}

// schemaPath renders the location as AJV does: "#/$defs/x/required".
func schemaPath(abs string) string {
	_, frag, _ := strings.Cut(abs, "#")
	return "#" + frag
}

func (m *mapper) schemaAt(abs string) any {
	base, frag, _ := strings.Cut(abs, "#")
	return resolvePointer(m.v.raw[base], frag)
}

func (m *mapper) instanceAt(ptr string) any { return resolvePointer(m.doc, ptr) }

// resolvePointer returns the value at the JSON Pointer ptr in a decoded JSON
// value, or nil when there is none.
func resolvePointer(node any, ptr string) any {
	toks, _ := problem.Tokens(ptr)
	for _, t := range toks {
		switch n := node.(type) {
		case map[string]any:
			node = n[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			node = n[i]
		default:
			return nil
		}
	}
	return node
}

func (m *mapper) required(ve *jsonschema.ValidationError) {
	obj, _ := m.instanceAt(ve.InstanceLocation).(map[string]any)
	req, _ := m.schemaAt(ve.AbsoluteKeywordLocation).([]any)
	for _, r := range req {
		name, _ := r.(string)
		if _, ok := obj[name]; ok {
			continue
		}
		p := problem.Required(ve.InstanceLocation, name)
		p.SchemaPath = schemaPath(ve.AbsoluteKeywordLocation)
		m.out = append(m.out, p)
	}
}

func (m *mapper) additional(ve *jsonschema.ValidationError) {
	obj, _ := m.instanceAt(ve.InstanceLocation).(map[string]any)
	toks := schemaTokens(ve.AbsoluteKeywordLocation)
	parentLoc := strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/additionalProperties")
	parent, _ := m.schemaAt(parentLoc).(map[string]any)
	props, _ := parent["properties"].(map[string]any)
	def := ""
	if len(toks) == 3 && toks[0] == "$defs" {
		def = toks[1]
	}
	var extra []string
	for k := range obj {
		if _, ok := props[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		params := map[string]any{"additionalProperty": k}
		p := problem.Problem{
			InstancePath: ve.InstanceLocation,
			SchemaPath:   schemaPath(ve.AbsoluteKeywordLocation),
			Keyword:      "additionalProperties",
			Params:       params,
			Code:         CodeUnknownField,
			Messages: problem.Text{
				IT: fmt.Sprintf("il campo %q non è previsto", k),
				EN: fmt.Sprintf("must NOT have additional property '%s'", k),
			},
		}
		if yr, ok := m.v.years[def][k]; ok {
			p.Code = CodeNotInYear
			p.Messages = yearMessages(k, yr)
		}
		p.Message = p.Messages.EN
		m.out = append(m.out, p)
	}
}

func yearMessages(field string, yr YearRange) problem.Text {
	switch {
	case yr.Since != 0 && yr.Until != 0:
		return problem.Text{
			IT: fmt.Sprintf("il campo %q esiste solo negli anni di riferimento dal %d al %d", field, yr.Since, yr.Until),
			EN: fmt.Sprintf("field '%s' exists only in reporting years %d to %d", field, yr.Since, yr.Until),
		}
	case yr.Since != 0:
		return problem.Text{
			IT: fmt.Sprintf("il campo %q esiste solo dall'anno di riferimento %d", field, yr.Since),
			EN: fmt.Sprintf("field '%s' exists only from reporting year %d", field, yr.Since),
		}
	default:
		return problem.Text{
			IT: fmt.Sprintf("il campo %q esiste solo fino all'anno di riferimento %d", field, yr.Until),
			EN: fmt.Sprintf("field '%s' exists only up to reporting year %d", field, yr.Until),
		}
	}
}

// notInList is the problem of a code that is not in its list (a failing
// oneOf of consts at loc).
func notInList(instance, loc string, codes []any) problem.Problem {
	list := make([]string, len(codes))
	for i, c := range codes {
		list[i] = fmt.Sprint(c)
	}
	joined := strings.Join(list, ", ")
	return problem.Problem{
		InstancePath: instance,
		SchemaPath:   schemaPath(loc),
		Keyword:      "oneOf",
		Params:       map[string]any{"passingSchemas": nil, "allowedValues": codes},
		Code:         CodeNotInList,
		Message:      "must be one of the codes of the list: " + joined,
		Messages: problem.Text{
			IT: "deve essere uno dei codici dell'elenco: " + joined,
			EN: "must be one of the codes of the list: " + joined,
		},
	}
}

// leaf builds the problem of one failing keyword.
func (m *mapper) leaf(ve *jsonschema.ValidationError, kw string) problem.Problem {
	if kw == "" {
		kw, _ = keywordOf(ve)
	}
	val := m.schemaAt(ve.AbsoluteKeywordLocation)
	params := map[string]any{}
	switch kw {
	case "type":
		switch t := val.(type) {
		case []any:
			s := make([]string, len(t))
			for i, x := range t {
				s[i] = fmt.Sprint(x)
			}
			params["type"] = strings.Join(s, ",")
		default:
			params["type"] = fmt.Sprint(t)
		}
	case "enum":
		params["allowedValues"] = val
	case "const":
		params["allowedValue"] = val
	case "format":
		params["format"] = val
	case "pattern":
		params["pattern"] = val
	case "minimum":
		params["comparison"], params["limit"] = ">=", val
	case "maximum":
		params["comparison"], params["limit"] = "<=", val
	case "exclusiveMinimum":
		params["comparison"], params["limit"] = ">", val
	case "exclusiveMaximum":
		params["comparison"], params["limit"] = "<", val
	case "multipleOf":
		params["multipleOf"] = val
	case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
		params["limit"] = val
	case "oneOf":
		params["passingSchemas"] = passing(ve.Message)
	case "dependentRequired":
		toks := schemaTokens(ve.AbsoluteKeywordLocation)
		n := len(toks)
		prop := toks[n-2]
		deps, _ := m.schemaAt(strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/"+toks[n-1])).([]any)
		names := make([]string, len(deps))
		for i, d := range deps {
			names[i] = fmt.Sprint(d)
		}
		params["property"] = prop
		params["missingProperty"] = fmt.Sprint(val)
		params["depsCount"] = len(deps)
		params["deps"] = strings.Join(names, ", ")
	case "uniqueItems":
		// AJV's pair, from the instance (see UniquePair); santhosh's as a
		// fallback.
		loc := strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/uniqueItems")
		if items, ok := m.instanceAt(ve.InstanceLocation).([]any); ok {
			if i, j, ok := ajvPair(items, itemTypes(m.schemaAt(loc))); ok {
				params["i"], params["j"] = i, j
				break
			}
		}
		if i, j, ok := uniquePair(ve.Message); ok {
			params["i"], params["j"] = min(i, j), max(i, j)
		}
	}
	msg, ok := messages[kw]
	if !ok {
		msg = messages["schema"]
	}
	it, en := msg.it(params), msg.en(params)
	if kw == "pattern" {
		if pit, pen, ok := patternMessage(str(params["pattern"])); ok {
			it, en = pit, pen
		}
	}
	p := problem.Problem{
		InstancePath: ve.InstanceLocation,
		SchemaPath:   schemaPath(ve.AbsoluteKeywordLocation),
		Keyword:      kw,
		Params:       params,
		Code:         msg.code,
		Message:      en,
		Messages:     problem.Text{IT: it, EN: en},
	}
	return p
}

// passing reads the indexes out of santhosh's "valid against schemas at
// indexes 0 and 1"; it is nil when no branch passed (AJV's null).
func passing(msg string) any {
	const prefix = "valid against schemas at indexes "
	if !strings.HasPrefix(msg, prefix) {
		return nil
	}
	a, b, ok := strings.Cut(strings.TrimPrefix(msg, prefix), " and ")
	if !ok {
		return nil
	}
	i, err1 := strconv.Atoi(a)
	j, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return nil
	}
	return []int{i, j}
}

func uniquePair(msg string) (int, int, bool) {
	var i, j int
	if _, err := fmt.Sscanf(msg, "items at index %d and %d are equal", &i, &j); err != nil {
		return 0, 0, false
	}
	return i, j, true
}

type message struct {
	code string
	it   func(map[string]any) string
	en   func(map[string]any) string
}

func str(v any) string {
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case nil:
		return ""
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = str(e)
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(v)
}

func fixed(code, it, en string) message {
	return message{code: code,
		it: func(map[string]any) string { return it },
		en: func(map[string]any) string { return en }}
}

func withParam(code, key, it, en string) message {
	return message{code: code,
		it: func(p map[string]any) string { return fmt.Sprintf(it, str(p[key])) },
		en: func(p map[string]any) string { return fmt.Sprintf(en, str(p[key])) }}
}

var typeNamesIT = map[string]string{
	"object": "un oggetto", "array": "un elenco", "string": "un testo", "integer": "un numero intero",
	"number": "un numero", "boolean": "vero o falso", "null": "null",
}

var typeNamesEN = map[string]string{
	"object": "an object", "array": "an array", "string": "a string", "integer": "an integer",
	"number": "a number", "boolean": "a boolean", "null": "null",
}

func typeNames(names map[string]string, p map[string]any) string {
	var out []string
	for _, t := range strings.Split(str(p["type"]), ",") {
		if n, ok := names[t]; ok {
			out = append(out, n)
		} else {
			out = append(out, t)
		}
	}
	return strings.Join(out, " / ")
}

// messages holds our own message per keyword, in Italian and English.
var messages = map[string]message{
	"required":             fixed(CodeRequired, "campo obbligatorio mancante", "must have required property"),
	"additionalProperties": fixed(CodeUnknownField, "campo non previsto", "must NOT have additional properties"),
	"type": {code: CodeType,
		it: func(p map[string]any) string { return "deve essere " + typeNames(typeNamesIT, p) },
		en: func(p map[string]any) string { return "must be " + typeNames(typeNamesEN, p) }},
	"enum":  withParam(CodeEnum, "allowedValues", "deve essere uno dei valori ammessi: %s", "must be equal to one of the allowed values: %s"),
	"const": withParam(CodeConst, "allowedValue", "deve essere uguale a %s", "must be equal to constant %s"),
	"format": {code: CodeFormat,
		it: func(p map[string]any) string {
			switch str(p["format"]) {
			case "date":
				return "deve essere una data valida nel formato AAAA-MM-GG"
			case "email":
				return "deve essere un indirizzo email valido"
			}
			return fmt.Sprintf("deve rispettare il formato %q", str(p["format"]))
		},
		en: func(p map[string]any) string {
			switch str(p["format"]) {
			case "date":
				return "must be a valid date in the form YYYY-MM-DD"
			case "email":
				return "must be a valid email address"
			}
			return fmt.Sprintf("must match format \"%s\"", str(p["format"]))
		}},
	"pattern":          withParam(CodePattern, "pattern", "non ha la forma richiesta (%s)", "must match pattern \"%s\""),
	"minimum":          withParam(CodeMinimum, "limit", "deve essere maggiore o uguale a %s", "must be >= %s"),
	"maximum":          withParam(CodeMaximum, "limit", "deve essere minore o uguale a %s", "must be <= %s"),
	"exclusiveMinimum": withParam(CodeExclusiveMinimum, "limit", "deve essere maggiore di %s", "must be > %s"),
	"exclusiveMaximum": withParam(CodeExclusiveMaximum, "limit", "deve essere minore di %s", "must be < %s"),
	"multipleOf":       withParam(CodeMultipleOf, "multipleOf", "deve essere un multiplo di %s", "must be a multiple of %s"),
	"minLength":        withParam(CodeMinLength, "limit", "deve avere almeno %s caratteri", "must NOT have fewer than %s characters"),
	"maxLength":        withParam(CodeMaxLength, "limit", "deve avere al massimo %s caratteri", "must NOT have more than %s characters"),
	"minItems":         withParam(CodeMinItems, "limit", "deve avere almeno %s elementi", "must NOT have fewer than %s items"),
	"maxItems":         withParam(CodeMaxItems, "limit", "deve avere al massimo %s elementi", "must NOT have more than %s items"),
	"minProperties":    withParam(CodeMinProperties, "limit", "deve avere almeno %s campi", "must NOT have fewer than %s properties"),
	"maxProperties":    withParam(CodeMaxProperties, "limit", "deve avere al massimo %s campi", "must NOT have more than %s properties"),
	"uniqueItems": {code: CodeUniqueItems,
		it: func(p map[string]any) string {
			if p["i"] == nil {
				return "non deve contenere elementi ripetuti"
			}
			i, j := str(p["i"]), str(p["j"])
			if len(j) < len(i) || (len(j) == len(i) && j < i) {
				i, j = j, i
			}
			return fmt.Sprintf("non deve contenere elementi ripetuti (gli elementi %s e %s sono uguali)", i, j)
		},
		en: func(p map[string]any) string {
			if p["i"] == nil {
				return "must NOT have duplicate items"
			}
			return fmt.Sprintf("must NOT have duplicate items (items ## %s and %s are identical)", str(p["j"]), str(p["i"]))
		}},
	"oneOf":        fixed(CodeOneOf, "deve corrispondere esattamente a una delle alternative", "must match exactly one schema in oneOf"),
	"anyOf":        fixed(CodeAnyOf, "deve corrispondere ad almeno una delle alternative", "must match a schema in anyOf"),
	"not":          fixed(CodeNot, "non è un valore ammesso", "must NOT be valid"),
	"false schema": fixed(CodeNotAllowed, "questo campo non è ammesso", "boolean schema is false"),
	"dependentRequired": {code: CodeDependentRequired,
		it: func(p map[string]any) string {
			return fmt.Sprintf("manca il campo %q, obbligatorio quando è presente %q", str(p["missingProperty"]), str(p["property"]))
		},
		en: func(p map[string]any) string {
			return fmt.Sprintf("must have property %s when property %s is present", str(p["missingProperty"]), str(p["property"]))
		}},
	"schema": fixed(CodeSchema, "il valore non rispetta lo schema", "must match the schema"),
}
