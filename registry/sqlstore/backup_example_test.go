package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/openregistro/registro/registry/sqlstore"
)

// A backup taken while the store serves, restored into a new database and
// verified.
func ExampleStore_Backup() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "registro-backup")
	defer os.RemoveAll(dir)
	s, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "registro.db"), sqlstore.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	info, err := s.Backup(ctx, filepath.Join(dir, "registro.backup"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("backup of", info.Source, "up to event", info.LastEventSeq)

	// Into a fresh database only: PostgreSQL works the same way.
	if _, err := sqlstore.Restore(ctx, filepath.Join(dir, "registro.backup"), "sqlite:"+filepath.Join(dir, "restored.db")); err != nil {
		fmt.Println(err)
		return
	}
	r, err := sqlstore.OpenExisting(ctx, "sqlite:"+filepath.Join(dir, "restored.db"), sqlstore.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	rep, err := r.Verify(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("invariants hold:", rep.OK())
	// Output:
	// backup of sqlite up to event 0
	// invariants hold: true
}
