package schemas_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/openregistro/registro/schemas"
)

// FuzzValidate feeds arbitrary bytes to the 2024 questionnaire validator: it
// never panics, every problem is complete (code, keyword, messages in both
// languages, a JSON Pointer), and the same input gives the same list.
func FuzzValidate(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "examples", "questionnaire-2024", "*.json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"reportingYear": 2024, "projects": [{"title": 1}]}`))
	f.Add([]byte(`[`))
	for _, doc := range hugeNumbers { // issue 15: panics and slow numbers
		f.Add([]byte(doc))
	}
	f.Add([]byte("{\"body\":{\"name\":\"\xff\\u0000\\ud800\"}}"))
	v, err := schemas.Questionnaire(2024)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got := v.Validate(doc)
		for _, p := range got {
			if p.Code == "" || p.Keyword == "" || p.Messages.IT == "" || p.Messages.EN == "" || p.SchemaPath == "" {
				t.Fatalf("incomplete problem %#v", p)
			}
			if p.InstancePath != "" && p.InstancePath[0] != '/' {
				t.Fatalf("instancePath %q is not a JSON Pointer", p.InstancePath)
			}
		}
		if again := v.Validate(doc); !reflect.DeepEqual(got, again) {
			t.Fatalf("not deterministic:\n%v\n%v", got, again)
		}
	})
}
