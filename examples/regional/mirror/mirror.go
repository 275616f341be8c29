package mirror

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
)

// Defaults of Options.
const (
	DefaultPageSize   = 200
	DefaultInterval   = 30 * time.Second
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = 5 * time.Minute
)

// Options are the knobs of New. Region is required; the other zero values
// take the defaults named on each field.
type Options struct {
	// Region is the ISTAT code of the region mirrored ("03"): the bodies
	// whose seat is in it.
	Region string
	// Cursor keeps the position in the change feed; nil means a MemCursor
	// (not durable: a restart replays the feed from the start).
	Cursor Cursor
	// Access, when set, narrows the copy to what that client's token (a
	// region token) may see: a body only if the token sees it, its Section II
	// enrolment only if the token sees the body in Section II (a grant of
	// Section II access). Each Once then also reconciles the whole copy with
	// what the token sees, since a grant or its expiry changes visibility
	// without a change to the bodies. Nil: everything the feed client sees.
	Access *client.Client
	// PageSize is the number of events read per request; 0 means
	// DefaultPageSize.
	PageSize int
	// Interval is the pause of Run between two syncs; 0 means
	// DefaultInterval.
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the pause of Run after a failed sync,
	// doubled at each failure in a row; 0 means DefaultMinBackoff and
	// DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Actor is recorded on the local events; "" means "mirror".
	Actor string
	// Now is the clock of the local events; nil means time.Now.
	Now func() time.Time
	// Logger receives a line per sync and per retry; nil discards.
	Logger *slog.Logger
}

// Stats counts what one sync did.
type Stats struct {
	// Events is the number of change-feed events read.
	Events int
	// Fetched is the number of bodies read from the service.
	Fetched int
	// Created, Updated and Removed count the local writes; Unchanged the
	// bodies fetched whose local copy was already the same.
	Created, Updated, Removed, Unchanged int
	// Cursor is the Seq of the last event applied.
	Cursor int64
}

// Mirror keeps a local copy of one region's part of the register in sync
// with a registrod service. Build it with New.
type Mirror struct {
	client *client.Client
	store  registry.Store
	local  *registry.Registry // imports, replaces and removes bodies in store
	opts   Options
	mu     sync.Mutex // one sync at a time
}

// New returns a mirror that reads the change feed and the bodies with c
// (a staff token: the feed is reserved to staff) and writes them into local.
// It returns an error for a nil client or store or an unknown region.
func New(c *client.Client, local registry.Store, opts Options) (*Mirror, error) {
	if c == nil || local == nil {
		return nil, errors.New("mirror: New needs a client and a local store")
	}
	if _, ok := territory.Default().Region(opts.Region); !ok {
		return nil, fmt.Errorf("mirror: unknown region %q: want an ISTAT region code (\"01\"–\"20\")", opts.Region)
	}
	if opts.Cursor == nil {
		opts.Cursor = &MemCursor{}
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.PageSize > registry.MaxLimit {
		opts.PageSize = registry.MaxLimit
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(DefaultMaxBackoff, opts.MinBackoff)
	}
	if opts.Actor == "" {
		opts.Actor = "mirror"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Mirror{
		client: c,
		store:  local,
		local:  wire.Registry(local, wire.Options{Now: opts.Now}),
		opts:   opts,
	}, nil
}

// Run syncs every Options.Interval until ctx ends, and returns ctx's error
// then. A failed sync is retried after a backoff that doubles from
// MinBackoff up to MaxBackoff and is reset by a success. An error that
// retrying cannot cure — the service refusing the token (a *client.Error of
// status 401 or 403) — ends Run with that error.
func (m *Mirror) Run(ctx context.Context) error {
	return runEvery(ctx, m.Once, m.opts.Interval, m.opts.MinBackoff, m.opts.MaxBackoff, m.opts.Logger)
}

// runEvery calls once every interval until ctx ends, and returns ctx's
// error then: a failure is retried after a backoff that doubles from
// minBackoff up to maxBackoff and is reset by a success; the service
// refusing the token (401, 403) ends it with that error.
func runEvery(ctx context.Context, once func(context.Context) (Stats, error), interval, minBackoff, maxBackoff time.Duration, log *slog.Logger) error {
	backoff := minBackoff
	for {
		st, err := once(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := interval
		switch {
		case refused(err):
			return err
		case err != nil:
			log.Warn("sync failed, retrying", "error", err.Error(), "retry_in", backoff)
			wait = backoff
			backoff = min(2*backoff, maxBackoff)
		default:
			backoff = minBackoff
			log.Info("synced", "events", st.Events, "created", st.Created, "updated", st.Updated,
				"removed", st.Removed, "cursor", st.Cursor)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Once reads the change feed from the saved cursor to its end, applies every
// changed body of the region to the local store and saves the cursor after
// each page. Applying is idempotent — a body whose local copy already equals
// the service's is not written — so a sync interrupted anywhere (a cancelled
// ctx, a crash between a write and the cursor's save) is resumed by the next
// one without losing or duplicating anything. The Stats count what was done,
// also when an error ends the sync early.
func (m *Mirror) Once(ctx context.Context) (Stats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var st Stats
	after, err := m.opts.Cursor.Load(ctx)
	if err != nil {
		return st, err
	}
	st.Cursor = after
	var vis *visibility
	if m.opts.Access != nil {
		if vis, err = m.visibility(ctx); err != nil {
			return st, err
		}
	}
	for {
		page, err := m.client.EventPage(ctx, client.EventQuery{After: after, Limit: m.opts.PageSize})
		if err != nil {
			return st, err
		}
		if len(page.Items) == 0 {
			break
		}
		seen := map[string]bool{}
		for _, ev := range page.Items {
			if ev.EntityID == "" || seen[ev.EntityID] || !touchesEntity(ev.Kind) {
				continue
			}
			seen[ev.EntityID] = true
			if err := m.sync(ctx, ev.EntityID, vis, &st); err != nil {
				return st, err
			}
		}
		if err := m.opts.Cursor.Save(ctx, page.Last); err != nil {
			return st, err
		}
		st.Events += len(page.Items)
		st.Cursor, after = page.Last, page.Last
		if len(page.Items) < m.opts.PageSize {
			break
		}
	}
	if vis != nil {
		if err := m.reconcile(ctx, vis, &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// touchesEntity reports whether events of kind may change the body record
// (filings, partnerships and grants are records of their own).
func touchesEntity(k registry.EventKind) bool {
	switch k {
	case registry.EventReportFiled, registry.EventPartnershipAdded, registry.EventPartnershipUpdated,
		registry.EventPartnershipRemoved, registry.EventSectionIIGranted:
		return false
	}
	return true
}

// visibility is what the Access token sees of the region.
type visibility struct {
	body, sectionII map[string]bool
}

func (m *Mirror) visibility(ctx context.Context) (*visibility, error) {
	v := &visibility{body: map[string]bool{}, sectionII: map[string]bool{}}
	all, err := entities(ctx, m.opts.Access, m.opts.Region, 0)
	if err != nil {
		return nil, fmt.Errorf("mirror: what the access token sees: %w", err)
	}
	for _, e := range all {
		v.body[e.ID] = true
	}
	ii, err := entities(ctx, m.opts.Access, m.opts.Region, registry.SectionII)
	if err != nil {
		return nil, fmt.Errorf("mirror: what the access token sees: %w", err)
	}
	for _, e := range ii {
		v.sectionII[e.ID] = true
	}
	return v, nil
}

// reconcile brings the copy in line with vis: bodies the token no longer
// sees go, bodies it sees and the copy lacks come, and a body whose Section
// II visibility changed is fetched again.
func (m *Mirror) reconcile(ctx context.Context, vis *visibility, st *Stats) error {
	have := map[string]bool{}
	f := registry.Filter{Limit: registry.MaxLimit}
	for {
		page, err := m.store.Entities(ctx, f)
		if err != nil {
			return fmt.Errorf("mirror: reading the local copy: %w", err)
		}
		for _, l := range page.Entities {
			have[l.ID] = true
			_, hasII := l.Enrolment(registry.SectionII)
			switch {
			case !vis.body[l.ID]:
				if err := m.remove(ctx, l, "not visible to the access token"); err != nil {
					return err
				}
				st.Removed++
			case hasII != vis.sectionII[l.ID]:
				if err := m.sync(ctx, l.ID, vis, st); err != nil {
					return err
				}
			}
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	for id := range vis.body {
		if !have[id] {
			if err := m.sync(ctx, id, vis, st); err != nil {
				return err
			}
		}
	}
	return nil
}

// sync fetches body id from the service and applies it.
func (m *Mirror) sync(ctx context.Context, id string, vis *visibility, st *Stats) error {
	remote, _, err := m.client.Entity(ctx, id)
	if notFound(err) {
		return m.drop(ctx, id, "no longer in the service", st)
	}
	if err != nil {
		return err
	}
	st.Fetched++
	if remote.ID != id {
		return fmt.Errorf("mirror: asked the service for body %q, got %q", id, remote.ID)
	}
	return m.apply(ctx, remote, vis, st)
}

// apply makes the local copy of remote.ID equal to remote, or removes it
// when the body is not (or no longer) the region's or visible.
func (m *Mirror) apply(ctx context.Context, remote registry.Entity, vis *visibility, st *Stats) error {
	keep, reason := m.filter(&remote, vis)
	if !keep {
		return m.drop(ctx, remote.ID, reason, st)
	}
	local, err := m.store.Entity(ctx, remote.ID)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		if _, err := m.local.Import(ctx, registry.Staff(m.opts.Actor), []registry.Entity{remote}); err != nil {
			return fmt.Errorf("mirror: body %s: %w", remote.ID, err)
		}
		st.Created++
		return nil
	case err != nil:
		return fmt.Errorf("mirror: body %s: %w", remote.ID, err)
	}
	same, err := equal(local, remote)
	if err != nil {
		return err
	}
	if same {
		st.Unchanged++
		return nil
	}
	if err := m.replace(ctx, local, remote); err != nil {
		return err
	}
	st.Updated++
	return nil
}

// filter reports whether remote belongs in the copy, and removes from it the
// Section II enrolment the Access token may not see.
func (m *Mirror) filter(remote *registry.Entity, vis *visibility) (bool, string) {
	if remote.Seat.Region != m.opts.Region {
		return false, "seat outside region " + m.opts.Region
	}
	if vis == nil {
		return true, ""
	}
	if !vis.body[remote.ID] {
		return false, "not visible to the access token"
	}
	if !vis.sectionII[remote.ID] {
		kept := remote.Enrolments[:0:0]
		for _, en := range remote.Enrolments {
			if en.Section != registry.SectionII {
				kept = append(kept, en)
			}
		}
		remote.Enrolments = kept
	}
	return true, ""
}

// replace writes remote over local, version-checked; the registry validates
// remote as it validates an import (field rules, seat, enrolment histories
// the state machine could have produced).
func (m *Mirror) replace(ctx context.Context, local, remote registry.Entity) error {
	remote.Version = local.Version
	if _, err := m.local.Replace(ctx, registry.Staff(m.opts.Actor), remote, "synced from the service"); err != nil {
		return fmt.Errorf("mirror: body %s: %w", remote.ID, err)
	}
	return nil
}

// drop removes body id from the copy, if it is there.
func (m *Mirror) drop(ctx context.Context, id, reason string, st *Stats) error {
	local, err := m.store.Entity(ctx, id)
	if errors.Is(err, registry.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mirror: body %s: %w", id, err)
	}
	if err := m.remove(ctx, local, reason); err != nil {
		return err
	}
	st.Removed++
	return nil
}

// remove deletes local from the copy with an event recording why.
func (m *Mirror) remove(ctx context.Context, local registry.Entity, reason string) error {
	if err := m.local.Remove(ctx, registry.Staff(m.opts.Actor), local.ID, local.Version, "removed from the regional copy: "+reason); err != nil {
		return fmt.Errorf("mirror: removing body %s: %w", local.ID, err)
	}
	return nil
}

// equal reports whether a and b are the same body, whatever their versions
// (each store counts its own).
func equal(a, b registry.Entity) (bool, error) {
	a.Version, b.Version = 0, 0
	ja, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	jb, err := json.Marshal(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ja, jb), nil
}
