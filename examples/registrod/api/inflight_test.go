package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// enteringStore is a blockingStore that says when a listing has started.
type enteringStore struct {
	blockingStore
	entered chan struct{}
}

func (e enteringStore) Entities(ctx context.Context, f registry.Filter) (registry.Page, error) {
	e.entered <- struct{}{}
	return e.blockingStore.Entities(ctx, f)
}

// TestMaxInFlight: past Options.MaxInFlight requests being worked on, a
// request waits its turn within its deadline (503 when the deadline comes
// first); a turn is held until the work ends, even past the deadline; the
// probes never wait; a negative limit is no limit.
func TestMaxInFlight(t *testing.T) {
	const deadline = 400 * time.Millisecond
	for _, tc := range []struct {
		name      string
		limit     int
		wantThird int
	}{
		{"two turns, both taken", 2, http.StatusServiceUnavailable},
		{"no limit", -1, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := enteringStore{blockingStore{memstore.New(), make(chan struct{})}, make(chan struct{}, 2)}
			deps, err := newDeps(registry.New(st, registry.Options{}))
			if err != nil {
				t.Fatal(err)
			}
			h := api.New(deps, api.Options{MaxInFlight: tc.limit, RequestTimeout: deadline})
			var wg sync.WaitGroup
			for range 2 { // two listings that do not end by themselves
				wg.Add(1)
				go func() {
					defer wg.Done()
					h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1/entities", nil))
				}()
			}
			<-st.entered
			<-st.entered
			if rec := doOn(t, h, "GET", "/healthz"); rec.Code != http.StatusOK {
				t.Fatalf("/healthz: %d", rec.Code)
			}
			time.Sleep(deadline) // the listings are answered 503 but still work
			start := time.Now()
			rec := doOn(t, h, "GET", "/v1/territory")
			if rec.Code != tc.wantThird {
				t.Fatalf("a third request while two work: %d, want %d: %s", rec.Code, tc.wantThird, rec.Body)
			}
			if tc.wantThird == http.StatusServiceUnavailable {
				if el := time.Since(start); el < deadline {
					t.Fatalf("answered after %s, before its %s deadline: it did not wait", el, deadline)
				}
				wantProblem(t, rec, http.StatusServiceUnavailable)
			}
			close(st.release) // the work ends: its turns are given back
			wg.Wait()
			if rec := doOn(t, h, "GET", "/v1/territory"); rec.Code != http.StatusOK {
				t.Fatalf("after the work ended: %d", rec.Code)
			}
		})
	}
}
