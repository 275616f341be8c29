package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/examples/regional/mirror"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The tokens of the test service.
const (
	tokStaff       = "staff-token-0123456789"
	tokRegion      = "region-token-0123456789"
	tokRegionGrant = "region-grant-token-0123456789"
)

// service is a seeded registrod.
type service struct {
	url    string
	reg    *registry.Registry
	region string // the region of the region tokens: the one with most Section II bodies
}

// newService serves a register of the enrolled bodies of a small synthetic
// register (Section I and Section II), in memory. tokRegion is the office of
// the region with most Section II bodies; tokRegionGrant the same region's
// other office, holding a grant of Section II access for it.
func newService(t *testing.T) service {
	t.Helper()
	ctx := context.Background()
	gen, err := synth.Generate(synth.Config{Year: 2024, Seed: 5, Scale: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)
	seq := 0
	reg := wire.Registry(memstore.New(), wire.Options{
		Now:   func() time.Time { return now },
		NewID: func() string { seq++; return fmt.Sprintf("R%06d", seq) },
	})
	count := map[string]int{}
	for i, b := range gen.Bodies {
		if b.Outcome != registry.StatusEnrolled || b.Entity.BranchOf != "" {
			continue
		}
		_, e, err := reg.Apply(ctx, registry.Staff("applicant"), b.Application(""))
		if err != nil {
			t.Fatalf("apply %s: %v", b.Entity.Name, err)
		}
		for _, sec := range b.Sections {
			if _, err := reg.Enrol(ctx, registry.Staff("staff"), e.ID, sec,
				registry.Decree{Number: fmt.Sprint(i), Date: registry.DateOf(b.DecidedOn)}); err != nil {
				t.Fatalf("enrol %s: %v", b.Entity.Name, err)
			}
			if sec == registry.SectionII {
				count[e.Seat.Region]++
			}
		}
	}
	region := ""
	for r, n := range count {
		if region == "" || n > count[region] || n == count[region] && r < region {
			region = r
		}
	}
	if region == "" {
		t.Fatal("synth gave no Section II body")
	}
	if _, err := reg.GrantSectionII(ctx, registry.Staff("staff"), registry.Grant{Grantee: "regione:grant", Region: region,
		Purpose: "programmazione dei servizi regionali", From: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}
	tokens, err := api.NewTokens(map[string]api.Identity{
		tokStaff:       {Role: registry.RoleStaff, Subject: "staff:test"},
		tokRegion:      {Role: registry.RoleRegion, Subject: "regione:test", Region: region},
		tokRegionGrant: {Role: registry.RoleRegion, Subject: "regione:grant", Region: region},
	})
	if err != nil {
		t.Fatal(err)
	}
	deps, err := api.NewDeps(reg, questionnaire.NewMemStore(), tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(deps, api.Options{RateLimit: -1}))
	t.Cleanup(srv.Close)
	return service{url: srv.URL, reg: reg, region: region}
}

// oracle returns the IDs of the region's bodies the office subject sees,
// and the IDs of those it sees in Section II, from the service's registry.
func (s service) oracle(t *testing.T, subject string) (all, sec2 []string) {
	t.Helper()
	ctx := context.Background()
	v, err := s.reg.ViewerWithGrants(ctx, registry.RegionalOffice(subject, s.region))
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range []registry.Section{0, registry.SectionII} {
		page, err := s.reg.Entities(ctx, v, registry.Filter{Region: s.region, Section: sec, Limit: registry.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entities {
			if sec == 0 {
				all = append(all, e.ID)
			} else {
				sec2 = append(sec2, e.ID)
			}
		}
	}
	return all, sec2
}

// localCopy returns the IDs in the copy of db, and those seen in Section II.
func localCopy(t *testing.T, db, region string) (all, sec2 []string) {
	t.Helper()
	ctx := context.Background()
	store, local, err := openLocal(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	defer local.Close()
	cp, err := mirror.NewSQLCopy(ctx, local, store.Dialect(), region)
	if err != nil {
		t.Fatal(err)
	}
	bodies, err := cp.Bodies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bodies {
		if b.Entity.Seat.Region != region {
			t.Errorf("body %s of region %s in the copy of %s", b.Entity.ID, b.Entity.Seat.Region, region)
		}
		all = append(all, b.Entity.ID)
		if slices.Contains(b.Sections, registry.SectionII) {
			sec2 = append(sec2, b.Entity.ID)
		}
	}
	return all, sec2
}

// TestSyncRegionToken checks that --once with a region token copies
// exactly that region's bodies as the token sees them: without a grant no
// Section II body, with one also the region's Section II bodies; and that
// a staff token is refused.
func TestSyncRegionToken(t *testing.T) {
	svc := newService(t)
	for _, tc := range []struct {
		name, token, subject string
		sec2                 bool
	}{
		{"no grant", tokRegion, "regione:test", false},
		{"grant", tokRegionGrant, "regione:grant", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
			code, _, stderr := runMain(t, nil, "--service", svc.url, "--token", tc.token, "--region", svc.region, "--db", db, "--once")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			all, sec2 := localCopy(t, db, svc.region)
			wantAll, wantSec2 := svc.oracle(t, tc.subject)
			if !slices.Equal(all, wantAll) || len(wantAll) == 0 {
				t.Errorf("copy %v\nwant %v", all, wantAll)
			}
			if !slices.Equal(sec2, wantSec2) || (len(sec2) > 0) != tc.sec2 {
				t.Errorf("Section II in the copy %v, want %v", sec2, wantSec2)
			}
		})
	}
	t.Run("staff token refused", func(t *testing.T) {
		db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
		code, _, stderr := runMain(t, nil, "--service", svc.url, "--token", tokStaff, "--region", svc.region, "--db", db, "--once")
		if code != exitFailure || !strings.Contains(stderr, "403") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
}

// TestSyncFollowsRemovals checks that a second sync drops a body removed
// from the register and one moved out of the region, and keeps the rest.
func TestSyncFollowsRemovals(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
	sync := func() {
		t.Helper()
		if code, _, stderr := runMain(t, map[string]string{"REGISTRO_TOKEN": tokRegion}, "--service", svc.url, "--region", svc.region, "--db", db, "--once"); code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	sync()
	before, _ := localCopy(t, db, svc.region)
	if len(before) < 2 {
		t.Fatalf("copy of %d bodies", len(before))
	}
	staff := registry.Staff("staff")
	gone, moved := before[0], before[1]
	e, err := svc.reg.Entity(ctx, staff, gone)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.reg.Remove(ctx, staff, gone, e.Version, "test"); err != nil {
		t.Fatal(err)
	}
	m, err := svc.reg.Entity(ctx, staff, moved)
	if err != nil {
		t.Fatal(err)
	}
	m.Seat = registry.Address{Street: "Via del Corso 1", PostCode: "00186", Comune: "058091", Province: "RM", Region: "12"}
	if svc.region == "12" {
		m.Seat = registry.Address{Street: "Via Roma 1", PostCode: "20121", Comune: "015146", Province: "MI", Region: "03"}
	}
	if _, err := svc.reg.Replace(ctx, staff, m, "moved"); err != nil {
		t.Fatal(err)
	}
	sync()
	after, _ := localCopy(t, db, svc.region)
	want, _ := svc.oracle(t, "regione:test")
	if !slices.Equal(after, want) || slices.Contains(after, gone) || slices.Contains(after, moved) || len(after) != len(before)-2 {
		t.Errorf("after the removal and the move: %d bodies (were %d), want %v", len(after), len(before), want)
	}
}

func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestSyncThenStats(t *testing.T) {
	svc := newService(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
	for i := range 2 { // the second run finds nothing new
		code, _, stderr := runMain(t, map[string]string{"REGISTRO_TOKEN": tokRegion},
			"--service", svc.url, "--region", svc.region, "--db", db, "--once")
		if code != exitOK || !strings.Contains(stderr, "synced") {
			t.Fatalf("sync %d: exit %d: %s", i, code, stderr)
		}
		if i == 1 && !strings.Contains(stderr, "events=0") {
			t.Errorf("second sync read events: %s", stderr)
		}
	}

	code, stdout, stderr := runMain(t, nil, "stats", "--db", db, "--region", svc.region, "--format", "json")
	if code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	var st Stats
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	want, _ := svc.oracle(t, "regione:test")
	if st.Bodies != len(want) || st.InCopy != len(want) || len(want) == 0 {
		t.Errorf("stats: %d enrolled of %d in the copy, want %d", st.Bodies, st.InCopy, len(want))
	}
	sum := 0
	for _, c := range st.Provinces {
		sum += c.N
	}
	if sum != st.Bodies {
		t.Errorf("provinces sum to %d, bodies %d", sum, st.Bodies)
	}

	code, stdout, stderr = runMain(t, nil, "stats", "--db", db, "--region", svc.region)
	if code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	golden := filepath.Join("testdata", "stats.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantText, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(wantText) {
		t.Errorf("stats text differs from %s (run with -update):\n%s", golden, stdout)
	}
}

func TestUsage(t *testing.T) {
	url := newService(t).url
	db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"unknown mode", []string{"serve"}, exitUsage, "unknown mode"},
		{"no db", []string{"--service", url, "--token", tokStaff, "--region", "03"}, exitUsage, "no database"},
		{"no region", []string{"--service", url, "--token", tokStaff, "--db", db}, exitUsage, "no region"},
		{"bad region", []string{"--service", url, "--token", tokStaff, "--db", db, "--region", "33"}, exitUsage, "unknown region"},
		{"no token", []string{"--service", url, "--db", db, "--region", "03"}, exitUsage, "--token"},
		{"bad URL", []string{"--service", "ftp://x", "--token", tokStaff, "--db", db, "--region", "03"}, exitUsage, "service URL"},
		{"bad flag", []string{"--nope"}, exitUsage, "flag provided but not defined"},
		{"extra args", []string{"stats", "--db", db, "--region", "03", "x"}, exitUsage, "unexpected arguments"},
		{"bad format", []string{"stats", "--db", db, "--region", "03", "--format", "xml"}, exitUsage, "unknown format"},
		{"unknown token", []string{"--service", url, "--token", "not-a-known-token-123", "--db", db, "--region", "03", "--once"}, exitFailure, "401"},
		{"help", []string{"stats", "-h"}, exitOK, "-format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runMain(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.says) {
				t.Errorf("exit %d, want %d; stderr %q should say %q", code, tc.code, stderr, tc.says)
			}
		})
	}
}

// TestRunStops checks that sync without --once stops cleanly when its
// context ends (SIGINT, SIGTERM).
func TestRunStops(t *testing.T) {
	svc := newService(t)
	url, region := svc.url, svc.region
	db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Stop as soon as one sync has been logged: a condition, not a timer, so
	// a slow machine cannot make the test fail.
	errb := &cancelOnWrite{want: "synced", cancel: cancel}
	var out bytes.Buffer
	code := run(ctx, []string{"--service", url, "--token", tokRegion, "--region", region, "--db", db, "--interval", "20ms"},
		func(string) string { return "" }, &out, errb)
	if code != exitOK || !strings.Contains(errb.String(), "synced") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	if ctx.Err() == context.DeadlineExceeded {
		t.Errorf("no sync in 60 s: %s", errb.String())
	}
}

// cancelOnWrite is a log sink that calls cancel once want has been written.
type cancelOnWrite struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	want   string
	cancel func()
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.cancel()
	}
	return n, err
}

func (w *cancelOnWrite) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
