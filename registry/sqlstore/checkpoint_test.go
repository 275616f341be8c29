package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/sqlstore"
)

// TestCheckpoints checks that on SQLite the store's checkpointer copies the
// WAL back, so that it stays bounded however much is written, while the
// committer's own connection checkpoints only past CommitterWALPages; and
// that with a pool of one connection SQLite checkpoints as it always does.
func TestCheckpoints(t *testing.T) {
	t.Parallel()
	const (
		writes = 4 // a round's
		blob   = 16 << 10
	)
	for _, tc := range []struct {
		name   string
		opts   sqlstore.Options
		rounds int
		// checkpointer: the store's checkpointer runs, and the
		// committer's connection checkpoints only a large WAL.
		checkpointer bool
	}{
		{"checkpointer", sqlstore.Options{}, 30, true},
		// SQLite's own policy is not under test: a few writes show the
		// store leaves it alone.
		{"one connection", sqlstore.Options{MaxOpenConns: 1}, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			path := filepath.Join(t.TempDir(), "ckpt.db")
			s := mustOpen(t, "sqlite:"+path, tc.opts)
			if err := s.WriteSQL(ctx, nil, false, "CREATE TABLE ckpt (b BLOB)"); err != nil {
				t.Fatal(err)
			}
			n, err := s.WriterAutocheckpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: sqlstore.CommitterWALPages, false: 1000}[tc.checkpointer]; n != want {
				t.Fatalf("the committer's connection has wal_autocheckpoint %d, want %d", n, want)
			}
			insert := "INSERT INTO ckpt VALUES (randomblob(" + strconv.Itoa(blob) + "))"
			for range tc.rounds {
				for range writes {
					if err := s.WriteSQL(ctx, nil, false, insert); err != nil {
						t.Fatal(err)
					}
				}
				if tc.checkpointer && !s.WaitCheckpointed(ctx) {
					t.Fatal("no checkpoint after the commits")
				}
			}
			st := s.CommitStats()
			if tc.checkpointer && st.Checkpoints == 0 || !tc.checkpointer && st.Checkpoints != 0 {
				t.Errorf("%d checkpoints by the store, want them only with its checkpointer", st.Checkpoints)
			}
			if st.CheckpointFailures != 0 {
				t.Errorf("%d checkpoints failed", st.CheckpointFailures)
			}
			if tc.checkpointer {
				// Without checkpoints the WAL would hold every page
				// written; with them, the next commit after a whole
				// checkpoint starts it over.
				fi, err := os.Stat(path + "-wal")
				if err != nil {
					t.Fatal(err)
				}
				if appended := int64(tc.rounds * writes * blob); fi.Size() > appended/3 {
					t.Errorf("the WAL holds %d bytes after %d bytes were written: not checkpointed", fi.Size(), appended)
				}
			}
			count, err := s.QueryInt(ctx, "SELECT count(*) FROM ckpt")
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(tc.rounds * writes); count != want {
				t.Errorf("%d rows, want %d", count, want)
			}
		})
	}
}

// TestWALBoundedUnderSustainedWrites checks that the WAL stays bounded while
// writes never pause. SQLite starts the WAL over only when a write begins
// after every frame has been copied back, which a committer that is never
// idle does not see while the checkpointer copies beside it: its own
// checkpoint past its wal_autocheckpoint (a small one here) is what bounds
// the file.
func TestWALBoundedUnderSustainedWrites(t *testing.T) {
	t.Parallel()
	const (
		pages   = 64 // the committer's wal_autocheckpoint
		writers = 8
		each    = 40
		blob    = 16 << 10
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "sustained.db")
	s := mustOpen(t, "sqlite:"+path, sqlstore.WithWALPages(sqlstore.Options{}, pages))
	if err := s.WriteSQL(ctx, nil, false, "CREATE TABLE ckpt (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.WriterAutocheckpoint(ctx); err != nil || n != pages {
		t.Fatalf("the committer's connection has wal_autocheckpoint %d (%v), want %d", n, err, pages)
	}
	insert := "INSERT INTO ckpt VALUES (randomblob(" + strconv.Itoa(blob) + "))"
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		largest int64
		errs    = make(chan error, writers)
	)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if err := s.WriteSQL(ctx, nil, false, insert); err != nil {
					errs <- err
					return
				}
				if fi, err := os.Stat(path + "-wal"); err == nil {
					mu.Lock()
					largest = max(largest, fi.Size())
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// The WAL passes its limit by at most one batch (a blob from each
	// writer) before the commit that checkpoints it; twice that is a
	// generous bound, a fraction of the 5 MiB written.
	written := int64(writers * each * blob)
	bound := 2 * (pages*4096 + writers*(blob+8192))
	if largest > int64(bound) {
		t.Errorf("the WAL grew to %d bytes while %d were written; want at most %d", largest, written, bound)
	}
	if count, err := s.QueryInt(ctx, "SELECT count(*) FROM ckpt"); err != nil || count != writers*each {
		t.Errorf("%d rows (%v), want %d", count, err, writers*each)
	}
}
