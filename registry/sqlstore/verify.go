package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/openregistro/registro/registry"
)

// MaxFindings is the most findings Verify lists; past it, it only counts.
const MaxFindings = 100

// Finding is one broken invariant.
type Finding struct {
	// Check names the invariant: "events", "filings", "versions",
	// "references" or "attachments".
	Check string `json:"check"`
	// Detail says what is wrong and where.
	Detail string `json:"detail"`
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	// SchemaVersion is the database's migration version.
	SchemaVersion int `json:"schemaVersion"`
	// LastEventSeq is the Seq of the last event of the log.
	LastEventSeq int64 `json:"lastEventSeq"`
	// Rows counts the rows checked, by table.
	Rows map[string]int64 `json:"rows"`
	// Findings lists the first MaxFindings broken invariants.
	Findings []Finding `json:"findings"`
	// Broken counts every broken invariant found (Findings holds at most
	// MaxFindings of them).
	Broken int `json:"broken"`
}

// OK reports whether every invariant holds.
func (r *VerifyReport) OK() bool { return r.Broken == 0 }

func (r *VerifyReport) add(check, format string, args ...any) {
	r.Broken++
	if len(r.Findings) < MaxFindings {
		r.Findings = append(r.Findings, Finding{Check: check, Detail: fmt.Sprintf(format, args...)})
	}
}

// Verify checks the register's invariants over the whole database, in one
// read-only snapshot (PostgreSQL: REPEATABLE READ; SQLite: one read
// transaction), while the store goes on serving:
//
//   - events: the log's sequence numbers are 1…N without a gap or a
//     duplicate, and the event counter stands at N;
//   - filings: every filing revision has its questionnaire.filed event
//     (record "ENTITY/YEAR/REVISION" of the body with the filing's codice
//     fiscale) and every such event its filing; each body's revisions of a
//     year are 1…R and the current one is R; an idempotency key names a
//     stored revision;
//   - versions: every record (entity, application, partnership, grant) is
//     at version 1 or more, its document carries the same ID and version as
//     its row, and the log has an event about it;
//   - references: an application's and a partnership's bodies, and a
//     branch's national body, are bodies the register holds or its log
//     records;
//   - attachments: when a table attachments with columns sha256, size and
//     content exists, every row's content has that SHA-256 (hex) and size.
//
// A broken invariant is a Finding in the report, not an error; the error is
// for a database that cannot be read.
func (s *Store) Verify(ctx context.Context) (*VerifyReport, error) {
	var opts *sql.TxOptions
	if s.d.name == "postgres" {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	var tx *sql.Tx
	var err error
	if s.d.name == "sqlite" {
		// Transactions are BEGIN IMMEDIATE on this pool (a write lock):
		// read from a deferred transaction of a connection of our own.
		conn, cerr := s.db.Conn(ctx)
		if cerr != nil {
			return nil, fmt.Errorf("sqlstore: verify: %w", cerr)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
			return nil, fmt.Errorf("sqlstore: verify: begin: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return s.verifyIn(ctx, conn)
	}
	tx, err = s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: verify: begin: %w", err)
	}
	defer tx.Rollback()
	return s.verifyIn(ctx, tx)
}

func (s *Store) verifyIn(ctx context.Context, q queryer) (*VerifyReport, error) {
	r := &VerifyReport{Rows: map[string]int64{}, Findings: []Finding{}}
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&r.SchemaVersion); err != nil {
		return nil, fmt.Errorf("sqlstore: verify: schema version: %w", err)
	}
	tables, err := s.d.tableNames(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: verify: %w", err)
	}
	for _, t := range tables {
		var n int64
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(t)).Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlstore: verify: count %s: %w", t, err)
		}
		r.Rows[t] = n
	}
	for _, check := range []func(context.Context, queryer, *VerifyReport) error{
		s.verifyEvents, s.verifyFilings, s.verifyRecords, s.verifyAttachments,
	} {
		if err := check(ctx, q, r); err != nil {
			return nil, fmt.Errorf("sqlstore: verify: %w", err)
		}
	}
	return r, nil
}

// verifyEvents checks that seq runs 1…N and the counter stands at N.
func (s *Store) verifyEvents(ctx context.Context, q queryer, r *VerifyReport) error {
	var n, lo, hi int64
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) FROM events").Scan(&n, &lo, &hi); err != nil {
		return err
	}
	r.LastEventSeq = hi
	if n > 0 && (lo != 1 || hi != n) {
		r.add("events", "the log holds %d events numbered %d…%d: want 1…%d", n, lo, hi, n)
		gaps, err := stringColumn(ctx, q, "SELECT CAST(seq - 1 AS TEXT) FROM events e WHERE seq > 1 AND NOT EXISTS (SELECT 1 FROM events p WHERE p.seq = e.seq - 1) ORDER BY seq LIMIT 10")
		if err != nil {
			return err
		}
		for _, g := range gaps {
			r.add("events", "event %s is missing (the one before the next is there)", g)
		}
	}
	var counter sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT value FROM counters WHERE name = 'event'").Scan(&counter)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if counter.Int64 != hi {
		r.add("events", "the event counter stands at %d, the last event is %d", counter.Int64, hi)
	}
	return nil
}

// entityIDs maps each codice fiscale to the IDs of the bodies that had it:
// the bodies in the register and those the log records (removed ones too).
// known is every entity ID either holds.
func entityIDs(ctx context.Context, q queryer) (byCF map[string][]string, known map[string]bool, err error) {
	byCF, known = map[string][]string{}, map[string]bool{}
	addID := func(cf, id string) {
		if id == "" {
			return
		}
		known[id] = true
		if cf == "" {
			return
		}
		for _, x := range byCF[cf] {
			if x == id {
				return
			}
		}
		byCF[cf] = append(byCF[cf], id)
	}
	rows, err := q.QueryContext(ctx, "SELECT id, codice_fiscale FROM entities")
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id, cf string
		if err := rows.Scan(&id, &cf); err != nil {
			rows.Close()
			return nil, nil, err
		}
		addID(cf, id)
	}
	if err := rows.Close(); err != nil {
		return nil, nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// The log: every body an event names, and the codice fiscale of the
	// entity documents it carries.
	rows, err = q.QueryContext(ctx, "SELECT entity_id, record_id, before, after FROM events WHERE entity_id <> '' AND kind IN ('"+
		string(registry.EventEntityCreated)+"', '"+string(registry.EventEntityUpdated)+"', '"+string(registry.EventEntityRemoved)+"', '"+
		string(registry.EventBranchAdded)+"')")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var entityID, recordID string
		var before, after []byte
		if err := rows.Scan(&entityID, &recordID, &before, &after); err != nil {
			return nil, nil, err
		}
		known[entityID] = true
		for _, doc := range [][]byte{before, after} {
			var e struct {
				ID            string `json:"id"`
				CodiceFiscale string `json:"codiceFiscale"`
			}
			if len(doc) > 0 && json.Unmarshal(doc, &e) == nil && e.ID == recordID {
				addID(e.CodiceFiscale, e.ID)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	ids, err := stringColumn(ctx, q, "SELECT DISTINCT entity_id FROM events WHERE entity_id <> ''")
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		known[id] = true
	}
	return byCF, known, nil
}

// verifyFilings checks filings against their events, their revisions and
// the current pointers.
func (s *Store) verifyFilings(ctx context.Context, q queryer, r *VerifyReport) error {
	byCF, _, err := entityIDs(ctx, q)
	if err != nil {
		return err
	}
	filed := map[string]bool{} // record IDs of questionnaire.filed events
	ids, err := stringColumn(ctx, q, s.d.q("SELECT record_id FROM events WHERE kind = ?"), string(registry.EventReportFiled))
	if err != nil {
		return err
	}
	for _, id := range ids {
		filed[id] = true
	}
	matched := map[string]bool{}
	rows, err := q.QueryContext(ctx, "SELECT body_tax_code, year, revision FROM filings ORDER BY body_tax_code, year, revision")
	if err != nil {
		return err
	}
	defer rows.Close()
	var prevCF string
	var prevYear, prevRev int
	for rows.Next() {
		var cf string
		var year, rev int
		if err := rows.Scan(&cf, &year, &rev); err != nil {
			return err
		}
		want := 1
		if cf == prevCF && year == prevYear {
			want = prevRev + 1
		}
		if rev != want {
			r.add("filings", "filing of %s for %d: revision %d follows revision %d", cf, year, rev, want-1)
		}
		prevCF, prevYear, prevRev = cf, year, rev
		found := false
		for _, id := range byCF[cf] {
			key := id + "/" + strconv.Itoa(year) + "/" + strconv.Itoa(rev)
			if filed[key] {
				found, matched[key] = true, true
				break
			}
		}
		if !found {
			r.add("filings", "filing of %s for %d revision %d has no %s event", cf, year, rev, registry.EventReportFiled)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if !matched[id] {
			r.add("filings", "event %s %s has no filing", registry.EventReportFiled, id)
		}
	}
	// Current pointers: one per (body, year) with filings, at the last
	// revision.
	for _, c := range []struct{ query, what string }{
		{`SELECT f.body_tax_code || ' ' || CAST(f.year AS TEXT) FROM filings f
LEFT JOIN current_filings c ON c.year = f.year AND c.body_tax_code = f.body_tax_code
GROUP BY f.body_tax_code, f.year HAVING MAX(c.revision) IS NULL OR MAX(c.revision) <> MAX(f.revision)
ORDER BY 1 LIMIT 100`, "the current filing is not the last revision"},
		{`SELECT i.subject || ' ' || i.idem_key FROM idempotency_keys i
WHERE i.revision IS NOT NULL AND NOT EXISTS (SELECT 1 FROM filings f
	WHERE f.body_tax_code = i.body_tax_code AND f.year = i.year AND f.revision = i.revision)
ORDER BY 1 LIMIT 100`, "an idempotency key names a revision that is not stored"},
	} {
		bad, err := stringColumn(ctx, q, c.query)
		if err != nil {
			return err
		}
		for _, b := range bad {
			r.add("filings", "%s: %s", c.what, b)
		}
	}
	return nil
}

// verifyRecords checks versions, documents, events and references of the
// register's records.
func (s *Store) verifyRecords(ctx context.Context, q queryer, r *VerifyReport) error {
	_, known, err := entityIDs(ctx, q)
	if err != nil {
		return err
	}
	logged := map[string]bool{}
	ids, err := stringColumn(ctx, q, "SELECT DISTINCT record_id FROM events")
	if err != nil {
		return err
	}
	for _, id := range ids {
		logged[id] = true
	}
	for _, t := range []struct {
		table string
		refs  []string // JSON fields naming bodies
	}{
		{"entities", []string{"branchOf"}},
		{"applications", []string{"entityId"}},
		{"partnerships", []string{"entityId", "partnerId"}},
		{"grants", nil},
	} {
		rows, err := q.QueryContext(ctx, "SELECT id, version, doc FROM "+t.table+" ORDER BY id")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var version int64
			var doc []byte
			if err := rows.Scan(&id, &version, &doc); err != nil {
				rows.Close()
				return err
			}
			var d map[string]any
			if err := json.Unmarshal(doc, &d); err != nil {
				r.add("versions", "%s %s: its document is not JSON: %v", t.table, id, err)
				continue
			}
			docID, _ := d["id"].(string)
			docVersion, _ := d["version"].(float64)
			switch {
			case version < 1:
				r.add("versions", "%s %s is at version %d", t.table, id, version)
			case docID != id:
				r.add("versions", "%s %s: its document has ID %q", t.table, id, docID)
			case int64(docVersion) != version:
				r.add("versions", "%s %s is at version %d, its document at %v", t.table, id, version, docVersion)
			}
			if !logged[id] {
				r.add("versions", "%s %s: no event of the log records it", t.table, id)
			}
			for _, f := range t.refs {
				ref, _ := d[f].(string)
				if ref != "" && !known[ref] {
					r.add("references", "%s %s: %s %q is no body the register holds or its log records", t.table, id, f, ref)
				}
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// verifyAttachments checks attachments' contents against their SHA-256 and
// size, when the table exists.
func (s *Store) verifyAttachments(ctx context.Context, q queryer, r *VerifyReport) error {
	cols, _, err := s.d.columnNames(ctx, q, "attachments")
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[c] = true
	}
	if !have["sha256"] || !have["size"] || !have["content"] {
		return nil
	}
	key := "sha256"
	if have["id"] {
		key = "id"
	}
	rows, err := q.QueryContext(ctx, "SELECT CAST("+quoteIdent(key)+" AS TEXT), sha256, size, content FROM attachments")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, sum string
		var size int64
		var content []byte
		if err := rows.Scan(&id, &sum, &size, &content); err != nil {
			return err
		}
		got := sha256.Sum256(content)
		if int64(len(content)) != size {
			r.add("attachments", "attachment %s: %d bytes, recorded size %d", id, len(content), size)
		}
		if hex.EncodeToString(got[:]) != strings.ToLower(sum) {
			r.add("attachments", "attachment %s: its content's SHA-256 is %x, recorded %s", id, got, sum)
		}
	}
	return rows.Err()
}
