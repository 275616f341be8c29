package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
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
