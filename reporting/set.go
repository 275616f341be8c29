package reporting

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/openregistro/registro/questionnaire"
)

// Set reads the questionnaires of a reporting year once for the reports of
// several scopes (normally [AllScopes]: the nation, the macro-areas and the
// regions), and publishes them together: [Set.Reports] gives the public
// reports, with disclosure control decided jointly over all of them
// ([PublicReports]); [Set.PrivateReports] the private ones.
//
// A questionnaire is decoded and counted once, and its counts go to the
// scopes that hold its body's region. Each body is counted once in every
// scope, with the same revision (the latest, see [Aggregator.AddRevision]),
// so the reports add up across scopes; one record per body is kept for the
// whole set (none with Options.OnePerBody). Like an Aggregator, a Set is
// not safe for concurrent use: Fork it per goroutine and Merge, as
// [Parallel] does.
type Set struct {
	aggs    []*Aggregator
	remap   [][]int32   // per scope: its cell of each of counter's cells (-1: none), nil for the nation
	counter *Aggregator // the nation's layout: computes what a questionnaire adds
	bodies  map[string]*revision
	onePer  bool
}

// NewSet returns an empty set of aggregators of reporting year year, one
// per element of scopes, in that order. The scopes must differ and share
// their threshold, code lists, territory and OnePerBody.
func NewSet(year int, scopes []Options) (*Set, error) {
	if len(scopes) == 0 {
		return nil, fmt.Errorf("%w: no scope", ErrScope)
	}
	s := &Set{bodies: map[string]*revision{}, onePer: scopes[0].OnePerBody}
	for _, o := range scopes {
		if o.OnePerBody != s.onePer {
			return nil, fmt.Errorf("%w: OnePerBody differs between scopes", ErrMismatch)
		}
		a, err := New(year, o)
		if err != nil {
			return nil, err
		}
		s.aggs = append(s.aggs, a)
	}
	nat := scopes[0]
	nat.Region, nat.MacroArea = "", ""
	c, err := New(year, nat)
	if err != nil {
		return nil, err
	}
	s.counter = c
	// The tables of a region or a macro-area have only its regions' rows:
	// the cells are matched by key.
	natKeys := c.l.keys()
	for _, a := range s.aggs {
		var m []int32
		if a.l.scope.Kind != ScopeCountry {
			m = make([]int32, c.l.n+1)
			for i := range m {
				m[i] = -1
			}
			for k, i := range a.l.keys() {
				m[natKeys[k]] = int32(i)
			}
		}
		s.remap = append(s.remap, m)
	}
	// Fail now rather than at Reports: the scopes must be publishable
	// together.
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Set) check() error {
	first := s.aggs[0]
	seen := map[[2]string]bool{}
	for _, a := range s.aggs {
		switch {
		case a.opts.Threshold != first.opts.Threshold:
			return fmt.Errorf("%w: thresholds %d and %d", ErrMismatch, first.opts.Threshold, a.opts.Threshold)
		case a.l.terr != first.l.terr || a.l.lists != first.l.lists:
			return fmt.Errorf("%w: different code lists or territories", ErrMismatch)
		}
		k := [2]string{string(a.l.scope.Kind), a.l.scope.Code}
		if seen[k] {
			return fmt.Errorf("%w: %s %q given twice", ErrMismatch, a.l.scope.Kind, a.l.scope.Code)
		}
		seen[k] = true
	}
	return nil
}

// Year returns the reporting year.
func (s *Set) Year() int { return s.counter.l.year }

// Filings returns the number of questionnaires counted so far in the
// nation (one per body, in any region of the territory).
func (s *Set) Filings() int64 { return s.counter.filings }

// Add counts one questionnaire in every scope: AddRevision with order 0.
func (s *Set) Add(doc *questionnaire.Document) { s.AddRevision(doc, 0) }

// AddRevision counts one questionnaire in every scope, as
// [Aggregator.AddRevision] does in one: the body's revision of highest
// order is counted (in the scopes holding its region), the others in
// Report.Superseded, and a questionnaire outside a scope in that report's
// OutOfScope.
func (s *Set) AddRevision(doc *questionnaire.Document, order int64) {
	c := s.counter
	if doc == nil || doc.ReportingYear != c.l.year {
		for _, a := range s.aggs {
			a.outOfScope++
		}
		return
	}
	key := doc.Body.TaxCode
	if key == "" {
		key = doc.Body.RegisterID
	}
	if s.onePer {
		key = ""
	}
	r := &revision{order: order}
	var buf []byte
	if c.count(doc) {
		buf, r.hash = c.encode()
		r.inScope, r.region = true, doc.Body.Region
	}
	if key == "" {
		// No record: counted where it falls.
		r.adds = buf
		c.filings += b2i(r.inScope)
		for i, a := range s.aggs {
			a.applyMapped(r, 1, s.remap[i])
		}
		return
	}
	old, ok := s.bodies[key]
	if ok && !r.newer(old) {
		for _, a := range s.aggs {
			a.superseded++
		}
		return
	}
	r.adds = slices.Clone(buf)
	s.bodies[key] = r
	c.filings += b2i(r.inScope)
	if ok {
		c.filings -= b2i(old.inScope)
	}
	for i, a := range s.aggs {
		if ok {
			a.applyMapped(old, -1, s.remap[i])
			a.superseded++
		}
		a.applyMapped(r, 1, s.remap[i])
	}
}

// applyMapped is apply for a revision encoded on the nation's cells: cell
// i of r is cell m[i] of a (m nil: the same).
func (a *Aggregator) applyMapped(r *revision, sign int64, m []int32) {
	if m == nil || !r.inScope || !a.l.regions[r.region] {
		a.apply(r, sign)
		return
	}
	a.filings += sign
	i, b := uint64(0), r.adds
	for len(b) > 0 {
		gap, n := binary.Uvarint(b)
		v, k := binary.Varint(b[n:])
		b = b[n+k:]
		i += gap
		if j := m[i]; j >= 0 {
			a.vals[j] += sign * v
			a.contrib[j] += sign
		}
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Fork returns an empty set with the same year, scopes and options, to be
// filled on another goroutine and merged back.
func (s *Set) Fork() *Set {
	f := &Set{counter: s.counter.Fork(), remap: s.remap, bodies: map[string]*revision{}, onePer: s.onePer}
	for _, a := range s.aggs {
		f.aggs = append(f.aggs, a.Fork())
	}
	return f
}

// Merge adds b's counts into s: b must come from s.Fork (or the same
// NewSet arguments); it is left unchanged. As for aggregators, any split of
// the input merged in any order gives the same counts.
func (s *Set) Merge(b *Set) error {
	if len(b.aggs) != len(s.aggs) {
		return fmt.Errorf("%w: sets of %d and %d scopes", ErrMismatch, len(s.aggs), len(b.aggs))
	}
	for i, a := range s.aggs {
		if err := a.Merge(b.aggs[i]); err != nil {
			return err
		}
	}
	s.counter.filings += b.counter.filings
	// A body counted on both sides: keep the latest, take out the other.
	for key, r := range b.bodies {
		old, ok := s.bodies[key]
		if !ok {
			s.bodies[key] = r
			continue
		}
		drop := r
		if r.newer(old) {
			s.bodies[key], drop = r, old
		}
		s.counter.filings -= b2i(drop.inScope)
		for i, a := range s.aggs {
			a.applyMapped(drop, -1, s.remap[i])
			a.superseded++
		}
	}
	return nil
}

// Reports returns the public reports of the set's scopes, in the order of
// NewSet's scopes, with disclosure control decided jointly over all of them
// (see [PublicReports] and the package doc). Publish every public report of
// a year from one call: reports of the same year from separate calls are
// not protected against each other.
func (s *Set) Reports() ([]*Report, error) { return PublicReports(s.aggs...) }

// PrivateReports returns the private reports of the set's scopes (every
// figure, for viewers entitled to Section II data), in the order of
// NewSet's scopes.
func (s *Set) PrivateReports() []*Report {
	out := make([]*Report, len(s.aggs))
	for i, a := range s.aggs {
		out[i] = a.Report()
	}
	return out
}
