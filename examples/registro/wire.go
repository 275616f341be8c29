package main

import (
	"context"
	"errors"

	"github.com/openregistro/registro/registry/sqlstore"
)

// openStore opens the store named by --db: "sqlite:PATH", a plain file path,
// or a postgres:// URL.
func openStore(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	if dsn == "" {
		return nil, errors.New("no database: pass --db sqlite:PATH or --db postgres://…")
	}
	return sqlstore.Open(ctx, dsn, sqlstore.Options{})
}
