package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// TestAnnualReportYear runs one body's year over HTTP, on SQLite and
// PostgreSQL: a draft saved and resumed (If-Match, 412 on a stale version,
// 428 without one), the report filed by the body with its receipt, read
// back, amended (revision 2 readable, revision 1 still readable), the
// yearly list and the body's page.
func TestAnnualReportYear(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newFixtureOn(t, dsn(t))
			id := f.ids[f.body.Entity.CodiceFiscale]
			draftURL := "/v1/entities/" + id + "/drafts/2024"

			// No draft yet, for anyone.
			for _, tok := range []string{tokBody, tokStaff, tokOtherBody, tokRegion} {
				wantProblem(t, f.do(t, "GET", draftURL, tok, nil), http.StatusNotFound)
			}

			// A first, partial save: created.
			partial := []byte(`{"body":{"name":"` + f.body.Entity.Name + `"}}`)
			rec := f.do(t, "PUT", draftURL, tokBody, partial)
			if rec.Code != http.StatusCreated || rec.Header().Get("ETag") != `"d1"` || rec.Header().Get("Location") != draftURL {
				t.Fatalf("first save: %d, ETag %q, Location %q: %s", rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Location"), rec.Body)
			}
			// Saving again without If-Match would overwrite unknowingly.
			wantProblem(t, f.do(t, "PUT", draftURL, tokBody, partial), http.StatusPreconditionRequired)
			wantProblem(t, f.do(t, "PUT", draftURL, tokBody, partial, "If-None-Match", "*"), http.StatusPreconditionFailed)
			// Resumed: read, then saved from the version read.
			rec = f.do(t, "GET", draftURL, tokBody, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("resume: %d %s", rec.Code, rec.Body)
			}
			var d registry.Draft
			decode(t, rec, &d)
			if d.Version != 1 || !jsonEqual(d.Document, partial) || d.SavedBy == "" {
				t.Fatalf("resumed draft: %+v", d)
			}
			more := []byte(`{"body":{"name":"` + f.body.Entity.Name + `","taxCode":"` + f.body.Entity.CodiceFiscale + `"}}`)
			rec = f.do(t, "PUT", draftURL, tokBody, more, "If-Match", rec.Header().Get("ETag"))
			if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"d2"` {
				t.Fatalf("second save: %d %s", rec.Code, rec.Body)
			}
			// Another session still holding version 1 is refused.
			wantProblem(t, f.do(t, "PUT", draftURL, tokBody, partial, "If-Match", `"d1"`), http.StatusPreconditionFailed)
			if rec := f.do(t, "GET", draftURL, tokBody, nil, "If-None-Match", `"d2"`); rec.Code != http.StatusNotModified {
				t.Errorf("If-None-Match on the current draft: %d", rec.Code)
			}
			// Staff read it; no one else does, and no one else writes it.
			rec = f.do(t, "GET", draftURL, tokStaff, nil)
			decode(t, rec, &d)
			if rec.Code != http.StatusOK || d.Version != 2 || !jsonEqual(d.Document, more) {
				t.Errorf("staff read: %d %+v", rec.Code, d)
			}
			for _, tok := range []string{tokOtherBody, tokRegion, tokPublic} {
				wantProblem(t, f.do(t, "GET", draftURL, tok, nil), http.StatusNotFound)
			}
			for _, tok := range []string{tokOtherBody, tokStaff, tokRegion} {
				wantProblem(t, f.do(t, "PUT", draftURL, tok, more, "If-Match", `"d2"`), http.StatusForbidden)
			}
			wantProblem(t, f.do(t, "PUT", draftURL, "", more), http.StatusUnauthorized)
			// Type-checked, not checked for completeness.
			for _, bad := range []string{`[1]`, `{"body":5}`, `{"body":`} {
				p := wantProblem(t, f.do(t, "PUT", draftURL, tokBody, []byte(bad), "If-Match", `"d2"`), http.StatusUnprocessableEntity)
				if len(p.Errors) == 0 && bad != `{"body":` {
					t.Errorf("draft %s: no errors in the problem", bad)
				}
			}
			big := []byte(`{"x":"` + strings.Repeat("a", registry.MaxDraftBytes) + `"}`)
			if rec := f.do(t, "PUT", draftURL, tokBody, big, "If-Match", `"d2"`); rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized draft: %d", rec.Code)
			}
			if rec := f.do(t, "GET", draftURL, tokBody, nil); !strings.Contains(rec.Body.String(), `"version":2`) {
				t.Errorf("a refused save changed the draft: %s", rec.Body)
			}

			// Filed by the body: a receipt, and Location at the filed report.
			doc := mustDocFor(t, f)
			rec = f.do(t, "POST", "/v1/filings/2024", tokBody, doc, "Idempotency-Key", "file-1")
			if rec.Code != http.StatusCreated {
				t.Fatalf("filing: %d %s", rec.Code, rec.Body)
			}
			var info api.FilingInfo
			decode(t, rec, &info)
			rev1 := "/v1/entities/" + id + "/reports/2024/revisions/1"
			if rec.Header().Get("Location") != rev1 || info.Receipt.Report != rev1 {
				t.Errorf("Location %q, receipt %+v, want %s", rec.Header().Get("Location"), info.Receipt, rev1)
			}
			if !regexp.MustCompile(`^REG-2025-[0-9]{8}$`).MatchString(info.Receipt.Protocol) || info.Receipt.Late ||
				!info.Receipt.FiledAt.Equal(testNow) || info.Revision != 1 {
				t.Errorf("receipt %+v", info)
			}
			// A retry answers the same receipt.
			rec = f.do(t, "POST", "/v1/filings/2024", tokBody, doc, "Idempotency-Key", "file-1")
			var again api.FilingInfo
			decode(t, rec, &again)
			if rec.Code != http.StatusCreated || !sameReceipt(again.Receipt, info.Receipt) {
				t.Errorf("replayed filing: %d %+v", rec.Code, again.Receipt)
			}

			// Read back by the body and staff, by no one else.
			for _, tok := range []string{tokBody, tokStaff} {
				rec = f.do(t, "GET", rev1, tok, nil)
				var fr api.FiledReport
				decode(t, rec, &fr)
				if rec.Code != http.StatusOK || !jsonEqual(fr.Document, doc) || !sameReceipt(fr.Receipt, info.Receipt) {
					t.Errorf("read back: %d %+v", rec.Code, fr.FilingInfo)
				}
			}
			for _, tok := range []string{tokOtherBody, tokRegion, tokPublic} {
				wantProblem(t, f.do(t, "GET", rev1, tok, nil), http.StatusNotFound)
			}

			// Amended: revision 2 is current, revision 1 still readable.
			rec = f.do(t, "POST", "/v1/filings/2024", tokBody, doc)
			var info2 api.FilingInfo
			decode(t, rec, &info2)
			if rec.Code != http.StatusCreated || info2.Revision != 2 || info2.Receipt.Protocol <= info.Receipt.Protocol ||
				rec.Header().Get("Location") != "/v1/entities/"+id+"/reports/2024/revisions/2" {
				t.Fatalf("amendment: %d %+v", rec.Code, info2)
			}
			for _, u := range []string{rev1, "/v1/entities/" + id + "/reports/2024/revisions/2", "/v1/entities/" + id + "/reports/2024"} {
				if rec := f.do(t, "GET", u, tokBody, nil); rec.Code != http.StatusOK {
					t.Errorf("GET %s: %d", u, rec.Code)
				}
			}
			var cur api.FiledReport
			decode(t, f.do(t, "GET", "/v1/entities/"+id+"/reports/2024", tokStaff, nil), &cur)
			if cur.Revision != 2 || cur.Receipt.Protocol != info2.Receipt.Protocol {
				t.Errorf("current report: %+v", cur.FilingInfo)
			}
			var revs api.RevisionList
			decode(t, f.do(t, "GET", "/v1/entities/"+id+"/reports/2024/revisions", tokBody, nil), &revs)
			if len(revs.Items) != 2 || !sameReceipt(revs.Items[0].Receipt, info.Receipt) || revs.Items[1].Revision != 2 {
				t.Errorf("revisions: %+v", revs.Items)
			}
			wantProblem(t, f.do(t, "GET", "/v1/entities/"+id+"/reports/2024/revisions/3", tokBody, nil), http.StatusNotFound)
			wantProblem(t, f.do(t, "GET", "/v1/entities/"+id+"/reports/2023", tokBody, nil), http.StatusNotFound)

			// The yearly list holds the body, filed on the first filing's day.
			var list registry.YearlyList
			decode(t, f.do(t, "GET", "/v1/yearly-list/2024", tokStaff, nil), &list)
			found := false
			for _, rl := range list.Recipients {
				for _, l := range rl.Regular {
					found = found || (l.ID == id && string(l.FiledOn) == "2025-01-20")
				}
			}
			if !found {
				t.Errorf("the yearly list lacks %s filed on 2025-01-20", id)
			}

			// The body's page: last filed, nothing overdue, for anyone who sees it.
			for _, tok := range []string{tokBody, tokStaff, ""} {
				var page struct {
					ID        string                   `json:"id"`
					Reporting registry.ReportingStatus `json:"reporting"`
				}
				decode(t, f.do(t, "GET", "/v1/entities/"+id, tok, nil), &page)
				lf := page.Reporting.LastFiled
				if page.ID != id || lf == nil || lf.Year != 2024 || lf.Revision != 2 || lf.Late {
					t.Errorf("page for %q: %+v", tok, page.Reporting)
				}
				if page.Reporting.NextDue == nil || page.Reporting.NextDue.Year != 2025 || page.Reporting.NextDue.Deadline != "2026-01-30" {
					t.Errorf("next due for %q: %+v", tok, page.Reporting.NextDue)
				}
			}
		})
	}
}

// TestReportingStatusOverdue checks the page of a body that has not filed:
// the 2024 report is due (deadline 30 January 2025, after the test's
// clock) and nothing is overdue; and of the other filers, the last filed.
func TestReportingStatusOverdue(t *testing.T) {
	f := newFixture(t)
	id := f.ids[f.other.Entity.CodiceFiscale]
	var page struct {
		Reporting registry.ReportingStatus `json:"reporting"`
	}
	decode(t, f.do(t, "GET", "/v1/entities/"+id, tokOtherBody, nil), &page)
	if page.Reporting.LastFiled != nil || page.Reporting.NextDue == nil || page.Reporting.NextDue.Year != 2024 {
		t.Errorf("status of a body that has not filed: %+v", page.Reporting)
	}
	// A Section II-only body: not found for the public, its page whole for staff.
	sec2 := f.sec2Only[0].ID
	wantProblem(t, f.do(t, "GET", "/v1/entities/"+sec2, "", nil), http.StatusNotFound)
	if rec := f.do(t, "GET", "/v1/entities/"+sec2, tokStaff, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"reporting"`) {
		t.Errorf("staff page of a Section II body: %d", rec.Code)
	}
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

// sameReceipt compares receipts, their times as instants.
func sameReceipt(a, b api.FilingReceipt) bool {
	return a.Protocol == b.Protocol && a.Late == b.Late && a.Report == b.Report && a.FiledAt.Equal(b.FiledAt)
}

// withDraft makes sure body A has a draft for 2024 (the rows that read one
// must find it), and returns its path.
func withDraft(t *testing.T, f *fixture) string {
	t.Helper()
	_, err := f.reg.SaveDraft(context.Background(), registry.Body("cf:"+f.body.Entity.LegalRepresentative.CodiceFiscale, f.bodyID()),
		registry.Draft{EntityID: f.bodyID(), Year: 2024, Document: []byte(`{}`)})
	if err != nil && !errors.Is(err, registry.ErrConflict) {
		t.Fatal(err)
	}
	return "/v1/entities/" + f.bodyID() + "/drafts/2024"
}

// withReport makes sure body A has filed its 2024 report (the rows that
// read one must find it), and returns the path of its reports for 2024.
func withReport(t *testing.T, f *fixture) string {
	t.Helper()
	ctx := context.Background()
	if _, err := f.store.Filings().Get(ctx, f.body.Entity.CodiceFiscale, 2024); errors.Is(err, registry.ErrNotFound) {
		deps, err := api.NewDeps(f.reg, f.store.Filings(), api.Tokens{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := registry.Body("cf:"+f.body.Entity.LegalRepresentative.CodiceFiscale, f.bodyID())
		if _, err := deps.Desk.FileAs(ctx, v, 2024, mustDocFor(t, f), testNow); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return "/v1/entities/" + f.bodyID() + "/reports/2024"
}

func init() {
	own := []caller{asBody, asReferent, asStaff}
	addMatrix(matrixCase{op: "getDraft", hidden: true, allow: own,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", withDraft(t, f), nil, nil
		}})
	addMatrix(matrixCase{op: "saveDraft", write: true, allow: []caller{asBody, asReferent},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "PUT", "/v1/entities/" + f.bodyID() + "/drafts/2024", []byte(`{"body":{}}`), []string{"If-None-Match", "*"}
		}})
	for op, suffix := range map[string]string{"getReport": "", "listReportRevisions": "/revisions", "getReportRevision": "/revisions/1"} {
		addMatrix(matrixCase{op: op, hidden: true, allow: own,
			req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
				return "GET", withReport(t, f) + suffix, nil, nil
			}})
	}
}

func TestEntityETagVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{`"v7"`, 7, true},
		{`"v7.3fa2e1"`, 7, true},
		{` "v12.ab" `, 12, true},
		{`"p3fa2"`, 0, false},
		{`"v0"`, 0, false},
		{`v7`, 0, false},
		{`"vx.1"`, 0, false},
		{``, 0, false},
	} {
		if got, ok := api.EntityETagVersion(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("EntityETagVersion(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
