package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
)

// TestRateLimitByIdentity: behind one address (a web proxy), every
// authenticated caller has its own bucket — a register API token by its ID
// (two tokens of one client name are two buckets), a person's OIDC token
// by the codice fiscale (a new token of the same person is the same
// bucket), a static token by its subject — while the anonymous and every
// credential that does not authenticate (an unknown or revoked API token, a
// JWT that does not verify, a person naming a body they do not act for)
// count against the address.
func TestRateLimitByIdentity(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	is.addKey(t, "unpublished", false)
	o, err := api.NewOIDC(context.Background(), api.OIDCConfig{
		Issuers: []api.OIDCIssuer{{URL: is.srv.URL, Audience: testAudience, JWKSURL: is.srv.URL}},
		Now:     func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	// Two API tokens with the same client name, issued on the fixture's
	// handler (no tight limit there); the second is then revoked.
	var tk [3]issued
	for i := range tk {
		rec := f.do(t, "POST", "/v1/api-tokens", tokStaff, tokenRequest("gestionale", "public", "", testNow.Add(48*time.Hour)))
		if rec.Code != http.StatusCreated {
			t.Fatalf("issue: %d %s", rec.Code, truncate(rec.Body.String()))
		}
		decode(t, rec, &tk[i])
	}
	if rec := f.do(t, "DELETE", "/v1/api-tokens/"+tk[2].Token.ID, tokStaff, nil); rec.Code != http.StatusOK {
		t.Fatalf("revoke: %d", rec.Code)
	}
	deps := f.apiDeps
	deps.OIDC = o
	h := api.New(deps, api.Options{RateLimit: 0.001, RateBurst: 2})

	cf1, cf2 := f.body.Entity.LegalRepresentative.CodiceFiscale, cfReferent
	jwt1 := is.sign(t, "k1", is.claims(cf1))
	again := is.claims(cf1)
	again["iat"] = testNow.Add(-30 * time.Second).Unix() // another token of the same person
	jwt1b := is.sign(t, "k1", again)
	jwt2 := is.sign(t, "k1", is.claims(cf2))
	forged := is.sign(t, "unpublished", is.claims(cf2))
	const proxy = "198.51.100.7:443"
	bodyID := f.ids[f.other.Entity.CodiceFiscale] // cf2 does not act for it
	for _, tc := range []struct {
		name, token string
		hdr         []string
		status      int
		remaining   string
	}{
		{"anonymous 1", "", nil, 200, "1"},
		{"anonymous 2", "", nil, 200, "0"},
		{"anonymous 3: the address is spent", "", nil, 429, "0"},
		{"API token A", tk[0].Secret, nil, 200, "1"},
		{"API token A again", tk[0].Secret, nil, 200, "0"},
		{"API token A spent", tk[0].Secret, nil, 429, "0"},
		{"API token B, same client name: its own bucket", tk[1].Secret, nil, 200, "1"},
		{"person 1", jwt1, nil, 200, "1"},
		{"person 1, another token: the same bucket", jwt1b, nil, 200, "0"},
		{"person 2", jwt2, nil, 200, "1"},
		{"static token", tokStaff, nil, 200, "1"},
		{"revoked API token: the address's", tk[2].Secret, nil, 429, "0"},
		{"unknown API token: the address's", "rgt_no-such-token-0123456789abcdef", nil, 429, "0"},
		{"forged JWT: the address's", forged, nil, 429, "0"},
		{"person for a body they do not act for: the address's", jwt2, []string{api.EntityHeader, bodyID}, 429, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := append([]string{}, tc.hdr...)
			if tc.token != "" {
				hdr = append(hdr, "Authorization", "Bearer "+tc.token)
			}
			rec := exchange(t, h, "GET", "/v1/schemas", proxy, hdr...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, truncate(rec.Body.String()))
			}
			if got := rec.Header().Get("X-RateLimit-Remaining"); got != tc.remaining {
				t.Errorf("X-RateLimit-Remaining %q, want %s", got, tc.remaining)
			}
		})
	}
	// With budget left, the rate limiter's authentication is the route's:
	// an invalid token is still a 401, a person for another body a 403.
	h = api.New(deps, api.Options{RateLimit: -1})
	for _, tc := range []struct {
		token  string
		hdr    []string
		status int
	}{
		{tk[2].Secret, nil, 401},
		{forged, nil, 401},
		{jwt2, []string{api.EntityHeader, bodyID}, 403},
		{tk[0].Secret, nil, 200},
	} {
		hdr := append([]string{"Authorization", "Bearer " + tc.token}, tc.hdr...)
		if rec := exchange(t, h, "GET", "/v1/schemas", proxy, hdr...); rec.Code != tc.status {
			t.Errorf("%s: %d, want %d", fmt.Sprint(tc.hdr), rec.Code, tc.status)
		}
	}
}
