package mirror

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Cursor keeps the Seq of the last change-feed event a Mirror applied, so
// that a restarted mirror goes on from there. Implementations must be safe
// for concurrent use.
type Cursor interface {
	// Load returns the saved Seq, 0 when nothing was saved yet.
	Load(ctx context.Context) (int64, error)
	// Save records seq durably.
	Save(ctx context.Context, seq int64) error
}

// MemCursor is a Cursor in memory: not durable, a new process starts again
// from the first event (which is safe, since applying is idempotent, only
// slower). The zero value starts at 0.
type MemCursor struct {
	mu  sync.Mutex
	seq int64
}

// Load implements Cursor.
func (c *MemCursor) Load(context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq, nil
}

// Save implements Cursor.
func (c *MemCursor) Save(_ context.Context, seq int64) error {
	c.mu.Lock()
	c.seq = seq
	c.mu.Unlock()
	return nil
}

// SQLCursor keeps the cursor in a table of its own, regional_mirror_cursor,
// in the same database as the local register, one row per name (the mirrored
// region). Build it with NewSQLCursor.
type SQLCursor struct {
	db   *sql.DB
	name string
	ph   [2]string // placeholders of the dialect
}

// NewSQLCursor creates the table if missing and returns the cursor named
// name in db. dialect is "sqlite" or "postgres" (sqlstore.Store.Dialect).
func NewSQLCursor(ctx context.Context, db *sql.DB, dialect, name string) (*SQLCursor, error) {
	c := &SQLCursor{db: db, name: name}
	switch dialect {
	case "sqlite":
		c.ph = [2]string{"?", "?"}
	case "postgres":
		c.ph = [2]string{"$1", "$2"}
	default:
		return nil, fmt.Errorf("mirror: cursor: unknown dialect %q (want sqlite or postgres)", dialect)
	}
	if name == "" {
		return nil, errors.New("mirror: cursor: empty name")
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS regional_mirror_cursor (
		name TEXT PRIMARY KEY,
		seq  BIGINT NOT NULL CHECK (seq >= 0))`); err != nil {
		return nil, fmt.Errorf("mirror: cursor: create table: %w", err)
	}
	return c, nil
}

// Load implements Cursor.
func (c *SQLCursor) Load(ctx context.Context) (int64, error) {
	var seq int64
	err := c.db.QueryRowContext(ctx, "SELECT seq FROM regional_mirror_cursor WHERE name = "+c.ph[0], c.name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("mirror: cursor: load: %w", err)
	}
	return seq, nil
}

// Save implements Cursor. One statement: the row is written whole or not at
// all.
func (c *SQLCursor) Save(ctx context.Context, seq int64) error {
	_, err := c.db.ExecContext(ctx, "INSERT INTO regional_mirror_cursor (name, seq) VALUES ("+c.ph[0]+", "+c.ph[1]+
		") ON CONFLICT (name) DO UPDATE SET seq = excluded.seq", c.name, seq)
	if err != nil {
		return fmt.Errorf("mirror: cursor: save %d: %w", seq, err)
	}
	return nil
}
