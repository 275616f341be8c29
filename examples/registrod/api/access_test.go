package api_test

import (
	"slices"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

// yearlyIDs returns the IDs of the bodies of a yearly list response whose
// sections include s.
func yearlyIDs(t *testing.T, f *restFixture, token string, s registry.Section) []string {
	t.Helper()
	var list registry.YearlyList
	want(t, f.do(t, "GET", "/v1/yearly-list/2024", token, nil), 200, &list)
	var out []string
	for _, rl := range list.Recipients {
		for _, b := range slices.Concat(rl.Regular, rl.Excluded) {
			if slices.Contains(b.Sections, s) {
				out = append(out, b.ID)
			}
		}
	}
	return out
}

// TestSectionIIOnMotivatedRequest is the Section II list on motivated
// request over HTTP, on SQLite and PostgreSQL: a regional office asks for
// its region's list; pending, the request shows nothing (the listings,
// cursors and errors are the anonymous public's); granted, the office sees
// its region's Section II bodies in listings, entity reads and the yearly
// list; expired (the register's clock moves past the grant's last day), it
// sees nothing again. A refused request shows nothing either.
func TestSectionIIOnMotivatedRequest(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newRestFixture(t, dsn(t), "", "")
			var mine []string // the Section II-only bodies of the office's region
			for _, e := range f.sec2Only {
				if e.Seat.Region == f.regionII {
					mine = append(mine, e.ID)
				}
			}
			slices.Sort(mine)
			if len(mine) == 0 {
				t.Fatal("no Section II-only body in the office's region")
			}
			listing := func(token string) []string {
				return itemIDs(t, f.do(t, "GET", "/v1/entities?section=II&region="+f.regionII+"&limit=1000", token, nil))
			}
			// What the office sees is exactly what the anonymous public sees:
			// the same pages, cursors and errors.
			seesNothing := func(t *testing.T) {
				t.Helper()
				for _, target := range []string{"/v1/entities?limit=7", "/v1/entities?limit=3&region=" + f.regionII,
					"/v1/entities?section=II", "/v1/entities?section=II&region=" + f.regionII} {
					pub, off := f.do(t, "GET", target, "", nil), f.do(t, "GET", target, tokRegionII, nil)
					if pub.Code != 200 || off.Body.String() != pub.Body.String() {
						t.Errorf("%s: the office gets %s, the public %s", target, truncate(off.Body.String()), truncate(pub.Body.String()))
					}
				}
				for _, id := range mine {
					rec := f.do(t, "GET", "/v1/entities/"+id, tokRegionII, nil)
					wantProblem(t, rec, 404)
					unknown := f.do(t, "GET", "/v1/entities/R999999", tokRegionII, nil)
					sameProblem(t, rec.Body.Bytes(), unknown.Body.Bytes(), id, "R999999")
				}
				if got := yearlyIDs(t, f, tokRegionII, registry.SectionII); len(got) != 0 {
					t.Errorf("the yearly list shows Section II bodies %v", got)
				}
			}
			seesMine := func(t *testing.T) {
				t.Helper()
				if got := listing(tokRegionII); !slices.Equal(got, mine) {
					t.Errorf("Section II listing %v, want %v", got, mine)
				}
				for _, id := range mine {
					want(t, f.do(t, "GET", "/v1/entities/"+id, tokRegionII, nil), 200, nil)
				}
				got := yearlyIDs(t, f, tokRegionII, registry.SectionII)
				for _, id := range mine {
					if !slices.Contains(got, id) {
						t.Errorf("the yearly list lacks Section II body %s: %v", id, got)
					}
				}
			}

			in := map[string]any{"region": f.regionII, "purpose": "programmazione dei servizi di protezione sociale"}
			wantProblem(t, f.post(t, "/v1/access-requests", "", in), 401)
			wantProblem(t, f.post(t, "/v1/access-requests", tokBody, in), 403)
			other := "12"
			if f.regionII == other {
				other = "03"
			}
			wantProblem(t, f.post(t, "/v1/access-requests", tokRegionII, map[string]any{"region": other, "purpose": "programmazione regionale"}), 403)
			var p problemBody
			want(t, f.post(t, "/v1/access-requests", tokRegionII, map[string]any{"region": f.regionII, "purpose": "breve"}), 422, &p)
			if got := codes(t, f, p); !slices.Equal(got, []string{"/purpose min_length"}) {
				t.Errorf("a short purpose: %v", got)
			}

			var req registry.Grant
			rec := f.post(t, "/v1/access-requests", tokRegionII, in)
			want(t, rec, 201, &req)
			if req.Status != registry.GrantRequested || req.Grantee != subjRegionII || req.Region != f.regionII ||
				rec.Header().Get("Location") != "/v1/access-requests/"+req.ID {
				t.Fatalf("request %+v, Location %q", req, rec.Header().Get("Location"))
			}
			seesNothing(t) // pending

			one := "/v1/access-requests/" + req.ID
			wantProblem(t, f.post(t, one+"/grant", tokRegionII, map[string]any{"until": "2025-02-19"}), 403)
			want(t, f.post(t, one+"/grant", tokStaff, map[string]any{"until": "2025-01-01"}), 422, &p)
			if got := codes(t, f, p); !slices.Equal(got, []string{"/until date_order"}) {
				t.Errorf("an expiry in the past: %v", got)
			}
			want(t, f.post(t, one+"/grant", tokStaff, map[string]any{}), 422, &p)
			wantProblem(t, f.post(t, "/v1/access-requests/nope/grant", tokStaff, map[string]any{"until": "2025-02-19"}), 404)
			var g registry.Grant
			want(t, f.post(t, one+"/grant", tokStaff, map[string]any{"until": "2025-02-19"}), 200, &g)
			if g.Status != registry.GrantGranted || g.From != "2025-01-20" || g.Until != "2025-02-19" || g.GrantedBy != "staff:staff:test" {
				t.Fatalf("grant %+v", g)
			}
			wantProblem(t, f.post(t, one+"/refuse", tokStaff, map[string]any{"reason": "ripensamento"}), 409)
			seesMine(t)
			f.clk.Set(time.Date(2025, 2, 19, 20, 0, 0, 0, time.UTC))
			seesMine(t) // the last day
			f.clk.Set(time.Date(2025, 2, 20, 9, 0, 0, 0, time.UTC))
			seesNothing(t) // expired

			// A refused request shows nothing.
			var req2 registry.Grant
			want(t, f.post(t, "/v1/access-requests", tokPrefect, in), 201, &req2)
			want(t, f.post(t, "/v1/access-requests/"+req2.ID+"/refuse", tokStaff, map[string]any{"reason": "finalità non pertinente"}), 200, &g)
			if g.Status != registry.GrantRefused || g.RefusalReason != "finalità non pertinente" {
				t.Errorf("refusal %+v", g)
			}
			if got := itemIDs(t, f.do(t, "GET", "/v1/entities?section=II", tokPrefect, nil)); len(got) != 0 {
				t.Errorf("a refused request shows %v", got)
			}

			// Who reads the requests.
			if got := itemIDs(t, f.do(t, "GET", "/v1/access-requests", tokRegionII, nil)); !slices.Equal(got, []string{req.ID}) {
				t.Errorf("the office's requests %v", got)
			}
			want(t, f.do(t, "GET", one, tokRegionII, nil), 200, nil)
			wantProblem(t, f.do(t, "GET", one, tokPrefect, nil), 404)
			wantProblem(t, f.do(t, "GET", "/v1/access-requests", tokBody, nil), 403)
			wantProblem(t, f.do(t, "GET", "/v1/access-requests", "", nil), 401)
			wantProblem(t, f.do(t, "GET", "/v1/access-requests?status=maybe", tokStaff, nil), 400)
			if got := itemIDs(t, f.do(t, "GET", "/v1/access-requests?status=refused", tokStaff, nil)); !slices.Equal(got, []string{req2.ID}) {
				t.Errorf("refused requests %v", got)
			}
			var page struct {
				Items []registry.Grant
				Next  string
			}
			want(t, f.do(t, "GET", "/v1/access-requests?limit=1", tokStaff, nil), 200, &page)
			if len(page.Items) != 1 || page.Next == "" {
				t.Fatalf("first page %+v", page)
			}
			rest := itemIDs(t, f.do(t, "GET", "/v1/access-requests?limit=1000&cursor="+page.Next, tokStaff, nil))
			if len(rest) == 0 || slices.Contains(rest, page.Items[0].ID) {
				t.Errorf("second page %v after %s", rest, page.Items[0].ID)
			}

			// The audit trail: requested, granted, requested, refused.
			var evs struct {
				Items []registry.Event `json:"items"`
			}
			want(t, f.do(t, "GET", "/v1/events?kind=access.section_ii_requested,access.section_ii_granted,access.section_ii_refused&limit=1000", tokStaff, nil), 200, &evs)
			var kinds []string
			for _, ev := range evs.Items {
				if ev.RecordID == req.ID || ev.RecordID == req2.ID {
					kinds = append(kinds, string(ev.Kind))
				}
			}
			if !slices.Equal(kinds, []string{"access.section_ii_requested", "access.section_ii_granted",
				"access.section_ii_requested", "access.section_ii_refused"}) {
				t.Errorf("access events %v", kinds)
			}
		})
	}
}
