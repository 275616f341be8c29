// Command registrod is Registro's HTTP reference service: the published
// JSON Schemas, questionnaire validation, filings of the annual report, the
// register as each caller may see it, the change feed for regional systems,
// the yearly list and the eligibility check, described by an OpenAPI 3.1
// document at /v1/openapi.json.
//
// Usage:
//
//	registrod [--addr 127.0.0.1:8080] --db sqlite:PATH|postgres://… [--log-level info]
//	          [--oidc-issuer URL,AUDIENCE[,JWKS_URL]]… [--oidc-staff CF,…] [--oidc-role-claim NAME]
//	          [--oidc-clock-skew 1m] [--code-lists FILE] [--territory FILE]
//	registrod --db … --import-tokens FILE [--import-tokens-expiry 2160h]
//
// --code-lists replaces the register's code lists (JSON, codelist.Load's
// format) and --territory its ISTAT territory (a table in territory.Parse's
// format); both reach every path: the register's checks, questionnaire
// validation, filings, eligibility and the yearly list.
//
// Callers authenticate with a bearer token: a person's JWT from one of the
// trusted OpenID Connect issuers (--oidc-issuer, repeatable: the issuer URL,
// the audience its tokens must name, and optionally its JWKS URL, else read
// from its discovery document), or a machine client's API token, issued by
// staff through POST /v1/api-tokens and kept hashed in the database. A person
// is staff when their codice fiscale is in --oidc-staff or the claim
// --oidc-role-claim says "staff" ("region:NN": a regional officer);
// otherwise the register says which bodies they act for (the Registro-Entity
// header). Without a token a caller is the anonymous public.
//
// --import-tokens migrates the tokens file of earlier versions (a JSON
// object mapping bearer tokens to {role, subject, entityId?, region?}): each
// token becomes an API token in the database — its hash, never the token —
// named after its subject and expiring after --import-tokens-expiry, so its
// holder keeps calling with it; then registrod exits. The service stops
// gracefully on SIGINT or SIGTERM: it stops accepting connections and waits
// up to --shutdown-timeout for requests in flight.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/openregistro/registro/examples/internal/release"

	"github.com/openregistro/registro/examples/internal/server"
	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// config is what the flags say.
type config struct {
	addr            string
	db              string
	importTokens    string
	importExpiry    time.Duration
	oidcIssuers     []api.OIDCIssuer
	oidcStaff       string
	oidcRoleClaim   string
	oidcSkew        time.Duration
	version         bool
	codeLists       string
	territory       string
	logLevel        slog.Level
	shutdownTimeout time.Duration
	requestTimeout  time.Duration
	openapi         bool
	rateLimit       float64
	rateBurst       int
	corsOrigins     string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
}

// origins returns the --cors-origins list.
func (c config) origins() []string {
	var out []string
	for _, o := range strings.Split(c.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("registrod", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&cfg.db, "db", "", "store: sqlite:PATH, a file path or postgres://… (required)")
	fs.StringVar(&cfg.importTokens, "import-tokens", "", "import the bearer tokens of a tokens file of earlier versions as hashed API tokens, and exit")
	fs.DurationVar(&cfg.importExpiry, "import-tokens-expiry", 90*24*time.Hour, "how long the tokens --import-tokens imports stay valid")
	fs.Func("oidc-issuer", "a trusted OpenID Connect issuer: URL,AUDIENCE[,JWKS_URL] (repeatable)", func(v string) error {
		parts := strings.Split(v, ",")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return fmt.Errorf("want URL,AUDIENCE[,JWKS_URL], got %q", v)
		}
		is := api.OIDCIssuer{URL: parts[0], Audience: parts[1]}
		if len(parts) == 3 {
			is.JWKSURL = parts[2]
		}
		cfg.oidcIssuers = append(cfg.oidcIssuers, is)
		return nil
	})
	fs.StringVar(&cfg.oidcStaff, "oidc-staff", "", "comma-separated codici fiscali of the ministry's staff")
	fs.StringVar(&cfg.oidcRoleClaim, "oidc-role-claim", "", "claim giving a role outright (\"staff\", \"region:NN\"); only for issuers the register's administrators control")
	fs.DurationVar(&cfg.oidcSkew, "oidc-clock-skew", api.DefaultClockSkew, "leeway on the tokens' exp, nbf and iat")
	fs.StringVar(&cfg.codeLists, "code-lists", "", "JSON file of code lists replacing the default ones")
	fs.StringVar(&cfg.territory, "territory", "", "territory table replacing the embedded ISTAT one")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	fs.BoolVar(&cfg.openapi, "openapi", false, "print the OpenAPI document (the one served at /v1/openapi.json) to standard output and exit")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn, error")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to wait for requests in flight on shutdown")
	fs.Float64Var(&cfg.rateLimit, "rate-limit", api.DefaultRateLimit, "sustained requests per second of each caller (its token, else its address); negative: no limit")
	fs.IntVar(&cfg.rateBurst, "rate-burst", api.DefaultRateBurst, "requests a caller may make at once before --rate-limit applies")
	fs.StringVar(&cfg.corsOrigins, "cors-origins", "", "comma-separated origins (https://app.example.org, or *) whose browser front-ends may call the API; empty: no CORS")
	fs.DurationVar(&cfg.requestTimeout, "request-timeout", api.DefaultRequestTimeout, "deadline of every request: past it, its work stops and the answer is a 503 problem")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.version || cfg.openapi {
		return cfg, nil
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.db == "" {
		return cfg, errors.New("no database: pass --db sqlite:PATH or --db postgres://…")
	}
	if cfg.rateLimit == 0 || cfg.rateBurst <= 0 {
		return cfg, fmt.Errorf("--rate-limit must not be 0 (negative for none) and --rate-burst must be positive")
	}
	if err := api.CheckOrigins(cfg.origins()); err != nil {
		return cfg, fmt.Errorf("--cors-origins: %w", err)
	}
	if cfg.requestTimeout <= 0 {
		return cfg, fmt.Errorf("--request-timeout must be positive, not %s", cfg.requestTimeout)
	}
	return cfg, nil
}

// run starts the service and blocks until ctx ends (a signal) or the server
// fails. ready, when not nil, receives the listening address. It returns the
// exit code: 0 after a clean shutdown, 1 on a failure, 2 on bad usage.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "registrod:", err)
		return 2
	}
	if cfg.version {
		fmt.Fprintln(stderr, release.VersionLine("registrod"))
		return 0
	}
	if cfg.openapi {
		if _, err := os.Stdout.Write(api.OpenAPI()); err != nil {
			fmt.Fprintln(stderr, "registrod:", err)
			return 1
		}
		return 0
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	if err := serve(ctx, cfg, log, ready); err != nil {
		log.Error("registrod stopped", "error", err)
		return 1
	}
	return 0
}

// serve wires the store, the register and the API, and serves until ctx ends.
func serve(ctx context.Context, cfg config, log *slog.Logger, ready chan<- string) error {
	store, err := sqlstore.Open(ctx, cfg.db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	var opts wire.Options
	if err := opts.Data(cfg.codeLists, cfg.territory); err != nil {
		return err
	}
	reg := wire.Registry(store, opts)
	if cfg.importTokens != "" {
		return importTokens(ctx, reg, cfg.importTokens, cfg.importExpiry, log)
	}
	var oidc *api.OIDC
	if len(cfg.oidcIssuers) > 0 {
		if oidc, err = api.NewOIDC(ctx, api.OIDCConfig{Issuers: cfg.oidcIssuers, Staff: splitList(cfg.oidcStaff),
			RoleClaim: cfg.oidcRoleClaim, ClockSkew: cfg.oidcSkew}); err != nil {
			return err
		}
	}
	// A filing and its change-feed event are two writes: repair any filing a
	// previous run stored but did not get to record.
	var years []int
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		years = append(years, y)
	}
	if n, err := questionnaire.RecordMissingFilings(ctx, reg, store.Filings(), registry.Staff("registrod:repair"), years...); err != nil {
		return fmt.Errorf("recording missing filings: %w", err)
	} else if n > 0 {
		log.Warn("recorded filings missing from the change feed", "count", n)
	}
	deps, err := api.NewDeps(reg, store.Filings(), api.Tokens{}, log)
	if err != nil {
		return err
	}
	deps.OIDC = oidc
	err = server.Run(ctx, cfg.addr, api.New(deps, api.Options{
		RequestTimeout: cfg.requestTimeout,
		RateLimit:      cfg.rateLimit,
		RateBurst:      cfg.rateBurst,
		CORSOrigins:    cfg.origins(),
	}), log, server.Options{
		ShutdownTimeout: cfg.shutdownTimeout,
		Ready:           ready,
		// net/http's own errors (431 past its 1 MiB hard cap, a malformed
		// request) are problems too; the API answers 431 past 64 KiB.
		ConnError:      api.ConnProblem,
		MaxHeaderBytes: 1 << 20,
		Listening: func(addr string) {
			log.Info("registrod listening", "addr", addr, "db", store.Dialect(), "oidc_issuers", len(cfg.oidcIssuers))
		},
	})
	if err != nil {
		return err
	}
	log.Info("registrod stopped")
	return nil
}

// splitList returns the non-empty items of a comma-separated list.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// importTokens stores each bearer token of the tokens file path as a hashed
// API token named after its subject (lower-cased; a "cf:" subject stays the
// person's, who may still file their body's reports).
func importTokens(ctx context.Context, reg *registry.Registry, path string, expiry time.Duration, log *slog.Logger) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if _, err := api.ParseTokens(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var m map[string]api.Identity
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	secrets := make([]string, 0, len(m))
	for k := range m {
		secrets = append(secrets, k)
	}
	sort.Strings(secrets)
	staff := registry.Staff("registrod:import-tokens")
	until := reg.Now().Add(expiry)
	for i, secret := range secrets {
		id := m[secret]
		name := strings.ToLower(id.Subject)
		if cf, ok := strings.CutPrefix(id.Subject, "cf:"); ok {
			name = "cf:" + strings.ToUpper(cf) // a person's token: they may still file
		}
		t, err := reg.ImportAPIToken(ctx, staff, registry.APIToken{Name: name, Role: id.Role, EntityID: id.EntityID,
			Region: id.Region, ExpiresAt: until}, secret)
		if err != nil {
			return fmt.Errorf("%s: token #%d (subject %q): %w", path, i+1, id.Subject, err)
		}
		log.Info("imported API token", "id", t.ID, "name", t.Name, "role", t.Role.String(), "expires", t.ExpiresAt)
	}
	log.Info("tokens imported: the file is no longer read; delete it", "count", len(secrets))
	return nil
}
