package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// TestListingSeeksEnrolmentsByBody: the listings' visibility subquery (a
// body's enrolment in a section) seeks the body's enrolments, not every
// enrolment of the section — without statistics SQLite chose the index on
// (section, status, entity_id), which made each page cost the section's
// size times the page's.
func TestListingSeeksEnrolmentsByBody(t *testing.T) {
	s := mustOpen(t, sqliteDSN(t), sqlstore.Options{})
	filters := map[string]registry.Filter{
		"public":             {Candidates: &registry.Candidates{SectionI: true}},
		"public, one region": {Region: "05", Candidates: &registry.Candidates{SectionI: true}},
		"section II grant":   {Candidates: &registry.Candidates{SectionI: true, SectionII: true, SectionIIRegions: []string{"05"}}},
		"staff, section":     {Section: registry.SectionII},
		"staff, status":      {Section: registry.SectionI, Status: registry.StatusEnrolled},
	}
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			plan, err := s.EntitiesPlan(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			if !strings.Contains(text, "entity_enrolments_entity_section (entity_id=?") {
				t.Errorf("the enrolments are not sought by body:\n%s", text)
			}
			if strings.Contains(text, "en USING COVERING INDEX entity_enrolments_section (section=?)") {
				t.Errorf("the subquery scans the section's enrolments:\n%s", text)
			}
		})
	}
}
