// Command registrod is Registro's HTTP reference service: the published
// JSON Schemas, questionnaire validation, filings of the annual report, the
// register as each caller may see it, the change feed for regional systems,
// the yearly list and the eligibility check, described by an OpenAPI 3.1
// document at /v1/openapi.json.
//
// Usage:
//
//	registrod [--addr 127.0.0.1:8080] --db sqlite:PATH|postgres://… [--tokens FILE] [--log-level info]
//	          [--code-lists FILE] [--territory FILE] [--silence-policy no_effect|acceptance] [--silence-every 24h]
//
// --code-lists replaces the register's code lists (JSON, codelist.Load's
// format) and --territory its ISTAT territory (a table in territory.Parse's
// format); both reach every path: the register's checks, questionnaire
// validation, filings, eligibility and the yearly list.
//
// The tokens file is a JSON object mapping bearer tokens to identities (see
// api.ParseTokens). Without it every caller is the anonymous public. The
// service stops gracefully on SIGINT or SIGTERM: it stops accepting
// connections and waits up to --shutdown-timeout for requests in flight.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
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
	tokens          string
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
	silence         silenceConfig // silence.go
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
	fs.StringVar(&cfg.tokens, "tokens", "", "JSON file mapping bearer tokens to {role, subject, entityId?, region?}")
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
	cfg.silence.flags(fs)
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
	var tokens api.Tokens
	if cfg.tokens != "" {
		data, err := os.ReadFile(cfg.tokens)
		if err != nil {
			return err
		}
		if tokens, err = api.ParseTokens(data); err != nil {
			return fmt.Errorf("%s: %w", cfg.tokens, err)
		}
	}
	store, err := sqlstore.Open(ctx, cfg.db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	var opts wire.Options
	if err := opts.Data(cfg.codeLists, cfg.territory); err != nil {
		return err
	}
	opts.Silence = cfg.silence.policy
	reg := wire.Registry(store, opts)
	go cfg.silence.run(ctx, reg, log)
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
	deps, err := api.NewDeps(reg, store.Filings(), tokens, log)
	if err != nil {
		return err
	}
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
			log.Info("registrod listening", "addr", addr, "db", store.Dialect(), "tokens", tokens.Len())
		},
	})
	if err != nil {
		return err
	}
	log.Info("registrod stopped")
	return nil
}
