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
// event; Filings.CurrentRevision (questionnaire.RevisionStore) tells the
// desk which revision an amendment follows, and whether the filing was late,
// without reading the current document.
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
// the same database. Every write is atomic: a registry batch (its records
// and its events), a filing (the revision, the move of the current pointer,
// its idempotency key and its events), a draft, a token, a key commits whole
// or not at all. Versions are checked inside the transaction (UPDATE …
// WHERE version = ?), so of two writers of one record exactly one wins and
// the other gets ErrConflict. Event sequence numbers come from a counter
// row held until commit, so they have no gaps and become visible in order.
//
// SQLite runs in WAL mode with busy_timeout 10 s and foreign keys on; every
// transaction is BEGIN IMMEDIATE, so writers of different processes queue
// instead of failing with SQLITE_BUSY, while readers never wait.
// synchronous=FULL fsyncs the WAL at every commit: an acknowledged write
// survives a power loss, not only a crash of the process (NORMAL would be
// faster and only crash-safe). Temporary files (temp_store=MEMORY), among
// them the savepoints' journals of the group commit, stay in memory.
// PostgreSQL runs at READ COMMITTED; migrations are serialised with a
// transaction-level advisory lock.
//
// # Group commit
//
// The writes of one Store are run by one goroutine, the committer, in
// batches: the writes that arrive while a transaction commits wait in a
// queue, in arrival order, and the next transaction runs them all (up to
// 64), one after the other, and commits them with one fsync (SQLite) or one
// WAL flush (PostgreSQL). Under load, one commit pays for many writes; alone,
// a write commits at once, as it did before.
//
//   - Durable before answered: a writer is answered after the commit of
//     the transaction holding its write has returned, never before.
//   - A failing write fails alone: each write runs under a savepoint of its
//     own (SAVEPOINT w … RELEASE, in the round trip of the next one on
//     PostgreSQL); a write that returns an error is rolled back to it and
//     answered with its error, and the batch goes on. When a failure leaves
//     the transaction unusable (the savepoint cannot be rolled back to, or
//     the write panicked), the transaction is rolled back and the batch's
//     other writes run again in a new one; each such retry drops one write,
//     so a batch ends. If the commit itself fails, every write of the
//     batch that had not failed gets the commit's error.
//   - Events in order, no gaps: the batch reads the event counter when its
//     first write appends events (locking the row on PostgreSQL), hands out
//     consecutive numbers to the writes in the order they run, takes back
//     the numbers of a write that is rolled back, and stores the counter
//     once, just before the commit. Every writer gets its own events, with
//     the numbers the feed shows; a reader of the feed sees a batch's
//     events all at once, at the commit.
//   - Cancellation: a caller whose context ends while its write waits in
//     the queue gets the context's error at once, and the write is dropped
//     unrun. A write that has started is seen through: its statements run
//     with the batch's own context (cancelling a statement can abort the
//     whole shared transaction), which ends at the latest deadline of the
//     batch's callers, and the caller waits for the commit, so an answer is
//     never "cancelled" for a write that committed. When that deadline
//     passes, the transaction is rolled back and nothing of the batch
//     commits; on SQLite a statement already running finishes first (the
//     statements' context does not end: watching one that can costs the
//     driver more than a short INSERT itself, and inside BEGIN IMMEDIATE a
//     statement never waits for a lock).
//   - Close answers the writes already queued, then closes the pool;
//     writes after it fail with ErrClosed.
//   - On SQLite the committer keeps one connection of the pool for itself
//     (unless Options.MaxOpenConns is 1), and gives it back only when a
//     begin or a commit fails, and at Close. In WAL mode a connection
//     empties its page cache whenever it begins a transaction after
//     another connection has committed; the connection that makes every
//     commit never does, so a batch does not read back the pages it writes
//     to. The pool's statistics therefore show one connection in use while
//     the store is idle.
//
// The committer is the store's one writer, so it sets the pace of every
// write: CommitStats.Busy is the time it has spent running batches, and
// its growth over an interval, divided by the interval, says how close to
// its limit the store writes (near 1, more callers only wait longer).
//
// # Checkpoints
//
// In WAL mode a commit appends pages to the WAL, and a checkpoint copies
// them back into the database file. SQLite's own policy runs the
// checkpoint on the connection that commits, once the WAL passes 1000
// pages: on the committer, which every write waits for, a checkpoint and
// its two fsyncs every few dozen batches, a fifth of the committer's CPU
// on deadline day. So a goroutine of the store, the checkpointer, runs a
// PASSIVE checkpoint on a pooled connection after the commits, at most
// once every 100 ms. A passive checkpoint waits for no lock and blocks no
// one: the committer keeps appending while it copies. The WAL then holds
// what was committed since the last checkpoint, and what a reader still
// reading an older snapshot keeps from being copied, as it would with
// SQLite's policy.
//
// Copying is not enough to bound the WAL file. SQLite starts the WAL over
// from its beginning only when a write transaction begins after every
// frame has been copied; a committer that is never idle (a bulk load,
// deadline day) begins its next batch while the checkpointer is still
// copying the last one, and the file grew by everything written (1.7 GB
// while a 220 MB database was seeded). The committer's connection
// therefore keeps an automatic checkpoint of its own, at 4096 pages
// (16 MiB) instead of 1000: it runs a few times less often than SQLite's,
// finds most frames already copied, and lets the next batch start the WAL
// over. A failed checkpoint is tried again after the next commit;
// CommitStats counts the checkpointer's. With Options.MaxOpenConns 1 the
// committer keeps no connection, and SQLite checkpoints as it always
// does; a connection the committer gives back has SQLite's policy again.
// Close stops the checkpointer, and SQLite checkpoints what is left when
// the last connection closes.
//
// On PostgreSQL this replaces one transaction per write, each taking the
// counter row's lock and holding it through its own commit and WAL flush,
// so that concurrent filings ran one after the other, each waiting for the
// previous one's fsync. Other orderings were weighed: a sequence numbers
// events without a lock but leaves gaps (a rolled-back write's number) and
// commits out of order, so a mirror reading the feed could skip an event
// that commits late; a sequencer that numbers events after they commit
// would need a second transaction per batch and a nullable sequence number
// in the feed's index. Group commit keeps the counter and the feed as they
// are and makes one lock wait and one flush cover a whole batch; what it
// costs is that a batch's statements run one after the other on one
// connection (see Pipeline). Several processes on one database each run
// their own batches; the counter row orders them. On PostgreSQL a batch
// holds the counter row while its later writes lock their records, so two
// processes writing the same records at once can deadlock; PostgreSQL then
// aborts one statement, and the write it belongs to fails alone, as any
// failing write. ExpireIdempotency reads before it writes, so the check
// every keyed request makes costs no write.
//
// # Pipeline
//
// On PostgreSQL every statement is a round trip, and the committer's
// goroutine, waiting for each answer, also waits for the Go scheduler
// among the requests being served: a batch of sixteen filings made about
// eighty round trips, one after the other. A filing is now also written as
// a pipeline: its statements (the idempotency key, the revision, the
// current pointer, the events) need no answer in Go before the next is
// sent, so the committer sends those of all the filings at the head of a
// batch as one pgx batch, over the transaction's own connection: the
// counter row's lock first, each event numbered from the counter inside its
// INSERT, the counter moved once at the end. Begin, the pipeline and the
// commit are three round trips for the whole batch; the writes that follow
// in the batch, of other kinds, run after the pipeline the serial way, in
// the same transaction, so the writes of a batch still run in the order
// they arrived.
//
// A pipeline has no savepoints. When one of its statements fails (a key
// or a revision already stored) or a result is not what the write needs
// (the current pointer did not move: not the next revision), the
// transaction is rolled back and the batch runs again the serial way,
// where each write learns its own outcome and a failing write fails alone,
// as above. The serial way is the reference: TestPipeline plays the same
// batches both ways and compares every answer and every row written.
// CommitStats counts the writes pipelined and the pipelines that fell back.
// SQLite runs in the process and has no round trips: it always writes the
// serial way.
//
// Restore is the exception: it fills a fresh database in a transaction of
// its own, outside the committer.
//
// # Reads
//
// Reads outside a transaction go through the pool with three things kept
// between them, each measured on the deadline-day load test (BENCHMARKS.md):
//
//   - SQLite connections stay open between requests (up to
//     SQLiteIdleConns, closed after five idle minutes): a new connection
//     runs its pragmas, reads the schema and starts with a cold page cache.
//   - On SQLite each distinct query is prepared once and reused (at most
//     512); the driver would otherwise parse and plan every query afresh.
//     The committer's transactions bind the same statements (a statement
//     not kept yet is prepared in the background: the transaction may hold
//     the pool's last connection). pgx keeps prepared statements itself.
//   - Bodies are decoded once per stored document: a cache keyed by the
//     document's exact bytes (two generations of 2048 bodies) answers a body
//     read again with a copy. Keyed by content, it cannot answer with a stale
//     body: a document written by another process, rewritten by a migration
//     or restored from a backup has other bytes, hence another key.
//
// Listings test a body's enrolments by body (the index on (entity_id,
// section, status), forced with INDEXED BY on SQLite, whose planner has no
// statistics to prefer it). On PostgreSQL the visibility test's subquery
// ends in OFFSET 0, which keeps the planner from reading every enrolment of
// the section into a hash table for each page: a page costs what it lists,
// not what the register holds.
//
// The store is a registry.PublicVersioner, so that Registry keeps the
// public's listing pages: Commit draws a new random value into counters
// ('public_version', migration 0012) in the transaction of every batch
// marked Public, whichever process commits it. Registry marks only the
// writes that change what the public sees; filings never do, and on
// deadline day a public page read again costs one point query instead of
// a listing.
//
// The desk numbers an amendment with Filings.CurrentRevision, which reads
// the current revision and its lateness, not the document. On PostgreSQL
// the large documents (filings, applications, bodies, events' records) are
// compressed with lz4 where the server has it (migration 0011): pglz took a
// fourteenth of the server's CPU on deadline day.
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
