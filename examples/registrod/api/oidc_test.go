package api_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
)

// testAudience is the client ID the test issuer's tokens are for.
const testAudience = "registro-test"

// testIssuer is an identity provider's key publication (its JWKS) on a test
// server, with keys that can be rotated, and a signer of its tokens.
type testIssuer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	keys []jose.JSONWebKey // public keys published
	priv map[string]*ecdsa.PrivateKey
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	is := &testIssuer{priv: map[string]*ecdsa.PrivateKey{}}
	is.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		defer is.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: is.keys})
	}))
	t.Cleanup(is.srv.Close)
	is.addKey(t, "k1", true)
	return is
}

// addKey makes a key kid, published or not.
func (is *testIssuer) addKey(t *testing.T, kid string, publish bool) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.priv[kid] = k
	if publish {
		is.keys = append(is.keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "ES256", Use: "sig"})
	}
}

// sign returns a JWT of claims signed with the key kid.
func (is *testIssuer) sign(t *testing.T, kid string, claims map[string]any) string {
	t.Helper()
	is.mu.Lock()
	k := is.priv[kid]
	is.mu.Unlock()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: k, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := sig.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// claims returns the claims of a token for the person cf, valid at testNow.
func (is *testIssuer) claims(cf string) map[string]any {
	return map[string]any{"iss": is.srv.URL, "aud": testAudience, "sub": "user-" + cf,
		"iat": testNow.Add(-time.Minute).Unix(), "exp": testNow.Add(time.Hour).Unix(), "fiscal_number": cf}
}

// withOIDC returns f's handler with the test issuer trusted, and cfg's
// other settings.
func withOIDC(t *testing.T, f *fixture, is *testIssuer, cfg api.OIDCConfig) http.Handler {
	t.Helper()
	cfg.Issuers = []api.OIDCIssuer{{URL: is.srv.URL, Audience: testAudience, JWKSURL: is.srv.URL}}
	cfg.Now = func() time.Time { return testNow }
	o, err := api.NewOIDC(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	deps := f.apiDeps
	deps.OIDC = o
	return api.New(deps, api.Options{MaxBodyBytes: 1 << 20})
}

// doWith sends a request to h (as f.do does to f's handler).
func doWith(t *testing.T, h http.Handler, method, target, token string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	g := &fixture{h: h}
	return g.do(t, method, target, token, body, hdr...)
}

func TestOIDCRefused(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	is.addKey(t, "unpublished", false)
	other := newTestIssuer(t) // an issuer the service does not trust
	h := withOIDC(t, f, is, api.OIDCConfig{})
	cf := f.body.Entity.LegalRepresentative.CodiceFiscale
	with := func(change func(c map[string]any)) map[string]any {
		c := is.claims(cf)
		change(c)
		return c
	}
	tests := []struct {
		name  string
		token string
		want  string // in the English detail
	}{
		{"wrong issuer", other.sign(t, "k1", with(func(c map[string]any) { c["iss"] = other.srv.URL })), "issuer is not trusted"},
		{"issuer claimed, other's key", other.sign(t, "k1", is.claims(cf)), "signature"},
		{"wrong audience", is.sign(t, "k1", with(func(c map[string]any) { c["aud"] = "another-service" })), "audience"},
		{"expired", is.sign(t, "k1", with(func(c map[string]any) { c["exp"] = testNow.Add(-2 * time.Minute).Unix() })), "expired"},
		{"no expiry", is.sign(t, "k1", with(func(c map[string]any) { delete(c, "exp") })), "expiry"},
		{"not yet valid", is.sign(t, "k1", with(func(c map[string]any) { c["nbf"] = testNow.Add(10 * time.Minute).Unix() })), "nbf"},
		{"issued in the future", is.sign(t, "k1", with(func(c map[string]any) { c["iat"] = testNow.Add(10 * time.Minute).Unix() })), "iat"},
		{"unknown key", is.sign(t, "unpublished", is.claims(cf)), "signature"},
		{"no fiscal number", is.sign(t, "k1", with(func(c map[string]any) { delete(c, "fiscal_number") })), "codice fiscale"},
		{"bad fiscal number", is.sign(t, "k1", with(func(c map[string]any) { c["fiscal_number"] = "RSSMRA80A01H501X" })), "codice fiscale"},
		{"a body's fiscal number", is.sign(t, "k1", with(func(c map[string]any) { c["fiscal_number"] = f.body.Entity.CodiceFiscale })), "codice fiscale"},
		{"tampered payload", func() string {
			p := strings.Split(is.sign(t, "k1", is.claims(cf)), ".")
			q := strings.Split(is.sign(t, "k1", is.claims(f.other.Entity.LegalRepresentative.CodiceFiscale)), ".")
			return p[0] + "." + q[1] + "." + p[2]
		}(), "signature"},
		{"not a JWT", "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln", "unreadable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := doWith(t, h, "GET", "/v1/entities", tc.token, nil, "Accept-Language", "en")
			p := wantProblem(t, rec, http.StatusUnauthorized)
			if !strings.Contains(p.Messages.EN, tc.want) {
				t.Errorf("detail %q, want it to mention %q", p.Messages.EN, tc.want)
			}
		})
	}
	// Within the clock skew, an expired token still passes.
	tok := is.sign(t, "k1", with(func(c map[string]any) { c["exp"] = testNow.Add(-30 * time.Second).Unix() }))
	if rec := doWith(t, h, "GET", "/v1/entities", tok, nil); rec.Code != http.StatusOK {
		t.Errorf("expired 30 s ago (skew 1 min): %d %s", rec.Code, truncate(rec.Body.String()))
	}
}

func TestOIDCKeyRotation(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	h := withOIDC(t, f, is, api.OIDCConfig{})
	cf := f.body.Entity.LegalRepresentative.CodiceFiscale
	if rec := doWith(t, h, "GET", "/v1/entities", is.sign(t, "k1", is.claims(cf)), nil); rec.Code != http.StatusOK {
		t.Fatalf("first key: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	// The issuer publishes a new key after the service read its keys: a
	// token signed with it makes the service read them again.
	is.addKey(t, "k2", true)
	if rec := doWith(t, h, "GET", "/v1/entities", is.sign(t, "k2", is.claims(cf)), nil); rec.Code != http.StatusOK {
		t.Fatalf("rotated key: %d %s", rec.Code, truncate(rec.Body.String()))
	}
}

func TestOIDCSPIDFiscalNumber(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	h := withOIDC(t, f, is, api.OIDCConfig{})
	cf := f.body.Entity.LegalRepresentative.CodiceFiscale
	c := is.claims(cf)
	delete(c, "fiscal_number")
	c["fiscalNumber"] = "TINIT-" + cf
	id := f.ids[f.body.Entity.CodiceFiscale]
	rec := doWith(t, h, "GET", "/v1/entities/"+id, is.sign(t, "k1", c), nil, api.EntityHeader, id)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), cf) {
		t.Fatalf("SPID fiscalNumber: %d %s", rec.Code, truncate(rec.Body.String()))
	}
}

func TestOIDCActsForItsBody(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	h := withOIDC(t, f, is, api.OIDCConfig{})
	lr := f.body.Entity.LegalRepresentative.CodiceFiscale
	tok := is.sign(t, "k1", is.claims(lr))
	own, other := f.ids[f.body.Entity.CodiceFiscale], f.ids[f.other.Entity.CodiceFiscale]

	// Acting for its body, the representative sees its personal data.
	rec := doWith(t, h, "GET", "/v1/entities/"+own, tok, nil, api.EntityHeader, own)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), lr) {
		t.Fatalf("own body: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	// Acting for another body is refused, whether it exists or not, alike.
	p1 := wantProblem(t, doWith(t, h, "GET", "/v1/entities/"+own, tok, nil, api.EntityHeader, other), http.StatusForbidden)
	p2 := wantProblem(t, doWith(t, h, "GET", "/v1/entities/"+own, tok, nil, api.EntityHeader, "R999999"), http.StatusForbidden)
	if strings.ReplaceAll(p1.Detail, other, "X") != strings.ReplaceAll(p2.Detail, "R999999", "X") {
		t.Errorf("another body and no body differ: %q / %q", p1.Detail, p2.Detail)
	}
	wantProblem(t, doWith(t, h, "GET", "/v1/entities", "", nil, api.EntityHeader, own), http.StatusUnauthorized)
	wantProblem(t, doWith(t, h, "GET", "/v1/entities", tok, nil, api.EntityHeader, "a b"), http.StatusBadRequest)

	// Without the header, the person is the public: no personal data.
	rec = doWith(t, h, "GET", "/v1/entities/"+own, tok, nil)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), lr) {
		t.Fatalf("no header: %d, personal data shown: %t", rec.Code, strings.Contains(rec.Body.String(), lr))
	}
	// Nor may it file; for another body's report, 403 either way.
	doc := mustDocFor(t, f)
	wantProblem(t, doWith(t, h, "POST", "/v1/filings/2024", tok, doc), http.StatusForbidden)
	wantProblem(t, doWith(t, h, "POST", "/v1/filings/2024", tok, doc, api.EntityHeader, other), http.StatusForbidden)

	// It files its body's report, and the audit trail names it.
	rec = doWith(t, h, "POST", "/v1/filings/2024", tok, doc, api.EntityHeader, own)
	if rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	wantActor(t, f, own, "body:"+own+":cf:"+lr)
}

// wantActor checks that the last event of the body id names actor.
func wantActor(t *testing.T, f *fixture, id, actor string) {
	t.Helper()
	evs, err := f.reg.Events(context.Background(), registry.Staff("staff:test"), registry.EventFilter{EntityID: id, Limit: registry.MaxLimit})
	if err != nil || len(evs) == 0 {
		t.Fatalf("events of %s: %v, %v", id, evs, err)
	}
	if got := evs[len(evs)-1].Actor; got != actor {
		t.Errorf("last event's actor %q, want %q", got, actor)
	}
}

func TestOIDCRevokedReferent(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	h := withOIDC(t, f, is, api.OIDCConfig{})
	ctx := context.Background()
	id := f.ids[f.body.Entity.CodiceFiscale]
	staff := registry.Staff("staff:test")
	// A referent outside the register's people.
	const cf = "BNCNNA70A41F205S"
	ref, err := f.reg.RequestReferent(ctx, staff, id, registry.Referent{FirstName: "Anna", LastName: "Bianchi",
		CodiceFiscale: cf, Phone: "061234567", Email: "anna.bianchi@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	tok := is.sign(t, "k1", is.claims(cf))
	doc := withFiler(t, mustDocFor(t, f), cf, "Anna", "Bianchi")
	// Requested, not yet enabled: refused.
	wantProblem(t, doWith(t, h, "POST", "/v1/filings/2024", tok, doc, api.EntityHeader, id), http.StatusForbidden)
	if _, err := f.reg.EnableReferent(ctx, staff, id, ref.ID); err != nil {
		t.Fatal(err)
	}
	rec := doWith(t, h, "POST", "/v1/filings/2024", tok, doc, api.EntityHeader, id)
	if rec.Code != http.StatusCreated {
		t.Fatalf("enabled referent files: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	wantActor(t, f, id, "body:"+id+":cf:"+cf)
	if _, err := f.reg.RevokeReferent(ctx, staff, id, ref.ID); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, doWith(t, h, "POST", "/v1/filings/2024", tok, doc, api.EntityHeader, id), http.StatusForbidden)
}

func TestOIDCStaffAndRegion(t *testing.T) {
	f := newFixture(t)
	is := newTestIssuer(t)
	const clerk, officer = "BNCNNA70A41F205S", "GLLGNN75M52L219B"
	h := withOIDC(t, f, is, api.OIDCConfig{Staff: []string{clerk}, RoleClaim: "registro_role"})
	if rec := doWith(t, h, "GET", "/v1/events?limit=1", is.sign(t, "k1", is.claims(clerk)), nil); rec.Code != http.StatusOK {
		t.Fatalf("staff by list: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	c := is.claims(officer)
	c["registro_role"] = "region:" + f.grantReg
	wantProblem(t, doWith(t, h, "GET", "/v1/events?limit=1", is.sign(t, "k1", c), nil), http.StatusForbidden)
	rec := doWith(t, h, "GET", "/v1/yearly-list/2024", is.sign(t, "k1", c), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("regional officer: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	c["registro_role"] = "staff"
	if rec := doWith(t, h, "GET", "/v1/events?limit=1", is.sign(t, "k1", c), nil); rec.Code != http.StatusOK {
		t.Fatalf("staff by claim: %d %s", rec.Code, truncate(rec.Body.String()))
	}
	c["registro_role"] = "region:99"
	wantProblem(t, doWith(t, h, "GET", "/v1/entities", is.sign(t, "k1", c), nil), http.StatusUnauthorized)
}

func TestNewOIDCConfig(t *testing.T) {
	good := api.OIDCIssuer{URL: "https://idp.example.it", Audience: "registro", JWKSURL: "https://idp.example.it/keys"}
	tests := []struct {
		name string
		cfg  api.OIDCConfig
	}{
		{"no issuer", api.OIDCConfig{}},
		{"no audience", api.OIDCConfig{Issuers: []api.OIDCIssuer{{URL: good.URL, JWKSURL: good.JWKSURL}}}},
		{"not a URL", api.OIDCConfig{Issuers: []api.OIDCIssuer{{URL: "idp", Audience: "a", JWKSURL: good.JWKSURL}}}},
		{"twice", api.OIDCConfig{Issuers: []api.OIDCIssuer{good, good}}},
		{"skew", api.OIDCConfig{Issuers: []api.OIDCIssuer{good}, ClockSkew: time.Hour}},
		{"bad staff", api.OIDCConfig{Issuers: []api.OIDCIssuer{good}, Staff: []string{"nobody"}}},
		{"no discovery", api.OIDCConfig{Issuers: []api.OIDCIssuer{{URL: "http://127.0.0.1:1", Audience: "a"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := api.NewOIDC(context.Background(), tc.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, err := api.NewOIDC(context.Background(), api.OIDCConfig{Issuers: []api.OIDCIssuer{good}}); err != nil {
		t.Error(err)
	}
}
