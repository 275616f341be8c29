package eligibility_test

import (
	"context"
	"testing"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// TestPartnershipAgainstTheRegistersRecords: with the register's own reader
// (Registry.ReaderFor), the partnership rule checks an applicant already in
// the register against the partnerships the register records on the
// application date, not only the partner's Section II enrolment (issue 21);
// a partnership the partner has not confirmed does not count.
func TestPartnershipAgainstTheRegistersRecords(t *testing.T) {
	ctx := context.Background()
	staff := registry.Staff("test")
	partner := registry.Entity{ID: "E-PARTNER", CodiceFiscale: "00595000217", Name: "Partner", Enrolments: []registry.Enrolment{{
		Section: registry.SectionII, Status: registry.StatusEnrolled, DecreeDate: "2019-06-10",
		History: []registry.Transition{{To: registry.StatusEnrolled, On: "2019-06-10", Actor: "test"}},
	}}}
	applicant := registry.Entity{ID: "E-1", CodiceFiscale: "00743110157", Name: "Associazione Porte Aperte"}
	record := func(start, end registry.Date) registry.Partnership {
		return registry.Partnership{EntityID: "E-1", PartnerID: "E-PARTNER", Objectives: "o", Content: "c", Modalities: "m", Start: start, End: end}
	}
	tests := []struct {
		name    string
		records []registry.Partnership
		confirm bool // the partner confirms each record
		want    eligibility.Outcome
	}{
		{"recorded, confirmed and in force", []registry.Partnership{record("2023-01-15", "")}, true, eligibility.Pass},
		{"recorded and in force, not confirmed by the partner", []registry.Partnership{record("2023-01-15", "")}, false, eligibility.Missing},
		{"not recorded", nil, true, eligibility.Missing},
		{"recorded, ended before the application", []registry.Partnership{record("2023-01-15", "2024-02-29")}, true, eligibility.Missing},
		{"recorded, starting after the application", []registry.Partnership{record("2024-03-02", "")}, true, eligibility.Missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store, err := memstore.Load([]registry.Entity{partner, applicant})
			if err != nil {
				t.Fatal(err)
			}
			reg := registry.New(store, registry.Options{})
			for _, p := range tc.records {
				p, err := reg.AddPartnership(ctx, staff, p)
				if err != nil {
					t.Fatal(err)
				}
				if tc.confirm {
					if _, err := reg.ConfirmPartnership(ctx, registry.Body("partner", "E-PARTNER"), p.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			sd, _ := evaluate(t, typical(), reg.ReaderFor(staff)).Section(registry.SectionII)
			r, ok := sd.Result(eligibility.RulePartnership)
			if !ok || r.Outcome != tc.want {
				t.Errorf("%s, want %s (%s)", r.Outcome, tc.want, r.Message.EN)
			}
		})
	}
}
