package schemagen

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/openregistro/registro/schemas"
)

// Write generates the files into dir (the schemas package folder), replacing
// the folder schemas.Dir so that it holds exactly the generated files.
func Write(dir string, opts Options) error {
	files, err := Generate(opts)
	if err != nil {
		return err
	}
	root := filepath.Join(dir, schemas.Dir)
	// Remove stale files first (a schema no longer generated).
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			return os.Remove(p)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("schemagen: %w", err)
	}
	for _, p := range files.Paths() {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if old, err := os.ReadFile(full); err == nil && bytes.Equal(old, files[p]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("schemagen: %w", err)
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return fmt.Errorf("schemagen: %w", err)
		}
	}
	return nil
}
