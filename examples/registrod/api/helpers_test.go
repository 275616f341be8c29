package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/openregistro/registro/registry/registrytest/optin"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/openregistro/registro/registry/sqlstore/sqlstoretest"
)

// pgEnv names the variable holding a PostgreSQL DSN for the tests.
const pgEnv = "REGISTRO_TEST_POSTGRES"

// The tokens of the test callers.
const (
	tokStaff      = "staff-token-0123456789"
	tokBody       = "body-token-0123456789"
	tokOtherBody  = "other-body-token-0123456789"
	tokRegion     = "region-token-0123456789"
	tokRegionNone = "region-nogrant-token-0123456789"
	tokPublic     = "public-token-0123456789"
	tokReferent   = "referent-token-0123456789" // an enabled referent of tokBody's body
)

// cfReferent is the codice fiscale of the referent of tokBody's body.
const cfReferent = "VRDLCU90A01F205L"

// testNow is the service's clock in the tests: before the 2024 deadline.
var testNow = time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)

// fixture is a seeded service.
type fixture struct {
	h        http.Handler
	reg      *registry.Registry
	store    *sqlstore.Store
	gen      *synth.Register
	ids      map[string]string // register ID by body codice fiscale
	sec2Only []registry.Entity // bodies enrolled in Section II and not in Section I
	sec1     []registry.Entity // bodies enrolled in Section I
	persons  []string          // codici fiscali of people in the register
	body     *synth.Body       // the body of tokBody: enrolled in Section I, filing not yet made
	other    *synth.Body       // the body of tokOtherBody
	grantReg string            // the region of tokRegion's Section II grant
	otherReg string            // the region of tokRegionNone: no grant
	dsn      string            // the database's
	logs     *bytes.Buffer
	apiDeps  api.Deps     // the handler's dependencies (to build it again with more)
	clk      *synth.Clock // the register's clock, at testNow
}

// backends are the databases the fixture can run on.
func backends(t *testing.T) map[string]func(t *testing.T) string {
	m := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "registro.db") },
	}
	if os.Getenv(pgEnv) != "" {
		m["postgres"] = postgresDSN
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is not set", pgEnv)
	} else {
		optin.Note("PostgreSQL", "set "+pgEnv+"=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	return m
}

// newFixture seeds a register (synth, Scale 0.05, reporting year 2024) in a
// fresh SQLite database and files every generated report but two.
func newFixture(t *testing.T) *fixture { return newFixtureOn(t, backends(t)["sqlite"](t)) }

func newFixtureOn(t *testing.T, dsn string) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { store.Close() })
	gen, err := synth.Generate(synth.Config{Year: 2024, Seed: 3, Scale: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	clk := &synth.Clock{}
	seq := 0
	reg := wire.Registry(store, wire.Options{
		Now:   clk.Now,
		NewID: func() string { seq++; return fmt.Sprintf("R%06d", seq) },
	})
	f := &fixture{reg: reg, store: store, gen: gen, dsn: dsn, logs: &bytes.Buffer{}, clk: clk}
	f.ids = replay(t, reg, gen, clk)
	clk.Set(testNow)

	// Classify the bodies, and grant Section II of one region to tokRegion.
	var filers []*synth.Body
	for i := range gen.Bodies {
		b := &gen.Bodies[i]
		e, err := store.Entity(ctx, f.ids[b.Entity.CodiceFiscale])
		if err != nil {
			t.Fatal(err)
		}
		f.persons = append(f.persons, e.LegalRepresentative.CodiceFiscale)
		for _, m := range e.Members {
			f.persons = append(f.persons, m.Person.CodiceFiscale)
		}
		in1, _ := reg.EnrolledOn(ctx, e.ID, registry.SectionI, testNow)
		in2, _ := reg.EnrolledOn(ctx, e.ID, registry.SectionII, testNow)
		switch {
		case in2 && !in1:
			f.sec2Only = append(f.sec2Only, e)
		case in1:
			f.sec1 = append(f.sec1, e)
			if b.Filing != nil && !in2 {
				filers = append(filers, b)
			}
		}
	}
	if len(f.sec2Only) == 0 || len(f.sec1) == 0 || len(filers) < 3 {
		t.Fatalf("synth gave %d Section II-only bodies, %d Section I bodies, %d Section I filers",
			len(f.sec2Only), len(f.sec1), len(filers))
	}
	f.body, f.other = filers[0], filers[1]
	f.grantReg = f.sec2Only[0].Seat.Region
	if _, err := reg.GrantSectionII(ctx, registry.Staff("staff:test"), registry.Grant{Grantee: "regione:test", Region: f.grantReg,
		Purpose: "programmazione dei servizi regionali di protezione", From: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}
	f.otherReg = "12"
	if f.grantReg == f.otherReg {
		f.otherReg = "01"
	}
	if _, err := reg.RequestReferent(ctx, registry.Staff("staff:test"), f.ids[f.body.Entity.CodiceFiscale], registry.Referent{
		FirstName: "Luca", LastName: "Verdi", CodiceFiscale: cfReferent, Phone: "0612345678", Email: "luca.verdi@example.it"}); err != nil {
		t.Fatal(err)
	}
	if e, err := reg.Entity(ctx, registry.Staff("staff:test"), f.ids[f.body.Entity.CodiceFiscale]); err != nil {
		t.Fatal(err)
	} else if _, err := reg.EnableReferent(ctx, registry.Staff("staff:test"), e.ID, e.Referents[len(e.Referents)-1].ID); err != nil {
		t.Fatal(err)
	}
	deps := f.deps(t, reg, store)

	// File every Section I filer's report but the two token bodies'.
	val, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range filers[2:] {
		filer := registry.Body(b.Filing.Document.Filer.TaxCode, f.ids[b.Entity.CodiceFiscale])
		if _, err := deps.Desk.FileAs(ctx, filer, 2024, mustDoc(t, val, f.ids, b), b.Filing.FiledAt); err != nil {
			t.Fatalf("filing of %s: %v", b.Entity.Name, err)
		}
	}
	f.h = api.New(deps, api.Options{MaxBodyBytes: 1 << 20})
	f.apiDeps = deps
	return f
}

// deps wires the service over reg and store with the test callers' tokens.
func (f *fixture) deps(t *testing.T, reg *registry.Registry, store *sqlstore.Store) api.Deps {
	t.Helper()
	bodyID := f.ids[f.body.Entity.CodiceFiscale]
	tokens, err := api.NewTokens(map[string]api.Identity{
		tokStaff:      {Role: registry.RoleStaff, Subject: "staff:test"},
		tokBody:       {Role: registry.RoleBody, Subject: "cf:" + f.body.Entity.LegalRepresentative.CodiceFiscale, EntityID: bodyID},
		tokReferent:   {Role: registry.RoleBody, Subject: "cf:" + cfReferent, EntityID: bodyID},
		tokOtherBody:  {Role: registry.RoleBody, Subject: "cf:" + f.other.Entity.LegalRepresentative.CodiceFiscale, EntityID: f.ids[f.other.Entity.CodiceFiscale]},
		tokRegion:     {Role: registry.RoleRegion, Subject: "regione:test", Region: f.grantReg},
		tokRegionNone: {Role: registry.RoleRegion, Subject: "regione:none", Region: f.otherReg},
		tokPublic:     {Role: registry.RolePublic, Subject: "public:test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	deps, err := api.NewDeps(reg, store.Filings(), tokens, slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	return deps
}

// replay applies, enrols and rejects along the generated timeline, like
// "registro demo" does, and returns the register IDs by codice fiscale.
func replay(t *testing.T, reg *registry.Registry, gen *synth.Register, clk *synth.Clock) map[string]string {
	t.Helper()
	done, err := gen.Replay(context.Background(), reg, synth.ReplayOptions{SetClock: clk.Set, Staff: "staff:test"})
	if err != nil {
		t.Fatal(err)
	}
	return done.IDs
}

// mustDoc returns b's report as JSON, with its register ID.
func mustDoc(t *testing.T, v *questionnaire.Validator, ids map[string]string, b *synth.Body) []byte {
	t.Helper()
	doc := b.Filing.Document
	doc.Body.RegisterID = ids[b.Entity.CodiceFiscale]
	data, err := v.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// do sends a request to the fixture's handler.
func (f *fixture) do(t *testing.T, method, target, token string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	checkContract(t, req, body, rec)
	return rec
}

// decode decodes a JSON response into v.
func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", truncate(rec.Body.String()), err)
	}
}

func truncate(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// wantProblem checks that rec is a problem+json with status.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) api.Problem {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, truncate(rec.Body.String()))
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p api.Problem
	decode(t, rec, &p)
	if p.Status != status || !strings.HasPrefix(p.Type, api.ProblemTypeBase) || p.Title == "" || p.Detail == "" ||
		p.Messages.IT == "" || p.Messages.EN == "" || p.RequestID == "" {
		t.Fatalf("incomplete problem: %+v", p)
	}
	return p
}

// postgresDSN returns a fresh schema of its own on the server named by
// REGISTRO_TEST_POSTGRES, dropped when the test ends (see sqlstoretest).
func postgresDSN(t *testing.T) string { return sqlstoretest.Postgres(t) }

// newDeps wires reg over an in-memory filing store, without tokens.
func newDeps(reg *registry.Registry) (api.Deps, error) {
	return api.NewDeps(reg, questionnaire.NewMemStore(), api.Tokens{}, nil)
}

// newLogger logs everything as text to w.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newHandler builds the handler (on the clock of deps' register).
func newHandler(deps api.Deps) http.Handler {
	return api.New(deps, api.Options{})
}

// doOn sends a request without body or token to h.
func doOn(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, nil)
	h.ServeHTTP(rec, req)
	checkContract(t, req, nil, rec)
	return rec
}

// mustDocFor returns the report of the fixture's tokBody body.
func mustDocFor(t *testing.T, f *fixture) []byte {
	t.Helper()
	val, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return mustDoc(t, val, f.ids, f.body)
}
