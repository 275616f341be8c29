package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
)

// TestIdempotencyRetention: a key is kept DefaultIdempotencyRetention (the
// service's clock is the register's, set by the test); past it the key is a
// new request on every kind of POST — a filing files a new revision, a
// request that writes nothing answers afresh, a register write creates a
// new record — and the filings stored with expired keys stay. On SQLite
// and PostgreSQL.
func TestIdempotencyRetention(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := newRestFixture(t, dsn(t), "", "")
			ctx := context.Background()
			key := func(k string) []string { return []string{api.IdempotencyKeyHeader, k} }
			id := f.ids[f.body.Entity.CodiceFiscale]
			past := testNow.Add(api.DefaultIdempotencyRetention + time.Minute)

			// A filing: replayed within the retention, a new revision past it.
			doc := mustDocFor(t, f.fixture)
			want(t, f.do(t, "POST", "/v1/filings/2024", tokBody, doc, key("file-1")...), http.StatusCreated, nil)
			f.clk.Set(testNow.Add(api.DefaultIdempotencyRetention - time.Minute))
			rec := f.do(t, "POST", "/v1/filings/2024", tokBody, doc, key("file-1")...)
			var info api.FilingInfo
			want(t, rec, http.StatusCreated, &info)
			if rec.Header().Get(api.ReplayedHeader) != "true" || info.Revision != 1 {
				t.Fatalf("retry within the retention: revision %d, replayed %q", info.Revision, rec.Header().Get(api.ReplayedHeader))
			}
			// Validation (writes nothing): the key with another request is a 422.
			validate := "/v1/questionnaires/2024/validate"
			f.clk.Set(testNow)
			f.do(t, "POST", validate, "", []byte(`{"reportingYear":2024}`), key("v-1")...)
			wantProblem(t, f.do(t, "POST", validate, "", []byte(`{}`), key("v-1")...), 422)
			// A referent, then a partnership with the same key: 422.
			in := map[string]any{"firstName": "Luca", "lastName": "Verdi", "taxCode": cfNewReferent, "phone": "0612345678", "email": "luca@example.it"}
			var ref registry.Referent
			want(t, f.post(t, "/v1/entities/"+id+"/referents", tokBody, in, key("w-1")...), http.StatusCreated, &ref)
			o := f.ids[f.other.Entity.CodiceFiscale]
			pin := map[string]any{"entityId": id, "partnerId": o, "objectives": "x", "content": "x", "modalities": "x", "start": "2025-01-01"}
			wantProblem(t, f.post(t, "/v1/partnerships", tokBody, pin, key("w-1")...), 422)

			f.clk.Set(past)
			rec = f.do(t, "POST", "/v1/filings/2024", tokBody, doc, key("file-1")...)
			want(t, rec, http.StatusCreated, &info)
			if rec.Header().Get(api.ReplayedHeader) != "" || info.Revision != 2 {
				t.Fatalf("an expired key: revision %d, replayed %q; want a new revision 2", info.Revision, rec.Header().Get(api.ReplayedHeader))
			}
			fresh := f.do(t, "POST", validate, "", []byte(`{}`))
			r2 := f.do(t, "POST", validate, "", []byte(`{}`), key("v-1")...)
			if r2.Code != fresh.Code || r2.Header().Get(api.ReplayedHeader) != "" {
				t.Fatalf("validation with an expired key: %d (replayed %q), without a key %d", r2.Code, r2.Header().Get(api.ReplayedHeader), fresh.Code)
			}
			if p := f.post(t, "/v1/partnerships", tokBody, pin, key("w-1")...); p.Code != http.StatusCreated {
				t.Fatalf("a register write with an expired key: %d %s", p.Code, truncate(p.Body.String()))
			} else {
				var pa registry.Partnership
				decode(t, p, &pa)
				if pa.ID == ref.ID {
					t.Fatalf("the new record took the expired key's record ID %s", ref.ID)
				}
			}

			// The purge deletes keys only: both revisions stay.
			f.clk.Set(past.Add(api.DefaultIdempotencyRetention + time.Minute))
			n, err := api.PurgeIdempotencyKeys(ctx, f.store.Filings(), f.clk.Now().Add(-api.DefaultIdempotencyRetention))
			if err != nil || n < 3 {
				t.Fatalf("purge: %d, %v; want at least the 3 keys of this test", n, err)
			}
			subject := "cf:" + f.body.Entity.LegalRepresentative.CodiceFiscale
			if _, err := f.store.Filings().Idempotency(ctx, subject, "file-1"); !errors.Is(err, registry.ErrNotFound) {
				t.Errorf("purged key: %v", err)
			}
			hist, err := f.store.Filings().History(ctx, f.body.Entity.CodiceFiscale, 2024)
			if err != nil || len(hist) != 2 {
				t.Fatalf("filings after the purge: %d, %v; want 2", len(hist), err)
			}
		})
	}
}

// TestValidationKeyRetention: the key of a request that writes nothing,
// reused with another request, is a 422 within the retention
// (Options.IdempotencyRetention) and a new request past it.
func TestValidationKeyRetention(t *testing.T) {
	f := newFixture(t)
	f.h = api.New(f.apiDeps, api.Options{MaxBodyBytes: 1 << 20, RateLimit: -1, IdempotencyRetention: time.Hour})
	validate := "/v1/questionnaires/2024/validate"
	good := []byte(`{"reportingYear":2024}`)
	f.do(t, "POST", validate, "", good, api.IdempotencyKeyHeader, "k")
	f.clk.Set(testNow.Add(59 * time.Minute))
	wantProblem(t, f.do(t, "POST", validate, "", []byte(`{}`), api.IdempotencyKeyHeader, "k"), 422)
	f.clk.Set(testNow.Add(61 * time.Minute))
	fresh := f.do(t, "POST", validate, "", []byte(`{}`))
	again := f.do(t, "POST", validate, "", []byte(`{}`), api.IdempotencyKeyHeader, "k")
	if again.Code != fresh.Code || again.Header().Get(api.ReplayedHeader) != "" {
		t.Fatalf("past the retention: %d %s; without a key %d", again.Code, truncate(again.Body.String()), fresh.Code)
	}
	// Negative: keys never expire.
	f.h = api.New(f.apiDeps, api.Options{MaxBodyBytes: 1 << 20, RateLimit: -1, IdempotencyRetention: -1})
	f.do(t, "POST", validate, "", good, api.IdempotencyKeyHeader, "forever")
	f.clk.Set(testNow.Add(1000 * time.Hour))
	if p := wantProblem(t, f.do(t, "POST", validate, "", []byte(`{}`), api.IdempotencyKeyHeader, "forever"), 422); p.Messages.EN == "" {
		t.Fatal("no message")
	}
}

// TestRunIdempotencyPurge: the purge runs at every tick with the injected
// clock, and each purge is bounded (10 000 keys).
func TestRunIdempotencyPurge(t *testing.T) {
	ctx := context.Background()
	st := questionnaire.NewMemStore()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const keys = 10050
	for i := range keys {
		if err := st.RememberIdempotency(ctx, questionnaire.IdempotencyKey{Subject: "s", Key: fmt.Sprint(i), RequestHash: "h"}, t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RememberIdempotency(ctx, questionnaire.IdempotencyKey{Subject: "s", Key: "young", RequestHash: "h"}, t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(25*time.Hour + 3*time.Hour) // every numbered key is past 24h
	n, err := api.PurgeIdempotencyKeys(ctx, st, now.Add(-api.DefaultIdempotencyRetention))
	if err != nil || n != 10000 {
		t.Fatalf("first purge: %d, %v; want the bound, 10000", n, err)
	}
	if _, err := st.Idempotency(ctx, "s", "10049"); err != nil {
		t.Fatalf("the youngest expired key went before older ones: %v", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	ticks := make(chan time.Time)
	done := make(chan struct{})
	go func() {
		api.RunIdempotencyPurge(ctx, st, 0, func() time.Time { return now }, ticks, nil)
		close(done)
	}()
	ticks <- now
	ticks <- now // received once the first purge is done
	cancel()
	<-done
	for _, k := range []string{"10000", "10049"} {
		if _, err := st.Idempotency(context.Background(), "s", k); !errors.Is(err, registry.ErrNotFound) {
			t.Errorf("key %s after the periodic purge: %v", k, err)
		}
	}
	if _, err := st.Idempotency(context.Background(), "s", "young"); err != nil {
		t.Errorf("a key within the retention was purged: %v", err)
	}
	// A store that keeps no expiring keys is left as it is.
	if n, err := api.PurgeIdempotencyKeys(context.Background(), nil, now); n != 0 || err != nil {
		t.Errorf("purge of a store without keys: %d, %v", n, err)
	}
}

// TestDecisionKeyRetention: a register write that keeps its answer (a
// decision) is replayed within the retention; past it the key is a new
// request, which the register answers afresh (the body is enrolled
// already: a conflict, not the first answer replayed).
func TestDecisionKeyRetention(t *testing.T) {
	env := newAppsEnvSQLite(t)
	rc := env.fileApplication(t, tokPersonA, sampleApplication(t, "00743110157", "Porte Aperte", "2026-03-02"), twoFiles()...)
	sec := "/v1/entities/" + rc.EntityID + "/sections/I/"
	decree := map[string]any{"number": "DM 1/2026", "date": "2026-03-02"}
	wantCode(t, env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, decree, "Idempotency-Key", "enrol-1"), 200, "enrol")
	env.mu.Lock()
	env.now = env.now.Add(api.DefaultIdempotencyRetention - time.Minute)
	env.mu.Unlock()
	if again := env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, decree, "Idempotency-Key", "enrol-1"); again.Code != 200 || again.Header().Get(api.ReplayedHeader) != "true" {
		t.Fatalf("within the retention: %d (replayed %q)", again.Code, again.Header().Get(api.ReplayedHeader))
	}
	env.mu.Lock()
	env.now = env.now.Add(2 * time.Minute)
	env.mu.Unlock()
	late := env.doJSON(t, "POST", sec+"enrolment", tokAppsStaff, decree, "Idempotency-Key", "enrol-1")
	if late.Header().Get(api.ReplayedHeader) != "" || late.Code == 200 {
		t.Fatalf("past the retention: %d (replayed %q), want the register's answer to a second enrolment", late.Code, late.Header().Get(api.ReplayedHeader))
	}
	wantProblem(t, late, late.Code)
}
