package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

func TestFilingConformance(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			questionnairetest.RunFilingStoreTests(t, func(t *testing.T) questionnaire.FilingStore {
				return mustOpen(t, b.dsn(t), sqlstore.Options{}).Filings()
			})
		})
	}
}

// TestManyConcurrentWriters: on SQLite, writers of one process queue in Go
// (in order, cancellably) instead of polling SQLite's busy handler, so a
// burst of concurrent filings all commit.
func TestManyConcurrentWriters(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			s := mustOpen(t, be.dsn(t), sqlstore.Options{})
			ctx := context.Background()
			const writers = 200
			errs := make(chan error, writers)
			for i := range writers {
				go func() {
					errs <- s.Filings().Put(ctx, questionnaire.Filing{BodyTaxCode: fmt.Sprintf("9%010d", i), Year: 2024,
						Revision: 1, FiledAt: time.Unix(int64(i), 0).UTC(), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{}`)})
				}()
			}
			for range writers {
				if err := <-errs; err != nil {
					t.Error(err)
				}
			}
			n := 0
			for _, err := range s.Filings().Year(ctx, 2024) {
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != writers {
				t.Fatalf("%d filings stored, want %d", n, writers)
			}
		})
	}
}

func TestWriterQueueHonoursContext(t *testing.T) {
	s := mustOpen(t, sqliteDSN(t), sqlstore.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Filings().Put(ctx, questionnaire.Filing{BodyTaxCode: "90000000001", Year: 2024, Revision: 1,
		FiledAt: time.Unix(1, 0).UTC(), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{}`)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestPutWithEvents: a filing and its register events commit together or
// not at all.
func TestPutWithEvents(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			s := mustOpen(t, be.dsn(t), sqlstore.Options{})
			ctx := context.Background()
			f := questionnaire.Filing{BodyTaxCode: "90000000001", Year: 2024, Revision: 1,
				FiledAt: time.Unix(100, 0).UTC(), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{}`)}
			ev := registry.Event{At: time.Unix(100, 0).UTC(), Actor: "desk", Kind: registry.EventReportFiled,
				EntityID: "E1", RecordID: "E1/2024/1", After: []byte(`{"year":2024,"revision":1}`)}
			got, err := s.Filings().PutWithEvents(ctx, f, []registry.Event{ev})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Seq != 1 {
				t.Fatalf("events as stored: %+v", got)
			}
			// The same revision again: a conflict, and its event is not written.
			ev2 := ev
			ev2.RecordID = "E1/2024/1-again"
			if _, err := s.Filings().PutWithEvents(ctx, f, []registry.Event{ev2}); !errors.Is(err, registry.ErrConflict) {
				t.Fatalf("got %v, want ErrConflict", err)
			}
			evs, err := s.Events(ctx, registry.EventFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || evs[0].RecordID != "E1/2024/1" {
				t.Fatalf("log after the conflict: %+v", evs)
			}
			if _, err := s.Filings().Get(ctx, f.BodyTaxCode, 2024); err != nil {
				t.Fatal(err)
			}
		})
	}
}
