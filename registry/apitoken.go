package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/schemas/problem"
)

// Machine clients — a Region's system, an integrator's software — call the
// register's services with an API token. A token is a secret of 256 random
// bits shown once, when it is issued; the register keeps only its SHA-256
// (TokenHash), so a copy of the database lets nobody call as a client, and a
// token is found by its hash. People do not hold API tokens: they log in
// through OpenID Connect and act as themselves (see PersonViewer).

// TokenHash is the SHA-256 of an API token's secret.
type TokenHash [sha256.Size]byte

// HashAPIToken returns the hash the register keeps of secret.
func HashAPIToken(secret string) TokenHash { return sha256.Sum256([]byte(secret)) }

// APIToken is a machine client's credential, as the register keeps it
// (without its secret).
type APIToken struct {
	// ID identifies the token (to list and revoke it); it is not secret.
	ID string `json:"id"`
	// Name names the client; it is the Viewer.Subject of its calls, so the
	// audit trail records it, and Section II grants are recorded for it.
	Name string `json:"name"`
	// Role is the client's role: staff, body (acting for EntityID), region
	// (for Region) or public.
	Role Role `json:"role"`
	// EntityID is the body the client acts for (RoleBody only).
	EntityID string `json:"entityId,omitempty"`
	// Region is the ISTAT code of the client's region (RoleRegion only).
	Region string `json:"region,omitempty"`
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time `json:"expiresAt"`
	// CreatedBy and CreatedAt record who issued it (Viewer.Actor) and when.
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	// RevokedBy and RevokedAt record who revoked it and when (zero: not
	// revoked).
	RevokedBy string    `json:"revokedBy,omitempty"`
	RevokedAt time.Time `json:"revokedAt,omitzero"`
}

// Revoked reports whether the token was revoked.
func (t APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// ActiveAt reports whether the token works at now: not revoked, not expired.
func (t APIToken) ActiveAt(now time.Time) bool { return !t.Revoked() && now.Before(t.ExpiresAt) }

// Viewer returns the viewer the token's calls act as (without Section II
// grants: see Registry.ViewerWithGrants).
func (t APIToken) Viewer() Viewer {
	return Viewer{Role: t.Role, Subject: t.Name, EntityID: t.EntityID, Region: t.Region}
}

// APITokenStore keeps machine clients' API tokens, by hash. Every
// implementation must pass registrytest.RunAPITokenStoreTests. Times are
// stored to the microsecond at least and returned in UTC.
type APITokenStore interface {
	// CreateAPIToken stores t with the hash of its secret.
	//
	// Errors: ErrConflict (wrapped) when t.ID or hash is taken.
	CreateAPIToken(ctx context.Context, t APIToken, hash TokenHash) error
	// APITokenByHash returns the token whose secret hashes to hash, revoked
	// or expired ones included, or ErrNotFound.
	APITokenByHash(ctx context.Context, hash TokenHash) (APIToken, error)
	// APITokens returns every token in ascending order of ID (revoked and
	// expired ones too); none is an empty slice.
	APITokens(ctx context.Context) ([]APIToken, error)
	// RevokeAPIToken records that by revoked the token id at at, and
	// returns it. A token already revoked keeps its first revocation.
	//
	// Errors: ErrNotFound (wrapped) when there is no token id.
	RevokeAPIToken(ctx context.Context, id, by string, at time.Time) (APIToken, error)
}

// ErrAPIToken is returned (wrapped) by AuthenticateAPIToken for a secret that
// is no token, or a token revoked or expired: the caller is not
// authenticated. Its kind is problem.KindForbidden; an HTTP service answers
// 401.
var ErrAPIToken = problem.NewError(problem.KindForbidden, "registry: unknown, revoked or expired API token")

// The limits of API tokens.
const (
	// APITokenPrefix starts every secret IssueAPIToken makes, so that a
	// leaked one is recognisable (by secret scanners, in logs).
	APITokenPrefix = "rgt_"
	// MinImportedTokenLength is the shortest secret ImportAPIToken accepts.
	MinImportedTokenLength = 16
	// MaxAPITokenLifetime is the longest an API token may live.
	MaxAPITokenLifetime = 2 * 366 * 24 * time.Hour
	// maxSecretLength bounds what is hashed of a presented secret.
	maxSecretLength = 512
)

// The writes of API tokens, for the policy (staff only: a body, a region or
// the public issue nothing).
const (
	opIssueAPIToken  op = "issue API token"
	opRevokeAPIToken op = "revoke API token"
	opListAPITokens  op = "list API tokens"
)

// tokenName is what a client's name may be: it must not pass for a person
// ("cf:…", the subject of people who log in).
var tokenName = regexp.MustCompile(`^[a-z0-9][a-z0-9._:@-]{2,99}$`)

// IssueAPIToken issues a new API token for the client t (Name, Role,
// EntityID or Region, ExpiresAt; the rest is set here) and returns it with
// its secret, which is shown this once: the register keeps only its hash.
//
// Errors: ErrForbidden unless v is staff; a problem.List for a name that is
// not 3–100 of a–z 0–9 . _ : @ - (starting with a letter or digit, not
// "cf:"), a role without its entityId or region (or with the other's), a body
// the register does not hold, an unknown region, an expiry not in the future
// or further than MaxAPITokenLifetime.
func (r *Registry) IssueAPIToken(ctx context.Context, v Viewer, t APIToken) (APIToken, string, error) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error (Go 1.24+)
	secret := APITokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	t, err := r.storeAPIToken(ctx, v, t, secret, false)
	if err != nil {
		return APIToken{}, "", err
	}
	return t, secret, nil
}

// ImportAPIToken stores the client t with a secret it already holds (one of
// the bearer tokens of registrod's former tokens file), so that the client
// keeps calling with it. Only its hash is stored. Unlike IssueAPIToken it
// admits the name "cf:CODICEFISCALE" (a valid personal code): the old file's
// personal tokens, whose holder is that person and may file reports.
//
// Errors: those of IssueAPIToken; a problem.List for a secret shorter than
// MinImportedTokenLength, longer than 512 bytes or holding white space; an
// ErrConflict when the secret is already a token's.
func (r *Registry) ImportAPIToken(ctx context.Context, v Viewer, t APIToken, secret string) (APIToken, error) {
	if err := authorize(v, opIssueAPIToken); err != nil {
		return APIToken{}, err
	}
	if len(secret) < MinImportedTokenLength || len(secret) > maxSecretLength || strings.ContainsAny(secret, " \t\r\n") {
		return APIToken{}, invalid("/secret", "token_secret",
			fmt.Sprintf("il token deve avere da %d a %d caratteri, senza spazi", MinImportedTokenLength, maxSecretLength),
			fmt.Sprintf("the token must have %d to %d characters, without white space", MinImportedTokenLength, maxSecretLength),
			map[string]any{"min": MinImportedTokenLength, "max": maxSecretLength})
	}
	return r.storeAPIToken(ctx, v, t, secret, true)
}

// storeAPIToken checks and stores t; legacy admits a person's name
// ("cf:CODICEFISCALE", a personal token of the former tokens file).
func (r *Registry) storeAPIToken(ctx context.Context, v Viewer, t APIToken, secret string, legacy bool) (APIToken, error) {
	if err := authorize(v, opIssueAPIToken); err != nil {
		return APIToken{}, err
	}
	now := r.now().UTC()
	if err := r.checkAPIToken(ctx, &t, now, legacy); err != nil {
		return APIToken{}, err
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	t.ID = "tok_" + hex.EncodeToString(id[:])
	t.CreatedBy, t.CreatedAt = v.Actor(), now
	t.RevokedBy, t.RevokedAt = "", time.Time{}
	t.ExpiresAt = t.ExpiresAt.UTC()
	if err := r.store.CreateAPIToken(ctx, t, HashAPIToken(secret)); err != nil {
		return APIToken{}, err
	}
	return t, nil
}

// checkAPIToken checks what a client asks for.
func (r *Registry) checkAPIToken(ctx context.Context, t *APIToken, now time.Time, legacy bool) error {
	var errs problem.List
	add := func(path, code, it, en string, params map[string]any) {
		errs = append(errs, problem.New(path, "register", code, params, it, en))
	}
	person := strings.HasPrefix(t.Name, "cf:")
	if legacy && person && codicefiscale.ValidatePerson(strings.TrimPrefix(t.Name, "cf:")) == nil {
		// A personal token of the former tokens file: its holder is that person.
	} else if !tokenName.MatchString(t.Name) || person {
		add("/name", "token_name",
			"il nome del client: da 3 a 100 caratteri tra a-z 0-9 . _ : @ -, che inizi con una lettera o una cifra e non con \"cf:\"",
			"the client's name: 3 to 100 of a-z 0-9 . _ : @ -, starting with a letter or digit and not with \"cf:\"",
			map[string]any{"pattern": tokenName.String()})
	}
	switch t.Role {
	case RoleStaff, RolePublic:
		if t.EntityID != "" || t.Region != "" {
			add("/role", "token_role_scope", "questo ruolo non ha né entityId né region",
				"this role takes neither entityId nor region", map[string]any{"role": t.Role.String()})
		}
	case RoleBody:
		if t.Region != "" {
			add("/region", "token_role_scope", "il ruolo body non ha region", "role body takes no region", nil)
		}
		if t.EntityID == "" {
			errs = append(errs, problem.Required("", "entityId"))
		} else if _, err := r.store.Entity(ctx, t.EntityID); errors.Is(err, ErrNotFound) {
			add("/entityId", "token_entity", "il registro non ha questo ente", "the register holds no such body",
				map[string]any{"entityId": t.EntityID})
		} else if err != nil {
			return err
		}
	case RoleRegion:
		if t.EntityID != "" {
			add("/entityId", "token_role_scope", "il ruolo region non ha entityId", "role region takes no entityId", nil)
		}
		if _, ok := r.terr.Region(t.Region); !ok {
			add("/region", "token_region", "codice ISTAT di una regione (\"01\"–\"20\")",
				"the ISTAT code of a region (\"01\"–\"20\")", map[string]any{"region": t.Region})
		}
	default:
		add("/role", "token_role", "ruolo sconosciuto", "unknown role", map[string]any{"role": int(t.Role)})
	}
	switch {
	case t.ExpiresAt.IsZero():
		errs = append(errs, problem.Required("", "expiresAt"))
	case !t.ExpiresAt.After(now) || t.ExpiresAt.Sub(now) > MaxAPITokenLifetime:
		add("/expiresAt", "token_expiry", "la scadenza deve essere futura ed entro due anni",
			"the expiry must be in the future and within two years",
			map[string]any{"now": now.Format(time.RFC3339), "maxDays": int(MaxAPITokenLifetime / (24 * time.Hour))})
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// RevokeAPIToken revokes the token id: from now on its secret authenticates
// nobody. Revoking a revoked token changes nothing.
//
// Errors: ErrForbidden unless v is staff; ErrNotFound when there is no token
// id.
func (r *Registry) RevokeAPIToken(ctx context.Context, v Viewer, id string) (APIToken, error) {
	if err := authorize(v, opRevokeAPIToken); err != nil {
		return APIToken{}, err
	}
	return r.store.RevokeAPIToken(ctx, id, v.Actor(), r.now().UTC())
}

// APITokens lists the API tokens (never their secrets), in ascending order of
// ID.
//
// Errors: ErrForbidden unless v is staff.
func (r *Registry) APITokens(ctx context.Context, v Viewer) ([]APIToken, error) {
	if err := authorize(v, opListAPITokens); err != nil {
		return nil, err
	}
	return r.store.APITokens(ctx)
}

// AuthenticateAPIToken returns the token whose secret is secret, if it is
// active (not revoked, not expired at the Registry's clock).
//
// Errors: ErrAPIToken (wrapped) for any other secret; the store's errors.
func (r *Registry) AuthenticateAPIToken(ctx context.Context, secret string) (APIToken, error) {
	if secret == "" || len(secret) > maxSecretLength {
		return APIToken{}, ErrAPIToken
	}
	h := HashAPIToken(secret)
	t, err := r.store.APITokenByHash(ctx, h)
	if errors.Is(err, ErrNotFound) {
		return APIToken{}, ErrAPIToken
	}
	if err != nil {
		return APIToken{}, err
	}
	if !t.ActiveAt(r.now()) {
		return APIToken{}, fmt.Errorf("%w: %s", ErrAPIToken, t.ID)
	}
	return t, nil
}

// EqualTokenHash compares two hashes in constant time (for stores that
// compare hashes themselves).
func EqualTokenHash(a, b TokenHash) bool { return subtle.ConstantTimeCompare(a[:], b[:]) == 1 }
