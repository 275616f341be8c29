package reporting_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	jsv "github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/reporting"
)

var update = flag.Bool("update", false, "rewrite the golden files and report.schema.json")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./reporting -update to create it")
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\n%s", path, firstDiff(want, got))
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// sample is the report the golden files show: 2024 against 2023, public,
// with service indicators.
func sample(t *testing.T) *reporting.Report {
	t.Helper()
	build := func(year int, seed uint64) *reporting.Report {
		a, err := reporting.New(year, reporting.Options{})
		require.NoError(t, err)
		for _, d := range docs(t, 150, year, seed) {
			a.Add(&d)
		}
		return publicReport(t, a)
	}
	prev := build(2023, 1)
	cur := build(2024, 2)
	require.NoError(t, cur.Compare(prev))
	k, err := reporting.NewKPIs("2024-01-01", "2024-12-31", "2025-01-31", 0)
	require.NoError(t, err)
	for i, c := range []reporting.Case{{Received: "2024-01-10", Decided: "2024-03-01"}, {Received: "2024-05-02", Decided: "2024-09-30"}, {Received: "2024-10-01"}} {
		c.ID = itoa(i)
		k.Add(c)
	}
	s := k.Result()
	cur.Service = &s
	return cur
}

func TestGoldenJSON(t *testing.T) {
	b, err := reporting.JSON(sample(t))
	require.NoError(t, err)
	golden(t, "report.json", b)
}

func TestGoldenMarkdown(t *testing.T) {
	r := sample(t)
	golden(t, "report.it.md", reporting.Markdown(r, "it"))
	golden(t, "report.en.md", reporting.Markdown(r, "en"))
}

func TestGoldenHTML(t *testing.T) {
	r := sample(t)
	page := reporting.HTML(r, "en")
	golden(t, "report.en.html", page)
	golden(t, "report.it.html", reporting.HTML(r, "it"))
	// Standalone: no external references.
	for _, bad := range []string{"http://", "https://", "<script", "<link", "src="} {
		if bad == "http://" {
			page = bytes.ReplaceAll(page, []byte(`xmlns="http://www.w3.org/2000/svg"`), nil)
		}
		require.NotContains(t, string(page), bad)
	}
	require.Contains(t, string(page), "<svg")
}

func TestGoldenCSV(t *testing.T) {
	files, err := reporting.CSV(sample(t), "it")
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range files {
		require.False(t, names[f.Name], "duplicate file %s", f.Name)
		names[f.Name] = true
		golden(t, filepath.Join("csv", f.Name), f.Data)
	}
	require.True(t, names["bodies.legal_form.csv"])
	require.True(t, names["service.csv"])
}

// TestSchemaDrift regenerates the schema from the Go types and compares it
// with the committed report.schema.json; the sample report must validate
// against it.
func TestSchemaDrift(t *testing.T) {
	r := &jsonschema.Reflector{}
	require.NoError(t, r.AddGoComments("github.com/openregistro/registro/reporting", "./"))
	s := r.Reflect(&reporting.Report{})
	s.ID = "https://openregistro.github.io/registro/reporting/report.schema.json"
	s.Title = "Registro annual report"
	b, err := json.MarshalIndent(s, "", "  ")
	require.NoError(t, err)
	b = append(b, '\n')
	if *update {
		require.NoError(t, os.WriteFile("report.schema.json", b, 0o644))
	} else if !bytes.Equal(b, reporting.Schema()) {
		t.Fatalf("report.schema.json is stale: run go test ./reporting -run SchemaDrift -update\n%s", firstDiff(reporting.Schema(), b))
	}
	c := jsv.NewCompiler()
	require.NoError(t, c.AddResource("report.schema.json", bytes.NewReader(b)))
	sch, err := c.Compile("report.schema.json")
	require.NoError(t, err)
	out, err := reporting.JSON(sample(t))
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(out, &v))
	require.NoError(t, sch.Validate(v))
	// And a document that breaks it is rejected.
	require.Error(t, sch.Validate(map[string]any{"year": "2024"}))
	_ = registry.Date("")
}

// TestChartsShareOneScale: in every chart, a larger value never gets a
// shorter bar, whatever its column, and every chart has an axis.
func TestChartsShareOneScale(t *testing.T) {
	page := string(reporting.HTML(sample(t), "en"))
	bar := regexp.MustCompile(`<rect x="\d+" y="\d+" width="(\d+)" height="9" fill="[^"]+"/><text x="\d+" y="\d+">([0-9,.]+)</text>`)
	charts := strings.Split(page, "<svg ")[1:]
	require.NotEmpty(t, charts)
	for i, chart := range charts {
		chart = chart[:strings.Index(chart, "</svg>")]
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			require.Contains(t, chart, "<line ", "an axis")
			type barT struct{ w, v float64 }
			var bars []barT
			for _, m := range bar.FindAllStringSubmatch(chart, -1) {
				w, _ := strconv.ParseFloat(m[1], 64)
				v, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
				require.NoError(t, err)
				bars = append(bars, barT{w, v})
			}
			for _, a := range bars {
				for _, b := range bars {
					if a.v > b.v {
						require.GreaterOrEqual(t, a.w, b.w, "%v drawn shorter than %v", a, b)
					}
				}
			}
		})
	}
	require.Contains(t, page, "<nav>")
	require.Contains(t, page, "@media print")
	require.Contains(t, string(reporting.HTML(sample(t), "")), `<html lang="it">`, "Italian by default")
}
