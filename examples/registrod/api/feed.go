package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/openregistro/registro/registry"
)

// FeedItem is one entry of a region's change feed (see
// registry.Registry.RegionFeed): a body of the region entered or changed in
// the region's view ("upsert", with the body as the region sees it now and
// the sections it sees it in), or left it ("removed": removed from the
// register, moved out of the region, no longer enrolled in a section the
// region sees — a tombstone).
type FeedItem struct {
	Seq      int64               `json:"seq"`
	At       time.Time           `json:"at"`
	EntityID string              `json:"entityId"`
	Change   registry.FeedChange `json:"change"`
	Entity   *PublishedEntity    `json:"entity,omitempty"`
	Sections []registry.Section  `json:"sections,omitempty"`
}

// FeedPage is a page of a region's change feed.
type FeedPage struct {
	// Items are the entries, oldest first, at most one per body.
	Items []FeedItem `json:"items"`
	// Last is the after of the next request.
	Last int64 `json:"last"`
	// More is true when more events may follow Last: ask again at once.
	More bool `json:"more"`
}

// afterParam parses ?after= (a sequence number ≥ 0; empty means 0).
func afterParam(r *request) (int64, error) {
	v := r.URL.Query().Get("after")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badParam("after", v, "un numero di sequenza ≥ 0", "a sequence number ≥ 0")
	}
	return n, nil
}

// regionFeed is the least-privilege change feed of a regional office: the
// events of the bodies of the caller's region only, as the region sees
// them (published fields; Section II only under a grant), with tombstones
// for the bodies that left its view. Staff read the whole log at
// /v1/events; everyone else gets 403.
func (s *server) regionFeed(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("il flusso regionale richiede un token", "the regional feed needs a token"))
	}
	after, err := afterParam(r)
	if err != nil {
		return err
	}
	limit, err := limitParam(r, registry.DefaultLimit, registry.MaxLimit)
	if err != nil {
		return err
	}
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	page, err := s.deps.Registry.RegionFeed(r.Context(), v, after, limit)
	if err != nil {
		return err
	}
	out := FeedPage{Items: make([]FeedItem, 0, len(page.Items)), Last: page.Last, More: page.More}
	for _, it := range page.Items {
		fi := FeedItem{Seq: it.Seq, At: it.At, EntityID: it.EntityID, Change: it.Change, Sections: it.Sections}
		if it.Entity != nil {
			fi.Entity = &PublishedEntity{ID: it.Entity.ID, Name: it.Entity.Name, LegalForm: it.Entity.LegalForm, Seat: it.Entity.Seat}
		}
		out.Items = append(out.Items, fi)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// feedRoutes returns the regional change feed's route.
func (s *server) feedRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/feed", op: "regionFeed", tag: "register", access: accessToken, h: s.regionFeed},
	}
}
