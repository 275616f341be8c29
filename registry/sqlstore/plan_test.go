package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// planFilters are listings whose visibility or filters ask whether a body
// has an enrolment.
var planFilters = map[string]registry.Filter{
	"public":             {Candidates: &registry.Candidates{SectionI: true}},
	"public, one region": {Region: "05", Candidates: &registry.Candidates{SectionI: true}},
	"section II grant":   {Candidates: &registry.Candidates{SectionI: true, SectionII: true, SectionIIRegions: []string{"05"}}},
	"staff, section":     {Section: registry.SectionII},
	"staff, status":      {Section: registry.SectionI, Status: registry.StatusEnrolled},
}

// TestListingSeeksEnrolmentsByBody: the listings' visibility subquery (a
// body's enrolment in a section) seeks the body's enrolments, not every
// enrolment of the section — without statistics SQLite chose the index on
// (section, status, entity_id), which made each page cost the section's
// size times the page's.
func TestListingSeeksEnrolmentsByBody(t *testing.T) {
	s := mustOpen(t, sqliteDSN(t), sqlstore.Options{})
	for name, f := range planFilters {
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

// TestListingProbesEnrolmentsOnPostgres: on PostgreSQL, with the statistics
// of a register of 2,000 bodies, half of them in Section I, no listing
// reads every enrolment of a section into a hash table for each page (a
// "hashed SubPlan", as PostgreSQL planned the visibility test's EXISTS
// under OR); the visibility test probes each body's enrolments in the
// index.
func TestListingProbesEnrolmentsOnPostgres(t *testing.T) {
	s := mustOpen(t, postgresDSN(t), sqlstore.Options{})
	ctx := context.Background()
	if err := s.WriteSQL(ctx, nil, false,
		`INSERT INTO entities (id, version, codice_fiscale, name_lower, legal_form, region, province, branch_of, doc)
SELECT 'E' || lpad(i::text, 5, '0'), 1, '9' || lpad(i::text, 10, '0'), 'associazione', 'association',
       lpad((i % 20 + 1)::text, 2, '0'), 'RM', '', '{}' FROM generate_series(1, 2000) AS i`,
		`INSERT INTO entity_enrolments (entity_id, section, status)
SELECT 'E' || lpad(i::text, 5, '0'), 1 + i % 2, 'enrolled' FROM generate_series(1, 2000) AS i`,
	); err != nil {
		t.Fatal(err)
	}
	if err := s.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	for name, f := range planFilters {
		t.Run(name, func(t *testing.T) {
			plan, err := s.EntitiesPlan(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			if strings.Contains(text, "hashed SubPlan") {
				t.Errorf("a page hashes the section's enrolments:\n%s", text)
			}
			if f.Candidates != nil && !strings.Contains(text, "entity_enrolments_entity_section") {
				t.Errorf("the enrolments are not sought by body:\n%s", text)
			}
		})
	}
}
