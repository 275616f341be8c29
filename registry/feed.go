package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// FeedChange is what happened to a body in a region's view of the register.
type FeedChange string

// The changes of a region's feed.
const (
	// FeedUpsert: the body is in the region's view; FeedItem.Entity is it
	// as the region sees it now.
	FeedUpsert FeedChange = "upsert"
	// FeedRemoved: the body, which the region could see, is no longer in
	// its view — removed from the register, moved out of the region, no
	// longer enrolled in a section the region sees. A tombstone: the region
	// drops its copy.
	FeedRemoved FeedChange = "removed"
)

// FeedItem is one entry of a region's change feed.
type FeedItem struct {
	// Seq is the Seq of the last event of the register's log the entry
	// stands for.
	Seq int64 `json:"seq"`
	// At is when that event was recorded.
	At time.Time `json:"at"`
	// EntityID is the body's register ID.
	EntityID string `json:"entityId"`
	// Change is what happened to the body in the region's view.
	Change FeedChange `json:"change"`
	// Entity is the body as the region sees it now (the published fields),
	// for FeedUpsert.
	Entity *Entity `json:"entity,omitempty"`
	// Sections are the sections the region sees the body enrolled in today
	// (Section II only under a grant), for FeedUpsert.
	Sections []Section `json:"sections,omitempty"`
}

// FeedPage is one page of a region's change feed.
type FeedPage struct {
	// Items are the entries, in ascending order of Seq, at most one per
	// body.
	Items []FeedItem `json:"items"`
	// Last is the Seq of the last event read (the after of the next
	// request), the request's after when none was read. It may be past the
	// last item: events the region may not see are read and left out.
	Last int64 `json:"last"`
	// More is true when the log may hold more events after Last.
	More bool `json:"more"`
}

// RegionFeed returns the change feed of regional office v: the events of
// the register's log after after (at most limit of them, clamped as
// EventFilter.Limit), turned into what they mean for v's view of its region.
//
// Only events about a body seated in the region (before or after the event)
// are read, and only those that change what v may see: the creation, an
// update of the published fields, the removal of a body v sees, and the
// enrolment changes of a section v sees (Section I, Section II under a grant
// covering the region) to or from enrolled. Each becomes an entry for its
// body: FeedUpsert with the body as v sees it now when v sees it now in
// the region, FeedRemoved otherwise. A change to data v may not see (an
// unpublished field, a pending application, a Section II enrolment without
// a grant) gives no entry, so the feed tells nothing about it.
//
// Grants change what v sees without any event about a body: a consumer
// compares its copy with the listing (Entities, filtered on the region)
// when its grants start or expire.
//
// Errors: ErrForbidden for a viewer other than a regional office (staff
// read the whole log with Events); an error for a negative after or limit;
// store errors.
func (r *Registry) RegionFeed(ctx context.Context, v Viewer, after int64, limit int) (FeedPage, error) {
	if v.Role != RoleRegion || v.Region == "" {
		return FeedPage{}, fmt.Errorf("registry: region feed by %s: %w", v.Actor(), ErrForbidden)
	}
	if after < 0 {
		return FeedPage{}, fmt.Errorf("registry: region feed: negative after %d", after)
	}
	evs, err := r.store.Events(ctx, EventFilter{Region: v.Region, After: after, Limit: limit})
	if err != nil {
		return FeedPage{}, err
	}
	page := FeedPage{Items: []FeedItem{}, Last: after}
	if n := len(evs); n > 0 {
		page.Last = evs[n-1].Seq
		want := limit
		if want == 0 {
			want = DefaultLimit
		}
		page.More = n >= min(want, MaxLimit)
	}
	today := r.today()
	last := map[string]int{} // index in page.Items by body
	for i := range evs {
		ev := &evs[i]
		ok, err := r.feedRelevant(ctx, &v, ev)
		if err != nil {
			return FeedPage{}, err
		}
		if !ok {
			continue
		}
		item := FeedItem{Seq: ev.Seq, At: ev.At, EntityID: ev.EntityID, Change: FeedRemoved}
		e, err := r.entity(ctx, ev.EntityID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return FeedPage{}, err
		case e.Seat.Region == v.Region:
			secs, err := r.visibleSections(ctx, &v, &e, today)
			if err != nil {
				return FeedPage{}, err
			}
			if len(secs) > 0 {
				pv := publicView(&e)
				item.Change, item.Entity, item.Sections = FeedUpsert, &pv, secs
			}
		}
		if j, ok := last[ev.EntityID]; ok {
			page.Items = slices.Delete(page.Items, j, j+1)
			for id, k := range last {
				if k > j {
					last[id] = k - 1
				}
			}
		}
		last[ev.EntityID] = len(page.Items)
		page.Items = append(page.Items, item)
	}
	return page, nil
}

// feedRelevant reports whether ev changes what v may see of its region (see
// RegionFeed).
func (r *Registry) feedRelevant(ctx context.Context, v *Viewer, ev *Event) (bool, error) {
	if ev.EntityID == "" {
		return false, nil
	}
	day := r.day(ev.At)
	switch ev.Kind {
	case EventEntityCreated, EventEntityUpdated, EventEntityRemoved:
		var views [2]string
		for i, raw := range []json.RawMessage{ev.Before, ev.After} {
			if len(raw) == 0 || string(raw) == "null" {
				continue
			}
			var e Entity
			if err := json.Unmarshal(raw, &e); err != nil {
				return false, fmt.Errorf("registry: event %d: %w", ev.Seq, err)
			}
			if e.Seat.Region != v.Region {
				continue
			}
			secs, err := r.visibleSections(ctx, v, &e, day)
			if err != nil {
				return false, err
			}
			if len(secs) == 0 {
				continue
			}
			b, err := json.Marshal(struct {
				E Entity
				S []Section
			}{publicView(&e), secs})
			if err != nil {
				return false, err
			}
			views[i] = string(b)
		}
		return views[0] != views[1], nil
	case EventEnrolmentChanged:
		if ev.Section == SectionII && !slices.ContainsFunc(v.Grants, func(g Grant) bool { return g.covers(v.Region, r.today()) }) {
			return false, nil
		}
		for _, raw := range []json.RawMessage{ev.Before, ev.After} {
			if len(raw) == 0 || string(raw) == "null" {
				continue
			}
			var en Enrolment
			if err := json.Unmarshal(raw, &en); err != nil {
				return false, fmt.Errorf("registry: event %d: %w", ev.Seq, err)
			}
			if r.statusOn(en, day) == StatusEnrolled {
				return true, nil
			}
		}
	}
	return false, nil
}
