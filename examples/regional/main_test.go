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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const tokStaff = "staff-token-0123456789"

// newService serves a register of the Section I bodies of a small synthetic
// register, in memory, and returns its URL, registry and the region with most
// enrolled bodies.
func newService(t *testing.T) (string, *registry.Registry, string) {
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
		if len(b.Sections) != 1 || b.Sections[0] != registry.SectionI || b.Outcome != registry.StatusEnrolled {
			continue
		}
		_, e, err := reg.Apply(ctx, registry.Staff("applicant"), b.Application(""))
		if err != nil {
			t.Fatalf("apply %s: %v", b.Entity.Name, err)
		}
		if _, err := reg.Enrol(ctx, registry.Staff("staff"), e.ID, registry.SectionI,
			registry.Decree{Number: fmt.Sprint(i), Date: registry.DateOf(b.DecidedOn)}); err != nil {
			t.Fatalf("enrol %s: %v", b.Entity.Name, err)
		}
		count[e.Seat.Region]++
	}
	region := ""
	for r, n := range count {
		if region == "" || n > count[region] || n == count[region] && r < region {
			region = r
		}
	}
	tokens, err := api.NewTokens(map[string]api.Identity{tokStaff: {Role: registry.RoleStaff, Subject: "staff:test"}})
	if err != nil {
		t.Fatal(err)
	}
	deps, err := api.NewDeps(reg, questionnaire.NewMemStore(), tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(deps, api.Options{}))
	t.Cleanup(srv.Close)
	return srv.URL, reg, region
}

func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestSyncThenStats(t *testing.T) {
	url, reg, region := newService(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
	for i := range 2 { // the second run finds nothing new
		code, _, stderr := runMain(t, map[string]string{"REGISTRO_TOKEN": tokStaff},
			"--service", url, "--region", region, "--db", db, "--once")
		if code != exitOK || !strings.Contains(stderr, "synced") {
			t.Fatalf("sync %d: exit %d: %s", i, code, stderr)
		}
		if i == 1 && !strings.Contains(stderr, "events=0") {
			t.Errorf("second sync read events: %s", stderr)
		}
	}

	code, stdout, stderr := runMain(t, nil, "stats", "--db", db, "--region", region, "--year", "2024", "--format", "json")
	if code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	var st Stats
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	// The oracle: the service's registry, asked body by body.
	want := 0
	page, err := reg.Entities(context.Background(), registry.Staff("test"), registry.Filter{Region: region, Limit: registry.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Entities {
		if ok, err := reg.EnrolledOn(context.Background(), e.ID, registry.SectionI, time.Date(2024, 12, 31, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		} else if ok {
			want++
		}
	}
	if st.Bodies != want || st.InCopy != len(page.Entities) || want == 0 {
		t.Errorf("stats: %d enrolled of %d in the copy, want %d of %d", st.Bodies, st.InCopy, want, len(page.Entities))
	}
	sum := 0
	for _, c := range st.Provinces {
		sum += c.N
	}
	if sum != st.Bodies {
		t.Errorf("provinces sum to %d, bodies %d", sum, st.Bodies)
	}

	code, stdout, stderr = runMain(t, nil, "stats", "--db", db, "--region", region, "--year", "2024")
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
	url, _, _ := newService(t)
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
		{"extra args", []string{"stats", "--db", db, "--region", "03", "--year", "2024", "x"}, exitUsage, "unexpected arguments"},
		{"no year", []string{"stats", "--db", db, "--region", "03"}, exitUsage, "--year"},
		{"bad format", []string{"stats", "--db", db, "--region", "03", "--year", "2024", "--format", "xml"}, exitUsage, "unknown format"},
		{"unknown token", []string{"--service", url, "--token", "not-a-known-token-123", "--db", db, "--region", "03", "--once"}, exitFailure, "401"},
		{"help", []string{"stats", "-h"}, exitOK, "-year"},
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
	url, _, region := newService(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "regional.db")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Stop as soon as one sync has been logged: a condition, not a timer, so
	// a slow machine cannot make the test fail.
	errb := &cancelOnWrite{want: "synced", cancel: cancel}
	var out bytes.Buffer
	code := run(ctx, []string{"--service", url, "--token", tokStaff, "--region", region, "--db", db, "--interval", "20ms"},
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
