package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// readFeed reads the whole regional feed of token after after, and returns
// what it says of each body (the last entry wins) and the last Seq.
func readFeed(t *testing.T, f *fixture, token string, after int64) (map[string]api.FeedItem, int64) {
	t.Helper()
	out := map[string]api.FeedItem{}
	for range 1000 {
		rec := f.do(t, "GET", fmt.Sprintf("/v1/feed?after=%d&limit=97", after), token, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("feed: %d %s", rec.Code, rec.Body)
		}
		var p api.FeedPage
		decode(t, rec, &p)
		for _, it := range p.Items {
			out[it.EntityID] = it
		}
		after = p.Last
		if !p.More {
			return out, after
		}
	}
	t.Fatal("the feed does not end")
	return nil, 0
}

// regionOracle returns the IDs of the bodies of region a regional office
// with the grants of subject sees, by the registry's listing.
func regionOracle(t *testing.T, f *fixture, subject, region string) []string {
	t.Helper()
	ctx := context.Background()
	v, err := f.reg.ViewerWithGrants(ctx, registry.RegionalOffice(subject, region))
	if err != nil {
		t.Fatal(err)
	}
	page, err := f.reg.Entities(ctx, v, registry.Filter{Region: region, Limit: registry.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range page.Entities {
		ids = append(ids, e.ID)
	}
	return ids
}

// upserted returns the IDs the feed says are in view, sorted.
func upserted(items map[string]api.FeedItem) []string {
	var ids []string
	for id, it := range items {
		if it.Change == registry.FeedUpsert {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// TestRegionFeed checks the least-privilege feed: a region token reads
// exactly its region's bodies as it sees them (Section II only under its
// grant, published fields only), tombstones for bodies that leave its view,
// nothing about changes it may not see; other roles are refused.
func TestRegionFeed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	items, last := readFeed(t, f, tokRegion, 0)
	want := regionOracle(t, f, "regione:test", f.grantReg)
	if got := upserted(items); !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("region %s with a grant: feed has %d bodies, the listing %d\nfeed %v\nlist %v", f.grantReg, len(got), len(want), got, want)
	}
	sec2 := 0
	for _, it := range items {
		if it.Entity != nil && it.Entity.Seat.Region != f.grantReg {
			t.Errorf("body %s of region %s in the feed of %s", it.EntityID, it.Entity.Seat.Region, f.grantReg)
		}
		if slices.Contains(it.Sections, registry.SectionII) {
			sec2++
		}
	}
	if sec2 == 0 {
		t.Errorf("the grant shows no Section II body")
	}
	// The region without a grant: no Section II-only body, not even as a
	// tombstone.
	noneItems, _ := readFeed(t, f, tokRegionNone, 0)
	for _, e := range f.sec2Only {
		if _, ok := noneItems[e.ID]; ok {
			t.Errorf("Section II-only body %s in the feed of a region without a grant", e.ID)
		}
	}
	otherRegion := "12"
	if f.grantReg == otherRegion {
		otherRegion = "01"
	}
	if got, want := upserted(noneItems), regionOracle(t, f, "regione:none", otherRegion); !slices.Equal(got, want) {
		t.Errorf("region %s: feed %v, listing %v", otherRegion, got, want)
	}

	// A change to an unpublished field gives no entry; a removal a tombstone.
	var visible registry.Entity
	for _, e := range f.sec1 {
		if e.Seat.Region == f.grantReg {
			visible = e
			break
		}
	}
	e, err := f.reg.Entity(ctx, registry.Staff("t"), visible.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.PEC = "cambiata@pec.example.it"
	if e, err = f.reg.Replace(ctx, registry.Staff("t"), e, "PEC"); err != nil {
		t.Fatal(err)
	}
	if items, _ := readFeed(t, f, tokRegion, last); len(items) != 0 {
		t.Errorf("an unpublished change is in the feed: %v", items)
	}
	if err := f.reg.Remove(ctx, registry.Staff("t"), e.ID, e.Version, "test"); err != nil {
		t.Fatal(err)
	}
	items, _ = readFeed(t, f, tokRegion, last)
	if it, ok := items[e.ID]; !ok || it.Change != registry.FeedRemoved || it.Entity != nil || len(items) != 1 {
		t.Errorf("after a removal: %+v", items)
	}

	// Only region tokens.
	for tok, status := range map[string]int{tokStaff: 403, tokBody: 403, tokPublic: 403, "": 401} {
		wantProblem(t, f.do(t, "GET", "/v1/feed", tok, nil), status)
	}
	for _, q := range []string{"after=-1", "after=x", "limit=0", "limit=1001"} {
		wantProblem(t, f.do(t, "GET", "/v1/feed?"+q, tokRegion, nil), http.StatusBadRequest)
	}
}

func init() {
	addMatrix(matrixCase{op: "regionFeed", req: get("/v1/feed?limit=5"), allow: []caller{asRegion, asRegionNone}})
}
