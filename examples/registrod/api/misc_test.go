package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/examples/registrod/api"
)

func TestEligibility(t *testing.T) {
	f := newFixture(t)
	app, err := json.Marshal(f.body.Application(""))
	if err != nil {
		t.Fatal(err)
	}
	asOf := f.body.AppliedOn.Format("2006-01-02")
	for _, tc := range []struct {
		name, token, target string
		body                []byte
		status              int
	}{
		{"public", "", "/v1/eligibility?asOf=" + asOf, app, 200},
		{"staff", tokStaff, "/v1/eligibility?asOf=" + asOf, app, 200},
		{"today by default", "", "/v1/eligibility", app, 200},
		{"bad asOf", "", "/v1/eligibility?asOf=2024-02-30", app, 400},
		{"asOf before the application", "", "/v1/eligibility?asOf=1990-01-01", app, 422},
		{"unknown field", "", "/v1/eligibility", []byte(`{"nope": 1}`), 422},
		{"not JSON", "", "/v1/eligibility", []byte(`[`), 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, "POST", tc.target, tc.token, tc.body)
			if tc.status != 200 {
				p := wantProblem(t, rec, tc.status)
				if tc.status == 422 && len(p.Errors) == 0 {
					t.Fatalf("422 without errors: %+v", p)
				}
				return
			}
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
			}
			var d eligibility.Decision
			decode(t, rec, &d)
			if d.Schema != eligibility.SchemaVersion || d.Verdict == eligibility.Verdict(0) || len(d.Sections) == 0 {
				t.Fatalf("got %+v", d)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		ok         bool
	}{
		{"valid", `{"0123456789abcdef": {"role": "staff", "subject": "s"},
			"0123456789abcdeg": {"role": "body", "subject": "b", "entityId": "R1"},
			"0123456789abcdeh": {"role": "region", "subject": "r", "region": "12"},
			"0123456789abcdei": {"role": "public", "subject": "p"}}`, true},
		{"empty", `{}`, true},
		{"short token", `{"short": {"role": "staff", "subject": "s"}}`, false},
		{"unknown role", `{"0123456789abcdef": {"role": "admin", "subject": "s"}}`, false},
		{"no subject", `{"0123456789abcdef": {"role": "staff"}}`, false},
		{"body without entity", `{"0123456789abcdef": {"role": "body", "subject": "b"}}`, false},
		{"region without region", `{"0123456789abcdef": {"role": "region", "subject": "r"}}`, false},
		{"unknown region", `{"0123456789abcdef": {"role": "region", "subject": "r", "region": "99"}}`, false},
		{"staff with entity", `{"0123456789abcdef": {"role": "staff", "subject": "s", "entityId": "R1"}}`, false},
		{"unknown field", `{"0123456789abcdef": {"role": "staff", "subject": "s", "admin": true}}`, false},
		{"white space", `{"0123456789 abcdef": {"role": "staff", "subject": "s"}}`, false},
		{"not JSON", `{`, false},
		{"trailing data", `{} {}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := api.ParseTokens([]byte(tc.file))
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok %v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, api.ErrTokens) {
				t.Fatalf("err %v does not wrap ErrTokens", err)
			}
			if err != nil && strings.Contains(err.Error(), "0123456789") {
				t.Fatalf("the error shows the token: %v", err)
			}
			if tc.ok && tc.name == "valid" && tok.Len() != 4 {
				t.Fatalf("%d tokens", tok.Len())
			}
		})
	}
}

// yearSegment matches the year of a per-year path (/v1/filings/2024).
var yearSegment = regexp.MustCompile(`/(19|20)[0-9]{2}\b`)

func TestOpenAPI(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/v1/openapi.json", "", nil)
	if rec.Code != 200 || rec.Header().Get("ETag") == "" {
		t.Fatalf("status %d", rec.Code)
	}
	if !bytes.Equal(rec.Body.Bytes(), api.OpenAPI()) {
		t.Fatal("the served document is not the generated one")
	}
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	dec := json.NewDecoder(strings.NewReader(rec.Body.String()))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	years := 0
	for path, ops := range doc.Paths {
		// A route with a questionnaire body has one path per year.
		if y := yearSegment.FindString(path); y != "" {
			path = strings.Replace(path, y, "/{year}", 1)
			years++
		}
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			var o struct {
				OperationID string                     `json:"operationId"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil || o.OperationID == "" || len(o.Responses) == 0 {
				t.Errorf("%s %s: operationId %q, %d responses, %v", method, path, o.OperationID, len(o.Responses), err)
			}
		}
	}
	registered := map[string]bool{}
	for _, r := range api.Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if !documented[key] {
			t.Errorf("route %s is not in the OpenAPI document", key)
		}
		// The route is really served (not 404 or 405).
		if rec := f.do(t, r.Method, strings.NewReplacer("{name}", "entity", "{year}", "2024", "{id}", "x").Replace(r.Path), tokStaff, []byte("{}")); rec.Code == http.StatusNotFound && !strings.Contains(rec.Body.String(), "not-found") || rec.Code == http.StatusMethodNotAllowed {
			t.Errorf("route %s: status %d", key, rec.Code)
		}
	}
	for key := range documented {
		if !registered[key] {
			t.Errorf("the OpenAPI document has %s, which is not a route", key)
		}
	}
	if years < 7 {
		t.Errorf("%d per-year paths, want one per questionnaire year for filings", years)
	}
	// Every local $ref resolves.
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && k == "$ref" {
					refs = append(refs, s)
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var all any
	if err := json.Unmarshal(rec.Body.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	walk(all)
	for _, ref := range refs {
		if !strings.HasPrefix(ref, "#/") {
			t.Errorf("$ref %s is not local: the document must be self-contained", ref)
			continue
		}
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		if len(parts) != 3 || parts[0] != "components" || doc.Components[parts[1]][parts[2]] == nil {
			t.Errorf("$ref %s does not resolve", ref)
		}
	}
	if len(refs) < 10 || !slices.ContainsFunc(refs, func(s string) bool { return strings.HasSuffix(s, "/problem") }) {
		t.Errorf("only %d refs", len(refs))
	}
}
