package main

import (
	"context"

	"github.com/spf13/cobra"
)

// cmdVerify is "registro verify": the register's invariants (see
// sqlstore.Store.Verify); exit 1 when one is broken.
func cmdVerify(e *env) *cobra.Command {
	cmd, fs := newCommand("verify --db DSN [--format text|json]", "check a register's invariants (the event log, filings and their events, versions, references, attachments)",
		"registro verify --db sqlite:restored.db",
		"registro verify --db sqlite:registro.backup --format json")
	db := fs.String("db", "", "store to check: sqlite:PATH (a backup file too), a file path or postgres://… (must exist)")
	format := formatFlag(fs, "text", "text", "json")
	cmd.Args = noArgs
	cmd.RunE = runs(func(ctx context.Context, _ []string) int { return verifyDB(ctx, e, *db, format.String()) })
	return cmd
}
