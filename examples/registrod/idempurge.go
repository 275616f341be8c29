package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
)

// idemPurgeEvery is how often registrod purges the expired
// Idempotency-Keys (each purge is bounded; a key used again once expired is
// forgotten at once, whatever the purge).
const idemPurgeEvery = time.Hour

// runIdempotencyPurge purges the keys of filings older than retention now,
// then every idemPurgeEvery, until ctx ends; with a negative retention
// keys never expire and nothing runs.
func runIdempotencyPurge(ctx context.Context, filings questionnaire.FilingStore, retention time.Duration, log *slog.Logger) {
	if retention < 0 {
		return
	}
	if n, err := api.PurgeIdempotencyKeys(ctx, filings, time.Now().Add(-retention)); err != nil {
		log.Error("idempotency keys purge", "error", err, "purged", n)
	} else if n > 0 {
		log.Info("idempotency keys purged", "purged", n, "retention", retention.String())
	}
	t := time.NewTicker(idemPurgeEvery)
	defer t.Stop()
	api.RunIdempotencyPurge(ctx, filings, retention, time.Now, t.C, log)
}
