package registry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecordFiling(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	a := f.enrolled(t, body(cfBodyA, "Ente A"), "2023-01-10", "2023-03-01", registry.SectionI)
	b := f.enrolled(t, body(cfBodyB, "Ente B"), "2023-02-10", "2023-04-01", registry.SectionI)
	f.clock.Set("2025-01-20")

	first := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	ev, err := f.reg.RecordFiling(ctx, registry.Staff("desk"), a.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: first})
	require.NoError(t, err)
	assert.Equal(t, registry.EventReportFiled, ev.Kind)
	assert.NotZero(t, ev.Seq)
	_, err = f.reg.RecordFiling(ctx, registry.Staff("desk"), a.ID, registry.ReportFiled{Year: 2024, Revision: 2, FiledAt: first.Add(48 * time.Hour)})
	require.NoError(t, err)
	_, err = f.reg.RecordFiling(ctx, registry.Staff("desk"), b.ID, registry.ReportFiled{Year: 2023, Revision: 1, FiledAt: first})
	require.NoError(t, err)

	filed, err := f.reg.FiledReports(ctx, 2024)
	require.NoError(t, err)
	assert.Equal(t, []registry.Filing{{EntityID: a.ID, FiledAt: first}}, filed, "the first revision counts, other years do not")

	list, err := f.reg.YearlyUpdate(ctx, registry.Staff("ministry"), 2024, filed)
	require.NoError(t, err)
	regular, excluded := list.Totals()
	assert.Equal(t, 1, regular)
	assert.Equal(t, 1, excluded)

	tests := []struct {
		name string
		id   string
		rf   registry.ReportFiled
		want error
	}{
		{"unknown body", "nope", registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: first}, registry.ErrNotFound},
		{"no year", a.ID, registry.ReportFiled{Revision: 1, FiledAt: first}, problem.ErrInvalid},
		{"no revision", a.ID, registry.ReportFiled{Year: 2024, FiledAt: first}, problem.ErrInvalid},
		{"no time", a.ID, registry.ReportFiled{Year: 2024, Revision: 1}, problem.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.events(t))
			_, err := f.reg.RecordFiling(ctx, registry.Staff("desk"), tt.id, tt.rf)
			assert.True(t, errors.Is(err, tt.want), "%v", err)
			assert.Len(t, f.events(t), before, "nothing written")
		})
	}
}
