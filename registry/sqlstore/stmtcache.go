package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statements a stmtCache keeps: the store's reads
// are a few dozen queries, and the listings' filters combine into a few
// hundred more; past the bound a query runs unprepared.
const maxCachedStmts = 512

// stmtCache is the queryer the store reads through, and the source of the
// statements of its write transactions (txn.stmt). On SQLite it prepares
// each distinct query once and runs it as a prepared statement afterwards
// (database/sql prepares it again on each connection it meets, once): the
// modernc driver otherwise parses and plans every query afresh, which was a
// tenth of a busy service's CPU. On PostgreSQL pgx keeps prepared
// statements per connection itself, and queries pass straight through.
type stmtCache struct {
	db *sql.DB
	on bool

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	closed bool
	// preparing holds the queries cached is having prepared in the
	// background, and background counts those goroutines: close waits for
	// them, so that none holds a connection (on SQLite, none opens one and
	// creates the database's files again) after the store is closed.
	preparing  map[string]bool
	background sync.WaitGroup
}

func newStmtCache(db *sql.DB, on bool) *stmtCache {
	return &stmtCache{db: db, on: on, stmts: map[string]*sql.Stmt{}, preparing: map[string]bool{}}
}

// cached returns the prepared statement of query when the cache has one;
// when it does not, it has it prepared in the background (at most one
// preparation a query, within the cache's bound) and returns nil. A
// transaction asks this instead of stmt: preparing takes a connection from
// the pool, which the transaction may have taken the last of.
func (c *stmtCache) cached(query string) *sql.Stmt {
	if !c.on {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[query]
	if ok || c.closed || c.preparing[query] || len(c.stmts)+len(c.preparing) >= maxCachedStmts {
		return st
	}
	c.preparing[query] = true
	c.background.Add(1)
	go func() {
		defer c.background.Done()
		c.stmt(context.Background(), query)
		c.mu.Lock()
		delete(c.preparing, query)
		c.mu.Unlock()
	}()
	return nil
}

// stmt returns the prepared statement of query, preparing it when it is
// new; nil when the cache is off or full, closed, or the statement cannot be
// prepared (the query then runs unprepared and reports its own error).
func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	if !c.on {
		return nil
	}
	c.mu.Lock()
	st, ok := c.stmts[query]
	full := c.closed || len(c.stmts) >= maxCachedStmts
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok || c.closed {
		st.Close() // another caller prepared it first, or the store closed
		return prev
	}
	c.stmts[query] = st
	return st
}

// QueryContext implements queryer.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

// QueryRowContext implements queryer.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// close waits for the preparations in the background, then closes the
// cached statements; later queries run unprepared.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	// A preparation that ends now finds the cache closed and closes its
	// statement itself.
	c.background.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}
