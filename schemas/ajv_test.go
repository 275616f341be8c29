package schemas_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/openregistro/registro/registry/registrytest/optin"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/require"
)

// ajvCase is one document the AJV cross-check validates.
type ajvCase struct {
	Schema string `json:"schema"`
	File   string `json:"file"`
}

// ajvVerdict is one line of check.mjs's output.
type ajvVerdict struct {
	Schema string            `json:"schema"`
	Lang   string            `json:"lang"`
	File   string            `json:"file"`
	Valid  bool              `json:"valid"`
	Errors []json.RawMessage `json:"errors"`
}

// questionnaireCases returns the questionnaire package's example documents:
// every JSON object under ../questionnaire/testdata with a reportingYear
// that has a schema. Other files (golden outputs, NDJSON) are not documents.
func questionnaireCases(t *testing.T) []ajvCase {
	t.Helper()
	root := filepath.Join("..", "questionnaire", "testdata")
	var out []ajvCase
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || filepath.Ext(p) != ".json" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var doc struct {
			ReportingYear json.Number `json:"reportingYear"`
		}
		if json.Unmarshal(b, &doc) != nil || doc.ReportingYear == "" {
			return nil
		}
		y, err := strconv.Atoi(doc.ReportingYear.String())
		if err != nil {
			return nil
		}
		if _, err := schemas.Questionnaire(y); err != nil {
			return nil
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		out = append(out, ajvCase{Schema: schemas.QuestionnaireName(y), File: abs})
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestAJVAgreement runs AJV 8 (ajv/dist/2020, strict mode, ajv-formats) on
// every schema and every example document, and requires AJV's verdict to
// equal the Go validator's. It needs the node modules of ajv/ (installed by
// .ci/run with npm ci); without them it is skipped, except under CI=true,
// where it fails.
func TestAJVAgreement(t *testing.T) {
	if _, err := os.Stat(filepath.Join("ajv", "node_modules", "ajv", "package.json")); err != nil {
		msg := "AJV is not installed: run npm ci --prefix schemas/ajv (the CI does)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		optin.Skip(t, "AJV", "run npm ci --prefix schemas/ajv (needs Node.js) to run them")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH")
		}
		optin.Skip(t, "AJV", "node is not on PATH: install Node.js and run npm ci --prefix schemas/ajv to run them")
	}
	var cases []ajvCase
	for _, ex := range examples(t) {
		abs, err := filepath.Abs(ex.path)
		require.NoError(t, err)
		cases = append(cases, ajvCase{Schema: ex.schema, File: abs})
	}
	q := questionnaireCases(t)
	m := mutationCases(t, t.TempDir())
	t.Logf("%d own examples, %d questionnaire examples, %d mutated documents", len(cases), len(q), len(m))
	cases = append(cases, q...)
	cases = append(cases, m...)
	manifest := filepath.Join(t.TempDir(), "cases.json")
	b, err := json.Marshal(cases)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(manifest, b, 0o644))

	cmd := exec.Command(node, filepath.Join("ajv", "check.mjs"), schemas.Dir, manifest)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "AJV: %s", stderr.String())
	var res struct {
		Compiled []string     `json:"compiled"`
		Verdicts []ajvVerdict `json:"verdicts"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &res))
	require.Len(t, res.Compiled, 2*len(schemas.Names()), "AJV compiles every schema in both languages")
	require.Len(t, res.Verdicts, 2*len(cases), "one verdict per case and language")
	valid := 0
	for _, v := range res.Verdicts {
		if v.Valid {
			valid++
		}
	}
	t.Logf("AJV: %d verdicts, %d valid", len(res.Verdicts), valid)
	require.NotZero(t, valid, "some documents are valid")
	require.Less(t, valid, len(res.Verdicts), "some documents are invalid")
	goVerdicts := map[ajvCase]problem.List{}
	shaped := 0                 // the Go verdict does not depend on the language
	unique := map[string]bool{} // arrays where a uniqueItems problem was compared
	for _, v := range res.Verdicts {
		key := ajvCase{Schema: v.Schema, File: v.File}
		goProblems, done := goVerdicts[key]
		if !done {
			val, err := schemas.Get(v.Schema)
			require.NoError(t, err)
			doc, err := os.ReadFile(v.File)
			require.NoError(t, err)
			goProblems = val.Validate(doc)
			goVerdicts[key] = goProblems
		}
		if v.Valid != (len(goProblems) == 0) {
			t.Errorf("verdicts differ on %s (%s, %s): AJV valid=%v (%s), Go problems: %v", v.File, v.Schema, v.Lang, v.Valid, joinRaw(v.Errors), goProblems)
			continue
		}
		if v.Lang == "en" {
			shaped += sameShape(t, v, goProblems)
			for _, p := range goProblems {
				if p.Keyword == "uniqueItems" {
					unique[p.InstancePath] = true
				}
			}
		}
	}
	t.Logf("%d Go problems compared field by field with AJV's errors", shaped)
	require.NotZero(t, shaped)
	// Duplicates in every kind of array of codes (the questionnaire's
	// invalid-duplicate-* examples, the mutations that repeat an item) give
	// AJV's uniqueItems params {i, j}.
	for _, p := range []string{
		"/sections", "/body/qualifications", "/body/sectors", "/body/difficulties",
		"/projects/0/activityTypes", "/projects/0/sectors", "/projects/0/portaleAxes",
		"/projects/0/regions", "/projects/0/provinces", "/sectionII/phases", "/ukraineFocus/activityTypes",
	} {
		require.True(t, unique[p], "no uniqueItems problem at %s compared with AJV", p)
	}
}

// ajvShaped are the keywords whose problems must match one of AJV's errors
// field for field (instancePath, schemaPath, keyword, params). Problems of
// other keywords (oneOf of codes, not) carry extra params by design.
var ajvShaped = map[string]bool{
	"required": true, "additionalProperties": true, "type": true, "format": true, "pattern": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true,
	"uniqueItems": true, "const": true, "enum": true,
}

// sameShape checks that every Go problem of an AJV-shaped keyword is one of
// AJV's errors: same instancePath, keyword and params, and a schemaPath that
// ends with AJV's. (AJV starts schemaPath at the referenced definition when it
// does not inline a $ref — "#/required" — while ours is always the full
// location in the document — "#/$defs/questionnaire.Project/required".)
func sameShape(t *testing.T, v ajvVerdict, got problem.List) int {
	t.Helper()
	type shape struct {
		InstancePath string         `json:"instancePath"`
		SchemaPath   string         `json:"schemaPath"`
		Keyword      string         `json:"keyword"`
		Params       map[string]any `json:"params"`
	}
	key := func(s shape) string {
		b, err := json.Marshal([]any{s.InstancePath, s.Keyword, s.Params})
		require.NoError(t, err)
		return string(b)
	}
	decode := func(b []byte) shape {
		var s shape
		require.NoError(t, json.Unmarshal(b, &s))
		return s
	}
	ajv := map[string][]string{} // key → schema paths
	for _, e := range v.Errors {
		s := decode(e)
		ajv[key(s)] = append(ajv[key(s)], s.SchemaPath)
	}
	n := 0
	for _, p := range got {
		if !ajvShaped[p.Keyword] {
			continue
		}
		n++
		b, err := json.Marshal(p)
		require.NoError(t, err)
		s := decode(b)
		paths, ok := ajv[key(s)]
		if !ok {
			t.Errorf("%s: Go problem %s is not one of AJV's errors: %s", v.File, b, joinRaw(v.Errors))
			continue
		}
		suffix := false
		for _, sp := range paths {
			suffix = suffix || strings.HasSuffix(s.SchemaPath, strings.TrimPrefix(sp, "#"))
		}
		if !suffix {
			t.Errorf("%s: Go schemaPath %s does not end with AJV's %v", v.File, s.SchemaPath, paths)
		}
	}
	return n
}

func joinRaw(r []json.RawMessage) string {
	var b bytes.Buffer
	for i, m := range r {
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(m)
	}
	return b.String()
}

// mutationCases writes, for one valid example of each schema, documents that
// differ from it in one place — a property removed, an unknown property
// added, a value replaced by one of another type or at a boundary — so that
// AJV and Go are compared on many near-valid documents, not only on the
// hand-written ones.
func mutationCases(t *testing.T, dir string) []ajvCase {
	t.Helper()
	bases := map[string]string{
		"questionnaire-2019": "valid-section-i",
		"questionnaire-2021": "valid-national-branches",
		"questionnaire-2024": "valid-section-ii",
		"entity":             "valid-enrolled",
		"application":        "valid-sections-i-ii",
		"decision":           "valid-unknown-fact",
		"problem":            "valid-required",
	}
	var out []ajvCase
	for schema, name := range bases {
		b, err := os.ReadFile(filepath.Join("testdata", "examples", schema, name+".json"))
		require.NoError(t, err)
		var doc any
		require.NoError(t, json.Unmarshal(b, &doc))
		for i, m := range mutate(doc) {
			data, err := json.Marshal(m)
			require.NoError(t, err)
			file := filepath.Join(dir, fmt.Sprintf("%s-%04d.json", schema, i))
			require.NoError(t, os.WriteFile(file, data, 0o644))
			out = append(out, ajvCase{Schema: schema, File: file})
		}
	}
	return out
}

// mutate returns copies of doc, each changed in one place.
func mutate(doc any) []any {
	var out []any
	var walk func(v any, set func(any) any)
	walk = func(v any, set func(any) any) {
		switch x := v.(type) {
		case map[string]any:
			out = append(out, set(with(x, "zzUnknown", true)))
			for _, k := range sortedKeys(x) {
				out = append(out, set(without(x, k)))
				k := k
				walk(x[k], func(nv any) any { return set(with(x, k, nv)) })
			}
		case []any:
			out = append(out, set([]any{}))
			if len(x) > 0 {
				out = append(out, set(append(append([]any{}, x...), x[0])))
			}
			for i := range x {
				i := i
				walk(x[i], func(nv any) any {
					c := append([]any{}, x...)
					c[i] = nv
					return set(c)
				})
			}
		case string:
			for _, nv := range []any{"", 7, "2024-02-30", "x@", strings.Repeat("a", 301)} {
				out = append(out, set(nv))
			}
		case float64:
			for _, nv := range []any{-1, 1.5, "1", nil, 2019, 1e15} {
				out = append(out, set(nv))
			}
		case bool:
			out = append(out, set("true"))
		case nil:
			out = append(out, set("x"))
		}
	}
	walk(doc, func(v any) any { return v })
	return out
}

func with(m map[string]any, k string, v any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for kk, vv := range m {
		c[kk] = vv
	}
	c[k] = v
	return c
}

func without(m map[string]any, k string) map[string]any {
	c := make(map[string]any, len(m))
	for kk, vv := range m {
		if kk != k {
			c[kk] = vv
		}
	}
	return c
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
