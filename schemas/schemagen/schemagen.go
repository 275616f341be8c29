package schemagen

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// Draft is the JSON Schema dialect of every file.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// goOnly are validator rules that compare fields with each other: the Go
// pipeline checks them, the schema cannot.
var goOnly = map[string]bool{
	"gtefield": true, "ltefield": true, "gtfield": true, "ltfield": true,
	"eqfield": true, "nefield": true,
}

// Doc is one schema to generate.
type Doc struct {
	// Name is the published name ("questionnaire-2024").
	Name string
	// Kind keys the root's label in Labels.Schemas ("questionnaire").
	Kind string
	// Type is the root Go type.
	Type reflect.Type
	// Year is the reporting year the schema is for (0: not year-bound; every
	// field and every code is included).
	Year int
	// Conditions are the conditional requirements, added to their object's
	// definition as allOf [{if, then, else}…]; those of the root type's
	// definition go to an allOf beside the root's $ref instead (see
	// formRoot), where form libraries do not mistake them for a combinator.
	Conditions []Condition
	// Consts pin properties of the root type's definition to one value (the
	// questionnaire's reportingYear to the schema's year).
	Consts map[string]any
}

// Condition is a property of an object whose presence depends on other
// answers (every Match must hold).
type Condition struct {
	// Def is the qualified type name of the object ("questionnaire.Document").
	Def string
	// Property is the conditional property.
	Property string
	// When are the tests, all of which must hold (questionnaire.Match: the
	// definition's own type, so the two cannot drift).
	When []questionnaire.Match
	// Presence says what the condition implies.
	Presence questionnaire.Presence
	// Code is the stable problem code the Go pipeline reports when the rule
	// is broken; it is written in the block's $comment ("code: CODE") so the
	// schema validator reports the same code.
	Code string
	// Forbidden inverts the condition: the property is not allowed when
	// every test holds, and free otherwise; Presence is then ignored. (The
	// application's declaredAbsent: a requirement declared absent cannot be
	// given.)
	Forbidden bool
}

// Options configure Generate. The zero value uses the embedded labels, the
// default code lists and DefaultDocs.
type Options struct {
	// Labels are the titles and descriptions; nil means DefaultLabels.
	Labels *Labels
	// Codes are the code lists; nil means codelist.Default().
	Codes *codelist.Set
	// Docs are the schemas to make; nil means DefaultDocs.
	Docs []Doc
}

// Files are generated files by path relative to the schemas package folder
// ("v1/en/problem.json").
type Files map[string][]byte

// Paths returns the paths, sorted.
func (f Files) Paths() []string {
	out := make([]string, 0, len(f))
	for p := range f {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ErrMissingLabel is wrapped by Generate's error when a schema, type or field
// has no title in both languages.
var ErrMissingLabel = errors.New("schemagen: missing label")

// Generate builds every schema file in both languages and the fields-by-year
// table.
func Generate(opts Options) (Files, error) {
	if opts.Labels == nil {
		l, err := DefaultLabels()
		if err != nil {
			return nil, err
		}
		opts.Labels = l
	}
	if opts.Codes == nil {
		opts.Codes = codelist.Default()
	}
	if opts.Docs == nil {
		d, err := DefaultDocs()
		if err != nil {
			return nil, err
		}
		opts.Docs = d
	}
	g := &gen{opts: opts, years: map[string]map[string]schemas.YearRange{}, missing: map[string]bool{}}
	out := Files{}
	for _, d := range opts.Docs {
		for _, lang := range []problem.Lang{problem.EN, problem.IT} {
			b, err := g.doc(d, lang)
			if err != nil {
				return nil, fmt.Errorf("schemagen: %s (%s): %w", d.Name, lang, err)
			}
			out[path.Join(schemas.Dir, string(lang), d.Name+".json")] = b
		}
	}
	if len(g.missing) > 0 {
		keys := make([]string, 0, len(g.missing))
		for k := range g.missing {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return out, fmt.Errorf("%w (it and en title and description) for: %s", ErrMissingLabel, strings.Join(keys, ", "))
	}
	years, err := json.MarshalIndent(g.years, "", "  ")
	if err != nil {
		return nil, err
	}
	out[path.Join(schemas.Dir, schemas.FieldsByYearFile)] = append(years, '\n')
	return out, nil
}

type gen struct {
	opts    Options
	years   map[string]map[string]schemas.YearRange
	missing map[string]bool
}

// Name is the $defs name of a Go type: its package's last element, a dot and
// its name ("questionnaire.Project"), so equal names in two packages never
// collide.
func Name(t reflect.Type) string {
	if t.Name() == "" {
		return ""
	}
	return path.Base(t.PkgPath()) + "." + t.Name()
}

var (
	textMarshaler = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
	timeType      = reflect.TypeOf(time.Time{})
)

func (g *gen) mapper(lang problem.Lang) func(reflect.Type) *jsonschema.Schema {
	return func(t reflect.Type) *jsonschema.Schema {
		if t == timeType {
			return nil
		}
		if vals, ok := g.opts.Labels.Enums[Name(t)]; ok {
			s := &jsonschema.Schema{Type: "string"}
			for _, v := range vals {
				if !complete(v.Title) || !complete(v.Description) {
					g.missing[Name(t)+" = "+v.Const] = true
				}
				s.OneOf = append(s.OneOf, &jsonschema.Schema{Const: v.Const, Title: v.Title.In(lang), Description: v.Description.In(lang)})
			}
			return s
		}
		if t.Name() == "Date" && t.Kind() == reflect.String {
			return &jsonschema.Schema{Type: "string", Format: "date"}
		}
		if t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
			return &jsonschema.Schema{Type: "string"}
		}
		return nil
	}
}

func (g *gen) doc(d Doc, lang problem.Lang) ([]byte, error) {
	types := map[string]reflect.Type{}
	r := &jsonschema.Reflector{
		Namer: func(t reflect.Type) string {
			n := Name(t)
			if n != "" {
				types[n] = t
			}
			return n
		},
		Mapper: g.mapper(lang),
	}
	s := r.ReflectFromType(d.Type)
	s.Version = Draft
	s.ID = jsonschema.ID(schemas.ID(d.Name))
	lbl, ok := g.opts.Labels.Schemas[d.Kind]
	if !ok || !complete(lbl.Title) || !complete(lbl.Description) {
		g.missing["schema "+d.Kind] = true
	}
	s.Title, s.Description = lbl.Title.In(lang), lbl.Description.In(lang)
	year := "every reporting year"
	if d.Year != 0 {
		year = "reporting year " + strconv.Itoa(d.Year)
	}
	s.Comments = fmt.Sprintf("Registro JSON Schema %s (%s), generated from the Go types by schemas/schemagen: do not edit.", schemas.Version, year)
	// Walk the definitions reachable from the root, after dropping the
	// fields of other years; unreachable ones are removed.
	reached := map[string]bool{}
	queue := refs(s)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if reached[n] {
			continue
		}
		reached[n] = true
		def, ok := s.Definitions[n]
		if !ok {
			return nil, fmt.Errorf("dangling $ref to %s", n)
		}
		if t, ok := types[n]; ok && t.Kind() == reflect.Struct {
			if err := g.object(def, n, t, d.Year, lang); err != nil {
				return nil, err
			}
		}
		queue = append(queue, refs(def)...)
	}
	for n := range s.Definitions {
		if !reached[n] {
			delete(s.Definitions, n)
		}
	}
	if len(d.Consts) > 0 {
		root := s.Definitions[Name(d.Type)]
		keys := make([]string, 0, len(d.Consts))
		for k := range d.Consts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := root.Properties.Get(k)
			if !ok {
				return nil, fmt.Errorf("const on %s: no property %q", Name(d.Type), k)
			}
			p.Const = d.Consts[k]
			p.Minimum, p.Maximum = "", ""
		}
	}
	for _, c := range d.Conditions {
		def, ok := s.Definitions[c.Def]
		if !ok {
			return nil, fmt.Errorf("condition on %s: no such definition", c.Def)
		}
		if err := addCondition(def, c); err != nil {
			return nil, err
		}
	}
	formRoot(s, Name(d.Type))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fields lists the JSON-visible fields of struct t, flattening embedded
// structs as encoding/json does.
func fields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" && !strings.Contains(tag, ",") {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, fields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		out = append(out, f)
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

func yearTag(f reflect.StructField, key string) (int, error) {
	v := f.Tag.Get(key)
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > 2999 {
		return 0, fmt.Errorf("field %s: %s tag %q is not a year", f.Name, key, v)
	}
	return y, nil
}

func (g *gen) object(s *jsonschema.Schema, defName string, t reflect.Type, year int, lang problem.Lang) error {
	labels := g.opts.Labels.Types[defName]
	if l, ok := labels[""]; ok && complete(l.Title) && complete(l.Description) {
		s.Title, s.Description = l.Title.In(lang), l.Description.In(lang)
	} else {
		g.missing[defName] = true
	}
	if s.Properties == nil {
		return nil
	}
	for _, f := range fields(t) {
		name := jsonName(f)
		prop, ok := s.Properties.Get(name)
		if !ok {
			continue
		}
		since, err := yearTag(f, "since")
		if err != nil {
			return fmt.Errorf("%s: %w", defName, err)
		}
		until, err := yearTag(f, "until")
		if err != nil {
			return fmt.Errorf("%s: %w", defName, err)
		}
		if since != 0 || until != 0 {
			if g.years[defName] == nil {
				g.years[defName] = map[string]schemas.YearRange{}
			}
			g.years[defName][name] = schemas.YearRange{Since: since, Until: until}
			if year != 0 && ((since != 0 && year < since) || (until != 0 && year > until)) {
				s.Properties.Delete(name)
				s.Required = remove(s.Required, name)
				continue
			}
		}
		if l, ok := labels[name]; ok && complete(l.Title) && complete(l.Description) {
			prop.Title, prop.Description = l.Title.In(lang), l.Description.In(lang)
		} else {
			g.missing[defName+"."+name] = true
		}
		if err := g.rules(s, prop, name, f, year, lang); err != nil {
			return fmt.Errorf("%s.%s: %w", defName, name, err)
		}
	}
	return nil
}

func remove(list []string, s string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// rules renders the field's validate tag on its property schema.
func (g *gen) rules(parent, prop *jsonschema.Schema, name string, f reflect.StructField, year int, lang problem.Lang) error {
	tag := f.Tag.Get("validate")
	if tag == "" || tag == "-" {
		return nil
	}
	s, t := prop, deref(f.Type)
	obj, field := parent, name
	for _, rule := range strings.Split(tag, ",") {
		key, param, _ := strings.Cut(rule, "=")
		switch {
		case key == "dive":
			if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				return fmt.Errorf("dive on a %s (only slices are supported)", t.Kind())
			}
			if s.Items == nil {
				return errors.New("dive on an array schema without items")
			}
			s, t, obj, field = s.Items, deref(t.Elem()), nil, ""
			continue
		case strings.Contains(rule, "|"):
			return fmt.Errorf("validate rule %q: or-rules have no JSON Schema rendering", rule)
		case goOnly[key]:
			continue
		}
		if err := g.rule(s, t, key, param, obj, field, year, lang); err != nil {
			return fmt.Errorf("validate rule %q: %w", rule, err)
		}
	}
	return nil
}

func number(param string) (json.Number, error) {
	if _, err := strconv.ParseFloat(param, 64); err != nil {
		return "", fmt.Errorf("%q is not a number", param)
	}
	return json.Number(param), nil
}

func count(param string) (*uint64, error) {
	n, err := strconv.ParseUint(param, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a count", param)
	}
	return &n, nil
}

func isNumber(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// bound sets a lower or upper bound by kind: string length, item count or
// number.
func bound(s *jsonschema.Schema, t reflect.Type, param string, lower, exclusive bool) error {
	k := t.Kind()
	if s.Type == "string" && isNumber(k) && len(s.OneOf) > 0 {
		return nil // a closed enum marshalled as text: its values bound it
	}
	if s.Type == "string" {
		k = reflect.String
	}
	switch {
	case k == reflect.String || k == reflect.Slice || k == reflect.Array || k == reflect.Map:
		n, err := count(param)
		if err != nil {
			return err
		}
		if exclusive {
			if lower {
				*n++
			} else if *n == 0 {
				return errors.New("lt=0 on a length")
			} else {
				*n--
			}
		}
		switch {
		case k == reflect.String && lower:
			s.MinLength = n
		case k == reflect.String:
			s.MaxLength = n
		case k == reflect.Map && lower:
			s.MinProperties = n
		case k == reflect.Map:
			s.MaxProperties = n
		case lower:
			s.MinItems = n
		default:
			s.MaxItems = n
		}
	case isNumber(k):
		n, err := number(param)
		if err != nil {
			return err
		}
		switch {
		case lower && exclusive:
			s.ExclusiveMinimum = n
		case lower:
			s.Minimum = n
		case exclusive:
			s.ExclusiveMaximum = n
		default:
			s.Maximum = n
		}
	default:
		return fmt.Errorf("bound on a %s", k)
	}
	return nil
}

func (g *gen) rule(s *jsonschema.Schema, t reflect.Type, key, param string, obj *jsonschema.Schema, field string, year int, lang problem.Lang) error {
	isString := s.Type == "string"
	switch key {
	case "omitempty":
	case "required":
		if obj != nil {
			obj.Required = appendUnique(obj.Required, field)
		}
		if isString && s.MinLength == nil && s.OneOf == nil && s.Enum == nil {
			one := uint64(1)
			s.MinLength = &one
		}
	case "min", "gte":
		return bound(s, t, param, true, false)
	case "max", "lte":
		return bound(s, t, param, false, false)
	case "gt":
		return bound(s, t, param, true, true)
	case "lt":
		return bound(s, t, param, false, true)
	case "len":
		if err := bound(s, t, param, true, false); err != nil {
			return err
		}
		return bound(s, t, param, false, false)
	case "email":
		s.Format = "email"
	case "datetime":
		if param != "2006-01-02" {
			return fmt.Errorf("only datetime=2006-01-02 (format date) is supported")
		}
		s.Format = "date"
	case "cf", "cfbody", "sigla", "comune", "region", "iso3166_1_alpha2", "hexadecimal":
		s.Pattern = schemas.Pattern(key)
	case "unique":
		s.UniqueItems = true
	case "url":
		s.Format = "uri"
	case "numeric":
		if !isString {
			return nil
		}
		s.Pattern = schemas.Pattern("numeric")
	case "oneof":
		s.Enum = nil
		for _, v := range strings.Fields(param) {
			if isNumber(t.Kind()) {
				n, err := number(v)
				if err != nil {
					return err
				}
				s.Enum = append(s.Enum, n)
			} else {
				s.Enum = append(s.Enum, v)
			}
		}
	case "codelist":
		l, ok := g.opts.Codes.List(param)
		if !ok {
			return fmt.Errorf("no code list %q", param)
		}
		items := l.In(year)
		if len(items) == 0 {
			return fmt.Errorf("code list %q has no codes in %d", param, year)
		}
		s.MinLength = nil
		s.OneOf = nil
		list := l.Title().In(lang)
		for _, it := range items {
			desc := fmt.Sprintf("Code %q of the list %q.", it.Code, list)
			if lang == problem.IT {
				desc = fmt.Sprintf("Codice «%s» dell'elenco «%s».", it.Code, list)
			}
			s.OneOf = append(s.OneOf, &jsonschema.Schema{Const: it.Code, Title: it.Label.In(lang), Description: desc})
		}
	default:
		return errors.New("no JSON Schema rendering for this rule (teach schemagen.rule or use another rule)")
	}
	return nil
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// addCondition renders c on the object schema def.
func addCondition(def *jsonschema.Schema, c Condition) error {
	if def.Properties == nil {
		return fmt.Errorf("condition on %s: not an object", c.Def)
	}
	if _, ok := def.Properties.Get(c.Property); !ok {
		return nil // the property does not exist in this year
	}
	if len(c.When) == 0 {
		return fmt.Errorf("condition on %s.%s: no test", c.Def, c.Property)
	}
	test := &jsonschema.Schema{}
	for _, m := range c.When {
		toks, err := problem.Tokens(m.Path)
		if err != nil || len(toks) == 0 {
			return fmt.Errorf("condition on %s.%s: bad path %q", c.Def, c.Property, m.Path)
		}
		var leaf *jsonschema.Schema
		switch {
		case m.Contains != "":
			leaf = &jsonschema.Schema{Type: "array", Contains: &jsonschema.Schema{Const: m.Contains}}
		default:
			leaf = &jsonschema.Schema{Const: m.Equals}
		}
		node := test
		for i, tok := range toks {
			if node.Properties == nil {
				node.Properties = jsonschema.NewProperties()
			}
			node.Required = appendUnique(node.Required, tok)
			if i == len(toks)-1 {
				node.Properties.Set(tok, leaf)
				break
			}
			next, ok := node.Properties.Get(tok)
			if !ok {
				next = &jsonschema.Schema{Type: "object"}
				node.Properties.Set(tok, next)
			}
			node = next
		}
	}
	// Each required list names its property under properties (true), as AJV's
	// strictRequired asks.
	mention := func() *jsonschema.Schema {
		props := jsonschema.NewProperties()
		props.Set(c.Property, jsonschema.TrueSchema)
		return &jsonschema.Schema{Properties: props, Required: []string{c.Property}}
	}
	block := &jsonschema.Schema{If: test, Else: &jsonschema.Schema{Not: mention()}}
	if c.Forbidden {
		block = &jsonschema.Schema{If: test, Then: &jsonschema.Schema{Not: mention()}}
	}
	if c.Code != "" {
		block.Comments = "code: " + c.Code
	}
	switch {
	case c.Forbidden:
		def.AllOf = append(def.AllOf, block)
		return nil
	}
	switch c.Presence {
	case questionnaire.RequiredExactlyWhen:
		block.Then = mention()
	case questionnaire.AllowedOnlyWhen:
	default:
		return fmt.Errorf("condition on %s.%s: unknown presence %q", c.Def, c.Property, c.Presence)
	}
	def.AllOf = append(def.AllOf, block)
	return nil
}

// formRoot shapes the root so that form libraries that read the schema's
// structure, not only validate with it, find every field (JSON Forms): the
// root says type "object" beside its $ref (JSON Forms resolves a field's
// scope only under a root of type object), and the conditional blocks of the
// root's definition move from that definition's allOf to an allOf beside the
// root's $ref (JSON Forms' generated layout turns an object with allOf into
// one combined control it cannot render). Both places apply to the same
// instance, so every validator's verdict is unchanged; the root's definition
// is then a plain object schema.
func formRoot(s *jsonschema.Schema, root string) {
	if s.Ref == "" {
		return
	}
	s.Type = "object"
	def, ok := s.Definitions[root]
	if !ok || len(def.AllOf) == 0 {
		return
	}
	s.AllOf, def.AllOf = def.AllOf, nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// refs returns the $defs names that s refers to, outside of nested $defs.
func refs(s *jsonschema.Schema) []string {
	var out []string
	var walk func(*jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil {
			return
		}
		if name, ok := strings.CutPrefix(s.Ref, "#/$defs/"); ok {
			out = append(out, name)
		}
		for _, x := range s.AllOf {
			walk(x)
		}
		for _, x := range s.AnyOf {
			walk(x)
		}
		for _, x := range s.OneOf {
			walk(x)
		}
		walk(s.Not)
		walk(s.If)
		walk(s.Then)
		walk(s.Else)
		walk(s.Items)
		walk(s.Contains)
		walk(s.AdditionalProperties)
		for _, x := range s.PrefixItems {
			walk(x)
		}
		if s.Properties != nil {
			for p := s.Properties.Oldest(); p != nil; p = p.Next() {
				walk(p.Value)
			}
		}
		keys := make([]string, 0, len(s.PatternProperties))
		for k := range s.PatternProperties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walk(s.PatternProperties[k])
		}
	}
	walk(s)
	return out
}
