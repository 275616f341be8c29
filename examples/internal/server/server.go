// Package server runs the reference services' HTTP servers: timeouts that
// suit an API, errors logged through slog, and a graceful shutdown when the
// context ends. It is shared by examples/registrod and examples/web.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
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
	// ConnError, when set, gives the Content-Type and body of the errors
	// net/http answers by itself before any handler runs (431 for headers
	// beyond MaxHeaderBytes, 400 for a malformed request, 501 for an
	// unknown transfer encoding), which are otherwise text/plain: an API
	// answers them in its own error format (api.ConnProblem).
	ConnError func(status int) (contentType string, body []byte)
	// MaxHeaderBytes is the hard cap of the request line and headers
	// (0: http.DefaultMaxHeaderBytes, 1 MiB). A handler may enforce a lower
	// limit of its own with a better answer.
	MaxHeaderBytes int
	// TLSCert and TLSKey, when both set, are the PEM files of the server's
	// certificate (chain) and private key: Run then serves HTTPS only, TLS
	// 1.2 or newer (see TLSConfig).
	TLSCert, TLSKey string
	// TrustedProxies are the networks of the reverse proxies in front of the
	// server: from a peer in one of them, and only then, the client address
	// of a request (its RemoteAddr, which rate limits and logs use) is taken
	// from the Forwarded or X-Forwarded-For header (see ClientAddr).
	TrustedProxies []netip.Prefix
}

// Run serves h on addr until ctx ends or the server fails, then shuts down,
// waiting for the requests in flight up to opts.ShutdownTimeout. Requests do
// not inherit ctx's cancellation: a signal stops accepting, not the work in
// progress. It returns nil after a clean shutdown.
func Run(ctx context.Context, addr string, h http.Handler, log *slog.Logger, opts Options) error {
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if len(opts.TrustedProxies) > 0 {
		h = ForwardedFor(h, opts.TrustedProxies)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    opts.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if (opts.TLSCert == "") != (opts.TLSKey == "") {
		return errors.New("server: TLS needs both a certificate and a key")
	}
	if opts.TLSCert != "" {
		cfg, err := TLSConfig(opts.TLSCert, opts.TLSKey)
		if err != nil {
			return err
		}
		srv.TLSConfig = cfg
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if srv.TLSConfig != nil {
		// TLS under the ConnError rewrite, which must see plain HTTP.
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	if opts.ConnError != nil {
		ln = connErrorListener{ln, opts.ConnError}
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

// connErrorListener rewrites the errors net/http writes straight to the
// connection (see ConnError).
type connErrorListener struct {
	net.Listener
	body func(status int) (string, []byte)
}

func (l connErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return connErrorConn{c, l.body}, nil
}

type connErrorConn struct {
	net.Conn
	body func(status int) (string, []byte)
}

// netHTTPErrorHeaders are the headers net/http writes after the status line
// of its own errors, in its order; the responses of handlers carry other
// headers (Date first, in sorted order), so they never match.
const netHTTPErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// Write passes everything through but one of net/http's own error answers,
// which it writes in the ConnError format instead.
func (c connErrorConn) Write(p []byte) (int, error) {
	if status, ok := netHTTPError(p); ok {
		ct, body := c.body(status)
		resp := fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
			status, http.StatusText(status), ct, len(body))
		if _, err := c.Conn.Write(append([]byte(resp), body...)); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// netHTTPError reports whether p is one of net/http's own error answers
// ("HTTP/1.1 431 Request Header Fields Too Large" + netHTTPErrorHeaders +
// text), and its status.
func netHTTPError(p []byte) (int, bool) {
	s := string(p[:min(len(p), 256)])
	rest, ok := strings.CutPrefix(s, "HTTP/1.1 ")
	if !ok || len(rest) < 4 || rest[3] != ' ' {
		return 0, false
	}
	status, err := strconv.Atoi(rest[:3])
	if err != nil || status < 400 || status > 599 {
		return 0, false
	}
	i := strings.Index(rest, netHTTPErrorHeaders)
	if i < 0 || strings.Contains(rest[:i], "\r\n") {
		return 0, false
	}
	return status, true
}
