package api_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// TestOpenData checks the open data: the CSV and JSON downloads hold
// exactly the public Section I list with the dictionary's columns, carry
// the licence, keep their ETag while the register does not change and are
// made again when it does.
func TestOpenData(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	publicIDs := func() []string {
		page, err := f.reg.Entities(ctx, registry.Public(), registry.Filter{Section: registry.SectionI, Limit: registry.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range page.Entities {
			ids = append(ids, e.ID)
		}
		return ids
	}

	var ds api.OpenDataset
	rec := f.do(t, "GET", "/v1/open-data", "", nil)
	decode(t, rec, &ds)
	if ds.Licence != "CC-BY-4.0" || len(ds.Fields) == 0 || len(ds.Distributions) != 2 {
		t.Fatalf("dataset: %+v", ds)
	}

	csvOf := func() ([]string, string) {
		rec := f.do(t, "GET", "/v1/open-data/section-i.csv", "", nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
			!strings.Contains(rec.Header().Get("Link"), "creativecommons.org/licenses/by/4.0") {
			t.Fatalf("CSV: %d %v", rec.Code, rec.Header())
		}
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, fd := range ds.Fields {
			if rows[0][i] != fd.Name {
				t.Fatalf("CSV header %v, dictionary %v", rows[0], ds.Fields)
			}
		}
		var ids []string
		for _, r := range rows[1:] {
			ids = append(ids, r[0])
		}
		return ids, rec.Header().Get("ETag")
	}
	ids, etag := csvOf()
	if want := publicIDs(); !slices.Equal(ids, want) || len(want) == 0 {
		t.Fatalf("CSV has %d bodies, the public listing %d", len(ids), len(want))
	}
	for _, e := range f.sec2Only {
		if slices.Contains(ids, e.ID) {
			t.Errorf("Section II-only body %s in the open data", e.ID)
		}
	}
	var list api.OpenDataList
	decode(t, f.do(t, "GET", "/v1/open-data/section-i.json", "", nil), &list)
	if len(list.Items) != len(ids) || list.Licence != "CC-BY-4.0" || list.Items[0]["id"] != ids[0] {
		t.Errorf("JSON: %d items, licence %q", len(list.Items), list.Licence)
	}
	for _, it := range list.Items {
		for k := range it {
			if !slices.ContainsFunc(ds.Fields, func(fd api.OpenDataField) bool { return fd.Name == k }) {
				t.Fatalf("JSON field %q is not in the dictionary", k)
			}
		}
	}
	if rec := f.do(t, "GET", "/v1/open-data/section-i.csv", "", nil, "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", rec.Code)
	}

	// The register changes: a body leaves Section I by removal.
	e, err := f.reg.Entity(ctx, registry.Staff("t"), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := f.reg.Remove(ctx, registry.Staff("t"), e.ID, e.Version, "test"); err != nil {
		t.Fatal(err)
	}
	ids2, etag2 := csvOf()
	if etag2 == etag || slices.Contains(ids2, e.ID) || len(ids2) != len(ids)-1 {
		t.Errorf("after a removal: ETag %s (was %s), %d bodies (were %d)", etag2, etag, len(ids2), len(ids))
	}
}

func init() {
	for op, target := range map[string]string{"openDataset": "/v1/open-data", "openDataCSV": "/v1/open-data/section-i.csv",
		"openDataJSON": "/v1/open-data/section-i.json"} {
		addMatrix(matrixCase{op: op, req: get(target), allow: everyone})
	}
}
