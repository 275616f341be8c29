package questionnaire

import (
	"github.com/openregistro/registro/registry/codelist"
)

// yearCodes are the codes of one code list valid in each reporting year
// from FirstYear to LastYear: the fast rules' codelist check, one lookup
// without copying the list's item (codelist.List.Contains gives the same
// answers).
type yearCodes [LastYear - FirstYear + 1]codeSet

// codeSet is a set of codes: a short list is scanned, a long one hashed.
type codeSet struct {
	small []string
	big   map[string]struct{}
}

func newYearCodes(l *codelist.List) *yearCodes {
	yc := new(yearCodes)
	for y := FirstYear; y <= LastYear; y++ {
		codes := l.Codes(y)
		cs := &yc[y-FirstYear]
		if len(codes) <= 16 {
			cs.small = codes
			continue
		}
		cs.big = make(map[string]struct{}, len(codes))
		for _, c := range codes {
			cs.big[c] = struct{}{}
		}
	}
	return yc
}

func (cs *codeSet) has(code string) bool {
	if cs.big != nil {
		_, ok := cs.big[code]
		return ok
	}
	for _, c := range cs.small {
		if c == code {
			return true
		}
	}
	return false
}

// resolveCodeLists gives every codelist rule of plan (and of the plans it
// reaches) the codes of its list in lists, once per Validator.
func resolveCodeLists(plan *typePlan, lists *codelist.Set, seen map[*typePlan]bool) {
	if seen[plan] {
		return
	}
	seen[plan] = true
	if plan.elem != nil {
		resolveCodeLists(plan.elem, lists, seen)
	}
	for i := range plan.fields {
		f := &plan.fields[i]
		for _, rs := range [][]fastRule{f.rules.self, f.rules.each} {
			for k := range rs {
				if r := &rs[k]; r.tag == "codelist" {
					if l, ok := lists.List(r.param); ok {
						r.codes = newYearCodes(l)
					}
				}
			}
		}
		resolveCodeLists(f.plan, lists, seen)
	}
}
