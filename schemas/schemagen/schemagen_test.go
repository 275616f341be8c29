package schemagen_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/openregistro/registro/schemas/schemagen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func generate(t *testing.T) schemagen.Files {
	t.Helper()
	files, err := schemagen.Generate(schemagen.Options{})
	require.NoError(t, err)
	return files
}

// TestNoDrift proves the committed files are exactly what the generator
// makes from the Go types, labels and code lists now.
func TestNoDrift(t *testing.T) {
	files := generate(t)
	const fix = "the committed schemas are stale: run go generate ./schemas/... and commit the result"
	dir := filepath.Join("..", schemas.Dir)
	var onDisk []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel("..", p)
		onDisk = append(onDisk, filepath.ToSlash(rel))
		return err
	}))
	sort.Strings(onDisk)
	require.Equal(t, files.Paths(), onDisk, fix)
	for _, p := range files.Paths() {
		b, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(p)))
		require.NoError(t, err)
		if string(b) != string(files[p]) {
			t.Errorf("%s differs from the generator's output: %s", p, fix)
		}
	}
}

// strip removes the annotations (title, description) from a decoded schema.
func strip(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k == "title" || k == "description" {
				continue
			}
			out[k] = strip(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = strip(e)
		}
		return out
	}
	return v
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

// TestLanguageParity proves the Italian and English files are identical
// apart from their annotations, and that the annotations do differ.
func TestLanguageParity(t *testing.T) {
	files := generate(t)
	for _, name := range schemas.Names() {
		t.Run(name, func(t *testing.T) {
			en := files[path.Join(schemas.Dir, "en", name+".json")]
			it := files[path.Join(schemas.Dir, "it", name+".json")]
			require.NotEmpty(t, en)
			require.NotEmpty(t, it)
			assert.Equal(t, strip(decode(t, en)), strip(decode(t, it)))
			assert.NotEqual(t, string(en), string(it))
		})
	}
}

// walk calls fn on every subschema with its location.
func walk(loc string, v any, fn func(loc string, s map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(loc, x)
		for k, e := range x {
			walk(loc+"/"+k, e, fn)
		}
	case []any:
		for i, e := range x {
			walk(loc+"/"+itoa(i), e, fn)
		}
	}
}

func itoa(i int) string { return problem.Index(i) }

// TestAnnotations proves every property and every enum value has a title
// and a description, in both languages.
func TestAnnotations(t *testing.T) {
	files := generate(t)
	for _, p := range files.Paths() {
		if path.Base(p) == schemas.FieldsByYearFile {
			continue
		}
		t.Run(p, func(t *testing.T) {
			doc := decode(t, files[p])
			assert.NotEmpty(t, doc["title"], "root title")
			assert.NotEmpty(t, doc["description"], "root description")
			walk("#", doc, func(loc string, s map[string]any) {
				if props, ok := s["properties"].(map[string]any); ok && !strings.Contains(loc, "/if") && !strings.Contains(loc, "/then") && !strings.Contains(loc, "/else") {
					for name, ps := range props {
						m, _ := ps.(map[string]any)
						assert.NotEmpty(t, m["title"], "%s/properties/%s has no title", loc, name)
						assert.NotEmpty(t, m["description"], "%s/properties/%s has no description", loc, name)
					}
				}
				if branches, ok := s["oneOf"].([]any); ok {
					for i, b := range branches {
						m, _ := b.(map[string]any)
						if _, isConst := m["const"]; isConst {
							assert.NotEmpty(t, m["title"], "%s/oneOf/%d has no title", loc, i)
							assert.NotEmpty(t, m["description"], "%s/oneOf/%d has no description", loc, i)
						}
					}
				}
			})
		})
	}
}

// TestPortableKeywords proves the schemas use only keywords AJV and
// santhosh-tekuri agree on, that $defs names are package-qualified, and that
// every $id lies under the one base URI.
func TestPortableKeywords(t *testing.T) {
	files := generate(t)
	for _, p := range files.Paths() {
		if path.Base(p) == schemas.FieldsByYearFile {
			continue
		}
		t.Run(p, func(t *testing.T) {
			doc := decode(t, files[p])
			assert.True(t, strings.HasPrefix(doc["$id"].(string), schemas.BaseURI))
			defs, _ := doc["$defs"].(map[string]any)
			for name := range defs {
				assert.Regexp(t, `^[a-z]+\.[A-Z][A-Za-z0-9]*$`, name)
			}
			walk("#", doc, func(loc string, s map[string]any) {
				for _, bad := range []string{"$dynamicRef", "$dynamicAnchor", "$recursiveRef", "unevaluatedProperties", "unevaluatedItems"} {
					assert.NotContains(t, s, bad, loc)
				}
				if s["type"] == "object" && s["properties"] != nil && !strings.Contains(loc, "/if") {
					assert.Equal(t, false, s["additionalProperties"], "%s must close its properties", loc)
				}
			})
		})
	}
}

// TestYearBoundFields proves a field with a since tag is absent before its
// year and present from it.
func TestYearBoundFields(t *testing.T) {
	files := generate(t)
	prop := func(year, def, field string) bool {
		doc := decode(t, files[path.Join(schemas.Dir, "en", "questionnaire-"+year+".json")])
		d, ok := doc["$defs"].(map[string]any)[def].(map[string]any)
		if !ok {
			return false
		}
		_, ok = d["properties"].(map[string]any)[field]
		return ok
	}
	tests := []struct {
		year, def, field string
		want             bool
	}{
		{"2021", "questionnaire.Document", "ukraineFocus", false},
		{"2022", "questionnaire.Document", "ukraineFocus", true},
		{"2023", "questionnaire.Body", "difficulties", false},
		{"2024", "questionnaire.Body", "difficulties", true},
		{"2019", "questionnaire.Beneficiaries", "ukrainianCitizens", false},
		{"2025", "questionnaire.Beneficiaries", "ukrainianCitizens", true},
		{"2023", "questionnaire.LabourInclusion", "outcomes", false},
		{"2024", "questionnaire.LabourInclusion", "outcomes", true},
	}
	for _, tt := range tests {
		t.Run(tt.year+"/"+tt.field, func(t *testing.T) {
			assert.Equal(t, tt.want, prop(tt.year, tt.def, tt.field))
		})
	}
}

type badRule struct {
	A string `json:"a" validate:"startswith=x"`
}

type unlabelled struct {
	A string `json:"a"`
}

func TestGenerateErrors(t *testing.T) {
	labels, err := schemagen.DefaultLabels()
	require.NoError(t, err)
	labels.Types["schemagen_test.badRule"] = map[string]schemagen.Label{
		"":  {Title: problem.Text{IT: "x", EN: "x"}, Description: problem.Text{IT: "x", EN: "x"}},
		"a": {Title: problem.Text{IT: "x", EN: "x"}, Description: problem.Text{IT: "x", EN: "x"}},
	}
	labels.Schemas["t"] = schemagen.Label{Title: problem.Text{IT: "x", EN: "x"}, Description: problem.Text{IT: "x", EN: "x"}}
	_, err = schemagen.Generate(schemagen.Options{Labels: labels, Docs: []schemagen.Doc{{Name: "t", Kind: "t", Type: reflect.TypeOf(badRule{})}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "startswith")

	_, err = schemagen.Generate(schemagen.Options{Labels: labels, Docs: []schemagen.Doc{{Name: "t", Kind: "t", Type: reflect.TypeOf(unlabelled{})}}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, schemagen.ErrMissingLabel))
	assert.Contains(t, err.Error(), "schemagen_test.unlabelled.a")
}

type twoBranches struct {
	Q questionnaire.Branch `json:"q"`
	R registry.Branch      `json:"r"`
}

// TestNoDefsCollision proves two types with the same name in two packages
// get two $defs (invopop's default namer would merge them into "Branch").
func TestNoDefsCollision(t *testing.T) {
	labels, err := schemagen.DefaultLabels()
	require.NoError(t, err)
	x := schemagen.Label{Title: problem.Text{IT: "x", EN: "x"}, Description: problem.Text{IT: "x", EN: "x"}}
	labels.Types["schemagen_test.twoBranches"] = map[string]schemagen.Label{"": x, "q": x, "r": x}
	labels.Schemas["t"] = x
	files, err := schemagen.Generate(schemagen.Options{Labels: labels, Docs: []schemagen.Doc{{Name: "t", Kind: "t", Type: reflect.TypeOf(twoBranches{})}}})
	require.NoError(t, err)
	doc := decode(t, files[path.Join(schemas.Dir, "en", "t.json")])
	defs := doc["$defs"].(map[string]any)
	require.Contains(t, defs, "questionnaire.Branch")
	require.Contains(t, defs, "registry.Branch")
	props := defs["schemagen_test.twoBranches"].(map[string]any)["properties"].(map[string]any)
	assert.Equal(t, "#/$defs/questionnaire.Branch", props["q"].(map[string]any)["$ref"])
	assert.Equal(t, "#/$defs/registry.Branch", props["r"].(map[string]any)["$ref"])
}

// TestNoStaleLabels proves every label in labels.json is used by some
// published schema, so a renamed or removed field does not leave dead text.
func TestNoStaleLabels(t *testing.T) {
	files := generate(t)
	labels, err := schemagen.DefaultLabels()
	require.NoError(t, err)
	used := map[string]map[string]bool{}
	for _, name := range schemas.Names() {
		doc := decode(t, files[path.Join(schemas.Dir, "en", name+".json")])
		defs, _ := doc["$defs"].(map[string]any)
		for d, v := range defs {
			if used[d] == nil {
				used[d] = map[string]bool{"": true}
			}
			props, _ := v.(map[string]any)["properties"].(map[string]any)
			for p := range props {
				used[d][p] = true
			}
		}
	}
	for typ, fields := range labels.Types {
		for f := range fields {
			assert.True(t, used[typ][f], "labels.json: %s.%s is not in any schema", typ, f)
		}
	}
	for kind := range labels.Schemas {
		found := false
		for _, name := range schemas.Names() {
			found = found || name == kind || strings.HasPrefix(name, kind+"-")
		}
		assert.True(t, found, "labels.json: schema %q is not published", kind)
	}
}

// TestDeclaredAbsentBlocks: the application schema forbids every field the
// applicant declares absent, with the code the register's validator uses.
func TestDeclaredAbsentBlocks(t *testing.T) {
	files := generate(t)
	for _, lang := range []string{"en", "it"} {
		t.Run(lang, func(t *testing.T) {
			// The blocks sit beside the root's $ref (formRoot).
			var doc struct {
				AllOf []struct {
					Comment string `json:"$comment"`
					If      struct {
						Properties map[string]struct {
							Contains struct {
								Const string `json:"const"`
							} `json:"contains"`
						} `json:"properties"`
					} `json:"if"`
					Then struct {
						Not struct {
							Required []string `json:"required"`
						} `json:"not"`
					} `json:"then"`
				} `json:"allOf"`
			}
			require.NoError(t, json.Unmarshal(files[path.Join(schemas.Dir, lang, "application.json")], &doc))
			blocks := doc.AllOf
			var got []string
			for _, b := range blocks {
				assert.Equal(t, "code: "+registry.CodeDeclaredAbsent, b.Comment)
				f := b.If.Properties["declaredAbsent"].Contains.Const
				assert.Equal(t, []string{f}, b.Then.Not.Required, "block for %q", f)
				got = append(got, f)
			}
			assert.Equal(t, registry.DeclaredAbsentFields(), got)
		})
	}
}

// TestFormRoot checks the shape form libraries that read the schema need
// (issue 25): every root says type "object" beside its $ref, no definition
// carries allOf, anyOf or a oneOf that is not a code list (JSON Forms' generated
// layout renders none of them), and the conditional blocks sit beside the
// root's $ref.
func TestFormRoot(t *testing.T) {
	files := generate(t)
	tests := []struct {
		name   string
		blocks int // conditional blocks beside the root's $ref; -1: at least one
	}{
		{"application", -1},
		{"decision", 0},
		{"entity", 0},
		{"problem", 0},
		{"questionnaire-2019", -1},
		{"questionnaire-2020", -1},
		{"questionnaire-2021", -1},
		{"questionnaire-2022", -1},
		{"questionnaire-2023", -1},
		{"questionnaire-2024", -1},
		{"questionnaire-2025", -1},
	}
	for _, tt := range tests {
		for _, lang := range []string{"en", "it"} {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				var doc struct {
					Ref   string                    `json:"$ref"`
					Type  string                    `json:"type"`
					AllOf []map[string]any          `json:"allOf"`
					Defs  map[string]map[string]any `json:"$defs"`
				}
				b, ok := files[path.Join(schemas.Dir, lang, tt.name+".json")]
				require.True(t, ok)
				require.NoError(t, json.Unmarshal(b, &doc))
				assert.Equal(t, "object", doc.Type)
				assert.NotEmpty(t, doc.Ref)
				if tt.blocks < 0 {
					assert.NotEmpty(t, doc.AllOf)
				} else {
					assert.Len(t, doc.AllOf, tt.blocks)
				}
				for _, blk := range doc.AllOf {
					assert.Contains(t, blk, "if")
				}
				var walk func(at string, s any)
				walk = func(at string, s any) {
					switch s := s.(type) {
					case map[string]any:
						for _, kw := range []string{"allOf", "anyOf"} {
							assert.NotContains(t, s, kw, "%s: a combinator JSON Forms cannot render", at)
						}
						if one, ok := s["oneOf"].([]any); ok {
							for _, br := range one {
								m, _ := br.(map[string]any)
								assert.Contains(t, m, "const", "%s: oneOf that is not a code list", at)
							}
						}
						for k, v := range s {
							walk(at+"/"+k, v)
						}
					case []any:
						for i, v := range s {
							walk(fmt.Sprintf("%s/%d", at, i), v)
						}
					}
				}
				walk("#/$defs", doc.Defs)
			})
		}
	}
}
