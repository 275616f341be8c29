package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/sqlstore"
)

// touch is a write that changes nothing but takes the write lock.
const touch = "UPDATE counters SET value = value WHERE name = 'event'"

// TestCommitterKeepsItsConnection checks that on SQLite the committer runs
// every batch on one connection of its own, kept from batch to batch (so
// its page cache stays current), gives it back after a failed commit, and
// lets it go at Close.
func TestCommitterKeepsItsConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "writer.db")
	s, err := sqlstore.Open(ctx, "sqlite:"+path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteSQL(ctx, nil, false, touch); err != nil {
		t.Fatal(err)
	}
	first := s.WriterConn()
	if first == nil {
		t.Fatal("no connection kept by the committer after a write")
	}
	// Once the checkpointer is done with the pooled connection it
	// borrows after a commit.
	if !s.WaitCheckpointed(ctx) {
		t.Fatal("no checkpoint after the write")
	}
	if n := s.DBStats().InUse; n != 1 {
		t.Errorf("%d connections in use between writes, want the committer's one", n)
	}
	for i := range 10 {
		if err := s.WriteSQL(ctx, nil, false, touch); err != nil {
			t.Fatal(err)
		}
		if c := s.WriterConn(); c != first {
			t.Fatalf("write %d ran on another connection", i)
		}
	}
	// A batch whose deadline passes before its commit: database/sql rolls
	// the transaction back, the commit fails, and the connection goes back
	// to the pool. The deadline leaves the write ample time to start (a
	// write still waiting at its deadline is dropped unrun, which would
	// test nothing); the write then outlives it.
	short, cancel := context.WithTimeout(ctx, time.Second)
	deadline, _ := short.Deadline()
	ran := false
	err = s.WriteExec(short, func(ctx context.Context, exec func(string) error) error {
		ran = true
		if err := exec(touch); err != nil {
			return err
		}
		time.Sleep(time.Until(deadline) + 100*time.Millisecond)
		return nil
	})
	cancel()
	if !ran {
		t.Fatalf("the write did not start before its deadline: %v", err)
	}
	if err == nil {
		t.Fatal("a write whose deadline passed before its commit succeeded")
	}
	if c := s.WriterConn(); c != nil {
		t.Fatal("the committer kept its connection after a failed commit")
	}
	if err := s.WriteSQL(ctx, nil, false, touch); err != nil {
		t.Fatalf("the write after a failed commit: %v", err)
	}
	if c := s.WriterConn(); c == nil || c == first {
		t.Fatalf("after a failed commit the next batch ran on %p, want a connection taken anew (not %p)", c, first)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The last connection to close removes the WAL and the shared memory:
	// the committer's was closed too.
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("writer.db%s after Close: %v, want it removed by the last connection", suffix, err)
		}
	}
}

// TestCommitterOnePooledConnection checks that with a pool of one
// connection the committer keeps none, so reads between writes still get
// it.
func TestCommitterOnePooledConnection(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, "sqlite:"+filepath.Join(t.TempDir(), "one.db"), sqlstore.Options{MaxOpenConns: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		if err := s.WriteSQL(ctx, nil, false, touch); err != nil {
			t.Fatal(err)
		}
		if c := s.WriterConn(); c != nil {
			t.Fatal("the committer kept the pool's only connection")
		}
		if _, err := s.Pragma(ctx, "journal_mode"); err != nil {
			t.Fatalf("read after write %d: %v", i, err)
		}
	}
}
