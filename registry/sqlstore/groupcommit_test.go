package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// gcBody is a body of the group-commit tests: entity ID and codice fiscale.
func gcBody(i int) (id, cf string) { return fmt.Sprintf("B%03d", i), fmt.Sprintf("9%010d", i) }

// gcSeed commits bodies 0..n-1 (one entity.created event each) and returns
// the events.
func gcSeed(t *testing.T, s *sqlstore.Store, n int) []registry.Event {
	t.Helper()
	var b registry.Batch
	for i := range n {
		id, cf := gcBody(i)
		b.Entities = append(b.Entities, registry.Entity{ID: id, CodiceFiscale: cf, Name: "Ente " + id,
			LegalForm: "association_recognised", Seat: registry.Address{Region: "12", Province: "RM"}})
		b.Events = append(b.Events, registry.Event{At: time.Unix(0, 0).UTC(), Actor: "seed", Kind: registry.EventEntityCreated, EntityID: id, RecordID: id})
	}
	evs, err := s.Commit(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// gcFile files revision rev of body i's 2024 report with its
// questionnaire.filed event and an idempotency key.
func gcFile(ctx context.Context, s *sqlstore.Store, i, rev int) ([]registry.Event, error) {
	id, cf := gcBody(i)
	ctx = questionnaire.WithIdempotencyKey(ctx, questionnaire.IdempotencyKey{Subject: id, Key: fmt.Sprintf("k-%d-%d", i, rev), RequestHash: "h"})
	return s.Filings().PutWithEvents(ctx, questionnaire.Filing{BodyTaxCode: cf, Year: 2024, Revision: rev,
		FiledAt: time.Unix(int64(1000+i), 0).UTC(), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{"body":"` + id + `"}`)},
		[]registry.Event{{At: time.Unix(int64(1000+i), 0).UTC(), Actor: id, Kind: registry.EventReportFiled, EntityID: id,
			RecordID: fmt.Sprintf("%s/2024/%d", id, rev)}})
}

// feedOf reads the whole change feed and fails the test at a gap.
func feedOf(t *testing.T, s *sqlstore.Store) []registry.Event {
	t.Helper()
	var out []registry.Event
	for after := int64(0); ; {
		evs, err := s.Events(context.Background(), registry.EventFilter{After: after, Limit: registry.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		for _, ev := range evs {
			if ev.Seq != after+1 {
				t.Fatalf("change feed: event %d follows %d", ev.Seq, after)
			}
			after = ev.Seq
		}
		out = append(out, evs...)
	}
}

// TestGroupCommitFailuresFailAlone queues, while the committer is held,
// forty writes of every kind into one batch — filings with their events and
// idempotency keys, register batches, a draft — among which five fail: a
// filing that is not the next revision (after its idempotency key and its
// revision were written), a stale update, a write that returns an error
// after writing, one that ends the shared transaction under the committer
// (ROLLBACK) and one that panics. Only those five fail; every other write
// is durable (read back after reopening), got its own events numbered in
// the order the writes were queued, and the change feed has no gap.
func TestGroupCommitFailuresFailAlone(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			s, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { s.Close() }()
			ctx := context.Background()
			const bodies = 32
			seed := gcSeed(t, s, bodies)
			stale, err := s.Entity(ctx, "B000")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{stale}}); err != nil {
				t.Fatal(err)
			}
			errBoom := errors.New("boom")

			type write struct {
				name    string
				fail    error // what the write must fail with (errors.Is), nil: must succeed
				run     func() ([]registry.Event, error)
				events  int // events a successful write appends
				outcome chan result
			}
			var writes []*write
			add := func(name string, fail error, events int, run func() ([]registry.Event, error)) {
				writes = append(writes, &write{name: name, fail: fail, run: run, events: events, outcome: make(chan result, 1)})
			}
			for i := range bodies {
				add(fmt.Sprintf("filing %d", i), nil, 1, func() ([]registry.Event, error) { return gcFile(ctx, s, i, 1) })
				switch i {
				case 3:
					// Body 31 has no revision 1 yet (it is queued last):
					// revision 2 writes its key and its row, then fails on
					// the current pointer.
					add("revision 2 without 1", registry.ErrConflict, 0, func() ([]registry.Event, error) { return gcFile(ctx, s, bodies-1, 2) })
				case 6:
					add("stale update", registry.ErrConflict, 0, func() ([]registry.Event, error) {
						return s.Commit(ctx, registry.Batch{Entities: []registry.Entity{stale},
							Events: []registry.Event{{At: time.Unix(0, 0).UTC(), Actor: "x", Kind: registry.EventEntityUpdated, EntityID: "B000", RecordID: "B000"}}})
					})
				case 9:
					add("error after writing", errBoom, 0, func() ([]registry.Event, error) {
						return nil, s.WriteSQL(ctx, errBoom, false, "DELETE FROM idempotency_keys", "UPDATE counters SET value = value + 7 WHERE name = 'event'")
					})
				case 12:
					add("transaction ended", errBoom, 0, func() ([]registry.Event, error) {
						return nil, s.WriteSQL(ctx, errBoom, false, "DELETE FROM current_filings", "ROLLBACK")
					})
				case 15:
					add("panic", nil, 0, func() ([]registry.Event, error) {
						return nil, s.WriteSQL(ctx, errBoom, true, "DELETE FROM current_filings")
					})
				case 18:
					add("new entity", nil, 2, func() ([]registry.Event, error) {
						e := registry.Entity{ID: "N001", CodiceFiscale: "80000000001", Name: "Nuovo", LegalForm: "association_recognised",
							Seat: registry.Address{Region: "01", Province: "TO"}}
						return s.Commit(ctx, registry.Batch{Entities: []registry.Entity{e}, Events: []registry.Event{
							{At: time.Unix(0, 0).UTC(), Actor: "x", Kind: registry.EventEntityCreated, EntityID: "N001", RecordID: "N001"},
							{At: time.Unix(0, 0).UTC(), Actor: "x", Kind: registry.EventEntityUpdated, EntityID: "N001", RecordID: "N001"}}})
					})
				case 21:
					add("draft", nil, 0, func() ([]registry.Event, error) {
						_, err := s.PutDraft(ctx, registry.Draft{EntityID: "B021", Year: 2024, Document: []byte(`{}`), SavedAt: time.Unix(5, 0), SavedBy: "x"})
						return nil, err
					})
				}
			}
			// The panic fails with an error of its own.
			for _, w := range writes {
				if w.name == "panic" {
					w.fail = errAny
				}
			}

			release := s.HoldCommitter(ctx)
			before := s.CommitStats()
			for i, w := range writes {
				go func() {
					evs, err := w.run()
					w.outcome <- result{evs, err}
				}()
				// One at a time, so that the queue's order is the list's.
				if !s.WaitQueued(i + 1) {
					t.Fatalf("write %q never queued", w.name)
				}
			}
			if err := release(); err != nil {
				t.Fatal(err)
			}
			last := seed[len(seed)-1].Seq
			for _, w := range writes {
				r := <-w.outcome
				switch {
				case w.fail == errAny:
					if r.err == nil {
						t.Errorf("%s: succeeded", w.name)
					}
					continue
				case w.fail != nil:
					if !errors.Is(r.err, w.fail) {
						t.Errorf("%s: error %v, want %v", w.name, r.err, w.fail)
					}
					continue
				case r.err != nil:
					t.Errorf("%s: %v", w.name, r.err)
					continue
				}
				if len(r.evs) != w.events {
					t.Errorf("%s: %d events, want %d", w.name, len(r.evs), w.events)
				}
				for _, ev := range r.evs {
					if ev.Seq != last+1 {
						t.Errorf("%s: event %d, want %d (numbered in queue order)", w.name, ev.Seq, last+1)
					}
					last = ev.Seq
				}
			}
			st := s.CommitStats()
			// One batch, run again after each of the two writes that broke
			// the transaction; on PostgreSQL, first as a pipeline of its
			// first filings, which fails on "revision 2 without 1".
			want := int64(3)
			if be.name == "postgres" {
				want++
				if got := st.Fallbacks - before.Fallbacks; got != 1 {
					t.Errorf("%d pipelines fell back, want 1", got)
				}
			}
			if got := st.Transactions - before.Transactions; got != want {
				t.Errorf("%d transactions for one batch with two breaking writes, want %d", got, want)
			}
			if got := st.Writes - before.Writes; got < int64(len(writes)) {
				t.Errorf("%d writes run, want at least %d", got, len(writes))
			}

			// Reopen: what was acknowledged is durable, the failures left
			// nothing.
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = mustOpen(t, dsn, sqlstore.Options{})
			feed := feedOf(t, s)
			if n := int64(len(feed)); n != last {
				t.Fatalf("change feed holds %d events, want %d", n, last)
			}
			for i := range bodies {
				id, cf := gcBody(i)
				f, err := s.Filings().Get(ctx, cf, 2024)
				if err != nil || f.Revision != 1 || string(f.Document) != `{"body":"`+id+`"}` {
					t.Errorf("filing of %s: %+v, %v", id, f, err)
				}
				if _, err := s.Filings().Idempotency(ctx, id, fmt.Sprintf("k-%d-1", i)); err != nil {
					t.Errorf("idempotency key of filing %d: %v", i, err)
				}
				if feed[len(seed)+i+min(i/19, 1)*2].RecordID != id+"/2024/1" {
					t.Errorf("event of filing %d: %+v", i, feed[len(seed)+i])
				}
			}
			if _, err := s.Filings().Idempotency(ctx, "B031", "k-31-2"); !errors.Is(err, registry.ErrNotFound) {
				t.Errorf("the failed filing's idempotency key: %v", err)
			}
			if h, err := s.Filings().History(ctx, "90000000031", 2024); err != nil || len(h) != 1 {
				t.Errorf("history of the body whose revision 2 failed: %d revisions, %v", len(h), err)
			}
			if e, err := s.Entity(ctx, "N001"); err != nil || e.Version != 1 {
				t.Errorf("new entity: %+v, %v", e, err)
			}
			if _, err := s.Draft(ctx, "B021", 2024); err != nil {
				t.Errorf("draft: %v", err)
			}
			rep, err := s.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Errorf("Verify: %+v", rep)
			}
		})
	}
}

// result is a write's answer.
type result struct {
	evs []registry.Event
	err error
}

// errAny marks a write that must fail, with whatever error.
var errAny = errors.New("any error")

// TestGroupCommitCancelledWhileQueued: a write whose caller gives up while
// it waits for a batch returns at once with the context's error and writes
// nothing; the writes queued with it commit.
func TestGroupCommitCancelledWhileQueued(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := mustOpen(t, be.dsn(t), sqlstore.Options{})
			ctx := context.Background()
			gcSeed(t, s, 3)
			release := s.HoldCommitter(ctx)
			cctx, cancel := context.WithCancel(ctx)
			errs := make(chan error, 3)
			go func() { _, err := gcFile(ctx, s, 0, 1); errs <- err }()
			s.WaitQueued(1)
			go func() { _, err := gcFile(cctx, s, 1, 1); errs <- err }()
			s.WaitQueued(2)
			go func() { _, err := gcFile(ctx, s, 2, 1); errs <- err }()
			s.WaitQueued(3)
			cancel()
			select {
			case err := <-errs:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("the cancelled write: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the cancelled write waited for the held committer")
			}
			if err := release(); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Filings().Get(ctx, "90000000001", 2024); !errors.Is(err, registry.ErrNotFound) {
				t.Fatalf("the cancelled filing: %v", err)
			}
			feed := feedOf(t, s)
			if len(feed) != 5 || feed[3].EntityID != "B000" || feed[4].EntityID != "B002" {
				t.Fatalf("change feed: %+v", feed)
			}
		})
	}
}

// TestGroupCommitClose: Close answers the writes already queued (they
// commit), and a write after Close fails with ErrClosed.
func TestGroupCommitClose(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			ctx := context.Background()
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			gcSeed(t, s, 2)
			release := s.HoldCommitter(ctx)
			errs := make(chan error, 2)
			for i := range 2 {
				go func() { _, err := gcFile(ctx, s, i, 1); errs <- err }()
			}
			s.WaitQueued(2)
			closed := make(chan error, 1)
			go func() { closed <- s.Close() }()
			time.Sleep(10 * time.Millisecond) // let Close start waiting
			if err := release(); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatalf("a write queued before Close: %v", err)
				}
			}
			if err := <-closed; err != nil {
				t.Fatal(err)
			}
			if _, err := gcFile(ctx, s, 0, 2); !errors.Is(err, sqlstore.ErrClosed) {
				t.Fatalf("a write after Close: %v", err)
			}
			s = mustOpen(t, dsn, sqlstore.Options{})
			if n := len(feedOf(t, s)); n != 4 {
				t.Fatalf("%d events after reopening, want 4", n)
			}
		})
	}
}

// TestGroupCommitTwoProcessesOneFeed: two Stores on one database (as two
// processes would be) write concurrently, each in its own batches; every
// acknowledged event is in the feed exactly once, at the number its writer
// was told, and the feed has no gap.
func TestGroupCommitTwoProcessesOneFeed(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			a := mustOpen(t, dsn, sqlstore.Options{})
			b := mustOpen(t, dsn, sqlstore.Options{})
			ctx := context.Background()
			const bodies = 120
			gcSeed(t, a, bodies)
			var mu sync.Mutex
			told := map[int64]string{}
			var wg sync.WaitGroup
			for i := range bodies {
				s := a
				if i%2 == 1 {
					s = b
				}
				wg.Go(func() {
					evs, err := gcFile(ctx, s, i, 1)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					told[evs[0].Seq] = evs[0].RecordID
					mu.Unlock()
				})
			}
			wg.Wait()
			feed := feedOf(t, a)
			if len(feed) != 2*bodies {
				t.Fatalf("%d events, want %d", len(feed), 2*bodies)
			}
			for _, ev := range feed[bodies:] {
				if told[ev.Seq] != ev.RecordID {
					t.Errorf("event %d is %s, its writer was told %q", ev.Seq, ev.RecordID, told[ev.Seq])
				}
			}
			st := a.CommitStats()
			t.Logf("store a: %d writes in %d transactions", st.Writes, st.Transactions)
		})
	}
}

// TestGroupCommitOrderAcrossKinds: the feed's order is the order in which
// the writes committed, even when one of them moves a body to another
// region and the next files for it: the filing's event carries the region
// the body had when it was filed.
func TestGroupCommitOrderAcrossKinds(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := mustOpen(t, be.dsn(t), sqlstore.Options{})
			ctx := context.Background()
			gcSeed(t, s, 1)
			e, err := s.Entity(ctx, "B000")
			if err != nil {
				t.Fatal(err)
			}
			e.Seat.Region = "01"
			release := s.HoldCommitter(ctx)
			errs := make(chan error, 3)
			var returned []registry.Event
			go func() {
				var err error
				returned, err = gcFile(ctx, s, 0, 1)
				errs <- err
			}()
			s.WaitQueued(1)
			go func() {
				_, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{e}, Events: []registry.Event{
					{At: time.Unix(0, 0).UTC(), Actor: "x", Kind: registry.EventEntityUpdated, EntityID: "B000", RecordID: "B000"}}})
				errs <- err
			}()
			s.WaitQueued(2)
			go func() { _, err := gcFile(ctx, s, 0, 2); errs <- err }()
			s.WaitQueued(3)
			if err := release(); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, ev := range feedOf(t, s)[1:] {
				got = append(got, string(ev.Kind)+" "+strings.Join(ev.Regions, ","))
			}
			want := []string{"questionnaire.filed 12", "entity.updated 01,12", "questionnaire.filed 01"}
			if !slices.Equal(got, want) {
				t.Fatalf("feed %q, want %q", got, want)
			}
			// The writer is answered with its event as the feed holds it.
			if len(returned) != 1 || !slices.Equal(returned[0].Regions, []string{"12"}) || returned[0].Seq != feedOf(t, s)[1].Seq {
				t.Fatalf("the filing was answered with %+v", returned)
			}
		})
	}
}

// TestCommitStatsBusy: CommitStats.Busy grows by the time the committer
// spends on a batch (here held for 100 ms) and not while it waits for
// writes.
func TestCommitStatsBusy(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := mustOpen(t, be.dsn(t), sqlstore.Options{})
			const held = 100 * time.Millisecond
			before := s.CommitStats()
			release := s.HoldCommitter(context.Background())
			time.Sleep(held)
			if err := release(); err != nil {
				t.Fatal(err)
			}
			// The committer adds its time once the batch is answered.
			var busy time.Duration
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if busy = s.CommitStats().Busy - before.Busy; busy >= held {
					break
				}
			}
			if busy < held {
				t.Fatalf("Busy grew by %v over a batch held %v", busy, held)
			}
			idle := s.CommitStats()
			time.Sleep(held)
			if got := s.CommitStats().Busy - idle.Busy; got != 0 {
				t.Errorf("Busy grew by %v while no write came", got)
			}
		})
	}
}

// TestBatchEndsAtItsDeadline: on SQLite a batch's statements run with a
// context that does not end (stmtContext: the driver's watch of one that
// can is most of a short statement's cost), on PostgreSQL with the batch's
// own. Either way the batch still ends at its callers' deadline: a write
// still running then fails, and nothing of it commits.
func TestBatchEndsAtItsDeadline(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			s := mustOpen(t, dsn, sqlstore.Options{})
			if err := s.WriteSQL(context.Background(), nil, false, "CREATE TABLE probe (x INTEGER)"); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			var canEnd bool
			err := s.WriteExec(ctx, func(ctx context.Context, exec func(string) error) error {
				canEnd = ctx.Done() != nil
				if err := exec("INSERT INTO probe (x) VALUES (1)"); err != nil {
					return err
				}
				time.Sleep(400 * time.Millisecond) // past the deadline
				return exec("INSERT INTO probe (x) VALUES (2)")
			})
			if want := be.name == "postgres"; canEnd != want {
				t.Errorf("the statements' context can end: %v, want %v", canEnd, want)
			}
			if err == nil {
				t.Fatal("a write past its batch's deadline succeeded")
			}
			var n int
			if err := rawDB(t, dsn).QueryRow("SELECT count(*) FROM probe").Scan(&n); err != nil || n != 0 {
				t.Fatalf("probe holds %d rows (%v) after the failed batch, want 0", n, err)
			}
			// The store goes on.
			if err := s.WriteSQL(context.Background(), nil, false, "INSERT INTO probe (x) VALUES (3)"); err != nil {
				t.Fatalf("the next write: %v", err)
			}
		})
	}
}
