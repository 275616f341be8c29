package client_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// TestEndToEndMe calls GET /v1/me and GET /v1/territory over HTTP.
func TestEndToEndMe(t *testing.T) {
	s := mustService(t, api.Options{RateLimit: -1})
	ctx := context.Background()
	body := s.mustClient(t, tokBody, client.Options{})
	me, err := body.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.Role != registry.RoleBody || me.Acting != s.id(s.body) || me.FiscalNumber != s.body.Entity.LegalRepresentative.CodiceFiscale {
		t.Errorf("Me = %+v", me)
	}
	found := false
	for _, b := range me.Bodies {
		found = found || (b.ID == s.id(s.body) && b.Capacity == registry.CapacityLegalRepresentative && len(b.Sections) > 0)
	}
	if !found {
		t.Errorf("Me bodies = %+v, want %s among them", me.Bodies, s.id(s.body))
	}
	staff := s.mustClient(t, tokStaff, client.Options{})
	if me, err := staff.Me(ctx); err != nil || me.Role != registry.RoleStaff || len(me.Bodies) != 0 {
		t.Errorf("staff Me = %+v, %v", me, err)
	}
	_, err = s.mustClient(t, "", client.Options{}).Me(ctx)
	mustKind(t, err, http.StatusUnauthorized, problem.KindForbidden)

	anon := s.mustClient(t, "", client.Options{})
	terr, err := anon.Territory(ctx, "")
	if err != nil || len(terr.Regions) != 20 || len(terr.Provinces) < 100 || terr.Comuni != nil {
		t.Fatalf("Territory = %d regions, %d provinces, %v comuni, %v", len(terr.Regions), len(terr.Provinces), terr.Comuni, err)
	}
	rm, err := anon.Territory(ctx, "RM")
	if err != nil || len(rm.Comuni) < 100 {
		t.Fatalf("Territory RM = %d comuni, %v", len(rm.Comuni), err)
	}
	_, err = anon.Territory(ctx, "XX")
	mustKind(t, err, http.StatusBadRequest, problem.KindInvalid)
}
