package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// Filings is the questionnaire.FilingStore of a Store: it shares the
// Store's database and connection pool. Get it with Store.Filings.
type Filings struct {
	s *Store
}

var _ questionnaire.IdempotencyStore = (*Filings)(nil)

// Filings returns the store of annual-report filings kept in s's database.
func (s *Store) Filings() *Filings { return &Filings{s: s} }

// timeLayout is how times are stored: UTC, fixed width, so that the text
// sorts as the time does. Times come back in UTC.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// Put implements questionnaire.FilingStore. The new revision and the move of
// the "current" pointer are one transaction; the pointer moves only from
// revision f.Revision-1, so of two concurrent amendments exactly one
// succeeds and the other gets ErrConflict with nothing written.
func (fs *Filings) Put(ctx context.Context, f questionnaire.Filing) error {
	_, err := fs.PutWithEvents(ctx, f, nil)
	return err
}

// PutWithEvents implements questionnaire.EventFilingStore: it stores f as Put
// does and appends evs to the register's log (numbered as Store.Commit
// numbers them) in the same transaction, so a filing and its change-feed
// event are written together or not at all. It returns the events as stored.
// With an idempotency key in ctx (questionnaire.WithIdempotencyKey) the key
// is stored in the same transaction too, or nothing is written and the error
// wraps questionnaire.ErrIdempotencyKeyUsed.
func (fs *Filings) PutWithEvents(ctx context.Context, f questionnaire.Filing, evs []registry.Event) ([]registry.Event, error) {
	s := fs.s
	conflict := func(why string) error {
		return fmt.Errorf("sqlstore: filing of body %s year %d revision %d: %s: %w", f.BodyTaxCode, f.Year, f.Revision, why, registry.ErrConflict)
	}
	if f.Revision < 1 {
		return nil, conflict("revisions start at 1")
	}
	var warnings any
	if len(f.Warnings) > 0 {
		b, err := json.Marshal(f.Warnings)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: encode filing warnings: %w", err)
		}
		warnings = string(b)
	}
	doc := f.Document
	if doc == nil {
		doc = []byte{}
	}
	var out []registry.Event
	k, withKey := questionnaire.IdempotencyKeyFrom(ctx)
	err := s.writePiped(ctx, func(ctx context.Context, tx *txn) error {
		// The idempotency key first: of two requests with the same key,
		// the second fails on it, not on the revision.
		if withKey {
			if err := s.putIdempotency(ctx, tx, k, &f); err != nil {
				return err
			}
		}
		if err := s.putFiling(ctx, tx, &f, doc, warnings, conflict); err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		var err error
		out, err = s.appendEvents(ctx, tx, evs)
		return err
	}, func(p *pipeline) {
		// The same statements, none waiting for another's result: a
		// duplicate key or revision, or a current pointer that did not
		// move, fails the pipeline, and the write above says which.
		if withKey {
			p.exec(-1, insertIdempotencySQL, idempotencyArgs(k, &f)...)
		}
		p.exec(-1, insertFilingSQL, filingArgs(&f, doc, warnings)...)
		if f.Revision == 1 {
			p.exec(-1, insertCurrentSQL, f.Year, f.BodyTaxCode)
		} else {
			p.exec(1, updateCurrentSQL, f.Revision, f.Year, f.BodyTaxCode, f.Revision-1)
		}
		out = pipeEvents(p, evs)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// The statements of a filing, shared by its serial and pipelined ways.
const (
	insertFilingSQL = `INSERT INTO filings (body_tax_code, year, revision, filed_at, filer_tax_code, late, document, warnings)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	insertCurrentSQL     = "INSERT INTO current_filings (year, body_tax_code, revision) VALUES (?, ?, 1)"
	updateCurrentSQL     = "UPDATE current_filings SET revision = ? WHERE year = ? AND body_tax_code = ? AND revision = ?"
	insertIdempotencySQL = `INSERT INTO idempotency_keys (subject, idem_key, request_hash, created_at, body_tax_code, year, revision)
VALUES (?, ?, ?, ?, ?, ?, ?)`
)

func filingArgs(f *questionnaire.Filing, doc []byte, warnings any) []any {
	return []any{f.BodyTaxCode, f.Year, f.Revision, formatTime(f.FiledAt), f.FilerTaxCode, f.Late, doc, warnings}
}

func idempotencyArgs(k questionnaire.IdempotencyKey, f *questionnaire.Filing) []any {
	return []any{k.Subject, k.Key, k.RequestHash, formatTime(f.FiledAt), f.BodyTaxCode, f.Year, f.Revision}
}

// putFiling writes the revision and moves the current pointer, in tx.
func (s *Store) putFiling(ctx context.Context, tx *txn, f *questionnaire.Filing, doc []byte, warnings any, conflict func(string) error) error {
	_, err := tx.exec(ctx, insertFilingSQL, filingArgs(f, doc, warnings)...)
	if err != nil {
		if s.d.isUnique(err) {
			return conflict("revision already filed")
		}
		return fmt.Errorf("sqlstore: write filing: %w", err)
	}
	if f.Revision == 1 {
		_, err = tx.exec(ctx, insertCurrentSQL, f.Year, f.BodyTaxCode)
		if err != nil {
			if s.d.isUnique(err) {
				return conflict("already filed")
			}
			return fmt.Errorf("sqlstore: write filing: %w", err)
		}
		return nil
	}
	res, err := tx.exec(ctx, updateCurrentSQL, f.Revision, f.Year, f.BodyTaxCode, f.Revision-1)
	if err != nil {
		return fmt.Errorf("sqlstore: write filing: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: write filing: %w", err)
	} else if n == 0 {
		return conflict("not the next revision")
	}
	return nil
}

const filingColumns = "f.body_tax_code, f.year, f.revision, f.filed_at, f.filer_tax_code, f.late, f.document, f.warnings"

// currentFilings joins each current pointer (c) to its filing (f).
const currentFilings = `
FROM current_filings c
JOIN filings f ON f.body_tax_code = c.body_tax_code AND f.year = c.year AND f.revision = c.revision`

// scanFiling reads one row of filingColumns.
func scanFiling(row interface{ Scan(...any) error }) (questionnaire.Filing, error) {
	var f questionnaire.Filing
	var at string
	var warnings sql.NullString
	if err := row.Scan(&f.BodyTaxCode, &f.Year, &f.Revision, &at, &f.FilerTaxCode, &f.Late, &f.Document, &warnings); err != nil {
		return questionnaire.Filing{}, err
	}
	var err error
	if f.FiledAt, err = parseTime(at); err != nil {
		return questionnaire.Filing{}, fmt.Errorf("sqlstore: filing time %q: %w", at, err)
	}
	if warnings.Valid {
		var ws problem.List
		if err := json.Unmarshal([]byte(warnings.String), &ws); err != nil {
			return questionnaire.Filing{}, fmt.Errorf("sqlstore: decode filing warnings: %w", err)
		}
		f.Warnings = ws
	}
	return f, nil
}

// Get implements questionnaire.FilingStore.
func (fs *Filings) Get(ctx context.Context, bodyTaxCode string, year int) (questionnaire.Filing, error) {
	s := fs.s
	row := s.reads.QueryRowContext(ctx, s.d.q(`SELECT `+filingColumns+currentFilings+`
WHERE c.year = ? AND c.body_tax_code = ?`), year, bodyTaxCode)
	f, err := scanFiling(row)
	if errors.Is(err, sql.ErrNoRows) {
		return questionnaire.Filing{}, fmt.Errorf("sqlstore: filing of body %s year %d: %w", bodyTaxCode, year, registry.ErrNotFound)
	}
	if err != nil {
		return questionnaire.Filing{}, fmt.Errorf("sqlstore: read filing: %w", err)
	}
	return f, nil
}

// CurrentRevision implements questionnaire.RevisionStore: it reads the
// current filing's revision and lateness, not its document (a document is
// several kilobytes: overflow pages in SQLite, a TOAST value to fetch and
// decompress in PostgreSQL).
func (fs *Filings) CurrentRevision(ctx context.Context, bodyTaxCode string, year int) (int, bool, error) {
	s := fs.s
	var rev int
	var late bool
	err := s.reads.QueryRowContext(ctx, s.d.q(`SELECT f.revision, f.late`+currentFilings+`
WHERE c.year = ? AND c.body_tax_code = ?`), year, bodyTaxCode).Scan(&rev, &late)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("sqlstore: filing of body %s year %d: %w", bodyTaxCode, year, registry.ErrNotFound)
	}
	if err != nil {
		return 0, false, fmt.Errorf("sqlstore: read filing: %w", err)
	}
	return rev, late, nil
}

// History implements questionnaire.FilingStore.
func (fs *Filings) History(ctx context.Context, bodyTaxCode string, year int) ([]questionnaire.Filing, error) {
	s := fs.s
	rows, err := s.reads.QueryContext(ctx, s.d.q(`SELECT `+filingColumns+` FROM filings f
WHERE f.body_tax_code = ? AND f.year = ? ORDER BY f.revision`), bodyTaxCode, year)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read filing history: %w", err)
	}
	defer rows.Close()
	var out []questionnaire.Filing
	for rows.Next() {
		f, err := scanFiling(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read filing history: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: read filing history: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sqlstore: filing of body %s year %d: %w", bodyTaxCode, year, registry.ErrNotFound)
	}
	return out, nil
}

// Year implements questionnaire.FilingStore. It streams: one query, walked
// along the (year, body_tax_code) primary key of current_filings, with each
// row decoded as it is yielded, so memory stays flat however many filings
// the year has. The query sees one snapshot of the database (a single
// statement in PostgreSQL, a read transaction in SQLite's WAL mode).
//
// The iteration holds one connection of the pool until it ends; writing
// through the same Store from inside the loop needs a second connection, so
// do not set Options.MaxOpenConns to 1 if you do that.
func (fs *Filings) Year(ctx context.Context, year int) iter.Seq2[questionnaire.Filing, error] {
	s := fs.s
	return func(yield func(questionnaire.Filing, error) bool) {
		rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+filingColumns+currentFilings+`
WHERE c.year = ? ORDER BY c.body_tax_code`), year)
		if err != nil {
			yield(questionnaire.Filing{}, fmt.Errorf("sqlstore: read filings of %d: %w", year, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			// database/sql notices a cancelled context asynchronously; check
			// it here so that cancellation ends the sequence promptly.
			if err := ctx.Err(); err != nil {
				yield(questionnaire.Filing{}, fmt.Errorf("sqlstore: read filings of %d: %w", year, err))
				return
			}
			f, err := scanFiling(rows)
			if err != nil {
				yield(questionnaire.Filing{}, fmt.Errorf("sqlstore: read filings of %d: %w", year, err))
				return
			}
			if !yield(f, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(questionnaire.Filing{}, fmt.Errorf("sqlstore: read filings of %d: %w", year, err))
		}
	}
}

var (
	_ questionnaire.EventFilingStore = (*Filings)(nil)
	_ questionnaire.RevisionStore    = (*Filings)(nil)
)

// putIdempotency stores k in tx, naming the revision f, at its filing time.
func (s *Store) putIdempotency(ctx context.Context, tx *txn, k questionnaire.IdempotencyKey, f *questionnaire.Filing) error {
	_, err := tx.exec(ctx, insertIdempotencySQL, idempotencyArgs(k, f)...)
	if err != nil {
		if s.d.isUnique(err) {
			return fmt.Errorf("sqlstore: idempotency key of %q: %w", k.Subject, questionnaire.ErrIdempotencyKeyUsed)
		}
		return fmt.Errorf("sqlstore: write idempotency key: %w", err)
	}
	return nil
}

// Idempotency implements questionnaire.IdempotencyStore.
func (fs *Filings) Idempotency(ctx context.Context, subject, key string) (questionnaire.IdempotencyRecord, error) {
	var (
		rec       questionnaire.IdempotencyRecord
		created   string
		body      sql.NullString
		year, rev sql.NullInt64
	)
	err := fs.s.reads.QueryRowContext(ctx, fs.s.d.q(`SELECT request_hash, created_at, body_tax_code, year, revision
FROM idempotency_keys WHERE subject = ? AND idem_key = ?`), subject, key).Scan(&rec.RequestHash, &created, &body, &year, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, fmt.Errorf("sqlstore: idempotency key: %w", registry.ErrNotFound)
	}
	if err != nil {
		return rec, fmt.Errorf("sqlstore: read idempotency key: %w", err)
	}
	rec.Subject, rec.Key = subject, key
	rec.BodyTaxCode, rec.Year, rec.Revision = body.String, int(year.Int64), int(rev.Int64)
	if rec.CreatedAt, err = parseTime(created); err != nil {
		return rec, fmt.Errorf("sqlstore: read idempotency key: %w", err)
	}
	return rec, nil
}

// RememberIdempotency implements questionnaire.IdempotencyStore.
func (fs *Filings) RememberIdempotency(ctx context.Context, k questionnaire.IdempotencyKey, at time.Time) error {
	s := fs.s
	return s.write(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `INSERT INTO idempotency_keys (subject, idem_key, request_hash, created_at)
VALUES (?, ?, ?, ?)`, k.Subject, k.Key, k.RequestHash, formatTime(at))
		if err != nil && s.d.isUnique(err) {
			return fmt.Errorf("sqlstore: idempotency key of %q: %w", k.Subject, questionnaire.ErrIdempotencyKeyUsed)
		}
		if err != nil {
			return fmt.Errorf("sqlstore: write idempotency key: %w", err)
		}
		return nil
	})
}
