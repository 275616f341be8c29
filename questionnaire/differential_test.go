package questionnaire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/require"
)

// mutant is one generated document: a year's example with one change.
type mutant struct {
	name string
	data []byte
}

// decodeTree decodes an example keeping numbers exact.
func decodeTree(tb testing.TB, b []byte) any {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(tb, dec.Decode(&v))
	return v
}

// clone copies a decoded JSON tree.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	}
	return v
}

// node is one value of a tree and the way to reach it.
type node struct {
	path []any // string keys and int indexes
	val  any
}

func nodes(v any, path []any, out *[]node) {
	*out = append(*out, node{path: slices.Clone(path), val: v})
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			nodes(x[k], append(path, k), out)
		}
	case []any:
		for i, e := range x {
			nodes(e, append(path, i), out)
		}
	}
}

// edit returns a copy of root in which fn replaced the value at path (fn
// returns the new value and false to delete it).
func edit(root any, path []any, fn func(old any) (any, bool)) any {
	root = clone(root)
	if len(path) == 0 {
		nv, _ := fn(root)
		return nv
	}
	parent := root
	for _, p := range path[:len(path)-1] {
		switch k := p.(type) {
		case string:
			parent = parent.(map[string]any)[k]
		case int:
			parent = parent.([]any)[k]
		}
	}
	switch k := path[len(path)-1].(type) {
	case string:
		m := parent.(map[string]any)
		nv, keep := fn(m[k])
		if keep {
			m[k] = nv
		} else {
			delete(m, k)
		}
	case int:
		a := parent.([]any)
		nv, _ := fn(a[k])
		a[k] = nv
	}
	return root
}

func pointerOf(path []any) string {
	toks := make([]string, len(path))
	for i, p := range path {
		toks[i] = fmt.Sprint(p)
	}
	return problem.Pointer(toks...)
}

// mutants generates, from one example, a document per change: every
// property deleted; every value replaced by one of each other JSON type;
// every string emptied, made unknown to its code list or too long; every
// number negative, fractional, huge; every array emptied, given a repeated
// item or grown past any bound; every object given an unknown property;
// every property of another year's example added where it is missing; and
// the section lists that switch the conditional blocks.
func mutants(tb testing.TB, base any, others []any) []mutant {
	var all []node
	nodes(base, nil, &all)
	var out []mutant
	add := func(name string, path []any, fn func(old any) (any, bool)) {
		b, err := json.Marshal(edit(base, path, fn))
		require.NoError(tb, err)
		out = append(out, mutant{name: name + " " + pointerOf(path), data: b})
	}
	set := func(v any) func(any) (any, bool) { return func(any) (any, bool) { return v, true } }
	long := strings.Repeat("x", 2100)
	for _, n := range all {
		if len(n.path) > 0 {
			if _, isKey := n.path[len(n.path)-1].(string); isKey {
				add("delete", n.path, func(any) (any, bool) { return nil, false })
			}
		}
		switch x := n.val.(type) {
		case map[string]any:
			add("unknown", n.path, func(old any) (any, bool) {
				m := old.(map[string]any)
				m["zzUnknown"] = 1
				return m, true
			})
			add("empty-object", n.path, set(map[string]any{}))
			add("array-for-object", n.path, set([]any{}))
			add("string-for-object", n.path, set("x"))
		case []any:
			add("empty-array", n.path, set([]any{}))
			add("object-for-array", n.path, set(map[string]any{}))
			add("null-for-array", n.path, set(nil))
			if len(x) > 0 {
				add("repeat-first", n.path, func(old any) (any, bool) {
					a := old.([]any)
					return append(a, clone(a[0])), true
				})
				add("grow", n.path, func(old any) (any, bool) {
					a := old.([]any)
					for len(a) < 600 {
						a = append(a, clone(a[0]))
					}
					return a, true
				})
				add("wrong-item", n.path, func(old any) (any, bool) {
					a := old.([]any)
					a = append(a, true)
					return a, true
				})
			}
		case string:
			add("empty-string", n.path, set(""))
			add("unknown-code", n.path, set("zz-not-a-code"))
			add("long-string", n.path, set(long))
			add("number-for-string", n.path, set(json.Number("7")))
			add("lower-case", n.path, set(strings.ToLower(x)+"x"))
			add("bad-date", n.path, set("2024-02-30"))
		case json.Number:
			add("negative", n.path, set(json.Number("-1")))
			add("fraction", n.path, set(json.Number("1.5")))
			add("huge", n.path, set(json.Number("1e30")))
			add("integral-float", n.path, set(json.Number("2.0e1")))
			add("string-for-number", n.path, set("7"))
			add("bool-for-number", n.path, set(false))
		case bool:
			add("string-for-bool", n.path, set("true"))
			add("null-for-bool", n.path, set(nil))
			add("flip", n.path, set(!x))
		}
	}
	// Properties another year's example has where this one has none: each
	// exists in some years only.
	for _, o := range others {
		var theirs []node
		nodes(o, nil, &theirs)
		for _, n := range theirs {
			if len(n.path) == 0 {
				continue
			}
			key, isKey := n.path[len(n.path)-1].(string)
			if !isKey || has(base, n.path) || !has(base, n.path[:len(n.path)-1]) {
				continue
			}
			val := n.val
			add("other-year-"+key, n.path[:len(n.path)-1], func(old any) (any, bool) {
				m, ok := old.(map[string]any)
				if !ok {
					return old, true
				}
				m[key] = clone(val)
				return m, true
			})
		}
	}
	for _, secs := range [][]any{{"I"}, {"II"}, {"I", "II"}, {"II", "I"}, {}} {
		add(fmt.Sprintf("sections-%v", secs), []any{"sections"}, set(secs))
	}
	add("not-json", nil, set(nil))
	out[len(out)-1].data = []byte(`{"reportingYear": 2024,`)
	return out
}

func has(root any, path []any) bool {
	cur := root
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return false
			}
			if cur, ok = m[k]; !ok {
				return false
			}
		case int:
			a, ok := cur.([]any)
			if !ok || k >= len(a) {
				return false
			}
			cur = a[k]
		}
	}
	return true
}

// exampleTrees returns the valid examples of every year, decoded.
func exampleTrees(tb testing.TB) map[int][]any {
	out := map[int][]any{}
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		files, err := filepath.Glob(filepath.Join("testdata", fmt.Sprint(y), "valid-*.json"))
		require.NoError(tb, err)
		require.NotEmpty(tb, files, "year %d has no valid example", y)
		for _, f := range files {
			if strings.HasSuffix(f, ".golden.json") {
				continue
			}
			b, err := os.ReadFile(f)
			require.NoError(tb, err)
			out[y] = append(out[y], decodeTree(tb, b))
		}
	}
	return out
}

// schemaKey is what a problem must share with the schema's: everything AJV
// reports but the message.
func schemaKey(p problem.Problem) string {
	params, _ := json.Marshal(p.Params)
	return strings.Join([]string{p.InstancePath, p.Keyword, string(params), p.SchemaPath, p.Code}, " ")
}

// beyond reports whether p is one of the rules a JSON Schema cannot express.
func beyond(p problem.Problem) bool {
	return slices.Contains(beyondSchema, p.Code) || strings.HasPrefix(p.SchemaPath, "#/x-rules/")
}

// TestDifferential generates hundreds of mutants of every year's examples
// and checks, for each, that the fast path (the compiled plan alone) and
// the general JSON Schema validator, run on the same bytes, give the same
// verdict and the same schema-level problems — instance path, keyword,
// params, schema path and code (modulo the documented older differences of
// normalFast) — and that the fast path reports, word for word, every
// problem of the previous pipeline, which re-ran the schema validator and
// go-playground/validator on every rejected document (Options{Schema,
// AlwaysStructRules}). The schema validator is asked at run time: nothing
// here depends on the published schemas' layout.
func TestDifferential(t *testing.T) {
	fast := MustValidator(t, questionnaire.Options{})
	slow := MustValidator(t, questionnaire.Options{Schema: questionnaire.PublishedSchema, AlwaysStructRules: true})
	ctx := context.Background()
	trees := exampleTrees(t)
	r := rand.New(rand.NewPCG(23, 1))
	perYear := 400
	if testing.Short() {
		perYear = 120
	}
	total := 0
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		sv, err := schemas.Questionnaire(y)
		require.NoError(t, err)
		var others []any
		for oy, ts := range trees {
			if oy != y {
				others = append(others, ts...)
			}
		}
		var ms []mutant
		for _, base := range trees[y] {
			ms = append(ms, mutants(t, base, others)...)
		}
		r.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
		if len(ms) > perYear {
			ms = ms[:perYear]
		}
		for _, m := range ms {
			total++
			got, err := fast.Validate(ctx, y, m.data)
			require.NoError(t, err)
			want := sv.Validate(m.data)
			want = normalSchema(want)
			var onGround []string
			for _, p := range got {
				if !beyond(p) && !schemaHasOther(want, p) {
					onGround = append(onGround, schemaKey(normalFast(p)))
				}
			}
			if (len(onGround) > 0) != (want != nil) {
				t.Errorf("%d %s: verdicts differ: fast %v, schema %v\n%s", y, m.name, got, want, m.data)
				continue
			}
			// Every problem the fast path reports on the schema's ground is
			// one the schema reports, and every problem of the schema is
			// reported at the same place (the schema can add a second
			// keyword at a value the fast path already rejected: a wrong
			// type fails the type and the enum both).
			schemaKeys := map[string]bool{}
			for _, p := range want {
				schemaKeys[schemaKey(p)] = true
			}
			for _, k := range onGround {
				if !schemaKeys[k] {
					t.Errorf("%d %s: fast path reports %s, the schema does not:\nfast   %v\nschema %v", y, m.name, k, got, want)
				}
			}
			gotKeys := map[string]bool{}
			for _, k := range onGround {
				gotKeys[k] = true
			}
			for _, p := range want {
				if !gotKeys[schemaKey(p)] && !coveredAt(got, p) {
					t.Errorf("%d %s: schema reports %s, the fast path nothing there:\nfast   %v\nschema %v", y, m.name, schemaKey(p), got, want)
				}
			}
			// Every problem the previous pipeline reported (the schema
			// validator's list merged into go-playground's), the fast path
			// reports word for word; what it adds is the schema's (checked
			// above): the previous merge kept one problem per value, where
			// AJV reports every failing keyword (maxItems and uniqueItems).
			old, err := slow.Validate(ctx, y, m.data)
			require.NoError(t, err)
			gotJSON := map[string]bool{}
			for _, p := range got {
				gotJSON[string(mustJSONb(p))] = true
			}
			for _, p := range old {
				if !gotJSON[string(mustJSONb(p))] {
					t.Errorf("%d %s: the previous pipeline reports %s, the fast path does not:\nfast %s\nold  %s", y, m.name, mustJSONb(p), mustJSON(t, got), mustJSON(t, old))
				}
			}
			for _, p := range got {
				if beyond(p) && !slices.ContainsFunc(old, func(q problem.Problem) bool { return bytes.Equal(mustJSONb(p), mustJSONb(q)) }) {
					t.Errorf("%d %s: the fast path adds %s beyond the schema:\nfast %s\nold  %s", y, m.name, mustJSONb(p), mustJSON(t, got), mustJSON(t, old))
				}
			}
		}
	}
	t.Logf("%d mutants", total)
}

// coveredAt reports whether l already rejects the value p is about (the same
// instance path, not a property-level problem of its parent).
func coveredAt(l problem.List, p problem.Problem) bool {
	for _, q := range l {
		if q.InstancePath == p.InstancePath && q.Keyword == "type" {
			return true
		}
	}
	return false
}

// The forms in which the pipeline's problems knowingly differ from the
// schema validator's, all of them older than the fast path and part of the
// golden lists; normalFast and normalSchema bring both to one form, and
// nothing else is forgiven.
//
//   - A code not in its list (oneOf of consts): the pipeline's params add
//     the list's name ("list") and leave out AJV's "passingSchemas" (always
//     null for a list of distinct constants).
//   - A conditional block present where it is not allowed: the pipeline
//     points at the block ("/sectionII"), AJV at the object holding it ("").
//   - The reporting year: the published schema of a year has the year as a
//     const; the pipeline calls it year_mismatch, and also checks the Go
//     type's range (gte=2019,lte=2100), which the year's schema replaces.
//   - Text that is not JSON: both say invalid_json, each with its parser's
//     message.
func normalFast(p problem.Problem) problem.Problem {
	p.Params = maps.Clone(p.Params)
	switch {
	case p.Code == schemas.CodeNotInList:
		delete(p.Params, "list")
	case p.Keyword == "not" && (p.Code == questionnaire.CodeSectionIIBlock || p.Code == questionnaire.CodeBranchesNotAllowed):
		p.InstancePath = ""
	case p.Code == questionnaire.CodeYearMismatch:
		p.Code = schemas.CodeConst
	case p.Code == schemas.CodeInvalidJSON:
		p.Params = nil
	}
	return p
}

func normalSchema(l problem.List) problem.List {
	if l == nil {
		return nil
	}
	out := make(problem.List, len(l))
	for i, p := range l {
		p.Params = maps.Clone(p.Params)
		switch p.Code {
		case schemas.CodeNotInList:
			delete(p.Params, "passingSchemas")
		case schemas.CodeInvalidJSON:
			p.Params = nil
		}
		out[i] = p
	}
	return out
}

// schemaHasOther reports whether p is the pipeline's range check of the
// reporting year where the year's schema reports its const.
func schemaHasOther(schema problem.List, p problem.Problem) bool {
	if p.InstancePath != "/reportingYear" || (p.Keyword != "minimum" && p.Keyword != "maximum") {
		return false
	}
	for _, q := range schema {
		if q.InstancePath == p.InstancePath && q.Keyword == "const" {
			return true
		}
	}
	return false
}

func mustJSONb(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func mustJSON(tb testing.TB, v any) string {
	b, err := json.Marshal(v)
	require.NoError(tb, err)
	return string(b)
}
