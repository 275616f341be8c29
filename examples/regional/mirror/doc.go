// Package mirror keeps a region's own copy of the register in sync with a
// registrod service: what a regional IT team runs to hold, in its own
// database, the bodies whose seat is in its region, and to build its own
// statistics from them.
//
// The regional command uses RegionSync: least privilege, it reads the
// regional change feed (GET /v1/feed) with the region's own token and keeps
// in a Copy (SQLCopy: the table regional_bodies) exactly what that token may
// see — the region's bodies with their published fields, Section II only
// under a grant of Section II access — dropping each body the feed reports
// as removed from the region's view (a tombstone), and comparing the copy
// with the token's listing after each sync, since a grant that starts or
// expires changes what the token sees without any entry in the feed.
//
// Mirror is for a system holding a staff token (the ministry's own
// replicas): it reads the service with registrod's typed client
// (examples/registrod/client: GET /v1/events, the whole change feed, and
// GET /v1/entities/{id}) from the position its Cursor saved, fetches the
// current record of every body an event names, and applies it to a local
// registry.Store (sqlstore over SQLite or PostgreSQL, or memstore): a new
// body of the region through registry.Registry.Import, a changed one as a
// version-checked replace after the registry has validated it exactly as
// Import does, and a body that left the region (or the service, or the
// token's sight) is removed.
// Every local write carries an event, so the copy has its own audit trail.
// SQLCursor keeps the position in a table of the same database. With
// Options.Access set to a client with a region token, the copy holds only
// the bodies that token sees, and a body's Section II enrolment only where
// a grant lets it.
//
// # Errors
//
// The service's answers other than 2xx come back as the client's
// *client.Error, carrying the status and the service's problem details (the
// client itself waits out a 429's Retry-After). Network failures and
// timeouts are wrapped as the HTTP client returns them, and a cancelled
// context ends a sync with the context's error. A body the local registry
// refuses is a problem.List (errors.Is(err, problem.ErrInvalid)) wrapped
// with its ID; the local store's errors (registry.ErrConflict for a
// concurrent writer) come back wrapped. Run retries every error with backoff
// except the service refusing the token (a *client.Error of status 401 or
// 403), which ends it.
//
// # Concurrency
//
// A Mirror runs one sync at a time:
// concurrent calls of Once queue on a mutex. Several processes must not sync
// the same store with the same cursor at once; if they do, a version conflict
// makes one fail and retry, and nothing is lost. Readers of the local store
// (the stats of the regional command, reports) may run during a sync: each
// body is written in one transaction.
package mirror
