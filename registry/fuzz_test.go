package registry_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// FuzzValidateApplication feeds arbitrary JSON to the application validator:
// it must never panic, and every problem must carry a well-formed JSON
// Pointer and both messages.
func FuzzValidateApplication(f *testing.F) {
	valid, err := json.Marshal(application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"sections":["I","II","I"],"body":{"seat":{"comune":"058091","province":"TO","region":"01"}}}`))
	f.Add([]byte(`{"date":"2025-02-30","activities":[{"start":"2025-01-01","end":"2024-01-01"}],"housing":[{"places":0}]}`))
	// Issue 15: numbers that made validators panic or spend tens of
	// milliseconds each, and text no store can hold.
	for _, doc := range []string{
		`{"date":1e999999999}`, `{"body":{"statute":{"nonProfit":1e1000000}}}`,
		`{"housing":[{"places":1e999999999}]}`, `{"housing":[{"places":-1e-999999999}]}`,
		`{"body":{"name":"a\u0000b"}}`, "{\"body\":{\"name\":\"\xff\"}}", `{"body":{"name":"\ud800"}}`,
	} {
		f.Add([]byte(doc))
	}
	val := registry.NewValidator(nil, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		var a registry.Application
		if json.Unmarshal(data, &a) != nil {
			return
		}
		err := val.Application(&a)
		if err == nil {
			return
		}
		l, ok := problem.AsList(err)
		if !ok || !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("error %v is not a problem.List", err)
		}
		for _, p := range l {
			if _, err := problem.Tokens(p.InstancePath); err != nil {
				t.Errorf("bad pointer %q: %v", p.InstancePath, err)
			}
			if p.Messages.IT == "" || p.Messages.EN == "" || p.Code == "" {
				t.Errorf("incomplete problem %+v", p)
			}
		}
	})
}

// FuzzParseDate: whatever ParseDate accepts is a valid day that round-trips.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "2024-13-01", "", "2024-1-1", "０２０２４-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := registry.ParseDate(s)
		if err != nil {
			if registry.Date(s).Valid() {
				t.Errorf("ParseDate rejects %q that Valid accepts", s)
			}
			return
		}
		if !d.Valid() || string(d) != s || registry.DateOf(d.Time()) != d {
			t.Errorf("ParseDate(%q) = %q does not round-trip", s, d)
		}
	})
}
