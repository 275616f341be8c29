package questionnaire

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// SchemaValidator is the generic JSON Schema validator of one reporting
// year; *schemas.Validator implements it.
type SchemaValidator interface {
	// Validate returns every problem the schema finds in doc (nil if valid).
	Validate(doc []byte) problem.List
}

// Options are the optional knobs of a Validator. The zero value is usable.
type Options struct {
	// Lists are the code lists; nil means codelist.Default().
	Lists *codelist.Set
	// Territory is the ISTAT territory; nil means territory.Default().
	Territory *territory.Territory
	// Register, when set, enables the register-aware rules (the body exists
	// and was enrolled in the declared sections; the filer may file).
	Register Register
	// Schema, when set, returns the JSON Schema validator of a reporting
	// year, run on every rejected complete document as a cross-check: its
	// problems are added where the pipeline reported nothing at the same
	// place. Nil (the default) runs no general validator on the document:
	// the compiled per-year plan lists every problem the published schema
	// finds (TestDifferential), at the cost of a valid document.
	// PublishedSchema is the published schemas' validator.
	Schema func(year int) (SchemaValidator, error)
	// NoSchema is kept for compatibility: the schema pass is off unless
	// Schema is set.
	//
	// Deprecated: leave Schema nil.
	NoSchema bool
	// AlwaysStructRules runs go-playground/validator on every document and
	// words the rule problems with it, instead of the compiled fast rules
	// (slower: for the tests that prove the two agree, and with Schema, for
	// benchmarks of the pipeline as it was before the fast path).
	AlwaysStructRules bool
}

// PublishedSchema returns the published JSON Schema validator of reporting
// year year (schemas.Questionnaire), for Options.Schema.
func PublishedSchema(year int) (SchemaValidator, error) { return schemas.Questionnaire(year) }

// Mode selects how complete a document must be.
type Mode int

// The modes.
const (
	// Complete is a filing: every rule applies.
	Complete Mode = iota
	// Draft accepts an incomplete document: only type and format checks
	// (unknown or out-of-year fields, wrong types, malformed codes, dates,
	// tax codes, out-of-range numbers); no missing fields, no emptiness, no
	// cross-field or register rules.
	Draft
)

// Validator is the validation pipeline: strict decoding driven by the
// per-year type plan, the validate tags compiled into it, cross-field rules
// and register-aware rules, in one pass that lists every problem — the ones
// AJV reports on the published schema (same instancePath, keyword, params,
// schemaPath and code) and the rules a schema cannot express — for a valid
// and a rejected document alike. It is immutable and safe for concurrent
// use.
type Validator struct {
	plan  *typePlan
	rules *structRules
	opts  Options
	// roots holds, per reporting year, the schemaPath of the root's type
	// keyword, asked of the year's schema once.
	roots map[int]*rootPath
	// defs are the definitions of the reporting years, built once and only
	// read (DefinitionFor returns a fresh one for callers that may change
	// it).
	defs map[int]*Definition
}

// rootPath is the schemaPath the published schema of one year gives a
// document that is not an object ("#/type" when the root declares its
// type, the $ref'd definition's otherwise).
type rootPath struct {
	once sync.Once
	path string
}

// New builds a Validator.
func New(opts Options) (*Validator, error) {
	if opts.Lists == nil {
		opts.Lists = codelist.Default()
	}
	if opts.Territory == nil {
		opts.Territory = territory.Default()
	}
	plan, err := buildPlan(reflect.TypeFor[Document](), map[reflect.Type]*typePlan{})
	if err != nil {
		return nil, err
	}
	resolveCodeLists(plan, opts.Lists, map[*typePlan]bool{})
	rules, err := newStructRules(opts.Lists, opts.Territory)
	if err != nil {
		return nil, err
	}
	roots := map[int]*rootPath{}
	defs := map[int]*Definition{}
	for y := FirstYear; y <= LastYear; y++ {
		roots[y] = &rootPath{}
		if defs[y], err = DefinitionFor(y); err != nil {
			return nil, err
		}
	}
	return &Validator{plan: plan, rules: rules, opts: opts, roots: roots, defs: defs}, nil
}

// WithRegister returns a copy of v whose register-aware rules ask reg (nil:
// none). The copy shares v's compiled rules, so it costs one allocation: the
// desk makes one per filing, answering as the filer sees the register.
func (v *Validator) WithRegister(reg Register) *Validator {
	c := *v
	c.opts.Register = reg
	return &c
}

// Validate checks data as a complete filing for reporting year year. It
// returns every problem found, sorted (nil when valid), and an error only
// when validation itself could not run (unknown year, register failure,
// cancelled context).
func (v *Validator) Validate(ctx context.Context, year int, data []byte) (problem.List, error) {
	_, probs, err := v.Check(ctx, year, data, Complete)
	return probs, err
}

// ValidateDraft checks data as a draft for reporting year year: only type and
// format checks.
func (v *Validator) ValidateDraft(ctx context.Context, year int, data []byte) (problem.List, error) {
	_, probs, err := v.Check(ctx, year, data, Draft)
	return probs, err
}

// Check decodes and checks data for reporting year year in mode, returning
// the decoded document (nil when data is not JSON, or holds a number or a
// string that schemas.CheckJSON refuses), every problem found, sorted (nil
// when there is none), and an error only when validation could not run
// (including ctx ending while the document is decoded).
func (v *Validator) Check(ctx context.Context, year int, data []byte, mode Mode) (*Document, problem.List, error) {
	def := v.defs[year]
	if def == nil {
		_, err := DefinitionFor(year)
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// Bound the cost of every number and refuse text no store can hold:
	// the decoder looks at every string and number as it reads them (the
	// tokenizer bounds nesting, and the integers it converts are capped), and
	// when it meets one that schemas.CheckJSON might refuse, or stops early,
	// CheckJSON's answer replaces its own, as if CheckJSON had run first.
	doc := new(Document)
	d := decoder{ctx: ctx, data: data, year: year, bounded: true, fast: true}
	if !v.opts.AlwaysStructRules {
		d.rules = v.rules
	}
	ok := d.decode(reflect.ValueOf(doc).Elem(), v.plan)
	if d.unsure || !ok {
		if lp := schemas.CheckJSON(data); lp != nil {
			lp.Sort()
			return nil, lp, nil
		}
	}
	if !ok && d.err == nil {
		// A syntax error (or invalid UTF-8) in text CheckJSON accepts:
		// decode again as before, for the same problem in the same words.
		doc = new(Document)
		d = decoder{ctx: ctx, data: data, year: year, rules: d.rules}
		ok = d.decode(reflect.ValueOf(doc).Elem(), v.plan)
	}
	if !ok {
		if d.err != nil {
			return nil, nil, d.err
		}
		return nil, v.finish(year, data, d.probs, mode), nil
	}
	probs := d.probs
	if v.opts.AlwaysStructRules {
		sr := v.rules.check(ctx, doc, year)
		for _, e := range d.empties {
			sr = append(sr, v.rules.checkVar(ctx, e.path, "", e.rule, year)...)
		}
		for _, p := range sr {
			if !under(p.InstancePath, d.bad) {
				probs = append(probs, p)
			}
		}
	}
	if mode == Draft {
		probs = draftOnly(probs)
	}
	if mode == Complete {
		rootSeen := d.rootSeen // not d: the closure would move d to the heap
		c := crossCheck{def: def, doc: doc, bad: d.bad, present: func(name string) bool {
			for j := range v.plan.fields {
				if v.plan.fields[j].name == name {
					return rootSeen&(1<<j) != 0
				}
			}
			return false
		}}
		probs = append(probs, c.run()...)
		if v.opts.Register != nil {
			rp, err := registerRules(ctx, v.opts.Register, doc, year, d.bad)
			if err != nil {
				return doc, nil, err
			}
			probs = append(probs, rp...)
		}
	}
	return doc, v.finish(year, data, probs, mode), nil
}

// finish gives the problems AJV's schema paths, adds the cross-check
// schema's problems to a rejected complete document when Options.Schema is
// set, and sorts.
func (v *Validator) finish(year int, data []byte, probs problem.List, mode Mode) problem.List {
	if len(probs) == 0 {
		return nil
	}
	v.ajvPaths(year, probs)
	if mode == Complete && v.opts.Schema != nil && probs.HasErrors() {
		if sv, err := v.opts.Schema(year); err == nil && sv != nil {
			probs = merge(probs, sv.Validate(data))
		}
	}
	probs.Sort()
	return probs
}

// ajvPaths rewrites the schemaPath of the pipeline's problems, written as if
// the schema were inlined ("#/properties/projects/items/required"), as AJV
// writes it for the year's published schema
// ("#/$defs/questionnaire.Project/required"); a conditional block's problem
// gets its block's path ("#/allOf/0/then/required"). Rules beyond the schema
// keep their "#/x-rules/CODE". The root's type keeps the path the schema
// itself gives it.
func (v *Validator) ajvPaths(year int, probs problem.List) {
	sv, err := schemas.Questionnaire(year)
	if err != nil {
		return
	}
	for i := range probs {
		p := &probs[i]
		if p.InstancePath == "" && p.Keyword == "type" {
			if rp := v.roots[year]; rp != nil {
				rp.once.Do(func() {
					rp.path = sv.KeywordPath(p.SchemaPath)
					for _, q := range sv.Validate([]byte("null")) {
						if q.InstancePath == "" && q.Keyword == "type" {
							rp.path = q.SchemaPath
						}
					}
				})
				p.SchemaPath = rp.path
				continue
			}
		}
		if path, ok := sv.BlockPath(p.Code, p.Keyword); ok {
			p.SchemaPath = path
			continue
		}
		p.SchemaPath = sv.KeywordPath(p.SchemaPath)
	}
}

// merge adds to mine the schema's problems that report something at a place
// the pipeline said nothing about.
func merge(mine, schema problem.List) problem.List {
	type key struct{ path, prop string }
	keyOf := func(p problem.Problem) key {
		k := key{path: p.InstancePath}
		if m, ok := p.Params["missingProperty"].(string); ok {
			k.prop = "+" + m
		} else if a, ok := p.Params["additionalProperty"].(string); ok {
			k.prop = "-" + a
		}
		return k
	}
	seen := make(map[key]bool, len(mine))
	var paths []string
	for _, p := range mine {
		seen[keyOf(p)] = true
		paths = append(paths, p.InstancePath)
	}
	conditional := false
	for _, p := range mine {
		if p.Code == CodeSectionIIBlock || p.Code == CodeBranchesNotAllowed {
			conditional = true
		}
	}
	for _, p := range schema {
		if conditional && p.InstancePath == "" && (p.Keyword == "not" || p.Keyword == "false schema") {
			continue
		}
		k := keyOf(p)
		if seen[k] {
			continue
		}
		if k.prop == "" && contains(paths, p.InstancePath) {
			continue
		}
		seen[k] = true
		mine = append(mine, p)
	}
	return mine
}

// draftOnly keeps the problems a draft must not have: type and format
// checks, not completeness (missing fields, too short, too few items).
func draftOnly(l problem.List) problem.List {
	out := l[:0]
	for _, p := range l {
		switch p.Keyword {
		case "required", "minLength", "minItems":
			continue
		}
		out = append(out, p)
	}
	return out
}

// under reports whether path is at or under one of the pointers in bad.
func under(path string, bad []string) bool {
	for _, b := range bad {
		if path == b || strings.HasPrefix(path, b+"/") {
			return true
		}
	}
	return false
}

// Decode decodes data as a document of reporting year year with the strict
// decoder alone (no rules). It returns the document and the decoding
// problems (unknown fields, wrong types, fields of other years, missing
// fields); the document is nil when data is not JSON or holds a number or a
// string that schemas.CheckJSON refuses.
func (v *Validator) Decode(year int, data []byte) (*Document, problem.List, error) {
	if _, err := DefinitionFor(year); err != nil {
		return nil, nil, err
	}
	if lp := schemas.CheckJSON(data); lp != nil {
		lp.Sort()
		return nil, lp, nil
	}
	doc := new(Document)
	d := decoder{ctx: context.Background(), data: data, year: year}
	if !d.decode(reflect.ValueOf(doc).Elem(), v.plan) {
		return nil, d.probs, nil
	}
	if len(d.probs) == 0 {
		return doc, nil, nil
	}
	d.probs.Sort()
	return doc, d.probs, nil
}
