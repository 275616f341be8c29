package main

import (
	"context"

	"github.com/spf13/cobra"
)

// cmdRestore is "registro restore": a backup into a fresh database (see
// sqlstore.Restore).
func cmdRestore(e *env) *cobra.Command {
	cmd, fs := newCommand("restore --from FILE --db DSN", "restore a backup into a new, empty database (SQLite or PostgreSQL)",
		"registro restore --from registro.backup --db sqlite:restored.db")
	from := fs.String("from", "", "the backup file (written by registro backup)")
	db := fs.String("db", "", "the new database: a new SQLite path, or a PostgreSQL schema without tables")
	cmd.Args = noArgs
	cmd.RunE = runs(func(ctx context.Context, _ []string) int { return restoreDB(ctx, e, *from, *db) })
	return cmd
}
