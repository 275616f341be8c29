package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointEvery is the least time between two checkpoints of the WAL
// (see Checkpoints in the package documentation).
const checkpointEvery = 100 * time.Millisecond

// checkpointTimeout bounds one checkpoint, the wait for a pooled
// connection included.
const checkpointTimeout = time.Minute

// committerWALPages is the committer connection's wal_autocheckpoint: the
// size of the WAL, in pages since it last started over, past which the
// committer checkpoints after its commit (see Checkpoints in the package
// documentation). 4096 pages are 16 MiB at SQLite's 4 KiB page.
const committerWALPages = 4096

// checkpointer copies an SQLite store's WAL back into its database file, in
// a goroutine of its own, so that the committer seldom does: the committer's
// connection checkpoints only past committerWALPages (beginWrite), and
// after each commit it tells the checkpointer (committed).
type checkpointer struct {
	// kick holds one token when a commit has happened since the last
	// checkpoint began.
	kick     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	exited   chan struct{}
	// runs counts the checkpoints done (failed or not), fails those
	// that failed.
	runs, fails atomic.Int64
	// commits counts the commits told, covered those a checkpoint
	// begun after them has copied (or failed to).
	commits, covered atomic.Int64
}

func newCheckpointer() *checkpointer {
	return &checkpointer{kick: make(chan struct{}, 1), stop: make(chan struct{}), exited: make(chan struct{})}
}

// committed tells the checkpointer a transaction has committed. It never
// blocks: commits that happen while a checkpoint waits or runs are taken
// in by the next one.
func (c *checkpointer) committed() {
	c.commits.Add(1)
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// close stops the checkpointer, waiting for a checkpoint under way; it may
// be called again. What is left in the WAL is checkpointed by SQLite when
// the last connection to the database closes.
func (c *checkpointer) close() {
	c.stopOnce.Do(func() { close(c.stop) })
	<-c.exited
}

// checkpoints is the checkpointer's loop: after a commit, and no sooner
// than checkpointEvery after the previous checkpoint began, it runs a
// PASSIVE checkpoint on a pooled connection. A passive checkpoint waits
// for no lock and blocks no one: it copies the frames no reader still
// needs, and the committer appends to the WAL meanwhile. A failed
// checkpoint is counted and tried again after the next commit.
func (s *Store) checkpoints() {
	c := s.ckpt
	defer close(c.exited)
	var last time.Time
	for {
		select {
		case <-c.kick:
		case <-c.stop:
			return
		}
		if wait := checkpointEvery - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-c.stop:
				t.Stop()
				return
			}
		}
		last = time.Now()
		commits := c.commits.Load()
		ctx, cancel := context.WithTimeout(context.Background(), checkpointTimeout)
		if err := s.checkpoint(ctx); err != nil {
			c.fails.Add(1)
		}
		cancel()
		c.runs.Add(1)
		c.covered.Store(commits)
	}
}

// checkpoint runs one PASSIVE checkpoint of the WAL.
func (s *Store) checkpoint(ctx context.Context) error {
	var busy, frames, copied int64
	if err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		return fmt.Errorf("sqlstore: checkpoint: %w", err)
	}
	return nil
}
