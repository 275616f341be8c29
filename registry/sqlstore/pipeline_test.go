package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
)

// TestPipeline plays the same batches of filings on two PostgreSQL stores,
// one pipelining them (the default) and one the serial way only, and
// compares everything: each writer's answer (its events, or the kind of its
// error), and every row the filings wrote (filings, current pointers,
// idempotency keys, events, the event counter). A batch of good filings
// (first revisions and amendments, with and without a key, late with
// warnings, without events) runs as one pipeline in one transaction; the
// same batch with a revision filed out of turn, or with a reused key,
// falls back once to the serial way, where only that filing fails.
func TestPipeline(t *testing.T) {
	t.Parallel()
	const bodies = 24
	type filing struct {
		body, rev int
		key       string // "": no idempotency key
		events    bool
		fail      error // nil: must succeed
	}
	clean := []filing{}
	for i := range bodies {
		f := filing{body: i, rev: 1, key: fmt.Sprintf("k-%d", i), events: true}
		if i < bodies/2 {
			f.rev = 2 // revision 1 is filed before the batch
		}
		switch i % 5 {
		case 1:
			f.key = ""
		case 3:
			f.events = false
		}
		clean = append(clean, f)
	}
	// A revision filed out of turn (body 20 has no revision 2): its UPDATE
	// of the current pointer moves no row, which only the pipeline's check
	// of the row count sees.
	outOfTurn := slices.Insert(slices.Clone(clean), 10, filing{body: 20, rev: 3, key: "k-x", events: true, fail: registry.ErrConflict})
	// Body 15's key again, after its own filing: a failing statement.
	keyReused := slices.Insert(slices.Clone(clean), 18, filing{body: 15, rev: 1, key: "k-15", events: true, fail: questionnaire.ErrIdempotencyKeyUsed})

	type outcome struct {
		evs []registry.Event
		err error
	}
	play := func(t *testing.T, serial bool, fs []filing) ([]outcome, sqlstore.CommitStats, []string) {
		dsn := postgresDSN(t)
		s := mustOpen(t, dsn, sqlstore.Options{})
		if serial {
			s.SerialOnly()
		}
		ctx := context.Background()
		gcSeed(t, s, bodies)
		file := func(f filing) ([]registry.Event, error) {
			id, cf := gcBody(f.body)
			c := ctx
			if f.key != "" {
				c = questionnaire.WithIdempotencyKey(ctx, questionnaire.IdempotencyKey{Subject: id, Key: f.key, RequestHash: "h" + f.key})
			}
			at := time.Unix(int64(1000+10*f.body+f.rev), 0).UTC()
			q := questionnaire.Filing{BodyTaxCode: cf, Year: 2024, Revision: f.rev, FiledAt: at, FilerTaxCode: "RSSMRA80A01H501U",
				Late: f.body%4 == 0, Document: []byte(fmt.Sprintf(`{"body":%q,"rev":%d}`, id, f.rev))}
			if q.Late {
				q.Warnings = problem.List{{InstancePath: "/late", Keyword: "late", Code: "late", Severity: problem.Warning}}
			}
			var evs []registry.Event
			if f.events {
				evs = []registry.Event{{At: at, Actor: id, Kind: registry.EventReportFiled, EntityID: id, RecordID: fmt.Sprintf("%s/2024/%d", id, f.rev)}}
			}
			return s.Filings().PutWithEvents(c, q, evs)
		}
		for i := range bodies / 2 {
			if _, err := file(filing{body: i, rev: 1}); err != nil {
				t.Fatal(err)
			}
		}
		release := s.HoldCommitter(ctx)
		before := s.CommitStats()
		out := make([]outcome, len(fs))
		done := make(chan int, len(fs))
		for i, f := range fs {
			go func() {
				out[i].evs, out[i].err = file(f)
				done <- i
			}()
			if !s.WaitQueued(i + 1) {
				t.Fatalf("filing %d never queued", i)
			}
		}
		if err := release(); err != nil {
			t.Fatal(err)
		}
		for range fs {
			<-done
		}
		st := s.CommitStats()
		st.Transactions -= before.Transactions
		st.Writes -= before.Writes
		st.Pipelined -= before.Pipelined
		st.Fallbacks -= before.Fallbacks
		st.Busy = 0  // a time, not compared
		feedOf(t, s) // no gap
		return out, st, dumpFilings(t, dsn)
	}

	for _, c := range []struct {
		name string
		fs   []filing
		want sqlstore.CommitStats // of the pipelining store
	}{
		{"clean", clean, sqlstore.CommitStats{Transactions: 1, Writes: int64(len(clean)), Pipelined: int64(len(clean))}},
		// The pipeline fails, the batch runs again the serial way.
		{"revision out of turn", outOfTurn, sqlstore.CommitStats{Transactions: 2, Writes: 2 * int64(len(outOfTurn)), Fallbacks: 1}},
		{"key reused", keyReused, sqlstore.CommitStats{Transactions: 2, Writes: 2 * int64(len(keyReused)), Fallbacks: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			piped, st, pipedDump := play(t, false, c.fs)
			serial, sst, serialDump := play(t, true, c.fs)
			if st != c.want {
				t.Errorf("pipelining store: %+v, want %+v", st, c.want)
			}
			if sst.Pipelined != 0 || sst.Fallbacks != 0 || sst.Transactions != 1 {
				t.Errorf("serial store: %+v, want one transaction, no pipeline", sst)
			}
			for i, f := range c.fs {
				p, s := piped[i], serial[i]
				switch {
				case f.fail != nil:
					if !errors.Is(p.err, f.fail) || !errors.Is(s.err, f.fail) {
						t.Errorf("filing %d: pipelined %v, serial %v, want %v", i, p.err, s.err, f.fail)
					}
				case p.err != nil || s.err != nil:
					t.Errorf("filing %d: pipelined %v, serial %v", i, p.err, s.err)
				case fmt.Sprint(p.evs) != fmt.Sprint(s.evs):
					t.Errorf("filing %d: pipelined events %+v, serial %+v", i, p.evs, s.evs)
				case f.events && (len(p.evs) != 1 || p.evs[0].Seq == 0 || len(p.evs[0].Regions) != 1):
					t.Errorf("filing %d: answered with %+v", i, p.evs)
				}
			}
			assert.Equal(t, serialDump, pipedDump, "rows written: serial (expected), pipelined (actual)")
		})
	}
}

// dumpFilings returns every row the filings write, one string a row, in a
// fixed order.
func dumpFilings(t *testing.T, dsn string) []string {
	t.Helper()
	db := rawDB(t, dsn)
	var out []string
	for _, q := range []string{
		"SELECT body_tax_code, year, revision, filed_at, filer_tax_code, late, document, warnings FROM filings ORDER BY 1, 2, 3",
		"SELECT year, body_tax_code, revision FROM current_filings ORDER BY 1, 2",
		"SELECT subject, idem_key, request_hash, created_at, body_tax_code, year, revision FROM idempotency_keys ORDER BY 1, 2",
		"SELECT seq, at, actor, kind, entity_id, record_id, section, note, before, after, region, region_before FROM events ORDER BY seq",
		"SELECT name, value FROM counters ORDER BY name",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			out = append(out, fmt.Sprint(vals...))
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
