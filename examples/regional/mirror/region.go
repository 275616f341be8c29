package mirror

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
)

// Body is a body in a region's copy: what the region's token sees of it.
type Body struct {
	// Entity holds the published fields (ID, name, legal form, seat).
	Entity api.PublishedEntity `json:"entity"`
	// Sections are the sections the token saw it enrolled in (Section II
	// only under a grant).
	Sections []registry.Section `json:"sections"`
	// Seq is the Seq of the feed entry it was last written from.
	Seq int64 `json:"seq"`
}

// Copy is a region's copy of what its token sees. Implementations must be
// safe for concurrent use.
type Copy interface {
	// Put writes b, replacing the body with its ID.
	Put(ctx context.Context, b Body) error
	// Delete removes the body id; removing one that is not there is not an
	// error.
	Delete(ctx context.Context, id string) error
	// Bodies returns every body of the copy, in ascending order of ID.
	Bodies(ctx context.Context) ([]Body, error)
}

// SQLCopy keeps a region's copy in a table of its own, regional_bodies,
// one row per (region, body). Build it with NewSQLCopy.
type SQLCopy struct {
	db     *sql.DB
	region string
	dollar bool
}

var _ Copy = (*SQLCopy)(nil)

// NewSQLCopy creates the table if missing and returns the copy of region
// in db. dialect is "sqlite" or "postgres" (sqlstore.Store.Dialect).
func NewSQLCopy(ctx context.Context, db *sql.DB, dialect, region string) (*SQLCopy, error) {
	c := &SQLCopy{db: db, region: region}
	switch dialect {
	case "sqlite":
	case "postgres":
		c.dollar = true
	default:
		return nil, fmt.Errorf("mirror: copy: unknown dialect %q (want sqlite or postgres)", dialect)
	}
	if region == "" {
		return nil, errors.New("mirror: copy: empty region")
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS regional_bodies (
		region TEXT NOT NULL,
		id     TEXT NOT NULL,
		doc    TEXT NOT NULL,
		PRIMARY KEY (region, id))`); err != nil {
		return nil, fmt.Errorf("mirror: copy: create table: %w", err)
	}
	return c, nil
}

// q rewrites '?' placeholders for PostgreSQL.
func (c *SQLCopy) q(s string) string {
	if !c.dollar {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Put implements Copy.
func (c *SQLCopy) Put(ctx context.Context, b Body) error {
	doc, err := json.Marshal(b)
	if err != nil {
		return err
	}
	_, err = c.db.ExecContext(ctx, c.q(`INSERT INTO regional_bodies (region, id, doc) VALUES (?, ?, ?)
		ON CONFLICT (region, id) DO UPDATE SET doc = excluded.doc`), c.region, b.Entity.ID, string(doc))
	if err != nil {
		return fmt.Errorf("mirror: copy: put %s: %w", b.Entity.ID, err)
	}
	return nil
}

// Delete implements Copy.
func (c *SQLCopy) Delete(ctx context.Context, id string) error {
	if _, err := c.db.ExecContext(ctx, c.q(`DELETE FROM regional_bodies WHERE region = ? AND id = ?`), c.region, id); err != nil {
		return fmt.Errorf("mirror: copy: delete %s: %w", id, err)
	}
	return nil
}

// Bodies implements Copy.
func (c *SQLCopy) Bodies(ctx context.Context) ([]Body, error) {
	rows, err := c.db.QueryContext(ctx, c.q(`SELECT doc FROM regional_bodies WHERE region = ? ORDER BY id`), c.region)
	if err != nil {
		return nil, fmt.Errorf("mirror: copy: list: %w", err)
	}
	defer rows.Close()
	out := []Body{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("mirror: copy: list: %w", err)
		}
		var b Body
		if err := json.Unmarshal([]byte(doc), &b); err != nil {
			return nil, fmt.Errorf("mirror: copy: decode: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// RegionOptions are the knobs of NewRegionSync. Region is required; the
// other zero values take the defaults of Options.
type RegionOptions struct {
	// Region is the ISTAT code of the token's region.
	Region string
	// Cursor keeps the position in the feed; nil means a MemCursor.
	Cursor Cursor
	// PageSize is the number of events read per request; 0 means
	// DefaultPageSize.
	PageSize int
	// Interval, MinBackoff and MaxBackoff are as in Options.
	Interval, MinBackoff, MaxBackoff time.Duration
	// Logger receives a line per sync and per retry; nil discards.
	Logger *slog.Logger
}

// RegionSync keeps a region's copy in sync with the regional change feed,
// reading with the region's own token: least privilege — the copy holds
// exactly what the token may see (its region's bodies, their published
// fields, Section II only under a grant) and the service never hands it
// more. Build it with NewRegionSync.
type RegionSync struct {
	client *client.Client
	copy   Copy
	opts   RegionOptions
	mu     sync.Mutex
}

// NewRegionSync returns a sync that reads with cl (a region token: the
// regional feed, GET /v1/feed, and the listing) and writes into c. It
// returns an error for a nil client or copy or an empty region.
func NewRegionSync(cl *client.Client, c Copy, opts RegionOptions) (*RegionSync, error) {
	if cl == nil || c == nil {
		return nil, errors.New("mirror: NewRegionSync needs a client and a copy")
	}
	if opts.Region == "" {
		return nil, errors.New("mirror: NewRegionSync needs a region")
	}
	if opts.Cursor == nil {
		opts.Cursor = &MemCursor{}
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	opts.PageSize = min(opts.PageSize, registry.MaxLimit)
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(DefaultMaxBackoff, opts.MinBackoff)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &RegionSync{client: cl, copy: c, opts: opts}, nil
}

// Once reads the feed from the saved cursor to its end, applies each entry
// (an upsert writes the body, a tombstone removes it) and saves the cursor
// after each page; then, since a grant or its expiry changes what the token
// sees without any entry, it compares the copy with the token's listing of
// the region and fetches or drops what differs. Applying is idempotent, so
// an interrupted sync is resumed by the next one.
func (s *RegionSync) Once(ctx context.Context) (Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st Stats
	after, err := s.opts.Cursor.Load(ctx)
	if err != nil {
		return st, err
	}
	st.Cursor = after
	for {
		page, err := s.client.FeedPage(ctx, after, s.opts.PageSize)
		if err != nil {
			return st, err
		}
		for _, it := range page.Items {
			if err := s.apply(ctx, it, &st); err != nil {
				return st, err
			}
		}
		if err := s.opts.Cursor.Save(ctx, page.Last); err != nil {
			return st, err
		}
		st.Events += len(page.Items)
		st.Cursor, after = page.Last, page.Last
		if !page.More {
			break
		}
	}
	return st, s.reconcile(ctx, &st)
}

// apply writes one feed entry into the copy.
func (s *RegionSync) apply(ctx context.Context, it api.FeedItem, st *Stats) error {
	if it.Change == registry.FeedUpsert && it.Entity != nil {
		if it.Entity.Seat.Region != s.opts.Region {
			return fmt.Errorf("mirror: the feed holds body %s of region %s: the token is not region %s's", it.EntityID, it.Entity.Seat.Region, s.opts.Region)
		}
		st.Fetched++
		st.Updated++
		return s.copy.Put(ctx, Body{Entity: *it.Entity, Sections: it.Sections, Seq: it.Seq})
	}
	st.Removed++
	return s.copy.Delete(ctx, it.EntityID)
}

// reconcile makes the copy the token's listing of the region, with the
// sections it sees each body in.
func (s *RegionSync) reconcile(ctx context.Context, st *Stats) error {
	all, err := entities(ctx, s.client, s.opts.Region, 0)
	if err != nil {
		return fmt.Errorf("mirror: what the token sees: %w", err)
	}
	sections := map[string][]registry.Section{}
	for _, sec := range []registry.Section{registry.SectionI, registry.SectionII} {
		in, err := entities(ctx, s.client, s.opts.Region, sec)
		if err != nil {
			return fmt.Errorf("mirror: what the token sees: %w", err)
		}
		for _, e := range in {
			sections[e.ID] = append(sections[e.ID], sec)
		}
	}
	have, err := s.copy.Bodies(ctx)
	if err != nil {
		return err
	}
	local := map[string]Body{}
	for _, b := range have {
		local[b.Entity.ID] = b
	}
	seen := map[string]bool{}
	for _, e := range all {
		seen[e.ID] = true
		want := Body{Entity: api.PublishedEntity{ID: e.ID, Name: e.Name, LegalForm: e.LegalForm, Seat: e.Seat}, Sections: sections[e.ID]}
		cur, ok := local[e.ID]
		want.Seq = cur.Seq
		if ok && sameBody(cur, want) {
			st.Unchanged++
			continue
		}
		if err := s.copy.Put(ctx, want); err != nil {
			return err
		}
		if ok {
			st.Updated++
		} else {
			st.Created++
		}
	}
	for id := range local {
		if !seen[id] {
			if err := s.copy.Delete(ctx, id); err != nil {
				return err
			}
			st.Removed++
		}
	}
	return nil
}

// sameBody reports whether a and b hold the same data.
func sameBody(a, b Body) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Run syncs every Interval until ctx ends, as Mirror.Run does: failures are
// retried with backoff, the service refusing the token (401, 403) ends it.
func (s *RegionSync) Run(ctx context.Context) error {
	return runEvery(ctx, s.Once, s.opts.Interval, s.opts.MinBackoff, s.opts.MaxBackoff, s.opts.Logger)
}
