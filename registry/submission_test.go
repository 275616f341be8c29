package registry_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

var (
	testPDF = []byte("%PDF-1.4\n%%EOF\n")
	testP7M = mustHex(testP7MHex) // a minimal CMS SignedData (p7m_test.go)
)

// stubAssess decides not_eligible for a body named "Ineligible", refuses
// (as bad input) one named "Refused", eligible otherwise, and records the
// unstated pointers it got.
type stubAssess struct{ unstated []string }

func (s *stubAssess) assess(_ context.Context, a *registry.Application, unstated []string, asOf time.Time) (*registry.Assessment, error) {
	s.unstated = unstated
	switch a.Body.Name {
	case "Refused":
		return nil, problem.List{problem.New("/date", "register", "refused", nil, "rifiutata", "refused")}
	case "Ineligible":
		return &registry.Assessment{Verdict: "not_eligible", AsOf: registry.DateOf(asOf)}, nil
	}
	return &registry.Assessment{Verdict: "eligible", AsOf: registry.DateOf(asOf),
		Sections: []registry.SectionAssessment{{Section: registry.SectionI, Verdict: "eligible",
			Rules: []registry.RuleAssessment{{Rule: "r1", Basis: "art. 53", Outcome: "pass"}}}}}, nil
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func submission(cf, name string) registry.Submission {
	a := application(body(cf, name), "2025-01-10", registry.SectionI)
	a.Attachments = []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}, {Kind: "legal_rep_declaration", Name: "domanda.p7m"}}
	return registry.Submission{Application: a, Unstated: []string{"/body/statute/nonProfit"},
		Files: []registry.Upload{{Name: "statuto.pdf", Content: testPDF}, {Name: "domanda.p7m", Content: testP7M}}}
}

// TestSubmitReceipt: a submission gets a gap-free protocol per year, its
// decision (an ineligible one is stored, a refusal stores nothing), and
// its files, readable by the body and staff only.
func TestSubmitReceipt(t *testing.T) {
	st := &stubAssess{}
	f := newFixture(t, registry.Options{Assess: st.assess})
	f.clock.Set("2025-01-10")
	ctx := context.Background()
	person := registry.Viewer{Role: registry.RolePublic, Subject: "cf:" + cfRep}

	_, _, err := f.reg.Submit(ctx, person, submission(cfBodyA, "Refused"))
	if _, ok := problem.AsList(err); !ok {
		t.Fatalf("a refusal of the assessor: %v, want a problem list", err)
	}
	a, e, err := f.reg.Submit(ctx, person, submission(cfBodyA, "Casa"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Receipt == nil || a.Receipt.Protocol != "2025/000001" || a.Receipt.DecisionDue != "2025-04-10" ||
		a.Receipt.Eligibility.Verdict != "eligible" || len(st.unstated) != 1 {
		t.Fatalf("receipt %+v (unstated %v)", a.Receipt, st.unstated)
	}
	if a.Attachments[0].MediaType != registry.MediaPDF || a.Attachments[1].MediaType != registry.MediaP7M || a.Attachments[1].Size != int64(len(testP7M)) {
		t.Errorf("attachments %+v", a.Attachments)
	}
	b, _, err := f.reg.Submit(ctx, person, submission(cfBodyB, "Ineligible"))
	if err != nil {
		t.Fatalf("an ineligible application is refused: %v", err)
	}
	if b.Receipt.Protocol != "2025/000002" || b.Receipt.Eligibility.Verdict != "not_eligible" {
		t.Errorf("ineligible receipt %+v", b.Receipt)
	}
	// A new year starts again from 1.
	f.clock.Set("2026-01-02")
	c := submission("97123450021", "Nuovo")
	c.Application.Date = "2026-01-02"
	c.Application.Signature.SignedAt = "2026-01-02"
	cc, _, err := f.reg.Submit(ctx, person, c)
	if err != nil || cc.Receipt.Protocol != "2026/000001" {
		t.Fatalf("first of 2026: %+v, %v", cc.Receipt, err)
	}

	sha := a.Attachments[0].SHA256
	for _, v := range []registry.Viewer{registry.Staff("s"), registry.Body("x", e.ID)} {
		got, err := f.reg.Attachment(ctx, v, sha)
		if err != nil || !bytes.Equal(got.Content, testPDF) {
			t.Errorf("%s reads %q, %v", v.Actor(), got.Content, err)
		}
	}
	for _, v := range []registry.Viewer{registry.Public(), person, registry.Body("y", "other"), registry.RegionalOffice("r", "12")} {
		if _, err := f.reg.Attachment(ctx, v, sha); !errors.Is(err, registry.ErrNotFound) {
			t.Errorf("%s reads another body's file: %v", v.Actor(), err)
		}
	}
}

// TestSubmitFiles: the files must match the attachments one to one, be PDF
// or P7M and within the limit; nothing is stored otherwise.
func TestSubmitFiles(t *testing.T) {
	f := newFixture(t, registry.Options{MaxAttachmentBytes: 64})
	f.clock.Set("2025-01-10")
	person := registry.Viewer{Role: registry.RolePublic, Subject: "cf:" + cfRep}
	tests := []struct {
		name   string
		mutate func(s *registry.Submission)
		want   map[string]string
	}{
		{"file missing", func(s *registry.Submission) { s.Files = s.Files[:1] }, map[string]string{"/attachments/1": "attachment_file_missing"}},
		{"file unnamed", func(s *registry.Submission) {
			s.Files = append(s.Files, registry.Upload{Name: "x.pdf", Content: testPDF})
		},
			map[string]string{"/attachments": "attachment_file_unnamed"}},
		{"file twice", func(s *registry.Submission) { s.Files = append(s.Files, s.Files[0]) }, map[string]string{"/attachments": "attachment_file_repeated"}},
		{"not a document", func(s *registry.Submission) { s.Files[0].Content = []byte("PK\x03\x04 a zip") },
			map[string]string{"/attachments/0": "attachment_type"}},
		{"too large", func(s *registry.Submission) { s.Files[0].Content = append(bytes.Clone(testPDF), make([]byte, 64)...) },
			map[string]string{"/attachments/0": "attachment_too_large"}},
		{"digest not the file's", func(s *registry.Submission) {
			s.Application.Attachments[0].SHA256 = string(bytes.Repeat([]byte("a"), 64))
		},
			map[string]string{"/attachments/0/sha256": "attachment_digest_mismatch"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := submission(cfBodyA, "Casa")
			tc.mutate(&s)
			_, _, err := f.reg.Submit(context.Background(), person, s)
			got := problems(t, err)
			for p, code := range tc.want {
				if got[p] != code {
					t.Errorf("%s: %q, want %q (all: %v)", p, got[p], code, got)
				}
			}
		})
	}
	if last, _ := f.store.LastProtocol(context.Background(), 2025); last != "" {
		t.Errorf("a refused submission took protocol %s", last)
	}
}

// TestCompletionAndQueue: staff ask, the body answers (a kept attachment
// needs no file), the decision is made again; the queue puts the overdue
// first; only staff ask and see the queue.
func TestCompletionAndQueue(t *testing.T) {
	st := &stubAssess{}
	f := newFixture(t, registry.Options{Assess: st.assess})
	ctx := context.Background()
	person := registry.Viewer{Role: registry.RolePublic, Subject: "cf:" + cfRep}
	f.clock.Set("2025-01-10")
	a, e, err := f.reg.Submit(ctx, person, submission(cfBodyA, "Ineligible"))
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set("2025-02-01")
	later := submission(cfBodyB, "Casa")
	later.Application.Date, later.Application.Signature.SignedAt = "2025-02-01", "2025-02-01"
	b, _, err := f.reg.Submit(ctx, person, later)
	if err != nil {
		t.Fatal(err)
	}
	owner := registry.Body("rep", e.ID)
	if _, err := f.reg.RequestCompletion(ctx, owner, a.ID, "manca il bilancio"); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("a body asks for completion: %v", err)
	}
	if _, err := f.reg.Complete(ctx, owner, a.ID, a, nil, nil); !errors.Is(err, registry.ErrNoCompletionRequest) {
		t.Errorf("completion without request: %v", err)
	}
	if _, err := f.reg.RequestCompletion(ctx, registry.Staff("s"), a.ID, ""); err == nil {
		t.Error("a request without note")
	}
	if _, err := f.reg.RequestCompletion(ctx, registry.Staff("s"), a.ID, "manca il bilancio"); err != nil {
		t.Fatal(err)
	}
	next := a
	next.Body.Name = "Casa"
	next.Attachments = append(next.Attachments, registry.Attachment{Kind: "balance_sheet", Name: "bilancio.pdf"})
	if _, err := f.reg.Complete(ctx, registry.Body("x", "other"), a.ID, next, nil, nil); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("another body completes: %v", err)
	}
	bad := next
	bad.Date = "2025-01-11"
	if _, err := f.reg.Complete(ctx, owner, a.ID, bad, []registry.Upload{{Name: "bilancio.pdf", Content: testPDF}}, nil); problems(t, err)["/date"] != "unchanged" {
		t.Errorf("a changed date: %v", err)
	}
	done, err := f.reg.Complete(ctx, owner, a.ID, next, []registry.Upload{{Name: "bilancio.pdf", Content: testPDF}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if done.Receipt.Protocol != a.Receipt.Protocol || done.Receipt.Open() || done.Receipt.Eligibility.Verdict != "eligible" ||
		len(done.Attachments) != 3 || done.Attachments[0].SHA256 != a.Attachments[0].SHA256 {
		t.Errorf("completed %+v", done)
	}
	if _, err := f.reg.Complete(ctx, owner, a.ID, next, nil, nil); !errors.Is(err, registry.ErrNoCompletionRequest) {
		t.Errorf("a second answer: %v", err)
	}

	f.clock.Set("2025-04-20") // a is overdue (due 2025-04-10), b not (due 2025-05-02)
	if _, err := f.reg.ReviewQueue(ctx, owner, 0); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("a body reads the queue: %v", err)
	}
	q, err := f.reg.ReviewQueue(ctx, registry.Staff("s"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 || q[0].ApplicationID != a.ID || !q[0].Overdue || q[1].ApplicationID != b.ID || q[1].Overdue ||
		q[0].Eligibility == nil || q[0].Protocol != "2025/000001" {
		t.Errorf("queue %+v", q)
	}
	if q, _ := f.reg.ReviewQueue(ctx, registry.Staff("s"), 1); len(q) != 1 {
		t.Errorf("limit 1 gave %d", len(q))
	}
	var kinds []registry.EventKind
	for _, ev := range f.events(t) {
		kinds = append(kinds, ev.Kind)
	}
	want := map[registry.EventKind]bool{registry.EventCompletionRequested: false, registry.EventApplicationComplete: false}
	for _, k := range kinds {
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("no %s event among %v", k, kinds)
		}
	}
}
