package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// blockingStore is a registry.Store whose listing blocks, ignoring its
// context, until release is closed: work that does not stop by itself.
type blockingStore struct {
	*memstore.Store
	release chan struct{}
}

func (b blockingStore) Entities(context.Context, registry.Filter) (registry.Page, error) {
	<-b.release
	return registry.Page{}, nil
}

// hugeBody returns a JSON object of about n bytes whose values are numbers
// with huge exponents.
func hugeBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"projects":[`)
	for b.Len() < n-20 {
		b.WriteString(`1e999999999,`)
	}
	b.WriteString(`0]}`)
	return b.Bytes()
}

func TestRequestDeadline(t *testing.T) {
	t.Run("work past the deadline is a 503 problem", func(t *testing.T) {
		st := blockingStore{memstore.New(), make(chan struct{})}
		defer close(st.release)
		deps, err := newDeps(registry.New(st, registry.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		h := api.New(deps, api.Options{RequestTimeout: 50 * time.Millisecond})
		p := wantProblem(t, doOn(t, h, "GET", "/v1/entities"), http.StatusServiceUnavailable)
		if !strings.Contains(p.Detail, "50ms") {
			t.Fatalf("detail %q does not say the deadline", p.Detail)
		}
	})

	// A 4 MiB body of huge exponents is answered within the request
	// deadline, with a problem naming the first numbers.
	deps, err := newDeps(registry.New(memstore.New(), registry.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	const deadline = 20 * time.Second // generous: the answer takes milliseconds
	h := api.New(deps, api.Options{RequestTimeout: deadline})
	body := hugeBody(api.DefaultMaxBodyBytes)
	for _, tc := range []struct {
		name, target string
		status       int
	}{
		{"validate", "/v1/questionnaires/2024/validate", 200},
		{"eligibility", "/v1/eligibility", 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", tc.target, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(rec, req)
			if el := time.Since(start); el >= deadline {
				t.Fatalf("answered after %s, past the %s deadline", el, deadline)
			}
			errs := answerErrors(t, rec, tc.status)
			if len(errs) < 2 || len(errs) > 101 {
				t.Fatalf("%d errors", len(errs))
			}
			for _, e := range errs {
				if c := e["code"]; c != "number_out_of_bounds" && c != "too_many_problems" {
					t.Fatalf("error %v", e)
				}
			}
		})
	}
	t.Run("over the body limit is a 413 problem", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/v1/eligibility", bytes.NewReader(hugeBody(api.DefaultMaxBodyBytes+100)))
		h.ServeHTTP(rec, req)
		wantProblem(t, rec, http.StatusRequestEntityTooLarge)
	})
}

// TestHugeNumbersHTTP: 1e999999999 anywhere is a problem, never a 500.
func TestHugeNumbersHTTP(t *testing.T) {
	f := newFixture(t)
	own := string(mustDocFor(t, f))
	before := lastSeq(t, f)
	for _, tc := range []struct {
		name, target, token, body, ptr string
		status                         int
	}{
		{"validate", "/v1/questionnaires/2024/validate", "", `{"reportingYear":1e999999999}`, "/reportingYear", 200},
		{"validate draft", "/v1/questionnaires/2024/validate?draft=true", "", `{"reportingYear":1e999999999}`, "/reportingYear", 200},
		{"file", "/v1/filings/2024", tokBody, strings.Replace(own, `"reportingYear":2024`, `"reportingYear":1e999999999`, 1), "/reportingYear", 422},
		{"eligibility", "/v1/eligibility", "", `{"housing":[{"places":1e999999999}]}`, "/housing/0/places", 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, "POST", tc.target, tc.token, []byte(tc.body))
			errs := answerErrors(t, rec, tc.status)
			if len(errs) != 1 || errs[0]["code"] != "number_out_of_bounds" || errs[0]["instancePath"] != tc.ptr {
				t.Fatalf("errors %v", errs)
			}
		})
	}
	if !strings.Contains(own, `"reportingYear":2024`) {
		t.Fatal("the sample has no reportingYear to replace")
	}
	if got := lastSeq(t, f); got != before {
		t.Fatalf("a rejected filing wrote events: %d → %d", before, got)
	}
}

// TestBadText: NUL or invalid UTF-8 in a query parameter or a path value is a
// 400 problem on every store, and a filing holding such text is a 422 naming
// the field, not stored.
func TestBadText(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newFixtureOn(t, dsn(t))
			id := f.sec1[0].ID
			for _, target := range []string{
				"/v1/entities?q=%00",
				"/v1/entities?q=a%FFb",
				"/v1/entities?cursor=%00",
				"/v1/entities?cursor=" + id + "%00",
				"/v1/entities?cursor=%C3",
				"/v1/entities?legalForm=%00",
				"/v1/entities?legalForm=%FE",
				"/v1/entities?region=%00",
				"/v1/entities?province=%FF",
				"/v1/entities?q%00=x",
				"/v1/entities?q=%zz",
				"/v1/entities/" + id + "%00",
				"/v1/entities/%FF%FE",
				"/v1/entities/%00",
				"/v1/events?after=%00",
				"/v1/yearly-list/2024%00",
				"/v1/schemas/problem%FF",
			} {
				for _, tok := range []string{"", tokStaff} {
					t.Run(target+"/"+tok, func(t *testing.T) {
						p := wantProblem(t, f.do(t, "GET", target, tok, nil), http.StatusBadRequest)
						if !strings.Contains(p.Messages.EN, "UTF-8") && !strings.Contains(p.Messages.EN, "query string") {
							t.Fatalf("detail %q", p.Messages.EN)
						}
					})
				}
			}
			if logs := f.logs.String(); strings.Contains(logs, "level=ERROR") {
				t.Fatalf("errors logged:\n%s", logs)
			}

			own := string(mustDocFor(t, f))
			before := lastSeq(t, f)
			for _, tc := range []struct{ name, body string }{
				{"nul escape", strings.Replace(own, `"projects":[{"title":"`, `"projects":[{"title":"\u0000`, 1)},
				{"invalid utf8", strings.Replace(own, `"projects":[{"title":"`, "\"projects\":[{\"title\":\"\xff", 1)},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if tc.body == own {
						t.Fatal("the sample has no project title to change")
					}
					p := wantProblem(t, f.do(t, "POST", "/v1/filings/2024", tokBody, []byte(tc.body)), 422)
					if len(p.Errors) != 1 || p.Errors[0].Code != "invalid_text" || p.Errors[0].InstancePath != "/projects/0/title" {
						t.Fatalf("errors %v", p.Errors)
					}
				})
			}
			if got := lastSeq(t, f); got != before {
				t.Fatalf("a rejected filing wrote events: %d → %d", before, got)
			}
		})
	}
}

func TestHardening(t *testing.T) {
	f := newFixture(t)
	t.Run("no-store on personal data and problems", func(t *testing.T) {
		for _, target := range []string{"/v1/entities", "/v1/entities/" + f.sec1[0].ID, "/v1/events", "/v1/yearly-list/2024", "/v1/nothing"} {
			rec := f.do(t, "GET", target, tokStaff, nil)
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q", target, cc)
			}
		}
		rec := f.do(t, "GET", "/v1/schemas/problem", "", nil)
		if cc := rec.Header().Get("Cache-Control"); rec.Code != 200 || !strings.HasPrefix(cc, "public, max-age=") {
			t.Errorf("schema: status %d, Cache-Control %q", rec.Code, cc)
		}
	})
	t.Run("431 is a problem", func(t *testing.T) {
		rec := f.do(t, "GET", "/v1/entities", "", nil, "X-Padding", strings.Repeat("x", api.DefaultMaxHeaderBytes))
		wantProblem(t, rec, http.StatusRequestHeaderFieldsTooLarge)
	})
	t.Run("long paths are not echoed whole", func(t *testing.T) {
		long := "/v1/entities/" + strings.Repeat("A", 20000)
		for _, target := range []string{long, "/v2" + long, long + "/x"} {
			rec := f.do(t, "DELETE", target, "", nil)
			if rec.Code < 400 {
				t.Fatalf("status %d", rec.Code)
			}
			if strings.Contains(rec.Body.String(), strings.Repeat("A", 200)) {
				t.Fatalf("%d: the problem repeats the path: %s", rec.Code, truncate(rec.Body.String()))
			}
			rec = f.do(t, "GET", target, "", nil)
			if strings.Contains(rec.Body.String(), strings.Repeat("A", 200)) {
				t.Fatalf("%d: the problem repeats the path: %s", rec.Code, truncate(rec.Body.String()))
			}
		}
		if strings.Contains(f.logs.String(), strings.Repeat("A", 200)) {
			t.Fatal("the log repeats the path")
		}
	})
}

// TestConnProblem: the errors net/http answers itself have the problem shape.
func TestConnProblem(t *testing.T) {
	for _, status := range []int{400, 431, 501} {
		ct, body := api.ConnProblem(status)
		var p api.Problem
		if err := json.Unmarshal(body, &p); err != nil || ct != "application/problem+json" || p.Status != status ||
			!strings.HasPrefix(p.Type, api.ProblemTypeBase) || p.Messages.IT == "" || p.Messages.EN == "" {
			t.Fatalf("%d: %s %s (%v)", status, ct, body, err)
		}
	}
}

// TestFilerIsCaller: the filer a filing records is the token holder, not
// whoever the document names.
func TestFilerIsCaller(t *testing.T) {
	f := newFixture(t)
	own := mustDocFor(t, f)
	callerCF := f.body.Entity.LegalRepresentative.CodiceFiscale
	otherCF := f.other.Entity.LegalRepresentative.CodiceFiscale
	before := lastSeq(t, f)
	t.Run("another filer named", func(t *testing.T) {
		doc := bytes.Replace(own, []byte(`"taxCode":"`+callerCF+`"`), []byte(`"taxCode":"`+otherCF+`"`), 1)
		if bytes.Equal(doc, own) {
			t.Fatal("the sample does not name the caller as filer")
		}
		p := wantProblem(t, f.do(t, "POST", "/v1/filings/2024", tokBody, doc), 422)
		if len(p.Errors) != 1 || p.Errors[0].InstancePath != "/filer/taxCode" || p.Errors[0].Code != api.CodeFilerNotCaller ||
			!strings.Contains(p.Errors[0].Messages.IT, callerCF) {
			t.Fatalf("errors %v", p.Errors)
		}
		if got := lastSeq(t, f); got != before {
			t.Fatalf("a rejected filing wrote events: %d → %d", before, got)
		}
	})
	t.Run("a body token without a codice fiscale", func(t *testing.T) {
		tokens, err := api.NewTokens(map[string]api.Identity{
			"office-token-0123456789": {Role: registry.RoleBody, Subject: "office:segreteria", EntityID: f.ids[f.body.Entity.CodiceFiscale]},
		})
		if err != nil {
			t.Fatal(err)
		}
		deps, err := api.NewDeps(f.reg, f.store.Filings(), tokens, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := api.New(deps, api.Options{})
		req := httptest.NewRequest("POST", "/v1/filings/2024", bytes.NewReader(own))
		req.Header.Set("Authorization", "Bearer office-token-0123456789")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		wantProblem(t, rec, http.StatusForbidden)
	})
	t.Run("the caller files", func(t *testing.T) {
		rec := f.do(t, "POST", "/v1/filings/2024", tokBody, own)
		var info api.FilingInfo
		decode(t, rec, &info)
		if rec.Code != 201 || info.FilerTaxCode != callerCF {
			t.Fatalf("status %d, filer %q, want %q", rec.Code, info.FilerTaxCode, callerCF)
		}
	})
}

// TestIdempotencyKey: a POST retried with the same Idempotency-Key and body
// answers as the first time and files once; the key with another body is a
// 422; on every store, and under concurrent retries.
func TestIdempotencyKey(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newFixtureOn(t, dsn(t))
			own := mustDocFor(t, f)
			before := lastSeq(t, f)
			file := func(key string, body []byte) *httptest.ResponseRecorder {
				return f.do(t, "POST", "/v1/filings/2024", tokBody, body, api.IdempotencyKeyHeader, key)
			}
			var first api.FilingInfo
			rec := file("retry-1", own)
			decode(t, rec, &first)
			if rec.Code != 201 || rec.Header().Get(api.ReplayedHeader) != "" {
				t.Fatalf("first: status %d: %s", rec.Code, truncate(rec.Body.String()))
			}
			for range 2 {
				var again api.FilingInfo
				rec := file("retry-1", own)
				decode(t, rec, &again)
				if rec.Code != 201 || rec.Header().Get(api.ReplayedHeader) != "true" || again.Revision != first.Revision ||
					!again.FiledAt.Equal(first.FiledAt) || again.EntityID != first.EntityID || again.FilerTaxCode != first.FilerTaxCode {
					t.Fatalf("retry: status %d, %+v, want %+v", rec.Code, again, first)
				}
			}
			if got := lastSeq(t, f); got != before+1 {
				t.Fatalf("retries filed again: %d events, want 1", got-before)
			}
			p := wantProblem(t, file("retry-1", append(own, '\n')), 422)
			if !strings.Contains(p.Messages.EN, "Idempotency-Key") {
				t.Fatalf("detail %q", p.Messages.EN)
			}
			// The same request under another key files anew.
			var second api.FilingInfo
			decode(t, file("retry-2", own), &second)
			if second.Revision != first.Revision+1 {
				t.Fatalf("another key: revision %d, want %d", second.Revision, first.Revision+1)
			}
			// The first key still answers with the first revision, though
			// the current one is now the second.
			var late api.FilingInfo
			rec = file("retry-1", own)
			decode(t, rec, &late)
			if rec.Header().Get(api.ReplayedHeader) != "true" || late.Revision != first.Revision {
				t.Fatalf("a retry after another revision: revision %d (replayed %q), want %d", late.Revision, rec.Header().Get(api.ReplayedHeader), first.Revision)
			}
			t.Run("concurrent retries file once", func(t *testing.T) {
				before := lastSeq(t, f)
				const n = 6
				codes, revs := make([]int, n), make([]int, n)
				done := make(chan struct{})
				for i := range n {
					go func() {
						defer func() { done <- struct{}{} }()
						req := httptest.NewRequest("POST", "/v1/filings/2024", bytes.NewReader(own))
						req.Header.Set("Authorization", "Bearer "+tokBody)
						req.Header.Set(api.IdempotencyKeyHeader, "retry-3")
						rec := httptest.NewRecorder()
						f.h.ServeHTTP(rec, req)
						var info api.FilingInfo
						_ = json.Unmarshal(rec.Body.Bytes(), &info)
						codes[i], revs[i] = rec.Code, info.Revision
					}()
				}
				for range n {
					<-done
				}
				for i := range n {
					if codes[i] != 201 || revs[i] != revs[0] {
						t.Fatalf("answers %v, revisions %v", codes, revs)
					}
				}
				if got := lastSeq(t, f); got != before+1 {
					t.Fatalf("%d events, want 1", got-before)
				}
			})
			t.Run("requests that write nothing", func(t *testing.T) {
				for _, target := range []string{"/v1/questionnaires/2024/validate", "/v1/eligibility"} {
					body := []byte(`{"reportingYear":2024}`)
					r1 := f.do(t, "POST", target, "", body, api.IdempotencyKeyHeader, "v-"+target)
					r2 := f.do(t, "POST", target+"?lang=it", "", body, api.IdempotencyKeyHeader, "v-"+target, "Accept-Language", "it")
					if r1.Code != r2.Code || r2.Header().Get(api.ReplayedHeader) != "true" {
						t.Fatalf("%s: %d then %d (replayed %q)", target, r1.Code, r2.Code, r2.Header().Get(api.ReplayedHeader))
					}
					wantProblem(t, f.do(t, "POST", target, "", []byte(`{}`), api.IdempotencyKeyHeader, "v-"+target), 422)
				}
			})
			t.Run("bad keys", func(t *testing.T) {
				for _, key := range []string{strings.Repeat("k", 256), "a b", "città"} {
					wantProblem(t, file(key, own), 400)
				}
			})
		})
	}
}

// answerErrors returns the problems of a rejected document: the errors of a
// 200 validation result that says invalid, or of a problem with status.
func answerErrors(t *testing.T, rec *httptest.ResponseRecorder, status int) []map[string]any {
	t.Helper()
	var list any
	if status == 200 {
		var out api.ValidationResult
		decode(t, rec, &out)
		if rec.Code != 200 || out.Valid {
			t.Fatalf("status %d, valid %v", rec.Code, out.Valid)
		}
		list = out.Errors
	} else {
		list = wantProblem(t, rec, status).Errors
	}
	var errs []map[string]any
	b, _ := json.Marshal(list)
	_ = json.Unmarshal(b, &errs)
	return errs
}
