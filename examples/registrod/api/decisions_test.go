package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// newAppsEnvSQLite is an applications environment on a fresh SQLite file.
func newAppsEnvSQLite(t *testing.T) *appsEnv {
	return newAppsEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "registro.db"), registry.SilenceNoEffect)
}

// TestApplicationBadInput: each malformed or refused upload is a problem
// with its status, and nothing is stored (the next receipt takes the first
// protocol number).
func TestApplicationBadInput(t *testing.T) {
	env := newAppsEnvSQLite(t)
	app := func() map[string]any { return sampleApplication(t, "00743110157", "Porte Aperte", "2026-03-02") }
	big := append(bytes.Clone(pdfFile), make([]byte, registry.DefaultMaxAttachmentBytes)...)
	tests := []struct {
		name   string
		token  string
		body   func() ([]byte, string)
		status int
		path   string // the JSON Pointer of a 422's problem
	}{
		{"anonymous", "", func() ([]byte, string) { return multipartBody(t, app(), twoFiles()...) }, 401, ""},
		{"JSON instead of multipart", tokPersonA, func() ([]byte, string) { return []byte(`{}`), "application/json" }, 415, ""},
		{"no application part", tokPersonA, func() ([]byte, string) { return multipartBody(t, nil, twoFiles()...) }, 400, ""},
		{"a file missing", tokPersonA, func() ([]byte, string) { return multipartBody(t, app(), twoFiles()[0]) }, 422, "/attachments/1"},
		{"a file no attachment names", tokPersonA, func() ([]byte, string) {
			return multipartBody(t, app(), append(twoFiles(), file{"extra.pdf", "", pdfFile})...)
		}, 422, "/attachments"},
		{"neither PDF nor P7M", tokPersonA, func() ([]byte, string) {
			return multipartBody(t, app(), file{"statuto.pdf", "", []byte("GIF89a not a pdf")}, twoFiles()[1])
		}, 422, "/attachments/0"},
		{"declared type is not the content's", tokPersonA, func() ([]byte, string) {
			return multipartBody(t, app(), file{"statuto.pdf", "application/pkcs7-mime", pdfFile}, twoFiles()[1])
		}, 415, ""},
		{"file over the limit", tokPersonA, func() ([]byte, string) {
			return multipartBody(t, app(), file{"statuto.pdf", "", big}, twoFiles()[1])
		}, 413, ""},
		{"invalid application", tokPersonA, func() ([]byte, string) {
			a := app()
			a["sections"] = []any{"III"}
			return multipartBody(t, a, twoFiles()...)
		}, 422, "/sections/0"},
		{"a regional office applies for nobody", tokAppsRegion, func() ([]byte, string) { return multipartBody(t, app(), twoFiles()...) }, 403, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := tc.body()
			p := wantProblem(t, env.do(t, "POST", "/v1/applications", tc.token, ct, body), tc.status)
			if tc.path != "" && !strings.Contains(toJSON(t, p.Errors), `"instancePath":"`+tc.path+`"`) {
				t.Errorf("no problem at %s: %s", tc.path, toJSON(t, p.Errors))
			}
		})
	}
	rc := env.fileApplication(t, tokPersonA, app(), twoFiles()...)
	if rc.Protocol != "2026/000001" {
		t.Errorf("after the refusals the first receipt is %s", rc.Protocol)
	}
}

// TestDecisionsAndEdits: cancellation of an enrolment, PUT and PATCH of a
// body with If-Match (428 without, 412 stale), a body's applications, and a
// retried decision answered once.
func TestDecisionsAndEdits(t *testing.T) {
	env := newAppsEnvSQLite(t)
	rc := env.fileApplication(t, tokPersonA, sampleApplication(t, "00743110157", "Porte Aperte", "2026-03-02"), twoFiles()...)
	env.ids = map[string]string{tokBodyA: rc.EntityID}
	env.rewire()
	sec := "/v1/entities/" + rc.EntityID + "/sections/I/"
	decree := map[string]any{"number": "DM 1/2026", "date": "2026-03-02"}
	first := env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, decree, "Idempotency-Key", "enrol-1")
	wantCode(t, first, 200, "enrol")
	again := env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, decree, "Idempotency-Key", "enrol-1")
	if again.Code != 200 || again.Header().Get(api.ReplayedHeader) != "true" || again.Body.String() != first.Body.String() {
		t.Errorf("retried decree: %d %s", again.Code, truncate(again.Body.String()))
	}
	wantProblem(t, env.doJSON(t, "POST", "/v1/entities/"+rc.EntityID+"/sections/III/enrolment", tokAppsStaff, decree), http.StatusNotFound)
	wantProblem(t, env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, map[string]any{"number": "x", "date": "2026-03-02", "extra": 1}), http.StatusUnprocessableEntity)

	// A body's applications: its own and staff.
	rec := env.do(t, "GET", "/v1/entities/"+rc.EntityID+"/applications", tokBodyA, "", nil)
	wantCode(t, rec, 200, "applications")
	if !strings.Contains(rec.Body.String(), rc.Protocol) || !strings.Contains(rec.Body.String(), `"status":"enrolled"`) {
		t.Errorf("the body's applications: %s", truncate(rec.Body.String()))
	}
	wantProblem(t, env.do(t, "GET", "/v1/entities/"+rc.EntityID+"/applications", tokAppsRegion, "", nil), http.StatusNotFound)

	// Edits.
	ent := "/v1/entities/" + rc.EntityID
	rec = env.do(t, "GET", ent, tokAppsStaff, "", nil)
	etag := rec.Header().Get("ETag")
	patch := []byte(`{"name": "Porte Aperte APS"}`)
	wantProblem(t, env.do(t, "PATCH", ent, tokAppsStaff, "application/merge-patch+json", patch), http.StatusPreconditionRequired)
	wantProblem(t, env.do(t, "PATCH", ent, tokAppsStaff, "application/merge-patch+json", patch, "If-Match", `"v99"`), http.StatusPreconditionFailed)
	wantProblem(t, env.do(t, "PATCH", ent, tokAppsRegion, "application/merge-patch+json", patch, "If-Match", etag), http.StatusForbidden)
	rec = env.do(t, "PATCH", ent, tokAppsStaff, "application/merge-patch+json", patch, "If-Match", etag)
	wantCode(t, rec, 200, "patch")
	var e registry.Entity
	decode(t, rec, &e)
	if e.Name != "Porte Aperte APS" || rec.Header().Get("ETag") == etag || len(e.Enrolments) != 1 {
		t.Errorf("after PATCH: %q, ETag %s, enrolments %v", e.Name, rec.Header().Get("ETag"), e.Enrolments)
	}
	wantProblem(t, env.do(t, "PATCH", ent, tokAppsStaff, "application/merge-patch+json", patch, "If-Match", etag), http.StatusPreconditionFailed)
	e.Name = "Porte Aperte"
	put := []byte(toJSON(t, e))
	rec = env.do(t, "PUT", ent, tokBodyA, "application/json", put, "If-Match", rec.Header().Get("ETag"))
	wantCode(t, rec, 200, "put by the body itself")
	wantProblem(t, env.do(t, "PUT", ent, tokAppsStaff, "application/json", []byte(`{"name": 1}`), "If-Match", rec.Header().Get("ETag")), http.StatusUnprocessableEntity)

	// Cancellation.
	wantProblem(t, env.doJSON(t, "POST", sec+"cancellation", tokAppsStaff, map[string]any{"notifiedOn": "2026-03-02", "reason": "whim", "legalBasis": "x"}), http.StatusUnprocessableEntity)
	rec = env.doJSON(t, "POST", sec+"cancellation", tokAppsStaff, map[string]any{"notifiedOn": "2026-03-02",
		"reason": firstCancellationReason(t, env), "legalBasis": "art. 54 c.4 DPR 394/1999"})
	wantCode(t, rec, 200, "cancellation")
	decode(t, rec, &e)
	if en, _ := e.Enrolment(registry.SectionI); en.Status != registry.StatusCancelled {
		t.Errorf("after cancellation %+v", en)
	}
	wantProblem(t, env.do(t, "GET", ent, "", "", nil), http.StatusNotFound)
}

// firstCancellationReason is a code of the register's cancellation_reason
// list.
func firstCancellationReason(t *testing.T, env *appsEnv) string {
	t.Helper()
	l, ok := env.reg.CodeLists().List("cancellation_reason")
	if !ok || len(l.Items()) == 0 {
		t.Fatal("no cancellation_reason list")
	}
	return l.Items()[0].Code
}

// TestConcurrentApplicationsProtocols: applications received at once get
// protocol numbers 1…n, without gaps or repeats.
func TestConcurrentApplicationsProtocols(t *testing.T) {
	env := newAppsEnvSQLite(t)
	cfs := []string{"00743110157", "80012340016", "97123450021"}
	toks := []string{tokPersonA, tokPersonB, tokPersonC}
	done := make(chan string, len(cfs))
	for i := range cfs {
		go func() {
			body, ct := multipartBody(t, sampleApplication(t, cfs[i], "Ente", "2026-03-02"), twoFiles()...)
			req := httptest.NewRequest("POST", "/v1/applications", bytes.NewReader(body))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+toks[i])
			rec := httptest.NewRecorder()
			env.h.ServeHTTP(rec, req)
			var rc api.Receipt
			if err := json.Unmarshal(rec.Body.Bytes(), &rc); rec.Code != 201 || err != nil {
				done <- "error " + rec.Body.String()
				return
			}
			done <- rc.Protocol
		}()
	}
	got := map[string]bool{}
	for range cfs {
		got[<-done] = true
	}
	for n := 1; n <= len(cfs); n++ {
		if p := registry.FormatProtocol(2026, n); !got[p] {
			t.Errorf("protocol %s not assigned; got %v", p, got)
		}
	}
	if last, err := env.store.LastProtocol(context.Background(), 2026); err != nil || last != registry.FormatProtocol(2026, len(cfs)) {
		t.Errorf("last protocol %q, %v", last, err)
	}
}

// toJSON returns v as JSON.
func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
