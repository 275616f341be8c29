// Command regional is the system of a regional IT team that embeds Registro:
// it keeps the region's own copy of the register in its own database
// (SQLite by default, PostgreSQL too) in sync with a registrod service, and
// builds its own statistics from that copy.
//
// Usage:
//
//	regional [sync] --service URL --token TOKEN --region 03 --db sqlite:PATH [--interval 30s] [--once]
//	regional stats --db sqlite:PATH --region 03 [--format text|json]
//
// sync (the default) reads the service's regional change feed (GET
// /v1/feed) with the region's own token (--token, or the REGISTRO_TOKEN
// environment variable; the service refuses a staff token there): least
// privilege, the copy holds exactly what that token may see — the region's
// bodies with their published fields, Section II only under a grant of
// Section II access — and drops the bodies that leave its view (removed,
// moved out of the region, no longer enrolled). It runs until SIGINT or
// SIGTERM, syncing every --interval and retrying with backoff when the
// service fails; --once syncs once and exits. The copy is the table
// regional_bodies and the position in the feed the table
// regional_mirror_cursor of the --db database, so a restarted sync goes on
// where it stopped.
//
// stats prints, from the local copy alone, the region's bodies by the
// section they were seen enrolled in at the last sync, legal form and
// province.
//
// Exit codes: 0 done, 1 failure, 2 bad usage.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/openregistro/registro/examples/regional/mirror"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/openregistro/registro/registry/territory"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run dispatches to the sync or stats mode and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	mode := "sync"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		mode, args = args[0], args[1:]
	}
	switch mode {
	case "sync":
		return runSync(ctx, args, getenv, stderr)
	case "stats":
		return runStats(ctx, args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "regional: unknown mode %q (want sync or stats)\n", mode)
	return exitUsage
}

// usageError is a bad command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parse parses args with fs and checks the region and the database.
func parse(fs *flag.FlagSet, args []string, region, db *string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, true
		}
		return exitUsage, true
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	case *db == "":
		err = usageError{"no database: pass --db sqlite:PATH or --db postgres://…"}
	case *region == "":
		err = usageError{"no region: pass --region and an ISTAT region code (\"03\")"}
	default:
		if _, ok := territory.Default().Region(*region); !ok {
			err = usageError{fmt.Sprintf("unknown region %q: want an ISTAT region code (\"01\"–\"20\")", *region)}
		}
	}
	if err != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), err)
		return exitUsage, true
	}
	return 0, false
}

// runSync is the sync mode.
func runSync(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("regional sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	service := fs.String("service", "", "base URL of the registrod service (required)")
	token := fs.String("token", "", "the region's bearer token (default: $REGISTRO_TOKEN)")
	region := fs.String("region", "", "ISTAT code of the token's region (required)")
	db := fs.String("db", "", "local store: sqlite:PATH or postgres://… (required)")
	interval := fs.Duration("interval", mirror.DefaultInterval, "pause between two syncs")
	once := fs.Bool("once", false, "sync once and exit")
	timeout := fs.Duration("timeout", client.DefaultTimeout, "timeout of each request to the service")
	if code, done := parse(fs, args, region, db); done {
		return code
	}
	if *token == "" {
		*token = getenv("REGISTRO_TOKEN")
	}
	if *service == "" || *token == "" {
		fmt.Fprintln(stderr, "regional sync: pass --service URL and --token TOKEN (or set REGISTRO_TOKEN)")
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	c, err := client.New(*service, *token, client.Options{Timeout: *timeout})
	if err != nil {
		fmt.Fprintf(stderr, "regional sync: %v\n", err)
		return exitUsage
	}
	store, localDB, err := openLocal(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "regional sync: %v\n", err)
		return exitFailure
	}
	defer store.Close()
	defer localDB.Close()
	opts := mirror.RegionOptions{Region: *region, Interval: *interval, Logger: log}
	if opts.Cursor, err = mirror.NewSQLCursor(ctx, localDB, store.Dialect(), "feed:"+*region); err != nil {
		fmt.Fprintf(stderr, "regional sync: %v\n", err)
		return exitFailure
	}
	cp, err := mirror.NewSQLCopy(ctx, localDB, store.Dialect(), *region)
	if err != nil {
		fmt.Fprintf(stderr, "regional sync: %v\n", err)
		return exitFailure
	}
	m, err := mirror.NewRegionSync(c, cp, opts)
	if err != nil {
		fmt.Fprintf(stderr, "regional sync: %v\n", err)
		return exitUsage
	}
	if *once {
		st, err := m.Once(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "regional sync: %v\n", err)
			return exitFailure
		}
		log.Info("synced", "events", st.Events, "created", st.Created, "updated", st.Updated,
			"removed", st.Removed, "unchanged", st.Unchanged, "cursor", st.Cursor)
		return exitOK
	}
	if err := m.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "regional sync: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// openLocal opens the local store and a connection pool of its own to the
// same database for the cursor table.
func openLocal(ctx context.Context, dsn string) (*sqlstore.Store, *sql.DB, error) {
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return nil, nil, err
	}
	driver, driverDSN := "pgx", dsn
	if store.Dialect() == "sqlite" {
		// The same file as sqlstore's (a plain path, as sqlstore passes it),
		// waiting for its writers instead of failing with SQLITE_BUSY.
		driver = "sqlite"
		driverDSN = strings.TrimPrefix(dsn, "sqlite:") + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	}
	db, err := sql.Open(driver, driverDSN)
	if err != nil {
		store.Close()
		return nil, nil, fmt.Errorf("open the cursor's database: %w", err)
	}
	return store, db, nil
}
