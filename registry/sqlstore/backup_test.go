package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// seedBodies stores n bodies, each with an application, through the store's
// own Commit, with the events the register writes for them.
func seedBodies(t *testing.T, s *sqlstore.Store, n int) []registry.Entity {
	t.Helper()
	ctx := context.Background()
	var out []registry.Entity
	for i := range n {
		e := registry.Entity{ID: fmt.Sprintf("E%03d", i), CodiceFiscale: fmt.Sprintf("9%010d", i), Name: fmt.Sprintf("Associazione %d", i),
			LegalForm: "association", Seat: registry.Address{Region: "12", Province: "RM", Comune: "058091"}}
		a := registry.Application{ID: fmt.Sprintf("A%03d", i), EntityID: e.ID, Date: "2024-01-10"}
		after, _ := json.Marshal(e)
		aafter, _ := json.Marshal(a)
		at := time.Date(2024, 1, 10, 0, 0, i, 0, time.UTC)
		_, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{e}, Applications: []registry.Application{a}, Events: []registry.Event{
			{At: at, Actor: "seed", Kind: registry.EventEntityCreated, EntityID: e.ID, RecordID: e.ID, After: after},
			{At: at, Actor: "seed", Kind: registry.EventApplicationFiled, EntityID: e.ID, RecordID: a.ID, After: aafter},
		}})
		if err != nil {
			t.Fatal(err)
		}
		e.Version = 1
		out = append(out, e)
	}
	return out
}

// file stores the next revision of body e's 2024 filing with its event, as
// the filing desk does.
func file(ctx context.Context, s *sqlstore.Store, e registry.Entity, rev int) error {
	at := time.Date(2025, 1, 15, 0, 0, 0, rev, time.UTC)
	f := questionnaire.Filing{BodyTaxCode: e.CodiceFiscale, Year: 2024, Revision: rev, FiledAt: at,
		FilerTaxCode: "RSSMRA80A01H501U", Document: fmt.Appendf(nil, `{"body":%q,"revision":%d}`, e.CodiceFiscale, rev)}
	rf, _ := json.Marshal(registry.ReportFiled{Year: 2024, Revision: rev, FiledAt: at, FilerCodiceFiscale: f.FilerTaxCode})
	_, err := s.Filings().PutWithEvents(ctx, f, []registry.Event{{At: at, Actor: "desk", Kind: registry.EventReportFiled,
		EntityID: e.ID, RecordID: fmt.Sprintf("%s/2024/%d", e.ID, rev), After: rf}})
	return err
}

// filingRow is one stored revision as the tables hold it.
type filingRow struct {
	CF       string
	Year     int
	Revision int
	FiledAt  string
	Filer    string
	Late     bool
	Document string
}

func (f filingRow) key() string { return fmt.Sprintf("%s/%d/%d", f.CF, f.Year, f.Revision) }

// filingRows reads every stored revision, in key order.
func filingRows(t *testing.T, db *sql.DB) []filingRow {
	t.Helper()
	rows, err := db.Query("SELECT body_tax_code, year, revision, filed_at, filer_tax_code, late, document FROM filings ORDER BY body_tax_code, year, revision")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []filingRow
	for rows.Next() {
		var f filingRow
		var doc []byte
		if err := rows.Scan(&f.CF, &f.Year, &f.Revision, &f.FiledAt, &f.Filer, &f.Late, &doc); err != nil {
			t.Fatal(err)
		}
		f.Document = string(doc)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// allEvents reads the whole log.
func allEvents(t *testing.T, s *sqlstore.Store) []registry.Event {
	t.Helper()
	var out []registry.Event
	var after int64
	for {
		evs, err := s.Events(context.Background(), registry.EventFilter{After: after, Limit: registry.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		out = append(out, evs...)
		after = evs[len(evs)-1].Seq
	}
}

func mustVerify(t *testing.T, s *sqlstore.Store, what string) *sqlstore.VerifyReport {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify %s: %v", what, err)
	}
	if !rep.OK() {
		t.Fatalf("verify %s: %d broken invariants: %+v", what, rep.Broken, rep.Findings)
	}
	return rep
}

// TestBackupUnderLoad: a backup taken while filings keep coming restores,
// into either backend, to a database that Verify passes, that holds every
// filing acknowledged before the backup began, and whose records are the
// source's at the backup's position.
func TestBackupUnderLoad(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			srcDSN := be.dsn(t)
			src := mustOpen(t, srcDSN, sqlstore.Options{})
			bodies := seedBodies(t, src, 8)

			var mu sync.Mutex
			acked := map[string]bool{} // filings whose PutWithEvents returned nil
			stop := make(chan struct{})
			var wg sync.WaitGroup
			errs := make(chan error, len(bodies))
			for _, e := range bodies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for rev := 1; ; rev++ {
						select {
						case <-stop:
							return
						default:
						}
						if err := file(ctx, src, e, rev); err != nil {
							errs <- err
							return
						}
						mu.Lock()
						acked[fmt.Sprintf("%s/2024/%d", e.CodiceFiscale, rev)] = true
						mu.Unlock()
					}
				}()
			}
			count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
			waitFor := func(n int) {
				for count() < n {
					select {
					case err := <-errs:
						t.Fatal(err)
					case <-time.After(time.Millisecond):
					}
				}
			}
			waitFor(40)
			mu.Lock()
			before := make([]string, 0, len(acked))
			for k := range acked {
				before = append(before, k)
			}
			mu.Unlock()
			out := filepath.Join(t.TempDir(), "registro.backup")
			info, err := src.Backup(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(count() + 40) // the load goes on after the backup
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if info.Source != be.name || info.LastEventSeq < int64(len(before)) {
				t.Fatalf("backup info %+v: want source %s and a position past the %d filings acknowledged before", info, be.name, len(before))
			}
			if _, err := src.Backup(ctx, out); err == nil {
				t.Fatal("a backup over an existing file succeeded")
			}
			mustVerify(t, src, "source")

			// The source at the backup's position.
			srcEvents := allEvents(t, src)
			seqOf := map[string]int64{}
			for _, ev := range srcEvents {
				if ev.Kind == registry.EventReportFiled {
					eid, rest, _ := strings.Cut(ev.RecordID, "/")
					seqOf[bodies[indexOf(bodies, eid)].CodiceFiscale+"/"+rest] = ev.Seq
				}
			}
			if int64(len(srcEvents)) <= info.LastEventSeq {
				t.Fatalf("the source has %d events, the backup stands at %d: the load did not go on", len(srcEvents), info.LastEventSeq)
			}
			var wantFilings []filingRow
			for _, f := range filingRows(t, rawDB(t, srcDSN)) {
				if seqOf[f.key()] <= info.LastEventSeq {
					wantFilings = append(wantFilings, f)
				}
			}

			check := func(t *testing.T, dsn string, copyDB *sqlstore.Store) {
				rep := mustVerify(t, copyDB, "copy")
				if rep.LastEventSeq != info.LastEventSeq {
					t.Errorf("copy at event %d, backup info says %d", rep.LastEventSeq, info.LastEventSeq)
				}
				if got, want := allEvents(t, copyDB), srcEvents[:info.LastEventSeq]; !reflect.DeepEqual(got, want) {
					t.Errorf("the copy's log differs from the source's first %d events", info.LastEventSeq)
				}
				got := filingRows(t, rawDB(t, dsn))
				if !reflect.DeepEqual(got, wantFilings) {
					t.Errorf("the copy holds %d filings, the source %d at the backup's position", len(got), len(wantFilings))
				}
				have := map[string]bool{}
				for _, f := range got {
					have[f.key()] = true
				}
				for _, k := range before {
					if !have[k] {
						t.Errorf("filing %s, acknowledged before the backup began, is not in the copy", k)
					}
				}
				for _, e := range bodies {
					got, err := copyDB.Entity(ctx, e.ID)
					if err != nil {
						t.Fatal(err)
					}
					want, _ := src.Entity(ctx, e.ID)
					if !reflect.DeepEqual(got, want) {
						t.Errorf("entity %s differs: %+v, want %+v", e.ID, got, want)
					}
				}
			}
			t.Run("file", func(t *testing.T) {
				b, err := sqlstore.OpenExisting(ctx, "sqlite:"+out, sqlstore.Options{SkipMigrate: true})
				if err != nil {
					t.Fatal(err)
				}
				defer b.Close()
				check(t, "sqlite:"+out, b)
			})
			for _, target := range backends() {
				t.Run("restore-into-"+target.name, func(t *testing.T) {
					dsn := target.dsn(t)
					got, err := sqlstore.Restore(ctx, out, dsn)
					if err != nil {
						t.Fatal(err)
					}
					if got.LastEventSeq != info.LastEventSeq {
						t.Errorf("restore info %+v, backup %+v", got, info)
					}
					dst := mustOpen(t, dsn, sqlstore.Options{})
					check(t, dsn, dst)
					// The restored register takes writes where the copy ends.
					if err := file(ctx, dst, bodies[0], len(have(wantFilings, bodies[0].CodiceFiscale))+1); err != nil {
						t.Fatal(err)
					}
					if evs := allEvents(t, dst); evs[len(evs)-1].Seq != info.LastEventSeq+1 {
						t.Errorf("the next event after a restore is %d, want %d", evs[len(evs)-1].Seq, info.LastEventSeq+1)
					}
					mustVerify(t, dst, "restored after a write")
					// A restore never writes into a database that has tables.
					if _, err := sqlstore.Restore(ctx, out, dsn); !errors.Is(err, sqlstore.ErrNotFresh) {
						t.Fatalf("restore into a used database: %v, want ErrNotFresh", err)
					}
				})
			}
		})
	}
}

func indexOf(bodies []registry.Entity, id string) int {
	for i, e := range bodies {
		if e.ID == id {
			return i
		}
	}
	panic("no body " + id)
}

// have returns the filings of body cf.
func have(fs []filingRow, cf string) []filingRow {
	var out []filingRow
	for _, f := range fs {
		if f.CF == cf {
			out = append(out, f)
		}
	}
	return out
}

// TestVerifyFindsBrokenInvariants: each tampering is a finding of its check.
func TestVerifyFindsBrokenInvariants(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blob := "BLOB"
			if be.name == "postgres" {
				blob = "BYTEA"
			}
			for _, c := range []struct {
				name, check string
				tamper      []string
			}{
				{"gap", "events", []string{"DELETE FROM events WHERE seq = 3"}},
				{"counter", "events", []string{"UPDATE counters SET value = value + 1 WHERE name = 'event'"}},
				{"filing without event", "filings", []string{"DELETE FROM events WHERE kind = 'questionnaire.filed' AND seq = (SELECT MAX(seq) FROM events)"}},
				{"event without filing", "filings", []string{"DELETE FROM current_filings WHERE body_tax_code = '90000000001'", "DELETE FROM filings WHERE body_tax_code = '90000000001'"}},
				{"current not last", "filings", []string{"UPDATE current_filings SET revision = 1 WHERE body_tax_code = '90000000000'"}},
				{"version", "versions", []string{"UPDATE entities SET version = 7 WHERE id = 'E001'"}},
				{"unlogged record", "versions", []string{"DELETE FROM events WHERE record_id = 'A002'", "UPDATE counters SET value = (SELECT MAX(seq) FROM events)"}},
				{"dangling reference", "references", []string{"UPDATE applications SET doc = REPLACE(doc, '\"E000\"', '\"E999\"') WHERE id = 'A000'"}},
				{"attachment", "attachments", []string{
					"CREATE TABLE attachments (id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size BIGINT NOT NULL, content " + blob + " NOT NULL)",
					fmt.Sprintf("INSERT INTO attachments VALUES ('good', '%x', 5, 'hello')", sha256.Sum256([]byte("hello"))),
					fmt.Sprintf("INSERT INTO attachments VALUES ('bad', '%x', 5, 'hellO')", sha256.Sum256([]byte("hello"))),
				}},
			} {
				t.Run(c.name, func(t *testing.T) {
					dsn := be.dsn(t)
					s := mustOpen(t, dsn, sqlstore.Options{})
					bodies := seedBodies(t, s, 3)
					for _, e := range bodies[:2] {
						for rev := 1; rev <= 2; rev++ {
							if err := file(ctx, s, e, rev); err != nil {
								t.Fatal(err)
							}
						}
					}
					mustVerify(t, s, "before tampering")
					db := rawDB(t, dsn)
					for _, q := range c.tamper {
						if be.name == "postgres" {
							q = strings.ReplaceAll(q, "'hello')", "'hello'::bytea)")
							q = strings.ReplaceAll(q, "'hellO')", "'hellO'::bytea)")
						}
						if _, err := db.Exec(q); err != nil {
							t.Fatalf("%s: %v", q, err)
						}
					}
					rep, err := s.Verify(ctx)
					if err != nil {
						t.Fatal(err)
					}
					var checks []string
					for _, f := range rep.Findings {
						checks = append(checks, f.Check)
					}
					sort.Strings(checks)
					if rep.OK() || !contains(checks, c.check) {
						t.Fatalf("findings %+v: want one of check %q", rep.Findings, c.check)
					}
					if c.check == "attachments" && (rep.Broken != 1 || !strings.Contains(rep.Findings[0].Detail, "bad")) {
						t.Fatalf("findings %+v: want only the bad attachment", rep.Findings)
					}
				})
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestOpenExisting: a mistyped path or an empty schema is an error, not a
// new database.
func TestOpenExisting(t *testing.T) {
	ctx := context.Background()
	missing := "sqlite:" + filepath.Join(t.TempDir(), "typo.db")
	if _, err := sqlstore.OpenExisting(ctx, missing, sqlstore.Options{}); !errors.Is(err, sqlstore.ErrNoDatabase) {
		t.Fatalf("missing file: %v, want ErrNoDatabase", err)
	}
	if _, err := sqlstore.OpenExisting(ctx, missing, sqlstore.Options{}); !errors.Is(err, sqlstore.ErrNoDatabase) {
		t.Fatalf("the first attempt created the file: %v", err)
	}
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			dsn := be.dsn(t)
			if be.name == "postgres" {
				if _, err := sqlstore.OpenExisting(ctx, dsn, sqlstore.Options{}); !errors.Is(err, sqlstore.ErrNoDatabase) {
					t.Fatalf("empty schema: %v, want ErrNoDatabase", err)
				}
			}
			mustOpen(t, dsn, sqlstore.Options{})
			s, err := sqlstore.OpenExisting(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
		})
	}
}
