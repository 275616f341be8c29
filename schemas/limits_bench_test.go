package schemas_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openregistro/registro/schemas"
)

// BenchmarkCheckJSON measures the bounds pass every decoder makes first.
func BenchmarkCheckJSON(b *testing.B) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "examples", "questionnaire-2024", "*.json"))
	if len(paths) == 0 {
		b.Skip("no example")
	}
	doc, err := os.ReadFile(paths[0])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if schemas.CheckJSON(doc) != nil {
			b.Fatal("problems in an example")
		}
	}
}
