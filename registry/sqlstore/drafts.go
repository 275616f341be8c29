package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openregistro/registro/registry"
)

var _ registry.DraftStore = (*Store)(nil)

// Draft implements registry.DraftStore (table report_drafts).
func (s *Store) Draft(ctx context.Context, entityID string, year int) (registry.Draft, error) {
	d := registry.Draft{EntityID: entityID, Year: year}
	var doc []byte
	var savedAt string
	err := s.reads.QueryRowContext(ctx, s.d.q(`SELECT version, doc, saved_at, saved_by FROM report_drafts
		WHERE entity_id = ? AND year = ?`), entityID, year).Scan(&d.Version, &doc, &savedAt, &d.SavedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return registry.Draft{}, fmt.Errorf("sqlstore: draft of %q for %d: %w", entityID, year, registry.ErrNotFound)
	}
	if err != nil {
		return registry.Draft{}, fmt.Errorf("sqlstore: read draft of %q for %d: %w", entityID, year, err)
	}
	if d.SavedAt, err = parseTime(savedAt); err != nil {
		return registry.Draft{}, fmt.Errorf("sqlstore: draft of %q for %d: saved_at: %w", entityID, year, err)
	}
	d.Document = doc
	return d, nil
}

// PutDraft implements registry.DraftStore: one statement, an INSERT for
// version 0 (failing on the primary key when a draft exists) and an UPDATE
// conditioned on the stored version otherwise, so that of two concurrent
// saves from the same version exactly one succeeds.
func (s *Store) PutDraft(ctx context.Context, d registry.Draft) (registry.Draft, error) {
	what := fmt.Sprintf("draft of %q for %d", d.EntityID, d.Year)
	if d.Version < 0 {
		return registry.Draft{}, fmt.Errorf("sqlstore: %s: negative version: %w", what, registry.ErrConflict)
	}
	doc := string(d.Document)
	err := s.write(ctx, func(ctx context.Context, tx *txn) error {
		if d.Version == 0 {
			_, err := tx.exec(ctx, `INSERT INTO report_drafts (entity_id, year, version, doc, saved_at, saved_by)
				VALUES (?, ?, 1, ?, ?, ?)`, d.EntityID, d.Year, doc, formatTime(d.SavedAt), d.SavedBy)
			if s.d.isUnique(err) {
				return fmt.Errorf("sqlstore: %s exists: %w", what, registry.ErrConflict)
			}
			return err
		}
		res, err := tx.exec(ctx, `UPDATE report_drafts SET version = version + 1, doc = ?, saved_at = ?, saved_by = ?
			WHERE entity_id = ? AND year = ? AND version = ?`, doc, formatTime(d.SavedAt), d.SavedBy, d.EntityID, d.Year, d.Version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var stored int64
		err = tx.QueryRowContext(ctx, s.d.q(`SELECT version FROM report_drafts WHERE entity_id = ? AND year = ?`),
			d.EntityID, d.Year).Scan(&stored)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: %s: %w", what, registry.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("sqlstore: %s: version %d, stored %d: %w", what, d.Version, stored, registry.ErrConflict)
	})
	if err != nil {
		if errors.Is(err, registry.ErrConflict) || errors.Is(err, registry.ErrNotFound) {
			return registry.Draft{}, err
		}
		return registry.Draft{}, fmt.Errorf("sqlstore: save %s: %w", what, err)
	}
	d.Version++
	d.SavedAt = d.SavedAt.UTC()
	return d, nil
}
