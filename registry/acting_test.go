package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openregistro/registro/registry"
)

func TestActingFor(t *testing.T) {
	f := newFixture(t, registry.Options{})
	ctx := context.Background()
	e := f.mustApply(t, application(body(cfBodyA, "Ente"), "2025-01-10", registry.SectionI))
	other := f.mustApply(t, application(body(cfBodyB, "Altro ente"), "2025-01-11", registry.SectionI))
	staff := registry.Staff("admin")
	ref, err := f.reg.RequestReferent(ctx, staff, other.ID, registry.Referent{FirstName: "Luca", LastName: "Verdi",
		CodiceFiscale: cfRefA, Phone: "061234567", Email: "luca@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(cf string) []string {
		t.Helper()
		got, err := f.reg.ActingFor(ctx, cf)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, a := range got {
			out = append(out, a.Entity.ID+":"+string(a.Capacity))
		}
		return out
	}
	check := func(what, cf string, want ...string) {
		t.Helper()
		got := ids(cf)
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: %v, want %v", what, got, want)
			}
		}
	}
	rep := string(registry.CapacityLegalRepresentative)
	check("representative of both", cfRep, e.ID+":"+rep, other.ID+":"+rep)
	check("outsider", cfOutside)
	check("requested referent", cfRefA)
	if _, err := f.reg.EnableReferent(ctx, staff, other.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	check("enabled referent", cfRefA, other.ID+":"+string(registry.CapacityReferent))
	check("lower case, normalised as PersonViewer does", "vrdlcu90a01f205l", other.ID+":"+string(registry.CapacityReferent))
	if _, err := f.reg.RevokeReferent(ctx, staff, other.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	check("revoked referent", cfRefA)
	if _, err := f.reg.ActingFor(ctx, cfBodyA); !errors.Is(err, registry.ErrPersonCodiceFiscale) {
		t.Errorf("a body's code: %v", err)
	}
}
