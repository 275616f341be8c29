package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/server"
)

func TestRunServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	log := slog.New(slog.DiscardHandler)
	go func() {
		done <- server.Run(ctx, "127.0.0.1:0", h, log, server.Options{Ready: ready, ShutdownTimeout: time.Second})
	}()
	addr := <-ready
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("got %q", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	if err := server.Run(context.Background(), "256.0.0.1:0", h, log, server.Options{}); err == nil {
		t.Fatal("a bad address must fail")
	}
}

// TestConnError: the errors net/http answers before any handler runs are
// written in the ConnError format; handlers' answers pass untouched.
func TestConnError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "handler")
	})
	connErr := func(status int) (string, []byte) {
		return "application/problem+json", []byte(fmt.Sprintf(`{"status":%d}`, status))
	}
	go func() {
		done <- server.Run(ctx, "127.0.0.1:0", h, slog.New(slog.DiscardHandler),
			server.Options{Ready: ready, ShutdownTimeout: time.Second, ConnError: connErr, MaxHeaderBytes: 4096})
	}()
	addr := <-ready
	for _, tc := range []struct {
		name, req string
		status    int
		ct, body  string
	}{
		{"headers too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("x", 20000) + "\r\n\r\n",
			431, "application/problem+json", `{"status":431}`},
		{"malformed", "NOT HTTP\r\n\r\n", 400, "application/problem+json", `{"status":400}`},
		{"unknown transfer encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: weird\r\n\r\n",
			501, "application/problem+json", `{"status":501}`},
		{"handler", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "text/plain; charset=utf-8", "handler"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, tc.req); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.ct || string(body) != tc.body {
				t.Fatalf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		})
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
