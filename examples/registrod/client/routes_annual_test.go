package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/schemas/problem"
)

// TestAnnualReport calls GET /v1/annual-report/{year} over HTTP: anyone
// reads a year whose filing period has ended, of the nation or one scope;
// a year still being filed is not published; a bad scope is a problem.
func TestAnnualReport(t *testing.T) {
	s := mustService(t, api.Options{RateLimit: -1})
	ctx := context.Background()
	anon := s.mustClient(t, "", client.Options{})
	var r client.Response
	rep, err := anon.AnnualReport(ctx, 2023, "", client.ReadResponse(&r))
	if err != nil || rep.Year != 2023 || !rep.Public || rep.Scope.Kind != reporting.ScopeCountry || len(rep.Tables) == 0 || r.ETag == "" {
		t.Fatalf("AnnualReport(2023) = year %d public %v scope %v, %d tables, ETag %q, %v", rep.Year, rep.Public, rep.Scope, len(rep.Tables), r.ETag, err)
	}
	if _, err := anon.AnnualReport(ctx, 2023, "", client.IfNoneMatch(r.ETag)); !errors.Is(err, client.ErrNotModified) {
		t.Fatalf("with If-None-Match its ETag: %v", err)
	}
	lazio, err := anon.AnnualReport(ctx, 2023, "12")
	if err != nil || lazio.Scope.Kind != reporting.ScopeRegion || lazio.Scope.Code != "12" {
		t.Fatalf("AnnualReport(2023, 12) = %v, %v", lazio.Scope, err)
	}
	_, err = anon.AnnualReport(ctx, 2024, "")
	mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	_, err = anon.AnnualReport(ctx, 2023, "99")
	mustKind(t, err, http.StatusBadRequest, problem.KindInvalid)
}
