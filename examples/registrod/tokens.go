package main

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// splitList returns the non-empty items of a comma-separated list.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// importTokensFile opens the register --db names (it must exist unless
// --create) and imports the tokens file --import-tokens names.
func importTokensFile(ctx context.Context, cfg config, log *slog.Logger) error {
	var opts wire.Options
	if err := opts.Data(cfg.codeLists, cfg.territory); err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	return importTokens(ctx, wire.Registry(store, opts), cfg.importTokens, cfg.importExpiry, log)
}

// importTokens stores each bearer token of the tokens file path as a hashed
// API token named after its subject (lower-cased; a "cf:" subject stays the
// person's, who may still file their body's reports).
func importTokens(ctx context.Context, reg *registry.Registry, path string, expiry time.Duration, log *slog.Logger) error {
	m, err := api.ReadTokensFile(path)
	if err != nil {
		return err
	}
	secrets := make([]string, 0, len(m))
	for k := range m {
		secrets = append(secrets, k)
	}
	sort.Strings(secrets)
	staff := registry.Staff("registrod:import-tokens")
	until := reg.Now().Add(expiry)
	for i, secret := range secrets {
		id := m[secret]
		name := strings.ToLower(id.Subject)
		if cf, ok := strings.CutPrefix(id.Subject, "cf:"); ok {
			name = "cf:" + strings.ToUpper(cf) // a person's token: they may still file
		}
		t, err := reg.ImportAPIToken(ctx, staff, registry.APIToken{Name: name, Role: id.Role, EntityID: id.EntityID,
			Region: id.Region, ExpiresAt: until}, secret)
		if err != nil {
			return fmt.Errorf("%s: token #%d (subject %q): %w", path, i+1, id.Subject, err)
		}
		log.Info("imported API token", "id", t.ID, "name", t.Name, "role", t.Role.String(), "expires", t.ExpiresAt)
	}
	log.Info("tokens imported: the file is no longer read; delete it", "count", len(secrets))
	return nil
}
