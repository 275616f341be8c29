package sqlstore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/sqlstore"
)

// TestOperationalHooks: WriteWait sees every SQLite write, PoolStats the
// pool, KnownSchemaVersion the migrations applied by Open, CheckDSN a bad
// DSN.
func TestOperationalHooks(t *testing.T) {
	var waits atomic.Int64
	s := mustOpen(t, sqliteDSN(t), sqlstore.Options{WriteWait: func(time.Duration) { waits.Add(1) }})
	ctx := context.Background()
	for rev := 1; rev <= 3; rev++ {
		if err := s.Filings().Put(ctx, questionnaire.Filing{BodyTaxCode: "90000000001", Year: 2024, Revision: rev,
			FiledAt: time.Unix(int64(rev), 0).UTC(), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := waits.Load(); n != 3 {
		t.Fatalf("WriteWait called %d times for 3 writes", n)
	}
	if st := s.PoolStats(); st.OpenConnections < 1 {
		t.Fatalf("PoolStats: %+v", st)
	}
	known, err := s.KnownSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != known || known < 4 {
		t.Fatalf("SchemaVersion %d (%v), KnownSchemaVersion %d", v, err, known)
	}
	if err := sqlstore.CheckDSN("mysql://x"); !errors.Is(err, sqlstore.ErrDSN) {
		t.Fatalf("CheckDSN: %v", err)
	}
	if err := sqlstore.CheckDSN("sqlite:ok.db"); err != nil {
		t.Fatal(err)
	}
}
