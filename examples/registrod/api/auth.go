package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
)

// MinTokenLength is the shortest token ParseTokens accepts.
const MinTokenLength = 16

// ErrTokens is wrapped by ParseTokens for a tokens file it cannot use.
var ErrTokens = errors.New("api: bad tokens file")

// Identity is who holds a token.
type Identity struct {
	// Role is the caller's role in the register: "public" (the public, by
	// name: Section II grants may be recorded for it), "staff" (the
	// ministry: everything, the change feed, the yearly list), "body" (a
	// body's legal representative or referent: its own data and filings) or
	// "region" (a Region or autonomous Province: the public view plus its
	// Section II grants, the yearly list of its recipients).
	Role registry.Role `json:"role"`
	// Subject names the caller (a user, an office); Section II grants are
	// recorded for it (registry.Grant.Grantee) and it is the actor of the
	// changes the caller makes.
	Subject string `json:"subject"`
	// EntityID is the register ID of the caller's body (registry.RoleBody only).
	EntityID string `json:"entityId,omitempty"`
	// Region is the ISTAT code of the caller's region (registry.RoleRegion only): its
	// yearly list is that region's recipients'.
	Region string `json:"region,omitempty"`
}

// Tokens maps bearer tokens to identities: static credentials for programs
// that embed the API (tests, the load generator's self-contained mode), kept
// in memory by SHA-256. registrod itself keeps no tokens file: people log in
// through OpenID Connect (OIDC) and machine clients hold API tokens stored
// hashed in the register; ParseTokens reads the former tokens file for its
// migration (registrod --import-tokens). Build it with ParseTokens (or
// NewTokens); the zero value knows no token, so every caller is anonymous.
type Tokens struct {
	byHash map[[sha256.Size]byte]Identity
}

// NewTokens checks every identity and returns the tokens. It returns an
// error wrapping ErrTokens for a token shorter than MinTokenLength, an unknown
// role, an empty subject, a body without entityId, a region without a valid
// ISTAT region code, or an entityId or region on a role that has none.
func NewTokens(m map[string]Identity) (Tokens, error) {
	t := Tokens{byHash: make(map[[sha256.Size]byte]Identity, len(m))}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	terr := territory.Default()
	var errs []error
	for i, tok := range keys {
		id := m[tok]
		where := fmt.Sprintf("token #%d (subject %q)", i+1, id.Subject)
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%w: %s: %s", ErrTokens, where, fmt.Sprintf(format, a...)))
		}
		if len(tok) < MinTokenLength {
			bad("shorter than %d characters", MinTokenLength)
		}
		if strings.TrimSpace(tok) != tok || strings.ContainsAny(tok, " \t\r\n") {
			bad("contains white space")
		}
		if strings.TrimSpace(id.Subject) == "" {
			bad("no subject")
		}
		switch id.Role {
		case registry.RolePublic, registry.RoleStaff:
			if id.EntityID != "" || id.Region != "" {
				bad("role %s takes neither entityId nor region", id.Role)
			}
		case registry.RoleBody:
			if id.EntityID == "" {
				bad("role body needs entityId")
			}
			if id.Region != "" {
				bad("role body takes no region")
			}
		case registry.RoleRegion:
			if _, ok := terr.Region(id.Region); !ok {
				bad("role region needs region, an ISTAT region code (\"01\"–\"20\"), got %q", id.Region)
			}
			if id.EntityID != "" {
				bad("role region takes no entityId")
			}
		default:
			bad("unknown role %q (want public, staff, body or region)", id.Role)
		}
		t.byHash[sha256.Sum256([]byte(tok))] = id
	}
	if len(errs) > 0 {
		return Tokens{}, errors.Join(errs...)
	}
	return t, nil
}

// ReadTokensFile reads the tokens file of earlier versions at path: a JSON
// object mapping bearer tokens to identities, checked by ParseTokens. It is
// what `registrod --import-tokens` imports and the load test writes.
func ReadTokensFile(path string) (map[string]Identity, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := ParseTokens(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var m map[string]Identity
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ParseTokens reads a tokens file: a JSON object mapping each token to an
// Identity, for example
//
//	{"4f1c…": {"role": "staff", "subject": "mlps:rossi"},
//	 "9a7e…": {"role": "body", "subject": "cf:RSSMRA80A01H501U", "entityId": "R000042"},
//	 "c3d2…": {"role": "region", "subject": "regione:lazio", "region": "12"}}
//
// Unknown fields are errors. See NewTokens for the checks.
func ParseTokens(data []byte) (Tokens, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m map[string]Identity
	if err := dec.Decode(&m); err != nil {
		return Tokens{}, fmt.Errorf("%w: %v", ErrTokens, err)
	}
	if dec.More() {
		return Tokens{}, fmt.Errorf("%w: data after the JSON object", ErrTokens)
	}
	return NewTokens(m)
}

// Len returns the number of tokens.
func (t Tokens) Len() int { return len(t.byHash) }

// lookup returns the identity holding token.
func (t Tokens) lookup(token string) (Identity, bool) {
	id, ok := t.byHash[sha256.Sum256([]byte(token))]
	return id, ok
}

// caller is who made a request.
type caller struct {
	Identity
	anonymous bool
	// rateKey is the rate limiter's bucket of an authenticated caller (see
	// server.rateKey).
	rateKey string
}

// maxEntityHeader bounds the Registro-Entity header.
const maxEntityHeader = 64

// authenticate reads the bearer token of r. No Authorization header is the
// anonymous public. A bearer token is, in this order: one of Deps.Tokens
// (static credentials of a program embedding the API); a JWT of a person,
// verified by Deps.OIDC, who acts for the body of the Registro-Entity
// header if any; a machine client's API token kept (hashed) in the
// register. Anything else — an unknown, revoked or expired token, a JWT
// that does not verify — is 401; a person naming a body they do not act
// for is 403.
func (s *server) authenticate(ctx context.Context, r *http.Request) (caller, error) {
	h := r.Header.Get("Authorization")
	entity := r.Header.Get(EntityHeader)
	if len(entity) > maxEntityHeader || strings.ContainsAny(entity, " \t/") {
		return caller{}, newError(kindBadRequest, msg(
			"intestazione "+EntityHeader+" non valida: atteso l'ID di un ente del registro",
			"malformed "+EntityHeader+" header: want the register ID of a body"))
	}
	if h == "" {
		if entity != "" {
			return caller{}, newError(kindUnauthorized, msg(
				"l'intestazione "+EntityHeader+" richiede una persona autenticata",
				"the "+EntityHeader+" header needs a person who logged in"))
		}
		return caller{Identity: Identity{Role: registry.RolePublic}, anonymous: true}, nil
	}
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return caller{}, newError(kindUnauthorized, msg(
			"intestazione Authorization non valida: atteso \"Bearer TOKEN\"",
			"malformed Authorization header: want \"Bearer TOKEN\""))
	}
	if id, ok := s.deps.Tokens.lookup(tok); ok {
		return caller{Identity: id, rateKey: "token:" + id.Subject}, nil
	}
	if s.deps.OIDC != nil && looksLikeJWT(tok) {
		p, err := s.deps.OIDC.verify(ctx, tok)
		if err != nil {
			return caller{}, err
		}
		c, err := s.personCaller(ctx, p, entity)
		c.rateKey = "person:" + p.cf
		return c, err
	}
	t, err := s.deps.Registry.AuthenticateAPIToken(ctx, tok)
	if errors.Is(err, registry.ErrAPIToken) {
		return caller{}, newError(kindUnauthorized, msg("token sconosciuto, revocato o scaduto", "unknown, revoked or expired token"))
	}
	if err != nil {
		return caller{}, err
	}
	return caller{Identity: Identity{Role: t.Role, Subject: t.Name, EntityID: t.EntityID, Region: t.Region}, rateKey: "apitoken:" + t.ID}, nil
}

// personCaller returns the caller a verified person is: staff or a regional
// officer as the OIDC configuration says, else what the register says of
// them for the body entity ("" none).
func (s *server) personCaller(ctx context.Context, p person, entity string) (caller, error) {
	subject := registry.PersonSubject(p.cf)
	switch p.role {
	case registry.RoleStaff:
		return caller{Identity: Identity{Role: registry.RoleStaff, Subject: subject}}, nil
	case registry.RoleRegion:
		return caller{Identity: Identity{Role: registry.RoleRegion, Subject: subject, Region: p.region}}, nil
	}
	v, err := s.deps.Registry.PersonViewer(ctx, p.cf, entity)
	if errors.Is(err, registry.ErrForbidden) {
		return caller{}, newError(kindForbidden, msg(
			"la persona autenticata non è legale rappresentante né referente abilitato dell'ente "+strconv.Quote(entity),
			"the person who logged in is neither the legal representative nor an enabled referent of body "+strconv.Quote(entity)))
	}
	if err != nil {
		return caller{}, err
	}
	return caller{Identity: Identity{Role: v.Role, Subject: v.Subject, EntityID: v.EntityID}}, nil
}

// viewer builds the registry viewer of c: staff, a body, or the public with
// the Section II grants recorded for its subject (regions and named public
// callers).
func (s *server) viewer(ctx context.Context, c caller) (registry.Viewer, error) {
	switch c.Role {
	case registry.RoleStaff:
		return registry.Staff(c.Subject), nil
	case registry.RoleBody:
		return registry.Body(c.Subject, c.EntityID), nil
	case registry.RoleRegion:
		return s.deps.Registry.ViewerWithGrants(ctx, registry.RegionalOffice(c.Subject, c.Region))
	}
	if c.anonymous {
		return registry.Public(), nil
	}
	return s.deps.Registry.ViewerWithGrants(ctx, registry.Viewer{Role: registry.RolePublic, Subject: c.Subject})
}
