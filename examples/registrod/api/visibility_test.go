package api_test

import (
	"context"
	"fmt"
	"github.com/openregistro/registro/registry/registrytest/optin"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// allEntities follows the pages of a listing and returns the IDs and the
// raw bodies.
func allEntities(t *testing.T, f *fixture, token, query string) ([]string, string) {
	t.Helper()
	var ids []string
	var raw strings.Builder
	cursor := ""
	for range 1000 {
		rec := f.do(t, "GET", "/v1/entities?limit=7&"+query+"&cursor="+url.QueryEscape(cursor), token, nil)
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
		}
		raw.WriteString(rec.Body.String())
		var page struct {
			Items []struct{ ID string }
			Next  string
		}
		decode(t, rec, &page)
		for _, e := range page.Items {
			ids = append(ids, e.ID)
		}
		if page.Next == "" {
			return ids, raw.String()
		}
		cursor = page.Next
	}
	t.Fatal("the listing never ends")
	return nil, ""
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestEntitiesVisibility(t *testing.T) {
	f := newFixture(t)
	s2 := f.sec2Only[0] // in the region of tokRegion's grant
	s1 := f.sec1[0]
	for _, tc := range []struct {
		name, token, query string
		sees2, sees1       bool
		personal           bool // codici fiscali of people may appear
	}{
		{"anonymous", "", "", false, true, false},
		{"named public", tokPublic, "", false, true, false},
		{"anonymous asks for Section II", "", "section=II", false, false, false},
		{"anonymous asks for pending", "", "status=applied", false, false, false},
		{"region without grant, Section II", tokRegionNone, "section=II", false, false, false},
		{"region with grant", tokRegion, "", true, true, false},
		{"region with grant, Section II", tokRegion, "section=II&region=" + s2.Seat.Region, true, false, false},
		{"body", tokBody, "", false, true, true}, // its own legal representative
		{"staff", tokStaff, "", true, true, true},
		{"staff, Section II", tokStaff, "section=II", true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, raw := allEntities(t, f, tc.token, tc.query)
			if got := contains(ids, s2.ID); got != tc.sees2 {
				t.Errorf("sees Section II body %s: %v, want %v", s2.ID, got, tc.sees2)
			}
			if got := contains(ids, s1.ID); got != tc.sees1 {
				t.Errorf("sees Section I body %s: %v, want %v", s1.ID, got, tc.sees1)
			}
			if !tc.sees2 {
				for _, e := range f.sec2Only {
					if contains(ids, e.ID) || strings.Contains(raw, `"name":"`+e.Name+`"`) {
						t.Errorf("Section II body %s (%s) listed", e.ID, e.Name)
					}
				}
			}
			if !tc.personal {
				for _, cf := range f.persons {
					if strings.Contains(raw, cf) {
						t.Fatalf("a person's codice fiscale %s is in the listing", cf)
					}
				}
				if strings.Contains(raw, `"taxCode"`) || strings.Contains(raw, `"pec"`) {
					t.Errorf("non-published fields in %s", truncate(raw))
				}
			}
		})
	}
	for _, tc := range []struct {
		name, token, id string
		status          int
		personal        bool
	}{
		{"public, Section I", "", s1.ID, 200, false},
		{"public, Section II", "", s2.ID, 404, false},
		{"public, unknown", "", "nope", 404, false},
		{"region with grant, Section II", tokRegion, s2.ID, 200, false},
		{"region without grant, Section II", tokRegionNone, s2.ID, 404, false},
		{"body, own", tokBody, f.ids[f.body.Entity.CodiceFiscale], 200, true},
		{"body, another's", tokBody, f.ids[f.other.Entity.CodiceFiscale], 200, false},
		{"body, Section II", tokBody, s2.ID, 404, false},
		{"staff, Section II", tokStaff, s2.ID, 200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, "GET", "/v1/entities/"+tc.id, tc.token, nil)
			if tc.status != 200 {
				p := wantProblem(t, rec, tc.status)
				if strings.Contains(p.Detail+p.Messages.IT, `"`+s2.Name+`"`) {
					t.Fatalf("the problem names the body: %+v", p)
				}
				return
			}
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
			}
			var e registry.Entity
			decode(t, rec, &e)
			if e.ID != tc.id || e.Name == "" {
				t.Fatalf("got %+v", e)
			}
			if got := e.LegalRepresentative.CodiceFiscale != ""; got != tc.personal {
				t.Fatalf("legal representative's codice fiscale shown: %v, want %v", got, tc.personal)
			}
		})
	}
	for _, q := range []string{"section=III", "status=ok", "region=99", "province=ZZ", "limit=0", "limit=1001", "limit=x",
		"q=" + strings.Repeat("a", 201)} {
		t.Run("bad "+q[:min(len(q), 12)], func(t *testing.T) { wantProblem(t, f.do(t, "GET", "/v1/entities?"+q, "", nil), 400) })
	}
}

// TestPublicNeverSeesSectionII walks every GET route (and the POST routes a
// public caller may use) as the anonymous and a named public caller, and
// checks that no Section II body and no person's codice fiscale comes back.
func TestPublicNeverSeesSectionII(t *testing.T) {
	f := newFixture(t)
	var targets []string
	targets = append(targets, "/healthz", "/v1/openapi.json", "/v1/schemas", "/v1/schemas/entity",
		"/v1/entities", "/v1/entities?section=II", "/v1/entities?status=enrolled", "/v1/events", "/v1/events?after=0",
		"/v1/yearly-list/2024", "/v1/yearly-list/2024?recipient="+f.sec2Only[0].Seat.Region)
	for _, e := range f.sec2Only {
		targets = append(targets, "/v1/entities/"+e.ID, "/v1/entities?region="+e.Seat.Region, "/v1/entities?q="+url.QueryEscape(e.Name))
	}
	for _, e := range f.sec1[:5] {
		targets = append(targets, "/v1/entities/"+e.ID)
	}
	for _, token := range []string{"", tokPublic, tokRegionNone} {
		for _, target := range targets {
			rec := f.do(t, "GET", target, token, nil)
			if rec.Code >= 500 {
				t.Fatalf("%s: status %d", target, rec.Code)
			}
			raw := rec.Body.String()
			for _, e := range f.sec2Only {
				if strings.Contains(raw, `"`+e.ID+`"`) || strings.Contains(raw, `"name":"`+e.Name+`"`) || strings.Contains(raw, e.CodiceFiscale) {
					t.Errorf("token %q, %s: Section II body %s shown", token, target, e.ID)
				}
			}
			for _, cf := range f.persons {
				if strings.Contains(raw, cf) {
					t.Errorf("token %q, %s: a person's codice fiscale shown", token, target)
				}
			}
		}
	}
}

func TestEvents(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, token, query string
		status             int
	}{
		{"anonymous", "", "", 401},
		{"public", tokPublic, "", 403},
		{"region", tokRegion, "", 403},
		{"body", tokBody, "", 403},
		{"bad after", tokStaff, "?after=-1", 400},
		{"after not a number", tokStaff, "?after=x", 400},
		{"bad limit", tokStaff, "?limit=5000", 400},
	} {
		t.Run(tc.name, func(t *testing.T) { wantProblem(t, f.do(t, "GET", "/v1/events"+tc.query, tc.token, nil), tc.status) })
	}
	t.Run("pages without gaps", func(t *testing.T) {
		var after int64
		total := 0
		for {
			rec := f.do(t, "GET", fmt.Sprintf("/v1/events?after=%d&limit=37", after), tokStaff, nil)
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			var page struct {
				Items []registry.Event
				Last  int64
			}
			decode(t, rec, &page)
			for _, ev := range page.Items {
				if ev.Seq != after+1 {
					t.Fatalf("seq %d after %d", ev.Seq, after)
				}
				after = ev.Seq
				total++
			}
			if page.Last != after {
				t.Fatalf("last %d, want %d", page.Last, after)
			}
			if len(page.Items) == 0 {
				break
			}
		}
		if int64(total) != lastSeq(t, f) || total < 50 {
			t.Fatalf("%d events, register has %d", total, lastSeq(t, f))
		}
	})
}

func TestYearlyList(t *testing.T) {
	f := newFixture(t)
	s2 := f.sec2Only[0]
	type listed struct {
		ID            string
		CodiceFiscale string `json:"taxCode"`
		Sections      []string
	}
	get := func(t *testing.T, token, query string) (map[string]listed, []string) {
		t.Helper()
		rec := f.do(t, "GET", "/v1/yearly-list/2024"+query, token, nil)
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
		}
		var list struct {
			Recipients []struct {
				Recipient         struct{ Code string }
				Regular, Excluded []listed
			}
		}
		decode(t, rec, &list)
		out := map[string]listed{}
		var codes []string
		for _, rl := range list.Recipients {
			codes = append(codes, rl.Recipient.Code)
			for _, l := range append(rl.Regular, rl.Excluded...) {
				out[l.ID] = l
			}
		}
		return out, codes
	}
	t.Run("staff", func(t *testing.T) {
		all, codes := get(t, tokStaff, "")
		if len(codes) != 21 {
			t.Fatalf("%d recipients", len(codes))
		}
		if l, ok := all[s2.ID]; !ok || l.CodiceFiscale != s2.CodiceFiscale {
			t.Fatalf("Section II body %s: %+v", s2.ID, l)
		}
	})
	t.Run("public", func(t *testing.T) {
		all, _ := get(t, "", "")
		if len(all) == 0 {
			t.Fatal("empty list")
		}
		for _, l := range all {
			if l.CodiceFiscale != "" || contains(l.Sections, "II") {
				t.Fatalf("public sees %+v", l)
			}
		}
		if _, ok := all[s2.ID]; ok {
			t.Fatalf("public sees Section II body %s", s2.ID)
		}
	})
	t.Run("region with grant", func(t *testing.T) {
		all, codes := get(t, tokRegion, "")
		for _, c := range codes {
			if c != s2.Seat.Region && !(s2.Seat.Region == "04" && (c == "21" || c == "22")) {
				t.Fatalf("recipient %s outside region %s", c, s2.Seat.Region)
			}
		}
		if l, ok := all[s2.ID]; !ok || !contains(l.Sections, "II") {
			t.Fatalf("granted Section II body %s: %+v", s2.ID, l)
		}
	})
	t.Run("body sees its own codice fiscale", func(t *testing.T) {
		all, _ := get(t, tokBody, "")
		own := f.ids[f.body.Entity.CodiceFiscale]
		if l, ok := all[own]; !ok || l.CodiceFiscale != f.body.Entity.CodiceFiscale {
			t.Fatalf("own entry %+v", l)
		}
	})
	t.Run("one recipient", func(t *testing.T) {
		_, codes := get(t, tokStaff, "?recipient=12")
		if len(codes) != 1 || codes[0] != "12" {
			t.Fatalf("recipients %v", codes)
		}
	})
	for _, tc := range []struct {
		name, token, target string
		status              int
	}{
		{"year not a number", "", "/v1/yearly-list/abc", 400},
		{"year without questionnaire", "", "/v1/yearly-list/1990", 404},
		{"unknown recipient", "", "/v1/yearly-list/2024?recipient=99", 400},
		{"another region's recipient", tokRegion, "/v1/yearly-list/2024?recipient=" + otherThan(s2.Seat.Region), 403},
	} {
		t.Run(tc.name, func(t *testing.T) { wantProblem(t, f.do(t, "GET", tc.target, tc.token, nil), tc.status) })
	}
}

func otherThan(region string) string {
	if region == "12" {
		return "01"
	}
	return "12"
}

// panicStore is a registry.Store whose listing panics.
type panicStore struct{ *memstore.Store }

func (panicStore) Entities(context.Context, registry.Filter) (registry.Page, error) {
	panic("boom")
}

func TestHTTPErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, method, target, token string
		hdr                         []string
		status                      int
		allow                       string
	}{
		{name: "unknown path", method: "GET", target: "/v2/nothing", status: 404},
		{name: "trailing slash", method: "GET", target: "/v1/entities/", status: 404},
		{name: "wrong method", method: "DELETE", target: "/v1/entities", status: 405, allow: "GET"},
		{name: "GET on a POST route", method: "GET", target: "/v1/eligibility", status: 405, allow: "POST"},
		{name: "unknown token", method: "GET", target: "/v1/entities", token: "not-a-known-token-at-all", status: 401},
		{name: "malformed authorization", method: "GET", target: "/v1/entities", hdr: []string{"Authorization", "Basic abc"}, status: 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, tc.method, tc.target, tc.token, nil, tc.hdr...)
			wantProblem(t, rec, tc.status)
			if tc.allow != "" && rec.Header().Get("Allow") != tc.allow {
				t.Errorf("Allow %q, want %q", rec.Header().Get("Allow"), tc.allow)
			}
			if tc.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate")
			}
		})
	}
	t.Run("Italian problem", func(t *testing.T) {
		p := wantProblem(t, f.do(t, "GET", "/v2/nothing", "", nil, "Accept-Language", "it"), 404)
		if p.Title != "Risorsa non trovata" || p.Detail != p.Messages.IT {
			t.Fatalf("got %+v", p)
		}
	})
	t.Run("request ID", func(t *testing.T) {
		rec := f.do(t, "GET", "/healthz", "", nil, "X-Request-ID", "abc-123")
		if rec.Code != 200 || rec.Header().Get("X-Request-ID") != "abc-123" {
			t.Fatalf("status %d, id %q", rec.Code, rec.Header().Get("X-Request-ID"))
		}
		rec = f.do(t, "GET", "/healthz", "", nil, "X-Request-ID", "bad id\x01")
		if id := rec.Header().Get("X-Request-ID"); len(id) != 16 {
			t.Fatalf("generated id %q", id)
		}
	})
	t.Run("panic is a 500 problem, logged", func(t *testing.T) {
		reg := registry.New(panicStore{memstore.New()}, registry.Options{})
		deps, err := newDeps(reg)
		if err != nil {
			t.Fatal(err)
		}
		var logs strings.Builder
		deps.Logger = newLogger(&logs)
		rec := doOn(t, newHandler(deps), "GET", "/v1/entities")
		p := wantProblem(t, rec, http.StatusInternalServerError)
		if strings.Contains(p.Detail, "boom") || !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), p.RequestID) {
			t.Fatalf("problem %+v; log %s", p, logs.String())
		}
	})
}

// TestPostgres runs the filing-to-feed round trip and the public listing on
// PostgreSQL, in a fresh schema, when REGISTRO_TEST_POSTGRES is set.
func TestPostgres(t *testing.T) {
	dsn, ok := backends(t)["postgres"]
	if !ok {
		optin.Skip(t, "PostgreSQL", "set "+pgEnv+"=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	f := newFixtureOn(t, dsn(t))
	ids, _ := allEntities(t, f, "", "")
	for _, e := range f.sec2Only {
		if contains(ids, e.ID) {
			t.Fatalf("public sees Section II body %s", e.ID)
		}
	}
	rec := f.do(t, "POST", "/v1/filings/2024", tokBody, mustDocFor(t, f))
	if rec.Code != 201 {
		t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
	}
	rec = f.do(t, "GET", fmt.Sprintf("/v1/events?after=%d", lastSeq(t, f)-1), tokStaff, nil)
	if !strings.Contains(rec.Body.String(), `"kind":"questionnaire.filed"`) {
		t.Fatalf("feed: %s", truncate(rec.Body.String()))
	}
}
