package registry

import (
	"context"
	"slices"
	"sync"
)

// FiledYearlyUpdate returns YearlyUpdate(ctx, v, year, FiledReports(year)):
// the yearly list of year from the register's own log of filings.
//
// The Registry keeps the last list it computed for each year with the Seq
// of the last event of the log at that moment, and computes it again only
// when the log has grown since: every change to the register and every
// filing commits an event, and the list depends on nothing else (it is
// judged on the deadline and the year's end, not on today). A request for
// an unchanged register costs one indexed query for the events after that
// Seq (and one for new filings), not a pass over the register and the log;
// concurrent requests wait for one computation. What it returns is the
// caller's to modify.
//
// Errors: as YearlyUpdate's and FiledReports'.
func (r *Registry) FiledYearlyUpdate(ctx context.Context, v Viewer, year int) (YearlyList, error) {
	if v.Role != RoleStaff {
		return r.YearlyUpdate(ctx, v, year, nil) // ErrForbidden
	}
	c := &r.yearly
	c.mu.Lock()
	defer c.mu.Unlock()
	last, err := r.lastSeq(ctx, c.seq)
	if err != nil {
		return YearlyList{}, err
	}
	if c.lists == nil || last != c.seq {
		c.lists, c.seq = map[int]YearlyList{}, last
	}
	if l, ok := c.lists[year]; ok {
		return cloneYearly(l), nil
	}
	filed, err := r.FiledReports(ctx, year)
	if err != nil {
		return YearlyList{}, err
	}
	l, err := r.YearlyUpdate(ctx, v, year, filed)
	if err != nil {
		return YearlyList{}, err
	}
	// Keep the list only if nothing was committed while it was computed.
	if again, err := r.lastSeq(ctx, last); err == nil && again == last {
		c.lists[year] = l
	}
	return cloneYearly(l), nil
}

// yearlyCache holds the lists FiledYearlyUpdate computed at log Seq seq.
type yearlyCache struct {
	mu    sync.Mutex
	seq   int64
	lists map[int]YearlyList
}

// lastSeq returns the Seq of the last event of the log, reading forward
// from after (a Seq known to be in the log, or 0).
func (r *Registry) lastSeq(ctx context.Context, after int64) (int64, error) {
	f := EventFilter{After: after, Limit: MaxLimit}
	for {
		evs, err := r.store.Events(ctx, f)
		if err != nil {
			return 0, err
		}
		if len(evs) > 0 {
			f.After = evs[len(evs)-1].Seq
		}
		if len(evs) < f.Limit {
			return f.After, nil
		}
	}
}

// cloneYearly returns a copy of l that shares no slice with it.
func cloneYearly(l YearlyList) YearlyList {
	l.Recipients = slices.Clone(l.Recipients)
	for i := range l.Recipients {
		rl := &l.Recipients[i]
		rl.Regular, rl.Excluded = cloneListed(rl.Regular), cloneListed(rl.Excluded)
	}
	return l
}

func cloneListed(ls []Listed) []Listed {
	ls = slices.Clone(ls)
	for i := range ls {
		ls[i].Sections = slices.Clone(ls[i].Sections)
	}
	return ls
}
