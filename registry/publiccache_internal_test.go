package registry

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A kept page reads back as the public views it was made of, and two
// bodies have equal publicBody exactly when their public views are alike.
func TestPublicFieldsAgree(t *testing.T) {
	e := Entity{ID: "B1", CodiceFiscale: "80000000001", Name: "Alfa", LegalForm: "association_recognised",
		Seat: Address{Street: "Via Roma 1", PostCode: "00184", Comune: "058091", Province: "RM", Region: "12"},
		PEC:  "a@pec.example.it", Email: "a@example.it", BranchOf: "N1"}
	pv := publicView(&e)
	p := keepPage(Page{Entities: []Entity{pv}, Next: "c"}).page()
	if got, want := mustMarshal(t, p), mustMarshal(t, Page{Entities: []Entity{pv}, Next: "c"}); got != want {
		t.Fatalf("kept page reads back as %s, want %s", got, want)
	}
	typ := reflect.TypeFor[Entity]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		other := e
		v := reflect.ValueOf(&other).Elem().Field(i)
		switch {
		case f.Type.Kind() == reflect.String:
			v.SetString(v.String() + "x")
		case f.Type == reflect.TypeFor[Address]():
			v.Set(reflect.ValueOf(Address{Street: "Via Po 1"}))
		default:
			continue
		}
		a, b := publicView(&e), publicView(&other)
		want := mustMarshal(t, a) == mustMarshal(t, b)
		if got := publicBodyOf(&e) == publicBodyOf(&other); got != want {
			t.Errorf("field %s changed: equal publicBody = %v, want %v", f.Name, got, want)
		}
	}
}

// The cache keeps at most publicPagesMax pages and publicBodiesMax bodies
// in a generation, and two generations.
func TestPublicCacheBounds(t *testing.T) {
	var c publicCache
	page := Page{Entities: make([]Entity, 100)}
	for i := range 3 * publicBodiesMax / 100 {
		c.keep(1, "2025-01-01", publicKey{cursor: fmt.Sprint(i)}, page)
		if c.bodies > publicBodiesMax || len(c.cur) > publicPagesMax || len(c.old) > publicPagesMax {
			t.Fatalf("after %d pages: %d bodies, %d and %d pages", i+1, c.bodies, len(c.cur), len(c.old))
		}
	}
	for i := range 2 * publicPagesMax {
		c.keep(1, "2025-01-01", publicKey{cursor: fmt.Sprint("p", i)}, Page{})
		if len(c.cur) > publicPagesMax {
			t.Fatalf("%d pages in a generation", len(c.cur))
		}
	}
	if _, ok := c.get(1, "2025-01-01", publicKey{cursor: fmt.Sprint("p", 2*publicPagesMax-1)}); !ok {
		t.Error("the last page kept is not there")
	}
	if _, ok := c.get(2, "2025-01-01", publicKey{cursor: fmt.Sprint("p", 2*publicPagesMax-1)}); ok {
		t.Error("a page answered for another version")
	}
	if _, ok := c.get(1, "2025-01-02", publicKey{cursor: fmt.Sprint("p", 2*publicPagesMax-1)}); ok {
		t.Error("a page answered for another day")
	}
}

// publicKeyOf knows every field of Filter: a field added to Filter must be
// added to publicKey, or left out of the pages kept, before this passes.
func TestPublicKeyKnowsFilter(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[Filter]().Fields() {
		names = append(names, f.Name)
	}
	want := []string{"Section", "Status", "Region", "Province", "LegalForm", "Name", "BranchOf", "Cursor", "Limit", "Visible", "Candidates"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("Filter's fields are %v, publicKeyOf knows %v", names, want)
	}
	for _, f := range []Filter{{Name: "alfa"}, {BranchOf: "N1"}, {Limit: -1}} {
		if _, ok := publicKeyOf(&f); ok {
			t.Errorf("filter %+v would be kept", f)
		}
	}
	a, _ := publicKeyOf(&Filter{})
	b, _ := publicKeyOf(&Filter{Limit: DefaultLimit})
	c, _ := publicKeyOf(&Filter{Limit: MaxLimit + 1})
	d, _ := publicKeyOf(&Filter{Limit: MaxLimit})
	if a != b || c != d {
		t.Errorf("limits not as the store applies them: %+v %+v, %+v %+v", a, b, c, d)
	}
}
