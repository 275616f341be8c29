package client_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// The tokens of the test callers.
const (
	tokStaff = "staff-token-0123456789"
	tokBody  = "body-token-0123456789"
	tokOther = "other-body-token-0123456789"
	// tokRegion is the region of tokBody's body.
	tokRegion = "region-token-0123456789"
	// tokPerson is a person of the public: the signer of the sample
	// application (applicationDoc).
	tokPerson = "person-token-0123456789"
)

// testNow is the service's clock: before the 2024 filing deadline.
var testNow = time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)

// service is a registrod handler over a seeded SQLite register, served by
// httptest.
type service struct {
	srv      *httptest.Server
	reg      *registry.Registry
	store    *sqlstore.Store
	ids      map[string]string // register ID by body codice fiscale
	body     *synth.Body       // tokBody's: enrolled in Section I only, with a report
	other    *synth.Body       // tokOther's
	sec2Only registry.Entity   // a body enrolled in Section II only
	docs     *questionnaire.Validator
}

// mustService seeds a synthetic register (reporting year 2024) in a fresh
// SQLite database and serves it with opts.
func mustService(t *testing.T, opts api.Options) *service {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "registro.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	gen, err := synth.Generate(synth.Config{Year: 2024, Seed: 3, Scale: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	clk := &synth.Clock{}
	seq := 0
	reg := wire.Registry(store, wire.Options{Now: clk.Now, NewID: func() string { seq++; return fmt.Sprintf("R%06d", seq) }})
	done, err := gen.Replay(ctx, reg, synth.ReplayOptions{SetClock: clk.Set, Staff: "staff:test"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(testNow)
	s := &service{reg: reg, store: store, ids: done.IDs}
	var filers []*synth.Body
	for i := range gen.Bodies {
		b := &gen.Bodies[i]
		id := done.IDs[b.Entity.CodiceFiscale]
		in1, _ := reg.EnrolledOn(ctx, id, registry.SectionI, testNow)
		in2, _ := reg.EnrolledOn(ctx, id, registry.SectionII, testNow)
		switch {
		case in2 && !in1 && s.sec2Only.ID == "":
			if s.sec2Only, err = store.Entity(ctx, id); err != nil {
				t.Fatal(err)
			}
		case in1 && !in2 && b.Filing != nil:
			filers = append(filers, b)
		}
	}
	if len(filers) < 2 || s.sec2Only.ID == "" {
		t.Fatalf("synth gave %d Section I filers, Section II-only body %q", len(filers), s.sec2Only.ID)
	}
	s.body, s.other = filers[0], filers[1]
	ident := func(b *synth.Body) api.Identity {
		return api.Identity{Role: registry.RoleBody, Subject: "cf:" + b.Entity.LegalRepresentative.CodiceFiscale,
			EntityID: done.IDs[b.Entity.CodiceFiscale]}
	}
	tokens, err := api.NewTokens(map[string]api.Identity{
		tokStaff:  {Role: registry.RoleStaff, Subject: "staff:test"},
		tokBody:   ident(s.body),
		tokOther:  ident(s.other),
		tokPerson: {Role: registry.RolePublic, Subject: "cf:RCCMNL83S18D969H"},
		tokRegion: {Role: registry.RoleRegion, Subject: "region:test", Region: s.body.Entity.Seat.Region},
	})
	if err != nil {
		t.Fatal(err)
	}
	deps, err := api.NewDeps(reg, store.Filings(), tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.docs, err = questionnaire.New(questionnaire.Options{}); err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(api.New(deps, opts))
	t.Cleanup(s.srv.Close)
	return s
}

// id returns b's register ID.
func (s *service) id(b *synth.Body) string { return s.ids[b.Entity.CodiceFiscale] }

// doc returns b's annual report as JSON, with its register ID.
func (s *service) doc(t *testing.T, b *synth.Body) []byte {
	t.Helper()
	d := b.Filing.Document
	d.Body.RegisterID = s.id(b)
	data, err := s.docs.Marshal(&d)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mustClient returns a client of s with token.
func (s *service) mustClient(t *testing.T, token string, opts client.Options) *client.Client {
	t.Helper()
	c, err := client.New(s.srv.URL, token, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
