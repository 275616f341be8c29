package questionnaire

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ut "github.com/go-playground/universal-translator"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// fastRule is one `validate` rule compiled for the typed fast path: the
// decoder checks every present value with it and words the problems itself
// (fail), so go-playground/validator runs only when Options.AlwaysStructRules
// asks for it. TestFastRulesAgree proves both give the same problems.
type fastRule struct {
	tag   string
	op    ruleOp   // tag, as a number for fastOne's switch
	n     int64    // min, max, gte, lte
	words []string // oneof
	param string   // codelist name, datetime layout
	// rawParam is the tag's parameter as written ("300", "I II").
	rawParam string
	// codes are the codes of a codelist rule's list by year (nil: ask the
	// list), set by New (resolveCodeLists).
	codes *yearCodes
}

// ruleOp is a fast rule's tag.
type ruleOp uint8

// The rule ops.
const (
	opMin ruleOp = iota // min, gte
	opMax               // max, lte
	opOneOf
	opDatetime
	opEmail
	opCodelist
	opString // cf, cfbody, region, sigla, comune
	opUnique
)

var ruleOps = map[string]ruleOp{
	"min": opMin, "gte": opMin, "max": opMax, "lte": opMax, "oneof": opOneOf, "datetime": opDatetime,
	"email": opEmail, "codelist": opCodelist, "cf": opString, "cfbody": opString, "region": opString,
	"sigla": opString, "comune": opString, "unique": opUnique,
}

// fieldRules are the compiled rules of one field: on the value itself, and
// (after dive) on each element.
type fieldRules struct {
	self, each []fastRule
}

func compileRules(tag string) (fieldRules, error) {
	var fr fieldRules
	target := &fr.self
	for _, part := range strings.Split(tag, ",") {
		name, param, _ := strings.Cut(part, "=")
		r := fastRule{tag: name, param: param, rawParam: param}
		switch name {
		case "", "omitempty":
			continue
		case "dive":
			target = &fr.each
			continue
		case "min", "max", "gte", "lte":
			n, err := strconv.ParseInt(param, 10, 64)
			if err != nil {
				return fr, fmt.Errorf("questionnaire: bad %s in validate tag %q", name, tag)
			}
			r.n = n
		case "oneof":
			r.words = strings.Fields(param)
		case "datetime", "email", "codelist", "cf", "cfbody", "region", "sigla", "comune", "unique":
		default:
			return fr, fmt.Errorf("questionnaire: validate tag %q: %s is not part of the tag convention", tag, name)
		}
		r.op = ruleOps[name]
		*target = append(*target, r)
	}
	return fr, nil
}

// ok reports whether v passes every rule.
func (s *structRules) fastOK(v reflect.Value, rules []fastRule, year int) bool {
	for i := range rules {
		if !s.fastOne(v, &rules[i], year) {
			return false
		}
	}
	return true
}

func (s *structRules) fastOne(v reflect.Value, r *fastRule, year int) bool {
	switch v.Kind() {
	case reflect.String:
		return s.fastString(v.String(), r, year)
	case reflect.Int, reflect.Int64, reflect.Int32:
		return fastInt(v.Int(), r)
	}
	switch r.op {
	case opMin:
		return ruleSize(v) >= r.n
	case opMax:
		return ruleSize(v) <= r.n
	case opUnique:
		if v.Kind() != reflect.Slice || v.Type().Elem().Kind() != reflect.String {
			return false // the tag convention puts unique only on arrays of codes
		}
		if v.CanAddr() && v.Type() == stringsType && v.Len() <= 16 { // the usual short lists
			return uniqueStrings(*v.Addr().Interface().(*[]string)) // no allocation
		}
		if n := v.Len(); n <= 16 {
			for i := range n {
				for j := i + 1; j < n; j++ {
					if v.Index(i).String() == v.Index(j).String() {
						return false
					}
				}
			}
			return true
		}
		items, _ := v.Interface().([]string)
		_, _, dup := schemas.UniquePair(items)
		return !dup
	}
	return false // the other rules check strings
}

// uniqueStrings reports whether no string of items is there twice.
func uniqueStrings(items []string) bool {
	if len(items) > 16 {
		_, _, dup := schemas.UniquePair(items)
		return !dup
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if items[i] == items[j] {
				return false
			}
		}
	}
	return true
}

// listPasses reports whether the list of strings items passes the rules
// of its field, on the list (min, max, unique: any other rule answers
// false, and leaves the list to check) and on each element.
func (s *structRules) listPasses(items []string, rules *fieldRules, year int) bool {
	for i := range rules.self {
		switch r := &rules.self[i]; r.op {
		case opMin:
			if int64(len(items)) < r.n {
				return false
			}
		case opMax:
			if int64(len(items)) > r.n {
				return false
			}
		case opUnique:
			if !uniqueStrings(items) {
				return false
			}
		default:
			return false
		}
	}
	for _, it := range items {
		for k := range rules.each {
			if !s.fastString(it, &rules.each[k], year) {
				return false
			}
		}
	}
	return true
}

// stringPasses reports whether the string str passes every rule of rules
// (on the value itself: no rule of an element, none on a list).
func (s *structRules) stringPasses(str string, rules []fastRule, year int) bool {
	for i := range rules {
		if !s.fastString(str, &rules[i], year) {
			return false
		}
	}
	return true
}

// intPasses reports whether the integer n passes every rule of rules.
func intPasses(n int64, rules []fastRule) bool {
	for i := range rules {
		if !fastInt(n, &rules[i]) {
			return false
		}
	}
	return true
}

// fastInt is fastOne for an integer value n.
func fastInt(n int64, r *fastRule) bool {
	switch r.op {
	case opMin:
		return n >= r.n
	case opMax:
		return n <= r.n
	}
	return false // the other rules check strings (or lists, unique)
}

// fastString is fastOne for a string value str.
func (s *structRules) fastString(str string, r *fastRule, year int) bool {
	switch r.op {
	case opMin:
		if int64(len(str)+3)/4 >= r.n {
			return true // at least a character per four bytes: no need to count
		}
		return int64(utf8.RuneCountInString(str)) >= r.n
	case opMax:
		if int64(len(str)) <= r.n {
			return true // at most a character per byte
		}
		return int64(utf8.RuneCountInString(str)) <= r.n
	case opOneOf:
		for _, w := range r.words {
			if w == str {
				return true
			}
		}
		return false
	case opDatetime:
		if r.param == dateLayout {
			_, ok := parseDate(str)
			return ok
		}
		_, err := time.Parse(r.param, str)
		return err == nil
	case opEmail:
		return s.v.Var(str, "email") == nil
	case opCodelist:
		if r.codes != nil && year >= FirstYear && year <= LastYear {
			return r.codes[year-FirstYear].has(str)
		}
		l, ok := s.lists.List(r.param)
		return ok && l.Contains(str, year)
	case opString:
		return s.checkString(r.tag, str, year)
	}
	return false // unique checks a list
}

// ruleSize is what min, max, gte and lte compare: a string's length in
// characters, a slice's in items, an integer's value.
func ruleSize(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.String:
		return int64(utf8.RuneCountInString(v.String()))
	case reflect.Slice:
		return int64(v.Len())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return v.Int()
	}
	return 0
}

// fail builds the problem of rule r failing on v at path, worded as
// go-playground/validator words it (field is the name its messages use:
// the JSON name, "name[i]" for an element, "" for an empty optional string
// checked alone). TestFastRulesAgree proves both give the same problems.
func (s *structRules) fail(v reflect.Value, r *fastRule, field, path string, year int) problem.Problem {
	f := failure{tag: r.tag, param: r.rawParam, kind: v.Kind(), value: v.Interface()}
	f.it, f.en = s.word(s.it, f, field), s.word(s.en, f, field)
	return s.problemOf(f, path, year)
}

// word mirrors the translations go-playground/validator registers (package
// translations/en and translations/it) for the tags whose message the
// problem keeps: min, max, gte, lte, oneof and email. Other tags get their
// own message in problemOf.
func (s *structRules) word(tr ut.Translator, f failure, field string) string {
	switch f.tag {
	case "min", "max", "gte", "lte":
		var digits uint64
		if i := strings.IndexByte(f.param, '.'); i >= 0 {
			digits = uint64(len(f.param) - i - 1)
		}
		n, err := strconv.ParseFloat(f.param, 64)
		if err != nil {
			return ""
		}
		var t string
		switch f.kind {
		case reflect.String:
			c, err := tr.C(f.tag+"-string-character", n, digits, tr.FmtNumber(n, digits))
			if err != nil {
				return ""
			}
			t, err = tr.T(f.tag+"-string", field, c)
		case reflect.Slice:
			c, err := tr.C(f.tag+"-items-item", n, digits, tr.FmtNumber(n, digits))
			if err != nil {
				return ""
			}
			t, err = tr.T(f.tag+"-items", field, c)
		default:
			t, err = tr.T(f.tag+"-number", field, tr.FmtNumber(n, digits))
		}
		if err != nil {
			return ""
		}
		return t
	case "oneof":
		t, _ := tr.T("oneof", field, f.param)
		return t
	case "email":
		t, _ := tr.T("email", field)
		return t
	}
	return ""
}
