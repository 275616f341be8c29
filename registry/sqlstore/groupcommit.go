package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// ErrClosed is returned by a write submitted after Store.Close. Its kind is
// problem.KindInternal.
var ErrClosed = problem.NewError(problem.KindInternal, "sqlstore: the store is closed")

// Group commit (see the package documentation, "Group commit").
const (
	// maxBatch bounds the writes that share one transaction. On
	// PostgreSQL each write runs in a subtransaction (a savepoint), and a
	// backend caches the IDs of only 64 of them (PGPROC_MAX_CACHED_SUBXIDS)
	// before other sessions' snapshots must look them up in pg_subtrans.
	maxBatch = 64
	// queueLen is how many submitted writes wait for the committer before
	// a submitter blocks (cancellably) on the queue.
	queueLen = 4 * maxBatch
)

// Where a write stands; a waiting write may still be abandoned by its
// caller, a started one is seen through to its answer.
const (
	opWaiting int32 = iota
	opStarted
	opAbandoned
)

// writeOp is one write submitted to the committer: fn runs inside the
// batch's transaction, under a savepoint of its own, with the batch's
// context (never the caller's: cancelling a statement can abort the whole
// shared transaction).
type writeOp struct {
	ctx context.Context // the caller's: consulted before the write starts
	fn  func(ctx context.Context, t *txn) error
	// pipe, when set, queues the same write as fn makes, as statements
	// PostgreSQL can run in one round trip with the batch's other
	// pipelined writes (pipeline.go); fn stays the write's serial way.
	pipe   func(p *pipeline)
	queued time.Time
	state  atomic.Int32
	err    error
	done   chan struct{}
}

// finish answers the caller.
func (op *writeOp) finish(err error) {
	op.err = err
	close(op.done)
}

// committer runs the writes of one Store, a batch at a time, in one
// goroutine: the writes submitted while a batch commits form the next one.
type committer struct {
	// batches and writes count the transactions committed (or tried) and
	// the writes they ran, pipelined the writes run in a pipeline and
	// fallbacks the pipelines that failed, for CommitStats.
	batches, writes, pipelined, fallbacks atomic.Int64
	// busy is the time, in nanoseconds, spent running batches.
	busy    atomic.Int64
	queue   chan *writeOp
	mu      sync.RWMutex // held (read) while submitting, (write) to close
	closed  bool
	closing chan struct{}
	exited  chan struct{}
}

func newCommitter() *committer {
	return &committer{queue: make(chan *writeOp, queueLen), closing: make(chan struct{}), exited: make(chan struct{})}
}

// close stops accepting writes and waits until those already submitted
// are answered.
func (c *committer) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		<-c.exited
		return
	}
	c.closed = true
	c.mu.Unlock()
	close(c.closing)
	<-c.exited
}

// write submits fn and waits for its answer: nil once the transaction
// holding the write has committed (on SQLite with synchronous=FULL and on
// PostgreSQL, after its WAL is flushed: the write is durable), the error
// fn returned (the write is undone, the others of its batch are not), or
// the error of the batch's commit. A caller whose ctx ends while its write
// waits for a batch gets ctx's error and nothing is written; once the write
// has started, the caller waits for its outcome.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, t *txn) error) error {
	return s.writePiped(ctx, fn, nil)
}

// writePiped is write for a write that PostgreSQL may also run pipelined:
// pipe queues the statements that make the same write as fn
// (pipeline.go). On SQLite, and when the pipeline of its batch fails, fn
// runs.
func (s *Store) writePiped(ctx context.Context, fn func(ctx context.Context, t *txn) error, pipe func(p *pipeline)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: waiting to write: %w", err)
	}
	op := &writeOp{ctx: ctx, fn: fn, pipe: pipe, queued: time.Now(), done: make(chan struct{})}
	c := s.commits
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	select {
	case c.queue <- op:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return fmt.Errorf("sqlstore: waiting to write: %w", ctx.Err())
	}
	select {
	case <-op.done:
		return op.err
	case <-ctx.Done():
		if op.state.CompareAndSwap(opWaiting, opAbandoned) {
			return fmt.Errorf("sqlstore: waiting to write: %w", ctx.Err())
		}
		<-op.done // started: its outcome is known only at commit
		return op.err
	}
}

// run is the committer's loop: it takes the first waiting write, every
// other one already queued (up to maxBatch), and commits them together.
func (s *Store) run() {
	c := s.commits
	defer close(c.exited)
	defer s.dropWriter()
	batch := make([]*writeOp, 0, maxBatch)
	for {
		var first *writeOp
		select {
		case first = <-c.queue:
		case <-c.closing:
			// No write is submitted once closing is closed; answer those
			// still queued.
			select {
			case first = <-c.queue:
			default:
				return
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case op := <-c.queue:
				batch = append(batch, op)
			default:
				break fill
			}
		}
		start := time.Now()
		s.commitBatch(batch)
		c.busy.Add(int64(time.Since(start)))
		clear(batch)
	}
}

// commitBatch runs the writes of batch in one transaction and answers
// each. A write whose caller has gone is skipped. When a write's failure
// leaves the transaction unusable (its savepoint cannot be rolled back to,
// or it panicked), the transaction is rolled back, that write fails and the
// others run again in a new transaction.
func (s *Store) commitBatch(batch []*writeOp) {
	live := batch[:0:0]
	for _, op := range batch {
		if !op.state.CompareAndSwap(opWaiting, opStarted) {
			op.finish(fmt.Errorf("sqlstore: waiting to write: %w", context.Canceled))
			continue
		}
		if err := op.ctx.Err(); err != nil {
			op.finish(fmt.Errorf("sqlstore: waiting to write: %w", err))
			continue
		}
		if s.writeWait != nil && s.d.name == "sqlite" {
			s.writeWait(time.Since(op.queued))
		}
		live = append(live, op)
	}
	ctx, cancel := batchContext(live)
	defer cancel()
	pipe := s.d.name == "postgres" && !s.serialOnly
	for len(live) > 0 {
		s.commits.batches.Add(1)
		s.commits.writes.Add(int64(len(live)))
		live, pipe = s.tryBatch(ctx, live, pipe)
	}
}

// CommitStats counts the group commit's work since Open.
type CommitStats struct {
	// Transactions is how many transactions the store's writes ran in
	// (one a batch, plus one for each retry after a write broke its
	// transaction).
	Transactions int64
	// Writes is how many writes those transactions ran (a retried write
	// counts again).
	Writes int64
	// Pipelined is how many writes ran in a PostgreSQL pipeline, and
	// Fallbacks how many pipelines failed, their batch then run again the
	// serial way (see "Pipeline" in the package documentation).
	Pipelined, Fallbacks int64
	// Busy is how long the committer has spent running batches. Its
	// growth over an interval, divided by the interval, is how saturated
	// the store's one writer is: near 1, every write queues behind the
	// batch being committed, and the store writes as fast as it can; more
	// callers then only lengthen the wait.
	Busy time.Duration
	// Checkpoints is how many times the store's checkpointer has copied
	// the WAL back into an SQLite database file, and CheckpointFailures
	// how many of those failed (each is tried again after the next
	// commit); see Checkpoints in the package documentation. Both stay 0
	// on PostgreSQL, and on SQLite with Options.MaxOpenConns 1, where
	// SQLite checkpoints by itself.
	Checkpoints, CheckpointFailures int64
}

// CommitStats returns how many writes shared how many transactions (Writes
// divided by Transactions is the mean batch of the group commit) and how
// long the committer has been busy, and how often the WAL was checkpointed
// (for metrics).
func (s *Store) CommitStats() CommitStats {
	c := s.commits
	st := CommitStats{Transactions: c.batches.Load(), Writes: c.writes.Load(), Pipelined: c.pipelined.Load(),
		Fallbacks: c.fallbacks.Load(), Busy: time.Duration(c.busy.Load())}
	if s.ckpt != nil {
		st.Checkpoints, st.CheckpointFailures = s.ckpt.runs.Load(), s.ckpt.fails.Load()
	}
	return st
}

// batchContext is the context of a batch's statements: it ends at the
// latest deadline of its callers (none when one of them has none), and is
// never cancelled by a caller's going.
func batchContext(ops []*writeOp) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, op := range ops {
		d, ok := op.ctx.Deadline()
		if !ok {
			return context.WithCancel(context.Background())
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(context.Background(), latest)
}

// tryBatch runs ops in one transaction. It answers every op whose outcome
// is known and returns the ops to run again: none, unless a write broke
// the transaction or, with pipe, the pipeline failed; pipeNext says whether
// the next try may pipeline.
//
// With pipe (PostgreSQL), the writes at the head of ops that can be
// pipelined run first, in one round trip (runPipelined), the others after
// them, the serial way.
func (s *Store) tryBatch(ctx context.Context, ops []*writeOp, pipe bool) (retry []*writeOp, pipeNext bool) {
	// The pipeline takes the writes that can be pipelined up to the first
	// that cannot: the writes of a batch run in the order they arrived.
	n := 0
	for pipe && n < len(ops) && ops[n].pipe != nil {
		n++
	}
	piped, serial := ops[:n:n], ops[n:]
	b := &batch{piped: piped, serial: serial, errs: make([]error, len(serial))}
	if len(piped) == 0 {
		tx, err := s.beginWrite(ctx)
		if err != nil {
			return b.failAll(fmt.Errorf("sqlstore: begin: %w", err)), pipe
		}
		return s.finishBatch(s.stmtContext(ctx), tx, b), pipe
	}
	// The pipeline runs on the transaction's connection itself.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return b.failAll(fmt.Errorf("sqlstore: begin: %w", err)), pipe
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return b.failAll(fmt.Errorf("sqlstore: begin: %w", err)), pipe
	}
	if err := s.runPipelined(ctx, conn, piped); err != nil {
		// Whatever failed, the serial way tells each write its own outcome.
		tx.Rollback()
		s.commits.fallbacks.Add(1)
		return ops, false
	}
	return s.finishBatch(ctx, tx, b), pipe
}

// beginWrite begins the transaction of a batch. On SQLite it runs on the
// committer's own connection (Store.writer), taken from the pool at the first
// batch and kept: in WAL mode a connection empties its page cache whenever
// it begins a transaction after another connection has committed, so a
// batch run on whichever pooled connection was free began cold, and read
// again with pread(2) the pages of the tables and indexes it wrote to. The
// connection that makes every commit always finds its cache current: on
// deadline day, 2–3 pread(2) and 4–10 % of the CPU a filing fewer
// (BENCHMARKS.md, "Issue 23, sixth pass"). With a pool capped at one
// connection (Options.MaxOpenConns 1) keeping it would starve the reads,
// so the batch borrows it as before. The kept connection never checkpoints
// the WAL: the checkpointer does (see Checkpoints in the package
// documentation).
func (s *Store) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if !s.keepWriter {
		return s.db.BeginTx(ctx, nil)
	}
	if s.writer == nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := c.ExecContext(ctx, "PRAGMA wal_autocheckpoint = "+strconv.Itoa(s.walPages)); err != nil {
			c.Close()
			return nil, err
		}
		s.writer = c
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		s.dropWriter()
	}
	return tx, err
}

// dropWriter gives the committer's connection back to the pool, so that
// the next batch takes one anew: after a begin or a commit failed (the next
// batch then starts on a connection in a known state, a fresh one when
// database/sql finds this one broken), and as the committer exits, before
// Close closes the pool. Only the committer goroutine calls it.
func (s *Store) dropWriter() {
	if s.writer != nil {
		// Back in the pool, the connection checkpoints as SQLite's
		// connections do (at 1000 pages, its default), should it write.
		s.writer.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint = 1000")
		s.writer.Close()
		s.writer = nil
	}
}

// stmtContext is the context of the statements of a batch begun with ctx.
// On SQLite it is ctx without its end (context.WithoutCancel): the driver
// watches a context that can end with a goroutine, a channel and a
// progress handler for each statement, which more than doubles the cost of
// a short INSERT (BenchmarkBatchStatement: 3.0 against 1.2 µs), and the
// committer, which every write waits for, runs six or seven a write. The
// batch still ends with ctx: database/sql rolls its transaction back when
// ctx ends, so the statements after it fail and nothing commits. What is
// given up is interrupting a statement midway, and inside a BEGIN
// IMMEDIATE transaction a SQLite statement never waits for a lock. On
// PostgreSQL, where a statement can wait for a row lock, the statements
// keep ctx.
func (s *Store) stmtContext(ctx context.Context) context.Context {
	if s.d.name == "sqlite" {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// batch is the writes of one try of tryBatch: those already run in its
// pipeline, those to run the serial way, and the latter's own errors.
type batch struct {
	piped, serial []*writeOp
	errs          []error
}

// failAll answers every write of b with err, or with its own error when it
// failed on its own. It returns nil: nothing to run again.
func (b *batch) failAll(err error) []*writeOp {
	for _, op := range b.piped {
		op.finish(err)
	}
	for i, op := range b.serial {
		if b.errs[i] != nil {
			op.finish(b.errs[i])
		} else {
			op.finish(err)
		}
	}
	return nil
}

// finishBatch runs the serial writes of b in tx, after its pipelined ones
// (already run), commits and answers them all. It returns the writes to run
// again in a new transaction, when one of them broke tx.
func (s *Store) finishBatch(ctx context.Context, tx *sql.Tx, b *batch) (retry []*writeOp) {
	t := s.newTxn(tx)
	defer t.close()
	for i, op := range b.serial {
		// The previous write's savepoint, rolled back to or not, is
		// released as the next one is taken.
		if err := t.savepoint(ctx, i > 0); err != nil {
			tx.Rollback()
			return b.failAll(fmt.Errorf("sqlstore: savepoint: %w", err))
		}
		mark := t.seqState
		err := runOp(ctx, op, t)
		if err == nil {
			continue
		}
		b.errs[i] = err
		t.seqState = mark
		if errors.Is(err, errPanicked) || t.rollbackTo(ctx) != nil {
			// The transaction is lost: answer this write, run the others
			// again (those that failed on their own stay failed).
			tx.Rollback()
			op.finish(err)
			retry = append(retry, b.piped...)
			for j, o := range b.serial {
				if j == i {
					continue
				}
				if j < i && b.errs[j] != nil {
					o.finish(b.errs[j])
					continue
				}
				retry = append(retry, o)
			}
			return retry
		}
	}
	err := t.storeSeq(ctx)
	if err == nil {
		if err = tx.Commit(); err != nil {
			err = fmt.Errorf("sqlstore: commit: %w", err)
		} else if s.ckpt != nil {
			s.ckpt.committed()
		}
	} else {
		tx.Rollback()
	}
	if err != nil {
		// Before the writers are answered, so that the next batch, theirs
		// included, begins on a connection in a known state.
		s.dropWriter()
	}
	return b.failAll(err)
}

// errPanicked marks a write that panicked.
var errPanicked = errors.New("sqlstore: write panicked")

// runOp runs one write, turning a panic into an error.
func runOp(ctx context.Context, op *writeOp, t *txn) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanicked, r)
		}
	}()
	return op.fn(ctx, t)
}

// savepoint opens the savepoint of the next write, releasing the previous
// write's (when there is one) in the same round trip on PostgreSQL.
func (t *txn) savepoint(ctx context.Context, open bool) error {
	if open && t.d.name == "postgres" {
		_, err := t.ExecContext(ctx, "RELEASE SAVEPOINT w; SAVEPOINT w")
		return err
	}
	if open {
		if _, err := t.ExecContext(ctx, "RELEASE SAVEPOINT w"); err != nil {
			return err
		}
	}
	_, err := t.ExecContext(ctx, "SAVEPOINT w")
	return err
}

// rollbackTo undoes what the current write did.
func (t *txn) rollbackTo(ctx context.Context) error {
	_, err := t.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w")
	return err
}

// seqState is where a transaction stands with the event counter.
type seqState struct {
	// last is the last sequence number handed out (valid when read).
	last int64
	// read: the counter row has been read, and locked until commit.
	read bool
	// moved: numbers were handed out, the row must be updated.
	moved bool
}

// nextSeqs hands out n event sequence numbers and returns the first. The
// counter row is read (and, on PostgreSQL, locked) by the first write of the
// batch that appends events, and written once before the commit: the
// writes of one batch take consecutive numbers in the order they run, a
// write that fails gives its numbers back, and the numbers become visible
// at the commit, in order and without gaps.
func (t *txn) nextSeqs(ctx context.Context, n int) (int64, error) {
	if !t.seqState.read {
		err := t.QueryRowContext(ctx, "UPDATE counters SET value = value WHERE name = 'event' RETURNING value").Scan(&t.seqState.last)
		if err != nil {
			return 0, fmt.Errorf("sqlstore: number events: %w", err)
		}
		t.seqState.read = true
	}
	first := t.seqState.last + 1
	t.seqState.last += int64(n)
	t.seqState.moved = true
	return first, nil
}

// storeSeq writes the counter back when the batch numbered events.
func (t *txn) storeSeq(ctx context.Context) error {
	if !t.seqState.moved {
		return nil
	}
	// A literal, not a parameter: on PostgreSQL a statement without
	// parameters goes in one round trip, unprepared.
	if _, err := t.ExecContext(ctx, "UPDATE counters SET value = "+strconv.FormatInt(t.seqState.last, 10)+" WHERE name = 'event'"); err != nil {
		return fmt.Errorf("sqlstore: number events: %w", err)
	}
	return nil
}

// soloTx runs fn in a transaction of its own, outside the committer: for
// Restore, which fills a database no one else writes yet, in one
// transaction of unbounded size.
func (s *Store) soloTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}
