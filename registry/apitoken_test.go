package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

func TestAPITokenLifecycle(t *testing.T) {
	f := newFixture(t, registry.Options{})
	ctx := context.Background()
	e := f.mustApply(t, application(body(cfBodyA, "Ente"), "2025-01-10", registry.SectionI))
	f.clock.Set("2025-02-01")
	staff := registry.Staff("admin")
	now := f.clock.Now()

	tk, secret, err := f.reg.IssueAPIToken(ctx, staff, registry.APIToken{Name: "gestionale:acme", Role: registry.RoleBody,
		EntityID: e.ID, ExpiresAt: now.Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, registry.APITokenPrefix) || len(secret) < 40 || tk.ID == "" || tk.CreatedBy != staff.Actor() {
		t.Fatalf("issued %+v with secret %q", tk, secret)
	}
	got, err := f.reg.AuthenticateAPIToken(ctx, secret)
	if err != nil || got.ID != tk.ID {
		t.Fatalf("authenticate: %+v, %v", got, err)
	}
	if v := got.Viewer(); v.Role != registry.RoleBody || v.EntityID != e.ID || v.Actor() != "body:"+e.ID+":gestionale:acme" {
		t.Errorf("viewer %+v", v)
	}
	for _, bad := range []string{"", secret + "x", strings.Repeat("a", 600)} {
		if _, err := f.reg.AuthenticateAPIToken(ctx, bad); !errors.Is(err, registry.ErrAPIToken) {
			t.Errorf("authenticate %.20q: %v, want ErrAPIToken", bad, err)
		}
	}
	// Expired: the clock passes its expiry.
	f.clock.Set("2025-03-05")
	if _, err := f.reg.AuthenticateAPIToken(ctx, secret); !errors.Is(err, registry.ErrAPIToken) {
		t.Errorf("expired: %v, want ErrAPIToken", err)
	}
	f.clock.Set("2025-02-02")
	if _, err := f.reg.RevokeAPIToken(ctx, registry.Body("cf:"+cfRep, e.ID), tk.ID); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("body revokes: %v, want ErrForbidden", err)
	}
	rv, err := f.reg.RevokeAPIToken(ctx, staff, tk.ID)
	if err != nil || !rv.Revoked() || rv.RevokedBy != staff.Actor() {
		t.Fatalf("revoke: %+v, %v", rv, err)
	}
	if _, err := f.reg.AuthenticateAPIToken(ctx, secret); !errors.Is(err, registry.ErrAPIToken) {
		t.Errorf("revoked: %v, want ErrAPIToken", err)
	}
	list, err := f.reg.APITokens(ctx, staff)
	if err != nil || len(list) != 1 || !list[0].Revoked() {
		t.Errorf("list: %+v, %v", list, err)
	}
	if _, err := f.reg.APITokens(ctx, registry.RegionalOffice("regione:lazio", "12")); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("region lists: %v, want ErrForbidden", err)
	}
}

func TestAPITokenChecks(t *testing.T) {
	f := newFixture(t, registry.Options{})
	ctx := context.Background()
	staff := registry.Staff("admin")
	now := f.clock.Now()
	month := now.Add(30 * 24 * time.Hour)
	tests := []struct {
		name string
		tok  registry.APIToken
		path string
	}{
		{"name too short", registry.APIToken{Name: "ab", Role: registry.RoleStaff, ExpiresAt: month}, "/name"},
		{"name of a person", registry.APIToken{Name: "cf:" + cfRep, Role: registry.RoleStaff, ExpiresAt: month}, "/name"},
		{"upper case", registry.APIToken{Name: "Regione", Role: registry.RoleStaff, ExpiresAt: month}, "/name"},
		{"body without entity", registry.APIToken{Name: "acme", Role: registry.RoleBody, ExpiresAt: month}, "/entityId"},
		{"unknown body", registry.APIToken{Name: "acme", Role: registry.RoleBody, EntityID: "nobody", ExpiresAt: month}, "/entityId"},
		{"bad region", registry.APIToken{Name: "regione", Role: registry.RoleRegion, Region: "99", ExpiresAt: month}, "/region"},
		{"staff with region", registry.APIToken{Name: "ministero", Role: registry.RoleStaff, Region: "12", ExpiresAt: month}, "/role"},
		{"no expiry", registry.APIToken{Name: "ministero", Role: registry.RoleStaff}, "/expiresAt"},
		{"past expiry", registry.APIToken{Name: "ministero", Role: registry.RoleStaff, ExpiresAt: now.Add(-time.Second)}, "/expiresAt"},
		{"too long", registry.APIToken{Name: "ministero", Role: registry.RoleStaff, ExpiresAt: now.Add(3 * 366 * 24 * time.Hour)}, "/expiresAt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.reg.IssueAPIToken(ctx, staff, tc.tok)
			if _, ok := problems(t, err)[tc.path]; !ok {
				t.Errorf("problems %v, want one at %s", problems(t, err), tc.path)
			}
		})
	}
	if _, _, err := f.reg.IssueAPIToken(ctx, registry.Viewer{Subject: "cf:" + cfRep}, registry.APIToken{Name: "mine", Role: registry.RoleStaff, ExpiresAt: month}); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("the public issues: %v, want ErrForbidden", err)
	}
	// Importing a former tokens file's secret.
	if _, err := f.reg.ImportAPIToken(ctx, staff, registry.APIToken{Name: "regione:lazio", Role: registry.RoleRegion, Region: "12", ExpiresAt: month}, "short"); !errors.Is(err, problem.ErrInvalid) {
		t.Errorf("short secret: %v, want invalid", err)
	}
	const old = "region-token-0123456789"
	if _, err := f.reg.ImportAPIToken(ctx, staff, registry.APIToken{Name: "regione:lazio", Role: registry.RoleRegion, Region: "12", ExpiresAt: month}, old); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.ImportAPIToken(ctx, staff, registry.APIToken{Name: "regione:lazio2", Role: registry.RoleRegion, Region: "12", ExpiresAt: month}, old); !errors.Is(err, registry.ErrConflict) {
		t.Errorf("same secret twice: %v, want ErrConflict", err)
	}
	if tk, err := f.reg.AuthenticateAPIToken(ctx, old); err != nil || tk.Viewer().Actor() != "region:regione:lazio" {
		t.Errorf("imported: %+v, %v", tk, err)
	}
	// A personal token of the former file stays the person's.
	e := f.mustApply(t, application(body(cfBodyA, "Ente"), "2025-01-10", registry.SectionI))
	personal := registry.APIToken{Name: "cf:" + cfRep, Role: registry.RoleBody, EntityID: e.ID, ExpiresAt: month.Add(24 * time.Hour)}
	if _, err := f.reg.ImportAPIToken(ctx, staff, personal, "body-token-0123456789"); err != nil {
		t.Fatalf("personal token: %v", err)
	}
	personal.Name = "cf:RSSMRA80A01H501X" // not a valid code
	if _, err := f.reg.ImportAPIToken(ctx, staff, personal, "body-token-9876543210"); !errors.Is(err, problem.ErrInvalid) {
		t.Errorf("invalid personal name: %v", err)
	}
}

func TestPersonViewer(t *testing.T) {
	f := newFixture(t, registry.Options{})
	ctx := context.Background()
	e := f.mustApply(t, application(body(cfBodyA, "Ente"), "2025-01-10", registry.SectionI))
	other := f.mustApply(t, application(body(cfBodyB, "Altro ente"), "2025-01-11", registry.SectionI))
	staff := registry.Staff("admin")
	ref, err := f.reg.RequestReferent(ctx, staff, e.ID, registry.Referent{FirstName: "Luca", LastName: "Verdi",
		CodiceFiscale: cfRefA, Phone: "061234567", Email: "luca@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, cf, entity string
		want             error
		role             registry.Role
	}{
		{"representative", cfRep, e.ID, nil, registry.RoleBody},
		{"representative of both", cfRep, other.ID, nil, registry.RoleBody},
		{"no body", cfRefA, "", nil, registry.RolePublic},
		{"requested referent", cfRefA, e.ID, registry.ErrForbidden, 0},
		{"outsider", cfOutside, e.ID, registry.ErrForbidden, 0},
		{"unknown body", cfRep, "nobody", registry.ErrForbidden, 0},
		{"bad codice fiscale", "RSSMRA80A01H501X", "", registry.ErrPersonCodiceFiscale, 0},
		{"a body's code", cfBodyA, "", registry.ErrPersonCodiceFiscale, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := f.reg.PersonViewer(ctx, tc.cf, tc.entity)
			if !errors.Is(err, tc.want) || (tc.want != nil) == (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if err == nil && (v.Role != tc.role || v.Subject != registry.PersonSubject(tc.cf) || v.EntityID != tc.entity) {
				t.Errorf("viewer %+v", v)
			}
		})
	}
	// Enabled, the referent acts for the body; revoked, no longer.
	if _, err := f.reg.EnableReferent(ctx, staff, e.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	if v, err := f.reg.PersonViewer(ctx, cfRefA, e.ID); err != nil || v.Role != registry.RoleBody {
		t.Fatalf("enabled referent: %+v, %v", v, err)
	}
	if _, err := f.reg.RevokeReferent(ctx, staff, e.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.PersonViewer(ctx, cfRefA, e.ID); !errors.Is(err, registry.ErrForbidden) {
		t.Errorf("revoked referent: %v, want ErrForbidden", err)
	}
}
