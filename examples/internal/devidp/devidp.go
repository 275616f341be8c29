// Package devidp is the development OpenID Connect provider of examples/idp
// (and of the tests that need one): zitadel/oidc's OpenID Provider (package
// op) with that library's in-memory example storage and login page, whose
// users are the people of the demo register, and whose ID tokens carry
// their codice fiscale in the fiscal_number claim. Passwords are all
// DemoPassword and everything lives in memory: never for production.
package devidp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/registry"
)

// DemoPassword is every demo person's password.
const DemoPassword = "demo"

// The people of the demo who are not in the generated register: their codici
// fiscali are valid and fictitious.
const (
	// ClerkCF is a clerk of the ministry (registro_role "staff").
	ClerkCF = "GLLGNN75M52L219B"
	// OfficerCF is an officer of Regione Lazio (registro_role "region:12").
	OfficerCF = "NREFRN88T10A794U"
	// ReferentCF is a person a body may request as its referent (they act
	// for it once staff enable them).
	ReferentCF = "VRDLCU90A01F205L"
)

// Person is a demo user.
type Person struct {
	FirstName, LastName string
	// CodiceFiscale is the person's codice fiscale, the login name and the
	// fiscal_number claim.
	CodiceFiscale string
	// Role is the registro_role claim ("staff", "region:NN") or "".
	Role string
	// What says who they are in the demo (for the listing).
	What string
}

// DemoPeople returns the people who log in: the legal representatives of the
// first n bodies enrolled in Section I of the demo register (year, seed,
// scale as "registro demo" takes them), a referent, a clerk and a regional
// officer.
func DemoPeople(year int, seed uint64, scale float64, n int) ([]Person, error) {
	gen, err := synth.Generate(synth.Config{Year: year, Seed: seed, Scale: scale})
	if err != nil {
		return nil, err
	}
	var out []Person
	seen := map[string]bool{}
	for _, b := range gen.Bodies {
		if len(out) == n {
			break
		}
		lr := b.Entity.LegalRepresentative
		if b.Outcome != registry.StatusEnrolled || seen[lr.CodiceFiscale] || !hasSection(b.Sections, registry.SectionI) {
			continue
		}
		seen[lr.CodiceFiscale] = true
		out = append(out, Person{FirstName: lr.FirstName, LastName: lr.LastName, CodiceFiscale: lr.CodiceFiscale,
			What: "legal representative of " + b.Entity.Name + " (codice fiscale " + b.Entity.CodiceFiscale + ")"})
	}
	if len(out) == 0 {
		return nil, errors.New("the demo register has no body enrolled in Section I")
	}
	return append(out,
		Person{FirstName: "Luca", LastName: "Verdi", CodiceFiscale: ReferentCF, What: "a referent, once a body requests them and staff enable them"},
		Person{FirstName: "Giovanna", LastName: "Galli", CodiceFiscale: ClerkCF, Role: "staff", What: "clerk of the ministry (registro_role staff)"},
		Person{FirstName: "Francesco", LastName: "Neri", CodiceFiscale: OfficerCF, Role: "region:12", What: "officer of Regione Lazio (registro_role region:12)"},
	), nil
}

func hasSection(ss []registry.Section, s registry.Section) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Handler returns the provider: its OpenID endpoints and its login page.
func Handler(issuer, clientID, clientSecret string, redirects []string, people []Person, log *slog.Logger) (http.Handler, error) {
	users := userStore{byID: map[string]*storage.User{}, people: map[string]Person{}}
	for _, p := range people {
		u := &storage.User{ID: p.CodiceFiscale, Username: p.CodiceFiscale, Password: DemoPassword,
			FirstName: p.FirstName, LastName: p.LastName, Email: strings.ToLower(p.CodiceFiscale) + "@demo.invalid",
			EmailVerified: true, PreferredLanguage: language.Italian}
		users.byID[u.ID] = u
		users.people[u.ID] = p
	}
	client := storage.WebClient(clientID, clientSecret, redirects...)
	st := &claimsStorage{Storage: storage.NewStorageWithClients(users, map[string]*storage.Client{clientID: client}), users: users}
	return exampleop.SetupServer(issuer, st, log, false, op.WithAllowInsecure()), nil
}

// userStore is the demo people for the example storage.
type userStore struct {
	byID   map[string]*storage.User
	people map[string]Person
}

func (u userStore) GetUserByID(id string) *storage.User { return u.byID[id] }

func (u userStore) GetUserByUsername(name string) *storage.User {
	return u.byID[strings.ToUpper(strings.TrimSpace(name))]
}

func (u userStore) ExampleClientID() string { return "service" }

// claimsStorage adds the claims Registro reads to the ID tokens and the
// userinfo: fiscal_number (the codice fiscale), and registro_role for staff
// and regional officers.
type claimsStorage struct {
	*storage.Storage
	users userStore
}

func (s *claimsStorage) addClaims(info *oidc.UserInfo, subject string) {
	p, ok := s.users.people[subject]
	if !ok {
		return
	}
	info.AppendClaims("fiscal_number", p.CodiceFiscale)
	if p.Role != "" {
		info.AppendClaims("registro_role", p.Role)
	}
}

// SetUserinfoFromRequest adds Registro's claims to the ID token.
func (s *claimsStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, token op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, token, scopes); err != nil {
		return err
	}
	s.addClaims(info, token.GetSubject())
	return nil
}

// SetUserinfoFromToken adds Registro's claims to the userinfo answer.
func (s *claimsStorage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	s.addClaims(info, subject)
	return nil
}
