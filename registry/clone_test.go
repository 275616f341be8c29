package registry_test

import (
	"testing"

	"github.com/openregistro/registro/registry"
)

// TestApplicationCloneIsDeep: changing a clone's lists, including the facts
// added for issue 21, leaves the original alone.
func TestApplicationCloneIsDeep(t *testing.T) {
	orig := func() registry.Application {
		return registry.Application{
			DeclaredAbsent: []string{registry.AbsentHousing},
			Declarations: registry.Declarations{Persons: []registry.PersonDeclaration{
				{CodiceFiscale: cfMember, Conditions: []string{"other"}}}},
			Activities: []registry.Activity{{Title: "a", Sectors: []string{"reception"}, Target: registry.TargetForeigners}},
			Programme:  &registry.Programme{Title: "p", CarriedOutBy: cfBodyA},
		}
	}
	tests := []struct {
		name   string
		mutate func(c *registry.Application)
		check  func(a registry.Application) bool
	}{
		{"declaredAbsent", func(c *registry.Application) { c.DeclaredAbsent[0] = "gdpr" },
			func(a registry.Application) bool { return a.DeclaredAbsent[0] == registry.AbsentHousing }},
		{"persons", func(c *registry.Application) { c.Declarations.Persons[0].CodiceFiscale = "x" },
			func(a registry.Application) bool { return a.Declarations.Persons[0].CodiceFiscale == cfMember }},
		{"person conditions", func(c *registry.Application) { c.Declarations.Persons[0].Conditions[0] = "x" },
			func(a registry.Application) bool { return a.Declarations.Persons[0].Conditions[0] == "other" }},
		{"activity target", func(c *registry.Application) { c.Activities[0].Target = registry.TargetGeneral },
			func(a registry.Application) bool { return a.Activities[0].Target == registry.TargetForeigners }},
		{"programme carrier", func(c *registry.Application) { c.Programme.CarriedOutBy = "x" },
			func(a registry.Application) bool { return a.Programme.CarriedOutBy == cfBodyA }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := orig()
			c := a.Clone()
			tc.mutate(&c)
			if !tc.check(a) {
				t.Fatalf("changing the clone changed the original: %+v", a)
			}
		})
	}
}
