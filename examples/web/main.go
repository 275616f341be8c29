// Command web serves Registro's reference web front-end — the Registro app
// at "/" (the public pages, the association area, the back office: a
// single-page application styled with Bootstrap Italia), the annual
// questionnaire checked in the browser and then by the service
// (react-jsonschema-form, "/check.html"), and any published schema in JSON
// Forms with the vanilla or the material renderers ("/jsonforms.html") —
// together with the HTTP API of examples/registrod on one origin, so the
// pages need no CORS.
//
// The page is built with Vite from this directory (it is not committed):
//
//	npm ci --prefix examples/web && npm run --prefix examples/web build
//	go run ./examples/web --dist examples/web/dist   # http://127.0.0.1:8090
//
// Usage:
//
//	web --dist DIR [--addr 127.0.0.1:8090] [--db sqlite:PATH|postgres://… | --registrod URL]
//	    [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret S --public-url URL]
//
// With --oidc-issuer people log in (GET /auth/login, Authorization Code with
// PKCE; GET /auth/session says who is logged in; POST /auth/logout) and
// their ID token is the bearer token of their /v1/ requests: to the
// registrod at --registrod, or to the API served here, which then trusts
// that issuer for that audience. The session cookie is HttpOnly,
// SameSite=Lax and Secure, except when --public-url is http://localhost or
// http://127.0.0.1 (development). State-changing requests from other
// origins are refused.
//
// Without --db the register and the filings live in memory: the page only
// reads the schemas and calls the validate endpoint, which needs neither.
// Every other path is a file of --dist; "/" is its index.html, the app, which
// also answers every path that names no file and has no extension (the
// app's own pages, such as /area/relazione/2024: the app routes them in the
// browser). The service
// stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/openregistro/registro/examples/internal/server"
	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/registry/sqlstore"
)

// contentSecurityPolicy allows only this origin. 'unsafe-eval' is there
// because AJV compiles each schema into a JavaScript function at run time;
// a page that precompiles its validators (rjsf's
// compileSchemaValidators) can drop it. Fonts may also be data: URLs, as
// Bootstrap Italia's stylesheet embeds one (its video player's icons):
// they are part of the stylesheet, nothing is fetched.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-eval'; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// config is what the flags say.
type config struct {
	addr            string
	dist            string
	db              string
	logLevel        slog.Level
	shutdownTimeout time.Duration
	registrod       string
	login           loginConfig
	roleClaim       string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
}

// parseFlags reads the command line and checks that --dist holds a built
// page.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8090", "address to listen on")
	fs.StringVar(&cfg.dist, "dist", "", "directory of the built page: examples/web/dist after `npm run build` (required)")
	fs.StringVar(&cfg.db, "db", "", "store: sqlite:PATH, a file path or postgres://…; empty keeps everything in memory")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn, error")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to wait for requests in flight on shutdown")
	fs.StringVar(&cfg.registrod, "registrod", "", "URL of a running registrod to send /v1/ to, instead of serving the API here")
	fs.StringVar(&cfg.login.Issuer, "oidc-issuer", "", "OpenID Connect provider people log in with (e.g. http://127.0.0.1:9998, go run ./examples/idp --dev)")
	fs.StringVar(&cfg.login.ClientID, "oidc-client-id", "registro-web", "this front-end's client ID at the provider")
	fs.StringVar(&cfg.login.ClientSecret, "oidc-client-secret", "", "this front-end's client secret (default: $REGISTRO_WEB_CLIENT_SECRET)")
	fs.StringVar(&cfg.login.PublicURL, "public-url", "", "this front-end's URL, as browsers reach it (default http://ADDR)")
	fs.StringVar(&cfg.roleClaim, "oidc-role-claim", "registro_role", "with the API served here: the claim giving staff and regional roles")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg.login.RoleClaim = cfg.roleClaim
	if cfg.dist == "" {
		return cfg, errors.New("no page: pass --dist examples/web/dist (build it with `npm ci && npm run build` in examples/web)")
	}
	if cfg.registrod != "" && cfg.db != "" {
		return cfg, errors.New("--db and --registrod exclude each other: the register is registrod's")
	}
	if cfg.login.ClientSecret == "" {
		cfg.login.ClientSecret = os.Getenv("REGISTRO_WEB_CLIENT_SECRET")
	}
	if cfg.login.PublicURL == "" {
		cfg.login.PublicURL = "http://" + cfg.addr
	}
	if cfg.login.Issuer != "" && (cfg.login.ClientID == "" || cfg.login.ClientSecret == "") {
		return cfg, errNoLogin
	}
	if st, err := os.Stat(filepath.Join(cfg.dist, "index.html")); err != nil || st.IsDir() {
		return cfg, fmt.Errorf("%s has no index.html: build the page with `npm ci && npm run build` in examples/web", cfg.dist)
	}
	return cfg, nil
}

// run serves until ctx ends (a signal) or the server fails. ready, when not
// nil, receives the listening address. It returns the exit code: 0 after a
// clean shutdown, 1 on a failure, 2 on bad usage.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "web:", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	if err := serve(ctx, cfg, log, ready); err != nil {
		log.Error("web stopped", "error", err)
		return 1
	}
	return 0
}

// serve wires the store and the API under the page, and serves until ctx
// ends.
func serve(ctx context.Context, cfg config, log *slog.Logger, ready chan<- string) error {
	var login *auth
	if cfg.login.Issuer != "" {
		var err error
		if login, err = newAuth(ctx, cfg.login, log); err != nil {
			return err
		}
	}
	if cfg.registrod != "" {
		target, err := url.Parse(cfg.registrod)
		if err != nil || target.Host == "" {
			return fmt.Errorf("--registrod %q is not a URL", cfg.registrod)
		}
		proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) }}
		return server.Run(ctx, cfg.addr, newHandler(proxy, cfg.dist, login), log, server.Options{
			ShutdownTimeout: cfg.shutdownTimeout, Ready: ready,
			Listening: func(addr string) { log.Info("web listening", "url", "http://"+addr+"/", "registrod", cfg.registrod) },
		})
	}
	var (
		store   registry.Store = memstore.New()
		filings questionnaire.FilingStore
	)
	if cfg.db != "" {
		s, err := sqlstore.Open(ctx, cfg.db, sqlstore.Options{})
		if err != nil {
			return err
		}
		defer s.Close()
		store, filings = s, s.Filings()
	} else {
		filings = questionnaire.NewMemStore()
	}
	deps, err := api.NewDeps(wire.Registry(store, wire.Options{}), filings, api.Tokens{}, log)
	if err != nil {
		return err
	}
	if login != nil {
		if deps.OIDC, err = api.NewOIDC(ctx, api.OIDCConfig{Issuers: []api.OIDCIssuer{{URL: cfg.login.Issuer, Audience: cfg.login.ClientID}},
			RoleClaim: cfg.roleClaim}); err != nil {
			return err
		}
	}
	return server.Run(ctx, cfg.addr, newHandler(api.New(deps, api.Options{}), cfg.dist, login), log, server.Options{
		ShutdownTimeout: cfg.shutdownTimeout,
		Ready:           ready,
		Listening: func(addr string) {
			log.Info("web listening", "url", "http://"+addr+"/", "dist", cfg.dist, "db", cfg.db != "")
		},
	})
}

// isAppPage reports whether p is a page of the single-page app rather than a
// file: no extension in its last segment, not under /assets/, and no such
// file in dist.
func isAppPage(dist, p string) bool {
	if p == "/" || strings.HasPrefix(p, "/assets/") || strings.Contains(path.Base(p), ".") {
		return false
	}
	_, err := os.Stat(filepath.Join(dist, filepath.FromSlash(path.Clean(p))))
	return errors.Is(err, fs.ErrNotExist)
}

// newHandler routes /v1/ and /healthz to the API and everything else to the
// files of dist, with the page's security headers. Vite's hashed files under
// /assets/ are cached for a year; index.html is revalidated every time. With
// login, /auth/ logs people in and out and the API gets their token.
// State-changing requests from other origins are refused (CSRF).
func newHandler(apiHandler http.Handler, dist string, login *auth) http.Handler {
	files := http.FileServer(http.Dir(dist))
	mux := http.NewServeMux()
	if login != nil {
		login.routes(mux)
		apiHandler = login.withToken(apiHandler)
	}
	mux.Handle("/v1/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.URL.Path != "/" && strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(r.URL.Path, "/assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if isAppPage(dist, r.URL.Path) {
			r = r.Clone(r.Context())
			r.URL.Path = "/"
		}
		files.ServeHTTP(w, r)
	})
	return http.NewCrossOriginProtection().Handler(mux)
}
