// Command registrod is Registro's HTTP reference service: the published
// JSON Schemas, questionnaire validation, filings of the annual report, the
// register as each caller may see it, the change feed for regional systems,
// the yearly list and the eligibility check, described by an OpenAPI 3.1
// document at /v1/openapi.json.
//
// Usage:
//
//	registrod [check-config] [--addr 127.0.0.1:8080] --db sqlite:PATH|postgres://… [--create]
//	          [--oidc-issuer URL,AUDIENCE[,JWKS_URL]]… [--oidc-staff CF,…] [--oidc-role-claim NAME]
//	          [--oidc-clock-skew 1m] [--log-level info] [--code-lists FILE] [--territory FILE]
//	          [--metrics-addr 127.0.0.1:9464] [--tls-cert FILE --tls-key FILE]
//	          [--trusted-proxies CIDR,…] [--silence-policy no_effect|acceptance] [--silence-every 24h]
//	registrod --db … --import-tokens FILE [--import-tokens-expiry 2160h]
//
// Every flag but --version and --openapi can be given as an environment
// variable instead: REGISTRO_ and the name in upper case with '_' for '-'
// (REGISTRO_RATE_LIMIT); the command line wins. --db must name an existing
// register unless --create; check-config validates the configuration and
// the database and exits. /metrics is served on --metrics-addr, /healthz
// (liveness) and /readyz (readiness, 503 while migrating) on --addr. See
// the README's "Operating registrod".
//
// --code-lists replaces the register's code lists (JSON, codelist.Load's
// format) and --territory its ISTAT territory (a table in territory.Parse's
// format); both reach every path: the register's checks, questionnaire
// validation, filings, eligibility and the yearly list.
//
// Callers are people logged in through a trusted OpenID Connect issuer
// (--oidc-issuer; who acts for which body is read from the register) and
// machine clients holding API tokens, which staff issue through the API and
// the register keeps hashed. --import-tokens moves the tokens file of earlier
// versions into the register once. Without either every caller is the
// anonymous public. The service stops gracefully on SIGINT or SIGTERM: it stops accepting
// connections and waits up to --shutdown-timeout for requests in flight.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/openregistro/registro/examples/internal/release"

	"github.com/openregistro/registro/examples/internal/server"
	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
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
	if cfg.checkOnly {
		if err := checkConfig(ctx, cfg, log); err != nil {
			log.Error("configuration is not valid", "error", err)
			return 1
		}
		return 0
	}
	if cfg.importTokens != "" {
		if err := importTokensFile(ctx, cfg, log); err != nil {
			log.Error("tokens not imported", "error", err)
			return 1
		}
		return 0
	}
	if err := serve(ctx, cfg, log, ready); err != nil {
		log.Error("registrod stopped", "error", err)
		return 1
	}
	return 0
}

// serve wires the store, the register and the API, and serves until ctx
// ends. It listens first, answering /healthz and (503) /readyz while the
// database is opened and migrated (api.Starting), then installs the API;
// ready receives the address once the API answers.
func serve(ctx context.Context, cfg config, log *slog.Logger, ready chan<- string) error {
	log.Info("registrod configuration", cfg.effective()...)
	var oidc *api.OIDC
	if len(cfg.oidcIssuers) > 0 {
		var err error
		if oidc, err = api.NewOIDC(ctx, api.OIDCConfig{Issuers: cfg.oidcIssuers, Staff: splitList(cfg.oidcStaff),
			RoleClaim: cfg.oidcRoleClaim, ClockSkew: cfg.oidcSkew}); err != nil {
			return err
		}
	}
	var opts wire.Options
	if err := opts.Data(cfg.codeLists, cfg.territory); err != nil {
		return err
	}
	opts.Silence = cfg.silence.policy
	if err := sqlstore.CheckDSN(cfg.db); err != nil {
		return err
	}
	m := newMetrics()
	apiMetrics := api.NewMetrics(m.reg)
	var handler atomic.Pointer[http.Handler]
	starting := api.Starting()
	handler.Store(&starting)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	listening := make(chan string, 1)
	errc := make(chan error, 2)
	servers := 1
	go func() {
		errc <- server.Run(ctx, cfg.addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			(*handler.Load()).ServeHTTP(w, r)
		}), log, server.Options{
			ShutdownTimeout: cfg.shutdownTimeout,
			Ready:           listening,
			// net/http's own errors (431 past its 1 MiB hard cap, a malformed
			// request) are problems too; the API answers 431 past 64 KiB.
			ConnError:      api.ConnProblem,
			MaxHeaderBytes: 1 << 20,
			TLSCert:        cfg.tlsCert,
			TLSKey:         cfg.tlsKey,
			TrustedProxies: cfg.proxies,
		})
	}()
	if cfg.metricsAddr != "" {
		servers++
		go func() {
			errc <- server.Run(ctx, cfg.metricsAddr, m.handler(), log, server.Options{
				ShutdownTimeout: cfg.shutdownTimeout,
				Listening: func(addr string) {
					log.Info("registrod metrics listening", "addr", addr)
				},
			})
		}()
	}
	// stop ends the servers and returns the first error.
	stop := func(first error) error {
		cancel()
		for range servers {
			if err := <-errc; first == nil && err != nil {
				first = err
			}
		}
		return first
	}
	var addr string
	select {
	case addr = <-listening:
	case err := <-errc:
		servers--
		return stop(err)
	}
	log.Info("registrod starting: opening and migrating the database", "addr", addr, "db", redactDSN(cfg.db))
	store, err := openStore(ctx, cfg, sqlstore.Options{WriteWait: m.observeWriteWait})
	if err != nil {
		return stop(err)
	}
	defer store.Close()
	m.reg.MustRegister(newStatsCollector(store.Dialect(), store.PoolStats, poolMetrics),
		newStatsCollector(store.Dialect(), store.CommitStats, commitMetrics))
	reg := wire.Registry(store, opts)
	go cfg.silence.run(ctx, reg, log)
	// A filing and its change-feed event are two writes: repair any filing a
	// previous run stored but did not get to record.
	var years []int
	for y := questionnaire.FirstYear; y <= questionnaire.LastYear; y++ {
		years = append(years, y)
	}
	if n, err := questionnaire.RecordMissingFilings(ctx, reg, store.Filings(), registry.Staff("registrod:repair"), years...); err != nil {
		return stop(fmt.Errorf("recording missing filings: %w", err))
	} else if n > 0 {
		log.Warn("recorded filings missing from the change feed", "count", n)
	}
	deps, err := api.NewDeps(reg, store.Filings(), api.Tokens{}, log)
	if err != nil {
		return stop(err)
	}
	deps.OIDC = oidc
	apiHandler := api.New(deps, api.Options{
		RequestTimeout: cfg.requestTimeout,
		RateLimit:      cfg.rateLimit,
		MaxInFlight:    cfg.maxInFlight,
		RateBurst:      cfg.rateBurst,
		CORSOrigins:    cfg.origins(),
		Metrics:        apiMetrics,

		IdempotencyRetention: cfg.idemRetention,
	})
	go runIdempotencyPurge(ctx, store.Filings(), cfg.idemRetention, log)
	handler.Store(&apiHandler)
	log.Info("registrod listening", "addr", addr, "db", store.Dialect(), "oidc_issuers", len(cfg.oidcIssuers), "tls", cfg.tlsCert != "")
	if ready != nil {
		ready <- addr
	}
	err = <-errc
	servers--
	if err := stop(err); err != nil {
		return err
	}
	log.Info("registrod stopped")
	return nil
}
