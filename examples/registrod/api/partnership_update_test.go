package api_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
)

func init() {
	// Either party and staff change the terms; anyone else is told the
	// partnership does not exist.
	addMatrix(matrixCase{op: "updatePartnership", hidden: true, write: true,
		allow: []caller{asStaff, asBody, asReferent, asOtherBody},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "PUT", "/v1/partnerships/" + staffPartnership(t, f, f.bodyID(), f.otherBodyID()),
				jsonOf(t, map[string]any{"objectives": "Accoglienza", "content": "Sportello", "modalities": "Incontri",
					"start": "2025-01-01", "end": "2025-12-31"}), []string{"If-Match", `"v1"`}
		}})
}

// TestUpdatePartnershipTerms changes a partnership's terms over HTTP, on
// SQLite and PostgreSQL: If-Match is required and must name the current
// version; changed terms clear the confirmation until the other party
// confirms again, unchanged terms keep it; the parties and what the register
// manages cannot be changed; strangers get 404.
func TestUpdatePartnershipTerms(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newRestFixture(t, dsn(t), "", "")
			a, o := f.ids[f.body.Entity.CodiceFiscale], f.ids[f.other.Entity.CodiceFiscale]
			var p registry.Partnership
			want(t, f.post(t, "/v1/partnerships", tokBody, map[string]any{"entityId": a, "partnerId": o,
				"objectives": "Accoglienza", "content": "Sportello", "modalities": "Incontri", "start": "2025-01-01"}), 201, &p)
			one := "/v1/partnerships/" + p.ID
			want(t, f.do(t, "POST", one+"/confirm", tokOtherBody, nil), 200, &p)
			rec := f.do(t, "GET", one, tokBody, nil)
			want(t, rec, 200, nil)
			if etag := rec.Header().Get("ETag"); etag != `"v2"` || p.Version != 2 || !p.Confirmed() {
				t.Fatalf("confirmed partnership %+v, ETag %q", p, etag)
			}
			terms := map[string]any{"objectives": "Accoglienza", "content": "Sportello", "modalities": "Incontri",
				"start": "2025-01-01", "end": "2025-12-31"}
			put := func(tok string, body any, hdr ...string) *httptest.ResponseRecorder {
				t.Helper()
				b, err := json.Marshal(body)
				if err != nil {
					t.Fatal(err)
				}
				return f.do(t, "PUT", one, tok, b, hdr...)
			}

			// Preconditions, callers and bad bodies change nothing.
			wantProblem(t, put(tokBody, terms), 428)
			wantProblem(t, put(tokBody, terms, "If-Match", `"v1"`), 412)
			wantProblem(t, put(tokBody, terms, "If-Match", `"2"`), 412)
			for _, tok := range []string{"", tokRegion, tokPublic} {
				wantProblem(t, put(tok, terms, "If-Match", `"v2"`), 404)
			}
			wantProblem(t, f.do(t, "PUT", "/v1/partnerships/nope", tokStaff, []byte(`{}`), "If-Match", "*"), 404)
			wantProblem(t, f.do(t, "PUT", one, tokBody, []byte("{"), "If-Match", `"v2"`), 400)
			var pb problemBody
			for _, tc := range []struct {
				change map[string]any
				code   string
			}{
				{map[string]any{"partnerId": a}, " additional_property"},
				{map[string]any{"confirmedBy": o}, " additional_property"},
				{map[string]any{"objectives": ""}, " required"},
				{map[string]any{"end": "2024-12-31"}, "/end date_order"},
			} {
				m := map[string]any{}
				for k, v := range terms {
					m[k] = v
				}
				for k, v := range tc.change {
					m[k] = v
				}
				want(t, put(tokBody, m, "If-Match", `"v2"`), 422, &pb)
				if got := codes(t, f, pb); !slices.ContainsFunc(got, func(c string) bool { return strings.HasPrefix(c, tc.code) }) {
					t.Errorf("%v: %v, want %s", tc.change, got, tc.code)
				}
			}
			var now registry.Partnership
			want(t, f.do(t, "GET", one, tokStaff, nil), 200, &now)
			if now.Version != 2 || !now.Confirmed() || now.End != "" {
				t.Fatalf("a refused change changed the partnership: %+v", now)
			}

			// The same terms again keep the confirmation.
			same := map[string]any{"objectives": "Accoglienza", "content": "Sportello", "modalities": "Incontri", "start": "2025-01-01"}
			rec = put(tokBody, same, "If-Match", `"v2"`)
			want(t, rec, 200, &now)
			if now.Version != 3 || !now.Confirmed() || rec.Header().Get("ETag") != `"v3"` {
				t.Fatalf("unchanged terms: %+v, ETag %q", now, rec.Header().Get("ETag"))
			}
			// New terms (an end) are the changing party's word until the
			// other confirms them again; the changing party cannot.
			now = registry.Partnership{} // a fresh value: absent fields must not keep old ones
			want(t, put(tokBody, terms, "If-Match", `"v3"`), 200, &now)
			if now.Version != 4 || now.Confirmed() || now.ConfirmedOn != "" || now.RecordedBy != a || now.End != "2025-12-31" {
				t.Fatalf("changed terms: %+v", now)
			}
			wantProblem(t, f.do(t, "POST", one+"/confirm", tokBody, nil), 409)
			now = registry.Partnership{}
			want(t, f.do(t, "POST", one+"/confirm", tokOtherBody, nil), 200, &now)
			if !now.Confirmed() || now.ConfirmedBy != o {
				t.Fatalf("confirmed again: %+v", now)
			}
			// Staff may change the terms too; * matches any version.
			now = registry.Partnership{}
			want(t, put(tokStaff, same, "If-Match", "*"), 200, &now)
			if now.End != "" || now.Confirmed() || now.RecordedBy != "" {
				t.Fatalf("staff's change: %+v", now)
			}
		})
	}
}
