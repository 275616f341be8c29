package sqlstore

import (
	"context"
	"testing"
	"time"
)

// BenchmarkBatchStatement runs one short INSERT, prepared, in a write
// transaction on SQLite: with the batch's context, which can end, and with
// stmtContext's. The driver's watch of a context that can end is most of
// such a statement's cost.
func BenchmarkBatchStatement(b *testing.B) {
	s, err := Open(context.Background(), "sqlite:"+b.TempDir()+"/bench.db", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, bc := range []struct {
		name string
		ctx  func(context.Context) context.Context
	}{
		{"batch", func(ctx context.Context) context.Context { return ctx }},
		{"stmtContext", s.stmtContext},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			tx, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, "CREATE TEMP TABLE bench (v TEXT)"); err != nil {
				b.Fatal(err)
			}
			stmt, err := tx.PrepareContext(ctx, "INSERT INTO bench (v) VALUES (?)")
			if err != nil {
				b.Fatal(err)
			}
			sctx := bc.ctx(ctx)
			for b.Loop() {
				if _, err := stmt.ExecContext(sctx, "x"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
