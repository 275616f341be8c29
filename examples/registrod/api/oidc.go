package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

// People log in to public services through an identity provider (SPID, CIE,
// reached as OpenID Connect) and call the API with the provider's JWT (an ID
// token, or an access token in JWT form) as their bearer token. OIDC checks
// the token against the issuers the service trusts and reads who the person
// is from its fiscal-number claim; what the person may do is then read from
// the register (registry.Registry.PersonViewer).

// DefaultClockSkew is the leeway OIDCConfig.ClockSkew defaults to: how far
// the service's clock and an issuer's may disagree on a token's exp, nbf and
// iat.
const DefaultClockSkew = time.Minute

// MaxClockSkew is the largest OIDCConfig.ClockSkew accepted.
const MaxClockSkew = 5 * time.Minute

// maxJWTBytes bounds the bearer JWTs the service parses.
const maxJWTBytes = 16 << 10

// EntityHeader is the request header in which a person who logged in says
// which body they act for: its register ID. Without it the person acts for
// no body (an authenticated member of the public, who may apply for a new
// one).
const EntityHeader = "Registro-Entity"

// OIDCIssuer is an identity provider the service trusts.
type OIDCIssuer struct {
	// URL is the issuer identifier, exactly as its tokens' iss claim says.
	URL string
	// Audience is the value the tokens' aud claim must hold: the client ID
	// the provider issued them to.
	Audience string
	// JWKSURL is where the issuer publishes its signing keys. Empty: read
	// from its discovery document (URL + "/.well-known/openid-configuration")
	// when the OIDC is built. Keys are fetched again when a token names a
	// key ID not seen yet, so the provider may rotate them.
	JWKSURL string
}

// OIDCConfig is what NewOIDC needs.
type OIDCConfig struct {
	// Issuers are the trusted identity providers (at least one).
	Issuers []OIDCIssuer
	// ClockSkew is the leeway on exp, nbf and iat (0: DefaultClockSkew; at
	// most MaxClockSkew).
	ClockSkew time.Duration
	// Staff are the codici fiscali of the ministry's staff.
	Staff []string
	// RoleClaim, when set, names a claim that gives a role outright: "staff"
	// for the ministry's staff, "region:NN" for an officer of the region
	// with ISTAT code NN. Set it only for issuers that only the register's
	// administrators control.
	RoleClaim string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// OIDC verifies the bearer JWTs of people. Build it with NewOIDC.
type OIDC struct {
	cfg       OIDCConfig
	verifiers map[string]*oidc.IDTokenVerifier
	staff     map[string]bool
}

// ErrOIDCConfig is wrapped by NewOIDC for a configuration it cannot use.
var ErrOIDCConfig = errors.New("api: bad OpenID Connect configuration")

// NewOIDC checks cfg and returns the verifier. For an issuer without
// JWKSURL it fetches the discovery document with ctx (and fails if the
// provider does not answer).
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ClockSkew == 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	if cfg.ClockSkew < 0 || cfg.ClockSkew > MaxClockSkew {
		return nil, fmt.Errorf("%w: clock skew %s, want 0–%s", ErrOIDCConfig, cfg.ClockSkew, MaxClockSkew)
	}
	if len(cfg.Issuers) == 0 {
		return nil, fmt.Errorf("%w: no issuer", ErrOIDCConfig)
	}
	o := &OIDC{cfg: cfg, verifiers: map[string]*oidc.IDTokenVerifier{}, staff: map[string]bool{}}
	for _, cf := range cfg.Staff {
		if err := codicefiscale.ValidatePerson(cf); err != nil {
			return nil, fmt.Errorf("%w: staff codice fiscale %q: %v", ErrOIDCConfig, cf, err)
		}
		o.staff[cf] = true
	}
	for _, is := range cfg.Issuers {
		u, err := url.Parse(is.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%w: issuer %q is not an http(s) URL", ErrOIDCConfig, is.URL)
		}
		if is.Audience == "" {
			return nil, fmt.Errorf("%w: issuer %s has no audience", ErrOIDCConfig, is.URL)
		}
		if _, dup := o.verifiers[is.URL]; dup {
			return nil, fmt.Errorf("%w: issuer %s given twice", ErrOIDCConfig, is.URL)
		}
		jwks := is.JWKSURL
		if jwks == "" {
			p, err := oidc.NewProvider(ctx, is.URL)
			if err != nil {
				return nil, fmt.Errorf("%w: discovery of %s: %v", ErrOIDCConfig, is.URL, err)
			}
			var meta struct {
				JWKS string `json:"jwks_uri"`
			}
			if err := p.Claims(&meta); err != nil || meta.JWKS == "" {
				return nil, fmt.Errorf("%w: %s publishes no jwks_uri", ErrOIDCConfig, is.URL)
			}
			jwks = meta.JWKS
		}
		// The key set lives as long as the service: its context is not the
		// request's (go-oidc ignores its cancellation anyway).
		keys := oidc.NewRemoteKeySet(context.WithoutCancel(ctx), jwks)
		o.verifiers[is.URL] = oidc.NewVerifier(is.URL, keys, &oidc.Config{
			ClientID:             is.Audience,
			SupportedSigningAlgs: []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512, oidc.PS256},
			// Expiry, nbf and iat are checked below with the configured
			// skew (go-oidc's own check has none on exp).
			SkipExpiryCheck: true,
		})
	}
	return o, nil
}

// person is who a verified token names.
type person struct {
	cf     string
	role   registry.Role // RoleStaff, RoleRegion, or RolePublic (the register decides)
	region string
}

// personClaims are the claims the service reads.
type personClaims struct {
	FiscalNumber     string       `json:"fiscal_number"`
	SPIDFiscalNumber string       `json:"fiscalNumber"`
	NotBefore        *json.Number `json:"nbf"`
	IssuedAt         *json.Number `json:"iat"`
}

// looksLikeJWT reports whether tok has the shape of a compact JWS.
func looksLikeJWT(tok string) bool {
	return strings.Count(tok, ".") == 2 && strings.HasPrefix(tok, "eyJ")
}

// verify checks raw and returns the person it names, or an unauthorized
// error saying what is wrong (in both languages).
func (o *OIDC) verify(ctx context.Context, raw string) (person, error) {
	fail := func(it, en string) (person, error) { return person{}, newError(kindUnauthorized, msg(it, en)) }
	if len(raw) > maxJWTBytes {
		return fail("token troppo lungo", "token too long")
	}
	iss, err := unverifiedIssuer(raw)
	if err != nil {
		return fail("token JWT illeggibile", "unreadable JWT")
	}
	v, ok := o.verifiers[iss]
	if !ok {
		return fail("emittente del token non riconosciuto", "the token's issuer is not trusted")
	}
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		switch msg := err.Error(); {
		case strings.Contains(msg, "expected audience"):
			return fail("il token non è destinato a questo servizio (aud)", "the token is meant for another audience (aud), not this service")
		case strings.Contains(msg, "signature") || strings.Contains(msg, "key"):
			return fail("firma del token non verificata con le chiavi dell'emittente", "the token's signature does not verify with the issuer's keys")
		}
		return fail("token non valido", "invalid token")
	}
	now := o.cfg.Now()
	skew := o.cfg.ClockSkew
	if tok.Expiry.IsZero() {
		return fail("il token non ha scadenza (exp)", "the token has no expiry (exp)")
	}
	if now.After(tok.Expiry.Add(skew)) {
		return fail("token scaduto", "token expired")
	}
	if !tok.IssuedAt.IsZero() && tok.IssuedAt.After(now.Add(skew)) {
		return fail("token emesso nel futuro (iat)", "token issued in the future (iat)")
	}
	var c personClaims
	if err := tok.Claims(&c); err != nil {
		return fail("attributi del token illeggibili", "unreadable token claims")
	}
	if c.NotBefore != nil {
		if nbf, err := c.NotBefore.Int64(); err != nil || time.Unix(nbf, 0).After(now.Add(skew)) {
			return fail("token non ancora valido (nbf)", "token not valid yet (nbf)")
		}
	}
	cf, ok := fiscalNumber(c)
	if !ok {
		return fail("il token non porta un codice fiscale valido di persona (fiscal_number o fiscalNumber)",
			"the token carries no valid personal codice fiscale (fiscal_number or fiscalNumber)")
	}
	p := person{cf: cf, role: registry.RolePublic}
	if o.staff[cf] {
		p.role = registry.RoleStaff
	}
	if o.cfg.RoleClaim != "" && p.role == registry.RolePublic {
		var all map[string]any
		if err := tok.Claims(&all); err == nil {
			if s, _ := all[o.cfg.RoleClaim].(string); s == "staff" {
				p.role = registry.RoleStaff
			} else if reg, ok := strings.CutPrefix(s, "region:"); ok {
				if _, known := territory.Default().Region(reg); !known {
					return fail("regione del token sconosciuta", "the token's region is unknown")
				}
				p.role, p.region = registry.RoleRegion, reg
			}
		}
	}
	return p, nil
}

// fiscalNumber returns the codice fiscale of c: fiscal_number, or SPID's
// fiscalNumber in its "TINIT-" form, normalised and valid for a person.
func fiscalNumber(c personClaims) (string, bool) {
	v := c.FiscalNumber
	if v == "" {
		v = c.SPIDFiscalNumber
	}
	if len(v) > 6 && strings.EqualFold(v[:6], "TINIT-") {
		v = v[6:]
	}
	v = codicefiscale.Normalize(v)
	return v, v != "" && codicefiscale.ValidatePerson(v) == nil
}

// unverifiedIssuer reads the iss claim of a compact JWS without checking
// it, to pick the issuer's verifier; the verifier then checks everything.
func unverifiedIssuer(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errors.New("not a compact JWS")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return "", err
	}
	return c.Iss, nil
}
