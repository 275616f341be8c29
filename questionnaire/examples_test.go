package questionnaire_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata examples and golden files")

type obj = map[string]any

// mutation turns a valid sample into an invalid document breaking one rule.
type mutation struct {
	name      string
	sectionII bool
	years     func(y int) bool
	// beyond is true when the rule lies beyond the JSON Schema's ground
	// (cross-field or register rules), so the schema accepts the document.
	beyond bool
	apply  func(d obj, y int)
}

func all(int) bool { return true }

func at(d obj, path ...any) any {
	var cur any = d
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(obj)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur
}

func mutations() []mutation {
	return []mutation{
		{name: "required-project-title", years: all, apply: func(d obj, _ int) { delete(at(d, "projects", 0).(obj), "title") }},
		{name: "unknown-field", years: all, apply: func(d obj, _ int) { at(d, "body").(obj)["nickname"] = "x" }},
		{name: "wrong-type", years: all, apply: func(d obj, _ int) { at(d, "projects", 1, "beneficiaries").(obj)["total"] = "many" }},
		{name: "not-integer", years: all, apply: func(d obj, _ int) { at(d, "projects", 0, "funds").(obj)["totalCents"] = 1.5 }},
		{name: "not-in-list", years: all, apply: func(d obj, _ int) { at(d, "body").(obj)["legalForm"] = "castle" }},
		{name: "bad-date", years: all, apply: func(d obj, y int) { at(d, "projects", 0).(obj)["startDate"] = fmt.Sprintf("%d-02-30", y) }},
		{name: "negative-count", years: all, apply: func(d obj, _ int) { at(d, "projects", 0, "humanResources").(obj)["culturalMediators"] = -1 }},
		{name: "empty-sectors", years: all, apply: func(d obj, _ int) { at(d, "body").(obj)["sectors"] = []any{} }},
		{name: "empty-optional-date", years: all, apply: func(d obj, _ int) { at(d, "projects", 2).(obj)["endDate"] = "" }},
		{name: "not-in-year-ukraine-focus", years: func(y int) bool { return y < 2022 }, apply: func(d obj, _ int) {
			d["ukraineFocus"] = obj{"active": true, "beneficiaries": 3}
		}},
		{name: "not-in-year-difficulties", years: func(y int) bool { return y < 2024 }, apply: func(d obj, _ int) {
			at(d, "body").(obj)["difficulties"] = []any{"funding"}
		}},
		{name: "not-in-year-labour-inclusion", sectionII: true, years: func(y int) bool { return y < 2024 }, apply: func(d obj, _ int) {
			at(d, "sectionII").(obj)["labourInclusion"] = obj{"peopleInvolved": 1, "outcomes": []any{}}
		}},
		{name: "required-ukraine-focus", years: func(y int) bool { return y >= 2022 }, apply: func(d obj, _ int) { delete(d, "ukraineFocus") }},
		{name: "required-labour-inclusion", sectionII: true, years: func(y int) bool { return y >= 2024 }, apply: func(d obj, _ int) {
			delete(at(d, "sectionII").(obj), "labourInclusion")
		}},
		{name: "section-ii-block-missing", years: all, apply: func(d obj, _ int) { d["sections"] = []any{"I", "II"} }},
		{name: "section-ii-block-not-allowed", sectionII: true, years: all, apply: func(d obj, _ int) { d["sections"] = []any{"I"} }},
		{name: "branches-not-allowed", years: all, apply: func(d obj, _ int) {
			d["branches"] = []any{obj{"name": "Sede di Bergamo", "region": "03", "projects": 1, "beneficiaries": 10, "staff": 2}}
		}},
		{name: "year-mismatch", years: all, apply: func(d obj, y int) { d["reportingYear"] = y - 1 }},
		{name: "end-before-start", beyond: true, years: all, apply: func(d obj, y int) { at(d, "projects", 0).(obj)["endDate"] = fmt.Sprintf("%d-01-15", y) }},
		{name: "project-outside-year", beyond: true, years: all, apply: func(d obj, y int) {
			p := at(d, "projects", 1).(obj)
			p["startDate"], p["endDate"] = fmt.Sprintf("%d-01-01", y-2), fmt.Sprintf("%d-06-30", y-2)
		}},
		{name: "funds-sum-mismatch", beyond: true, years: all, apply: func(d obj, _ int) { at(d, "projects", 0, "funds").(obj)["totalCents"] = 1 }},
		{name: "breakdown-sum-mismatch", beyond: true, years: all, apply: func(d obj, _ int) { at(d, "projects", 0, "beneficiaries", "bySex", 0).(obj)["count"] = 1 }},
		{name: "minors-exceed-total", beyond: true, years: all, apply: func(d obj, _ int) { at(d, "projects", 0, "beneficiaries").(obj)["unaccompaniedMinors"] = 151 }},
		{name: "duplicate-section", years: all, apply: func(d obj, _ int) { d["sections"] = []any{"I", "I"} }},
		{name: "duplicate-codes", sectionII: true, years: all, apply: func(d obj, y int) {
			dup := func(list any) []any { l := list.([]any); return append(append([]any{}, l...), l[0]) }
			body := at(d, "body").(obj)
			body["qualifications"] = dup(body["qualifications"])
			body["sectors"] = []any{"social_assistance", "education_training", "social_assistance", "education_training"}
			if y >= 2024 {
				body["difficulties"] = dup(body["difficulties"])
			}
			p := at(d, "projects", 0).(obj)
			for _, k := range []string{"activityTypes", "sectors", "portaleAxes", "provinces"} {
				p[k] = dup(p[k])
			}
			p["regions"] = []any{"03", "03", "03"}
			sii := at(d, "sectionII").(obj)
			sii["phases"] = dup(sii["phases"])
			if y >= 2022 {
				uf := at(d, "ukraineFocus").(obj)
				uf["activityTypes"] = dup(uf["activityTypes"])
			}
		}},
		{name: "duplicate-fund-source", beyond: true, years: all, apply: func(d obj, _ int) { at(d, "projects", 0, "funds", "bySource", 1).(obj)["source"] = "eu_amif" }},
		{name: "project-section-not-declared", beyond: true, years: all, apply: func(d obj, _ int) { at(d, "projects", 0).(obj)["section"] = "II" }},
		{name: "permits-exceed-requested", beyond: true, sectionII: true, years: all, apply: func(d obj, _ int) { at(d, "sectionII").(obj)["permitsObtained"] = 99 }},
		{name: "body-tax-code-check-digit", beyond: true, years: all, apply: func(d obj, _ int) { at(d, "body").(obj)["taxCode"] = "80123450150" }},
	}
}

func sampleObj(t testing.TB, v *questionnaire.Validator, year int, sectionII bool) obj {
	b, err := v.Marshal(questionnairetest.Sample(year, 3, sectionII))
	require.NoError(t, err)
	var d obj
	require.NoError(t, json.Unmarshal(b, &d))
	return d
}

func marshalIndent(t testing.TB, d any) []byte {
	b, err := json.MarshalIndent(d, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// TestExamples checks every example under testdata/YEAR against its golden
// problems (go test -update rewrites both from the samples and mutations).
func TestExamples(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{})
	ctx := context.Background()
	if *update {
		for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
			dir := filepath.Join("testdata", fmt.Sprint(y))
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "valid-section-i.json"), marshalIndent(t, sampleObj(t, v, y, false)), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "valid-sections-i-ii.json"), marshalIndent(t, sampleObj(t, v, y, true)), 0o644))
			for _, m := range mutations() {
				if !m.years(y) {
					continue
				}
				d := sampleObj(t, v, y, m.sectionII)
				m.apply(d, y)
				require.NoError(t, os.WriteFile(filepath.Join(dir, "invalid-"+m.name+".json"), marshalIndent(t, d), 0o644))
			}
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "20??", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		if strings.HasSuffix(f, ".golden.json") {
			continue
		}
		t.Run(f, func(t *testing.T) {
			var year int
			_, err := fmt.Sscanf(filepath.Base(filepath.Dir(f)), "%d", &year)
			require.NoError(t, err)
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			probs, err := v.Validate(ctx, year, data)
			require.NoError(t, err)
			valid := strings.HasPrefix(filepath.Base(f), "valid-")
			if valid {
				assert.Empty(t, probs)
			} else {
				assert.True(t, probs.HasErrors(), "an invalid example must be rejected")
			}
			golden := strings.TrimSuffix(f, ".json") + ".golden.json"
			if probs == nil {
				probs = problem.List{}
			}
			got := marshalIndent(t, probs)
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(got))
		})
	}
}

// beyondSchema are the codes of rules the JSON Schema cannot express.
var beyondSchema = []string{
	questionnaire.CodeProjectSection, questionnaire.CodeEndBeforeStart,
	questionnaire.CodeOutsideYear, questionnaire.CodeFundsSum, questionnaire.CodeBreakdownSum,
	questionnaire.CodeDuplicateCode, questionnaire.CodeMinorsExceedTotal, questionnaire.CodeMinorsExceedAgeBand,
	questionnaire.CodeUkrainiansExceedTotal, questionnaire.CodeForeignBornExceed, questionnaire.CodeMediatorsExceedStaff,
	questionnaire.CodePermitsExceed, questionnaire.CodeUkraineInactive, questionnaire.CodeBodyNotFound,
	questionnaire.CodeRegisterIDMismatch, questionnaire.CodeSectionNotEnrolled, questionnaire.CodeFilerNotEnabled,
	questionnaire.CodeTaxCodeCheck, questionnaire.CodeTerritoryUnknown,
}

// onSchemaGround reports whether probs holds a problem the schema must also
// find: anything but the rules beyond it. Format checks finer than the
// schema's patterns (check digits, existing territory codes) are beyond too;
// the generated documents below never produce a value that passes a pattern
// but fails such a check, except where a mutation is marked beyond.
func onSchemaGround(probs problem.List) bool {
	for _, p := range probs {
		if p.Severity == problem.Error && !slices.Contains(beyondSchema, p.Code) {
			return true
		}
	}
	return false
}

func oracle(t *testing.T, v *questionnaire.Validator, year int, data []byte, label string) {
	t.Helper()
	sv, err := schemas.Questionnaire(year)
	require.NoError(t, err)
	probs, err := v.Validate(context.Background(), year, data)
	require.NoError(t, err)
	schemaProbs := sv.Validate(data)
	if onSchemaGround(probs) != (schemaProbs != nil) {
		t.Errorf("%s (year %d): pipeline says %v, schema says %v\n%s", label, year, probs, schemaProbs, data)
	}
}

// TestOracleExamples: on every example the pipeline's verdict equals the JSON
// Schema's (santhosh-tekuri/jsonschema) on the schema's own ground.
func TestOracleExamples(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{NoSchema: true})
	files, err := filepath.Glob(filepath.Join("testdata", "20??", "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, ".golden.json") {
			continue
		}
		var year int
		fmt.Sscanf(filepath.Base(filepath.Dir(f)), "%d", &year)
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		oracle(t, v, year, data, f)
	}
}

// mutate applies a random structural change somewhere in d: delete a
// property, replace a value by one of another type, add an unknown property,
// or empty an array.
func mutate(r *rand.Rand, d any) any {
	switch x := d.(type) {
	case obj:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if len(keys) == 0 || r.IntN(6) == 0 {
			switch r.IntN(3) {
			case 0:
				x["zzUnknown"] = 1
			case 1:
				if len(keys) > 0 {
					delete(x, keys[r.IntN(len(keys))])
				}
			default:
				return wrongType(r, x)
			}
			return x
		}
		k := keys[r.IntN(len(keys))]
		x[k] = mutate(r, x[k])
		return x
	case []any:
		if len(x) == 0 || r.IntN(5) == 0 {
			if r.IntN(2) == 0 {
				return []any{}
			}
			return wrongType(r, x)
		}
		i := r.IntN(len(x))
		x[i] = mutate(r, x[i])
		return x
	}
	return wrongType(r, d)
}

func wrongType(r *rand.Rand, d any) any {
	choices := []any{"text", 7, 2.5, true, nil, obj{}, []any{}, -3, ""}
	for {
		c := choices[r.IntN(len(choices))]
		if fmt.Sprintf("%T", c) != fmt.Sprintf("%T", d) || r.IntN(3) == 0 {
			return c
		}
	}
}

// TestOracleMutated: on thousands of randomly mutated documents of every
// year, the pipeline's verdict equals the schema's on the schema's ground.
func TestOracleMutated(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{NoSchema: true})
	r := rand.New(rand.NewPCG(1, 2))
	n := 60
	if testing.Short() {
		n = 40
	}
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		for i := range n {
			d := sampleObj(t, v, y, i%2 == 0)
			for range 1 + r.IntN(3) {
				mutate(r, d)
			}
			data, err := json.Marshal(d)
			require.NoError(t, err)
			oracle(t, v, y, data, fmt.Sprintf("mutant %d", i))
		}
	}
}

// TestFastRulesAgree: the compiled fast rules word every problem as
// go-playground/validator does, on every mutated document. Go-playground
// stops at a value's first failing rule and dives only into a passing
// array; the fast path, like AJV, reports every failing rule of a value
// (an array too long and with a repeated item): each problem go-playground
// reports the fast path reports word for word, and each one it adds lies at
// a value go-playground rejected too.
func TestFastRulesAgree(t *testing.T) {
	fast := MustValidator(t, questionnaire.Options{})
	slow := MustValidator(t, questionnaire.Options{AlwaysStructRules: true})
	r := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		for i := range 80 {
			d := sampleObj(t, fast, y, i%2 == 1)
			mutate(r, d)
			if i%5 == 0 { // an array too long, with a repeated item
				ps, _ := d["projects"].([]any)
				p, _ := append(ps, nil)[0].(obj)
				if a, ok := p["activityTypes"].([]any); ok && len(a) > 0 {
					for len(a) < 20 {
						a = append(a, a[0])
					}
					p["activityTypes"] = a
				}
			}
			data, _ := json.Marshal(d)
			a, err := fast.Validate(ctx, y, data)
			require.NoError(t, err)
			b, err := slow.Validate(ctx, y, data)
			require.NoError(t, err)
			same := func(l problem.List, p problem.Problem) bool {
				return slices.ContainsFunc(l, func(q problem.Problem) bool { return assert.ObjectsAreEqual(p, q) })
			}
			for _, p := range b {
				require.True(t, same(a, p), "go-playground reports %v, the fast path does not\n%s", p, data)
			}
			for _, p := range a {
				if !same(b, p) {
					require.True(t, slices.ContainsFunc(b, func(q problem.Problem) bool { return q.InstancePath == p.InstancePath }),
						"the fast path adds %v where go-playground found nothing\n%s", p, data)
				}
			}
		}
	}
}
