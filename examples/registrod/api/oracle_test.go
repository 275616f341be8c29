package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// sameProblem compares two problem bodies, ignoring the request ID and
// with the text that differs between the two requests (an ID) replaced.
func sameProblem(t *testing.T, a, b []byte, aText, bText string) {
	t.Helper()
	norm := func(raw []byte, text string) string {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		delete(m, "requestId")
		out, _ := json.Marshal(m)
		if text != "" {
			return strings.ReplaceAll(string(out), text, "ID")
		}
		return string(out)
	}
	if na, nb := norm(a, aText), norm(b, bText); na != nb {
		t.Errorf("problems differ:\n%s\n%s", na, nb)
	}
}

// TestHiddenIsMissing checks that a body the caller may not see and an ID
// that does not exist are answered alike: same status, same body, no sooner
// than the floor that hides the register's extra work.
func TestHiddenIsMissing(t *testing.T) {
	f := newFixture(t)
	hidden := f.sec2Only[0].ID
	const missing = "R999999"
	for _, tc := range []struct{ name, token string }{
		{"anonymous", ""},
		{"public token", tokPublic},
		{"other body", tokBody},
		{"region without grant there", tokRegionNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bodies [2][]byte
			for i, id := range []string{hidden, missing} {
				start := time.Now()
				rec := f.do(t, "GET", "/v1/entities/"+id, tc.token, nil)
				if took := time.Since(start); took < 5*time.Millisecond {
					t.Errorf("%s answered in %v, before the 5 ms floor", id, took)
				}
				wantProblem(t, rec, http.StatusNotFound)
				bodies[i] = rec.Body.Bytes()
			}
			sameProblem(t, bodies[0], bodies[1], hidden, missing)
		})
	}
	// The region holding a grant there sees it.
	if rec := f.do(t, "GET", "/v1/entities/"+hidden, tokRegion, nil); rec.Code != 200 {
		t.Errorf("grant holder: status %d", rec.Code)
	}
}

// TestListingCursors walks the public listing with limit=1: every page is
// full, every next is the cursor after the page's body, and no page or
// cursor names a body the public may not see; a cursor that no listing made
// is a 400 problem naming /cursor, the same whatever it holds.
func TestListingCursors(t *testing.T) {
	f := newFixture(t)
	hidden := map[string]bool{}
	for _, e := range f.sec2Only {
		hidden[e.ID] = true
	}
	cursor, pages := "", 0
	for ; pages < 10000; pages++ {
		rec := f.do(t, "GET", "/v1/entities?limit=1&cursor="+url.QueryEscape(cursor), "", nil)
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
		}
		var page struct {
			Items []struct{ ID string }
			Next  string
		}
		decode(t, rec, &page)
		if len(page.Items) != 1 {
			t.Fatalf("page %d holds %d bodies", pages, len(page.Items))
		}
		id := page.Items[0].ID
		if hidden[id] {
			t.Errorf("page %d holds hidden body %s", pages, id)
		}
		if page.Next == "" {
			break
		}
		if got, err := registry.ParseCursor(page.Next); err != nil || got != id {
			t.Fatalf("next %q names %q (%v), not the page's body %s", page.Next, got, err, id)
		}
		cursor = page.Next
	}
	if want := len(f.sec1); pages+1 < want {
		t.Errorf("%d pages, want at least the %d Section I bodies", pages+1, want)
	}

	var first []byte
	for _, c := range []string{"%21%21", f.sec2Only[0].ID, "R999999", "zz", registry.CursorAfter("R1") + "%3D"} {
		t.Run(c, func(t *testing.T) {
			rec := f.do(t, "GET", "/v1/entities?cursor="+c, "", nil)
			p := wantProblem(t, rec, http.StatusBadRequest)
			if len(p.Errors) != 1 || p.Errors[0].InstancePath != "/cursor" {
				t.Errorf("errors = %+v, want one at /cursor", p.Errors)
			}
			if first == nil {
				first = rec.Body.Bytes()
			} else {
				sameProblem(t, first, rec.Body.Bytes(), "", "")
			}
		})
	}
}

// TestEntityETag checks the ETag of GET /v1/entities/{id}: the record
// version for staff and the body itself, a digest of what the public sees
// for anyone else, which a change to an unpublished field leaves alone.
func TestEntityETag(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.ids[f.body.Entity.CodiceFiscale]
	get := func(token string, hdr ...string) (int, string) {
		rec := f.do(t, "GET", "/v1/entities/"+id, token, nil, hdr...)
		return rec.Code, rec.Header().Get("ETag")
	}
	e, err := f.store.Entity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	staffTag := `"v` + strconv.FormatInt(e.Version, 10) + `"`
	cases := []struct {
		name, token string
		want        func(string) bool
	}{
		// The version, and a digest of the reporting status (reports.go).
		{"staff", tokStaff, func(s string) bool { return strings.HasPrefix(s, staffTag[:len(staffTag)-1]+".") }},
		{"the body", tokBody, func(s string) bool { return strings.HasPrefix(s, staffTag[:len(staffTag)-1]+".") }},
		{"anonymous", "", func(s string) bool { return strings.HasPrefix(s, `"p`) }},
	}
	public := ""
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, tag := get(tc.token)
			if code != 200 || !tc.want(tag) {
				t.Fatalf("status %d, ETag %q", code, tag)
			}
			if code, _ := get(tc.token, "If-None-Match", tag); code != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", code)
			}
			if tc.token == "" {
				public = tag
			}
		})
	}
	// A change to an unpublished field: a new version, the same public view.
	e.PEC = "nuova@pec.example.it"
	if _, err := f.store.Commit(ctx, registry.Batch{Entities: []registry.Entity{e}}); err != nil {
		t.Fatal(err)
	}
	if _, tag := get(tokStaff); tag == staffTag {
		t.Errorf("staff ETag %q did not change with the version", tag)
	}
	if _, tag := get(""); tag != public {
		t.Errorf("public ETag changed from %q to %q on an unpublished change", public, tag)
	}
	if got := api.EntityETag(registry.Staff("x"), registry.Entity{Version: 7}, nil); got != `"v7"` {
		t.Errorf("EntityETag = %s", got)
	}
}

// TestEventFilters checks ?kind= and ?region= of the change feed.
func TestEventFilters(t *testing.T) {
	f := newFixture(t)
	region := f.sec1[0].Seat.Region
	for _, tc := range []struct {
		name, query string
		check       func(registry.Event) bool
	}{
		{"kind", "kind=" + string(registry.EventReportFiled), func(ev registry.Event) bool { return ev.Kind == registry.EventReportFiled }},
		{"two kinds", "kind=entity.created,entity.updated", func(ev registry.Event) bool {
			return ev.Kind == registry.EventEntityCreated || ev.Kind == registry.EventEntityUpdated
		}},
		{"region", "region=" + region, func(ev registry.Event) bool { return strings.Contains(strings.Join(ev.Regions, ","), region) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, "GET", "/v1/events?limit=1000&"+tc.query, tokStaff, nil)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
			}
			var page api.EventPage
			decode(t, rec, &page)
			if len(page.Items) == 0 {
				t.Fatal("no events")
			}
			for _, ev := range page.Items {
				if !tc.check(ev) {
					t.Errorf("event %d (%s, regions %v) does not match %s", ev.Seq, ev.Kind, ev.Regions, tc.query)
				}
			}
		})
	}
	for _, q := range []string{"kind=BAD!", "region=99"} {
		wantProblem(t, f.do(t, "GET", "/v1/events?"+q, tokStaff, nil), http.StatusBadRequest)
	}
}
