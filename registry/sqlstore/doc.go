// Package sqlstore keeps the register (registry.Store) and the annual-report
// filings (questionnaire.FilingStore) in a SQL database: SQLite as the
// embedded default (modernc.org/sqlite, pure Go, no cgo) and PostgreSQL for
// production (github.com/jackc/pgx/v5 through database/sql).
//
// Open picks the database from the DSN ("sqlite:PATH", a plain file path, or
// "postgres://…") and applies the embedded, numbered migrations unless
// Options.SkipMigrate asks to call Store.Migrate explicitly. Both databases
// run the same queries; what differs — placeholders, column types, the
// migration lock, the substring function, how a unique violation is
// reported — is in one place (dialect.go and the two migration folders).
//
// Records are stored as JSON documents beside indexed columns for what the
// store looks up, filters and orders by (codice fiscale, region, province,
// legal form, branch, enrolment section and status; the (year, body) key of
// the current filings). Store.Filings returns the filing store, which shares
// the connection pool and the database: Filings.PutWithEvents writes a
// filing and its register events in one transaction
// (questionnaire.EventFilingStore), so a filing never lacks its change-feed
// event.
//
// Listings put registry.Filter.Candidates in the query and call
// Filter.Visible on the rows read, in chunks, with no rows open, before the
// cursor and the limit, so a viewer's page is full and its cursor is a body
// it may see. Events carry the region of their body's seat after the batch
// and, when the batch moved the body, before it (columns region and
// region_before); EventFilter.Kinds and EventFilter.Region are answered from
// indexes on (kind, seq), (region, seq) and (region_before, seq).
//
// # Errors
//
// The stores return the errors their interfaces define, wrapped with the
// record concerned: registry.ErrNotFound (kind not_found) and
// registry.ErrConflict (kind conflict), from the register methods and from
// Filings alike; test them with errors.Is, or read their kind with
// problem.KindOf. A conflict (a stale version, a taken ID or codice fiscale, a
// revision that is not the next) writes nothing. Open wraps ErrDSN (kind
// invalid) for an unusable DSN; Migrate (and Open) wrap ErrSchema (kind
// internal) when the database's migration history does not match this
// package's (an edited migration, or a database migrated by newer code).
// Commit wraps ErrBadKind (kind invalid) for a delete of an unknown record
// kind; Entities wraps registry.ErrInvalidCursor (kind invalid) for a cursor
// no listing made. Any other error is the database's, wrapped with what was
// being done (kind internal); a cancelled context ends the operation with the
// context's error.
//
// # Concurrency
//
// A Store is safe for concurrent use, and any number of processes may open
// the same database. Every write is one transaction: a registry batch (its
// records and its events) or a filing (the revision and the move of the
// current pointer) commits whole or not at all. Versions are checked inside
// the transaction (UPDATE … WHERE version = ?), so of two writers of one
// record exactly one wins and the other gets ErrConflict. Event sequence
// numbers come from a counter row held until commit, so they have no gaps
// and become visible in order.
//
// SQLite runs in WAL mode with busy_timeout 10 s and foreign keys on; every
// transaction is BEGIN IMMEDIATE, so writers queue instead of failing with
// SQLITE_BUSY, while readers never wait. synchronous=FULL fsyncs the WAL at
// every commit: an acknowledged write survives a power loss, not only a
// crash of the process (NORMAL would be faster and only crash-safe).
// PostgreSQL runs at READ COMMITTED; migrations are serialised with a
// transaction-level advisory lock.
//
// # Backups
//
// Store.Backup writes a consistent copy while the store serves: an SQLite
// file whatever the source (VACUUM INTO on SQLite; one REPEATABLE READ,
// READ ONLY transaction copied into a new SQLite file on PostgreSQL), whose
// position is the last event it holds. Restore loads such a file into a
// fresh database of either backend, never into one that has tables
// (ErrNotFresh). Store.Verify checks the register's invariants — the event
// log without gaps, every filing with its event, versions and references,
// attachments against their SHA-256 — and reports each broken one.
// OpenExisting is Open for a database that must exist already
// (ErrNoDatabase otherwise): a mistyped path never becomes a new, empty
// register.
//
// Filings.Year streams: rows are decoded as they are yielded, and the
// iteration holds one pooled connection until it ends or the loop breaks.
package sqlstore
