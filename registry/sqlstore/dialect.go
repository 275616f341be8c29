package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// dialect is everything that differs between SQLite and PostgreSQL. The
// queries themselves are shared: they are written with '?' placeholders,
// use only syntax both databases accept (INSERT … ON CONFLICT, LIMIT), and
// are rewritten by q for PostgreSQL. Column types differ only in the
// migration files (migrations/sqlite, migrations/postgres).
type dialect struct {
	name   string // "sqlite" or "postgres"
	driver string // database/sql driver name
	// dollar rewrites '?' placeholders to $1, $2, … (PostgreSQL).
	dollar bool
	// lockMigrations serialises migrations across processes; it runs first
	// in the migration transaction.
	lockMigrations func(ctx context.Context, tx *sql.Tx) error
	// tableExistsSQL answers whether the table named by its one argument
	// exists (in the current schema).
	tableExistsSQL string
	// contains returns a condition true when column contains the next
	// argument as a substring (case-sensitively; both sides are lowered
	// by the caller).
	contains func(column string) string
	// isUnique reports whether err is a unique or primary-key violation.
	isUnique func(err error) bool
}

// migrationLockKey is the pg_advisory_xact_lock key of the migrations
// ("registro" in ASCII, as a number).
const migrationLockKey = 0x7265676973747230

var sqliteDialect = &dialect{
	name:   "sqlite",
	driver: "sqlite",
	// Every transaction is BEGIN IMMEDIATE (see parseDSN): the migration
	// transaction holds the database's write lock from its first statement.
	lockMigrations: func(context.Context, *sql.Tx) error { return nil },
	contains:       func(col string) string { return "instr(" + col + ", ?) > 0" },
	tableExistsSQL: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
	isUnique: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		const primaryKey, unique = 1555, 2067 // SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE
		return e.Code() == primaryKey || e.Code() == unique
	},
}

var postgresDialect = &dialect{
	name:   "postgres",
	driver: "pgx",
	dollar: true,
	lockMigrations: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock("+strconv.FormatInt(migrationLockKey, 10)+")")
		return err
	},
	contains:       func(col string) string { return "strpos(" + col + ", ?) > 0" },
	tableExistsSQL: "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?)",
	isUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505" // unique_violation
	},
}

// q returns query in the dialect's placeholder syntax. Queries never hold a
// '?' inside a string literal.
func (d *dialect) q(query string) string {
	if !d.dollar || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
