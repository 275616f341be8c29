package mirror_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/registrytest/optin"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/openregistro/registro/registry/sqlstore/sqlstoretest"
)

// The tokens of the test service.
const (
	tokStaff      = "staff-token-0123456789"
	tokRegion     = "region-token-0123456789"      // the mirrored region, with a Section II grant
	tokRegionNoII = "region-noii-token-0123456789" // the mirrored region, without grant
	tokUnknown    = "unknown-token-0123456789"
)

// testNow is the service's clock after the replay.
var testNow = time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)

// service is a registrod seeded with a synthetic register.
type service struct {
	reg    *registry.Registry
	store  *sqlstore.Store
	clk    *synth.Clock
	gen    *synth.Register
	ids    map[string]string // register ID by codice fiscale
	region string            // the region mirrored: the one with most bodies having a Section II-only body
	srv    *httptest.Server
	// wrap, when set, sees every request before the API.
	mu   sync.Mutex
	wrap func(w http.ResponseWriter, r *http.Request) bool
}

// newService seeds a register (synth, scale 0.1, year 2024) in SQLite by
// replaying the generated timeline through registry.Registry, as "registro
// demo" does, and serves it with the registrod API.
func newService(t *testing.T) *service {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "service.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	gen, err := synth.Generate(synth.Config{Year: 2024, Seed: 3, Scale: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	clk := &synth.Clock{}
	seq := 0
	var idMu sync.Mutex
	reg := wire.Registry(store, wire.Options{Now: clk.Now, NewID: func() string {
		idMu.Lock()
		defer idMu.Unlock()
		seq++
		return fmt.Sprintf("R%06d", seq)
	}})
	s := &service{reg: reg, store: store, clk: clk, gen: gen}
	s.ids = replay(t, reg, gen, clk)
	clk.Set(testNow)

	// The region: most bodies, among those with a body only in Section II
	// and one in both sections.
	count := map[string]int{}
	only2, both := map[string]bool{}, map[string]bool{}
	for _, e := range s.all(t, "") {
		count[e.Seat.Region]++
		in1, _ := reg.EnrolledOn(ctx, e.ID, registry.SectionI, testNow)
		in2, _ := reg.EnrolledOn(ctx, e.ID, registry.SectionII, testNow)
		only2[e.Seat.Region] = only2[e.Seat.Region] || in2 && !in1
		both[e.Seat.Region] = both[e.Seat.Region] || in2 && in1
	}
	for r := range only2 {
		if both[r] && (s.region == "" || count[r] > count[s.region] || count[r] == count[s.region] && r < s.region) {
			s.region = r
		}
	}
	if s.region == "" {
		t.Fatal("synth gave no region with a body only in Section II and one in both")
	}
	if _, err := reg.GrantSectionII(ctx, registry.Staff("staff:test"), registry.Grant{Grantee: "regione:ii", Region: s.region,
		Purpose: "programmazione dei servizi regionali di protezione", From: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}
	tokens, err := api.NewTokens(map[string]api.Identity{
		tokStaff:      {Role: registry.RoleStaff, Subject: "staff:test"},
		tokRegion:     {Role: registry.RoleRegion, Subject: "regione:ii", Region: s.region},
		tokRegionNoII: {Role: registry.RoleRegion, Subject: "regione:noii", Region: s.region},
	})
	if err != nil {
		t.Fatal(err)
	}
	deps, err := api.NewDeps(reg, store.Filings(), tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	// No rate limit: these tests sync hundreds of bodies at once (the
	// client's 429 handling is TestRateLimited's).
	h := api.New(deps, api.Options{RateLimit: -1})
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		wrap := s.wrap
		s.mu.Unlock()
		if wrap != nil && wrap(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// setWrap installs f in front of the API (nil removes it). f returns true
// when it answered the request itself.
func (s *service) setWrap(f func(w http.ResponseWriter, r *http.Request) bool) {
	s.mu.Lock()
	s.wrap = f
	s.mu.Unlock()
}

// replay applies, enrols and rejects along the generated timeline and returns
// the register IDs by codice fiscale.
func replay(t *testing.T, reg *registry.Registry, gen *synth.Register, clk *synth.Clock) map[string]string {
	t.Helper()
	done, err := gen.Replay(context.Background(), reg, synth.ReplayOptions{SetClock: clk.Set, Staff: "staff:test"})
	if err != nil {
		t.Fatal(err)
	}
	return done.IDs
}

// all returns every body of the store (of region, "" for all), by ID.
func all(t *testing.T, st registry.Store, region string) []registry.Entity {
	t.Helper()
	var out []registry.Entity
	f := registry.Filter{Region: region, Limit: registry.MaxLimit}
	for {
		page, err := st.Entities(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Entities...)
		if page.Next == "" {
			return out
		}
		f.Cursor = page.Next
	}
}

func (s *service) all(t *testing.T, region string) []registry.Entity { return all(t, s.store, region) }

// client returns a client of the service with token.
func (s *service) client(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := client.New(s.srv.URL, token, client.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// local is a mirror's own database.
type local struct {
	dsn   string
	store *sqlstore.Store
}

// pgEnv names the variable holding a PostgreSQL DSN for the tests.
const pgEnv = "REGISTRO_TEST_POSTGRES"

// newLocal opens a fresh local SQLite store.
func newLocal(t *testing.T) *local {
	t.Helper()
	l := &local{dsn: "sqlite:" + filepath.Join(t.TempDir(), "regional.db")}
	l.open(t)
	return l
}

// locals are the databases a local copy can live in: SQLite always,
// PostgreSQL when REGISTRO_TEST_POSTGRES is set (and CI=true demands it).
func locals(t *testing.T) map[string]func(t *testing.T) *local {
	m := map[string]func(t *testing.T) *local{"sqlite": newLocal}
	if os.Getenv(pgEnv) != "" {
		m["postgres"] = func(t *testing.T) *local {
			l := &local{dsn: postgresDSN(t)}
			l.open(t)
			return l
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is not set", pgEnv)
	} else {
		optin.Note("PostgreSQL", "set "+pgEnv+"=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	return m
}

// postgresDSN returns a fresh schema of its own on the server named by
// REGISTRO_TEST_POSTGRES, dropped when the test ends (see sqlstoretest).
func postgresDSN(t *testing.T) string { return sqlstoretest.Postgres(t) }

// open (re)opens the local store, as a restarted process does.
func (l *local) open(t *testing.T) {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), l.dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l.store = st
}

// events returns every event of the local store.
func (l *local) events(t *testing.T) []registry.Event {
	t.Helper()
	var out []registry.Event
	var after int64
	for {
		evs, err := l.store.Events(context.Background(), registry.EventFilter{After: after, Limit: registry.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
		if len(evs) < registry.MaxLimit {
			return out
		}
		after = evs[len(evs)-1].Seq
	}
}

// sameBodies fails unless got and want hold the same bodies, whatever
// their versions.
func sameBodies(t *testing.T, got, want []registry.Entity) {
	t.Helper()
	norm := func(es []registry.Entity) map[string]string {
		m := map[string]string{}
		for _, e := range es {
			e.Version = 0
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			m[e.ID] = string(b)
		}
		return m
	}
	g, w := norm(got), norm(want)
	if len(w) == 0 {
		t.Fatal("nothing to compare: the service has no body in the region")
	}
	for id, wj := range w {
		gj, ok := g[id]
		switch {
		case !ok:
			t.Errorf("body %s missing from the copy", id)
		case gj != wj:
			t.Errorf("body %s differs:\n got %s\nwant %s", id, gj, wj)
		}
	}
	for id := range g {
		if _, ok := w[id]; !ok {
			t.Errorf("body %s in the copy, not in the service's region", id)
		}
	}
}
