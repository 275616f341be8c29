package registry_test

import (
	"context"
	"slices"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestFilersFollowTheRegister: who may file is who the register enables on
// the day of filing, whatever the year reported on — a referent revoked
// after a year's deadline no longer files that year's amendments, and one
// enabled after it files that year's late report.
func TestFilersFollowTheRegister(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.enrolled(t, body(cfBodyA, "Casa"), "2024-01-10", "2024-02-01", registry.SectionI)
	staff := registry.Staff("s")
	filers := func(t *testing.T, on string) []string {
		t.Helper()
		f.clock.Set(on)
		d, err := f.reg.ReportingDuty(ctx, staff, cfBodyA, 2024)
		if err != nil {
			t.Fatal(err)
		}
		return d.Filers
	}
	f.clock.Set("2024-12-01")
	a, err := f.reg.RequestReferent(ctx, staff, e.ID, registry.Referent{FirstName: "Luca", LastName: "Verdi", CodiceFiscale: cfRefA, Phone: "0612345678", Email: "l@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.EnableReferent(ctx, staff, e.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := filers(t, "2025-01-20"); !slices.Contains(got, cfRefA) || !slices.Contains(got, cfRep) {
		t.Errorf("before the deadline: %v", got)
	}
	// After the 2024 deadline (30 January 2025): A revoked, B enabled.
	f.clock.Set("2025-02-15")
	if _, err := f.reg.RevokeReferent(ctx, staff, e.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	b, err := f.reg.RequestReferent(ctx, staff, e.ID, registry.Referent{FirstName: "Giovanna", LastName: "Galli", CodiceFiscale: cfRefB, Phone: "0119876543", Email: "g@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	if got := filers(t, "2025-03-01"); slices.Contains(got, cfRefA) || slices.Contains(got, cfRefB) {
		t.Errorf("B only requested, A revoked: %v", got)
	}
	if _, err := f.reg.EnableReferent(ctx, staff, e.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if got := filers(t, "2025-03-02"); slices.Contains(got, cfRefA) || !slices.Contains(got, cfRefB) {
		t.Errorf("after the deadline, A revoked and B enabled: %v", got)
	}
}
