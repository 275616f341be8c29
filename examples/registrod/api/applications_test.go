package api_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// The test callers of the applications tests.
const (
	tokPersonA    = "person-a-token-0123456789" // a person applying for body A
	tokPersonB    = "person-b-token-0123456789"
	tokPersonC    = "person-c-token-0123456789"
	tokBodyA      = "body-a-token-0123456789"
	tokBodyB      = "body-b-token-0123456789"
	tokBodyC      = "body-c-token-0123456789"
	tokAppsStaff  = "apps-staff-token-0123456789"
	tokAppsRegion = "apps-region-token-0123456789"
)

// The attachment files: a PDF and a CAdES envelope (a minimal DER CMS
// SignedData, as registry's tests build it with encoding/asn1).
var (
	pdfFile    = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	p7mFile, _ = hex.DecodeString("307106092a864886f70d010702a0643062020101310f300d06096086480165030402010500301b06092a864886f70d010701a00e040c2550444620666f726d206f6b312f302d02010130053000020101300d06096086480165030402010500300d06092a864886f70d01010105000403736967")
)

// appsEnv is a register served over HTTP for the applications tests: its
// own clock, deterministic IDs, and tokens that can name bodies once they
// exist.
type appsEnv struct {
	t      *testing.T
	dsn    string
	store  *sqlstore.Store
	reg    *registry.Registry
	now    time.Time
	mu     sync.Mutex
	seq    int
	ids    map[string]string // body token → entity ID
	silent registry.SilencePolicy
	h      http.Handler
}

func newAppsEnv(t *testing.T, dsn string, policy registry.SilencePolicy) *appsEnv {
	env := &appsEnv{t: t, dsn: dsn, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), ids: map[string]string{}, silent: policy}
	env.open()
	return env
}

// open opens the store and wires the register and the handler (again, after
// a restart).
func (env *appsEnv) open() {
	t := env.t
	store, err := sqlstore.Open(context.Background(), env.dsn, sqlstore.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", env.dsn, err)
	}
	t.Cleanup(func() { store.Close() })
	env.store = store
	env.reg = wire.Registry(store, wire.Options{
		Now:     env.clock,
		NewID:   func() string { env.mu.Lock(); defer env.mu.Unlock(); env.seq++; return fmt.Sprintf("X%05d", env.seq) },
		Silence: env.silent,
	})
	env.rewire()
}

func (env *appsEnv) clock() time.Time { env.mu.Lock(); defer env.mu.Unlock(); return env.now }

func (env *appsEnv) setClock(t time.Time) { env.mu.Lock(); defer env.mu.Unlock(); env.now = t }

// rewire builds the handler with tokens for the bodies known so far.
func (env *appsEnv) rewire() {
	t := env.t
	m := map[string]api.Identity{
		tokPersonA:    {Role: registry.RolePublic, Subject: "cf:RCCMNL83S18D969H"},
		tokPersonB:    {Role: registry.RolePublic, Subject: "cf:PERSONB"},
		tokPersonC:    {Role: registry.RolePublic, Subject: "cf:PERSONC"},
		tokAppsStaff:  {Role: registry.RoleStaff, Subject: "staff:apps"},
		tokAppsRegion: {Role: registry.RoleRegion, Subject: "regione:lazio", Region: "12"},
	}
	for tok, id := range env.ids {
		m[tok] = api.Identity{Role: registry.RoleBody, Subject: "cf:" + tok[:6], EntityID: id}
	}
	tokens, err := api.NewTokens(m)
	if err != nil {
		t.Fatal(err)
	}
	deps, err := api.NewDeps(env.reg, env.store.Filings(), tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.h = api.New(deps, api.Options{RateLimit: -1})
}

// do sends a request and checks the exchange against the OpenAPI document.
func (env *appsEnv) do(t *testing.T, method, target, token, contentType string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, req)
	checkContract(t, req, body, rec)
	return rec
}

func (env *appsEnv) doJSON(t *testing.T, method, target, token string, v any, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var body []byte
	if v != nil {
		var err error
		if body, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	ct := ""
	if body != nil {
		ct = "application/json"
	}
	return env.do(t, method, target, token, ct, body, hdr...)
}

// file is one file part of a multipart application.
type file struct {
	name, contentType string
	content           []byte
}

// multipartBody returns a multipart/form-data body with the application and
// the files, and its Content-Type.
func multipartBody(t *testing.T, app map[string]any, files ...file) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if app != nil {
		js, err := json.Marshal(app)
		if err != nil {
			t.Fatal(err)
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="application"`)
		h.Set("Content-Type", "application/json")
		w, _ := mw.CreatePart(h)
		w.Write(js)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, f.name))
		if f.contentType != "" {
			h.Set("Content-Type", f.contentType)
		}
		w, _ := mw.CreatePart(h)
		w.Write(f.content)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// sampleApplication returns a Section I application (from the CLI's
// eligibility examples) for a body with codice fiscale cf, dated date,
// listing the two attachments statuto.pdf and domanda.pdf.p7m.
func sampleApplication(t *testing.T, cf, name, date string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "registro", "testdata", "eligibility", "eligible-I.json"))
	if err != nil {
		t.Fatal(err)
	}
	var app map[string]any
	if err := json.Unmarshal(data, &app); err != nil {
		t.Fatal(err)
	}
	delete(app, "id")
	delete(app, "entityId")
	app["date"] = date
	body := app["body"].(map[string]any)
	body["taxCode"], body["name"] = cf, name
	app["signature"].(map[string]any)["signedAt"] = date
	app["attachments"] = []any{
		map[string]any{"kind": "statute", "name": "statuto.pdf"},
		map[string]any{"kind": "legal_rep_declaration", "name": "domanda.pdf.p7m"},
	}
	return app
}

func twoFiles() []file {
	return []file{{"statuto.pdf", "application/pdf", pdfFile}, {"domanda.pdf.p7m", "application/pkcs7-mime", p7mFile}}
}

// fileApplication posts an application and returns the receipt.
func (env *appsEnv) fileApplication(t *testing.T, token string, app map[string]any, files ...file) api.Receipt {
	t.Helper()
	body, ct := multipartBody(t, app, files...)
	rec := env.do(t, "POST", "/v1/applications", token, ct, body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("file application: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	var rc api.Receipt
	decode(t, rec, &rc)
	if rec.Header().Get("Location") != "/v1/applications/"+rc.ApplicationID {
		t.Errorf("Location %q", rec.Header().Get("Location"))
	}
	return rc
}

func (env *appsEnv) status(t *testing.T, token, appID string) api.ApplicationStatus {
	t.Helper()
	rec := env.do(t, "GET", "/v1/applications/"+appID, token, "", nil)
	if rec.Code != 200 {
		t.Fatalf("application status: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	var st api.ApplicationStatus
	decode(t, rec, &st)
	return st
}

func wantCode(t *testing.T, rec *httptest.ResponseRecorder, code int, what string) {
	t.Helper()
	if rec.Code != code {
		t.Fatalf("%s: status %d, want %d: %s", what, rec.Code, code, truncate(rec.Body.String()))
	}
}

// TestApplicationsEndToEnd is the procedure of enrolment over HTTP, on each
// database: body A applies with two attachments and gets a receipt; staff
// see it in the review queue with its eligibility decision, review it and
// enrol it by decree, and A is public (Section I) and enrolled; body B is
// asked to complete its application, completes it and is rejected with
// reasons; body C's application, 91 days old, is reported by the
// no_effect silence policy and enrolled tacitly by the acceptance policy on
// a schedule; the attachments survive a restart byte for byte and no other
// body can read them.
func TestApplicationsEndToEnd(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			env := newAppsEnv(t, dsn(t), registry.SilenceNoEffect)

			// Body A applies, with two attachments and an Idempotency-Key.
			appA := sampleApplication(t, "00743110157", "Associazione Porte Aperte", "2026-03-02")
			body, ct := multipartBody(t, appA, twoFiles()...)
			rec := env.do(t, "POST", "/v1/applications", tokPersonA, ct, body, "Idempotency-Key", "apply-A-1")
			wantCode(t, rec, http.StatusCreated, "apply A")
			var rcA api.Receipt
			decode(t, rec, &rcA)
			if rcA.Protocol != "2026/000001" || rcA.DecisionDue != "2026-05-31" || !rcA.ReceivedAt.Equal(env.clock()) {
				t.Errorf("receipt %+v", rcA)
			}
			if len(rcA.Attachments) != 2 || rcA.Attachments[0].MediaType != registry.MediaPDF || rcA.Attachments[1].MediaType != registry.MediaP7M ||
				rcA.Attachments[0].Size != int64(len(pdfFile)) || len(rcA.Attachments[1].SHA256) != 64 {
				t.Errorf("attachments %+v", rcA.Attachments)
			}
			if rcA.Eligibility == nil || len(rcA.Eligibility.Sections) != 1 || len(rcA.Eligibility.Sections[0].Rules) == 0 {
				t.Fatalf("no eligibility decision in the receipt: %+v", rcA.Eligibility)
			}
			// The same request again: the same receipt, nothing filed again.
			again := env.do(t, "POST", "/v1/applications", tokPersonA, ct, body, "Idempotency-Key", "apply-A-1")
			wantCode(t, again, http.StatusCreated, "retry")
			if again.Header().Get(api.ReplayedHeader) != "true" || again.Body.String() != rec.Body.String() {
				t.Errorf("retry answered %q, replayed %q", again.Body.String(), again.Header().Get(api.ReplayedHeader))
			}
			// The key with another request is refused.
			other, ct2 := multipartBody(t, sampleApplication(t, "80012340016", "Altro", "2026-03-02"), twoFiles()...)
			wantProblem(t, env.do(t, "POST", "/v1/applications", tokPersonA, ct2, other, "Idempotency-Key", "apply-A-1"), http.StatusUnprocessableEntity)

			// Bodies B and C apply.
			rcB := env.fileApplication(t, tokPersonB, sampleApplication(t, "80012340016", "Casa Comune", "2026-03-02"), twoFiles()...)
			rcC := env.fileApplication(t, tokPersonC, sampleApplication(t, "97123450021", "Ponti", "2026-03-02"), twoFiles()...)
			if rcB.Protocol != "2026/000002" || rcC.Protocol != "2026/000003" {
				t.Errorf("protocols %s, %s: want 2026/000002, 2026/000003", rcB.Protocol, rcC.Protocol)
			}
			env.ids = map[string]string{tokBodyA: rcA.EntityID, tokBodyB: rcB.EntityID, tokBodyC: rcC.EntityID}
			env.rewire()

			// The applicant follows its application; nobody else sees it.
			if st := env.status(t, tokBodyA, rcA.ApplicationID); st.Sections[0].Status != registry.StatusApplied || st.Application.Receipt.Protocol != rcA.Protocol {
				t.Errorf("A's status %+v", st)
			}
			wantProblem(t, env.do(t, "GET", "/v1/applications/"+rcA.ApplicationID, tokBodyB, "", nil), http.StatusNotFound)
			wantProblem(t, env.do(t, "GET", "/v1/applications/"+rcA.ApplicationID, "", "", nil), http.StatusNotFound)

			// The review queue shows the three, each with its decision.
			rec = env.do(t, "GET", "/v1/review-queue", tokAppsStaff, "", nil)
			wantCode(t, rec, 200, "review queue")
			var q api.ReviewQueue
			decode(t, rec, &q)
			if len(q.Items) != 3 || q.Items[0].Protocol == "" || q.Items[0].Eligibility == nil || len(q.Items[0].Eligibility.Sections[0].Rules) == 0 {
				t.Fatalf("review queue %+v", q)
			}
			wantProblem(t, env.do(t, "GET", "/v1/review-queue", tokBodyA, "", nil), http.StatusForbidden)

			// A: review, then enrolment by decree.
			sec := "/v1/entities/" + rcA.EntityID + "/sections/I/"
			wantProblem(t, env.doJSON(t, "POST", sec+"review", tokBodyA, map[string]any{"on": "2026-03-03"}), http.StatusForbidden)
			env.setClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			wantCode(t, env.doJSON(t, "POST", sec+"review", tokAppsStaff, map[string]any{"on": "2026-03-03"}), 200, "review")
			wantProblem(t, env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, map[string]any{"number": "", "date": "2026-03-09"}), http.StatusUnprocessableEntity)
			wantCode(t, env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, map[string]any{"number": "DM 12/2026", "date": "2026-03-09"}), 200, "enrol")
			wantProblem(t, env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, map[string]any{"number": "DM 13/2026", "date": "2026-03-09"}), http.StatusConflict)
			// A is public now, and enrolled.
			rec = env.do(t, "GET", "/v1/entities/"+rcA.EntityID, "", "", nil)
			wantCode(t, rec, 200, "public read of A")
			rec = env.do(t, "GET", "/v1/entities?section=I&status=enrolled", "", "", nil)
			if !strings.Contains(rec.Body.String(), rcA.EntityID) {
				t.Errorf("A is not in the public Section I list: %s", truncate(rec.Body.String()))
			}
			if st := env.status(t, tokBodyA, rcA.ApplicationID); st.Sections[0].Status != registry.StatusEnrolled {
				t.Errorf("A's application status %+v", st.Sections)
			}
			// B is not public.
			wantProblem(t, env.do(t, "GET", "/v1/entities/"+rcB.EntityID, "", "", nil), http.StatusNotFound)

			// B: asked to complete, completes, is rejected with reasons.
			wantProblem(t, env.doJSON(t, "POST", "/v1/applications/"+rcB.ApplicationID+"/completion-requests", tokBodyB,
				map[string]any{"note": "manca il bilancio"}), http.StatusForbidden)
			rec = env.doJSON(t, "POST", "/v1/applications/"+rcB.ApplicationID+"/completion-requests", tokAppsStaff,
				map[string]any{"note": "manca il bilancio approvato"})
			wantCode(t, rec, http.StatusCreated, "completion request")
			if st := env.status(t, tokBodyB, rcB.ApplicationID); !st.AwaitingCompletion {
				t.Errorf("B's application does not await completion: %+v", st)
			}
			wantProblem(t, env.doJSON(t, "POST", "/v1/applications/"+rcB.ApplicationID+"/completion-requests", tokAppsStaff,
				map[string]any{"note": "ancora"}), http.StatusConflict)
			completed := sampleApplication(t, "80012340016", "Casa Comune", "2026-03-02")
			completed["attachments"] = []any{
				map[string]any{"kind": "statute", "name": "statuto.pdf", "sha256": rcB.Attachments[0].SHA256},
				map[string]any{"kind": "legal_rep_declaration", "name": "domanda.pdf.p7m", "sha256": rcB.Attachments[1].SHA256},
				map[string]any{"kind": "balance_sheet", "name": "bilancio.pdf"},
			}
			balance := append(bytes.Clone(pdfFile), "% bilancio 2025\n"...)
			body, ct = multipartBody(t, completed, file{"bilancio.pdf", "", balance})
			wantProblem(t, env.do(t, "POST", "/v1/applications/"+rcB.ApplicationID+"/completion", tokBodyA, ct, body), http.StatusNotFound)
			rec = env.do(t, "POST", "/v1/applications/"+rcB.ApplicationID+"/completion", tokBodyB, ct, body)
			wantCode(t, rec, 200, "completion")
			var rcB2 api.Receipt
			decode(t, rec, &rcB2)
			if rcB2.Protocol != rcB.Protocol || len(rcB2.Attachments) != 3 || rcB2.Eligibility == nil {
				t.Errorf("receipt after completion %+v", rcB2)
			}
			if st := env.status(t, tokBodyB, rcB.ApplicationID); st.AwaitingCompletion {
				t.Error("B's application still awaits completion")
			}
			wantProblem(t, env.do(t, "POST", "/v1/applications/"+rcB.ApplicationID+"/completion", tokBodyB, ct, body), http.StatusConflict)
			rec = env.do(t, "GET", "/v1/entities/"+rcB.EntityID+"/events", tokBodyB, "", nil)
			wantCode(t, rec, 200, "B's history")
			var evs api.EventPage
			decode(t, rec, &evs)
			kinds := map[registry.EventKind]bool{}
			for _, ev := range evs.Items {
				kinds[ev.Kind] = true
			}
			if !kinds[registry.EventCompletionRequested] || !kinds[registry.EventApplicationComplete] || !kinds[registry.EventApplicationFiled] {
				t.Errorf("B's history lacks the completion events: %v", kinds)
			}
			wantProblem(t, env.do(t, "GET", "/v1/entities/"+rcB.EntityID+"/events", tokBodyA, "", nil), http.StatusNotFound)
			secB := "/v1/entities/" + rcB.EntityID + "/sections/I/"
			wantProblem(t, env.doJSON(t, "POST", secB+"rejection", tokAppsStaff, map[string]any{"date": "2026-03-10", "reason": "esperienza non dimostrata"}), http.StatusUnprocessableEntity)
			rec = env.doJSON(t, "POST", secB+"rejection", tokAppsStaff, map[string]any{"date": "2026-03-10",
				"reason": "esperienza non dimostrata", "legalBasis": "art. 53 c.1 lett. a DPR 394/1999"})
			wantCode(t, rec, 200, "rejection")
			var eB registry.Entity
			decode(t, rec, &eB)
			if en, _ := eB.Enrolment(registry.SectionI); en.Status != registry.StatusRejected || en.RejectionReason != "esperienza non dimostrata" || en.LegalBasis == "" {
				t.Errorf("B's enrolment after rejection %+v", en)
			}
			if st := env.status(t, tokBodyB, rcB.ApplicationID); st.Sections[0].Status != registry.StatusRejected {
				t.Errorf("B's application status %+v", st.Sections)
			}

			// C, 91 days on: the no_effect policy reports it, on demand.
			env.setClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
			rec = env.do(t, "POST", "/v1/silence", tokAppsStaff, "", nil)
			wantCode(t, rec, 200, "silence")
			var rep api.SilenceReport
			decode(t, rec, &rep)
			if rep.Policy != "no_effect" || len(rep.Overdue) != 1 || rep.Overdue[0].EntityID != rcC.EntityID || rep.Overdue[0].Tacit {
				t.Errorf("silence report %+v", rep)
			}
			wantProblem(t, env.do(t, "POST", "/v1/silence", tokBodyC, "", nil), http.StatusForbidden)
			rec = env.do(t, "GET", "/v1/review-queue", tokAppsStaff, "", nil)
			decode(t, rec, &q)
			if len(q.Items) != 1 || q.Items[0].EntityID != rcC.EntityID || !q.Items[0].Overdue {
				t.Errorf("queue after the term %+v", q.Items)
			}

			// The acceptance policy, on a schedule: C is enrolled tacitly.
			acc := wire.Registry(env.store, wire.Options{Now: env.clock, Silence: registry.SilenceMeansAcceptance})
			ticks := make(chan time.Time)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { api.RunSilence(ctx, acc, ticks, nil); close(done) }()
			ticks <- env.clock()
			ticks <- env.clock() // the second tick waits for the first run to end
			cancel()
			<-done
			eC, err := env.reg.Entity(context.Background(), registry.Staff("t"), rcC.EntityID)
			if err != nil {
				t.Fatal(err)
			}
			if en, _ := eC.Enrolment(registry.SectionI); en.Status != registry.StatusEnrolled || !en.Tacit || en.DecreeDate != "2026-06-01" {
				t.Errorf("C after the scheduled silence %+v", en)
			}

			// Attachments: the body and staff read them, nobody else; they
			// survive a restart byte for byte.
			readAttachments := func() {
				t.Helper()
				for i, want := range [][]byte{pdfFile, p7mFile} {
					at := rcA.Attachments[i]
					url := "/v1/applications/" + rcA.ApplicationID + "/attachments/" + at.SHA256
					for _, tok := range []string{tokBodyA, tokAppsStaff} {
						rec := env.do(t, "GET", url, tok, "", nil)
						wantCode(t, rec, 200, "attachment")
						if !bytes.Equal(rec.Body.Bytes(), want) || rec.Header().Get("Content-Type") != at.MediaType {
							t.Errorf("attachment %d read by %s: %q (%s)", i, tok, rec.Body.Bytes(), rec.Header().Get("Content-Type"))
						}
					}
					for _, tok := range []string{tokBodyB, tokBodyC, tokPersonA, tokAppsRegion} {
						wantProblem(t, env.do(t, "GET", url, tok, "", nil), http.StatusNotFound)
					}
					wantProblem(t, env.do(t, "GET", url, "", "", nil), http.StatusNotFound)
				}
			}
			readAttachments()
			env.store.Close()
			env.open()
			env.rewire()
			readAttachments()
			if rcB.Attachments[0].SHA256 != rcA.Attachments[0].SHA256 {
				t.Error("the same file has two digests")
			}
		})
	}
}
