package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/openregistro/registro/schemas/problem"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// BaseURI is the prefix of every schema's $id: a schema NAME has the $id
// BaseURI + NAME + ".json".
const BaseURI = "https://schemas.openregistro.org/registro/v1/"

// Version is the version of the published schemas, written in every file's
// $comment. The major version is part of [BaseURI]; it changes only when a
// document valid under the old schemas may become invalid.
const Version = "1.0.0"

// Dir is the folder, relative to this package, that holds the files: one
// sub-folder per language (Dir/en/NAME.json, Dir/it/NAME.json) and the
// fields-by-year table (Dir/fields-by-year.json).
const Dir = "v1"

// FieldsByYearFile is the name, inside [Dir], of the table of fields that
// exist only in some reporting years. It lets messages say "this field exists
// only from 2022" instead of "unknown field".
const FieldsByYearFile = "fields-by-year.json"

// ErrUnknown is wrapped by the error returned for a schema name or reporting
// year that has no published schema. Its kind is problem.KindNotFound.
var ErrUnknown = problem.NewError(problem.KindNotFound, "schemas: unknown schema")

// ErrLang is wrapped by the error returned for a language other than it or en.
// Its kind is problem.KindInvalid.
var ErrLang = problem.NewError(problem.KindInvalid, "schemas: unknown language")

//go:embed v1
var files embed.FS

// set is every embedded schema, compiled lazily. It is immutable apart from
// the sync.Once inside each entry.
type set struct {
	names   []string
	byName  map[string]*entry
	years   map[string]map[string]YearRange
	loadErr error
}

type entry struct {
	name string
	once sync.Once
	v    *Validator
	err  error
}

// YearRange bounds the reporting years a field exists in (inclusive; 0 means
// unbounded).
type YearRange struct {
	Since int `json:"since,omitempty"`
	Until int `json:"until,omitempty"`
}

var (
	loadOnce sync.Once
	embedded *set
)

// published returns the embedded set, read once.
func published() *set {
	loadOnce.Do(func() { embedded = load(files) })
	return embedded
}

func load(fsys fs.FS) *set {
	s := &set{byName: map[string]*entry{}, years: map[string]map[string]YearRange{}}
	matches, err := fs.Glob(fsys, path.Join(Dir, string(problem.EN), "*.json"))
	if err != nil {
		s.loadErr = err
		return s
	}
	for _, m := range matches {
		name := strings.TrimSuffix(path.Base(m), ".json")
		s.names = append(s.names, name)
		s.byName[name] = &entry{name: name}
	}
	sort.Strings(s.names)
	if b, err := fs.ReadFile(fsys, path.Join(Dir, FieldsByYearFile)); err == nil {
		if err := json.Unmarshal(b, &s.years); err != nil {
			s.loadErr = fmt.Errorf("schemas: %s: %w", FieldsByYearFile, err)
		}
	}
	return s
}

// Names returns the names of the published schemas, sorted.
func Names() []string {
	return append([]string(nil), published().names...)
}

// QuestionnaireYears returns the reporting years that have a published
// questionnaire schema, in order, as they appear in the schemas' names
// ("2019", "2020", …).
func QuestionnaireYears() []string {
	var out []string
	for _, n := range published().names {
		if y, ok := strings.CutPrefix(n, "questionnaire-"); ok {
			out = append(out, y)
		}
	}
	return out
}

// QuestionnaireName returns the name of the annual questionnaire schema of
// reporting year year ("questionnaire-2024").
func QuestionnaireName(year int) string { return "questionnaire-" + strconv.Itoa(year) }

// File returns the schema file name in lang (the bytes as committed).
func File(name string, lang problem.Lang) ([]byte, error) {
	if lang != problem.IT && lang != problem.EN {
		return nil, fmt.Errorf("%w %q (want it or en)", ErrLang, lang)
	}
	if _, ok := published().byName[name]; !ok {
		return nil, fmt.Errorf("%w %q (have %s)", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	return files.ReadFile(path.Join(Dir, string(lang), name+".json"))
}

// Questionnaire returns the validator of the annual questionnaire of reporting
// year year. It is compiled once and safe for concurrent use.
func Questionnaire(year int) (*Validator, error) {
	v, err := Get(QuestionnaireName(year))
	if err != nil {
		return nil, fmt.Errorf("%w: no questionnaire for reporting year %d", ErrUnknown, year)
	}
	return v, nil
}

// Get returns the validator of the schema name. It is compiled once and safe
// for concurrent use.
func Get(name string) (*Validator, error) {
	s := published()
	if s.loadErr != nil {
		return nil, s.loadErr
	}
	e, ok := s.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (have %s)", ErrUnknown, name, strings.Join(s.names, ", "))
	}
	e.once.Do(func() { e.v, e.err = s.compile(name) })
	return e.v, e.err
}

// ID returns the $id of the schema name.
func ID(name string) string { return BaseURI + name + ".json" }

func (s *set) compile(name string) (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	// Offline: only the embedded files resolve.
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schemas: %s is not an embedded schema (references resolve offline only)", u)
	}
	raw := map[string]any{}
	for _, n := range s.names {
		b, err := files.ReadFile(path.Join(Dir, string(problem.EN), n+".json"))
		if err != nil {
			return nil, err
		}
		doc, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", n, err)
		}
		raw[ID(n)] = doc
		// The compiled copy checks code lists with enum instead of
		// oneOf [{const, title}…]: the same verdict, much less work.
		fast, err := json.Marshal(enumify(doc))
		if err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", n, err)
		}
		if err := c.AddResource(ID(n), bytes.NewReader(fast)); err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", n, err)
		}
	}
	sch, err := c.Compile(ID(name))
	if err != nil {
		return nil, fmt.Errorf("schemas: compile %s: %w", name, err)
	}
	return &Validator{name: name, schema: sch, raw: raw, years: s.years}, nil
}

// decode reads one JSON value with numbers as json.Number and nothing after it.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

// Validator checks documents against one compiled schema. It is safe for
// concurrent use.
type Validator struct {
	name   string
	schema *jsonschema.Schema
	raw    map[string]any // schema documents by $id, for params
	years  map[string]map[string]YearRange
}

// Name returns the schema's name.
func (v *Validator) Name() string { return v.name }

// Validate checks the JSON document doc. It returns nil when doc is valid, and
// otherwise every problem found, sorted. A doc that is not JSON yields one
// problem with code invalid_json. Numbers beyond MaxNumberDigits or
// MaxNumberExponent and strings that are not valid text are reported by
// CheckJSON before anything else, and the document is not validated further:
// the cost of validation is bounded by the document's size, and no input
// makes it panic.
func (v *Validator) Validate(doc []byte) problem.List {
	if probs := CheckJSON(doc); probs != nil {
		probs.Sort()
		return probs
	}
	val, err := decode(doc)
	if err != nil {
		return problem.List{invalidJSON(err)}
	}
	return v.ValidateValue(val)
}

// ValidateValue checks a value as json.Unmarshal produces it (map[string]any,
// []any, string, float64 or json.Number, bool, nil). It returns nil when the
// value is valid, and otherwise every problem found, sorted. A value of
// another Go type yields one problem with code invalid_json. As in Validate,
// a json.Number beyond the bounds of CheckJSON or a string that is not valid
// text is reported alone.
func (v *Validator) ValidateValue(val any) (probs problem.List) {
	if probs := checkValue(val); probs != nil {
		probs.Sort()
		return probs
	}
	defer func() {
		// The validator must never take the caller down: a value it cannot
		// handle is a problem, not a crash.
		if r := recover(); r != nil {
			probs = problem.List{invalidJSON(fmt.Errorf("the value cannot be validated: %v", r))}
		}
	}()
	err := v.schema.Validate(val)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return problem.List{invalidJSON(err)}
	}
	m := mapper{v: v, doc: val}
	m.walk(ve)
	if len(m.out) == 0 { // cannot happen with a well-formed tree; never report valid
		m.out = append(m.out, m.leaf(ve, ""))
	}
	m.out.Sort()
	return m.out
}

// enumify returns a copy of the schema v in which every oneOf whose branches
// are all {"const": …} with annotations only, and whose constants are
// distinct, is replaced by the equivalent enum. A value matches exactly one
// branch of such a oneOf if and only if it is one of the constants.
func enumify(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = enumify(e)
		}
		if codes, ok := constBranches(x); ok {
			if _, has := x["enum"]; !has {
				delete(out, "oneOf")
				out["enum"] = codes
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = enumify(e)
		}
		return out
	}
	return v
}

// constBranches returns the constants of schema s's oneOf when every branch
// is a const with annotations only and the constants are distinct.
func constBranches(s map[string]any) ([]any, bool) {
	branches, _ := s["oneOf"].([]any)
	if len(branches) == 0 {
		return nil, false
	}
	seen := map[string]bool{}
	codes := make([]any, 0, len(branches))
	for _, b := range branches {
		bm, _ := b.(map[string]any)
		c, ok := bm["const"]
		if !ok {
			return nil, false
		}
		for k := range bm {
			switch k {
			case "const", "title", "description", "$comment":
			default:
				return nil, false
			}
		}
		key, err := json.Marshal(c)
		if err != nil || seen[string(key)] {
			return nil, false
		}
		seen[string(key)] = true
		codes = append(codes, c)
	}
	return codes, true
}
