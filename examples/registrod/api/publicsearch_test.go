package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Libertà", "liberta"},
		{"  SANT’EGIDIO   Onlus ", "sant'egidio onlus"},
		{"Città di Forlì-Cesena", "citta di forli-cesena"},
		{"Ñandú Çà", "nandu ca"},
		{"", ""},
	} {
		if got := api.Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestOpenDataSearch checks the public search: with no filter it pages
// through exactly the public Section I list in name order; words match
// ignoring case and accents; region, province and legal form filter; the
// facets describe the whole list; no Section II-only body is ever found,
// even by its exact name; bad parameters are problems naming them.
func TestOpenDataSearch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	search := func(t *testing.T, q url.Values) api.OpenDataSearch {
		t.Helper()
		rec := f.do(t, "GET", "/v1/open-data/search?"+q.Encode(), "", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("search %s: %d %s", q.Encode(), rec.Code, rec.Body)
		}
		var out api.OpenDataSearch
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := func(t *testing.T, q url.Values) ([]map[string]string, int) {
		t.Helper()
		var rows []map[string]string
		total := -1
		for {
			p := search(t, q)
			if total >= 0 && p.Total != total {
				t.Fatalf("total %d then %d", total, p.Total)
			}
			total = p.Total
			rows = append(rows, p.Items...)
			if p.Next == "" {
				return rows, total
			}
			if len(rows) > 10000 {
				t.Fatal("the pages never end")
			}
			q.Set("cursor", p.Next)
		}
	}

	// Rename a Section I body with accents, so that the search must fold them.
	e := f.sec1[2]
	e, err := f.reg.Entity(ctx, registry.Staff("t"), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Name = "Associazione Libertà e Solidarietà di Forlì"
	if _, err := f.reg.UpdateEntity(ctx, registry.Staff("t"), e); err != nil {
		t.Fatal(err)
	}

	page, err := f.reg.Entities(ctx, registry.Public(), registry.Filter{Section: registry.SectionI, Limit: registry.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var public []string
	for _, e := range page.Entities {
		public = append(public, e.ID)
	}

	rows, total := all(t, url.Values{"limit": {"7"}})
	var ids []string
	for i, r := range rows {
		ids = append(ids, r["id"])
		if i > 0 && api.Fold(rows[i-1]["name"]) > api.Fold(r["name"]) {
			t.Errorf("not in name order: %q before %q", rows[i-1]["name"], r["name"])
		}
	}
	slices.Sort(ids)
	if total != len(public) || !slices.Equal(ids, public) {
		t.Fatalf("the search pages %d bodies (total %d), the public Section I list has %d", len(ids), total, len(public))
	}

	first := search(t, url.Values{})
	n := 0
	for _, fc := range first.Facets.Regions {
		n += fc.Count
		if fc.Name.IT == "" {
			t.Errorf("region facet %s has no name", fc.Code)
		}
	}
	if n != total || len(first.Facets.Provinces) == 0 || len(first.Facets.LegalForms) == 0 {
		t.Errorf("facets: regions count %d bodies of %d; %d provinces, %d legal forms", n, total,
			len(first.Facets.Provinces), len(first.Facets.LegalForms))
	}
	for _, fc := range first.Facets.LegalForms {
		if fc.Name.IT == fc.Code || fc.Name.EN == "" {
			t.Errorf("legal form %s has no label: %+v", fc.Code, fc.Name)
		}
	}

	for _, q := range []string{"LIBERTA solidarieta", "liberta FORLI", "libertà", "Solidarietà   di"} {
		got := search(t, url.Values{"q": {q}})
		if !slices.ContainsFunc(got.Items, func(r map[string]string) bool { return r["id"] == e.ID }) {
			t.Errorf("q=%q does not find %q", q, e.Name)
		}
		for _, r := range got.Items {
			if !strings.Contains(api.Fold(r["name"]+" "+r["comuneName"]), strings.Fields(api.Fold(q))[0]) {
				t.Errorf("q=%q finds %q", q, r["name"])
			}
		}
	}
	if got := search(t, url.Values{"q": {"liberta zzzqqq"}}); got.Total != 0 || len(got.Items) != 0 {
		t.Errorf("every word must match: %d found", got.Total)
	}

	// The filters, each against the rows that have the code.
	b := rows[0]
	for _, k := range []string{"region", "province", "legalForm"} {
		got, n := all(t, url.Values{k: {b[k]}, "limit": {"100"}})
		want := 0
		for _, r := range rows {
			if r[k] == b[k] {
				want++
			}
		}
		if n != want || len(got) != want {
			t.Errorf("%s=%s: %d found (total %d), want %d", k, b[k], len(got), n, want)
		}
	}
	if got := search(t, url.Values{"region": {b["region"]}, "province": {b["province"]}, "legalForm": {b["legalForm"]}, "q": {b["name"]}}); got.Total == 0 {
		t.Errorf("the filters together do not find %q", b["name"])
	}

	// Section II-only bodies: never found, not even by their exact name.
	for _, s2 := range f.sec2Only {
		for _, q := range []url.Values{{"q": {s2.Name}}, {"region": {s2.Seat.Region}, "limit": {"100"}}} {
			got, _ := all(t, q)
			for _, r := range got {
				if r["id"] == s2.ID {
					t.Fatalf("Section II-only body %s found by %s", s2.ID, q.Encode())
				}
			}
		}
	}

	for _, c := range []struct{ query, field string }{
		{"region=99", "region"},
		{"province=ZZ", "province"},
		{"legalForm=nope", "legalForm"},
		{"limit=0", "limit"},
		{"limit=101", "limit"},
		{"cursor=%21%21", "cursor"},
		{"cursor=YWJj", "cursor"},
		{"q=" + strings.Repeat("a", 201), "q"},
	} {
		rec := f.do(t, "GET", "/v1/open-data/search?"+c.query, "", nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), c.field) {
			t.Errorf("%s: %d %s", c.query, rec.Code, rec.Body)
		}
	}
}

func init() {
	addMatrix(matrixCase{op: "searchOpenData", req: get("/v1/open-data/search?q=a"), allow: everyone})
}
