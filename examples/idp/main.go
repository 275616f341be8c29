// Command idp is a DEVELOPMENT OpenID Connect provider for Registro's demo
// and tests: it logs in the people of the demo register (the one "registro
// demo" builds with the same --year, --seed and --scale) — legal
// representatives of enrolled bodies, a referent, a clerk of the ministry and
// an officer of a Region — and issues ID tokens carrying their codice
// fiscale in the fiscal_number claim, as a SPID or CIE provider reached
// through OpenID Connect does with fiscalNumber. It runs offline.
//
// It is built on zitadel/oidc's OpenID Provider (package op, certified by
// the OpenID Foundation) with that library's in-memory example storage and
// login page: Authorization Code with PKCE (S256), discovery, JWKS, userinfo,
// end session. Every password is the same, sessions and keys live in memory,
// and its tokens' encryption key is fixed: it is NEVER a production identity
// provider, and it refuses to start without --dev.
//
// Usage:
//
//	idp --dev [--addr 127.0.0.1:9998] [--issuer http://127.0.0.1:9998]
//	    [--client-id registro-web] [--client-secret SECRET]
//	    [--redirect http://127.0.0.1:8090/auth/callback,…]
//	    [--year 2024 --seed 1 --scale 1] [--people N]
//
// It prints the people it knows (name, codice fiscale, role, body) and the
// password. The ID tokens' audience is --client-id: start registrod with
// --oidc-issuer ISSUER,CLIENT_ID --oidc-role-claim registro_role.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/openregistro/registro/examples/internal/devidp"
	"github.com/openregistro/registro/examples/internal/server"
)

// config is what the flags say.
type config struct {
	dev                    bool
	addr, issuer           string
	clientID, clientSecret string
	redirects              string
	year                   int
	seed                   uint64
	scale                  float64
	people                 int
	logLevel               slog.Level
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("idp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.BoolVar(&cfg.dev, "dev", false, "required: acknowledge that this is a development provider, never for production")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:9998", "address to listen on")
	fs.StringVar(&cfg.issuer, "issuer", "", "issuer URL (default http://ADDR)")
	fs.StringVar(&cfg.clientID, "client-id", "registro-web", "the web front-end's client ID (the ID tokens' audience)")
	fs.StringVar(&cfg.clientSecret, "client-secret", "registro-web-dev-secret", "the web front-end's client secret")
	fs.StringVar(&cfg.redirects, "redirect", "http://127.0.0.1:8090/auth/callback,http://localhost:8090/auth/callback", "comma-separated redirect URIs of the client")
	fs.IntVar(&cfg.year, "year", 2024, "reporting year of the demo register")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the demo register")
	fs.Float64Var(&cfg.scale, "scale", 1, "scale of the demo register")
	fs.IntVar(&cfg.people, "people", 5, "how many legal representatives of enrolled bodies log in")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if !cfg.dev {
		return cfg, errors.New("this is a DEVELOPMENT identity provider (fixed passwords, keys in memory): pass --dev to acknowledge it; never use it in production")
	}
	if cfg.issuer == "" {
		cfg.issuer = "http://" + cfg.addr
	}
	if u, err := url.Parse(cfg.issuer); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return cfg, fmt.Errorf("--issuer %q is not an http(s) URL", cfg.issuer)
	}
	if cfg.people < 1 || cfg.people > 100 {
		return cfg, fmt.Errorf("--people must be 1–100, not %d", cfg.people)
	}
	return cfg, nil
}

// run serves until ctx ends. ready, when not nil, receives the address.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "idp:", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	people, err := devidp.DemoPeople(cfg.year, cfg.seed, cfg.scale, cfg.people)
	if err != nil {
		log.Error("idp: demo register", "error", err)
		return 1
	}
	fmt.Fprintf(stdout, "DEVELOPMENT identity provider %s — password of everyone: %q\n", cfg.issuer, devidp.DemoPassword)
	for _, p := range people {
		fmt.Fprintf(stdout, "  %s  %s %s — %s\n", p.CodiceFiscale, p.FirstName, p.LastName, p.What)
	}
	h, err := devidp.Handler(cfg.issuer, cfg.clientID, cfg.clientSecret, strings.Split(cfg.redirects, ","), people, log)
	if err != nil {
		log.Error("idp", "error", err)
		return 1
	}
	log.Warn("DEVELOPMENT identity provider: never use it in production")
	if err := server.Run(ctx, cfg.addr, h, log, server.Options{ShutdownTimeout: 5 * time.Second, Ready: ready,
		Listening: func(addr string) { log.Info("idp listening", "issuer", cfg.issuer, "addr", addr) }}); err != nil {
		log.Error("idp stopped", "error", err)
		return 1
	}
	return 0
}
