package main

import (
	"context"

	"github.com/spf13/cobra"
)

// cmdBackup is "registro backup": a consistent copy of a register while it
// serves (see sqlstore.Store.Backup).
func cmdBackup(e *env) *cobra.Command {
	cmd, fs := newCommand("backup --db DSN --out FILE", "back up a register, while it serves, into one portable SQLite file",
		"registro backup --db sqlite:registro-demo/registro.db --out registro.backup")
	db := fs.String("db", "", "store to back up: sqlite:PATH, a file path or postgres://… (must exist)")
	out := fs.String("out", "", "the backup file to write (must not exist): an SQLite database, restorable into either backend")
	cmd.Args = noArgs
	cmd.RunE = runs(func(ctx context.Context, _ []string) int { return backupDB(ctx, e, *db, *out) })
	return cmd
}
