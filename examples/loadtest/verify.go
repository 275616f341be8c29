package main

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
)

// maxProblems caps the problems a verification lists (it counts them all).
const maxProblems = 50

// Verification is the outcome of the checks after a run.
type Verification struct {
	Passed bool `json:"passed"`
	// Acknowledged is the number of filings answered 201.
	Acknowledged int `json:"acknowledged"`
	// FiledEvents is the number of questionnaire.filed events written
	// during the run; Events all the events.
	FiledEvents int `json:"filedEvents"`
	Events      int `json:"events"`
	// FeedChecked and StoreChecked say which checks ran.
	FeedChecked  bool `json:"feedChecked"`
	StoreChecked bool `json:"storeChecked"`
	// ProblemCount counts the problems; Problems lists the first ones.
	ProblemCount int      `json:"problemCount"`
	Problems     []string `json:"problems"`
}

func (v *Verification) add(format string, a ...any) {
	v.ProblemCount++
	if len(v.Problems) < maxProblems {
		v.Problems = append(v.Problems, fmt.Sprintf(format, a...))
	}
}

// recordID is the RecordID of a filing's event (see api.EventFiled).
func recordID(entityID string, year, rev int) string {
	return entityID + "/" + strconv.Itoa(year) + "/" + strconv.Itoa(rev)
}

// checkFeed checks the events written after seq0: their sequence numbers
// follow seq0 with no gap, every acknowledged filing has exactly one
// questionnaire.filed event, and no such event is for a filing neither
// acknowledged nor cut by the end of the run.
func checkFeed(v *Verification, year int, acks, cut []Ack, seq0 int64, evs []registry.Event) {
	v.FeedChecked = true
	count := map[string]int{}
	want := seq0 + 1
	for _, ev := range evs {
		if ev.Seq != want {
			v.add("change feed: event seq %d where %d was expected (a gap or a reordering)", ev.Seq, want)
			want = ev.Seq
		}
		want++
		v.Events++
		if ev.Kind == api.EventFiled {
			v.FiledEvents++
			count[ev.RecordID]++
		}
	}
	acked := map[string]bool{}
	for _, a := range acks {
		id := recordID(a.EntityID, year, a.Revision)
		acked[id] = true
		switch n := count[id]; n {
		case 1:
		case 0:
			v.add("change feed: no %s event for the acknowledged filing %s (lost event)", api.EventFiled, id)
		default:
			v.add("change feed: %d %s events for the filing %s (want one)", n, api.EventFiled, id)
		}
	}
	tolerated := map[string]bool{}
	for _, c := range cut {
		tolerated[recordID(c.EntityID, year, c.Revision)] = true
	}
	var extra []string
	for id, n := range count {
		if !acked[id] && !tolerated[id] {
			extra = append(extra, fmt.Sprintf("%s (×%d)", id, n))
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		v.add("change feed: %s event for %s, a filing that was not acknowledged", api.EventFiled, id)
	}
}

// checkStore checks the filing store: every acknowledged revision is stored
// with the bytes that were sent, and each body's current revision is its
// last acknowledged one (or a later one whose request was cut by the end of
// the run).
func checkStore(ctx context.Context, v *Verification, filings questionnaire.FilingStore, year int, acks, cut []Ack) error {
	v.StoreChecked = true
	byBody := map[string][]Ack{}
	for _, a := range acks {
		byBody[a.TaxCode] = append(byBody[a.TaxCode], a)
	}
	cutRev := map[string]map[int]bool{}
	for _, c := range cut {
		if cutRev[c.TaxCode] == nil {
			cutRev[c.TaxCode] = map[int]bool{}
		}
		cutRev[c.TaxCode][c.Revision] = true
	}
	bodies := make([]string, 0, len(byBody))
	for cf := range byBody {
		bodies = append(bodies, cf)
	}
	sort.Strings(bodies)
	for _, cf := range bodies {
		hist, err := filings.History(ctx, cf, year)
		if err != nil {
			v.add("filing store: body %s: %v (lost write)", cf, err)
			continue
		}
		stored := map[int][]byte{}
		for _, f := range hist {
			stored[f.Revision] = f.Document
		}
		last := 0
		for _, a := range byBody[cf] {
			last = max(last, a.Revision)
			doc, ok := stored[a.Revision]
			switch {
			case !ok:
				v.add("filing store: body %s: acknowledged revision %d is not stored (lost write)", cf, a.Revision)
			case !bytes.Equal(doc, a.Document):
				v.add("filing store: body %s: revision %d is stored with other bytes than were sent", cf, a.Revision)
			}
		}
		cur := hist[len(hist)-1].Revision
		if cur != last && !cutRev[cf][cur] {
			v.add("filing store: body %s: current revision %d, last acknowledged %d", cf, cur, last)
		}
	}
	return ctx.Err()
}

// feedSince returns every event of the change feed after after, read with
// a staff client.
func feedSince(ctx context.Context, c *client.Client, after int64) ([]registry.Event, error) {
	var out []registry.Event
	for ev, err := range c.Events(ctx, client.EventQuery{After: after, Limit: registry.MaxLimit}) {
		if err != nil {
			return nil, fmt.Errorf("loadtest: reading the change feed: %w", err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// feedHead returns the sequence number of the feed's last event (0 when
// there is none).
func feedHead(ctx context.Context, c *client.Client) (int64, error) {
	var last int64
	for ev, err := range c.Events(ctx, client.EventQuery{Limit: registry.MaxLimit}) {
		if err != nil {
			return 0, fmt.Errorf("loadtest: reading the change feed: %w", err)
		}
		last = ev.Seq
	}
	return last, nil
}
