package registry

import (
	"context"
	"sync"
)

// PublicVersioner is implemented by a Store that keeps a version of what
// the public sees: Registry then keeps the pages it listed for the public
// and answers the same request again from memory until the version changes
// (see Registry.Entities).
//
// PublicVersion returns a value that changes, as every process sharing the
// store sees it, with each committed batch whose Public is set (Registry
// sets it on the writes that change what the public sees today), and with
// nothing else: a write the public cannot see must not change how long a
// public page takes. The version need not be ordered, only different after
// each such batch, and never take again a value it had (a random value, or
// a counter that only grows); a store returns ok false when it cannot tell
// (its counter is missing), and Registry then keeps nothing.
type PublicVersioner interface {
	PublicVersion(ctx context.Context) (version int64, ok bool, err error)
}

// The bounds of publicCache, per generation (it keeps two): pages, and
// bodies over all its pages. The public's listings of a deadline day are a
// few dozen queries (each region, each section, the first pages: about
// 1,600 bodies); a caller varying the filters, the cursor or the limit can
// fill a generation, and then the cache turns over, as entityCache
// does. At about 200 bytes a body, two generations hold at most ~10 MB.
const (
	publicPagesMax  = 512
	publicBodiesMax = 25_000
)

// publicCache holds the public's listing pages of one store version and
// calendar day, by request (publicKey). Pages hold public views only (ID,
// name, legal form, seat): no Section II body and nothing of a body the
// public does not see.
type publicCache struct {
	mu       sync.Mutex
	version  int64
	day      Date
	cur, old map[publicKey]publicPage
	bodies   int // in cur
}

// publicPage is a kept page: its bodies' published fields, and its cursor.
type publicPage struct {
	bodies []publicBody
	next   string
}

// keepPage returns p as a publicPage: the published fields of its bodies
// (a fifth of an Entity each), which is all a public page holds.
func keepPage(p Page) publicPage {
	kp := publicPage{bodies: make([]publicBody, len(p.Entities)), next: p.Next}
	for i := range p.Entities {
		kp.bodies[i] = publicBodyOf(&p.Entities[i])
	}
	return kp
}

// page returns kp as a Page of public views, the caller's own.
func (kp publicPage) page() Page {
	p := Page{Entities: make([]Entity, len(kp.bodies)), Next: kp.next}
	for i, b := range kp.bodies {
		p.Entities[i] = b.entity()
	}
	return p
}

// publicKey is what a public listing depends on: the filter's fields but
// Visible and Candidates (the viewer's), the limit as the store applies it.
type publicKey struct {
	section                     Section
	status                      Status
	region, province, legalForm string
	cursor                      string
	limit                       int
}

// publicKeyOf returns the key of a public listing filter. ok is false for
// a filter that is never kept: an invalid limit, a BranchOf, and a name
// search, so that how long a search takes does not tell one caller what
// another searched for.
func publicKeyOf(f *Filter) (key publicKey, ok bool) {
	n := f.Limit
	switch {
	case n < 0 || f.BranchOf != "" || f.Name != "":
		return publicKey{}, false
	case n == 0:
		n = DefaultLimit
	case n > MaxLimit:
		n = MaxLimit
	}
	return publicKey{section: f.Section, status: f.Status, region: f.Region, province: f.Province,
		legalForm: f.LegalForm, cursor: f.Cursor, limit: n}, true
}

// get returns the page kept for key at version and day.
func (c *publicCache) get(version int64, day Date, key publicKey) (Page, bool) {
	c.mu.Lock()
	if c.cur == nil || c.version != version || c.day != day {
		c.mu.Unlock()
		return Page{}, false
	}
	kp, ok := c.cur[key]
	if !ok {
		if kp, ok = c.old[key]; ok {
			c.put(key, kp)
		}
	}
	c.mu.Unlock()
	if !ok {
		return Page{}, false
	}
	return kp.page(), true
}

// keep stores p for key at version and day, dropping every page of another
// version or day.
func (c *publicCache) keep(version int64, day Date, key publicKey, p Page) {
	kp := keepPage(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil || c.version != version || c.day != day {
		c.version, c.day = version, day
		c.cur, c.old, c.bodies = map[publicKey]publicPage{}, nil, 0
	}
	c.put(key, kp)
}

// put stores kp in the current generation, turning generations over when
// it is full. c.mu is held.
func (c *publicCache) put(key publicKey, kp publicPage) {
	if len(c.cur) >= publicPagesMax || c.bodies+len(kp.bodies) > publicBodiesMax {
		c.old, c.cur, c.bodies = c.cur, make(map[publicKey]publicPage), 0
	}
	if prev, ok := c.cur[key]; ok {
		c.bodies -= len(prev.bodies)
	}
	c.cur[key] = kp
	c.bodies += len(kp.bodies)
}

// publicViewer reports whether v sees exactly what the public sees in a
// listing: no full access to any body and no grant.
func publicViewer(v *Viewer) bool {
	return v.Role == RolePublic && len(v.Grants) == 0
}

// publicEntities is Entities for a public viewer over a PublicVersioner,
// on day (the day list judges visibility on): the page from the cache when
// the store's version and the day are those it was listed at, else listed
// (list) and kept under the version read before listing. That is safe
// because a version never comes back: if a write committed while the page
// was listed, the version has changed and the page kept under the old one
// is never asked for again; if none did, the page is the stored state of
// that version.
func (r *Registry) publicEntities(ctx context.Context, pv PublicVersioner, f *Filter, day Date, list func() (Page, error)) (Page, error) {
	key, ok := publicKeyOf(f)
	if !ok {
		return list()
	}
	version, ok, err := pv.PublicVersion(ctx)
	if err != nil {
		return Page{}, err
	}
	if !ok {
		return list()
	}
	if p, hit := r.public.get(version, day, key); hit {
		return p, nil
	}
	p, err := list()
	if err != nil {
		return Page{}, err
	}
	r.public.keep(version, day, key, p)
	return p, nil
}

// publicCheckMax is the largest batch whose effect on the public view
// Registry judges body by body (one read of each body it replaces or
// deletes); a larger one (an import) is taken to change it.
const publicCheckMax = 16

// publicChange reports whether b may change what the public sees today
// (Batch.Public): whether a body it writes or deletes enters or leaves the
// public listing, changes a published field while listed, or, as a
// national body, starts or stops extending its Section I enrolment to a
// branch. It reads the stored version of each body b replaces or deletes,
// and answers true whenever it cannot tell (a read that fails, a stored
// version other than the one b replaces, a large batch): a version moved
// for nothing costs one listing, a version not moved would be a stale page.
func (r *Registry) publicChange(ctx context.Context, b *Batch) bool {
	if _, ok := r.store.(PublicVersioner); !ok {
		return false
	}
	var gone []Ref
	for _, d := range b.Deletes {
		if d.Kind == KindEntity {
			gone = append(gone, d)
		}
	}
	if len(b.Entities)+len(gone) > publicCheckMax {
		return true
	}
	day := r.today()
	stored := func(id string, version int64) (*Entity, bool) {
		e, err := r.store.Entity(ctx, id)
		if err != nil || e.Version != version {
			return nil, false
		}
		return &e, true
	}
	for i := range b.Entities {
		after := &b.Entities[i]
		var before *Entity
		if after.Version > 0 {
			var ok bool
			if before, ok = stored(after.ID, after.Version); !ok {
				return true
			}
		}
		if changed, err := r.publicDiffers(ctx, before, after, day); err != nil || changed {
			return true
		}
	}
	for _, d := range gone {
		before, ok := stored(d.ID, d.Version)
		if !ok {
			return true
		}
		if changed, err := r.publicDiffers(ctx, before, nil, day); err != nil || changed {
			return true
		}
	}
	return false
}

// publicDiffers reports whether the public sees body before (nil: none)
// and body after (nil: deleted) differently on day, branches it extends to
// included.
func (r *Registry) publicDiffers(ctx context.Context, before, after *Entity, day Date) (bool, error) {
	listed := func(e *Entity) (bool, error) {
		if e == nil {
			return false, nil
		}
		return r.enrolledOn(ctx, e, SectionI, day)
	}
	was, err := listed(before)
	if err != nil {
		return true, err
	}
	is, err := listed(after)
	if err != nil {
		return true, err
	}
	if was != is || (is && publicBodyOf(before) != publicBodyOf(after)) {
		return true, nil
	}
	// As a national body: the branches its Section I enrolment covers.
	covers := func(e *Entity, branch string) bool { return e != nil && r.extends(e, branch, day) }
	for _, e := range []*Entity{before, after} {
		if e == nil {
			continue
		}
		for _, br := range e.Branches {
			if covers(before, br.EntityID) != covers(after, br.EntityID) {
				return true, nil
			}
		}
	}
	return false, nil
}
