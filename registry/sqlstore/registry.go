package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

var (
	_ registry.Store           = (*Store)(nil)
	_ registry.PublicVersioner = (*Store)(nil)
)

// ErrBadKind is returned by Commit for a delete of an unknown record kind. Its
// kind is problem.KindInvalid.
var ErrBadKind = problem.NewError(problem.KindInvalid, "sqlstore: unknown record kind")

// queryer is what reads need from *sql.DB and *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// v1Semantics are encoding/json's decoding rules (case-insensitive field
// names, unknown fields ignored, UnmarshalJSON methods), for decodeDoc.
var v1Semantics = jsonv1.DefaultOptionsV1()

// decodeDoc decodes a stored document into v, upgrading legacy field names
// first (upgradeDoc). It keeps encoding/json's rules but decodes with
// go-json-experiment's implementation (the upstream of the standard
// library's encoding/json/v2, whose jsontext the questionnaire and report
// decoders already use): about half the CPU of encoding/json on a body's
// document, and every listing and look-up decodes documents.
func decodeDoc(doc []byte, v any) error {
	return jsonv2.Unmarshal(upgradeDoc(doc), v, v1Semantics)
}

// decode decodes a stored document into v: a body through the store's
// entityCache, anything else with decodeDoc.
func (s *Store) decode(doc []byte, v any) error {
	if e, ok := v.(*registry.Entity); ok {
		return s.entities.decode(doc, e)
	}
	return decodeDoc(doc, v)
}

// readDoc reads one (version, doc) row and decodes doc into v; it returns
// ErrNotFound, wrapped with what, when there is no row.
func (s *Store) readDoc(ctx context.Context, q queryer, v any, what string, query string, args ...any) (int64, error) {
	var version int64
	var doc []byte
	err := q.QueryRowContext(ctx, s.d.q(query), args...).Scan(&version, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlstore: %s: %w", what, registry.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlstore: read %s: %w", what, err)
	}
	if err := s.decode(doc, v); err != nil {
		return 0, fmt.Errorf("sqlstore: decode %s: %w", what, err)
	}
	return version, nil
}

// readDocs runs a query returning (version, doc) rows and decodes each into
// a T, setting its version with set.
func readDocs[T any](ctx context.Context, s *Store, what string, set func(*T, int64), query string, args ...any) ([]T, error) {
	rows, err := s.reads.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var version int64
		var doc []byte
		if err := rows.Scan(&version, &doc); err != nil {
			return nil, fmt.Errorf("sqlstore: list %s: %w", what, err)
		}
		var v T
		if err := s.decode(doc, &v); err != nil {
			return nil, fmt.Errorf("sqlstore: decode %s: %w", what, err)
		}
		set(&v, version)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list %s: %w", what, err)
	}
	return out, nil
}

// Entity implements registry.Store.
func (s *Store) Entity(ctx context.Context, id string) (registry.Entity, error) {
	var e registry.Entity
	v, err := s.readDoc(ctx, s.reads, &e, fmt.Sprintf("entity %q", id), "SELECT version, doc FROM entities WHERE id = ?", id)
	if err != nil {
		return registry.Entity{}, err
	}
	e.Version = v
	return e, nil
}

// EntityByCodiceFiscale implements registry.Store.
func (s *Store) EntityByCodiceFiscale(ctx context.Context, cf string) (registry.Entity, error) {
	var e registry.Entity
	v, err := s.readDoc(ctx, s.reads, &e, fmt.Sprintf("entity with codice fiscale %q", cf), "SELECT version, doc FROM entities WHERE codice_fiscale = ?", cf)
	if err != nil {
		return registry.Entity{}, err
	}
	e.Version = v
	return e, nil
}

// PublicVersion implements registry.PublicVersioner: the value Commit
// draws again, at random, in the transaction of every batch marked Public,
// whichever process commits it. ok is false when the counter row is missing
// (a database edited by hand).
func (s *Store) PublicVersion(ctx context.Context) (int64, bool, error) {
	var v int64
	err := s.reads.QueryRowContext(ctx, "SELECT value FROM counters WHERE name = 'public_version'").Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("sqlstore: public version: %w", err)
	}
	return v, true, nil
}

// limit applies registry.DefaultLimit and registry.MaxLimit.
func limit(n int) (int, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("sqlstore: negative limit %d", n)
	case n == 0:
		return registry.DefaultLimit, nil
	case n > registry.MaxLimit:
		return registry.MaxLimit, nil
	}
	return n, nil
}

// Entities implements registry.Store. Every filter but Name is answered
// by an index; Name is a substring test over the rows the other filters
// leave. f.Candidates becomes part of the query, so that the bodies a
// viewer can never see are not even read; f.Visible is then called on the
// rows read, in chunks, with no rows open (registry.Paginate), until the
// page is full and one more visible row shows that another page follows.
func (s *Store) Entities(ctx context.Context, f registry.Filter) (registry.Page, error) {
	query, args := s.entitiesQuery(&f)
	p, err := registry.Paginate(ctx, f, func(after string, chunk int) ([]registry.Entity, error) {
		return readDocs(ctx, s, "entities", func(e *registry.Entity, v int64) { e.Version = v },
			query, append([]any{after}, append(args, chunk)...)...)
	})
	if err != nil {
		return registry.Page{}, fmt.Errorf("sqlstore: %w", err)
	}
	return p, nil
}

// entitiesQuery returns the listing query of f and its arguments: the first
// placeholder is the ID to start after and the last the row limit, which
// the caller supplies.
func (s *Store) entitiesQuery(f *registry.Filter) (string, []any) {
	where := []string{"e.id > ?"}
	var args []any
	// A body's enrolments, sought by body (migration 0010). Without
	// statistics SQLite may answer "has an enrolment in section S" from
	// the index on (section, status, entity_id) instead, reading the
	// section's enrolments for every body listed.
	//
	// PostgreSQL, for an EXISTS under OR (Candidates), plans a "hashed
	// SubPlan" that reads every enrolment of the section into a hash table
	// for each page (1,788 rows for a page of 63 bodies in a register of
	// 1,954): OFFSET 0 keeps the subquery from being turned into that, so
	// each body listed is probed in the same index, and a page costs what
	// it lists, not what the register holds. An EXISTS under AND (Section,
	// Status) is a semi-join, left to the planner.
	enrolments := "entity_enrolments en"
	if s.d.name == "sqlite" {
		enrolments += " INDEXED BY entity_enrolments_entity_section"
	}
	// hasEnrolment is "the body has an enrolment" with the conditions
	// given (each " AND …"), under OR or not.
	hasEnrolment := func(conds string, underOr bool) string {
		q := "EXISTS (SELECT 1 FROM " + enrolments + " WHERE en.entity_id = e.id" + conds
		if underOr && s.d.name == "postgres" {
			q += " OFFSET 0"
		}
		return q + ")"
	}
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	eq("e.region", f.Region)
	eq("e.province", f.Province)
	eq("e.legal_form", f.LegalForm)
	eq("e.branch_of", f.BranchOf)
	if f.Section != 0 || f.Status != "" {
		var conds string
		if f.Section != 0 {
			conds += " AND en.section = ?"
			args = append(args, int(f.Section))
		}
		if f.Status != "" {
			conds += " AND en.status = ?"
			args = append(args, string(f.Status))
		}
		where = append(where, hasEnrolment(conds, false))
	}
	if f.Name != "" {
		where = append(where, s.d.contains("e.name_lower"))
		args = append(args, strings.ToLower(f.Name))
	}
	if c := f.Candidates; c != nil {
		// The meaning of registry.Candidates.Selects, as SQL.
		or := []string{"1 = 0"}
		if c.ID != "" {
			or = append(or, "e.id = ?")
			args = append(args, c.ID)
		}
		if c.SectionI {
			or = append(or, "e.branch_of <> ''", hasEnrolment(" AND en.section = ?", true))
			args = append(args, int(registry.SectionI))
		}
		if c.SectionII {
			cond := hasEnrolment(" AND en.section = ?", true)
			args = append(args, int(registry.SectionII))
			if c.SectionIIRegions != nil {
				if len(c.SectionIIRegions) == 0 {
					cond = "1 = 0"
					args = args[:len(args)-1]
				} else {
					cond = "(e.region IN (?" + strings.Repeat(", ?", len(c.SectionIIRegions)-1) + ") AND " + cond + ")"
					regs := make([]any, 0, len(c.SectionIIRegions)+1)
					for _, r := range c.SectionIIRegions {
						regs = append(regs, r)
					}
					args = append(append(args[:len(args)-1], regs...), int(registry.SectionII))
				}
			}
			or = append(or, cond)
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	return "SELECT e.version, e.doc FROM entities e WHERE " + strings.Join(where, " AND ") + " ORDER BY e.id LIMIT ?", args
}

// Application implements registry.Store.
func (s *Store) Application(ctx context.Context, id string) (registry.Application, error) {
	var a registry.Application
	v, err := s.readDoc(ctx, s.reads, &a, fmt.Sprintf("application %q", id), "SELECT version, doc FROM applications WHERE id = ?", id)
	if err != nil {
		return registry.Application{}, err
	}
	a.Version = v
	return a, nil
}

// Applications implements registry.Store.
func (s *Store) Applications(ctx context.Context, entityID string) ([]registry.Application, error) {
	return readDocs(ctx, s, "applications", func(a *registry.Application, v int64) { a.Version = v },
		"SELECT version, doc FROM applications WHERE entity_id = ? ORDER BY date, id", entityID)
}

// Partnership implements registry.Store.
func (s *Store) Partnership(ctx context.Context, id string) (registry.Partnership, error) {
	var p registry.Partnership
	v, err := s.readDoc(ctx, s.reads, &p, fmt.Sprintf("partnership %q", id), "SELECT version, doc FROM partnerships WHERE id = ?", id)
	if err != nil {
		return registry.Partnership{}, err
	}
	p.Version = v
	return p, nil
}

// Partnerships implements registry.Store.
func (s *Store) Partnerships(ctx context.Context, entityID string) ([]registry.Partnership, error) {
	// A UNION of two indexed lookups rather than an OR, so both use an index.
	return readDocs(ctx, s, "partnerships", func(p *registry.Partnership, v int64) { p.Version = v },
		`SELECT version, doc FROM (
	SELECT id, version, doc FROM partnerships WHERE entity_id = ?
	UNION
	SELECT id, version, doc FROM partnerships WHERE partner_id = ?
) p ORDER BY id`, entityID, entityID)
}

// Grants implements registry.Store.
func (s *Store) Grants(ctx context.Context, grantee string) ([]registry.Grant, error) {
	return readDocs(ctx, s, "grants", func(g *registry.Grant, v int64) { g.Version = v },
		"SELECT version, doc FROM grants WHERE grantee = ? ORDER BY id", grantee)
}

// Events implements registry.Store.
func (s *Store) Events(ctx context.Context, f registry.EventFilter) ([]registry.Event, error) {
	n, err := limit(f.Limit)
	if err != nil {
		return nil, err
	}
	from := "events"
	if f.EntityID != "" && s.d.name == "sqlite" {
		// One body's events: without statistics SQLite prefers the index
		// on (kind, seq) when kinds are asked for too, and scans every
		// event of the kind (every filing of the register, for a body's
		// receipt) instead of the body's few.
		from = "events INDEXED BY events_entity"
	}
	query := "SELECT seq, at, actor, kind, entity_id, record_id, section, note, before, after, region, region_before FROM " + from + " WHERE seq > ?"
	args := []any{f.After}
	if f.EntityID != "" {
		query += " AND entity_id = ?"
		args = append(args, f.EntityID)
	}
	if len(f.Kinds) > 0 {
		query += " AND kind IN (?" + strings.Repeat(", ?", len(f.Kinds)-1) + ")"
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
	}
	if f.Region != "" {
		query += " AND (region = ? OR region_before = ?)"
		args = append(args, f.Region, f.Region)
	}
	query += " ORDER BY seq LIMIT ?"
	args = append(args, n)
	rows, err := s.reads.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	defer rows.Close()
	out := []registry.Event{}
	for rows.Next() {
		var ev registry.Event
		var at string
		var section int
		var before, after []byte
		var region, regionBefore string
		if err := rows.Scan(&ev.Seq, &at, &ev.Actor, &ev.Kind, &ev.EntityID, &ev.RecordID, &section, &ev.Note, &before, &after, &region, &regionBefore); err != nil {
			return nil, fmt.Errorf("sqlstore: events: %w", err)
		}
		if ev.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("sqlstore: event %d: time %q: %w", ev.Seq, at, err)
		}
		ev.Section = registry.Section(section)
		ev.Before, ev.After = upgradeDoc(before), upgradeDoc(after)
		ev.Regions = registry.EventRegions(regionBefore, region)
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	return out, nil
}

// table is where a record kind lives.
var tables = map[registry.RecordKind]string{
	registry.KindEntity:      "entities",
	registry.KindApplication: "applications",
	registry.KindPartnership: "partnerships",
	registry.KindGrant:       "grants",
}

// checkBatch rejects, before touching the database, what makes a batch
// invalid whatever is stored: a record without ID, a record twice, a delete
// without version or of an unknown kind.
func checkBatch(b *registry.Batch) error {
	seen := map[string]bool{}
	mark := func(kind registry.RecordKind, id string) error {
		if id == "" {
			return fmt.Errorf("sqlstore: %s without ID: %w", kind, registry.ErrConflict)
		}
		key := string(kind) + "\x00" + id
		if seen[key] {
			return fmt.Errorf("sqlstore: %s %q twice in one batch: %w", kind, id, registry.ErrConflict)
		}
		seen[key] = true
		return nil
	}
	for _, d := range b.Deletes {
		if _, ok := tables[d.Kind]; !ok {
			return fmt.Errorf("%w %q", ErrBadKind, d.Kind)
		}
		if err := mark(d.Kind, d.ID); err != nil {
			return err
		}
		if d.Version <= 0 {
			return fmt.Errorf("sqlstore: delete of %s %q needs its version: %w", d.Kind, d.ID, registry.ErrConflict)
		}
	}
	for _, e := range b.Entities {
		if err := mark(registry.KindEntity, e.ID); err != nil {
			return err
		}
	}
	for _, a := range b.Applications {
		if err := mark(registry.KindApplication, a.ID); err != nil {
			return err
		}
	}
	for _, p := range b.Partnerships {
		if err := mark(registry.KindPartnership, p.ID); err != nil {
			return err
		}
	}
	for _, g := range b.Grants {
		if err := mark(registry.KindGrant, g.ID); err != nil {
			return err
		}
	}
	return nil
}

// Commit implements registry.Store. The batch is one write of the group
// commit (all of it or nothing, under a savepoint of its own): deletes
// first, then entities, applications, partnerships and grants in batch
// order, then the events, whose Seq comes from the counter row that the
// shared transaction holds until it commits (so events become visible in
// Seq order, without gaps). A version check that fails, a taken ID or
// codice fiscale, or any database error undoes the whole batch, and only
// it.
func (s *Store) Commit(ctx context.Context, b registry.Batch) ([]registry.Event, error) {
	if err := checkBatch(&b); err != nil {
		return nil, err
	}
	var out []registry.Event
	err := s.write(ctx, func(ctx context.Context, tx *txn) error {
		before, err := s.regions(ctx, tx, b.Events)
		if err != nil {
			return err
		}
		for _, d := range b.Deletes {
			if err := s.deleteRecord(ctx, tx, d); err != nil {
				return err
			}
		}
		for i := range b.Entities {
			if err := s.putEntity(ctx, tx, b.Entities[i]); err != nil {
				return err
			}
		}
		for _, a := range b.Applications {
			a.Version++
			if err := s.putDoc(ctx, tx, registry.KindApplication, a.ID, a.Version,
				[]string{"entity_id", "date"}, []any{a.EntityID, string(a.Date)}, a); err != nil {
				return err
			}
		}
		for _, p := range b.Partnerships {
			p.Version++
			if err := s.putDoc(ctx, tx, registry.KindPartnership, p.ID, p.Version,
				[]string{"entity_id", "partner_id"}, []any{p.EntityID, p.PartnerID}, p); err != nil {
				return err
			}
		}
		for _, g := range b.Grants {
			g.Version++
			if err := s.putDoc(ctx, tx, registry.KindGrant, g.ID, g.Version,
				[]string{"grantee"}, []any{g.Grantee}, g); err != nil {
				return err
			}
		}
		if err := s.putFiles(ctx, tx, b.Attachments); err != nil {
			return err
		}
		if b.Public {
			// A new random value (PublicVersion): one that has not been
			// the version before, up to a chance of one in 2⁶³.
			if _, err := tx.exec(ctx, "UPDATE counters SET value = ? WHERE name = 'public_version'", rand.Int64()); err != nil {
				return fmt.Errorf("sqlstore: public version: %w", err)
			}
		}
		after, err := s.regions(ctx, tx, b.Events)
		if err != nil {
			return err
		}
		out, err = s.appendEventsIn(ctx, tx, b.Events, before, after)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// txn is a write transaction (a batch of the committer's) that, on SQLite,
// runs each statement as the store's prepared statement (stmtCache), bound
// to the transaction once and reused for the rest of it: a batch of a
// thousand records, or of sixty-four filings, binds its INSERT once, and a
// connection parses it once for all the batches it runs. (pgx already caches
// prepared statements per connection.)
type txn struct {
	*sql.Tx
	d     *dialect
	stmts map[string]*sql.Stmt // nil: no caching
	// shared is the store's statements (Store.reads), which the
	// transaction's are made from.
	shared *stmtCache
	// seqState is the event counter as this transaction has moved it
	// (nextSeqs).
	seqState seqState
}

func (s *Store) newTxn(tx *sql.Tx) *txn {
	t := &txn{Tx: tx, d: s.d, shared: s.reads}
	if s.d.name == "sqlite" {
		t.stmts = map[string]*sql.Stmt{}
	}
	return t
}

// stmt returns the transaction's prepared statement of query (already in
// the dialect's placeholders), preparing it the first time; nil when the
// transaction does not cache statements (PostgreSQL) or query cannot be
// prepared (running it unprepared then reports the error).
func (t *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	st, ok := t.stmts[query]
	if !ok {
		// The store's statement, bound to the transaction: prepared once on
		// each connection, not once a transaction.
		if shared := t.shared.cached(query); shared != nil {
			st = t.StmtContext(ctx, shared)
		} else {
			var err error
			if st, err = t.PrepareContext(ctx, query); err != nil {
				return nil
			}
		}
		t.stmts[query] = st
	}
	return st
}

// exec runs query (with '?' placeholders) in the transaction.
func (t *txn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = t.d.q(query)
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.ExecContext(ctx, query, args...)
}

// queryRow runs query (with '?' placeholders), which returns one row, in
// the transaction.
func (t *txn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = t.d.q(query)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.QueryRowContext(ctx, query, args...)
}

// close releases the prepared statements.
func (t *txn) close() {
	for _, st := range t.stmts {
		st.Close()
	}
}

// missing explains why a versioned write or delete of kind/id touched no
// row: ErrNotFound when there is no such record, else ErrConflict.
func (s *Store) missing(ctx context.Context, tx *txn, kind registry.RecordKind, id string, version int64) error {
	var cur int64
	err := tx.QueryRowContext(ctx, s.d.q("SELECT version FROM "+tables[kind]+" WHERE id = ?"), id).Scan(&cur)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlstore: %s %q: %w", kind, id, registry.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlstore: %s %q: %w", kind, id, err)
	}
	return fmt.Errorf("sqlstore: %s %q is at version %d, not %d: %w", kind, id, cur, version, registry.ErrConflict)
}

func (s *Store) deleteRecord(ctx context.Context, tx *txn, d registry.Ref) error {
	res, err := tx.exec(ctx, "DELETE FROM "+tables[d.Kind]+" WHERE id = ? AND version = ?", d.ID, d.Version)
	if err != nil {
		return fmt.Errorf("sqlstore: delete %s %q: %w", d.Kind, d.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: delete %s %q: %w", d.Kind, d.ID, err)
	} else if n == 0 {
		return s.missing(ctx, tx, d.Kind, d.ID, d.Version)
	}
	return nil
}

// putDoc creates (newVersion 1) or replaces (the row at newVersion-1) the
// record kind/id, with its JSON document and the given indexed columns.
func (s *Store) putDoc(ctx context.Context, tx *txn, kind registry.RecordKind, id string, newVersion int64, cols []string, vals []any, rec any) error {
	doc, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("sqlstore: encode %s %q: %w", kind, id, err)
	}
	table := tables[kind]
	var res sql.Result
	if newVersion == 1 {
		q := "INSERT INTO " + table + " (id, version, doc, " + strings.Join(cols, ", ") + ") VALUES (?, 1, ?" + strings.Repeat(", ?", len(cols)) + ")"
		res, err = tx.exec(ctx, q, append([]any{id, doc}, vals...)...)
	} else {
		q := "UPDATE " + table + " SET version = ?, doc = ?"
		for _, c := range cols {
			q += ", " + c + " = ?"
		}
		q += " WHERE id = ? AND version = ?"
		args := append(append([]any{newVersion, doc}, vals...), id, newVersion-1)
		res, err = tx.exec(ctx, q, args...)
	}
	if err != nil {
		if s.d.isUnique(err) {
			return fmt.Errorf("sqlstore: %s %q: the ID or a unique key is taken: %w", kind, id, registry.ErrConflict)
		}
		return fmt.Errorf("sqlstore: write %s %q: %w", kind, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: write %s %q: %w", kind, id, err)
	} else if n == 0 {
		return s.missing(ctx, tx, kind, id, newVersion-1)
	}
	return nil
}

// putEntity writes an entity and rewrites its enrolment index rows.
func (s *Store) putEntity(ctx context.Context, tx *txn, e registry.Entity) error {
	e.Version++
	if err := s.putDoc(ctx, tx, registry.KindEntity, e.ID, e.Version,
		[]string{"codice_fiscale", "name_lower", "legal_form", "region", "province", "branch_of"},
		[]any{e.CodiceFiscale, strings.ToLower(e.Name), e.LegalForm, e.Seat.Region, e.Seat.Province, e.BranchOf},
		e); err != nil {
		return err
	}
	if e.Version > 1 {
		if _, err := tx.exec(ctx, "DELETE FROM entity_enrolments WHERE entity_id = ?", e.ID); err != nil {
			return fmt.Errorf("sqlstore: write entity %q enrolments: %w", e.ID, err)
		}
	}
	for _, en := range e.Enrolments {
		if _, err := tx.exec(ctx, "INSERT INTO entity_enrolments (entity_id, section, status) VALUES (?, ?, ?)",
			e.ID, int(en.Section), string(en.Status)); err != nil {
			return fmt.Errorf("sqlstore: write entity %q enrolments: %w", e.ID, err)
		}
	}
	return nil
}

// regions returns the region of the seat of every stored body that evs
// name, as the transaction sees it now.
func (s *Store) regions(ctx context.Context, tx *txn, evs []registry.Event) (map[string]string, error) {
	out := map[string]string{}
	for _, ev := range evs {
		if ev.EntityID == "" {
			continue
		}
		if _, ok := out[ev.EntityID]; ok {
			continue
		}
		var region string
		err := tx.QueryRowContext(ctx, s.d.q("SELECT region FROM entities WHERE id = ?"), ev.EntityID).Scan(&region)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("sqlstore: region of entity %q: %w", ev.EntityID, err)
		}
		out[ev.EntityID] = region
	}
	return out, nil
}

// appendEvents numbers the events from the 'event' counter and inserts
// them, in a transaction that wrote no entity: the regions of their bodies
// are the same before and after it.
//
// Each event is one statement: its body's region is read by the INSERT
// itself (a round trip less per filing on PostgreSQL than reading it
// first), "" for an event of no body or of a body not stored.
func (s *Store) appendEvents(ctx context.Context, tx *txn, evs []registry.Event) ([]registry.Event, error) {
	out := make([]registry.Event, len(evs))
	if len(evs) == 0 {
		return out, nil
	}
	first, err := tx.nextSeqs(ctx, len(evs))
	if err != nil {
		return nil, err
	}
	for i, ev := range evs {
		ev = ev.Clone()
		ev.Seq = first + int64(i)
		var region string
		if err := tx.queryRow(ctx, insertEventSQL("?"), eventArgs(ev.Seq, &ev)...).Scan(&region); err != nil {
			return nil, fmt.Errorf("sqlstore: write event: %w", err)
		}
		ev.Regions = registry.EventRegions(region, region)
		out[i] = ev
	}
	return out, nil
}

// insertEventSQL inserts an event numbered by seq (an expression of one
// parameter), with its body's region read by the INSERT itself ("" for an
// event of no body or of a body not stored), returning that region.
func insertEventSQL(seq string) string {
	return `INSERT INTO events (seq, at, actor, kind, entity_id, record_id, section, note, before, after, region, region_before)
VALUES (` + seq + `, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT region FROM entities WHERE id = ?), ''), '') RETURNING region`
}

// eventArgs are the arguments of insertEventSQL: seq is the number, or its
// offset in a pipeline.
func eventArgs(seq int64, ev *registry.Event) []any {
	return []any{seq, formatTime(ev.At), ev.Actor, string(ev.Kind), ev.EntityID, ev.RecordID, int(ev.Section), ev.Note,
		nullBytes(ev.Before), nullBytes(ev.After), ev.EntityID}
}

// appendEventsIn numbers the events from the 'event' counter and inserts
// them with their regions (before and after the batch, by entity ID).
func (s *Store) appendEventsIn(ctx context.Context, tx *txn, evs []registry.Event, before, after map[string]string) ([]registry.Event, error) {
	out := make([]registry.Event, len(evs))
	if len(evs) == 0 {
		return out, nil
	}
	first, err := tx.nextSeqs(ctx, len(evs))
	if err != nil {
		return nil, err
	}
	for i, ev := range evs {
		ev = ev.Clone()
		ev.Seq = first + int64(i)
		ev.Regions = registry.EventRegions(before[ev.EntityID], after[ev.EntityID])
		// region is the seat after the batch (before it, for a deleted
		// body); region_before the seat before it when that differs.
		region, regionBefore := after[ev.EntityID], ""
		if region == "" {
			region = before[ev.EntityID]
		} else if b := before[ev.EntityID]; b != region {
			regionBefore = b
		}
		if _, err := tx.exec(ctx, `INSERT INTO events (seq, at, actor, kind, entity_id, record_id, section, note, before, after, region, region_before)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.Seq, formatTime(ev.At), ev.Actor, string(ev.Kind), ev.EntityID, ev.RecordID, int(ev.Section), ev.Note,
			nullBytes(ev.Before), nullBytes(ev.After), region, regionBefore); err != nil {
			return nil, fmt.Errorf("sqlstore: write event: %w", err)
		}
		out[i] = ev
	}
	return out, nil
}

// nullBytes stores a nil slice as NULL.
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return []byte(b)
}
