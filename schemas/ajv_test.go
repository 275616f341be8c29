package schemas_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/openregistro/registro/problem"
	"github.com/openregistro/registro/schemas"
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
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH")
		}
		t.Skip("node is not on PATH")
	}
	var cases []ajvCase
	for _, ex := range examples(t) {
		abs, err := filepath.Abs(ex.path)
		require.NoError(t, err)
		cases = append(cases, ajvCase{Schema: ex.schema, File: abs})
	}
	q := questionnaireCases(t)
	t.Logf("%d own examples, %d questionnaire examples", len(cases), len(q))
	cases = append(cases, q...)
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
	goVerdicts := map[ajvCase]problem.List{} // the Go verdict does not depend on the language
	for _, v := range res.Verdicts {
		t.Run(fmt.Sprintf("%s/%s/%s", v.Lang, v.Schema, filepath.Base(v.File)), func(t *testing.T) {
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
				t.Errorf("verdicts differ on %s: AJV valid=%v (%s), Go problems: %v", v.File, v.Valid, joinRaw(v.Errors), goProblems)
			}
		})
	}
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
