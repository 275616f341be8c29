package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// TestCompletionSuspendsTermHTTP: a completion request suspends the
// decision term of the application (art. 2 c. 7 L. 241/1990): its due date,
// as the applicant reads it and as the review queue orders it, moves by the
// longest suspension while the request is open and by the days actually
// suspended once answered; the silence report leaves it out meanwhile.
func TestCompletionSuspendsTermHTTP(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			env := newAppsEnv(t, dsn(t), registry.SilenceNoEffect)
			rcA := env.fileApplication(t, tokPersonA, sampleApplication(t, "00743110157", "Porte Aperte", "2026-03-02"), twoFiles()...)
			env.setClock(time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC))
			rcB := env.fileApplication(t, tokPersonB, sampleApplication(t, "80012340016", "Casa Comune", "2026-03-05"), twoFiles()...)
			env.ids = map[string]string{tokBodyA: rcA.EntityID, tokBodyB: rcB.EntityID}
			env.rewire()
			queue := func(when string, want ...string) {
				t.Helper()
				rec := env.do(t, "GET", "/v1/review-queue", tokAppsStaff, "", nil)
				wantCode(t, rec, 200, "review queue")
				var q api.ReviewQueue
				decode(t, rec, &q)
				var got []string
				for _, it := range q.Items {
					got = append(got, it.ApplicationID+" "+string(it.DecisionDue))
				}
				if len(got) != len(want) {
					t.Fatalf("%s: queue %v, want %v", when, got, want)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("%s: queue %v, want %v", when, got, want)
						break
					}
				}
			}
			due := func(when string, want registry.Date) {
				t.Helper()
				if st := env.status(t, tokBodyA, rcA.ApplicationID); st.Application.Receipt.DecisionDue != want {
					t.Errorf("%s: A's due date %s, want %s", when, st.Application.Receipt.DecisionDue, want)
				}
			}
			if rcA.DecisionDue != "2026-05-31" || rcB.DecisionDue != "2026-06-03" {
				t.Fatalf("due dates at receipt %s, %s", rcA.DecisionDue, rcB.DecisionDue)
			}
			queue("at receipt", rcA.ApplicationID+" 2026-05-31", rcB.ApplicationID+" 2026-06-03")

			// Asked on 10 March: suspended, at most until 30 June.
			env.setClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			wantCode(t, env.doJSON(t, "POST", "/v1/applications/"+rcA.ApplicationID+"/completion-requests", tokAppsStaff,
				map[string]any{"note": "manca il bilancio approvato"}), http.StatusCreated, "completion request")
			due("asked", "2026-06-30")
			queue("asked", rcB.ApplicationID+" 2026-06-03", rcA.ApplicationID+" 2026-06-30")

			// Answered on 20 March: 10 days suspended.
			env.setClock(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
			completed := sampleApplication(t, "00743110157", "Porte Aperte", "2026-03-02")
			completed["attachments"] = []any{
				map[string]any{"kind": "statute", "name": "statuto.pdf", "sha256": rcA.Attachments[0].SHA256},
				map[string]any{"kind": "legal_rep_declaration", "name": "domanda.pdf.p7m", "sha256": rcA.Attachments[1].SHA256},
			}
			body, ct := multipartBody(t, completed)
			rec := env.do(t, "POST", "/v1/applications/"+rcA.ApplicationID+"/completion", tokBodyA, ct, body)
			wantCode(t, rec, 200, "completion")
			var rc api.Receipt
			decode(t, rec, &rc)
			if rc.DecisionDue != "2026-06-10" {
				t.Errorf("receipt after the answer: due %s, want 2026-06-10", rc.DecisionDue)
			}
			due("answered", "2026-06-10")
			queue("answered", rcB.ApplicationID+" 2026-06-03", rcA.ApplicationID+" 2026-06-10")

			// 4 June: B is overdue, A (90 days gone) is not.
			env.setClock(time.Date(2026, 6, 4, 9, 0, 0, 0, time.UTC))
			rec = env.do(t, "POST", "/v1/silence", tokAppsStaff, "", nil)
			wantCode(t, rec, 200, "silence")
			var rep api.SilenceReport
			decode(t, rec, &rep)
			if len(rep.Overdue) != 1 || rep.Overdue[0].EntityID != rcB.EntityID {
				t.Errorf("silence report %+v, want B only", rep.Overdue)
			}
			// The moved due dates are written with their events: the
			// register's invariants hold.
			vr, err := env.store.Verify(context.Background())
			if err != nil || !vr.OK() {
				t.Errorf("verify: %+v, %v", vr, err)
			}
		})
	}
}
