package sqlstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// Environment of the helper process (see TestHelperProcess).
const (
	helperModeEnv = "SQLSTORE_HELPER_MODE"
	helperDSNEnv  = "SQLSTORE_HELPER_DSN"
)

// TestHelperProcess is not a test: the durability tests re-execute the test
// binary with SQLSTORE_HELPER_MODE set to run it as a child process.
//
// Mode "write" writes until killed, from 16 goroutines (so that the group
// commit batches writes, and the kill meets a batch): each write is one
// Commit of a new entity with its event, then the Put of a filing of that
// body; after both returned it prints "ack ID". Mode "migrate" opens the
// store (migrating it) and prints "migrated".
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperModeEnv)
	if mode == "" {
		return // only does something as a child process of the durability tests
	}
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, os.Getenv(helperDSNEnv), sqlstore.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	switch mode {
	case "migrate":
		fmt.Println("migrated")
		os.Exit(0)
	case "write":
		var mu sync.Mutex // one line at a time on stdout
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for i := 0; ; i++ {
					id := fmt.Sprintf("W%d-%06d", w, i)
					cf := fmt.Sprintf("%02d%09d", w+1, i)
					e := registry.Entity{ID: id, CodiceFiscale: cf, Name: "Ente " + id, LegalForm: "association_recognised",
						Seat: registry.Address{Region: "12", Province: "RM"}}
					if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{e},
						Events: []registry.Event{{At: time.Unix(0, 0).UTC(), Actor: "helper", Kind: registry.EventEntityCreated, EntityID: id, RecordID: id}}}); err != nil {
						fmt.Fprintln(os.Stderr, "commit:", err)
						os.Exit(2)
					}
					if err := s.Filings().Put(ctx, questionnaire.Filing{BodyTaxCode: cf, Year: 2024, Revision: 1,
						FiledAt: time.Unix(int64(i), 0), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{"id":"` + id + `"}`)}); err != nil {
						fmt.Fprintln(os.Stderr, "put:", err)
						os.Exit(2)
					}
					mu.Lock()
					fmt.Printf("ack %s %s\n", id, cf)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	os.Exit(2)
}

// helper starts the test binary as a helper process in mode on dsn.
func helper(t *testing.T, mode, dsn string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperModeEnv+"="+mode, helperDSNEnv+"="+dsn)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestKilledWriterLosesNothing SIGKILLs a process in the middle of a stream
// of writes, reopens the database and checks that every write the process
// was told had committed is there, whole: the entity, its event, its filing.
func TestKilledWriterLosesNothing(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			dsn := b.dsn(t)
			mustOpen(t, dsn, sqlstore.Options{}).Close() // migrate before the child starts

			cmd := helper(t, "write", dsn)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			type ack struct{ id, cf string }
			var acks []ack
			sc := bufio.NewScanner(out)
			killed := false
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				if len(f) != 3 || f[0] != "ack" {
					t.Fatalf("helper printed %q", sc.Text())
				}
				acks = append(acks, ack{f[1], f[2]})
				// Kill while the writers are busy; keep reading what was
				// already acknowledged before the kill.
				if len(acks) == 60 && !killed {
					if err := cmd.Process.Kill(); err != nil {
						t.Fatal(err)
					}
					killed = true
				}
			}
			err = cmd.Wait()
			if !killed {
				t.Fatalf("helper ended before it was killed: %v", err)
			}
			t.Logf("%d writes acknowledged before SIGKILL", len(acks))

			s := mustOpen(t, dsn, sqlstore.Options{})
			ctx := context.Background()
			for _, a := range acks {
				if _, err := s.Entity(ctx, a.id); err != nil {
					t.Errorf("acknowledged entity %s: %v", a.id, err)
				}
				if f, err := s.Filings().Get(ctx, a.cf, 2024); err != nil || string(f.Document) != `{"id":"`+a.id+`"}` {
					t.Errorf("acknowledged filing of %s: %v", a.cf, err)
				}
			}
			// Each entity committed together with its event: equal counts
			// (the write in flight at the kill is either whole or absent).
			var entities, events int
			for p := (registry.Filter{Limit: registry.MaxLimit}); ; {
				page, err := s.Entities(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				entities += len(page.Entities)
				if page.Next == "" {
					break
				}
				p.Cursor = page.Next
			}
			for after := int64(0); ; {
				evs, err := s.Events(ctx, registry.EventFilter{After: after, Limit: registry.MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				if len(evs) == 0 {
					break
				}
				events += len(evs)
				after = evs[len(evs)-1].Seq
			}
			if entities != events || entities < len(acks) {
				t.Errorf("after the kill: %d entities, %d events, %d acknowledged; want entities = events ≥ acknowledged", entities, events, len(acks))
			}
		})
	}
}

// TestMigrateFromProcesses migrates one fresh database from several
// processes at once.
func TestMigrateFromProcesses(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			dsn := b.dsn(t)
			var cmds []*exec.Cmd
			var outs []*strings.Builder
			for range 3 {
				cmd := helper(t, "migrate", dsn)
				var out strings.Builder
				cmd.Stdout = &out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				cmds, outs = append(cmds, cmd), append(outs, &out)
			}
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil || !strings.Contains(outs[i].String(), "migrated") {
					t.Errorf("process %d: %v, output %q", i, err, outs[i].String())
				}
			}
			s := mustOpen(t, dsn, sqlstore.Options{SkipMigrate: true})
			v, err := s.SchemaVersion(context.Background())
			if err != nil || v < 2 {
				t.Fatalf("SchemaVersion = %d, %v", v, err)
			}
			var rows int
			if err := rawDB(t, dsn).QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&rows); err != nil || rows != v {
				t.Fatalf("schema_migrations rows = %d (%v), want %d", rows, err, v)
			}
		})
	}
}

// TestConcurrentWritersTwoPools has two Stores — two connection pools, as
// two processes would have — update the same entity from the same version:
// one wins, the other gets ErrConflict, and the winner's write is whole.
func TestConcurrentWritersTwoPools(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := b.dsn(t)
			s1 := mustOpen(t, dsn, sqlstore.Options{})
			s2 := mustOpen(t, dsn, sqlstore.Options{})
			e := registry.Entity{ID: "E1", CodiceFiscale: "80000000001", Name: "Casa"}
			if _, err := s1.Commit(ctx, registry.Batch{Entities: []registry.Entity{e}}); err != nil {
				t.Fatal(err)
			}
			for round := range 20 {
				a, err := s1.Entity(ctx, "E1")
				if err != nil {
					t.Fatal(err)
				}
				bb, err := s2.Entity(ctx, "E1")
				if err != nil {
					t.Fatal(err)
				}
				a.Name, bb.Name = fmt.Sprintf("A%d", round), fmt.Sprintf("B%d", round)
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i, w := range []struct {
					s *sqlstore.Store
					e registry.Entity
				}{{s1, a}, {s2, bb}} {
					wg.Go(func() {
						_, errs[i] = w.s.Commit(ctx, registry.Batch{Entities: []registry.Entity{w.e},
							Events: []registry.Event{{Actor: w.e.Name, Kind: registry.EventEntityUpdated, EntityID: "E1", RecordID: "E1"}}})
					})
				}
				wg.Wait()
				winner := -1
				for i, err := range errs {
					switch {
					case err == nil:
						if winner >= 0 {
							t.Fatalf("round %d: both writers won", round)
						}
						winner = i
					case !errors.Is(err, registry.ErrConflict):
						t.Fatalf("round %d: writer %d: %v", round, i, err)
					}
				}
				if winner < 0 {
					t.Fatalf("round %d: no writer won: %v", round, errs)
				}
				got, err := s2.Entity(ctx, "E1")
				if err != nil {
					t.Fatal(err)
				}
				want := []string{a.Name, bb.Name}[winner]
				if got.Name != want || got.Version != int64(round+2) {
					t.Fatalf("round %d: stored %q v%d, want %q v%d", round, got.Name, got.Version, want, round+2)
				}
				evs, err := s1.Events(ctx, registry.EventFilter{After: int64(round), Limit: 10})
				if err != nil || len(evs) != 1 || evs[0].Actor != want {
					t.Fatalf("round %d: events %+v, %v; want the winner's only", round, evs, err)
				}
			}
		})
	}
}
