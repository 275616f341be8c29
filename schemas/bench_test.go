package schemas_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openregistro/registro/schemas"
)

// BenchmarkValidate measures the schema validator on a valid and an invalid
// 2024 questionnaire (decoding included).
func BenchmarkValidate(b *testing.B) {
	v, err := schemas.Questionnaire(2024)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"valid-section-ii", "invalid-section-ii-block-missing"} {
		doc, err := os.ReadFile(filepath.Join("testdata", "examples", "questionnaire-2024", name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				_ = v.Validate(doc)
			}
		})
	}
}
