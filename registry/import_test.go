package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openregistro/registro/problem"
	"github.com/openregistro/registro/registry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImport(t *testing.T) {
	ctx := context.Background()
	src := newFixture(t, registry.Options{})
	a := src.enrolled(t, body(cfBodyA, "Ente A"), "2024-01-10", "2024-03-01", registry.SectionI)
	b := src.enrolled(t, body(cfBodyB, "Ente B"), "2024-02-10", "2024-04-01", registry.SectionI, registry.SectionII)

	dst := newFixture(t, registry.Options{})
	got, err := dst.reg.Import(ctx, "importer", []registry.Entity{a, b})
	require.NoError(t, err)
	require.Len(t, got, 2)

	back, err := dst.store.Entity(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, b.Enrolments, back.Enrolments, "enrolment history survives the import")
	ok, err := dst.reg.EnrolledOn(ctx, b.ID, registry.SectionII, day("2024-05-01"))
	require.NoError(t, err)
	assert.True(t, ok)
	evs := dst.events(t)
	require.Len(t, evs, 2)
	assert.Equal(t, "imported", evs[0].Note)

	t.Run("again is a conflict and writes nothing", func(t *testing.T) {
		_, err := dst.reg.Import(ctx, "importer", []registry.Entity{a})
		assert.True(t, errors.Is(err, registry.ErrConflict), "%v", err)
		assert.Len(t, dst.events(t), 2)
	})

	tests := []struct {
		name    string
		mutate  func(es []registry.Entity)
		wantPtr string
		code    string
	}{
		{"missing id", func(es []registry.Entity) { es[1].ID = "" }, "/1", "required"},
		{"duplicate id", func(es []registry.Entity) { es[1].ID = es[0].ID }, "/1/id", "duplicate_id"},
		{"duplicate codice fiscale", func(es []registry.Entity) { es[1].CodiceFiscale = es[0].CodiceFiscale }, "/1/codiceFiscale", "duplicate_codice_fiscale"},
		{"invalid entity", func(es []registry.Entity) { es[0].Seat.Province = "XX" }, "/0/seat/province", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, registry.Options{})
			es := []registry.Entity{a.Clone(), b.Clone()}
			tt.mutate(es)
			_, err := f.reg.Import(ctx, "importer", es)
			require.True(t, errors.Is(err, problem.ErrInvalid), "%v", err)
			l, _ := problem.AsList(err)
			var found bool
			for _, p := range l {
				if p.InstancePath == tt.wantPtr && (tt.code == "" || p.Code == tt.code) {
					found = true
				}
			}
			assert.True(t, found, "want a problem at %s (%s) in %v", tt.wantPtr, tt.code, l)
			assert.Empty(t, f.events(t), "nothing written")
		})
	}
}
