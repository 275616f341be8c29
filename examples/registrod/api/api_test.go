package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

func TestSchemas(t *testing.T) {
	f := newFixture(t)
	t.Run("list", func(t *testing.T) {
		rec := f.do(t, "GET", "/v1/schemas", "", nil)
		if rec.Code != 200 || rec.Header().Get("ETag") == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age=") {
			t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
		}
		var got struct {
			Items []struct{ Name, ID string }
		}
		decode(t, rec, &got)
		if len(got.Items) != len(schemas.Names()) || got.Items[0].ID != schemas.ID(got.Items[0].Name) {
			t.Fatalf("got %+v, want %v", got.Items, schemas.Names())
		}
	})
	it, err := schemas.File("questionnaire-2024", problem.IT)
	if err != nil {
		t.Fatal(err)
	}
	en, err := schemas.File("questionnaire-2024", problem.EN)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, target string
		hdr          []string
		want         []byte
	}{
		{"by name, it", "/v1/schemas/questionnaire-2024?lang=it", nil, it},
		{"by name and year, en", "/v1/schemas/questionnaire?year=2024&lang=en", nil, en},
		{"with .json, Accept-Language", "/v1/schemas/questionnaire-2024.json", []string{"Accept-Language", "it-IT,it;q=0.9,en;q=0.5"}, it},
		{"default language", "/v1/schemas/questionnaire-2024", nil, en},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, "GET", tc.target, "", nil, tc.hdr...)
			if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), tc.want) {
				t.Fatalf("status %d, %d bytes; want the file (%d bytes)", rec.Code, rec.Body.Len(), len(tc.want))
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/schema+json" {
				t.Errorf("Content-Type %q", ct)
			}
			again := f.do(t, "GET", tc.target, "", nil, append([]string{"If-None-Match", rec.Header().Get("ETag")}, tc.hdr...)...)
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("If-None-Match: status %d, %d bytes; want 304", again.Code, again.Body.Len())
			}
		})
	}
	for _, tc := range []struct {
		name, target string
		status       int
	}{
		{"unknown", "/v1/schemas/nope", 404},
		{"unknown year", "/v1/schemas/questionnaire?year=1990", 404},
		{"year not a number", "/v1/schemas/questionnaire?year=abc", 400},
		{"year on another schema", "/v1/schemas/entity?year=2024", 400},
		{"no year", "/v1/schemas/questionnaire", 400},
		{"bad lang", "/v1/schemas/entity?lang=de", 400},
	} {
		t.Run(tc.name, func(t *testing.T) { wantProblem(t, f.do(t, "GET", tc.target, "", nil), tc.status) })
	}
}

// docWithout returns the JSON of data with the property at path (keys and
// indexes) removed.
func docWithout(t *testing.T, data []byte, path ...any) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	cur := v
	for _, p := range path[:len(path)-1] {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	delete(cur.(map[string]any), path[len(path)-1].(string))
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestValidate(t *testing.T) {
	f := newFixture(t)
	val, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	good := mustDoc(t, val, f.ids, f.body)
	noTitle := docWithout(t, good, "projects", 0, "title")
	for _, tc := range []struct {
		name, target string
		body         []byte
		valid        bool
		path, prop   string // a problem expected
		code         string
		it           bool
	}{
		{name: "valid", target: "/v1/questionnaires/2024/validate", body: good, valid: true},
		{name: "missing nested field", target: "/v1/questionnaires/2024/validate", body: noTitle, path: "/projects/0", prop: "title", code: "required"},
		{name: "missing nested field, Italian", target: "/v1/questionnaires/2024/validate?lang=it", body: noTitle, path: "/projects/0", prop: "title", code: "required", it: true},
		{name: "draft accepts a missing field", target: "/v1/questionnaires/2024/validate?draft=true", body: noTitle, valid: true},
		{name: "not JSON", target: "/v1/questionnaires/2024/validate", body: []byte("{oops"), code: "invalid_json"},
		{name: "empty body", target: "/v1/questionnaires/2024/validate", body: []byte{}, code: "invalid_json"},
		{name: "wrong year", target: "/v1/questionnaires/2023/validate", body: good, code: questionnaire.CodeYearMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, "POST", tc.target, "", tc.body)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
			}
			var res api.ValidationResult
			decode(t, rec, &res)
			if res.Valid != tc.valid || res.Errors == nil {
				t.Fatalf("valid %v, want %v; errors %v", res.Valid, tc.valid, res.Errors)
			}
			if tc.code == "" {
				return
			}
			for _, p := range res.Errors {
				if p.Code == tc.code && (tc.path == "" || p.InstancePath == tc.path) &&
					(tc.prop == "" || p.Params["missingProperty"] == tc.prop) {
					want := p.Messages.EN
					if tc.it {
						want = p.Messages.IT
					}
					if p.Message != want || want == "" {
						t.Errorf("message %q, want %q", p.Message, want)
					}
					return
				}
			}
			t.Fatalf("no problem %s at %q (missingProperty %q) in %v", tc.code, tc.path, tc.prop, res.Errors)
		})
	}
	for _, tc := range []struct {
		name, target string
		body         []byte
		ctype        string
		status       int
	}{
		{"unknown year", "/v1/questionnaires/1990/validate", good, "application/json", 404},
		{"year not a number", "/v1/questionnaires/xx/validate", good, "application/json", 400},
		{"bad draft", "/v1/questionnaires/2024/validate?draft=maybe", good, "application/json", 400},
		{"too large", "/v1/questionnaires/2024/validate", bytes.Repeat([]byte(" "), 1<<20+1), "application/json", 413},
		{"not JSON media type", "/v1/questionnaires/2024/validate", good, "text/plain", 415},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, "POST", tc.target, "", tc.body, "Content-Type", tc.ctype)
			wantProblem(t, rec, tc.status)
		})
	}
}

func TestFiling(t *testing.T) {
	f := newFixture(t)
	val, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	own := mustDoc(t, val, f.ids, f.body)
	others := mustDoc(t, val, f.ids, f.other)
	before := lastSeq(t, f)
	for _, tc := range []struct {
		name, token, target string
		body                []byte
		status              int
	}{
		{"anonymous", "", "/v1/filings/2024", own, 401},
		{"staff", tokStaff, "/v1/filings/2024", own, 403},
		{"region", tokRegion, "/v1/filings/2024", own, 403},
		{"another body's document", tokOtherBody, "/v1/filings/2024", own, 403},
		{"unknown year", tokBody, "/v1/filings/1990", own, 404},
		{"invalid document", tokBody, "/v1/filings/2024", docWithout(t, own, "projects", 0, "title"), 422},
		{"not JSON", tokBody, "/v1/filings/2024", []byte("[1,"), 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, f.do(t, "POST", tc.target, tc.token, tc.body), tc.status)
			if tc.status == 422 && len(p.Errors) == 0 {
				t.Fatalf("422 without errors: %+v", p)
			}
		})
	}
	if got := lastSeq(t, f); got != before {
		t.Fatalf("rejected filings wrote events: last seq %d → %d", before, got)
	}

	var first, second api.FilingInfo
	t.Run("file", func(t *testing.T) {
		rec := f.do(t, "POST", "/v1/filings/2024", tokBody, own)
		if rec.Code != 201 {
			t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
		}
		decode(t, rec, &first)
		if first.Revision != 1 || first.Late || first.EntityID != f.ids[f.body.Entity.CodiceFiscale] || !first.FiledAt.Equal(testNow) {
			t.Fatalf("got %+v", first)
		}
	})
	t.Run("amend", func(t *testing.T) {
		rec := f.do(t, "POST", "/v1/filings/2024", tokBody, own)
		if rec.Code != 201 {
			t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
		}
		decode(t, rec, &second)
		if second.Revision != 2 {
			t.Fatalf("got %+v", second)
		}
	})
	t.Run("other body files its own", func(t *testing.T) {
		if rec := f.do(t, "POST", "/v1/filings/2024", tokOtherBody, others); rec.Code != 201 {
			t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
		}
	})
	t.Run("in the change feed", func(t *testing.T) {
		rec := f.do(t, "GET", fmt.Sprintf("/v1/events?after=%d", before), tokStaff, nil)
		var page api.EventPage
		decode(t, rec, &page)
		if rec.Code != 200 || len(page.Items) != 3 || page.Last != before+3 {
			t.Fatalf("status %d, %d events, last %d: %s", rec.Code, len(page.Items), page.Last, truncate(rec.Body.String()))
		}
		ev := page.Items[0]
		var info registry.ReportFiled
		if err := json.Unmarshal(ev.After, &info); err != nil {
			t.Fatal(err)
		}
		if ev.Kind != api.EventFiled || ev.EntityID != first.EntityID || ev.Seq != before+1 || info.Revision != 1 ||
			ev.RecordID != fmt.Sprintf("%s/2024/1", first.EntityID) || page.Items[1].RecordID != fmt.Sprintf("%s/2024/2", first.EntityID) {
			t.Fatalf("got %+v", page.Items)
		}
	})
	t.Run("in the yearly list", func(t *testing.T) {
		var list registry.YearlyList
		decode(t, f.do(t, "GET", "/v1/yearly-list/2024", tokStaff, nil), &list)
		for _, rl := range list.Recipients {
			for _, l := range rl.Regular {
				if l.ID == first.EntityID {
					if l.FiledOn != registry.DateOf(testNow) {
						t.Fatalf("filedOn %s, want the first filing's day", l.FiledOn)
					}
					return
				}
			}
		}
		t.Fatalf("%s not regular in %+v", first.EntityID, list)
	})
}

// lastSeq returns the Seq of the last event of the register.
func lastSeq(t *testing.T, f *fixture) int64 {
	t.Helper()
	var last int64
	for {
		evs, err := f.reg.Events(context.Background(), registry.Staff("t"), registry.EventFilter{After: last, Limit: registry.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return last
		}
		last = evs[len(evs)-1].Seq
	}
}
