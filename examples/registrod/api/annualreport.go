package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
)

// The annual report (art. 54 c.3 DPR 394/1999): the ministry publishes each
// year a statistical report on the bodies and their activities, built from
// the annual questionnaires. GET /v1/annual-report/{year} serves the public
// report of a year once its filing period has ended: the nation's, or with
// ?scope= a macro-area's ("ITC"…"ITG") or a region's ("01"…"20"). It is
// public data, open to anyone: Section II figures pass disclosure control
// (reporting.PublicReports), decided jointly over every scope published,
// so that no combination of the reports gives away a small Section II
// figure. The reports are made again when a report has been filed since
// (the register's log has a new questionnaire.filed event).

// annualReports caches the public reports of each year: the JSON of every
// scope and the Seq of the last filing event they include. A build runs
// detached from the request that started it: a request that runs out of
// time answers 503, and the build still completes for the next one.
type annualReports struct {
	mu     sync.Mutex
	years  map[int]*annualYear
	builds map[int]*annualBuild
}

// annualYear is one year's reports, JSON by scope code ("" the nation).
type annualYear struct {
	seq     int64
	byScope map[string][]byte
}

// annualBuild is a build of a year's reports under way.
type annualBuild struct {
	seq  int64
	done chan struct{}
	res  *annualYear
	err  error
}

// lastFiling returns the Seq of the last questionnaire.filed event after
// seq, or seq when there is none.
func (s *server) lastFiling(ctx context.Context, seq int64) (int64, error) {
	staff := registry.Staff("registrod")
	for {
		evs, err := s.deps.Registry.Events(ctx, staff, registry.EventFilter{After: seq, Limit: registry.MaxLimit, Kinds: []registry.EventKind{registry.EventReportFiled}})
		if err != nil {
			return 0, err
		}
		if len(evs) > 0 {
			seq = evs[len(evs)-1].Seq
		}
		if len(evs) < registry.MaxLimit {
			return seq, nil
		}
	}
}

// annualReportJSON returns the public report of year for scope, made from
// the filings again when one has been filed since the cached reports. One
// build per year and filing runs at a time; concurrent requests wait for
// it.
func (s *server) annualReportJSON(ctx context.Context, year int, scope string) ([]byte, bool, error) {
	c := &s.annual
	c.mu.Lock()
	var since int64
	if y := c.years[year]; y != nil {
		since = y.seq
	}
	c.mu.Unlock()
	seq, err := s.lastFiling(ctx, since)
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	if y := c.years[year]; y != nil && y.seq == seq {
		c.mu.Unlock()
		b, ok := y.byScope[scope]
		return b, ok, nil
	}
	if c.builds == nil {
		c.builds, c.years = map[int]*annualBuild{}, map[int]*annualYear{}
	}
	b := c.builds[year]
	if b == nil || b.seq < seq {
		b = &annualBuild{seq: seq, done: make(chan struct{})}
		c.builds[year] = b
		go func() {
			res, err := s.buildAnnualReports(context.WithoutCancel(ctx), year)
			c.mu.Lock()
			b.res, b.err = res, err
			if err == nil {
				res.seq = seq
				if y := c.years[year]; y == nil || y.seq < seq {
					c.years[year] = res
				}
			} else {
				s.log.Error("annual report", "year", year, "error", err)
			}
			if c.builds[year] == b {
				delete(c.builds, year)
			}
			c.mu.Unlock()
			close(b.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-b.done:
		if b.err != nil {
			return nil, false, b.err
		}
		out, ok := b.res.byScope[scope]
		return out, ok, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// buildAnnualReports reads the current filing of every body for year once,
// counts it in every published scope and applies disclosure control to
// all the scopes together.
func (s *server) buildAnnualReports(ctx context.Context, year int) (*annualYear, error) {
	scopes := reporting.AllScopes(reporting.Options{
		Lists: s.deps.Registry.CodeLists(), Territory: s.deps.Registry.Territory(), OnePerBody: true})
	aggs := make([]*reporting.Aggregator, len(scopes))
	for i, o := range scopes {
		a, err := reporting.New(year, o)
		if err != nil {
			return nil, err
		}
		aggs[i] = a
	}
	for f, err := range s.deps.Filings.Year(ctx, year) {
		if err != nil {
			return nil, err
		}
		var doc questionnaire.Document
		if err := reporting.DecodeDocument(f.Document, &doc); err != nil {
			return nil, fmt.Errorf("annual report %d: filing of %s: %w", year, f.BodyTaxCode, err)
		}
		for _, a := range aggs {
			a.Add(&doc)
		}
	}
	reports, err := reporting.PublicReports(aggs...)
	if err != nil {
		return nil, err
	}
	out := &annualYear{byScope: make(map[string][]byte, len(reports))}
	for _, rep := range reports {
		b, err := jsonBytes(rep)
		if err != nil {
			return nil, err
		}
		out.byScope[rep.Scope.Code] = b
	}
	return out, nil
}

// knownScope reports whether scope is "" (the nation), a macro-area or a
// region of the register's territory.
func (s *server) knownScope(scope string) bool {
	if scope == "" {
		return true
	}
	if _, ok := s.deps.Registry.Territory().Region(scope); ok {
		return true
	}
	return slices.Contains(territory.MacroAreas(), territory.MacroArea(scope))
}

// annualReport answers GET /v1/annual-report/{year}[?scope=].
func (s *server) annualReport(w http.ResponseWriter, r *request) error {
	y := r.PathValue("year")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 {
		return newError(kindBadRequest, msg("anno non valido: "+strconv.Quote(y), "bad year: "+strconv.Quote(y)))
	}
	if year < questionnaire.FirstYear || year > questionnaire.LastYear {
		return newError(kindNotFound, msg(
			fmt.Sprintf("nessuna relazione per l'anno %d (anni %d–%d)", year, questionnaire.FirstYear, questionnaire.LastYear),
			fmt.Sprintf("no annual report for %d (years %d–%d)", year, questionnaire.FirstYear, questionnaire.LastYear)))
	}
	if due := s.deps.Registry.FilingDeadline(year); registry.DateOf(s.deps.Registry.Now()) <= due {
		return newError(kindNotFound, msg(
			fmt.Sprintf("la relazione %d si pubblica dopo la fine della presentazione (%s)", year, due),
			fmt.Sprintf("the %d report is published after the filing period ends (%s)", year, due)))
	}
	scope := r.URL.Query().Get("scope")
	if !s.knownScope(scope) {
		return badParam("scope", scope[:min(len(scope), 8)], "un codice di regione (\"01\"–\"20\") o di macroarea (\"ITC\"–\"ITG\")", "a region (\"01\"–\"20\") or macro-area (\"ITC\"–\"ITG\") code")
	}
	b, ok, err := s.annualReportJSON(r.Context(), year, scope)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("annual report %d: no report of scope %q", year, scope)
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	if matchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
	return nil
}

// annualReportRoutes returns the route of the published annual report.
func (s *server) annualReportRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/annual-report/{year}", op: "getAnnualReport", tag: "reports", access: accessAnyone, h: s.annualReport},
	}
}
