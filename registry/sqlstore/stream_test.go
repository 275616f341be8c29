package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/sqlstore"
)

// seedFilings files n bodies for year, concurrently.
func seedFilings(tb testing.TB, fs *sqlstore.Filings, year, n int) {
	tb.Helper()
	ctx := context.Background()
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			for i := w; i < n; i += 8 {
				err := fs.Put(ctx, questionnaire.Filing{BodyTaxCode: fmt.Sprintf("8%010d", n-i), Year: year, Revision: 1,
					FiledAt: time.Date(year+1, 1, 10, 0, 0, i, 0, time.UTC), FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{}`)})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			tb.Fatal(err)
		}
	}
}

func TestYearStreams(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			// One connection: a row set left open would block every later query.
			s := mustOpen(t, b.dsn(t), sqlstore.Options{MaxOpenConns: 1})
			fs := s.Filings()
			const n = 300
			seedFilings(t, fs, 2024, n)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			t.Run("all in order", func(t *testing.T) {
				count, prev := 0, ""
				for f, err := range fs.Year(ctx, 2024) {
					if err != nil {
						t.Fatal(err)
					}
					if f.BodyTaxCode <= prev {
						t.Fatalf("%s after %s", f.BodyTaxCode, prev)
					}
					prev = f.BodyTaxCode
					count++
				}
				if count != n {
					t.Fatalf("streamed %d filings, want %d", count, n)
				}
			})
			t.Run("early break releases the connection", func(t *testing.T) {
				for range 3 {
					for range fs.Year(ctx, 2024) {
						break
					}
				}
				if _, err := fs.Get(ctx, "80000000001", 2024); err != nil {
					t.Fatalf("Get after broken iterations: %v", err)
				}
			})
			t.Run("cancelled context ends with an error", func(t *testing.T) {
				cctx, ccancel := context.WithCancel(ctx)
				count := 0
				var last error
				for _, err := range fs.Year(cctx, 2024) {
					if err != nil {
						last = err
						break
					}
					count++
					if count == 10 {
						ccancel()
					}
				}
				ccancel()
				if !errors.Is(last, context.Canceled) || count >= n {
					t.Fatalf("after cancel: %d filings, last error %v; want context.Canceled before the end", count, last)
				}
				if _, err := fs.Get(ctx, "80000000001", 2024); err != nil {
					t.Fatalf("Get after a cancelled iteration: %v", err)
				}
			})
		})
	}
}
