package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/openregistro/registro/registry"
)

// Hooks of the group commit for the tests of package sqlstore_test.

// HoldCommitter submits a write that writes nothing and keeps the
// committer busy until release is called: the writes submitted meanwhile
// queue, and form the next batch together. It returns once the committer
// is held.
func (s *Store) HoldCommitter(ctx context.Context) (release func() error) {
	started, done := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- s.write(ctx, func(context.Context, *txn) error {
			close(started)
			<-done
			return nil
		})
	}()
	<-started
	return func() error {
		close(done)
		return <-errc
	}
}

// QueuedWrites is how many writes wait for the committer.
func (s *Store) QueuedWrites() int { return len(s.commits.queue) }

// WaitQueued waits until n writes are queued (false after a minute).
func (s *Store) WaitQueued(n int) bool {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if s.QueuedWrites() >= n {
			return true
		}
	}
	return false
}

// WriteSQL submits a write that runs each statement (placeholders '?') in
// the shared transaction and then returns fail, or panics with it when
// panics is set.
func (s *Store) WriteSQL(ctx context.Context, fail error, panics bool, statements ...string) error {
	return s.write(ctx, func(ctx context.Context, t *txn) error {
		for _, q := range statements {
			if _, err := t.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if panics {
			panic(fail)
		}
		return fail
	})
}

// WriteExec submits a write that calls fn with the context its statements
// run with and a function running one statement in the shared transaction.
func (s *Store) WriteExec(ctx context.Context, fn func(ctx context.Context, exec func(query string) error) error) error {
	return s.write(ctx, func(ctx context.Context, t *txn) error {
		return fn(ctx, func(q string) error {
			_, err := t.ExecContext(ctx, q)
			return err
		})
	})
}

// PrepareInBackground has the statement cache prepare each query in the
// background, as a transaction's first use of a query does.
func (s *Store) PrepareInBackground(queries ...string) {
	for _, q := range queries {
		s.reads.cached(q)
	}
}

// Preparing is how many queries the statement cache is preparing in the
// background.
func (s *Store) Preparing() int {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	return len(s.reads.preparing)
}

// Pragma reads PRAGMA name on a connection of the store's own pool.
func (s *Store) Pragma(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// DBStats are the connection pool's statistics.
func (s *Store) DBStats() sql.DBStats { return s.db.Stats() }

// EntitiesPlan returns the query plan of the listing query of f, one line
// per step: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN.
func (s *Store) EntitiesPlan(ctx context.Context, f registry.Filter) ([]string, error) {
	query, args := s.entitiesQuery(&f)
	args = append([]any{""}, append(args, 10)...)
	if s.d.name == "postgres" {
		return stringColumn(ctx, s.db, "EXPLAIN "+s.d.q(query), args...)
	}
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}

// MaxCachedStmts is maxCachedStmts.
const MaxCachedStmts = maxCachedStmts

// CachedStmts is how many prepared statements the store's reads keep.
func (s *Store) CachedStmts() int {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	return len(s.reads.stmts)
}

// HasCachedStmt reports whether the store keeps a prepared statement whose
// query starts with prefix.
func (s *Store) HasCachedStmt(prefix string) bool {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	for q := range s.reads.stmts {
		if strings.HasPrefix(q, prefix) {
			return true
		}
	}
	return false
}

// EntityCacheGen is entityCacheGen.
const EntityCacheGen = entityCacheGen

// CachedEntities is how many decoded bodies the store keeps.
func (s *Store) CachedEntities() int {
	s.entities.mu.Lock()
	defer s.entities.mu.Unlock()
	return len(s.entities.cur) + len(s.entities.old)
}

// SerialOnly turns the PostgreSQL pipeline off; call it before the first
// write.
func (s *Store) SerialOnly() { s.serialOnly = true }

// ColumnCompressions returns, on PostgreSQL, the compression method set on
// each column (table.column) the store compresses with lz4 where it can
// ("l" lz4, "p" pglz, "" the server's default), and whether the server has
// lz4.
func (s *Store) ColumnCompressions(ctx context.Context) (map[string]string, bool, error) {
	var hasLZ4 bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_settings
WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`).Scan(&hasLZ4); err != nil {
		return nil, false, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.relname || '.' || a.attname, a.attcompression::text
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.oid = ANY (ARRAY['filings', 'applications', 'entities', 'events']::regclass[])
  AND a.attname IN ('document', 'doc', 'before', 'after')`)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var col, method string
		if err := rows.Scan(&col, &method); err != nil {
			return nil, false, err
		}
		out[col] = method
	}
	return out, hasLZ4, rows.Err()
}

// WriterConn is the committer's own connection (nil when it holds none).
// Call it only while no write is in flight.
func (s *Store) WriterConn() *sql.Conn { return s.writer }

// WriterAutocheckpoint reads, in a write, the wal_autocheckpoint setting
// of the connection the committer runs its batches on.
func (s *Store) WriterAutocheckpoint(ctx context.Context) (int, error) {
	var n int
	err := s.write(ctx, func(ctx context.Context, t *txn) error {
		return t.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&n)
	})
	return n, err
}

// QueryInt reads one integer through the pool.
func (s *Store) QueryInt(ctx context.Context, query string) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

// WaitCheckpointed waits until a checkpoint begun after every commit so
// far has ended (false when ctx ends first, or when the store has no
// checkpointer).
func (s *Store) WaitCheckpointed(ctx context.Context) bool {
	if s.ckpt == nil {
		return false
	}
	want := s.ckpt.commits.Load()
	for s.ckpt.covered.Load() < want {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Millisecond):
		}
	}
	return true
}

// CommitterWALPages is committerWALPages.
const CommitterWALPages = committerWALPages

// WithWALPages returns o with the committer's wal_autocheckpoint set to n
// pages instead of committerWALPages.
func WithWALPages(o Options, n int) Options {
	o.walPages = n
	return o
}
