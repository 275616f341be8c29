package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/openregistro/registro/registry"
)

// AttachmentFile implements registry.ApplicationFiles: one row of the
// attachments table (migration 0006).
func (s *Store) AttachmentFile(ctx context.Context, sha string) (registry.AttachmentFile, error) {
	f := registry.AttachmentFile{SHA256: sha}
	err := s.reads.QueryRowContext(ctx, s.d.q("SELECT size, media_type, content FROM attachments WHERE sha256 = ?"), sha).
		Scan(&f.Size, &f.MediaType, &f.Content)
	if errors.Is(err, sql.ErrNoRows) {
		return registry.AttachmentFile{}, fmt.Errorf("sqlstore: attachment %q: %w", sha, registry.ErrNotFound)
	}
	if err != nil {
		return registry.AttachmentFile{}, fmt.Errorf("sqlstore: read attachment %q: %w", sha, err)
	}
	return f, nil
}

// LastProtocol implements registry.ApplicationFiles, from the unique index
// on the protocol column (generated from the application's document).
func (s *Store) LastProtocol(ctx context.Context, year int) (string, error) {
	prefix := strconv.Itoa(year) + "/"
	var last sql.NullString
	err := s.db.QueryRowContext(ctx, s.d.q("SELECT MAX(protocol) FROM applications WHERE protocol > ? AND protocol < ?"),
		prefix, prefix+"~").Scan(&last)
	if err != nil {
		return "", fmt.Errorf("sqlstore: last protocol of %d: %w", year, err)
	}
	return last.String, nil
}

// putFiles stores the files of a batch, each once by digest: a file already
// stored is left as it is.
func (s *Store) putFiles(ctx context.Context, tx *txn, files []registry.AttachmentFile) error {
	for _, f := range files {
		if _, err := tx.exec(ctx, "INSERT INTO attachments (sha256, size, media_type, content) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
			f.SHA256, f.Size, f.MediaType, f.Content); err != nil {
			return fmt.Errorf("sqlstore: write attachment %q: %w", f.SHA256, err)
		}
	}
	return nil
}
