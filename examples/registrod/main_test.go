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

func TestRunServesAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(tokens, []byte(`{"0123456789abcdef-staff": {"role": "staff", "subject": "staff:t"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(dir, "r.db"), "--tokens", tokens}, &logs, ready)
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
	}{
		{"/healthz", "", 200},
		{"/v1/events", "0123456789abcdef-staff", 200},
		{"/v1/events", "", 401},
	} {
		req, _ := http.NewRequest("GET", "http://"+addr+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
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
		{"help", []string{"--help"}, 0},
		{"bad tokens", []string{"--db", "sqlite:" + filepath.Join(dir, "r.db"), "--tokens", bad}, 1},
		{"missing tokens file", []string{"--db", "sqlite:" + filepath.Join(dir, "r.db"), "--tokens", filepath.Join(dir, "none.json")}, 1},
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
