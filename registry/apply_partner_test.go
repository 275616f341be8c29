package registry_test

import (
	"context"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestApplyStoresPartnerIsSelf: a body already in the register that names
// itself as its Section II partner has filed a valid application that the
// eligibility rules find not eligible (section2_partnership); Apply stores
// it instead of rejecting it as bad input (issue 21).
func TestApplyStoresPartnerIsSelf(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	f.clock.Set("2025-01-15")
	_, e, err := f.reg.Apply(ctx, registry.Staff("body"), application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI))
	if err != nil {
		t.Fatal(err)
	}
	a := application(body(cfBodyA, "Casa dei Popoli"), "2025-02-01", registry.SectionII)
	a.EntityID = e.ID
	a.Partnership = &registry.Partnership{PartnerID: e.ID, Objectives: "o", Content: "c", Modalities: "m", Start: "2025-01-01"}
	a.Signature.SignerCodiceFiscale = cfMember // and signed by a board member
	if err := registry.NewValidator(nil, nil).Application(&a); err != nil {
		t.Fatalf("the validator rejects it: %v", err)
	}
	f.clock.Set("2025-02-01")
	app, e2, err := f.reg.Apply(ctx, registry.Staff("body"), a)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if e2.ID != e.ID || app.ID == "" || app.Partnership == nil || app.Partnership.PartnerID != e.ID {
		t.Fatalf("not stored as filed: %+v / entity %s", app.Partnership, e2.ID)
	}
	if en, ok := e2.Enrolment(registry.SectionII); !ok || en.Status != registry.StatusApplied {
		t.Errorf("Section II enrolment after the application: %+v, %v", en, ok)
	}
}
