package registrytest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/openregistro/registro/registry"
)

// testGrantStore checks registry.GrantStore: one grant by ID, and every
// grant in ID order, paged by after and limit, whatever the grantee and the
// status, with a new version after an update.
func testGrantStore(t *testing.T, s registry.Store) {
	ctx := context.Background()
	if _, err := s.Grant(ctx, "G1"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Grant of an empty store: %v, want ErrNotFound", err)
	}
	if gs, err := s.AllGrants(ctx, "", 10); err != nil || len(gs) != 0 || gs == nil {
		t.Fatalf("AllGrants of an empty store = %#v, %v; want an empty slice", gs, err)
	}
	commit(t, s, registry.Batch{Grants: []registry.Grant{
		{ID: "G3", Grantee: "regione:lazio", Region: "12", Purpose: "programmazione dei servizi", Status: registry.GrantRequested, RequestedAt: at},
		{ID: "G1", Grantee: "prefettura:roma", Region: "12", Purpose: "vigilanza", From: "2024-01-01", Until: "2024-12-31", Status: registry.GrantGranted},
		{ID: "G2", Grantee: "regione:lazio", Region: "12", Purpose: "statistica", Status: registry.GrantRefused, RefusalReason: "non motivata"},
	}})
	g, err := s.Grant(ctx, "G3")
	if err != nil || g.Version != 1 || g.Status != registry.GrantRequested || !g.RequestedAt.Equal(at) || g.Grantee != "regione:lazio" {
		t.Fatalf("Grant(G3) = %+v, %v", g, err)
	}
	ids := func(gs []registry.Grant) []string {
		out := []string{}
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	for _, tc := range []struct {
		after string
		limit int
		want  []string
	}{
		{"", 10, []string{"G1", "G2", "G3"}},
		{"", 2, []string{"G1", "G2"}},
		{"G2", 2, []string{"G3"}},
		{"G3", 2, []string{}},
		{"G10", 1, []string{"G2"}},
	} {
		gs, err := s.AllGrants(ctx, tc.after, tc.limit)
		if err != nil {
			t.Fatalf("AllGrants(%q, %d): %v", tc.after, tc.limit, err)
		}
		if got := ids(gs); !slices.Equal(got, tc.want) {
			t.Errorf("AllGrants(%q, %d) = %v, want %v", tc.after, tc.limit, got, tc.want)
		}
	}
	if _, err := s.AllGrants(ctx, "", 0); err == nil {
		t.Error("AllGrants with limit 0: no error")
	}
	g.Status, g.From, g.Until = registry.GrantGranted, "2025-03-01", "2025-06-30"
	commit(t, s, registry.Batch{Grants: []registry.Grant{g}})
	if g, err := s.Grant(ctx, "G3"); err != nil || g.Version != 2 || g.Status != registry.GrantGranted || g.Until != "2025-06-30" {
		t.Errorf("Grant(G3) after the update = %+v, %v", g, err)
	}
	if gs, err := s.Grants(ctx, "regione:lazio"); err != nil || !slices.Equal(ids(gs), []string{"G2", "G3"}) {
		t.Errorf("Grants(regione:lazio) = %v, %v", ids(gs), err)
	}
}
