package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting"
)

// TestAnnualReport checks GET /v1/annual-report/{year}: unpublished while
// the year is being filed; then, for anyone, the reports PublicReports
// makes of the stored filings over every published scope (the same, figure
// for figure); no Section II figure below the threshold in any scope; the
// ETag kept while nothing is filed and changed by a new filing; bad years
// and scopes are problems.
func TestAnnualReport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	val, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		target string
		status int
	}{
		{"/v1/annual-report/2024", http.StatusNotFound}, // filing period still open at testNow
		{"/v1/annual-report/1990", http.StatusNotFound},
		{"/v1/annual-report/20x4", http.StatusBadRequest},
		{"/v1/annual-report/2023?scope=XX", http.StatusBadRequest},
		{"/v1/annual-report/2023?scope=ITZ", http.StatusBadRequest},
	} {
		wantProblem(t, f.do(t, "GET", tc.target, "", nil), tc.status)
	}

	// Every body with a report files it, but f.body, which files later.
	store := f.apiDeps.Filings
	for i := range f.gen.Bodies {
		b := &f.gen.Bodies[i]
		if b.Filing == nil || b == f.body {
			continue
		}
		if _, err := store.Get(ctx, b.Entity.CodiceFiscale, 2024); err == nil {
			continue // filed already
		}
		doc := mustDoc(t, val, f.ids, b)
		if err := store.Put(ctx, questionnaire.Filing{BodyTaxCode: b.Entity.CodiceFiscale, Year: 2024, Revision: 1,
			FiledAt: b.Filing.FiledAt, FilerTaxCode: b.Entity.LegalRepresentative.CodiceFiscale, Document: doc}); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.Set(time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC))
	var docs [][]byte
	for fl, err := range store.Year(ctx, 2024) {
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, fl.Document)
	}
	if len(docs) < 10 {
		t.Fatalf("%d filings stored", len(docs))
	}

	want := func(docs [][]byte) map[string]any {
		t.Helper()
		scopes := reporting.AllScopes(reporting.Options{Lists: f.reg.CodeLists(), Territory: f.reg.Territory()})
		aggs := make([]*reporting.Aggregator, len(scopes))
		for i, o := range scopes {
			if aggs[i], err = reporting.New(2024, o); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range docs {
			var doc questionnaire.Document
			if err := json.Unmarshal(d, &doc); err != nil {
				t.Fatal(err)
			}
			for _, a := range aggs {
				a.Add(&doc)
			}
		}
		reps, err := reporting.PublicReports(aggs...)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for _, r := range reps {
			b, _ := json.Marshal(r)
			var v any
			_ = json.Unmarshal(b, &v)
			out[r.Scope.Code] = v
		}
		return out
	}
	get := func(scope string, token string) (map[string]any, reporting.Report, string) {
		t.Helper()
		target := "/v1/annual-report/2024"
		if scope != "" {
			target += "?scope=" + scope
		}
		rec := f.do(t, "GET", target, token, nil)
		// A build that outlasts the request's deadline (a loaded machine)
		// answers 503 and goes on for the next request.
		for i := 0; i < 20 && rec.Code == http.StatusServiceUnavailable; i++ {
			time.Sleep(time.Second)
			rec = f.do(t, "GET", target, token, nil)
		}
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("scope %q: %d %s", scope, rec.Code, truncate(rec.Body.String()))
		}
		var v map[string]any
		var rep reporting.Report
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &rep)
		return v, rep, rec.Header().Get("ETag")
	}

	exp := want(docs)
	nation, rep, etag := get("", "")
	if !reflect.DeepEqual(nation, exp[""]) {
		t.Fatal("the national report differs from PublicReports over the stored filings")
	}
	if !rep.Public || rep.Year != 2024 || len(rep.Tables) == 0 {
		t.Fatalf("national report: public %v, year %d, %d tables", rep.Public, rep.Year, len(rep.Tables))
	}
	if staff, _, _ := get("", tokStaff); !reflect.DeepEqual(staff, nation) {
		t.Error("staff get another report than the public")
	}
	for code, w := range exp {
		got, rep, _ := get(code, "")
		if !reflect.DeepEqual(got, w) {
			t.Errorf("scope %q differs from PublicReports", code)
		}
		// No Section II figure below the threshold is published.
		for _, tb := range rep.Tables {
			for c, col := range tb.Columns {
				if !col.Sensitive {
					continue
				}
				for _, row := range append(tb.Rows, tb.Total) {
					if c < len(row.Cells) {
						if v := row.Cells[c].Value; v != nil && *v > 0 && *v < int64(rep.Threshold) {
							t.Errorf("scope %q, %s, row %s: Section II figure %d published", code, tb.ID, row.Code, *v)
						}
					}
				}
			}
		}
	}
	if rec := f.do(t, "GET", "/v1/annual-report/2024", "", nil, "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match its ETag: %d", rec.Code)
	}

	// A late filing through the API: the report is made again with it.
	own := mustDoc(t, val, f.ids, f.body)
	if rec := f.do(t, "POST", "/v1/filings/2024", tokBody, own); rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	again, _, etag2 := get("", "")
	if etag2 == etag || !reflect.DeepEqual(again, want(append(docs, own))[""]) {
		t.Errorf("after a filing: ETag %s (was %s), report as PublicReports with it: %v", etag2, etag, reflect.DeepEqual(again, want(append(docs, own))[""]))
	}
}

func init() {
	// 2023: its filing period has ended at the fixture's clock.
	addMatrix(matrixCase{op: "getAnnualReport", req: get("/v1/annual-report/2023"), allow: everyone})
}
