package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/sqlstore"
)

// TestCheckpoints checks that on SQLite the store's checkpointer copies the
// WAL back, so that it stays bounded however much is written, while the
// committer's own connection never checkpoints; and that with a pool of one
// connection SQLite checkpoints as it always does.
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
		// committer's connection does not checkpoint.
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
			if want := map[bool]int{true: 0, false: 1000}[tc.checkpointer]; n != want {
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
