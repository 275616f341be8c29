package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/openregistro/registro/registry/sqlstore"
)

// The work of "registro backup", "restore" and "verify" (package sqlstore
// does it; these print and pick the exit status).

// backupDB writes a backup of the register at dsn (which must exist) to
// out, and prints its description (sqlstore.BackupInfo) as JSON.
func backupDB(ctx context.Context, e *env, dsn, out string) int {
	if dsn == "" || out == "" {
		fmt.Fprintln(e.stderr, "registro backup: --db and --out are required")
		return exitUsage
	}
	s, err := sqlstore.OpenExisting(ctx, dsn, sqlstore.Options{SkipMigrate: true})
	if err != nil {
		fmt.Fprintln(e.stderr, "registro backup:", err)
		return exitFor(err)
	}
	defer s.Close()
	info, err := s.Backup(ctx, out)
	if err != nil {
		fmt.Fprintln(e.stderr, "registro backup:", err)
		return exitFor(err)
	}
	fmt.Fprintf(e.stderr, "registro backup: %s written: %s database at migration %d, up to event %d\n",
		out, info.Source, info.SchemaVersion, info.LastEventSeq)
	return printJSON(e, info)
}

// restoreDB restores the backup file from into the fresh database dsn and
// prints the backup's description as JSON.
func restoreDB(ctx context.Context, e *env, from, dsn string) int {
	if dsn == "" || from == "" {
		fmt.Fprintln(e.stderr, "registro restore: --from and --db are required")
		return exitUsage
	}
	info, err := sqlstore.Restore(ctx, from, dsn)
	if err != nil {
		fmt.Fprintln(e.stderr, "registro restore:", err)
		if errors.Is(err, sqlstore.ErrNotFresh) {
			fmt.Fprintln(e.stderr, "registro restore: restore into a new database (a new SQLite path, an empty PostgreSQL schema)")
		}
		return exitFor(err)
	}
	fmt.Fprintf(e.stderr, "registro restore: %s restored into %s, up to event %d; run \"registro verify --db …\" on it\n",
		from, redact(dsn), info.LastEventSeq)
	return printJSON(e, info)
}

// verifyDB checks the register's invariants at dsn (an existing database, or
// a backup file as sqlite:PATH) and prints the report: exit 1 when an
// invariant is broken.
func verifyDB(ctx context.Context, e *env, dsn, format string) int {
	if dsn == "" {
		fmt.Fprintln(e.stderr, "registro verify: --db is required")
		return exitUsage
	}
	if format != "text" && format != "json" {
		fmt.Fprintf(e.stderr, "registro verify: --format %q: want text or json\n", format)
		return exitUsage
	}
	s, err := sqlstore.OpenExisting(ctx, dsn, sqlstore.Options{SkipMigrate: true})
	if err != nil {
		fmt.Fprintln(e.stderr, "registro verify:", err)
		return exitFor(err)
	}
	defer s.Close()
	rep, err := s.Verify(ctx)
	if err != nil {
		fmt.Fprintln(e.stderr, "registro verify:", err)
		return exitFor(err)
	}
	if format == "json" {
		if code := printJSON(e, rep); code != exitOK {
			return code
		}
	} else {
		for _, f := range rep.Findings {
			fmt.Fprintf(e.stdout, "%s\t%s\n", f.Check, f.Detail)
		}
	}
	if !rep.OK() {
		more := ""
		if rep.Broken > len(rep.Findings) {
			more = fmt.Sprintf(" (the first %d listed)", len(rep.Findings))
		}
		fmt.Fprintf(e.stderr, "registro verify: %d broken invariants%s\n", rep.Broken, more)
		return exitFindings
	}
	fmt.Fprintf(e.stderr, "registro verify: every invariant holds (migration %d, %d events, %d filings)\n",
		rep.SchemaVersion, rep.LastEventSeq, rep.Rows["filings"])
	return exitOK
}

// printJSON writes v as indented JSON on standard output.
func printJSON(e *env, v any) int {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintln(e.stderr, "registro:", err)
		return exitUsage
	}
	if _, err := e.stdout.Write(append(b, '\n')); err != nil {
		fmt.Fprintln(e.stderr, "registro:", err)
		return exitUsage
	}
	return exitOK
}

// redact hides the password of a database URL in messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
