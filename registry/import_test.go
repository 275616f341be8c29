package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImport(t *testing.T) {
	ctx := context.Background()
	src := newFixture(t, registry.Options{})
	a := src.enrolled(t, body(cfBodyA, "Ente A"), "2024-01-10", "2024-03-01", registry.SectionI)
	b := src.enrolled(t, body(cfBodyB, "Ente B"), "2024-02-10", "2024-04-01", registry.SectionI, registry.SectionII)

	dst := newFixture(t, registry.Options{})
	got, err := dst.reg.Import(ctx, registry.Staff("importer"), []registry.Entity{a, b})
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
		_, err := dst.reg.Import(ctx, registry.Staff("importer"), []registry.Entity{a})
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
		{"duplicate codice fiscale", func(es []registry.Entity) { es[1].CodiceFiscale = es[0].CodiceFiscale }, "/1/taxCode", "duplicate_codice_fiscale"},
		{"invalid entity", func(es []registry.Entity) { es[0].Seat.Province = "XX" }, "/0/seat/province", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, registry.Options{})
			es := []registry.Entity{a.Clone(), b.Clone()}
			tt.mutate(es)
			_, err := f.reg.Import(ctx, registry.Staff("importer"), es)
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

func TestReplaceAndRemove(t *testing.T) {
	ctx := context.Background()
	src := newFixture(t, registry.Options{})
	a := src.enrolled(t, body(cfBodyA, "Ente A"), "2024-01-10", "2024-03-01", registry.SectionI)

	dst := newFixture(t, registry.Options{})
	got, err := dst.reg.Import(ctx, registry.Staff("mirror"), []registry.Entity{a})
	require.NoError(t, err)
	local := got[0]

	// The original changes: cancelled, renamed.
	src.clock.Set("2024-09-01")
	a, err = src.reg.Cancel(ctx, registry.Staff("staff"), a.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2024-09-01",
		Reason: "voluntary", LegalBasis: "art. 54 c.4 DPR 394/1999"})
	require.NoError(t, err)
	a.Name = "Ente A rinominato"

	t.Run("stale version", func(t *testing.T) {
		stale := a.Clone()
		stale.Version = local.Version + 5
		_, err := dst.reg.Replace(ctx, registry.Staff("mirror"), stale, "synced")
		assert.True(t, errors.Is(err, registry.ErrConflict), "%v", err)
	})
	t.Run("invalid history", func(t *testing.T) {
		bad := a.Clone()
		bad.Version = local.Version
		bad.Enrolments[0].Status = registry.StatusApplied // history says cancelled
		_, err := dst.reg.Replace(ctx, registry.Staff("mirror"), bad, "synced")
		assert.True(t, errors.Is(err, problem.ErrInvalid), "%v", err)
	})
	t.Run("missing", func(t *testing.T) {
		other := a.Clone()
		other.ID = "nope"
		_, err := dst.reg.Replace(ctx, registry.Staff("mirror"), other, "synced")
		assert.True(t, errors.Is(err, registry.ErrNotFound), "%v", err)
	})

	repl := a.Clone()
	repl.Version = local.Version
	out, err := dst.reg.Replace(ctx, registry.Staff("mirror"), repl, "synced from the service")
	require.NoError(t, err)
	assert.Equal(t, local.Version+1, out.Version)
	stored, err := dst.store.Entity(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "Ente A rinominato", stored.Name)
	ok, err := dst.reg.EnrolledOn(ctx, a.ID, registry.SectionI, day("2024-10-01"))
	require.NoError(t, err)
	assert.False(t, ok, "the cancellation came across")

	assert.True(t, errors.Is(dst.reg.Remove(ctx, registry.Staff("mirror"), a.ID, out.Version-1, "left the region"), registry.ErrConflict))
	require.NoError(t, dst.reg.Remove(ctx, registry.Staff("mirror"), a.ID, out.Version, "left the region"))
	_, err = dst.store.Entity(ctx, a.ID)
	assert.True(t, errors.Is(err, registry.ErrNotFound))
	evs := dst.events(t)
	last := evs[len(evs)-1]
	assert.Equal(t, registry.EventEntityRemoved, last.Kind)
	assert.Equal(t, "left the region", last.Note)
	assert.Empty(t, last.After)
	assert.True(t, errors.Is(dst.reg.Remove(ctx, registry.Staff("mirror"), a.ID, out.Version, "again"), registry.ErrNotFound))
}

// A repeated code is reported as AJV reports uniqueItems: the pair {i, j}.
func TestUniqueItemsAsAJV(t *testing.T) {
	e := body(cfBodyA, "Ente A")
	e.Qualifications = []string{"onlus", "ets", "onlus"}
	err := registry.NewValidator(nil, nil).Entity(&e)
	l, ok := problem.AsList(err)
	require.True(t, ok, "%v", err)
	var got *problem.Problem
	for i := range l {
		if l[i].InstancePath == "/qualifications" {
			got = &l[i]
		}
	}
	require.NotNil(t, got, "%v", l)
	assert.Equal(t, "uniqueItems", got.Keyword)
	assert.Equal(t, map[string]any{"i": 0, "j": 2}, got.Params)
	assert.Contains(t, got.Messages.EN, "must NOT have duplicate items")
}
