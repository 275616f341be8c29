package problem_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/schemas/problem"

	// Imported for their declarations (problem.Declare in init).
	_ "github.com/openregistro/registro/registry/codelist"
	_ "github.com/openregistro/registro/reporting"
	_ "github.com/openregistro/registro/schemas/schemagen"
)

// declaredTexts returns every declared text, failing when a part of the
// program known to declare is missing or declares nothing (so the
// completeness test cannot pass vacuously).
func declaredTexts(t *testing.T) []problem.Text {
	t.Helper()
	var all []problem.Text
	got := map[string]int{}
	for _, d := range problem.Declared() {
		got[d.Source] = len(d.Texts)
		all = append(all, d.Texts...)
	}
	t.Logf("declared texts by source: %v", got)
	for _, src := range []string{"registry/codelist", "reporting", "schemas/schemagen", "eligibility"} {
		if got[src] == 0 {
			t.Errorf("%s declares no texts (declared: %v)", src, got)
		}
	}
	return all
}

// TestShippedLanguagesComplete: every message the program declares exists
// in every shipped language, and no shipped catalogue holds a stale entry.
func TestShippedLanguagesComplete(t *testing.T) {
	texts := declaredTexts(t)
	c := problem.DefaultCatalog()
	for _, g := range c.Gaps(texts) {
		t.Error(g)
	}
	if len(texts) < 100 {
		t.Errorf("only %d declared texts", len(texts))
	}
	if langs := c.Languages(); langs[0] != problem.EN || langs[1] != problem.IT {
		t.Errorf("Languages() = %v, want en, it first", langs)
	}
}

func testCatalog(t *testing.T) *problem.Catalog {
	t.Helper()
	c, err := problem.NewCatalog(os.DirFS("testdata/catalog"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPartialCatalogFails: the completeness check fails for a language
// whose catalogue lacks declared messages, and for stale entries.
func TestPartialCatalogFails(t *testing.T) {
	c := testCatalog(t)
	if !slices.Equal(c.Languages(), []problem.Lang{"en", "it", "de"}) {
		t.Fatalf("Languages() = %v", c.Languages())
	}
	gaps := c.Gaps(declaredTexts(t))
	if len(gaps) == 0 {
		t.Fatal("a partial German catalogue passed the completeness check")
	}
	if !strings.HasPrefix(gaps[0], "de: no translation of ") {
		t.Errorf("first gap %q", gaps[0])
	}
	verdicts := eligibility.Texts()[len(eligibility.Texts())-3:]
	if g := c.Gaps(verdicts); g != nil {
		t.Errorf("verdict labels: gaps %v", g)
	}
	g := c.Gaps(verdicts[:1])
	if len(g) != 2 || !strings.Contains(g[0], "no message uses it") {
		t.Errorf("stale entries not reported: %v", g)
	}
	if g := c.Gaps([]problem.Text{{EN: "eligible"}}); len(g) == 0 || !strings.HasPrefix(g[0], "it/en: incomplete") {
		t.Errorf("a text without Italian: %v", g)
	}
}

func TestCatalogResolve(t *testing.T) {
	c := testCatalog(t)
	yes := problem.Text{IT: "ammissibile", EN: "eligible"}
	other := problem.Text{IT: "altro", EN: "other"}
	tests := []struct {
		text problem.Text
		lang problem.Lang
		want string
	}{
		{yes, "de", "zulässig"},
		{yes, problem.IT, "ammissibile"},
		{yes, problem.EN, "eligible"},
		{other, "de", "other"},                   // not translated: English
		{yes, "fr", "eligible"},                  // not shipped: English
		{problem.Text{EN: "x"}, problem.IT, "x"}, // no Italian: English
	}
	for _, tt := range tests {
		if got := c.Text(tt.text, tt.lang); got != tt.want {
			t.Errorf("Text(%v, %s) = %q, want %q", tt.text, tt.lang, got, tt.want)
		}
	}
	match := []struct {
		in   string
		want problem.Lang
	}{
		{"de-AT", "de"},
		{"de-CH, it;q=0.9", "de"},
		{"it-CH", problem.IT},
		{"fr, de;q=0.5, en;q=0.4", "de"},
		{"fr", problem.EN},
		{"", problem.EN},
	}
	for _, m := range match {
		if got := c.Match(m.in); got != m.want {
			t.Errorf("Match(%q) = %s, want %s", m.in, got, m.want)
		}
	}
	for in, want := range map[string]problem.Lang{"de": "de", "DE": "de", "it": problem.IT} {
		if got, err := c.Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %s, %v", in, got, err)
		}
	}
	for _, in := range []string{"fr", "de-AT", "", "x y"} {
		if _, err := c.Parse(in); err == nil || problem.KindOf(err) != problem.KindInvalid || !strings.Contains(err.Error(), "de, en or it") {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
	if _, err := problem.ParseLang("de"); err == nil {
		t.Error("ParseLang(de) accepted a language that is not shipped")
	}
}

// TestTextWire: it and en keep their shape; a further language is one more
// member, present only when translated.
func TestTextWire(t *testing.T) {
	in := problem.Text{IT: "ammissibile <b>", EN: "eligible"}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"it":"ammissibile \u003cb\u003e","en":"eligible"}` {
		t.Fatalf("default catalogue: %s, %v", b, err)
	}
	var back problem.Text
	if err := json.Unmarshal(b, &back); err != nil || back != in {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	c := testCatalog(t)
	b, _ = c.JSON(in)
	if string(b) != `{"it":"ammissibile \u003cb\u003e","en":"eligible","de":"zulässig"}` {
		t.Errorf("with de: %s", b)
	}
	back = problem.Text{}
	if err := json.Unmarshal(b, &back); err != nil || back != in {
		t.Errorf("decoding with de: %+v, %v", back, err)
	}
	b, _ = c.JSON(problem.Text{IT: "altro", EN: "other"})
	if string(b) != `{"it":"altro","en":"other"}` {
		t.Errorf("untranslated: %s", b)
	}
}

func TestNewCatalogErrors(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"source language":   {"it.json": {Data: []byte(`{"a":"b"}`)}},
		"not a tag":         {"not_a_tag!.json": {Data: []byte(`{"a":"b"}`)}},
		"two files":         {"de.json": {Data: []byte(`{"a":"b"}`)}, "DE.json": {Data: []byte(`{"a":"b"}`)}},
		"empty translation": {"de.json": {Data: []byte(`{"a":" "}`)}},
		"not an object":     {"de.json": {Data: []byte(`["a"]`)}},
		"too large":         {"de.json": {Data: make([]byte, 4<<20+1)}},
	}
	for name, fsys := range tests {
		if _, err := problem.NewCatalog(fsys); err == nil || problem.KindOf(err) != problem.KindInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	c, err := problem.NewCatalog(fstest.MapFS{"README.md": {Data: []byte("x")}})
	if err != nil || len(c.Languages()) != 2 {
		t.Errorf("no catalogue files: %v, %v", c, err)
	}
}

func TestDeclareTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a second Declare of a source did not panic")
		}
	}()
	problem.Declare("eligibility", func() []problem.Text { return nil })
}

// BenchmarkTextMarshal measures encoding a Text, which has its own
// MarshalJSON for the further languages, against the same bytes from a plain
// struct (what Text was before the catalogue).
func BenchmarkTextMarshal(b *testing.B) {
	type plainText struct {
		IT string `json:"it"`
		EN string `json:"en"`
	}
	t := problem.Text{IT: "manca il campo obbligatorio \"title\"", EN: "must have required property 'title'"}
	want, _ := json.Marshal(t)
	if got, _ := json.Marshal(plainText(t)); string(got) != string(want) {
		b.Fatalf("plain struct: %s, want %s", got, want)
	}
	for name, v := range map[string]any{"catalogue": t, "plain": plainText(t)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
