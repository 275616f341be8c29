package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestMain keeps the tests' metrics listeners off the default port.
func TestMain(m *testing.M) {
	os.Setenv("REGISTRO_METRICS_ADDR", "127.0.0.1:0")
	os.Exit(m.Run())
}

func TestRunServesAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(tokens, []byte(`{"0123456789abcdef-staff": {"role": "staff", "subject": "staff:t"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// The tokens file of earlier versions is imported into the database,
	// hashed: its holders keep their tokens.
	db := "sqlite:" + filepath.Join(dir, "r.db")
	var imported syncBuffer
	if code := run(context.Background(), []string{"--db", db, "--create", "--import-tokens", tokens}, &imported, nil); code != 0 {
		t.Fatalf("--import-tokens exited %d: %s", code, imported.String())
	}
	if code := run(context.Background(), []string{"--db", db, "--import-tokens", tokens}, &imported, nil); code != 1 {
		t.Fatalf("importing the same tokens again exited %d, want 1 (a conflict): %s", code, imported.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", db}, &logs, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("exited %d: %s", code, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("not ready")
	}
	for _, tc := range []struct {
		path, token string
		status      int
		body, pad   string
	}{
		{path: "/healthz", status: 200},
		{path: "/v1/events", token: "0123456789abcdef-staff", status: 200},
		{path: "/v1/events", status: 401},
		// Issue 15: never a 500 nor text/plain.
		{path: "/v1/entities?q=%00", status: 400},
		{path: "/v1/entities/%FF", status: 400},
		{path: "/v1/questionnaires/2024/validate", status: 200, body: `{"reportingYear":1e999999999}`},
		{path: "/v1/eligibility", status: 422, body: `{"date":1e999999999}`},
		{path: "/healthz", status: 431, pad: strings.Repeat("x", 100<<10)},
	} {
		method := "GET"
		var rd io.Reader
		if tc.body != "" {
			method, rd = "POST", strings.NewReader(tc.body)
		}
		req, _ := http.NewRequest(method, "http://"+addr+tc.path, rd)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		if tc.pad != "" {
			req.Header.Set("X-Pad", tc.pad)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.path, resp.StatusCode, tc.status, body)
		}
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode >= 400 && ct != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tc.path, ct)
		}
		if tc.body != "" && resp.StatusCode == 200 && !strings.Contains(string(body), "number_out_of_bounds") {
			t.Errorf("%s: %s", tc.path, body)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no shutdown")
	}
	if !strings.Contains(logs.String(), "registrod stopped") || !strings.Contains(logs.String(), `"status":401`) {
		t.Errorf("log: %s", logs.String())
	}
}

func TestRunUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"short": {"role": "staff", "subject": "s"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no db", nil, 2},
		{"extra argument", []string{"--db", "sqlite:x.db", "extra"}, 2},
		{"unknown flag", []string{"--nope"}, 2},
		{"no request deadline", []string{"--db", "sqlite:x.db", "--request-timeout", "0s"}, 2},
		{"zero rate limit", []string{"--db", "sqlite:x.db", "--rate-limit", "0"}, 2},
		{"zero burst", []string{"--db", "sqlite:x.db", "--rate-burst", "0"}, 2},
		{"zero idempotency retention", []string{"--db", "sqlite:x.db", "--idempotency-retention", "0s"}, 2},
		{"bad CORS origin", []string{"--db", "sqlite:x.db", "--cors-origins", "https://ok.example, app.example.org"}, 2},
		{"openapi needs no db", []string{"--openapi"}, 0},
		{"help", []string{"--help"}, 0},
		{"tokens flag gone", []string{"--db", "sqlite:" + filepath.Join(dir, "r.db"), "--tokens", bad}, 2},
		{"bad tokens", []string{"--db", "sqlite:" + filepath.Join(dir, "r.db"), "--import-tokens", bad}, 1},
		{"missing tokens file", []string{"--db", "sqlite:" + filepath.Join(dir, "r.db"), "--import-tokens", filepath.Join(dir, "none.json")}, 1},
		{"bad issuer flag", []string{"--db", "sqlite:x.db", "--oidc-issuer", "http://127.0.0.1:1"}, 2},
		{"issuer not answering", []string{"--db", "sqlite:" + filepath.Join(dir, "r.db"), "--oidc-issuer", "http://127.0.0.1:1,registro"}, 1},
		{"bad staff", []string{"--db", "sqlite:" + filepath.Join(dir, "r.db"), "--oidc-issuer", "http://127.0.0.1:1,registro,http://127.0.0.1:1/keys", "--oidc-staff", "nobody"}, 1},
		{"bad dsn", []string{"--db", "mysql://x"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out syncBuffer
			if code := run(context.Background(), tc.args, &out, nil); code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, out.String())
			}
		})
	}
}

func TestVersionFlag(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"--version"}, &out, nil); code != 0 || !strings.HasPrefix(out.String(), "registrod ") {
		t.Fatalf("exit %d, %q", code, out.String())
	}
}
