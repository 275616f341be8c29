package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// postApplication sends body to POST /v1/applications/validate on h with
// the content type ct.
func postApplication(t *testing.T, h http.Handler, target, ct string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", target, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	checkContract(t, req, body, rec)
	return rec
}

// applicationExample returns the published example application file, as
// a JSON tree to mutate.
func applicationExample(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "schemas", "testdata", "examples", "application", file))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// problemKinds lists each problem as "instancePath code".
func problemKinds(l problem.List) []string {
	var out []string
	for _, p := range l {
		out = append(out, p.InstancePath+" "+p.Code)
	}
	return out
}

// TestValidateApplication checks POST /v1/applications/validate: the
// published examples' verdicts, the schema's problems exactly as the
// schema validator (and so AJV) reports them, the register's rules the
// schema cannot state, each once, in the request's language; bad requests
// are problems.
func TestValidateApplication(t *testing.T) {
	h := streamHandler(t, api.Options{MaxBodyBytes: 64 << 10})
	schema, err := schemas.Get("application")
	if err != nil {
		t.Fatal(err)
	}
	// The four kinds of problem a form places at its fields.
	fourKinds := applicationExample(t, "valid-section-i.json")
	body := fourKinds["body"].(map[string]any)
	delete(body, "name")
	body["taxCode"] = 12
	body["legalForm"] = "zzz"
	body["extra"] = 1
	// A date out of order, which no schema states.
	signedLate := applicationExample(t, "valid-section-i.json")
	signedLate["signature"].(map[string]any)["signedAt"] = "2099-01-01" // after the application's date
	read := func(file string) []byte {
		return mustJSON(t, applicationExample(t, file))
	}
	tests := []struct {
		name  string
		doc   []byte
		valid bool
		want  []string // problems as "instancePath code", in the answer's order; nil: do not check
		lang  string
	}{
		{"valid section I", read("valid-section-i.json"), true, []string{}, "it"},
		{"valid sections I and II", read("valid-sections-i-ii.json"), true, []string{}, "en"},
		{"valid on paper", read("valid-paper-new-facts.json"), true, []string{}, "it"},
		{"four kinds", mustJSON(t, fourKinds), false,
			[]string{"/body unknown_field", "/body required", "/body/legalForm not_in_list", "/body/taxCode type"}, "it"},
		{"declared absent, given", read("invalid-declared-absent-given.json"), false, []string{" declared_absent"}, "en"},
		{"signed after its date", mustJSON(t, signedLate), false, []string{"/signature/signedAt date_order"}, "en"},
		{"not JSON", []byte(`{"body": `), false, nil, "it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postApplication(t, h, "/v1/applications/validate?lang="+tt.lang, "application/json", tt.doc)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var got api.ValidationResult
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Valid != tt.valid || got.Errors == nil {
				t.Fatalf("valid = %v, errors %v; want valid %v, errors never null", got.Valid, got.Errors, tt.valid)
			}
			if tt.want != nil && !slices.Equal(problemKinds(got.Errors), tt.want) {
				t.Errorf("problems %q, want %q", problemKinds(got.Errors), tt.want)
			}
			if !tt.valid && len(got.Errors) == 0 {
				t.Error("an invalid application with no problem")
			}
			// The schema's own problems come as the schema validator
			// writes them (keyword, params, schemaPath: AJV's shape).
			for _, p := range schema.Validate(tt.doc) {
				i := slices.IndexFunc(got.Errors, func(q problem.Problem) bool {
					return q.InstancePath == p.InstancePath && q.Code == p.Code && q.SchemaPath == p.SchemaPath
				})
				if i < 0 {
					t.Errorf("the schema's %s %s (%s) is missing", p.InstancePath, p.Code, p.SchemaPath)
					continue
				}
				if q := got.Errors[i]; q.Keyword != p.Keyword || !jsonEqual(mustJSON(t, q.Params), mustJSON(t, p.Params)) {
					t.Errorf("%s %s: keyword %q params %v, want %q %v", p.InstancePath, p.Code, q.Keyword, q.Params, p.Keyword, p.Params)
				}
			}
			seen := map[string]bool{}
			for _, p := range got.Errors {
				k := p.InstancePath + " " + p.Code + " " + p.SchemaPath
				if seen[k] {
					t.Errorf("%s reported twice", k)
				}
				seen[k] = true
				if p.Messages.IT == "" || p.Messages.EN == "" || p.Message != p.Messages.In(problem.Lang(tt.lang)) {
					t.Errorf("%s %s: message %q, messages %v: want both languages, the request's as message", p.InstancePath, p.Code, p.Message, p.Messages)
				}
			}
		})
	}
	for _, tt := range []struct {
		name, ct string
		body     []byte
		status   int
	}{
		{"not JSON media", "text/plain", read("valid-section-i.json"), http.StatusUnsupportedMediaType},
		{"NDJSON", "application/x-ndjson", read("valid-section-i.json"), http.StatusUnsupportedMediaType},
		{"too large", "application/json", []byte(`{"body": "` + strings.Repeat("a", 65<<10) + `"}`), http.StatusRequestEntityTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := postApplication(t, h, "/v1/applications/validate", tt.ct, tt.body)
			if rec.Code != tt.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("status %d %s, want %d problem: %s", rec.Code, rec.Header().Get("Content-Type"), tt.status, rec.Body)
			}
		})
	}
}
