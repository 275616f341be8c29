package mirror_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/regional/mirror"
)

// TestRateLimited shows the client waits as a 429's Retry-After says and
// tries again, and gives up when its context ends first.
func TestRateLimited(t *testing.T) {
	for _, tc := range []struct {
		name     string
		refusals int32 // 429s before a 200
		timeout  time.Duration
		ok       bool
	}{
		{"one 429, then the page", 1, 10 * time.Second, true},
		{"429s past the context's end", 100, 300 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) <= tc.refusals {
					w.Header().Set("Retry-After", "1")
					w.Header().Set("Content-Type", "application/problem+json")
					w.WriteHeader(http.StatusTooManyRequests)
					w.Write([]byte(`{"type":"https://example.org/too-many-requests","title":"Too many requests","status":429}`))
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"items":[],"last":7}`))
			}))
			defer srv.Close()
			c, err := mirror.NewClient(srv.URL, "staff-token-0123456789", mirror.ClientOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			p, err := c.Events(ctx, 0, 10)
			if (err == nil) != tc.ok {
				t.Fatalf("err %v after %d calls", err, calls.Load())
			}
			if tc.ok && (p.Last != 7 || calls.Load() != 2) {
				t.Fatalf("last %d after %d calls", p.Last, calls.Load())
			}
		})
	}
}
