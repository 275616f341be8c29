package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestOnlyTheLegalRepresentativeRequestsReferents: a body's referent is
// requested by its legal representative, logged in as themselves, or
// recorded by staff; an enabled referent, a machine client acting for the
// body, another person and a former representative are refused, and a
// refusal stores nothing.
func TestOnlyTheLegalRepresentativeRequestsReferents(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	x := f.enrolled(t, body(cfBodyA, "Ente X"), "2024-01-10", "2024-03-01", registry.SectionI)
	f.clock.Set("2025-01-15")
	staff := registry.Staff("ministero")
	ref, err := f.reg.RequestReferent(ctx, staff, x.ID, registry.Referent{FirstName: "Luca", LastName: "Verdi",
		CodiceFiscale: cfRefA, Phone: "0612345678", Email: "luca@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.EnableReferent(ctx, staff, x.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	referent, err := f.reg.PersonViewer(ctx, cfRefA, x.ID)
	if err != nil || referent.Role != registry.RoleBody {
		t.Fatalf("the enabled referent acts for the body: %+v, %v", referent, err)
	}
	rep, err := f.reg.PersonViewer(ctx, cfRep, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	request := func(v registry.Viewer, cf string) error {
		_, err := f.reg.RequestReferent(ctx, v, x.ID, registry.Referent{FirstName: "Gianna", LastName: "Galli",
			CodiceFiscale: cf, Phone: "0612345678", Email: "gianna@example.it"})
		return err
	}
	refused := []struct {
		name string
		v    registry.Viewer
	}{
		{"an enabled referent", referent},
		{"a machine client with role body", registry.APIToken{Name: "gestionale-ente", Role: registry.RoleBody, EntityID: x.ID}.Viewer()},
		{"a body viewer naming no person", registry.Body(cfRep, x.ID)},
		{"another person claiming the body", registry.Body(registry.PersonSubject(cfOutside), x.ID)},
		{"the representative of another body", registry.Body(registry.PersonSubject(cfRep), "other")},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.events(t))
			if err := request(tc.v, cfRefB); !errors.Is(err, registry.ErrForbidden) {
				t.Fatalf("got %v, want ErrForbidden", err)
			}
			// Refused before the data is judged: invalid data is refused too.
			if err := request(tc.v, "XXX"); !errors.Is(err, registry.ErrForbidden) {
				t.Fatalf("invalid data: got %v, want ErrForbidden", err)
			}
			if after := len(f.events(t)); after != before {
				t.Errorf("a refused request left %d events", after-before)
			}
		})
	}
	if err := request(rep, cfRefB); err != nil {
		t.Fatalf("the legal representative: %v", err)
	}
	// A new representative: the former one no longer requests referents.
	f.clock.Set("2025-02-01")
	cur, err := f.reg.Entity(ctx, staff, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.LegalRepresentative = registry.Person{FirstName: "Nuovo", LastName: "Rappresentante", CodiceFiscale: cfOutside,
		Sex: "male", Citizenship: "IT"}
	if _, err := f.reg.UpdateEntity(ctx, staff, cur); err != nil {
		t.Fatal(err)
	}
	if err := request(rep, cfRep2); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("former representative: got %v, want ErrForbidden", err)
	}
	newRep, err := f.reg.PersonViewer(ctx, cfOutside, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := request(newRep, cfRep2); err != nil {
		t.Errorf("new representative: %v", err)
	}
}

func TestViewerPerson(t *testing.T) {
	tests := []struct {
		v      registry.Viewer
		wantCF string
		wantOK bool
	}{
		{registry.Body(registry.PersonSubject(cfRep), "x"), cfRep, true},
		{registry.Viewer{Subject: registry.PersonSubject(cfRep)}, cfRep, true},
		{registry.Body(cfRep, "x"), "", false},
		{registry.Body("cf:gestionale", "x"), "", false},
		{registry.Body("cf:"+cfBodyA, "x"), "", false}, // a body's codice fiscale is no person's
		{registry.Public(), "", false},
	}
	for _, tc := range tests {
		if cf, ok := tc.v.Person(); cf != tc.wantCF || ok != tc.wantOK {
			t.Errorf("%+v.Person() = %q, %v; want %q, %v", tc.v, cf, ok, tc.wantCF, tc.wantOK)
		}
	}
}
