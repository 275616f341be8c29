package client_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// The attachments of the sample application: a PDF statute and a signed
// (CAdES) application form: a minimal DER CMS SignedData envelope.
var (
	pdfFile    = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	p7mFile, _ = hex.DecodeString("307106092a864886f70d010702a0643062020101310f300d06096086480165030402010500301b06092a864886f70d010701a00e040c2550444620666f726d206f6b312f302d02010130053000020101300d06096086480165030402010500300d06092a864886f70d01010105000403736967") // a minimal CMS SignedData, as registry's tests build it
	twoFiles   = []client.File{{Name: "statuto.pdf", ContentType: "application/pdf", Content: pdfFile},
		{Name: "domanda.pdf.p7m", ContentType: "application/pkcs7-mime", Content: p7mFile}}
)

// applicationDoc returns, as JSON, a Section I application (the CLI's
// eligibility example) of a new body with codice fiscale cf, dated on the
// service's today and listing twoFiles.
func applicationDoc(t *testing.T, cf, name string) []byte {
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
	day := testNow.Format(time.DateOnly)
	app["date"] = day
	body := app["body"].(map[string]any)
	body["taxCode"], body["name"] = cf, name
	app["signature"].(map[string]any)["signedAt"] = day
	app["attachments"] = []any{
		map[string]any{"kind": "statute", "name": "statuto.pdf"},
		map[string]any{"kind": "legal_rep_declaration", "name": "domanda.pdf.p7m"},
	}
	out, err := json.Marshal(app)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEndToEndApplications files applications and decides them over HTTP
// against a real api.New over SQLite.
func TestEndToEndApplications(t *testing.T) {
	s := mustService(t, api.Options{RateLimit: -1})
	ctx := context.Background()
	staff := s.mustClient(t, tokStaff, client.Options{})
	person := s.mustClient(t, tokPerson, client.Options{})
	other := s.mustClient(t, tokOther, client.Options{})
	today := registry.Date(testNow.Format(time.DateOnly))

	doc := applicationDoc(t, "00743110157", "Associazione Porte Aperte")
	var first client.Response
	rc, err := person.FileApplication(ctx, doc, twoFiles, client.WithIdempotencyKey("apply-1"), client.ReadResponse(&first))
	if err != nil || rc.ApplicationID == "" || rc.EntityID == "" || rc.Protocol == "" || len(rc.Attachments) != 2 || first.Status != http.StatusCreated {
		t.Fatalf("FileApplication = %+v, %v", rc, err)
	}
	var again client.Response
	rc2, err := person.FileApplication(ctx, doc, twoFiles, client.WithIdempotencyKey("apply-1"), client.ReadResponse(&again))
	if err != nil || !again.Replayed || rc2.ApplicationID != rc.ApplicationID {
		t.Fatalf("FileApplication again with its key = %+v (replayed %v), %v", rc2, again.Replayed, err)
	}
	// An attachment the application lists but the request lacks.
	_, err = person.FileApplication(ctx, applicationDoc(t, "80012340016", "Casa Comune"), twoFiles[:1])
	mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)

	t.Run("application and attachment", func(t *testing.T) {
		st, err := staff.Application(ctx, rc.ApplicationID)
		if err != nil || st.Application.ID != rc.ApplicationID || len(st.Sections) != 1 || st.Sections[0].Status != registry.StatusApplied {
			t.Fatalf("Application = %+v, %v", st, err)
		}
		_, err = other.Application(ctx, rc.ApplicationID)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		for i, a := range rc.Attachments {
			content, mt, err := staff.Attachment(ctx, rc.ApplicationID, a.SHA256)
			if err != nil || !bytes.Equal(content, twoFiles[i].Content) || mt != a.MediaType {
				t.Fatalf("Attachment %s = %d bytes %q, %v", a.Name, len(content), mt, err)
			}
		}
		_, _, err = other.Attachment(ctx, rc.ApplicationID, rc.Attachments[0].SHA256)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	// The new body's token, issued through the client.
	issued, err := staff.IssueAPIToken(ctx, client.TokenRequest{Name: "porte-aperte", Role: "body", EntityID: rc.EntityID,
		ExpiresAt: testNow.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := staff.WithToken(issued.Secret)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("completion", func(t *testing.T) {
		_, err := owner.RequestCompletion(ctx, rc.ApplicationID, "manca lo statuto registrato")
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		st, err := staff.RequestCompletion(ctx, rc.ApplicationID, "manca lo statuto registrato")
		if err != nil || !st.AwaitingCompletion {
			t.Fatalf("RequestCompletion = %+v, %v", st, err)
		}
		done, err := owner.CompleteApplication(ctx, rc.ApplicationID, doc, twoFiles)
		if err != nil || done.ApplicationID != rc.ApplicationID {
			t.Fatalf("CompleteApplication = %+v, %v", done, err)
		}
		if st, err := owner.Application(ctx, rc.ApplicationID); err != nil || st.AwaitingCompletion {
			t.Fatalf("after completion: %+v, %v", st, err)
		}
	})

	t.Run("review queue and the body's applications", func(t *testing.T) {
		q, err := staff.ReviewQueue(ctx, 50)
		if err != nil || len(q) == 0 {
			t.Fatalf("ReviewQueue = %d items, %v", len(q), err)
		}
		_, err = owner.ReviewQueue(ctx, 0)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		apps, err := owner.EntityApplications(ctx, rc.EntityID)
		if err != nil || len(apps) != 1 || apps[0].Application.ID != rc.ApplicationID {
			t.Fatalf("EntityApplications = %+v, %v", apps, err)
		}
		_, err = other.EntityApplications(ctx, rc.EntityID)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("decisions", func(t *testing.T) {
		_, _, err := owner.StartReview(ctx, rc.EntityID, registry.SectionI, today)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		e, etag, err := staff.StartReview(ctx, rc.EntityID, registry.SectionI, today)
		if en, _ := e.Enrolment(registry.SectionI); err != nil || en.Status != registry.StatusUnderReview {
			t.Fatalf("StartReview = %+v, %v", en, err)
		}
		if v, ok := client.ETagVersion(etag); !ok || v != e.Version {
			t.Fatalf("StartReview ETag %q, version %d", etag, e.Version)
		}
		_, _, err = staff.Enrol(ctx, rc.EntityID, registry.SectionI, registry.Decree{Date: today})
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
		e, _, err = staff.Enrol(ctx, rc.EntityID, registry.SectionI, registry.Decree{Number: "DM 1/2025", Date: today})
		if en, _ := e.Enrolment(registry.SectionI); err != nil || en.Status != registry.StatusEnrolled {
			t.Fatalf("Enrol = %+v, %v", en, err)
		}
		_, _, err = staff.Enrol(ctx, rc.EntityID, registry.SectionI, registry.Decree{Number: "DM 2/2025", Date: today})
		mustKind(t, err, http.StatusConflict, problem.KindFailedPrecondition)
		reasons, ok := s.reg.CodeLists().List("cancellation_reason")
		if !ok || len(reasons.Items()) == 0 {
			t.Fatal("no cancellation_reason list")
		}
		e, _, err = staff.CancelEnrolment(ctx, rc.EntityID, registry.SectionI, registry.Cancellation{NotifiedOn: today,
			Reason: reasons.Items()[0].Code, LegalBasis: "art. 54 c.4 DPR 394/1999"})
		if en, _ := e.Enrolment(registry.SectionI); err != nil || en.Status != registry.StatusCancelled {
			t.Fatalf("CancelEnrolment = %+v, %v", en, err)
		}

		// A second application, rejected.
		rcB, err := person.FileApplication(ctx, applicationDoc(t, "80012340016", "Casa Comune"), twoFiles)
		if err != nil {
			t.Fatal(err)
		}
		e, _, err = staff.Reject(ctx, rcB.EntityID, registry.SectionI, registry.Rejection{Date: today,
			Reason: "lo statuto non prevede attività a favore degli immigrati", LegalBasis: "art. 53 DPR 394/1999"})
		if en, _ := e.Enrolment(registry.SectionI); err != nil || en.Status != registry.StatusRejected {
			t.Fatalf("Reject = %+v, %v", en, err)
		}
		_, _, err = staff.Reject(ctx, rcB.EntityID, registry.Section(3), registry.Rejection{})
		if err == nil {
			t.Fatal("Reject of section 3: no error")
		}
	})

	t.Run("silence", func(t *testing.T) {
		rep, err := staff.ApplySilence(ctx)
		if err != nil || rep.Policy == "" || rep.Overdue == nil {
			t.Fatalf("ApplySilence = %+v, %v", rep, err)
		}
		_, err = owner.ApplySilence(ctx)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
	})
}

// TestApplicationBadFileName: an attachment name that cannot be a
// multipart filename is refused before anything is sent.
func TestApplicationBadFileName(t *testing.T) {
	c, err := client.New("http://127.0.0.1:1", "", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", `a"b.pdf`, "a\nb.pdf"} {
		_, err := c.FileApplication(context.Background(), []byte(`{}`), []client.File{{Name: name, Content: pdfFile}})
		var e *client.Error
		if err == nil || errors.As(err, &e) || !strings.Contains(err.Error(), "attachment name") {
			t.Errorf("FileApplication with file name %q: %v, want a local error", name, err)
		}
	}
}
