package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	// The two database/sql drivers this package speaks to.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/openregistro/registro/schemas/problem"
)

// ErrDSN is wrapped by Open when the data source name cannot be used. Its
// kind is problem.KindInvalid.
var ErrDSN = problem.NewError(problem.KindInvalid, "sqlstore: bad data source name")

// DefaultPostgresConns is the connection pool's size on PostgreSQL when
// Options.MaxOpenConns is 0.
const DefaultPostgresConns = 16

// SQLiteIdleConns is how many SQLite connections the pool keeps open
// between requests when Options.MaxOpenConns is 0. A new SQLite connection
// runs its pragmas, reads the schema and starts with a cold page cache, and
// closing it frees all of that: with database/sql's default of two idle
// connections, a service answering more concurrent requests than that
// opened and closed a connection for most reads (a fifth of its CPU on
// deadline day).
const SQLiteIdleConns = 64

// sqliteIdleTime is how long an idle SQLite connection is kept before it is
// closed, so that a burst's connections do not stay open for ever.
const sqliteIdleTime = 5 * time.Minute

// Options are the optional knobs of Open. The zero value migrates the schema
// on Open, bounds the pool on PostgreSQL (DefaultPostgresConns) and leaves it
// unbounded on SQLite, keeping up to SQLiteIdleConns connections open
// between requests.
type Options struct {
	// SkipMigrate leaves the schema alone on Open; call Store.Migrate
	// explicitly (for example from a deployment step) before using the store.
	SkipMigrate bool
	// MaxOpenConns caps the connection pool. 0 means DefaultPostgresConns
	// on PostgreSQL — a server refuses clients past max_connections (100 by
	// default), so an unbounded pool fails under a burst of requests — and
	// no cap on SQLite, whose writes queue inside the store anyway. On
	// SQLite, a cap of 2 or more includes the connection the committer
	// keeps (see Group commit); with a cap of 1 it keeps none.
	MaxOpenConns int
	// WriteWait, when set, is called on SQLite with how long each write
	// waited for its turn in the store's writer queue: for the transaction
	// it shares with the writes queued beside it (the group commit; for
	// metrics). It is called by the store's committer goroutine: it must
	// be quick.
	WriteWait func(time.Duration)

	// walPages, when not 0, replaces committerWALPages (tests).
	walPages int
}

// Store keeps the register and the filings in a SQL database. It implements
// registry.Store and questionnaire.FilingStore. Create it with Open; it is
// safe for concurrent use by multiple goroutines, and several processes may
// share one database.
type Store struct {
	db *sql.DB
	d  *dialect
	// reads is what reads outside a transaction go through: the pool,
	// with SQLite's statements prepared once (stmtcache.go).
	reads *stmtCache
	// entities are the bodies decoded lately, by their documents' bytes
	// (doccache.go).
	entities *entityCache
	// commits queues the writes of this process for the committer
	// goroutine, which runs those that arrive while a transaction commits
	// together in the next one (groupcommit.go).
	commits *committer
	// writeWait is Options.WriteWait.
	writeWait func(time.Duration)
	// keepWriter: the committer keeps a connection of its own (SQLite,
	// with a pool not capped at one connection); writer is that
	// connection (beginWrite), used only by the committer goroutine.
	keepWriter bool
	writer     *sql.Conn
	// walPages is the committer connection's wal_autocheckpoint
	// (committerWALPages).
	walPages int
	// ckpt checkpoints the WAL for the committer, when it keeps a
	// connection (checkpoint.go); nil otherwise.
	ckpt *checkpointer
	// serialOnly turns the PostgreSQL pipeline off (for the tests that
	// compare the two ways); set before the first write.
	serialOnly bool
}

// Open connects to the database named by dsn and, unless opts.SkipMigrate is
// set, brings its schema up to date.
//
// dsn is one of:
//   - "sqlite:PATH" or a plain file path: an SQLite database file (created if
//     missing) in WAL mode with foreign keys on, a busy timeout,
//     synchronous=FULL and temporary files in memory;
//   - "postgres://…" or "postgresql://…": a PostgreSQL database, in pgx's URL
//     syntax (add search_path=NAME to use a schema other than the default).
//
// Open returns an error wrapping ErrDSN for an unusable dsn, and the
// connection or migration error otherwise.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	d, driverDSN, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(d.driver, driverDSN)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", d.name, err)
	}
	if opts.MaxOpenConns == 0 && d.name == "postgres" {
		opts.MaxOpenConns = DefaultPostgresConns
	}
	switch {
	case opts.MaxOpenConns > 0:
		db.SetMaxOpenConns(opts.MaxOpenConns)
		db.SetMaxIdleConns(opts.MaxOpenConns)
	case d.name == "sqlite":
		db.SetMaxIdleConns(SQLiteIdleConns)
		db.SetConnMaxIdleTime(sqliteIdleTime)
	}
	if err := ping(ctx, db, d); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connect to %s: %w", d.name, err)
	}
	s := &Store{db: db, d: d, reads: newStmtCache(db, d.name == "sqlite"), entities: newEntityCache(), writeWait: opts.WriteWait,
		keepWriter: d.name == "sqlite" && opts.MaxOpenConns != 1, walPages: cmp.Or(opts.walPages, committerWALPages)}
	if !opts.SkipMigrate {
		if err := s.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	s.commits = newCommitter()
	if s.keepWriter {
		s.ckpt = newCheckpointer()
		go s.checkpoints()
	}
	go s.run()
	return s, nil
}

// ping opens a first connection. On SQLite, the connection's pragmas can
// meet SQLITE_BUSY without SQLite's busy handler being asked (switching a
// database another process is creating to WAL mode takes an exclusive lock
// that is not waited for), so a busy answer is retried, with backoff, for
// as long as the busy timeout the pragmas set (10 s).
func ping(ctx context.Context, db *sql.DB, d *dialect) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		err := db.PingContext(ctx)
		if err == nil || d.name != "sqlite" || !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().Add(wait).After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Close waits for the writes already submitted to be answered, then closes
// the connection pool. Writes submitted after Close fail with ErrClosed;
// iterators still running fail.
func (s *Store) Close() error {
	s.commits.close()
	if s.ckpt != nil {
		s.ckpt.close()
	}
	s.reads.close()
	return s.db.Close()
}

// Analyze refreshes the statistics the query planner chooses indexes by
// (ANALYZE in PostgreSQL, PRAGMA optimize in SQLite). Call it after a bulk
// import; in steady state PostgreSQL's autovacuum and SQLite's defaults keep
// them current enough.
func (s *Store) Analyze(ctx context.Context) error {
	query := "ANALYZE"
	if s.d.name == "sqlite" {
		query = "PRAGMA optimize=0x10002"
	}
	if _, err := s.db.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("sqlstore: analyze: %w", err)
	}
	return nil
}

// Dialect reports "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// sqlitePragmas are applied to every SQLite connection through the DSN.
//
// synchronous=FULL: in WAL mode NORMAL is already safe against a crash of the
// process, but a power loss or kernel crash can roll back the last
// transactions a caller was told had committed. The register holds data users
// cannot re-create, so a commit waits for the WAL fsync; the cost is one fsync
// per write transaction (see BENCHMARKS.md).
//
// temp_store=MEMORY keeps SQLite's temporary files in memory, above all the
// statement journals of the committer's savepoints (one a write, see Group
// commit): a savepoint's journal holds the original of every page its write
// changes, and past 64 KiB SQLite spills it to a temporary file, one
// two pwrite(2) calls a page. A batch of a dozen filings spilled every
// time; in memory the committer, which every write waits for, makes about
// eleven system calls a filing fewer (BENCHMARKS.md, "Issue 23, fourth
// pass"). The memory taken is what one statement sorts or one savepoint
// changes, which the register's writes keep small.
//
// _txlock=immediate makes every transaction BEGIN IMMEDIATE: a transaction
// takes the write lock when it starts, so two writers queue on busy_timeout
// instead of one failing with SQLITE_BUSY when it upgrades a read lock.
var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"foreign_keys(1)",
	"synchronous(FULL)",
	"temp_store(MEMORY)",
}

// parseDSN picks the dialect and returns the driver's own DSN.
func parseDSN(dsn string) (*dialect, string, error) {
	switch {
	case dsn == "":
		return nil, "", fmt.Errorf("%w: empty", ErrDSN)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrDSN, err)
		}
		return postgresDialect, dsn, nil
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" {
		return nil, "", fmt.Errorf("%w: %q has no file path", ErrDSN, dsn)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, "", fmt.Errorf("%w: %q: the SQLite path may not contain '?' or '#'", ErrDSN, dsn)
	}
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, "", fmt.Errorf("%w: %q: want a file path (an in-memory database is not durable)", ErrDSN, dsn)
	}
	if i := strings.Index(path, "://"); i >= 0 {
		return nil, "", fmt.Errorf("%w: unknown scheme %q", ErrDSN, path[:i])
	}
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	// A plain path (not a "file:" URI) followed by the driver's parameters:
	// the driver cuts the query off and SQLite takes the path verbatim.
	return sqliteDialect, path + "?" + q.Encode(), nil
}
