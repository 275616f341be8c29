package questionnaire

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/it"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	entrans "github.com/go-playground/validator/v10/translations/en"
	ittrans "github.com/go-playground/validator/v10/translations/it"

	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

type yearKey struct{}

// shapes are the patterns the generated JSON Schema uses for the custom
// string tags, taken from package schemas so the two cannot drift; the Go
// rules check more (check digits, existing codes).
var shapes = map[string]*regexp.Regexp{
	"cf":     regexp.MustCompile(schemas.Pattern("cf")),
	"cfbody": regexp.MustCompile(schemas.Pattern("cfbody")),
	"sigla":  regexp.MustCompile(schemas.Pattern("sigla")),
	"comune": regexp.MustCompile(schemas.Pattern("comune")),
	"region": regexp.MustCompile(schemas.Pattern("region")),
}

var shapeTexts = map[string][2]string{
	"cf":     {"deve essere un codice fiscale di persona valido (16 caratteri)", "must be a valid personal codice fiscale (16 characters)"},
	"cfbody": {"deve essere un codice fiscale di ente o partita IVA valida (11 cifre)", "must be a valid codice fiscale of a body or partita IVA (11 digits)"},
	"region": {"deve essere il codice ISTAT di una regione (01–20)", "must be the ISTAT code of a region (01-20)"},
	"sigla":  {"deve essere la sigla di una provincia (come MI)", "must be the sigla of a province (such as MI)"},
	"comune": {"deve essere il codice ISTAT di un comune (6 cifre)", "must be the ISTAT code of a comune (6 digits)"},
}

// structRules runs the `validate` tags of the document types with
// go-playground/validator and turns its errors into problems.
type structRules struct {
	v      *validator.Validate
	it, en ut.Translator
	lists  *codelist.Set
	terr   *territory.Territory
}

func newStructRules(lists *codelist.Set, terr *territory.Territory) (*structRules, error) {
	v := validator.New()
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	r := &structRules{v: v, lists: lists, terr: terr}
	uni := ut.New(en.New(), en.New(), it.New())
	r.en, _ = uni.GetTranslator("en")
	r.it, _ = uni.GetTranslator("it")
	if err := entrans.RegisterDefaultTranslations(v, r.en); err != nil {
		return nil, fmt.Errorf("questionnaire: english translations: %w", err)
	}
	if err := ittrans.RegisterDefaultTranslations(v, r.it); err != nil {
		return nil, fmt.Errorf("questionnaire: italian translations: %w", err)
	}
	str := func(fl validator.FieldLevel) (string, bool) {
		f := fl.Field()
		if f.Kind() != reflect.String {
			return "", false
		}
		return f.String(), true
	}
	customs := map[string]validator.FuncCtx{
		"codelist": func(ctx context.Context, fl validator.FieldLevel) bool {
			s, ok := str(fl)
			if !ok {
				return false
			}
			l, ok := lists.List(fl.Param())
			year, _ := ctx.Value(yearKey{}).(int)
			return ok && l.Contains(s, year)
		},
	}
	for _, tag := range []string{"cf", "cfbody", "region", "sigla", "comune"} {
		customs[tag] = func(ctx context.Context, fl validator.FieldLevel) bool {
			s, ok := str(fl)
			year, _ := ctx.Value(yearKey{}).(int)
			return ok && r.checkString(tag, s, year)
		}
	}
	for tag, fn := range customs {
		if err := v.RegisterValidationCtx(tag, fn); err != nil {
			return nil, fmt.Errorf("questionnaire: register %s: %w", tag, err)
		}
	}
	return r, nil
}

// checkString applies the custom string tag to s in the reporting year
// year (0: none).
func (r *structRules) checkString(tag, s string, year int) bool {
	switch tag {
	case "cf":
		return codicefiscale.ValidatePerson(s) == nil
	case "cfbody":
		return codicefiscale.ValidateBody(s) == nil
	case "region":
		_, found := r.terr.Region(s)
		return found
	case "sigla":
		_, found := r.terr.ProvinceBySigla(s)
		return found && strings.ToUpper(s) == s
	case "comune":
		return r.comuneInYear(s, year)
	}
	return false
}

// comuneInYear reports whether the comune with ISTAT code code existed on
// some day of year, so that a report names a comune as it was in the year
// reported on (one merged since is still right); with year 0, whether it
// exists today.
func (r *structRules) comuneInYear(code string, year int) bool {
	if year == 0 {
		_, found := r.terr.Comune(code)
		return found
	}
	first := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range r.terr.ComuneHistory(code) {
		if !c.ValidFrom.After(last) && (c.ValidTo.IsZero() || !c.ValidTo.Before(first)) {
			return true
		}
	}
	return false
}

// check runs the struct rules on doc and returns their problems.
func (r *structRules) check(ctx context.Context, doc *Document, year int) problem.List {
	ctx = context.WithValue(ctx, yearKey{}, year)
	err := r.v.StructCtx(ctx, doc)
	return r.problems(err, year, "")
}

// checkVar runs rule on the value at path (for present but empty optional
// strings, which the struct's omitempty would skip).
func (r *structRules) checkVar(ctx context.Context, path, value, rule string, year int) problem.List {
	ctx = context.WithValue(ctx, yearKey{}, year)
	return r.problems(r.v.VarCtx(ctx, value, rule), year, path)
}

func (r *structRules) problems(err error, year int, path string) problem.List {
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return problem.List{problem.New(path, "schema", "schema", nil,
			"errore interno di validazione: "+err.Error(), "internal validation error: "+err.Error())}
	}
	out := make(problem.List, 0, len(ves))
	for _, fe := range ves {
		p := path
		if p == "" {
			p = namespacePointer(fe.Namespace())
		}
		out = append(out, r.problem(fe, p, year))
	}
	return out
}

// namespacePointer turns validator's "Document.projects[0].title" into
// "/projects/0/title".
func namespacePointer(ns string) string {
	_, rest, found := strings.Cut(ns, ".")
	if !found {
		return ""
	}
	var toks []string
	for _, part := range strings.Split(rest, ".") {
		for {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				toks = append(toks, part)
				break
			}
			if i > 0 {
				toks = append(toks, part[:i])
			}
			j := strings.IndexByte(part, ']')
			if j < i {
				toks = append(toks, part[i:])
				break
			}
			toks = append(toks, part[i+1:j])
			part = part[j+1:]
			if part == "" {
				break
			}
		}
	}
	return problem.Pointer(toks...)
}

// failure is one failed validate rule: what the problem is built from,
// whether go-playground/validator or the compiled fast rules found it.
type failure struct {
	tag, param string
	kind       reflect.Kind
	value      any
	// it and en are go-playground's translated message for tag.
	it, en string
}

// fromFieldError reads a go-playground error.
func (r *structRules) fromFieldError(fe validator.FieldError) failure {
	return failure{tag: fe.Tag(), param: fe.Param(), kind: fe.Kind(), value: fe.Value(),
		it: fe.Translate(r.it), en: fe.Translate(r.en)}
}

// problem renders one validator error in the AJV shape.
func (r *structRules) problem(fe validator.FieldError, path string, year int) problem.Problem {
	return r.problemOf(r.fromFieldError(fe), path, year)
}

// problemOf renders one failed rule in the AJV shape, with the JSON Schema
// keyword the same rule becomes in the generated schema.
func (r *structRules) problemOf(f failure, path string, year int) problem.Problem {
	tag, param, kind, it, en := f.tag, f.param, f.kind, f.it, f.en
	var keyword, code string
	params := map[string]any{}
	limit := func() {
		n, _ := strconv.ParseInt(param, 10, 64)
		params["limit"] = n
	}
	switch tag {
	case "min", "max":
		limit()
		suffix := map[string]string{"min": "min", "max": "max"}[tag]
		switch kind {
		case reflect.String:
			keyword, code = suffix+"Length", suffix+"_length"
		case reflect.Slice:
			keyword, code = suffix+"Items", suffix+"_items"
		default:
			keyword = map[string]string{"min": "minimum", "max": "maximum"}[tag]
			code = keyword
			params["comparison"] = map[string]string{"min": ">=", "max": "<="}[tag]
		}
	case "gte", "lte":
		limit()
		keyword = map[string]string{"gte": "minimum", "lte": "maximum"}[tag]
		code = keyword
		params["comparison"] = map[string]string{"gte": ">=", "lte": "<="}[tag]
	case "oneof":
		keyword, code = "enum", "enum"
		params["allowedValues"] = strings.Fields(param)
	case "datetime":
		keyword, code = "format", "format"
		params["format"] = "date"
		it, en = "deve essere una data valida nel formato AAAA-MM-GG", "must be a valid date in the form YYYY-MM-DD"
	case "email":
		keyword, code = "format", "format"
		params["format"] = "email"
	case "codelist":
		keyword, code = "oneOf", "not_in_list"
		codes := []string{}
		l, ok := r.lists.List(param)
		if ok {
			codes = l.Codes(year)
		}
		params["allowedValues"] = codes
		params["list"] = param
		joined := strings.Join(codes, ", ")
		title := param
		if ok {
			title = l.Title().EN
		}
		it = fmt.Sprintf("deve essere uno dei codici dell'elenco %q validi nel %d: %s", l.Title().IT, year, joined)
		en = fmt.Sprintf("must be one of the codes of the list %q valid in %d: %s", title, year, joined)
	case "cf", "cfbody", "region", "sigla", "comune":
		text := shapeTexts[tag]
		it, en = text[0], text[1]
		if s, _ := f.value.(string); shapes[tag].MatchString(s) {
			// The shape is right; the check digit or the territory table
			// says no: a rule finer than the schema's pattern.
			keyword, code = "format", CodeTaxCodeCheck
			if tag == "region" || tag == "sigla" || tag == "comune" {
				code = CodeTerritoryUnknown
			}
			params["format"] = tag
		} else {
			keyword, code = "pattern", "pattern"
			params["pattern"] = shapes[tag].String()
		}
	case "unique":
		// The schema's uniqueItems, with the pair of equal items AJV reports.
		items, _ := f.value.([]string)
		if i, j, ok := schemas.UniquePair(items); ok {
			return schemas.UniqueItems(path, schemaPathOf(path, "uniqueItems"), i, j)
		}
		keyword, code = "uniqueItems", schemas.CodeUniqueItems
	default:
		keyword, code = tag, tag
	}
	p := problem.New(path, keyword, code, params, it, en)
	p.SchemaPath = schemaPathOf(path, keyword)
	return p
}
