package registry

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// Validator checks entities and applications: the field rules written in the
// validate tags (with the custom tags codelist=LIST, cf, cfbody, sigla,
// comune, region) and the cross-field rules of the register. It is built once
// and safe for concurrent use.
type Validator struct {
	v     *validator.Validate
	lists *codelist.Set
	terr  *territory.Territory
}

// NewValidator returns a validator that checks codes against lists and
// places against terr; nil means codelist.Default() and territory.Default().
func NewValidator(lists *codelist.Set, terr *territory.Territory) *Validator {
	if lists == nil {
		lists = codelist.Default()
	}
	if terr == nil {
		terr = territory.Default()
	}
	val := &Validator{v: validator.New(validator.WithRequiredStructEnabled()), lists: lists, terr: terr}
	val.v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	str := func(fn func(string) bool) validator.Func {
		return func(fl validator.FieldLevel) bool { return fn(fl.Field().String()) }
	}
	// Registration errors can only come from an empty tag or nil function,
	// neither possible here.
	_ = val.v.RegisterValidation("codelist", func(fl validator.FieldLevel) bool {
		l, ok := lists.List(fl.Param())
		return ok && l.Contains(fl.Field().String(), 0)
	})
	_ = val.v.RegisterValidation("cf", str(func(s string) bool { return codicefiscale.ValidatePerson(s) == nil }))
	_ = val.v.RegisterValidation("cfbody", str(func(s string) bool { return codicefiscale.ValidateBody(s) == nil }))
	_ = val.v.RegisterValidation("sigla", str(func(s string) bool { _, ok := terr.ProvinceBySigla(s); return ok }))
	// A comune known on some day passes the field rule; address checks it
	// on the day in question.
	_ = val.v.RegisterValidation("comune", str(func(s string) bool { return len(terr.ComuneHistory(s)) > 0 }))
	_ = val.v.RegisterValidation("region", str(func(s string) bool { _, ok := terr.Region(s); return ok }))
	return val
}

// Entity returns every problem of e as a problem.List error (nil when e is
// valid): field rules, then that the seat's comune exists today (code
// comune_not_valid for one suppressed or not yet created) and is consistent
// with its province and region.
func (val *Validator) Entity(e *Entity) error {
	l := val.fields(e)
	l = append(l, val.address("/seat", &e.Seat, time.Time{}, l)...)
	return finish(l)
}

// Application returns every problem of a as a problem.List error (nil when
// valid): field rules (including the body's), the consistency of every
// address, the order of dates and that nothing declared absent is given
// (code declared_absent). Addresses are checked against the comuni valid on
// the application's date (code comune_not_valid for a comune suppressed
// before it or created after it). It does not judge the enrolment requirements (see
// the eligibility package): a signer who is not the legal representative or
// a partner that is the applicant itself is a valid application that the
// eligibility rules find not eligible.
func (val *Validator) Application(a *Application) error {
	l := val.fields(a)
	var day time.Time // current comuni unless the application's date is valid
	if a.Date.Valid() {
		day = a.Date.Time()
	}
	l = append(l, val.address("/body/seat", &a.Body.Seat, day, l)...)
	for i := range a.Housing {
		l = append(l, val.address(problem.Pointer("housing", problem.Index(i), "address"), &a.Housing[i].Address, day, l)...)
	}
	if a.Signature.SignedAt.Valid() && a.Date.Valid() && a.Signature.SignedAt.After(a.Date) {
		l = append(l, dateOrder("/signature/signedAt", "date", a.Date))
	}
	for i, act := range a.Activities {
		if act.End.Valid() && act.Start.Valid() && act.End.Before(act.Start) {
			l = append(l, dateOrder(problem.Pointer("activities", problem.Index(i), "end"), "start", act.Start))
		}
	}
	if p := a.Partnership; p != nil {
		if p.End.Valid() && p.Start.Valid() && p.End.Before(p.Start) {
			l = append(l, dateOrder("/partnership/end", "start", p.Start))
		}
	}
	for _, f := range DeclaredAbsentFields() {
		if a.Declares(f) && a.given(f) {
			l = append(l, problem.New("/"+f, "not", CodeDeclaredAbsent, map[string]any{"property": f},
				fmt.Sprintf("«%s» è dichiarato assente (declaredAbsent): non può essere indicato", f),
				fmt.Sprintf("property '%s' is declared absent (declaredAbsent) and must not be given", f)))
		}
	}
	return finish(l)
}

// Partnership returns every problem of p as a problem.List error.
func (val *Validator) Partnership(p *Partnership) error {
	l := val.fields(p)
	if p.End.Valid() && p.Start.Valid() && p.End.Before(p.Start) {
		l = append(l, dateOrder("/end", "start", p.Start))
	}
	if p.PartnerID != "" && p.PartnerID == p.EntityID {
		l = append(l, problem.New("/partnerId", "register", "partner_is_self", nil,
			"un ente non può essere partner di se stesso", "a body cannot be its own partner"))
	}
	return finish(l)
}

// Referent returns every problem of r as a problem.List error.
func (val *Validator) Referent(r *Referent) error { return finish(val.fields(r)) }

// Grant returns every problem of g as a problem.List error.
func (val *Validator) Grant(g *Grant) error {
	l := val.fields(g)
	if g.Until.Valid() && g.From.Valid() && g.Until.Before(g.From) {
		l = append(l, dateOrder("/until", "from", g.From))
	}
	return finish(l)
}

func finish(l problem.List) error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l.Err()
}

func dateOrder(path, other string, limit Date) problem.Problem {
	return problem.New(path, "dateOrder", "date_order", map[string]any{"other": other, "limit": string(limit)},
		fmt.Sprintf("la data non può essere anteriore/successiva a %q (%s)", other, limit),
		fmt.Sprintf("the date is out of order with %q (%s)", other, limit))
}

// CodeComuneNotValid is the problem code of an address whose comune exists
// in the territory but not on the day in question: suppressed before it, or
// created after it.
const CodeComuneNotValid = "comune_not_valid"

// address checks that the comune is valid on day (zero: today) and in the
// province and region given. It says nothing when a field-level problem
// already concerns the address.
func (val *Validator) address(base string, a *Address, day time.Time, found problem.List) problem.List {
	for _, p := range found {
		if strings.HasPrefix(p.InstancePath, base) {
			return nil
		}
	}
	c, ok := val.terr.ComuneOn(a.Comune, day)
	if !ok {
		h := val.terr.ComuneHistory(a.Comune)
		if len(h) == 0 {
			return nil
		}
		last := h[len(h)-1]
		params := map[string]any{"comune": a.Comune}
		when, whenEN := "oggi", "today"
		if !day.IsZero() {
			params["day"] = day.Format(time.DateOnly)
			when, whenEN = "il "+day.Format(time.DateOnly), "on "+day.Format(time.DateOnly)
		}
		return problem.List{problem.New(base+"/comune", "register", CodeComuneNotValid, params,
			fmt.Sprintf("il comune %s (%s) non esiste %s", a.Comune, last.Name, when),
			fmt.Sprintf("comune %s (%s) does not exist %s", a.Comune, last.Name, whenEN))}
	}
	var l problem.List
	if prov, ok := val.terr.ProvinceBySigla(a.Province); ok && prov.Code != c.ProvinceCode {
		l = append(l, problem.New(base+"/province", "register", "province_mismatch",
			map[string]any{"comune": a.Comune},
			fmt.Sprintf("il comune %s non è nella provincia %s", c.Name, a.Province),
			fmt.Sprintf("comune %s is not in province %s", c.Name, a.Province)))
	}
	if a.Region != "" && a.Region != c.RegionCode {
		l = append(l, problem.New(base+"/region", "register", "region_mismatch",
			map[string]any{"comune": a.Comune, "expected": c.RegionCode},
			fmt.Sprintf("il comune %s è nella regione %s, non %s", c.Name, c.RegionCode, a.Region),
			fmt.Sprintf("comune %s is in region %s, not %s", c.Name, c.RegionCode, a.Region)))
	}
	return l
}

// fields runs the tag rules on v and turns each failure into a problem.
func (val *Validator) fields(v any) problem.List {
	err := val.v.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return problem.List{problem.New("", "type", "invalid_value", nil,
			"valore non valido: "+err.Error(), "invalid value: "+err.Error())}
	}
	l := make(problem.List, 0, len(ves))
	for _, fe := range ves {
		l = append(l, val.toProblem(fe))
	}
	return l
}

// pointer turns a validator namespace ("Application.body.members[0].role")
// into a JSON Pointer without the root type ("/body/members/0/role").
func pointer(ns string) (parent, last string) {
	parts := strings.Split(ns, ".")
	var tokens []string
	for _, p := range parts[1:] {
		for {
			i := strings.IndexByte(p, '[')
			if i < 0 {
				tokens = append(tokens, p)
				break
			}
			tokens = append(tokens, p[:i])
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				break
			}
			tokens = append(tokens, p[i+1:i+j])
			p = p[i+j+1:]
			if p == "" {
				break
			}
		}
	}
	if len(tokens) == 0 {
		return "", ""
	}
	return problem.Pointer(tokens[:len(tokens)-1]...), tokens[len(tokens)-1]
}

// toProblem maps one failed tag rule to a problem whose keyword is the one
// the generated JSON Schema uses for that rule (schemas/schemagen): pattern
// for cf, cfbody, sigla, comune, region, iso3166_1_alpha2, numeric and
// hexadecimal; format for email, datetime and url; oneOf for codelist; enum
// for oneof; min/max/len by kind.
func (val *Validator) toProblem(fe validator.FieldError) problem.Problem {
	parent, last := pointer(fe.Namespace())
	path := problem.Join(parent, last)
	param := fe.Param()
	kind := fe.Kind()
	isList := kind == reflect.Slice || kind == reflect.Array
	isNum := kind >= reflect.Int && kind <= reflect.Float64
	n, _ := strconv.Atoi(param)
	switch fe.Tag() {
	case "required":
		return problem.Required(parent, last)
	case "min", "gte":
		switch {
		case isList:
			return problem.New(path, "minItems", "min_items", map[string]any{"limit": n},
				fmt.Sprintf("servono almeno %d elementi", n), fmt.Sprintf("must NOT have fewer than %d items", n))
		case isNum:
			return problem.New(path, "minimum", "minimum", map[string]any{"comparison": ">=", "limit": n},
				fmt.Sprintf("deve essere almeno %d", n), fmt.Sprintf("must be >= %d", n))
		}
		return problem.New(path, "minLength", "min_length", map[string]any{"limit": n},
			fmt.Sprintf("servono almeno %d caratteri", n), fmt.Sprintf("must NOT have fewer than %d characters", n))
	case "max", "lte":
		switch {
		case isList:
			return problem.New(path, "maxItems", "max_items", map[string]any{"limit": n},
				fmt.Sprintf("al massimo %d elementi", n), fmt.Sprintf("must NOT have more than %d items", n))
		case isNum:
			return problem.New(path, "maximum", "maximum", map[string]any{"comparison": "<=", "limit": n},
				fmt.Sprintf("deve essere al massimo %d", n), fmt.Sprintf("must be <= %d", n))
		}
		return problem.New(path, "maxLength", "max_length", map[string]any{"limit": n},
			fmt.Sprintf("al massimo %d caratteri", n), fmt.Sprintf("must NOT have more than %d characters", n))
	case "len":
		// The schemas render len as minLength and maxLength (minItems and
		// maxItems for lists): report the bound that failed.
		short := false
		if v := reflect.ValueOf(fe.Value()); v.Kind() == reflect.String {
			short = len([]rune(v.String())) < n
		} else if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
			short = v.Len() < n
		}
		keyword := map[[2]bool]string{{false, true}: "minLength", {false, false}: "maxLength", {true, true}: "minItems", {true, false}: "maxItems"}[[2]bool{isList, short}]
		return problem.New(path, keyword, "length", map[string]any{"limit": n},
			fmt.Sprintf("servono esattamente %d caratteri", n), fmt.Sprintf("must have exactly %d characters", n))
	case "unique":
		// The pair AJV reports, as the questionnaire pipeline does.
		if i, j, ok := schemas.UniquePair(textItems(fe.Value())); ok {
			return schemas.UniqueItems(path, "#/x-rules/unique_items", i, j)
		}
		return problem.New(path, "uniqueItems", "unique_items", nil,
			"gli elementi devono essere distinti", "must NOT have duplicate items")
	case "oneof":
		allowed := strings.Fields(param)
		return problem.New(path, "enum", "enum", map[string]any{"allowedValues": allowed},
			"deve essere uno dei valori ammessi: "+strings.Join(allowed, ", "),
			"must be equal to one of the allowed values: "+strings.Join(allowed, ", "))
	case "codelist":
		var allowed []string
		if l, ok := val.lists.List(param); ok {
			allowed = l.Codes(0)
		}
		return problem.New(path, "oneOf", "codelist", map[string]any{"list": param, "allowedValues": allowed},
			fmt.Sprintf("codice non presente nella lista %q", param),
			fmt.Sprintf("code is not in list %q", param))
	case "cf", "cfbody":
		check := codicefiscale.ValidatePerson
		code, itKind, enKind := "codice_fiscale", "codice fiscale di persona", "person's codice fiscale"
		if fe.Tag() == "cfbody" {
			check = codicefiscale.ValidateBody
			code, itKind, enKind = "codice_fiscale_body", "codice fiscale di ente (11 cifre)", "body's 11-digit codice fiscale"
		}
		itMsg, enMsg := "non valido", "invalid"
		var cfe *codicefiscale.Error
		if s, ok := fe.Value().(string); ok && errors.As(check(s), &cfe) {
			itMsg, enMsg = cfe.Message("it"), cfe.Message("en")
		}
		return problem.New(path, "pattern", code, map[string]any{"rule": fe.Tag()},
			itKind+" non valido: "+itMsg, "invalid "+enKind+": "+enMsg)
	case "sigla", "comune", "region":
		it := map[string]string{"sigla": "sigla di provincia", "comune": "codice ISTAT di comune", "region": "codice ISTAT di regione"}[fe.Tag()]
		en := map[string]string{"sigla": "province sigla", "comune": "ISTAT comune code", "region": "ISTAT region code"}[fe.Tag()]
		return problem.New(path, "pattern", "territory", map[string]any{"rule": fe.Tag()},
			it+" sconosciuto/a: "+fmt.Sprint(fe.Value()), "unknown "+en+": "+fmt.Sprint(fe.Value()))
	case "datetime":
		return problem.New(path, "format", "format", map[string]any{"format": "date"},
			"deve essere una data AAAA-MM-GG", `must match format "date"`)
	case "email":
		return problem.New(path, "format", "format", map[string]any{"format": "email"},
			"deve essere un indirizzo e-mail", `must match format "email"`)
	case "url":
		return problem.New(path, "format", "format", map[string]any{"format": "uri"},
			"deve essere un indirizzo web", `must match format "uri"`)
	case "iso3166_1_alpha2":
		return problem.New(path, "pattern", "country", map[string]any{"rule": "iso3166_1_alpha2"},
			"deve essere un codice di paese ISO 3166-1 di due lettere", "must be an ISO 3166-1 alpha-2 country code")
	case "numeric", "hexadecimal":
		return problem.New(path, "pattern", "pattern", map[string]any{"rule": fe.Tag()},
			"contiene caratteri non ammessi", "contains characters that are not allowed")
	}
	return problem.New(path, fe.Tag(), fe.Tag(), map[string]any{"param": param},
		"valore non valido ("+fe.Tag()+")", "invalid value ("+fe.Tag()+")")
}

// textItems renders the items of a slice as the strings their JSON holds
// (text marshalers, strings, or their printed value), for schemas.UniquePair.
func textItems(v any) []string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil
	}
	out := make([]string, rv.Len())
	for i := range out {
		e := rv.Index(i).Interface()
		switch x := e.(type) {
		case encoding.TextMarshaler:
			b, err := x.MarshalText()
			if err != nil {
				out[i] = fmt.Sprint(e)
				continue
			}
			out[i] = string(b)
		case string:
			out[i] = x
		default:
			out[i] = fmt.Sprint(e)
		}
	}
	return out
}
