package schemas_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden problem lists under testdata/golden")

// example is one document under testdata/examples/SCHEMA/{valid,invalid}-NAME.json.
type example struct {
	schema, name, path string
	valid              bool
}

func examples(t *testing.T) []example {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "examples", "*", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	var out []example
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		valid := strings.HasPrefix(name, "valid-")
		require.True(t, valid || strings.HasPrefix(name, "invalid-"), "%s: name must start with valid- or invalid-", p)
		out = append(out, example{schema: filepath.Base(filepath.Dir(p)), name: name, path: p, valid: valid})
	}
	return out
}

// TestExamples checks the Go verdict on every example against its name and
// the problems of every invalid one against a golden file.
func TestExamples(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.schema+"/"+ex.name, func(t *testing.T) {
			v, err := schemas.Get(ex.schema)
			require.NoError(t, err)
			doc, err := os.ReadFile(ex.path)
			require.NoError(t, err)
			got := v.Validate(doc)
			if ex.valid {
				assert.Empty(t, got, "a valid- example must validate")
				return
			}
			require.NotEmpty(t, got, "an invalid- example must be rejected")
			b, err := json.MarshalIndent(got, "", "  ")
			require.NoError(t, err)
			b = append(b, '\n')
			golden := filepath.Join("testdata", "golden", ex.schema, ex.name+".json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, b, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./schemas -run TestExamples -update")
			assert.Equal(t, string(want), string(b))
			assert.True(t, bytes.Equal(b, mustJSON(t, v.Validate(doc))), "same document, same bytes")
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}
