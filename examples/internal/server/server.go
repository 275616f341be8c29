// Package server runs the reference services' HTTP servers: timeouts that
// suit an API, errors logged through slog, and a graceful shutdown when the
// context ends. It is shared by examples/registrod and examples/web.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Options are the optional knobs of Run.
type Options struct {
	// ShutdownTimeout bounds the wait for requests in flight once ctx ends
	// (0: 10 s).
	ShutdownTimeout time.Duration
	// Ready, when set, receives the address listened on (useful with
	// port 0).
	Ready chan<- string
	// Listening is called with that address once the server listens (for a
	// log line naming the service).
	Listening func(addr string)
}

// Run serves h on addr until ctx ends or the server fails, then shuts down,
// waiting for the requests in flight up to opts.ShutdownTimeout. Requests do
// not inherit ctx's cancellation: a signal stops accepting, not the work in
// progress. It returns nil after a clean shutdown.
func Run(ctx context.Context, addr string, h http.Handler, log *slog.Logger, opts Options) error {
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if opts.Listening != nil {
		opts.Listening(ln.Addr().String())
	}
	if opts.Ready != nil {
		opts.Ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
