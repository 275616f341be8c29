package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Backups.
//
// A backup is always an SQLite database file, whatever the source: the
// register's own tables at one instant, with the schema of this package's
// SQLite migrations up to the source's version and their history in
// schema_migrations. It is portable (one file, readable by any SQLite, by
// Open and by Verify) and restorable into either backend (Restore).
//
//   - From SQLite, Backup runs VACUUM INTO: one read transaction, so the copy
//     is the database as of one commit, taken while writers go on (readers
//     never wait in WAL mode; writers do not wait for it either).
//   - From PostgreSQL, Backup reads every table in one REPEATABLE READ, READ
//     ONLY transaction (one snapshot: the copy is the database as of one
//     commit) and writes the rows into a new SQLite file.
//
// The file is written beside out under a temporary name, synced, and renamed
// to out only when complete: a failed backup leaves no partial file at out.

// ErrNotFresh is wrapped by Restore when the target database already holds
// tables: a restore never merges into, nor overwrites, a database.
var ErrNotFresh = errors.New("sqlstore: the target database is not empty")

// ErrNoDatabase is wrapped by OpenExisting when the DSN names no database
// of the register: a missing SQLite file, or a PostgreSQL schema without
// the register's tables.
var ErrNoDatabase = errors.New("sqlstore: no register database there")

// BackupInfo describes a backup: where in the source's history it stands.
type BackupInfo struct {
	// Source is the dialect backed up: "sqlite" or "postgres".
	Source string `json:"source"`
	// SchemaVersion is the migration version of the copy.
	SchemaVersion int `json:"schemaVersion"`
	// LastEventSeq is the backup's position: the Seq of the last event of
	// the log in the copy (0 for an empty log). Every write acknowledged
	// before the backup began is in it; none after this event is.
	LastEventSeq int64 `json:"lastEventSeq"`
	// Rows counts the rows copied, by table.
	Rows map[string]int64 `json:"rows"`
}

// Backup writes a consistent copy of the database to the SQLite file out,
// which must not exist, while the store goes on serving reads and writes.
// It returns where the copy stands (BackupInfo.LastEventSeq). See the
// package's section on backups for the format.
func (s *Store) Backup(ctx context.Context, out string) (BackupInfo, error) {
	if _, err := os.Lstat(out); err == nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: backup: %s already exists", out)
	} else if !errors.Is(err, os.ErrNotExist) {
		return BackupInfo{}, fmt.Errorf("sqlstore: backup: %w", err)
	}
	tmp, err := tempPath(out)
	if err != nil {
		return BackupInfo{}, err
	}
	defer os.Remove(tmp) // a no-op once renamed
	switch s.d.name {
	case "sqlite":
		if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
			return BackupInfo{}, fmt.Errorf("sqlstore: backup: vacuum into: %w", err)
		}
	default:
		if err := s.backupPostgres(ctx, tmp); err != nil {
			return BackupInfo{}, err
		}
	}
	if err := syncFile(tmp); err != nil {
		return BackupInfo{}, err
	}
	info, err := ReadBackupInfo(ctx, tmp)
	if err != nil {
		return BackupInfo{}, err
	}
	info.Source = s.d.name
	if err := os.Rename(tmp, out); err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: backup: %w", err)
	}
	if err := syncFile(filepath.Dir(out)); err != nil {
		return BackupInfo{}, err
	}
	return info, nil
}

// tempPath returns an unused name beside out for the file being written.
func tempPath(out string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-*")
	if err != nil {
		return "", fmt.Errorf("sqlstore: backup: %w", err)
	}
	name := f.Name()
	f.Close()
	// VACUUM INTO and a new SQLite database want no file there.
	if err := os.Remove(name); err != nil {
		return "", fmt.Errorf("sqlstore: backup: %w", err)
	}
	return name, nil
}

// syncFile fsyncs a file or a directory.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sqlstore: backup: sync %s: %w", path, err)
	}
	return nil
}

// openBackupFile opens an existing backup file (never creating one).
func openBackupFile(path string) (*sql.DB, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: backup file: %w", err)
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return nil, fmt.Errorf("sqlstore: backup file %s: not an SQLite database", path)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: backup file: %w", err)
	}
	return db, nil
}

// ReadBackupInfo reads the schema version, the position and the row counts
// of a backup file.
func ReadBackupInfo(ctx context.Context, path string) (BackupInfo, error) {
	db, err := openBackupFile(path)
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	info := BackupInfo{Rows: map[string]int64{}}
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&info.SchemaVersion); err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: backup file %s: not a register backup: %w", path, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM events").Scan(&info.LastEventSeq); err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: backup file %s: %w", path, err)
	}
	tables, err := sqliteTables(ctx, db)
	if err != nil {
		return BackupInfo{}, err
	}
	for _, t := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(t)).Scan(&n); err != nil {
			return BackupInfo{}, fmt.Errorf("sqlstore: backup file %s: count %s: %w", path, t, err)
		}
		info.Rows[t] = n
	}
	return info, nil
}

// quoteIdent quotes a table or column name (both dialects).
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// execer is what *sql.DB, *sql.Conn and *sql.Tx have in common: a queryer
// that writes.
type execer interface {
	queryer
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// stringColumn runs query and collects its one string column.
func stringColumn(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// sqliteTables lists an SQLite database's tables (not SQLite's own).
func sqliteTables(ctx context.Context, q queryer) ([]string, error) {
	return stringColumn(ctx, q, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
}

// tableNames lists the tables of the store's database (its current schema
// on PostgreSQL).
func (d *dialect) tableNames(ctx context.Context, q queryer) ([]string, error) {
	if d.name == "sqlite" {
		return sqliteTables(ctx, q)
	}
	return stringColumn(ctx, q, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
}

// columnNames lists a table's columns, in order, with their declared types
// in lower case; generated columns are left out (they are computed, never copied).
func (d *dialect) columnNames(ctx context.Context, q queryer, table string) (names, types []string, err error) {
	var rows *sql.Rows
	if d.name == "sqlite" {
		rows, err = q.QueryContext(ctx, "SELECT name, lower(type) FROM pragma_table_info(?) ORDER BY cid", table)
	} else {
		rows, err = q.QueryContext(ctx, "SELECT column_name, lower(data_type) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position", table)
	}
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, nil, err
		}
		names, types = append(names, n), append(types, t)
	}
	return names, types, rows.Err()
}

// history is a database's schema_migrations: checksum by version.
func history(ctx context.Context, q queryer) (map[int]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT version, checksum FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read the migration history: %w", err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var v int
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			return nil, err
		}
		out[v] = sum
	}
	return out, rows.Err()
}

// checkHistory checks that applied is exactly this package's migrations
// 1…n of dialect name, unedited, and returns n.
func checkHistory(name string, applied map[int]string) (int, error) {
	ms, err := migrations("migrations/" + name)
	if err != nil {
		return 0, err
	}
	n := len(applied)
	if n == 0 {
		return 0, fmt.Errorf("%w: no migration applied", ErrSchema)
	}
	if n > len(ms) {
		return 0, fmt.Errorf("%w: the database has %d migrations, this code knows %d (newer code wrote it?)", ErrSchema, n, len(ms))
	}
	for _, m := range ms[:n] {
		sum, ok := applied[m.version]
		if !ok {
			return 0, fmt.Errorf("%w: migration %s is missing from the history", ErrSchema, m.name)
		}
		if sum != m.sum {
			return 0, fmt.Errorf("%w: migration %s was applied with different content", ErrSchema, m.name)
		}
	}
	return n, nil
}

// migrateTo applies migrations 1…n of d, in tx, to an empty database.
func migrateTo(ctx context.Context, tx *sql.Tx, d *dialect, n int) error {
	ms, err := migrations("migrations/" + d.name)
	if err != nil {
		return err
	}
	if n > len(ms) {
		return fmt.Errorf("%w: the backup is at migration %d, this code knows %d", ErrSchema, n, len(ms))
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	checksum TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`); err != nil {
		return fmt.Errorf("sqlstore: history table: %w", err)
	}
	for _, m := range ms[:n] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("sqlstore: migrate: %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, d.q("INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)"),
			m.version, m.name, m.sum); err != nil {
			return fmt.Errorf("sqlstore: migrate: record %s: %w", m.name, err)
		}
	}
	// The migrations seed rows (the event counter) that the copy brings.
	if _, err := tx.ExecContext(ctx, "DELETE FROM counters"); err != nil {
		return fmt.Errorf("sqlstore: clear counters: %w", err)
	}
	return nil
}

// backupPostgres writes the database, read in one snapshot, into a new
// SQLite file at path.
func (s *Store) backupPostgres(ctx context.Context, path string) error {
	src, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlstore: backup: begin snapshot: %w", err)
	}
	defer src.Rollback()
	applied, err := history(ctx, src)
	if err != nil {
		return err
	}
	version, err := checkHistory(s.d.name, applied)
	if err != nil {
		return err
	}
	tables, err := s.d.tableNames(ctx, src)
	if err != nil {
		return fmt.Errorf("sqlstore: backup: list tables: %w", err)
	}
	_, driverDSN, err := parseDSN("sqlite:" + path)
	if err != nil {
		return err
	}
	dst, err := sql.Open("sqlite", driverDSN)
	if err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	defer dst.Close()
	dst.SetMaxOpenConns(1)
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	defer tx.Rollback()
	if err := migrateTo(ctx, tx, sqliteDialect, version); err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	// Referenced tables first (the SQLite copy checks foreign keys).
	if tables, err = fkOrder(ctx, tx, tables); err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	for _, t := range tables {
		if t == "schema_migrations" {
			continue
		}
		if _, err := copyTable(ctx, src, s.d, tx, sqliteDialect, t); err != nil {
			return fmt.Errorf("sqlstore: backup: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: backup: commit: %w", err)
	}
	return nil
}

// copyTable copies every row of table from src (dialect sd) into the same
// table of dst (dialect dd), which must have every column src has, and
// returns how many rows it copied.
func copyTable(ctx context.Context, src queryer, sd *dialect, dst execer, dd *dialect, table string) (int64, error) {
	cols, _, err := sd.columnNames(ctx, src, table)
	if err != nil {
		return 0, fmt.Errorf("columns of %s: %w", table, err)
	}
	dcols, dtypes, err := dd.columnNames(ctx, dst, table)
	if err != nil {
		return 0, fmt.Errorf("columns of %s: %w", table, err)
	}
	if len(dcols) == 0 {
		return 0, fmt.Errorf("table %s: no such table in the target's schema", table)
	}
	dtype := map[string]string{}
	for i, c := range dcols {
		dtype[c] = dtypes[i]
	}
	quoted := make([]string, len(cols))
	boolean := make([]bool, len(cols))
	for i, c := range cols {
		t, ok := dtype[c]
		if !ok {
			return 0, fmt.Errorf("table %s: column %s is not in the target's schema", table, c)
		}
		quoted[i] = quoteIdent(c)
		boolean[i] = t == "boolean"
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(quoted, ", ")+" FROM "+quoteIdent(table))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	insert := dd.q("INSERT INTO " + quoteIdent(table) + " (" + strings.Join(quoted, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) + ")")
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("read %s: %w", table, err)
		}
		for i, v := range vals {
			// SQLite has no boolean type: 0 and 1 become false and true.
			if i64, ok := v.(int64); ok && boolean[i] {
				vals[i] = i64 != 0
			}
		}
		if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
			return n, fmt.Errorf("write %s: %w", table, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read %s: %w", table, err)
	}
	return n, nil
}

// Restore copies the backup file from (written by Backup) into the
// database named by dsn, which must be fresh: a missing or empty SQLite
// file, or a PostgreSQL schema without tables. It applies the migrations up
// to the backup's version, copies every table in one transaction (nothing
// of it stays after an error), then brings the schema up to this code's
// version (Migrate). It returns the backup's description.
//
// Errors: ErrNotFresh when the target holds tables; ErrSchema when the
// backup's migration history is not this package's.
func Restore(ctx context.Context, from, dsn string) (BackupInfo, error) {
	info, err := ReadBackupInfo(ctx, from)
	if err != nil {
		return BackupInfo{}, err
	}
	b, err := openBackupFile(from)
	if err != nil {
		return BackupInfo{}, err
	}
	defer b.Close()
	b.SetMaxOpenConns(1)
	// One read transaction: the file does not change while it is copied.
	src, err := b.BeginTx(ctx, nil)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: restore: %w", err)
	}
	defer src.Rollback()
	applied, err := history(ctx, src)
	if err != nil {
		return BackupInfo{}, err
	}
	version, err := checkHistory("sqlite", applied)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: restore: backup file: %w", err)
	}
	tables, err := sqliteTables(ctx, src)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: restore: %w", err)
	}
	order, err := fkOrder(ctx, src, tables)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: restore: %w", err)
	}
	d, _, err := parseDSN(dsn)
	if err != nil {
		return BackupInfo{}, err
	}
	if d.name == "sqlite" {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return BackupInfo{}, fmt.Errorf("%w: %s exists", ErrNotFresh, path)
		}
	}
	s, err := Open(ctx, dsn, Options{SkipMigrate: true})
	if err != nil {
		return BackupInfo{}, err
	}
	defer s.Close()
	existing, err := s.d.tableNames(ctx, s.db)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: restore: %w", err)
	}
	if len(existing) > 0 {
		return BackupInfo{}, fmt.Errorf("%w: it has tables (%s)", ErrNotFresh, strings.Join(existing, ", "))
	}
	err = s.soloTx(ctx, func(tx *sql.Tx) error {
		if s.d.name == "postgres" {
			if err := s.d.lockMigrations(ctx, tx); err != nil {
				return err
			}
		}
		if err := migrateTo(ctx, tx, s.d, version); err != nil {
			return err
		}
		for _, t := range order {
			if t == "schema_migrations" {
				continue
			}
			if _, err := copyTable(ctx, src, sqliteDialect, tx, s.d, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return BackupInfo{}, fmt.Errorf("sqlstore: restore: %w", err)
	}
	if err := s.Migrate(ctx); err != nil {
		return BackupInfo{}, err
	}
	return info, nil
}

// fkOrder sorts tables so that every table comes after those its foreign
// keys reference (tables of an SQLite database).
func fkOrder(ctx context.Context, q queryer, tables []string) ([]string, error) {
	deps := map[string][]string{}
	for _, t := range tables {
		refs, err := stringColumn(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, t)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", t, err)
		}
		deps[t] = refs
	}
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(t string) error
	visit = func(t string) error {
		switch state[t] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", t)
		case 2:
			return nil
		}
		state[t] = 1
		for _, r := range deps[t] {
			if r != t {
				if err := visit(r); err != nil {
					return err
				}
			}
		}
		state[t] = 2
		out = append(out, t)
		return nil
	}
	sorted := append([]string(nil), tables...)
	sort.Strings(sorted)
	for _, t := range sorted {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OpenExisting is Open for a database that must already be the register's:
// it never creates one. A missing (or empty) SQLite file, or a PostgreSQL
// schema without a migration history, is an error wrapping ErrNoDatabase;
// otherwise the database is opened (and migrated, unless opts.SkipMigrate)
// as Open does.
func OpenExisting(ctx context.Context, dsn string, opts Options) (*Store, error) {
	d, _, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if d.name == "sqlite" {
		path := strings.TrimPrefix(dsn, "sqlite:")
		st, err := os.Stat(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("%w: SQLite file %s does not exist", ErrNoDatabase, path)
		case err != nil:
			return nil, fmt.Errorf("%w: %v", ErrNoDatabase, err)
		case !st.Mode().IsRegular():
			return nil, fmt.Errorf("%w: %s is not a regular file", ErrNoDatabase, path)
		case st.Size() == 0:
			return nil, fmt.Errorf("%w: SQLite file %s is empty", ErrNoDatabase, path)
		}
	}
	skip := opts.SkipMigrate
	opts.SkipMigrate = true
	s, err := Open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	v, err := s.SchemaVersion(ctx)
	if err == nil && v == 0 {
		err = fmt.Errorf("%w: the database has no migration history (an empty schema?)", ErrNoDatabase)
	}
	if err == nil && !skip {
		err = s.Migrate(ctx)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
