package api_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/openregistro/registro/registry"
)

// filedApplication returns body A's application filed online with its two
// files (a Section II application, A being enrolled in Section I), filing
// it on f the first time.
func (f *fixture) filedApplication(t *testing.T) registry.Application {
	t.Helper()
	ctx := context.Background()
	apps, err := f.reg.Applications(ctx, registry.Staff("staff:test"), f.bodyID())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		if a.Receipt != nil && len(a.Attachments) == 2 && a.Attachments[0].SHA256 != "" {
			return a
		}
	}
	a := f.bodyAApplication()
	out, _, err := f.reg.Submit(ctx, registry.Body("cf:"+f.body.Entity.LegalRepresentative.CodiceFiscale, f.bodyID()),
		registry.Submission{Application: a, Files: []registry.Upload{{Name: "statuto.pdf", Content: pdfFile}, {Name: "domanda.pdf.p7m", Content: p7mFile}}})
	if err != nil {
		t.Fatalf("file body A's application: %v", err)
	}
	return out
}

// bodyAApplication is body A's application for Section II, dated today,
// listing the two attachment files of twoFiles.
func (f *fixture) bodyAApplication() registry.Application {
	a := f.body.Application("")
	a.EntityID, a.Sections = f.bodyID(), []registry.Section{registry.SectionII}
	day := registry.DateOf(testNow)
	a.Date, a.Signature.SignedAt = day, day
	a.Attachments = []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}, {Kind: "legal_rep_declaration", Name: "domanda.pdf.p7m"}}
	return a
}

// multipartReq is a matrix request of a multipart application.
func multipartReq(t *testing.T, method, target string, app any) (string, string, []byte, []string) {
	var m map[string]any
	if err := jsonRoundTrip(app, &m); err != nil {
		t.Fatal(err)
	}
	body, ct := multipartBody(t, m, twoFiles()...)
	return method, target, body, []string{"Content-Type", ct}
}

func jsonRoundTrip(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// The rows of the applications and decisions routes.
func init() {
	owner := []caller{asBody, asReferent, asStaff}
	staff := []caller{asStaff}
	addMatrix(matrixCase{op: "fileApplication", name: "body A applies again", write: true, allow: owner,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return multipartReq(t, "POST", "/v1/applications", f.bodyAApplication())
		}})
	addMatrix(matrixCase{op: "fileApplication", name: "a new body", write: true,
		allow: []caller{asPublic, asBody, asReferent, asOtherBody, asStaff},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return multipartReq(t, "POST", "/v1/applications", sampleApplication(t, "97123450021", "Ponti", string(registry.DateOf(testNow))))
		}})
	addMatrix(matrixCase{op: "getApplication", hidden: true, allow: owner,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/applications/" + f.filedApplication(t).ID, nil, nil
		}})
	addMatrix(matrixCase{op: "getAttachment", hidden: true, allow: owner,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			a := f.filedApplication(t)
			return "GET", "/v1/applications/" + a.ID + "/attachments/" + a.Attachments[1].SHA256, nil, nil
		}})
	addMatrix(matrixCase{op: "requestCompletion", write: true, allow: staff,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/applications/" + f.filedApplication(t).ID + "/completion-requests", mustJSON(t, map[string]string{"note": "manca il bilancio"}), nil
		}})
	addMatrix(matrixCase{op: "completeApplication", hidden: true, write: true, allow: owner,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			a := f.filedApplication(t)
			return multipartReq(t, "POST", "/v1/applications/"+a.ID+"/completion", f.bodyAApplication())
		}})
	addMatrix(matrixCase{op: "reviewQueue", allow: staff, req: get("/v1/review-queue?limit=5")})
	addMatrix(matrixCase{op: "listEntityApplications", hidden: true, allow: owner,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/entities/" + f.bodyID() + "/applications", nil, nil
		}})
	addMatrix(matrixCase{op: "listEntityEvents", hidden: true, allow: owner,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/entities/" + f.bodyID() + "/events?limit=5", nil, nil
		}})
	day := string(registry.DateOf(testNow))
	for _, d := range []struct {
		op, step string
		body     map[string]string
	}{
		{"startReview", "review", map[string]string{"on": day}},
		{"enrol", "enrolment", map[string]string{"number": "DM 1/2025", "date": day}},
		{"reject", "rejection", map[string]string{"date": day, "reason": "requisiti", "legalBasis": "art. 53 DPR 394/1999"}},
		{"cancelEnrolment", "cancellation", map[string]string{"notifiedOn": day, "reason": "incompatible_conduct", "legalBasis": "art. 54 c.4 DPR 394/1999"}},
	} {
		addMatrix(matrixCase{op: d.op, write: true, allow: staff,
			req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
				return "POST", "/v1/entities/" + f.bodyID() + "/sections/I/" + d.step, mustJSON(t, d.body), nil
			}})
	}
	addMatrix(matrixCase{op: "applySilence", write: true, allow: staff,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/silence", []byte(`{}`), nil
		}})
	edit := func(method string, body func(t *testing.T, e registry.Entity) []byte, ct string) func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			e, err := f.reg.Entity(context.Background(), registry.Staff("staff:test"), f.bodyID())
			if err != nil {
				t.Fatal(err)
			}
			return method, "/v1/entities/" + e.ID, body(t, e), []string{"Content-Type", ct, "If-Match", `"v` + strconv.FormatInt(e.Version, 10) + `"`}
		}
	}
	addMatrix(matrixCase{op: "replaceEntity", write: true, allow: owner,
		req: edit("PUT", func(t *testing.T, e registry.Entity) []byte { e.Name += " APS"; return mustJSON(t, e) }, "application/json")})
	addMatrix(matrixCase{op: "patchEntity", write: true, allow: owner,
		req: edit("PATCH", func(t *testing.T, e registry.Entity) []byte { return []byte(`{"name": "` + e.Name + ` APS"}`) }, "application/merge-patch+json")})
}
