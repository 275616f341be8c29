package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/openregistro/registro/examples/internal/server"
	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry/sqlstore"
)

// config is what the flags (and the environment) say.
type config struct {
	addr            string
	db              string
	create          bool
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
	maxInFlight     int
	rateBurst       int
	corsOrigins     string
	idemRetention   time.Duration
	metricsAddr     string
	tlsCert         string
	tlsKey          string
	trustedProxies  string
	silence         silenceConfig // silence.go
	// checkOnly is the check-config command.
	checkOnly bool
	// proxies is trustedProxies parsed.
	proxies []netip.Prefix
	// fs is the flag set parsed, for the effective configuration.
	fs *flag.FlagSet
}

// EnvPrefix starts the name of the environment variable of every flag:
// --rate-limit is REGISTRO_RATE_LIMIT.
const EnvPrefix = "REGISTRO_"

// DefaultMetricsAddr is where /metrics is served unless --metrics-addr says
// otherwise: the loopback interface only.
const DefaultMetricsAddr = "127.0.0.1:9464"

// commandFlags are flags that are commands, not configuration: they have no
// environment variable (REGISTRO_VERSION=true would make every start print
// the version and exit).
var commandFlags = map[string]bool{"version": true, "openapi": true}

// envName returns the environment variable of flag name.
func envName(name string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// newFlagSet declares registrod's flags into cfg.
func newFlagSet(cfg *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("registrod", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&cfg.db, "db", "", "store: sqlite:PATH, a file path or postgres://… (required; must exist unless --create)")
	fs.BoolVar(&cfg.create, "create", false, "create the database (a new SQLite file, the tables in an empty PostgreSQL schema) when --db names none")
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
	fs.DurationVar(&cfg.idemRetention, "idempotency-retention", api.DefaultIdempotencyRetention, "how long an Idempotency-Key is kept (a retry within it is answered as the first request); negative: keys never expire")
	fs.StringVar(&cfg.corsOrigins, "cors-origins", "", "comma-separated origins (https://app.example.org, or *) whose browser front-ends may call the API; empty: no CORS")
	fs.IntVar(&cfg.maxInFlight, "max-in-flight", 0, "requests worked on at once, the others waiting their turn within their deadline; 0: api.DefaultMaxInFlight per CPU; negative: no limit")
	fs.DurationVar(&cfg.requestTimeout, "request-timeout", api.DefaultRequestTimeout, "deadline of every request: past it, its work stops and the answer is a 503 problem")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", DefaultMetricsAddr, "address of the Prometheus /metrics listener (plain HTTP; keep it private); empty: no metrics")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate (chain) file: serve HTTPS (TLS 1.2+) instead of HTTP; needs --tls-key")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key file of --tls-cert")
	fs.StringVar(&cfg.trustedProxies, "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose Forwarded / X-Forwarded-For headers give the client address (rate limits, logs); empty: none")
	cfg.silence.flags(fs)
	return fs
}

// parseFlags reads the command line, then the environment for every flag
// the command line did not set: a flag wins over its variable.
// "check-config" as the first argument validates the configuration and
// exits.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	if len(args) > 0 && args[0] == "check-config" {
		cfg.checkOnly, args = true, args[1:]
	}
	fs := newFlagSet(&cfg, stderr)
	cfg.fs = fs
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || commandFlags[f.Name] || envErr != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", envName(f.Name), v, err)
			}
		}
	})
	if envErr != nil {
		return cfg, envErr
	}
	if cfg.version || cfg.openapi {
		return cfg, nil
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.db == "" {
		return cfg, errors.New("no database: pass --db sqlite:PATH or --db postgres://… (or set " + envName("db") + ")")
	}
	if cfg.rateLimit == 0 || cfg.rateBurst <= 0 {
		return cfg, fmt.Errorf("--rate-limit must not be 0 (negative for none) and --rate-burst must be positive")
	}
	if cfg.idemRetention == 0 {
		return cfg, errors.New("--idempotency-retention must not be 0 (negative: keys never expire)")
	}
	if err := api.CheckOrigins(cfg.origins()); err != nil {
		return cfg, fmt.Errorf("--cors-origins: %w", err)
	}
	if cfg.requestTimeout <= 0 {
		return cfg, fmt.Errorf("--request-timeout must be positive, not %s", cfg.requestTimeout)
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return cfg, errors.New("--tls-cert and --tls-key go together")
	}
	var err error
	if cfg.proxies, err = server.ParsePrefixes(cfg.trustedProxies); err != nil {
		return cfg, fmt.Errorf("--trusted-proxies: %w", err)
	}
	if cfg.metricsAddr != "" && cfg.metricsAddr == cfg.addr && !strings.HasSuffix(cfg.addr, ":0") {
		return cfg, errors.New("--metrics-addr must differ from --addr (the metrics are not public)")
	}
	return cfg, nil
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

// redactDSN hides the password of a database URL.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if err != nil && strings.Contains(dsn, "@") {
			return "(unparsable DSN, not logged)"
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// effective returns the effective configuration, flag by flag, for the
// start-up log: the database URL without its password; files by path,
// never their contents.
func (c config) effective() []any {
	var out []any
	c.fs.VisitAll(func(f *flag.Flag) {
		if commandFlags[f.Name] {
			return
		}
		v := f.Value.String()
		if f.Name == "db" {
			v = redactDSN(v)
		}
		out = append(out, slog.String(f.Name, v))
	})
	return out
}

// openStore opens the database: one that exists, unless --create.
func openStore(ctx context.Context, cfg config, opts sqlstore.Options) (*sqlstore.Store, error) {
	if cfg.create {
		return sqlstore.Open(ctx, cfg.db, opts)
	}
	s, err := sqlstore.OpenExisting(ctx, cfg.db, opts)
	if errors.Is(err, sqlstore.ErrNoDatabase) {
		return nil, fmt.Errorf("%w; check --db (%s), or pass --create to create a new register there", err, redactDSN(cfg.db))
	}
	return s, err
}

// checkConfig validates everything serve would use — the files, the TLS
// key pair, the database (it must exist unless --create; its migration
// history must be this code's) — without serving or changing anything.
func checkConfig(ctx context.Context, cfg config, log *slog.Logger) error {
	if cfg.importTokens != "" {
		if _, err := api.ReadTokensFile(cfg.importTokens); err != nil {
			return err
		}
	}
	var opts wire.Options
	if err := opts.Data(cfg.codeLists, cfg.territory); err != nil {
		return err
	}
	if cfg.tlsCert != "" {
		if _, err := server.TLSConfig(cfg.tlsCert, cfg.tlsKey); err != nil {
			return err
		}
	}
	var pending int
	if cfg.create {
		// Nothing may be created by a check: only the DSN's syntax and,
		// for an existing database, its history.
		if s, err := sqlstore.OpenExisting(ctx, cfg.db, sqlstore.Options{SkipMigrate: true}); err == nil {
			pending, err = pendingMigrations(ctx, s)
			s.Close()
			if err != nil {
				return err
			}
		} else if !errors.Is(err, sqlstore.ErrNoDatabase) {
			return err
		} else {
			log.Info("the database does not exist yet: --create will create it", "db", redactDSN(cfg.db))
		}
	} else {
		s, err := openStore(ctx, cfg, sqlstore.Options{SkipMigrate: true})
		if err != nil {
			return err
		}
		pending, err = pendingMigrations(ctx, s)
		s.Close()
		if err != nil {
			return err
		}
	}
	log.Info("configuration is valid", append(cfg.effective(), slog.Int("pending_migrations", pending))...)
	return nil
}

// pendingMigrations returns how many migrations the next start applies,
// or an error when the database is ahead of this code.
func pendingMigrations(ctx context.Context, s *sqlstore.Store) (int, error) {
	have, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	known, err := s.KnownSchemaVersion()
	if err != nil {
		return 0, err
	}
	if have > known {
		return 0, fmt.Errorf("%w: the database is at migration %d, this registrod knows up to %d: run a newer registrod", sqlstore.ErrSchema, have, known)
	}
	return known - have, nil
}
