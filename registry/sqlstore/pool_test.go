package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// TestSQLitePoolKeepsConnections: concurrent reads reuse the connections a
// burst opened instead of closing all but two of them after each read (and
// opening new ones, with their pragmas, schema read and cold page cache, for
// the next reads).
func TestSQLitePoolKeepsConnections(t *testing.T) {
	s := mustOpen(t, sqliteDSN(t), sqlstore.Options{})
	ctx := context.Background()
	const callers, reads = 24, 20
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range reads {
				if _, err := s.EntityByCodiceFiscale(ctx, "80000000001"); !errors.Is(err, registry.ErrNotFound) {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := s.DBStats()
	if st.MaxIdleClosed != 0 {
		t.Errorf("%d connections closed for want of idle slots (%d open now)", st.MaxIdleClosed, st.OpenConnections)
	}
	if st.OpenConnections > callers+1 {
		t.Errorf("%d connections open for %d callers", st.OpenConnections, callers)
	}
}
