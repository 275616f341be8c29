package registry_test

import (
	"context"
	"testing"

	"github.com/openregistro/registro/registry"
)

func TestImportChecksEnrolmentHistory(t *testing.T) {
	ctx := context.Background()
	src := newFixture(t, registry.Options{})
	a := src.enrolled(t, body(cfBodyA, "Ente A"), "2024-01-10", "2024-03-01", registry.SectionI)
	cases := []struct {
		name   string
		mutate func(e *registry.Entity)
		want   map[string]string
	}{
		{"status without history", func(e *registry.Entity) { e.Enrolments[0].History = nil },
			map[string]string{"/0/enrolments/0/status": "status_history_mismatch"}},
		{"status unlike history", func(e *registry.Entity) { e.Enrolments[0].Status = registry.StatusCancelled },
			map[string]string{"/0/enrolments/0/status": "status_history_mismatch"}},
		{"illegal transition", func(e *registry.Entity) {
			e.Enrolments[0].History[1].To = registry.StatusCancelled
			e.Enrolments[0].Status = registry.StatusCancelled
		},
			map[string]string{"/0/enrolments/0/history/1": "illegal_transition"}},
		{"dates out of order", func(e *registry.Entity) { e.Enrolments[0].History[1].On = "2023-01-01" },
			map[string]string{"/0/enrolments/0/history/1/on": "date_order"}},
		{"unknown section and status", func(e *registry.Entity) { e.Enrolments[0].Section = 5; e.Enrolments[0].Status = "approved" },
			map[string]string{"/0/enrolments/0/section": "enum", "/0/enrolments/0/status": "enum"}},
		{"section twice", func(e *registry.Entity) { e.Enrolments = append(e.Enrolments, e.Enrolments[0]) },
			map[string]string{"/0/enrolments/1/section": "duplicate_section"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := newFixture(t, registry.Options{})
			e := a.Clone()
			tc.mutate(&e)
			_, err := dst.reg.Import(ctx, registry.Staff("importer"), []registry.Entity{e})
			got := problems(t, err)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("problems %v; want %s at %s", got, v, k)
				}
			}
			if n := len(dst.events(t)); n != 0 {
				t.Errorf("invalid import wrote %d events", n)
			}
		})
	}
}
