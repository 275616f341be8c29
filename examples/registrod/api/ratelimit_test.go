package api_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// newMemHandler returns the API over an empty in-memory register, with
// one staff token, "staff-token-0123456789".
func newMemHandler(t *testing.T, opts api.Options) http.Handler {
	t.Helper()
	deps, err := newDeps(registry.New(memstore.New(), registry.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	deps.Tokens, err = api.NewTokens(map[string]api.Identity{tokStaff: {Role: registry.RoleStaff, Subject: "staff:test"}})
	if err != nil {
		t.Fatal(err)
	}
	return api.New(deps, opts)
}

// exchange sends one request from addr with the headers hdr (name, value,
// …) to h, checking the exchange against the contract.
func exchange(t *testing.T, h http.Handler, method, target, addr string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.RemoteAddr = addr
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	checkContract(t, req, nil, rec)
	return rec
}

func TestRateLimit(t *testing.T) {
	h := newMemHandler(t, api.Options{RateLimit: 0.001, RateBurst: 3})
	const a, b = "192.0.2.1:1000", "192.0.2.2:1000"
	for _, tc := range []struct {
		name, addr, token string
		status            int
		remaining         string
	}{
		{"a 1", a, "", 200, "2"},
		{"a 2, another port", "192.0.2.1:2000", "", 200, "1"},
		{"a 3", a, "", 200, "0"},
		{"a 4: spent", a, "", 429, "0"},
		{"b has its own bucket", b, "", 200, "2"},
		{"an unknown token counts against the address", a, "no-such-token-0123456789", 429, "0"},
		{"a known token has its own bucket", a, tokStaff, 200, "2"},
		{"the token's bucket follows it to another address", b, tokStaff, 200, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.token != "" {
				hdr = []string{"Authorization", "Bearer " + tc.token}
			}
			rec := exchange(t, h, "GET", "/v1/schemas", tc.addr, hdr...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, truncate(rec.Body.String()))
			}
			if got := rec.Header().Get("X-RateLimit-Limit"); got != "3" {
				t.Errorf("X-RateLimit-Limit %q", got)
			}
			if got := rec.Header().Get("X-RateLimit-Remaining"); got != tc.remaining {
				t.Errorf("X-RateLimit-Remaining %q, want %s", got, tc.remaining)
			}
			if n, err := strconv.Atoi(rec.Header().Get("X-RateLimit-Reset")); err != nil || n < 0 {
				t.Errorf("X-RateLimit-Reset %q", rec.Header().Get("X-RateLimit-Reset"))
			}
			if tc.status == 429 {
				wantProblem(t, rec, 429)
				if n, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || n < 1 {
					t.Errorf("Retry-After %q", rec.Header().Get("Retry-After"))
				}
			}
		})
	}
}

func TestRateLimitOff(t *testing.T) {
	h := newMemHandler(t, api.Options{RateLimit: -1})
	for range 200 {
		rec := exchange(t, h, "GET", "/status", "192.0.2.1:1000")
		if rec.Code != 200 || rec.Header().Get("X-RateLimit-Limit") != "" {
			t.Fatalf("status %d, X-RateLimit-Limit %q", rec.Code, rec.Header().Get("X-RateLimit-Limit"))
		}
	}
}

func TestCORS(t *testing.T) {
	const app = "https://app.example.org"
	preflight := []string{"Origin", app, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type"}
	for _, tc := range []struct {
		name    string
		origins []string
		method  string
		hdr     []string
		status  int
		allow   string // Access-Control-Allow-Origin
	}{
		{"off by default: no header", nil, "GET", []string{"Origin", app}, 200, ""},
		{"off by default: no preflight", nil, "OPTIONS", preflight, 405, ""},
		{"allowed origin", []string{app}, "GET", []string{"Origin", app}, 200, app},
		{"allowed origin's preflight", []string{app}, "OPTIONS", preflight, 204, app},
		{"other origin", []string{app}, "GET", []string{"Origin", "https://evil.example"}, 200, ""},
		{"other origin's preflight", []string{app}, "OPTIONS", []string{"Origin", "https://evil.example", "Access-Control-Request-Method", "POST"}, 405, ""},
		{"any origin", []string{"*"}, "GET", []string{"Origin", "https://evil.example"}, 200, "https://evil.example"},
		{"no Origin", []string{app}, "GET", nil, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newMemHandler(t, api.Options{CORSOrigins: tc.origins})
			rec := exchange(t, h, tc.method, "/v1/schemas", "192.0.2.1:1000", tc.hdr...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.allow {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.allow)
			}
			if tc.status == 204 && (rec.Header().Get("Access-Control-Allow-Methods") == "" || rec.Header().Get("Access-Control-Allow-Headers") == "") {
				t.Errorf("preflight without Allow-Methods/Headers: %v", rec.Header())
			}
			if tc.allow != "" && tc.status == 200 && rec.Header().Get("Access-Control-Expose-Headers") == "" {
				t.Error("no Access-Control-Expose-Headers")
			}
		})
	}
}

func TestCheckOrigins(t *testing.T) {
	for _, tc := range []struct {
		origins []string
		ok      bool
	}{
		{nil, true},
		{[]string{"*"}, true},
		{[]string{"https://app.example.org", "http://localhost:5173"}, true},
		{[]string{"app.example.org"}, false},
		{[]string{"https://app.example.org/"}, false},
		{[]string{"ftp://x"}, false},
	} {
		if err := api.CheckOrigins(tc.origins); (err == nil) != tc.ok {
			t.Errorf("CheckOrigins(%q) = %v", tc.origins, err)
		}
	}
}
