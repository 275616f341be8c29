package eligibility_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/schemas/problem"
)

func typicalJSON(t testing.TB) []byte {
	b, err := json.Marshal(&typical().Application)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeApplicationRoundTrip(t *testing.T) {
	app, err := eligibility.DecodeApplication(bytes.NewReader(typicalJSON(t)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(app.Application, typical().Application) {
		t.Fatalf("decoded application differs:\n%+v", app.Application)
	}
	if len(app.Unknown) != 0 {
		t.Fatalf("unknown facts %v in a complete application", app.Unknown)
	}
}

// edit decodes the typical application's JSON, applies f to the generic tree
// and re-encodes it.
func edit(t *testing.T, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(typicalJSON(t), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

func TestDecodeApplicationUnknownFacts(t *testing.T) {
	b := edit(t, func(m map[string]any) {
		delete(obj(m, "body", "statute"), "nonProfit")
		obj(m, "declarations")["noDisqualification"] = nil
		delete(obj(m, "signature"), "verified")
	})
	app, err := eligibility.DecodeApplication(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/body/statute/nonProfit", "/declarations/noDisqualification", "/signature/verified"}
	if !reflect.DeepEqual(app.Unknown, want) {
		t.Fatalf("Unknown = %v, want %v", app.Unknown, want)
	}
	d := evaluate(t, app, newRegister())
	sd, _ := d.Section(I)
	for _, id := range []string{eligibility.RuleNonProfit, eligibility.RuleNoDisqualification, eligibility.RuleOnlineSignature} {
		if r, _ := sd.Result(id); r.Outcome != eligibility.Missing {
			t.Errorf("%s: %s, want missing", id, r.Outcome)
		}
	}
	if d.Verdict != eligibility.Incomplete {
		t.Errorf("verdict %s, want incomplete", d.Verdict)
	}
}

func TestDecodeApplicationProblems(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		path string
		code string
	}{
		{"unknown field", edit(t, func(m map[string]any) { obj(m, "body", "statute")["nonprofit"] = true }), "/body/statute", "unknown_field"},
		{"unknown top-level field", edit(t, func(m map[string]any) { m["channels"] = "online" }), "", "unknown_field"},
		{"wrong type", edit(t, func(m map[string]any) { obj(m, "body", "statute")["nonProfit"] = "yes" }), "/body/statute/nonProfit", "type"},
		{"string for a list", edit(t, func(m map[string]any) { m["attachments"] = "all" }), "/attachments", "type"},
		{"bad date in a list", edit(t, func(m map[string]any) {
			m["activities"].([]any)[1].(map[string]any)["end"] = "2023-06-31"
		}), "/activities/1/end", "date"},
		{"bad section", edit(t, func(m map[string]any) { m["sections"] = []any{"I", "III"} }), "/sections/1", "value"},
		{"fraction for an integer", edit(t, func(m map[string]any) {
			m["housing"].([]any)[0].(map[string]any)["places"] = 2.5
		}), "/housing/0/places", "type"},
		{"not an object", []byte(`[1,2]`), "", "type"},
		{"syntax", []byte(`{"date": "2024-01-01",}`), "", "json_syntax"},
		{"truncated", []byte(`{"date": "2024-01-01"`), "", "json_syntax"},
		{"trailing data", []byte(`{} {}`), "", "trailing_data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eligibility.DecodeApplication(bytes.NewReader(tc.in))
			l, ok := problem.AsList(err)
			if !ok || !errors.Is(err, problem.ErrInvalid) {
				t.Fatalf("err = %v, want a problem list", err)
			}
			if l[0].InstancePath != tc.path || l[0].Code != tc.code {
				t.Fatalf("problem %q %s (%s), want %q %s", l[0].InstancePath, l[0].Code, l[0].Message, tc.path, tc.code)
			}
			if l[0].Messages.IT == "" || l[0].Messages.EN == "" {
				t.Fatalf("problem without both messages: %+v", l[0])
			}
		})
	}
}

func TestDecodeApplicationTooLarge(t *testing.T) {
	big := `{"title":"` + strings.Repeat("x", 17<<20) + `"}`
	_, err := eligibility.DecodeApplication(strings.NewReader(big))
	if l, ok := problem.AsList(err); !ok || l[0].Code != "too_large" {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeApplicationLimits(t *testing.T) {
	tests := []struct{ name, doc, code, ptr string }{
		{"huge exponent", `{"housing":[{"places":1e999999999}]}`, "number_out_of_bounds", "/housing/0/places"},
		{"many digits", `{"housing":[{"places":1` + strings.Repeat("0", 200) + `}]}`, "number_out_of_bounds", "/housing/0/places"},
		{"nul", `{"body":{"name":"a\u0000b"}}`, "invalid_text", "/body/name"},
		{"invalid utf8", "{\"body\":{\"name\":\"a\xffb\"}}", "invalid_text", "/body/name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eligibility.DecodeApplication(strings.NewReader(tc.doc))
			l, ok := problem.AsList(err)
			if !ok || len(l) != 1 || l[0].Code != tc.code || l[0].InstancePath != tc.ptr {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func FuzzDecodeApplication(f *testing.F) {
	f.Add(typicalJSON(f))
	f.Add([]byte(`{"date":"2024-01-01","sections":["II"],"body":{"statute":{}}}`))
	f.Add([]byte(`{"activities":[{"start":"x"}]}`))
	f.Add([]byte(`null`))
	// Issue 15: numbers that made validators panic or spend tens of
	// milliseconds each, and text no store can hold.
	for _, doc := range []string{
		`{"date":1e999999999}`, `{"body":{"statute":{"nonProfit":1e1000000}}}`,
		`{"housing":[{"places":1e999999999}]}`, `{"housing":[{"places":-1e-999999999}]}`,
		`{"body":{"name":"a\u0000b"}}`, "{\"body\":{\"name\":\"\xff\"}}", `{"body":{"name":"\ud800"}}`,
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		app, err := eligibility.DecodeApplication(bytes.NewReader(data))
		if err != nil {
			if _, ok := problem.AsList(err); !ok {
				t.Fatalf("non-problem error %v", err)
			}
			return
		}
		// Whatever decodes evaluates without panicking: a decision or a problem list.
		_, err = eligibility.New(newRegister(), eligibility.Options{}).Evaluate(t.Context(), app, day(t, "2030-01-01"))
		if err != nil {
			if _, ok := problem.AsList(err); !ok {
				t.Fatalf("Evaluate: %v", err)
			}
		}
	})
}
