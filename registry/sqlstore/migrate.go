package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// ErrSchema is wrapped by Migrate (and so by Open) when the database's
// schema history does not match this package's migrations: a migration
// applied with different content, or a version newer than the code knows.
// It has no kind of its own (problem.KindInternal): an operator must repair
// the database.
var ErrSchema = errors.New("sqlstore: schema history mismatch")

// migration is one numbered .sql file.
type migration struct {
	version int
	name    string
	sql     string
	sum     string // hex SHA-256 of sql
}

// migrations reads the dialect's migration files, named NNNN_name.sql, in
// version order.
func migrations(dir string) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration %s: name must be NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read migration %s: %w", name, err)
		}
		sum := sha256.Sum256(b)
		ms = append(ms, migration{version: v, name: name, sql: string(b), sum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := range ms {
		if ms[i].version != i+1 {
			return nil, fmt.Errorf("sqlstore: migrations in %s are not numbered 1, 2, 3…: %s", dir, ms[i].name)
		}
	}
	return ms, nil
}

// SchemaVersion returns the highest migration version applied to the
// database, 0 for an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	if err != nil {
		// No history table yet: nothing was ever applied.
		var exists bool
		if cerr := s.db.QueryRowContext(ctx, s.d.q(s.d.tableExistsSQL), "schema_migrations").Scan(&exists); cerr == nil && !exists {
			return 0, nil
		}
		return 0, fmt.Errorf("sqlstore: schema version: %w", err)
	}
	return int(v.Int64), nil
}

// Migrate applies the migrations the database has not seen yet, all in one
// transaction: after an error nothing of it is applied. It is safe to call
// any number of times and from several processes at once: PostgreSQL
// serialises the callers with a transaction-level advisory lock, SQLite with
// the write lock BEGIN IMMEDIATE takes. A migration already applied is checked
// against its recorded checksum; a mismatch, or a database that has
// migrations this code does not know, returns an error wrapping ErrSchema and
// changes nothing.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations("migrations/" + s.d.name)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer tx.Rollback()
	if err := s.d.lockMigrations(ctx, tx); err != nil {
		return fmt.Errorf("sqlstore: migrate: lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	checksum TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`); err != nil {
		return fmt.Errorf("sqlstore: migrate: history table: %w", err)
	}
	applied := map[int]string{}
	rows, err := tx.QueryContext(ctx, "SELECT version, checksum FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: read history: %w", err)
	}
	for rows.Next() {
		var v int
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			rows.Close()
			return fmt.Errorf("sqlstore: migrate: read history: %w", err)
		}
		applied[v] = sum
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("sqlstore: migrate: read history: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: migrate: read history: %w", err)
	}
	for v := range applied {
		if v > len(ms) {
			return fmt.Errorf("%w: the database has migration %d, this code knows up to %d (newer code wrote it?)", ErrSchema, v, len(ms))
		}
	}
	for _, m := range ms {
		if sum, ok := applied[m.version]; ok {
			if sum != m.sum {
				return fmt.Errorf("%w: migration %s was applied with different content", ErrSchema, m.name)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("sqlstore: migrate: %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q("INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)"),
			m.version, m.name, m.sum); err != nil {
			return fmt.Errorf("sqlstore: migrate: record %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: migrate: commit: %w", err)
	}
	return nil
}
